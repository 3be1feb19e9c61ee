"""`catalog history`, `changes`, `runs`, `schedule`: exact output on a catalog built through the store.

The catalog below lives through four refreshes (T0 + 0, 7, 10, 14 days):

    #1 complete     p/a in 0.10 out 0.20 · p/b in 1 · q/c headline 0.5/call
    #2 complete     p/a in 0.12          · p/b gone  · q/c headline 6 (12x: suspect) · p/d image 0.04
    #3 interrupted  p/a only (nothing is removed by it)
    #4 complete     p/a out 0.25, headline 0.185 appears · p/b back, in 1 · q/c 6 · p/d gone
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import store
from catalog.cli import cli
from catalog.errors import CatalogError, NotFound
from catalog.reader import Reader
from catalog.records import Fetch, Observation, PageRecord
from catalog.schedule import Interval
from catalog.schema import Offering, Price
from catalog.views import RunView

T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
SITE = "http://catalog.test"


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def obs(key: str, at: dt.datetime, **prices: str) -> Observation:
    provider, model_id = key.split("/")
    url = f"{SITE}/models/{provider}/{model_id}.md"
    record = PageRecord(
        canonical_url=url, provider=provider, model_id=model_id, name=model_id.upper(), creator="c",
        headline_unit="call", prices={k.removesuffix("_price"): Decimal(v) for k, v in prices.items()},
    )
    digest = "sha" + "".join(f"{k}{v}" for k, v in sorted(prices.items())).replace(".", "")
    return Observation(record=record, fetch=Fetch(url=url, http_status=200, fetched_at=at, content_hash=digest))


def refresh(engine, at: dt.datetime, *observations: Observation, status: str = "complete") -> int:
    """One refresh through the store, as the pipeline writes it (finished a minute later)."""
    with Session(engine) as session, session.begin():
        run = store.start_run(session, SITE, now=at)
        result = store.observe(session, run, list(observations))
        store.add_counts(
            session, run, pages_fetched=len(observations), offerings_new=result.new,
            offerings_updated=result.updated, offerings_unchanged=result.unchanged,
            price_changes=result.price_changes,
        )
        if status != "running":
            store.finish_run(session, run, status, now=at + dt.timedelta(minutes=1),
                             error=None if status == "complete" else "stopped before the end")
        return run.id


def first_refresh(engine) -> None:
    refresh(engine, day(0), obs("p/a", day(0), input_per_mtok="0.10", output_per_mtok="0.20"),
            obs("p/b", day(0), input_per_mtok="1"), obs("q/c", day(0), headline_price="0.5"))


def second_refresh(engine) -> None:
    refresh(engine, day(7), obs("p/a", day(7), input_per_mtok="0.12", output_per_mtok="0.20"),
            obs("q/c", day(7), headline_price="6"), obs("p/d", day(7), per_image="0.04"))


@pytest.fixture
def filled(engine):
    """The four refreshes of the module docstring; yields the database URL."""
    first_refresh(engine)
    second_refresh(engine)
    refresh(engine, day(10), obs("p/a", day(10), input_per_mtok="0.12", output_per_mtok="0.20"),
            status="interrupted")
    refresh(engine, day(14),
            obs("p/a", day(14), input_per_mtok="0.12", output_per_mtok="0.25", headline_price="0.185"),
            obs("p/b", day(14), input_per_mtok="1"), obs("q/c", day(14), headline_price="6"))
    return engine.url.render_as_string(hide_password=False)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), env={"CATALOG_DATABASE_URL": None})


# --- changes --------------------------------------------------------------------------------------


def test_changes_between_the_last_two_complete_refreshes(filled):
    result = invoke("changes", "--db", filled)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Changes from refresh #2 (2026-11-08 06:01:00) to #4 (2026-11-15 06:01:00): "
        "1 added, 1 removed, 2 price changes in 1 offering\n"
        "Added (1):\n"
        "  p/b\n"
        "Removed (1):\n"
        "  p/d\n"
        "Price changes (2):\n"
        "  p/a  output_per_mtok    0.20 -> 0.25   +25.0%\n"
        "  p/a  headline         (none) -> 0.185\n"
    )


def test_changes_json_since_a_run(filled):
    result = invoke("changes", "--since", "1", "--json", "--db", filled)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "source": "modelslab",
        "from_run": 1,
        "to_run": 4,
        "added": [],
        "removed": [],  # p/b went and came back with its price: no change at all
        "price_changes": [
            {"provider": "p", "model_id": "a", "component": "input_per_mtok", "old": "0.10", "new": "0.12",
             "percent": "20.00", "suspect": False, "currency": "USD", "unit": "1M tokens"},
            {"provider": "p", "model_id": "a", "component": "output_per_mtok", "old": "0.20", "new": "0.25",
             "percent": "25.00", "suspect": False, "currency": "USD", "unit": "1M tokens"},
            {"provider": "p", "model_id": "a", "component": "headline", "old": None, "new": "0.185",
             "percent": None, "suspect": False, "currency": "USD", "unit": "call"},
            {"provider": "q", "model_id": "c", "component": "headline", "old": "0.5", "new": "6",
             "percent": "1100.00", "suspect": True, "currency": "USD", "unit": "call"},
        ],
    }


def test_changes_text_flags_a_tenfold_move(filled):
    result = invoke("changes", "--since", "1", "--db", filled)
    assert result.output.splitlines()[-1] == "  q/c  headline            0.5 -> 6      +1100.0%  SUSPECT: moved more than 10x"


def test_changes_since_a_date_is_the_last_complete_refresh_finished_by_its_end(filled):
    by_day = json.loads(invoke("changes", "--since", "2026-11-08", "--json", "--db", filled).output)
    assert (by_day["from_run"], by_day["to_run"]) == (2, 4)
    by_time = json.loads(invoke("changes", "--since", "2026-11-08T06:00:30Z", "--json", "--db", filled).output)
    assert (by_time["from_run"], by_time["to_run"]) == (1, 4)


def test_removed_offering_and_its_return(engine):
    first_refresh(engine)
    second_refresh(engine)
    url = engine.url.render_as_string(hide_password=False)
    result = json.loads(invoke("changes", "--json", "--db", url).output)
    assert result["added"] == [{"provider": "p", "model_id": "d"}]
    assert result["removed"] == [{"provider": "p", "model_id": "b"}]
    assert [(c["model_id"], c["component"], c["old"], c["new"]) for c in result["price_changes"]] == [
        ("a", "input_per_mtok", "0.10", "0.12"), ("c", "headline", "0.5", "6"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "3"], "Error: refresh #3 is interrupted, not complete; --since needs a complete refresh "
                           "(`catalog runs` lists them)\n"),
        (["--since", "4"], "Error: refresh #4 is the last complete refresh; --since needs an earlier one\n"),
        (["--since", "99"], "Error: no refresh #99; `catalog runs` lists them\n"),
        (["--since", "2026-10-31"], "Error: no complete refresh had finished by 2026-10-31; "
                                    "the first finished at 2026-11-01 06:01:00+00:00\n"),
    ],
)
def test_changes_since_errors(filled, args, message):
    result = invoke("changes", *args, "--db", filled)
    assert (result.exit_code, result.output) == (1, message)


def test_changes_since_usage_error(filled):
    result = invoke("changes", "--since", "last week", "--db", filled)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for '--since': 'last week' is neither a refresh nor a date; give a run id "
        "(12, see `catalog runs`), a date (2026-11-01) or a UTC time (2026-11-01T06:00)\n"
    )


def test_changes_need_two_complete_refreshes(engine):
    url = engine.url.render_as_string(hide_password=False)
    none = invoke("changes", "--db", url)
    assert (none.exit_code, none.output) == (
        1, "Error: changes need two complete refreshes; this database has none yet (run `catalog refresh`)\n"
    )
    first_refresh(engine)
    refresh(engine, day(1), obs("p/a", day(1), input_per_mtok="9"), status="failed")
    one = invoke("changes", "--db", url)
    assert (one.exit_code, one.output) == (
        1, "Error: changes need two complete refreshes; this database has 1 (run `catalog refresh` again)\n"
    )


def test_fail_on_change_exits_3_only_when_something_changed(engine):
    url = engine.url.render_as_string(hide_password=False)
    first_refresh(engine)
    first_refresh(engine)  # the same catalog again
    quiet = invoke("changes", "--fail-on-change", "--db", url)
    assert (quiet.exit_code, quiet.output) == (
        0, "No changes from refresh #1 (2026-11-01 06:01:00) to #2 (2026-11-01 06:01:00).\n"
    )
    second_refresh(engine)
    loud = invoke("changes", "--fail-on-change", "--json", "--db", url)
    assert loud.exit_code == 3
    assert json.loads(loud.output)["added"] == [{"provider": "p", "model_id": "d"}]


class CountingReader(Reader):
    """The catalog's reader, counting the statements it sends."""

    statements = 0

    def _rows(self, sql, params=()):
        self.statements += 1
        return super()._rows(sql, params)


