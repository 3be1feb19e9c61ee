"""`catalog history`, `changes`, `runs`, `schedule`: the catalog over time. Each command parses,
makes one call on catalog.Catalog (schedule: on catalog.schedule) and renders (catalog.cli.render)."""

from __future__ import annotations

import datetime as dt
import sys

import click

import catalog.cli.render as render
from catalog.cli.common import ALERT_EXIT
from catalog.cli.crawl import reject_with_all, source_option
from catalog.cli.params import catalog_option, json_option
from catalog.cli.render import Output, print_json
from catalog.db import ENV_VAR


class RunOrDate(click.ParamType):
    """A refresh: its run id (12), or a date (2026-11-01) or time (2026-11-01T06:00) meaning the
    last complete refresh finished by then (a bare date counts to its end, UTC)."""

    name = "RUN_ID|DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, int | dt.date):
            return value
        text = str(value).strip()
        if text.isdigit():
            return int(text)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{value!r} is neither a refresh nor a date; give a run id (12, see `catalog runs`), "
                "a date (2026-11-01) or a UTC time (2026-11-01T06:00)",
                param,
                ctx,
            )


# --- history ------------------------------------------------------------------------------------


@click.command()
@click.argument("key", metavar="PROVIDER/MODEL_ID")
@json_option
@catalog_option
def history(cat, key: str, as_json: bool) -> None:
    """Every value each price of one offering has held, with its dates, refreshes and source.

    \b
    Example:
      catalog history together_ai/meta-llama-llama-3.2-1b-instruct --json
    """
    found = cat.history(key)
    if as_json:
        print_json(render.history_json(found))
    else:
        Output().lines(render.history_lines(found))


# --- changes ------------------------------------------------------------------------------------


@click.command()
@click.option("--since", type=RunOrDate(), help="Compare from this refresh (run id) or the last complete one by DATE.")
@click.option("--source", "-s", metavar="NAME",
              help="The source whose refreshes to compare (default: the source of the last complete refresh).")
@json_option
@click.option("--fail-on-change", is_flag=True, help=f"Exit {ALERT_EXIT} when anything changed (for alerts from cron).")
@catalog_option
def changes(cat, since, source, as_json: bool, fail_on_change: bool) -> None:
    """What changed between two complete refreshes (default: the last two): offerings added and
    removed, and price changes with old and new values.

    \b
    Examples:
      catalog changes
      catalog changes --since 2026-11-01 --json
      catalog changes --fail-on-change      # exit 3 when anything changed: an alert from cron
    """
    found = cat.changes(since, source)
    if as_json:
        print_json(render.changes_json(found))
    else:
        Output().lines(render.changes_lines(found))
    if fail_on_change and found.changed:
        sys.exit(ALERT_EXIT)


# --- runs ---------------------------------------------------------------------------------------


#: the most refreshes `runs` lists: a refresh an hour for a century is fewer; a bound that keeps
#: the number within what the databases take as a LIMIT (SQLite: 64-bit)
RUNS_LIMIT = 1_000_000


@click.command()
@click.option("--limit", type=click.IntRange(min=1, max=RUNS_LIMIT), default=20, show_default=True, metavar="N",
              help=f"Show the N latest refreshes (at most {RUNS_LIMIT:,}).")
@click.option("--problems", "problems_of", type=click.IntRange(min=1), metavar="RUN_ID",
              help="List the pages refresh RUN_ID could not use.")
@json_option
@catalog_option
def runs(cat, limit: int, problems_of: int | None, as_json: bool) -> None:
    """The refreshes, newest first: when, how they ended, pages fetched, changes found.

    \b
    Examples:
      catalog runs --limit 5
      catalog runs --problems 12            # the pages refresh 12 could not use, and why
    """
    if problems_of is not None:
        render.print_problems(problems_of, cat.problems(problems_of), as_json=as_json)
    else:
        render.print_runs(cat.runs(limit), as_json=as_json)


# --- schedule -----------------------------------------------------------------------------------


class Every(click.ParamType):
    """How often to refresh: minutes that divide an hour, hours that divide a day, or 1d."""

    name = "INTERVAL"

    def convert(self, value, param, ctx):
        from catalog.schedule import Interval

        if isinstance(value, Interval):
            return value
        try:
            return Interval.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command()
@click.option("--every", type=Every(), required=True, help="How often: e.g. 30m, 6h or 1d.")
@source_option
@click.option("--db", "db_url", metavar="URL", envvar=ENV_VAR,
              help=f"Database URL the refresh writes to (default: as every command; env {ENV_VAR}).")
@click.option("--only", type=click.Choice(["cron", "service", "timer"]),
              help="Print only the crontab line, the service or the timer (to redirect into a file).")
@click.option("--write-env", "env_file", type=click.Path(dir_okay=False), metavar="FILE",
              help=f"Write ${ENV_VAR}=URL to FILE (mode 0600) and have the schedule read it from there, "
                   "so a password stays off every command line.")
def schedule(every, source, site: str | None, every_source: bool, db_url: str | None, only: str | None,
             env_file: str | None) -> None:
    """Print a crontab line and a systemd service + timer that run `catalog refresh` on a schedule.

    A database password is never printed in them: it is read from ~/.pgpass, or from FILE with
    --write-env FILE.

    \b
    Examples:
      catalog schedule --every 6h
      catalog schedule --every 1d --all
      (crontab -l 2>/dev/null; catalog schedule --every 6h --only cron) | crontab -
    """
    from catalog import schedule as sched

    reject_with_all(every_source)
    url = sched.absolute_db_url(db_url)
    written = sched.write_env_file(env_file, url) if env_file is not None else None
    plan = sched.plan(every, source=source.name, site=site, every_source=every_source, db_url=url,
                      executable=sched.catalog_executable(), env_file=written)
    if only:
        click.echo(plan.note, nl=False, err=True)  # so `--only cron > file` holds the line alone
        click.echo(plan.part(only), nl=False)
    else:
        click.echo(plan.text(), nl=False)
