"""`catalog history`, `changes`, `runs`, `schedule`: the catalog over time.

catalog.history (and so SQLAlchemy) is imported inside the commands, so registering them costs
the fast query commands nothing at start-up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

import click

from catalog.cli.common import DEFAULT_SITE, SiteURL, db_option, reading
from catalog.cli.params import json_option
from catalog.cli.render import Column, Output, exact, print_json
from catalog.db import ENV_VAR

#: `changes --fail-on-change` exit status when anything changed (1 and 2 are errors)
CHANGED_EXIT = 3


def when(moment: dt.datetime | None, empty: str = "now") -> str:
    """A timestamp for reading: UTC to the second."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else empty


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
@db_option
def history(engine, key: str, as_json: bool) -> None:
    """Every value each price of one offering has held, with its dates, refreshes and source."""
    from catalog.history import offering_history
    from catalog.queries import require_offerings

    with reading(engine) as session:
        require_offerings(session)
        found = offering_history(session, key)
    if as_json:
        print_json(history_json(found))
    else:
        Output().lines(history_lines(found))


def history_json(h) -> dict:
    return {
        "provider": h.provider,
        "model_id": h.model_id,
        "name": h.name,
        "removed_at": h.removed_at,
        "listed": [
            {"from": s.opened_at, "to": s.closed_at, "opened_run": s.opened_run_id, "closed_run": s.closed_run_id}
            for s in h.presence
        ],
        "prices": {
            component: [
                {
                    "amount": exact(s.amount),
                    "currency": s.currency,
                    "unit": s.unit,
                    "from": s.valid_from,
                    "to": s.valid_to,
                    "opened_run": s.opened_run_id,
                    "last_run": s.last_run_id,
                    "closed_run": s.closed_run_id,
                    "last_seen": s.last_seen_at,
                    "suspect": s.suspect,
                    "source_url": s.source_url,
                    "fetched_at": s.fetched_at,
                    "content_hash": s.content_hash,
                }
                for s in spans
            ]
            for component, spans in h.prices.items()
        },
    }


def history_lines(h) -> list[str]:
    lines = [f"{h.key}  {h.name}" if h.name else h.key]
    for s in h.presence:
        closed = f"{when(s.closed_at)} (removed by #{s.closed_run_id})" if s.closed_run_id else "now"
        lines.append(f"Listed: {when(s.opened_at)} (#{s.opened_run_id}) -> {closed}")
    if not h.prices:
        lines.append("No prices recorded.")
    for component, spans in h.prices.items():
        latest = spans[-1]
        lines.append(f"{component} ({latest.currency} per {latest.unit}):")
        width = max(len(exact(s.amount)) for s in spans)
        for s in spans:
            runs = f"#{s.opened_run_id}-#{s.closed_run_id}" if s.closed_run_id else f"#{s.opened_run_id}-"
            seen = f"last seen #{s.last_run_id}" if not s.closed_run_id else ""
            unit = "" if (s.currency, s.unit) == (latest.currency, latest.unit) else f" {s.currency} per {s.unit}"
            parts = [
                f"  {exact(s.amount):<{width}}{unit}",
                f"{when(s.valid_from)} -> {when(s.valid_to):<19}",
                f"runs {runs:<9}",
                f"page {s.content_hash[:12]}",
                s.source_url,
            ]
            line = "  ".join(parts)
            if seen:
                line += f"  ({seen})"
            if s.suspect:
                line += "  SUSPECT: moved more than 10x in one refresh"
            lines.append(line)
    return lines


# --- changes ------------------------------------------------------------------------------------


@click.command()
@click.option("--since", type=RunOrDate(), help="Compare from this refresh (run id) or the last complete one by DATE.")
@json_option
@click.option("--fail-on-change", is_flag=True, help=f"Exit {CHANGED_EXIT} when anything changed (for alerts from cron).")
@db_option
def changes(engine, since, as_json: bool, fail_on_change: bool) -> None:
    """What changed between two complete refreshes (default: the last two): offerings added and
    removed, and price changes with old and new values."""
    from catalog.history import changes as compute

    with reading(engine) as session:
        found = compute(session, since)
    if as_json:
        print_json(changes_json(found))
    else:
        Output().lines(changes_lines(found))
    if fail_on_change and found.changed:
        sys.exit(CHANGED_EXIT)


def changes_json(c) -> dict:
    return {
        "from_run": c.from_run.id,
        "to_run": c.to_run.id,
        "added": [{"provider": p, "model_id": m} for p, m in c.added],
        "removed": [{"provider": p, "model_id": m} for p, m in c.removed],
        "price_changes": [
            {
                "provider": ch.provider,
                "model_id": ch.model_id,
                "component": ch.component,
                "old": None if ch.old is None else exact(ch.old),
                "new": None if ch.new is None else exact(ch.new),
                "percent": None if ch.percent is None else exact(ch.percent),
                "suspect": ch.suspect,
                "currency": ch.currency,
                "unit": ch.unit,
            }
            for ch in c.price_changes
        ],
    }


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _percent(value) -> str:
    return "" if value is None else f"{value:+.1f}%"