def reader_of(engine, cls=Reader) -> Reader:
    return cls(engine.raw_connection(), engine.dialect.name)


def test_changes_cost_a_fixed_number_of_queries(engine):
    """The statement count does not grow with the catalog (nor with what changed)."""

    def count_queries() -> int:
        with reader_of(engine, CountingReader) as reader:
            reader.changes()
            return reader.statements

    first_refresh(engine)
    second_refresh(engine)
    small = count_queries()
    many = [obs(f"x/m{i}", day(20), input_per_mtok=str(i + 1)) for i in range(300)]
    refresh(engine, day(20), *many)
    refresh(engine, day(21), *[obs(f"x/m{i}", day(21), input_per_mtok=str(i + 2)) for i in range(300)])
    with reader_of(engine) as reader:
        assert len(reader.changes().price_changes) == 300
    assert count_queries() == small


# --- history --------------------------------------------------------------------------------------


def test_history_text(filled):
    result = invoke("history", "p/a", "--db", filled)
    assert result.exit_code == 0, result.output
    url = f"{SITE}/models/p/a.md"
    assert result.output == (
        "p/a  A\n"
        "Listed: 2026-11-01 06:00:00 (#1) -> now\n"
        "input_per_mtok (USD per 1M tokens):\n"
        f"  0.10  2026-11-01 06:00:00 -> 2026-11-08 06:00:00  runs #1-#2      page shainput_per  {url}\n"
        f"  0.12  2026-11-08 06:00:00 -> now                  runs #2-        page shainput_per  {url}"
        "  (last seen #4)\n"
        "output_per_mtok (USD per 1M tokens):\n"
        f"  0.20  2026-11-01 06:00:00 -> 2026-11-15 06:00:00  runs #1-#4      page shainput_per  {url}\n"
        f"  0.25  2026-11-15 06:00:00 -> now                  runs #4-        page shaheadline_  {url}"
        "  (last seen #4)\n"
        "headline (USD per call):\n"
        f"  0.185  2026-11-15 06:00:00 -> now                  runs #4-        page shaheadline_  {url}"
        "  (last seen #4)\n"
    )


