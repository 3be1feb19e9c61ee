"""What every command shares: the group that translates errors, and --db."""

from __future__ import annotations

import errno
import os
import sys

import click

from catalog import db
from catalog.errors import CatalogError


class CatalogGroup(click.Group):
    """Translates the library's errors into click's, once, for every command: each ends as one
    line and an exit code (1 runtime, 2 usage), never a traceback."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _remember_db_urls(cmd)
        super().add_command(cmd, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:  # bytes that were not UTF-8, kept as surrogates by Python
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise click.UsageError(f"the argument {shown!r} is not UTF-8 text; type it again in UTF-8",
                                       ctx) from None
        return super().parse_args(ctx, args)

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:
            # click.Group.main already ended quietly on EPIPE (the reader left: `| head`), as Unix
            # tools do; anything else, while running a command or printing --help, is one line
            if not kwargs.get("standalone_mode", True):
                raise
            click.ClickException(_os_failure(exc)).show()
            sys.exit(1)

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # output still buffered fails here, as an OSError main() reports
            return result
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            from catalog import dbfailure

            if not dbfailure.is_database_error(exc):
                raise
            url = db.resolve_url(ctx.meta.get(_DB_URL_KEY))
            raise click.ClickException(str(dbfailure.explain(exc, url))) from None


#: what writing to a full, broken or closed output raises
_WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF)


def _os_failure(exc: OSError) -> str:
    """The one-line message for an OSError that escaped a command. Library code names the file it
    failed on (or raises a CatalogError); a write error without a file name comes from standard
    output: `catalog models > /dev/full`."""
    if exc.filename is None and exc.errno in _WRITE_ERRORS:
        try:
            sys.stdout.flush()
        except OSError:
            _discard_stdout()  # else the interpreter's last flush fails again, with a traceback
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "cannot write the output: the disk it goes to is full; free space there or send it elsewhere"
        return f"cannot write the output: {exc.strerror}; send it elsewhere"
    where = f" ({os.fsdecode(exc.filename)})" if exc.filename else ""
    return f"{exc.strerror or type(exc).__name__}{where}; check the path and its disk, then try again"


def _discard_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it can never be written."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError):  # no real descriptor (a test runner's stream): nothing to flush later
        pass


#: the exit status of `changes --fail-on-change` and `crosscheck --fail-on-discrepancy` when they
#: found something (1 and 2 are errors): an alert from cron
ALERT_EXIT = 3

#: where the --db option leaves its value for CatalogGroup's messages (ctx.meta is shared by all contexts)
_DB_URL_KEY = "catalog.db_url"


def _remember_db_urls(cmd: click.Command) -> None:
    """Have every --db option of CMD (and of its subcommands) note its value for the messages."""
    for param in cmd.params:
        if param.name == "db_url" and param.callback is None:
            param.callback = _remember_db_url
    for sub in getattr(cmd, "commands", {}).values():
        _remember_db_urls(sub)


def _remember_db_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    ctx.meta[_DB_URL_KEY] = value
    return value


#: the --db option: `refresh` resolves it, the readers open it (catalog.cli.params)
db_url_option = click.option(
    "--db",
    "db_url",
    metavar="URL",
    envvar=db.ENV_VAR,
    help=f"Database URL (default: a SQLite file in the user data folder; env {db.ENV_VAR}).",
)
