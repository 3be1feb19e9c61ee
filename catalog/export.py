"""Exporting current offerings as CSV or JSON, one row per offering, decimals as plain text;
and writing an export to a file without ever leaving half a file or replacing a device."""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from catalog.components import COMPONENTS, HEADLINE
from catalog.errors import CatalogError

if TYPE_CHECKING:
    from catalog.views import OfferingView

#: price column -> component: one column per component of the registry, in its order
PRICE_COLUMNS = {c.column: c.name for c in COMPONENTS}
#: the export's columns, in order: the current_prices view's columns (migrations/versions/0002)
COLUMNS = (
    "source", "provider", "provider_name", "model_id", "model", "name", "creator", "category", "task", "open_source",
    "currency", *PRICE_COLUMNS,
    "headline_unit", "date_added", "source_url", "first_seen", "last_seen",
)
#: the formats write() knows, and whether each lists an offering's related offerings
HAS_RELATED = {"csv": False, "json": True}
FORMATS = tuple(HAS_RELATED)
#: a spreadsheet evaluates a cell that starts with one of these (OWASP CSV injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def plain(amount: Decimal) -> str:
    """A decimal digit for digit, never in exponent form (1E-7 -> 0.0000001)."""
    text = str(amount)  # the same digits as format(amount, "f") unless in exponent form; 4x faster
    return format(amount, "f") if "E" in text else text


def export_values(view: OfferingView) -> tuple:
    """The export's values for one offering, in COLUMNS order: text, True/False, decimal text
    (prices, as plain digits), or None for what is unknown."""
    prices = view.prices
    headline = prices.get(HEADLINE.name)
    return (
        view.source, view.provider, view.provider_name, view.model_id, view.model_key, view.name, view.creator,
        view.category, view.task, view.open_source, view.currency,
        *(None if (price := prices.get(component)) is None else plain(price.amount)
          for component in PRICE_COLUMNS.values()),
        headline.unit if headline else None,
        view.date_added.isoformat() if view.date_added else None,
        view.source_url, view.first_seen.isoformat(), view.last_seen.isoformat(),
    )


def export_row(view: OfferingView) -> dict[str, Any]:
    """The export's fields for one offering, by column name, in COLUMNS order; unknown values are None."""
    return dict(zip(COLUMNS, export_values(view), strict=True))


#: positions of COLUMNS holding prices: numbers, never neutralised
_PRICE_POSITIONS = frozenset(i for i, column in enumerate(COLUMNS) if column in PRICE_COLUMNS)


def write_csv(rows: Iterable[tuple], out: IO[str], *, raw: bool = False) -> int:
    """CSV with a header row, then ROWS (the export's values, as export_values() gives them, or
    catalog.reader.Reader.export_values); text cells neutralised unless RAW. Returns the number of rows."""
    writer = csv.writer(_LineFeedRows(out), lineterminator="\r\n")
    writer.writerow(COLUMNS)
    # per column: may it be neutralised (a text cell)? The loop below is most of an export's time
    guarded = [not raw and i not in _PRICE_POSITIONS for i in range(len(COLUMNS))]
    flags = {True: "true", False: "false", None: ""}
    triggers = FORMULA_TRIGGERS
    count = 0
    for values in rows:
        writer.writerow([
            flags[value] if value is None or value is True or value is False
            else "'" + value if guard and value.startswith(triggers) else value
            for value, guard in zip(values, guarded, strict=True)
        ])
        count += 1
    return count


class _LineFeedRows:
    """Ends each CSV row with \n. The writer is told \r\n so that it quotes a cell holding either
    character: told \n, it leaves a lone \r unquoted, which a reader takes for the end of a row."""

    def __init__(self, out: IO[str]):
        self.out = out

    def write(self, row: str) -> int:  # the csv module writes each row in one call
        return self.out.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


def json_rows(views: Iterable[OfferingView]) -> Iterator[dict[str, Any]]:
    for view in views:
        row = export_row(view)
        row["related"] = list(view.related)
        yield row


def write_json(views: Iterable[OfferingView], out: IO[str]) -> int:
    """A JSON array of row objects (with `related`), written row by row. Returns the count."""
    count = 0
    out.write("[")
    for row in json_rows(views):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_file(path: str | os.PathLike[str], write: Callable[[IO[str]], int]) -> int:
    """Write PATH through WRITE(text handle) and return what WRITE returns.

    A regular file, or a new one, is replaced atomically: WRITE fills a new temporary file in
    the same folder, which then takes the file's place with its permission bits, so a reader
    sees the old file or the whole new one, never half. A symlink is followed to its target (the
    target is replaced, the link kept). Anything else (a FIFO, /dev/null or another device,
    /dev/stdout) is written straight: replacing it would swap the pipe or device for a plain
    file. Raises CatalogError (one line, with the fix) when PATH cannot be written; no
    temporary file is left behind.
    """
    path = os.fspath(path)
    try:
        try:
            info: os.stat_result | None = os.stat(path)  # the target, through any symlink
        except FileNotFoundError:
            info = None
        if info is not None and (not stat.S_ISREG(info.st_mode) or _names_a_descriptor(path)):
            with open(path, "w", encoding="utf-8", newline="") as handle:
                return write(handle)
        return _replace(os.path.realpath(path), info, write)
    except OSError as exc:
        raise CatalogError(_cannot_write(path, exc)) from None


def _names_a_descriptor(path: str) -> bool:
    """Whether PATH leads through /proc (/dev/stdout, /dev/fd/3): a file this process already has
    open, which must be written through its descriptor's path, not replaced by a new file."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        folder = os.path.realpath(os.path.dirname(current))
        if folder == "/proc" or folder.startswith("/proc/"):
            return True
        current = os.path.join(folder, os.path.basename(current))
        if not os.path.islink(current):
            return False
        current = os.path.join(folder, os.readlink(current))
    return False


def _replace(target: str, info: os.stat_result | None, write: Callable[[IO[str]], int]) -> int:
    folder, name = os.path.split(target)
    fd, temporary = _new_file(folder or ".", name)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            if info is None:
                os.fchmod(fd, 0o666 & ~_umask())  # what creating the file would give (mkstemp: 0600)
            else:
                os.fchmod(fd, stat.S_IMODE(info.st_mode))
                with contextlib.suppress(OSError):  # root exporting over someone's file keeps it theirs
                    if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                        os.fchown(fd, info.st_uid, info.st_gid)
            count = write(handle)
            handle.flush()
            os.fsync(fd)  # the data is on disk before the name points at it
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # e.g. the file system went read-only: nothing more to do
            os.unlink(temporary)
        raise
    return count


def _new_file(folder: str, name: str) -> tuple[int, str]:
    """A new file in FOLDER, open for writing, mode 0600, named after NAME, and its path: a unique
    name in the target's folder (os.replace is atomic only within one file system, and two exports
    to the same file never share or delete each other's temporary file). tempfile.mkstemp's way,
    without importing tempfile (a tenth of the export of 1,000 offerings)."""
    for _ in range(100):
        path = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name beside {os.path.join(folder, name)}")


def _umask() -> int:
    """The process's umask (there is no call that only reads it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot_write(path: str, exc: OSError) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = f"the disk holding {folder} is full; free space there or"
    elif exc.errno == errno.EROFS:
        reason = f"{folder} is on a read-only file system;"
    else:
        reason = f"{exc.strerror or type(exc).__name__};"
    return f"cannot write {path}: {reason} choose another --output"
