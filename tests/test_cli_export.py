"""`catalog export` with the filters of `models`, and CSV that a spreadsheet opens as text."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from catalog.components import COMPONENTS
from catalog.export import COLUMNS
from tests.catalog_data import RECORDS, fill

#: the export's header: the current_prices view's columns (a price column per costed component)
HEADER = ",".join(COLUMNS) + "\n"
#: the price columns the fixtures print, in the export's order; the others are empty
PRICES = [c.column for c in COMPONENTS]


def prices(**given: str) -> str:
    """The CSV price cells: GIVEN by column name (headline as headline_price), the rest empty."""
    return ",".join(given.get(column, "") for column in PRICES)
SEEN = "2026-11-01T06:00:00+00:00,2026-11-08T06:00:00+00:00"


@pytest.fixture
def catalog_db(engine, db_url) -> str:
    fill(engine)
    return db_url


def run(db_url: str, *args: str):
    return CliRunner().invoke(cli, ["export", *args, "--db", db_url], prog_name="catalog")


def _row(name: str, model_id: str, prices: str) -> str:
    """A formula offering's CSV row; PRICES: input,output,image,second,headline (no cached input,
    no price per call: those cells are empty)."""
    i, o, image, second, headline = prices.split(",")
    cells = ",".join(c for c in [globals()["prices"](input_per_mtok=i, output_per_mtok=o, per_image=image,
                                                     per_second=second, headline_price=headline)])
    return (f"modelslab,open_router,OpenRouter,{model_id},,{name},formula,LLM Models,Text Generation,,USD,{cells},call,,"
            f"https://catalog.test/models/open_router/{model_id}.md,{SEEN}\n")


def test_formula_cells_are_neutralised_and_prices_stay_numbers(catalog_db):
    result = run(catalog_db, "formula")
    assert result.exit_code == 0
    assert result.output == HEADER + "".join([
        _row("'@SUM(A1)", "formula-at", "3,6,,,4.500000"),
        _row('"\'=HYPERLINK(""http://x"")"', "formula-hyperlink", "0.5,1.5,,,1.000000"),
        _row("'-2", "formula-minus", "2,4,,,3.000000"),
        _row("'+1", "formula-plus", "1,2,,,1.500000"),
    ])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    # what a spreadsheet receives in each cell: every formula trigger behind a quote, as text ...
    assert [r["name"] for r in rows] == ["'@SUM(A1)", "'=HYPERLINK(\"http://x\")", "'-2", "'+1"]
    # ... and every price a plain number (no prefix, no quotes), exactly the page's digits
    stored = {r.model_id: r for r in RECORDS}
    for row in rows:
        rec = stored[row["model_id"]]
        assert (row["input_per_mtok"], row["output_per_mtok"], row["headline_price"]) == (
            str(rec.prices.get("input_per_mtok")), str(rec.prices.get("output_per_mtok")), str(rec.prices.get("headline")))
    assert [r["input_per_mtok"] for r in rows] == ["3", "0.5", "2", "1"]


def test_raw_turns_neutralising_off(catalog_db):
    result = run(catalog_db, "formula", "--raw")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["name"] for r in rows] == ["@SUM(A1)", '=HYPERLINK("http://x")', "-2", "+1"]
    assert [r["headline_price"] for r in rows] == ["4.500000", "1.000000", "3.000000", "1.500000"]


def test_filters_like_models(catalog_db):
    result = run(catalog_db, "llama", "1b", "--provider", "DeepInfra", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [{
        "provider": "deepinfra", "provider_name": "DeepInfra", "model_id": "meta-llama-llama-3.2-1b-instruct",
        "name": "Meta: Llama 3.2 1B Instruct", "creator": "meta-llama", "category": "LLM Models",
        "task": "Text Generation", "open_source": False, "currency": "USD",
        **{column: None for column in PRICES}, "input_per_mtok": "0.01", "output_per_mtok": "0.05",
        "headline_price": "0.030000", "headline_unit": "call", "source": "modelslab", "model": None,
        "date_added": "2026-03-01",
        "source_url": "https://catalog.test/models/deepinfra/meta-llama-llama-3.2-1b-instruct.md",
        "first_seen": "2026-11-01T06:00:00+00:00", "last_seen": "2026-11-08T06:00:00+00:00", "related": [],
    }]
    images = run(catalog_db, "--category", "image generation")
    assert images.output == HEADER + (
        "modelslab,together_ai,Together AI,black-forest-labs-flux-1-schnell,,Black Forest Labs: FLUX.1 [schnell],"
        "black-forest-labs,Image Generation,Text to Image,,USD," + prices(per_image="0.003", headline_price="0.003")
        + ",image,2025-11-02,"
        f"https://catalog.test/models/together_ai/black-forest-labs-flux-1-schnell.md,{SEEN}\n"
    )


def test_without_filters_every_current_offering(catalog_db, tmp_path):
    out = tmp_path / "all.csv"
    result = run(catalog_db, "--output", str(out))
    assert (result.exit_code, result.output) == (0, f"12 offerings written to {out}\n")
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 12


def test_nothing_matched_exits_1(catalog_db):
    result = run(catalog_db, "llama", "--category", "Video Generation")
    assert (result.exit_code, result.output) == (
        1, "Error: no offerings match 'llama' and category 'Video Generation'; list them with `catalog models`\n")


# --- cells that start with TAB or CR (issue 9: a mutation removing them from the triggers survived) ----


def _view(name: str, creator: str):
    import datetime as dt

    from catalog.views import OfferingView

    seen = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
    return OfferingView(
        id=1, provider="p", provider_name=None, model_id="m", name=name, creator=creator, category=None, task=None,
        open_source=None, date_added=None, source_url="https://catalog.test/m", first_seen=seen, last_seen=seen,
        last_fetched=None, removed_at=None, headline_spec_unit=None, headline_unit_conflict=False, stale_reason=None,
        warnings=(), description=None,
    )


def test_cells_starting_with_tab_or_cr_are_neutralised():
    from catalog.export import export_values, write_csv

    out = io.StringIO()
    assert write_csv([export_values(_view("\t=1+2", "\r=cmd|' /C calc'!A0"))], out) == 1
    assert out.getvalue() == HEADER + (
        "modelslab,p,,m,,'\t=1+2,\"'\r=cmd|' /C calc'!A0\"," + "," * (len(COLUMNS) - 10) + "https://catalog.test/m,"
        "2026-11-01T06:00:00+00:00,2026-11-01T06:00:00+00:00\n"
    )
    # read back as a spreadsheet would: every cell whole, the CR one quoted (a bare CR ends a row)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["name"], row["creator"]) == ("'\t=1+2", "'\r=cmd|' /C calc'!A0")
    raw = io.StringIO()
    write_csv([export_values(_view("\t=1+2", "\r=cmd"))], raw, raw=True)
    assert next(csv.DictReader(io.StringIO(raw.getvalue())))["creator"] == "\r=cmd"


# --- export -o: files replaced whole, anything else written into (issue 9, case 8) --------------------


def _stdout_export(db_url: str) -> str:
    result = run(db_url, "formula")
    assert result.exit_code == 0
    return result.output


def test_a_symlink_keeps_pointing_at_its_target_which_is_replaced(catalog_db, tmp_path):
    target, link = tmp_path / "real.csv", tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    link.symlink_to("real.csv")
    result = run(catalog_db, "formula", "-o", str(link))
    assert (result.exit_code, result.output) == (0, f"4 offerings written to {link}\n")
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert target.read_text(encoding="utf-8") == _stdout_export(catalog_db)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the permission bits of the file it replaced
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # no temporary file left


def test_a_fifo_is_written_into_not_replaced(catalog_db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = run(catalog_db, "formula", "-o", str(fifo))
    reader.join(timeout=60)  # only a guard against hanging: replaced, the FIFO never gets a writer
    assert (result.exit_code, result.output) == (0, f"4 offerings written to {fifo}\n")
    assert received == [_stdout_export(catalog_db)]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.fixture
def nothing_replaced_in_dev(monkeypatch):
    """Fail, instead of replacing a system file, if a regression tries to put a file in /dev or /proc."""
    from catalog import export

    real_replace, real_new_file = os.replace, export._new_file

    def guarded_replace(src, dst, *args, **kwargs):
        assert not str(dst).startswith(("/dev", "/proc")), f"would replace {dst}"
        return real_replace(src, dst, *args, **kwargs)

    def guarded_new_file(folder, name):
        assert not str(folder).startswith(("/dev", "/proc")), f"would create a file in {folder}"
        return real_new_file(folder, name)

    def guarded_open(self, mode="r", *args, **kwargs):
        assert "r" in mode or not str(self).startswith(("/dev", "/proc")), f"would create {self}"
        return real_open(self, mode, *args, **kwargs)

    real_open = Path.open
    monkeypatch.setattr(os, "replace", guarded_replace)
    monkeypatch.setattr(export, "_new_file", guarded_new_file)
    monkeypatch.setattr(Path, "open", guarded_open)


def test_dev_null_is_written_into_not_replaced(catalog_db, nothing_replaced_in_dev):
    before = os.stat("/dev/null")
    result = run(catalog_db, "formula", "-o", "/dev/null")
    assert (result.exit_code, result.output) == (0, "4 offerings written to /dev/null\n")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_device_node_is_written_into_not_replaced(catalog_db, tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a second /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs root (CAP_MKNOD)")
    result = run(catalog_db, "formula", "-o", str(device))
    assert (result.exit_code, result.output) == (0, f"4 offerings written to {device}\n")
    assert stat.S_ISCHR(device.lstat().st_mode) and device.lstat().st_rdev == os.makedev(1, 3)


def test_dev_stdout_is_written_through_not_replaced(catalog_db, nothing_replaced_in_dev, capfd):
    capfd.readouterr()
    result = run(catalog_db, "formula", "-o", "/dev/stdout")  # file descriptor 1: pytest's capture file
    assert (result.exit_code, result.output) == (0, "4 offerings written to /dev/stdout\n")
    assert capfd.readouterr().out == _stdout_export(catalog_db)
    assert os.path.islink("/dev/stdout")


def test_the_temporary_file_is_unique_and_keeps_the_mode(catalog_db, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    out.chmod(0o600)
    (tmp_path / "out.csv.tmp").mkdir()  # the fixed name another export (or anything) may hold
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (replaced.append((src, dst)), real_replace(src, dst))[1])
    result = run(catalog_db, "formula", "-o", str(out))
    assert (result.exit_code, result.output) == (0, f"4 offerings written to {out}\n")
    assert out.read_text(encoding="utf-8") == _stdout_export(catalog_db)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    [(temporary, target)] = replaced
    assert target == str(out) and os.path.dirname(temporary) == str(tmp_path)
    assert os.path.basename(temporary).startswith(".out.csv.") and temporary.endswith(".tmp")
    assert (tmp_path / "out.csv.tmp").is_dir() and not list((tmp_path / "out.csv.tmp").iterdir())


def test_a_new_file_gets_the_usual_mode(catalog_db, tmp_path):
    out = tmp_path / "new.csv"
    mask = os.umask(0o027)
    try:
        result = run(catalog_db, "formula", "-o", str(out))
    finally:
        os.umask(mask)
    assert (result.exit_code, result.output) == (0, f"4 offerings written to {out}\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 less the umask, as the shell's > gives


def _fail(number: int):
    def fail(*args, **kwargs):
        raise OSError(number, os.strerror(number))

    return fail


def test_a_read_only_file_system_is_one_line_even_when_cleanup_fails(catalog_db, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    monkeypatch.setattr(os, "replace", _fail(errno.EROFS))
    monkeypatch.setattr(os, "unlink", _fail(errno.EROFS))  # removing the temporary file fails again
    result = run(catalog_db, "formula", "-o", str(out))
    assert (result.exit_code, result.output) == (
        1, f"Error: cannot write {out}: {tmp_path} is on a read-only file system; choose another --output\n")
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert out.read_text() == "old\n"


def test_no_temporary_file_could_be_made(catalog_db, tmp_path, monkeypatch):
    from catalog import export

    monkeypatch.setattr(export, "_new_file", _fail(errno.EROFS))
    result = run(catalog_db, "formula", "-o", str(tmp_path / "out.csv"))
    assert (result.exit_code, result.output) == (
        1, f"Error: cannot write {tmp_path / 'out.csv'}: {tmp_path} is on a read-only file system; "
           "choose another --output\n")


def test_a_full_disk_mid_export_keeps_the_old_file_and_removes_the_temporary(catalog_db, tmp_path, monkeypatch):
    from catalog import export

    out = tmp_path / "out.csv"
    out.write_text("old\n")
    real_write_csv = export.write_csv

    def write_then_fill_the_disk(rows, fh, raw=False):
        real_write_csv(rows, fh, raw=raw)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export, "write_csv", write_then_fill_the_disk)
    result = run(catalog_db, "formula", "-o", str(out))
    assert (result.exit_code, result.output) == (
        1, f"Error: cannot write {out}: the disk holding {tmp_path} is full; free space there or choose "
           "another --output\n")
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_temporary_name_taken_is_passed_over(tmp_path, monkeypatch):
    from catalog import export

    draws = iter([b"\x00" * 6, b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    fd, first = export._new_file(str(tmp_path), "out.csv")
    os.close(fd)
    fd, second = export._new_file(str(tmp_path), "out.csv")  # the first draw is taken: the next one
    os.close(fd)
    assert (Path(first).name, Path(second).name) == (".out.csv.000000000000.tmp", ".out.csv.010101010101.tmp")
    assert stat.S_IMODE(os.stat(second).st_mode) == 0o600