def changes_lines(c) -> list[str]:
    span = (
        f"from refresh #{c.from_run.id} ({when(c.from_run.finished_at)}) "
        f"to #{c.to_run.id} ({when(c.to_run.finished_at)})"
    )
    if not c.changed:
        return [f"No changes {span}."]
    lines = [
        f"Changes {span}: {len(c.added)} added, {len(c.removed)} removed, "
        f"{_n(len(c.price_changes), 'price change')} in {_n(c.repriced_offerings, 'offering')}"
    ]
    for title, keys in (("Added", c.added), ("Removed", c.removed)):
        if keys:
            lines.append(f"{title} ({len(keys)}):")
            lines += [f"  {p}/{m}" for p, m in keys]
    if c.price_changes:
        lines.append(f"Price changes ({len(c.price_changes)}):")
        rows = [
            (
                f"{ch.provider}/{ch.model_id}",
                ch.component,
                "(none)" if ch.old is None else exact(ch.old),
                "(none)" if ch.new is None else exact(ch.new),
                _percent(ch.percent),
                "  SUSPECT: moved more than 10x" if ch.suspect else "",
            )
            for ch in c.price_changes
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for key, component, old, new, pct, flag in rows:
            line = (
                f"  {key:<{widths[0]}}  {component:<{widths[1]}}  {old:>{widths[2]}} -> "
                f"{new:<{widths[3]}}  {pct:>{widths[4]}}"
            )
            lines.append((line + flag).rstrip())
    return lines


# --- runs ---------------------------------------------------------------------------------------

RUN_COLUMNS = (
    Column("run", "Run", "count"),
    Column("started", "Started (UTC)", wrap=False),
    Column("ended", "Ended", wrap=False),
    Column("status", "Status", wrap=False),
    Column("pages", "Pages", "count"),
    Column("not_modified", "304", "count"),
    Column("failed", "Failed", "count"),
    Column("new", "New", "count"),
    Column("removed", "Removed", "count"),
    Column("price_changes", "Changes", "count"),
)


#: the most refreshes `runs` lists: a refresh an hour for a century is fewer; a bound that keeps
#: the number within what the databases take as a LIMIT (SQLite: 64-bit)
RUNS_LIMIT = 1_000_000


@click.command()
@click.option("--limit", type=click.IntRange(min=1, max=RUNS_LIMIT), default=20, show_default=True, metavar="N",
              help=f"Show the N latest refreshes (at most {RUNS_LIMIT:,}).")
@click.option("--problems", "problems_of", type=int, metavar="RUN_ID", help="List the pages refresh RUN_ID could not use.")
@json_option
@db_option
def runs(engine, limit: int, problems_of: int | None, as_json: bool) -> None:
    """The refreshes, newest first: when, how they ended, pages fetched, changes found."""
    from catalog.history import list_runs, run_problems

    with reading(engine) as session:
        if problems_of is not None:
            problems = run_problems(session, problems_of)
        else:
            found = list_runs(session, limit)
    if problems_of is not None:
        if as_json:
            print_json([{"url": u, "reason": r, "http_status": s} for u, r, s in problems])
            return
        lines = [f"Refresh #{problems_of}: {_n(len(problems), 'page')} could not be used"]
        lines += [f"  {u}  {r}" for u, r, _ in problems]
        Output().lines(lines)
        return
    if as_json:
        print_json([runs_json(r) for r in found])
        return
    out = Output()
    out.table(RUN_COLUMNS, [run_row(r) for r in found])
    for r in found:
        if r.error:
            out.note(f"#{r.id} {r.status}: {r.error}")


def runs_json(r) -> dict:
    return dataclasses.asdict(r)  # RunView's fields, in order, are the JSON keys


def run_row(r) -> tuple:
    """The table row of a refresh; its end is a time of day when it ended the day it started."""
    ended = r.finished_at
    if ended is not None and ended.date() == r.started_at.date():
        ended_text = ended.strftime("%H:%M:%S")
    else:
        ended_text = when(ended, empty="")
    return (
        r.id,
        when(r.started_at),
        ended_text,
        r.status,
        r.pages_fetched,
        r.pages_not_modified,
        r.pages_failed,
        r.offerings_new,
        r.offerings_removed,
        r.price_changes,
    )


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
@click.option("--site", type=SiteURL(), default=DEFAULT_SITE, show_default=True, help="Catalog site to crawl.")
@click.option("--db", "db_url", metavar="URL", envvar=ENV_VAR,
              help=f"Database URL the refresh writes to (default: as every command; env {ENV_VAR}).")
@click.option("--only", type=click.Choice(["cron", "service", "timer"]),
              help="Print only the crontab line, the service or the timer (to redirect into a file).")
@click.option("--write-env", "env_file", type=click.Path(dir_okay=False), metavar="FILE",
              help=f"Write ${ENV_VAR}=URL to FILE (mode 0600) and have the schedule read it from there, "
                   "so a password stays off every command line.")
def schedule(every, site: str, db_url: str | None, only: str | None, env_file: str | None) -> None:
    """Print a crontab line and a systemd service + timer that run `catalog refresh` on a schedule.

    A database password is never printed in them: it is read from ~/.pgpass, or from FILE with
    --write-env FILE."""
    from catalog import schedule as sched

    url = sched.absolute_db_url(db_url)
    written = sched.write_env_file(env_file, url) if env_file is not None else None
    plan = sched.plan(every, site=site, db_url=url, executable=sched.catalog_executable(), env_file=written)
    if only:
        click.echo(plan.note, nl=False, err=True)  # so `--only cron > file` holds the line alone
        click.echo(plan.part(only), nl=False)
    else:
        click.echo(plan.text(), nl=False)