def test_history_of_a_removed_and_returned_offering_json(filled):
    result = invoke("history", "p/b", "--json", "--db", filled)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["listed"] == [
        {"from": "2026-11-01T06:00:00+00:00", "to": "2026-11-08T06:01:00+00:00", "opened_run": 1, "closed_run": 2},
        {"from": "2026-11-15T06:00:00+00:00", "to": None, "opened_run": 4, "closed_run": None},
    ]
    assert [(p["amount"], p["from"], p["to"], p["opened_run"], p["closed_run"]) for p in data["prices"]["input_per_mtok"]] == [
        ("1", "2026-11-01T06:00:00+00:00", "2026-11-08T06:01:00+00:00", 1, 2),
        ("1", "2026-11-15T06:00:00+00:00", None, 4, None),
    ]
    first = data["prices"]["input_per_mtok"][0]
    assert (first["source_url"], first["content_hash"], first["suspect"]) == (
        f"{SITE}/models/p/b.md", "shainput_per_mtok1", False,
    )


def test_history_of_an_offering_still_removed(filled):
    data = json.loads(invoke("history", "p/d", "--json", "--db", filled).output)
    assert data["removed_at"] == "2026-11-15T06:01:00+00:00"
    assert data["prices"]["per_image"][0]["to"] == "2026-11-15T06:01:00+00:00"


def test_history_marks_suspect_values(filled):
    lines = invoke("history", "q/c", "--db", filled).output.splitlines()
    assert lines[-1].endswith("(last seen #4)  SUSPECT: moved more than 10x in one refresh")


def test_history_unknown_offering_suggests_the_closest(engine, filled):
    result = invoke("history", "p/aa", "--db", filled)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no offering 'p/aa'; did you mean p/a")
    assert result.output.count("\n") == 1
    with reader_of(engine) as reader, pytest.raises(NotFound):
        reader.history("nobody/nothing")


def test_history_on_an_empty_catalog(engine):
    result = invoke("history", "p/a", "--db", engine.url.render_as_string(hide_password=False))
    assert (result.exit_code, result.output) == (1, "Error: the catalog is empty; run `catalog refresh` first\n")


# --- runs -----------------------------------------------------------------------------------------


def test_runs_table_piped_is_tab_separated(filled):
    result = invoke("runs", "--db", filled)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "run\tstarted\tended\tstatus\tpages\tnot_modified\tfailed\tnew\tremoved\tprice_changes\n"
        "4\t2026-11-15 06:00:00\t06:01:00\tcomplete\t3\t0\t0\t1\t1\t1\n"
        "3\t2026-11-11 06:00:00\t06:01:00\tinterrupted\t1\t0\t0\t0\t0\t0\n"
        "2\t2026-11-08 06:00:00\t06:01:00\tcomplete\t3\t0\t0\t1\t1\t2\n"
        "1\t2026-11-01 06:00:00\t06:01:00\tcomplete\t3\t0\t0\t3\t0\t0\n"
    )


def test_runs_json_with_limit(filled):
    result = invoke("runs", "--json", "--limit", "2", "--db", filled)
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [(r["id"], r["status"], r["error"]) for r in rows] == [
        (4, "complete", None), (3, "interrupted", "stopped before the end"),
    ]
    assert rows[0] == {
        "id": 4, "site": SITE, "started_at": "2026-11-15T06:00:00+00:00",
        "finished_at": "2026-11-15T06:01:00+00:00", "status": "complete", "pages_fetched": 3,
        "pages_not_modified": 0, "pages_failed": 0, "bytes_downloaded": 0, "offerings_new": 1,
        "offerings_updated": 1, "offerings_unchanged": 1, "offerings_removed": 1, "price_changes": 1,
        "error": None, "source": "modelslab",
    }


def test_runs_problems(engine):
    from catalog.records import PageFailure

    url = engine.url.render_as_string(hide_password=False)
    with Session(engine) as session, session.begin():
        run = store.start_run(session, SITE, now=T0)
        store.record_failures(session, run, [PageFailure(url=f"{SITE}/models/p/x.md", reason="HTTP 404", http_status=404)])
        store.finish_run(session, run, "complete", now=T0)
    result = invoke("runs", "--problems", "1", "--db", url)
    assert (result.exit_code, result.output) == (
        0, f"Refresh #1: 1 page could not be used\n  {SITE}/models/p/x.md  HTTP 404\n"
    )
    as_json = json.loads(invoke("runs", "--problems", "1", "--json", "--db", url).output)
    assert as_json == [{"url": f"{SITE}/models/p/x.md", "reason": "HTTP 404", "http_status": 404}]
    missing = invoke("runs", "--problems", "7", "--db", url)
    assert (missing.exit_code, missing.output) == (1, "Error: no refresh #7; `catalog runs` lists them\n")


def test_runs_on_a_new_database(engine):
    result = invoke("runs", "--db", engine.url.render_as_string(hide_password=False))
    assert (result.exit_code, result.output) == (
        1, "Error: no refresh has run on this database; run `catalog refresh` first\n"
    )


def test_runs_limit_must_be_positive(engine):
    result = invoke("runs", "--limit", "0", "--db", engine.url.render_as_string(hide_password=False))
    assert result.exit_code == 2
    assert "Invalid value for '--limit': 0 is not in the range 1<=x<=1000000." in result.output


# --- schedule ------------------------------------------------------------------------------------


@pytest.fixture
def fixed_paths(monkeypatch):
    monkeypatch.setattr("catalog.schedule.catalog_executable", lambda: ["/opt/catalog/bin/catalog"])
    monkeypatch.setattr("catalog.schedule.log_dir", lambda: Path("/home/u/.local/state/catalog/log"))


def test_schedule_prints_cron_and_systemd(fixed_paths):
    result = invoke("schedule", "--every", "6h", "--db", "sqlite:////data/prices.sqlite3")
    assert result.exit_code == 0, result.output
    command = "/opt/catalog/bin/catalog refresh --site https://modelslab.com --db sqlite:////data/prices.sqlite3"
    assert result.output == (
        "# crontab line (add it with `crontab -e`; output goes to the log named in it):\n"
        f"0 */6 * * * mkdir -p /home/u/.local/state/catalog/log && {command} "
        ">> /home/u/.local/state/catalog/log/refresh.log 2>&1\n"
        "\n"
        "# systemd, instead of cron: ~/.config/systemd/user/catalog-refresh.service\n"
        "[Unit]\n"
        "Description=Refresh the model price catalog (catalog refresh)\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={command}\n"
        "Nice=10\n"
        "\n"
        "# ~/.config/systemd/user/catalog-refresh.timer\n"
        "[Unit]\n"
        "Description=Refresh the model price catalog every 6h\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*-*-* 00/6:00:00\n"
        "# a refresh missed while the machine was off runs when it is back\n"
        "Persistent=true\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
        "\n"
        "# then: systemctl --user daemon-reload && systemctl --user enable --now catalog-refresh.timer\n"
    )


def test_schedule_escapes_percent_signs_and_resolves_the_database(fixed_paths, monkeypatch, tmp_path):
    pg = "postgresql+psycopg://me@db.example/prices?options=-csearch_path%3Dcat"
    cron = invoke("schedule", "--every", "30m", "--only", "cron", "--db", pg)
    assert cron.output == (
        "*/30 * * * * mkdir -p /home/u/.local/state/catalog/log && /opt/catalog/bin/catalog refresh "
        "--site https://modelslab.com --db 'postgresql+psycopg://me@db.example/prices?options=-csearch_path\\%3Dcat' "
        ">> /home/u/.local/state/catalog/log/refresh.log 2>&1\n"
    )
    service = invoke("schedule", "--every", "1d", "--only", "service", "--site", "http://127.0.0.1:8771/", "--db", pg)
    assert "ExecStart=/opt/catalog/bin/catalog refresh --site http://127.0.0.1:8771 --db " \
           "postgresql+psycopg://me@db.example/prices?options=-csearch_path%%3Dcat\n" in service.output
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_DATABASE_URL", "sqlite:///rel/c.sqlite3")
    timer = CliRunner().invoke(cli, ["schedule", "--every", "1d", "--only", "cron"])
    assert f"--db sqlite:///{tmp_path}/rel/c.sqlite3 >>" in timer.output


@pytest.mark.parametrize(
    ("every", "cron", "calendar"),
    [
        ("30m", "*/30 * * * *", "*-*-* *:00/30:00"),
        ("5m", "*/5 * * * *", "*-*-* *:00/5:00"),
        ("60m", "0 * * * *", "*-*-* *:00:00"),
        ("1h", "0 * * * *", "*-*-* *:00:00"),
        ("6h", "0 */6 * * *", "*-*-* 00/6:00:00"),
        ("12H", "0 */12 * * *", "*-*-* 00/12:00:00"),
        ("24h", "0 0 * * *", "*-*-* 00:00:00"),
        ("1d", "0 0 * * *", "*-*-* 00:00:00"),
    ],
)
def test_intervals(every, cron, calendar):
    interval = Interval.parse(every)
    assert (interval.cron, interval.on_calendar) == (cron, calendar)


@pytest.mark.parametrize("every", ["45m", "7h", "2d", "1m", "0h", "6", "six hours", "-6h", "1.5h"])
def test_schedule_refuses_intervals_cron_cannot_keep(every):
    result = invoke("schedule", "--every", every)
    assert result.exit_code == 2
    accepted = (
        "use minutes that divide an hour (5m, 6m, 10m, 12m, 15m, 20m, 30m), "
        "hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h) or 1d\n"
    )
    assert result.output.endswith(accepted)
    assert f"Error: Invalid value for '--every': '{every}' is " in result.output


def test_schedule_needs_every():
    result = invoke("schedule")
    assert result.exit_code == 2
    assert result.output.endswith("Error: Missing option '--every'.\n")


# --- every new command explains itself ----------------------------------------------------------


@pytest.mark.parametrize("name", ["history", "changes", "runs", "schedule"])
def test_commands_have_help(name):
    command = cli.commands[name]
    assert command.help and command.help.strip()
    assert all(p.help for p in command.params if hasattr(p, "help") and p.param_type_name == "option")


def test_library_errors_are_catalog_errors(engine):
    with reader_of(engine) as reader, pytest.raises(CatalogError, match="two complete refreshes"):
        reader.changes()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Offering)) == 0
        assert session.scalar(select(func.count()).select_from(Price)) == 0


def test_a_run_that_ends_another_day_shows_its_end_in_full():
    from catalog.cli.render import run_row

    run = RunView(
        id=1, site=SITE, started_at=day(0).replace(hour=23, minute=50), finished_at=day(1).replace(hour=0, minute=5),
        status="complete", pages_fetched=0, pages_not_modified=0, pages_failed=0, bytes_downloaded=0,
        offerings_new=0, offerings_updated=0, offerings_unchanged=0, offerings_removed=0, price_changes=0, error=None,
    )
    assert run_row(run)[1:3] == ("2026-11-01 23:50:00", "2026-11-02 00:05:00")
    assert run_row(dataclasses.replace(run, finished_at=None))[2] == ""


@pytest.mark.parametrize(
    ("old", "new", "percent"),
    [
        ("0.20", "0.25", "25.00"),
        ("0.000000000001", "999999999999999999", "99999999999999999899999999999900.00"),
        ("999999999999999999", "0.000000000001", "-100.00"),
        ("3", "1", "-66.67"),
    ],
)
def test_percent_of_a_price_change_is_exact_at_any_size(old, new, percent):
    from catalog.views import PriceChange

    change = PriceChange("p", "m", "input_per_mtok", Decimal(old), Decimal(new), "USD", "1M tokens", True)
    assert str(change.percent) == percent
