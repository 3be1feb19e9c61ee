"""Running `catalog refresh` on a schedule: a crontab line and a systemd service + timer pair.

Both run the same absolute `catalog` executable against the same database URL, so a scheduled
refresh writes where the user's commands read. Refreshes never overlap: cron may start one while
another runs, and that one exits at once on the refresh lock; systemd does not start a service
that is still active.

A database password never goes on a command line (every user sees those, in ps): it is left out
of the URL, for PostgreSQL to read from ~/.pgpass, or the whole URL goes into an environment file
only its owner can read, which the crontab line sources and the service names (EnvironmentFile=).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from catalog import db
from catalog.errors import CatalogError
from catalog.views import DEFAULT_SOURCE

UNIT = "catalog-refresh"
#: cron cannot repeat at intervals that do not divide the hour or the day evenly
MINUTES = (5, 6, 10, 12, 15, 20, 30)
HOURS = (1, 2, 3, 4, 6, 8, 12)
ACCEPTED = (
    f"minutes that divide an hour ({', '.join(f'{m}m' for m in MINUTES)}), "
    f"hours that divide a day ({', '.join(f'{h}h' for h in HOURS)}) or 1d"
)
_INTERVAL = re.compile(r"\s*(\d+)\s*([mhd])\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Interval:
    """A refresh period that cron and systemd can both keep exactly."""

    minutes: int

    @classmethod
    def parse(cls, text: str) -> Interval:
        """'30m', '6h', '1d' (also '60m' = '1h', '24h' = '1d'). Raises ValueError naming the accepted forms."""
        match = _INTERVAL.fullmatch(text)
        if not match:
            raise ValueError(f"{text!r} is not an interval; use {ACCEPTED}")
        minutes = int(match[1]) * {"m": 1, "h": 60, "d": 1440}[match[2].lower()]
        if minutes in MINUTES or minutes == 1440 or (minutes % 60 == 0 and minutes // 60 in HOURS):
            return cls(minutes)
        raise ValueError(f"{text!r} is not a period cron can repeat exactly; use {ACCEPTED}")

    def __str__(self) -> str:
        if self.minutes == 1440:
            return "1d"
        return f"{self.minutes // 60}h" if self.minutes % 60 == 0 else f"{self.minutes}m"

    @property
    def cron(self) -> str:
        """The five crontab time fields."""
        if self.minutes == 1440:
            return "0 0 * * *"
        if self.minutes % 60 == 0:
            hours = self.minutes // 60
            return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
        return f"*/{self.minutes} * * * *"

    @property
    def on_calendar(self) -> str:
        """The same times as a systemd OnCalendar= expression."""
        if self.minutes == 1440:
            return "*-*-* 00:00:00"
        if self.minutes % 60 == 0:
            hours = self.minutes // 60
            return "*-*-* *:00:00" if hours == 1 else f"*-*-* 00/{hours}:00:00"
        return f"*-*-* *:00/{self.minutes}:00"


def catalog_executable() -> list[str]:
    """The absolute command that runs this catalog: its console script, else python -m catalog."""
    beside = Path(os.path.abspath(sys.executable)).with_name("catalog")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("catalog")
    if found:
        return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "catalog"]


def absolute_db_url(option: str | None) -> str:
    """The database URL every command would use (--db, $CATALOG_DATABASE_URL or the default),
    with a relative SQLite path made absolute: cron and systemd do not start in this folder."""
    url = db.resolve_url(option)
    parsed = db.parse_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    path = Path(database).expanduser()
    if path.is_absolute() and str(path) == database:
        return url
    return parsed.set(database=str(path.resolve())).render_as_string(hide_password=False)


def without_password(url: str) -> tuple[str, bool]:
    """URL without its password (in the user part or as ?password=), and whether it had one."""
    from sqlalchemy.engine import URL

    parsed = db.parse_url(url)
    if parsed.password is None and "password" not in parsed.query:
        return url, False
    bare = URL.create(
        parsed.drivername, parsed.username, None, parsed.host, parsed.port, parsed.database,
        {k: v for k, v in parsed.query.items() if k != "password"},
    )
    return bare.render_as_string(hide_password=False), True


def pgpass_line(url) -> str:
    """The ~/.pgpass line (host:port:database:user:password) that gives URL its password, with
    PASSWORD standing for it: the secret itself is never printed."""

    def field(value: object, default: str) -> str:
        return str(value).replace("\\", "\\\\").replace(":", "\\:") if value else default

    return ":".join(
        (field(url.host, "localhost"), field(url.port, "5432"), field(url.database, "*"), field(url.username, "*"),
         "PASSWORD")
    )


def write_env_file(file: str | Path, db_url: str) -> Path:
    """FILE := CATALOG_DATABASE_URL=DB_URL (quoted for sh and for systemd's EnvironmentFile=),
    readable by its owner only from its first byte: written to a 0600 temporary file beside it,
    then renamed over FILE (an existing FILE, whatever its mode, is replaced, not rewritten).
    Returns FILE's absolute path, for the schedule: cron and systemd do not start in this folder."""
    path = Path(os.path.abspath(Path(file).expanduser()))
    text = f"{db.ENV_VAR}={shlex.quote(db_url)}\n"
    try:
        if not path.parent.exists():  # a file in its place is reported by mkstemp: "Not a directory"
            path.parent.mkdir(mode=0o700, parents=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise CatalogError(f"cannot write {path}: {exc.strerror}; choose another --write-env FILE") from None
    return path


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("catalog", appauthor=False))


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("catalog", appauthor=False))


def cron_escape(line: str) -> str:
    """cron turns an unescaped % into a newline (a PostgreSQL URL may hold %3D)."""
    return line.replace("%", r"\%")


def systemd_word(arg: str) -> str:
    """ARG as one word of an ExecStart= line (systemd expands % specifiers and $VARIABLES)."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and not re.search(r"[\s\"'\\;]", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Plan:
    every: Interval
    command: tuple[str, ...]
    log: Path
    #: the file that holds $CATALOG_DATABASE_URL (then the command has no --db)
    env_file: Path | None = None
    #: comment lines on where the database password comes from
    notes: tuple[str, ...] = ()

    @property
    def cron(self) -> str:
        shell = " ".join(shlex.quote(word) for word in self.command)
        if self.env_file is not None:  # set -a: what the file assigns is exported to the refresh
            shell = f"set -a && . {shlex.quote(str(self.env_file))} && set +a && {shell}"
        log_folder = shlex.quote(str(self.log.parent))
        line = f"{self.every.cron} mkdir -p {log_folder} && {shell} >> {shlex.quote(str(self.log))} 2>&1"
        return cron_escape(line) + "\n"

    @property
    def service(self) -> str:
        environment = ""
        if self.env_file is not None:  # the whole value is the path; only % specifiers need escaping
            environment = f"EnvironmentFile={str(self.env_file).replace('%', '%%')}\n"
        return (
            "[Unit]\n"
            "Description=Refresh the model price catalog (catalog refresh)\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"{environment}"
            f"ExecStart={' '.join(systemd_word(w) for w in self.command)}\n"
            "Nice=10\n"
        )

    @property
    def note(self) -> str:
        return "".join(f"# {line}\n" for line in self.notes)

    @property
    def timer(self) -> str:
        return (
            "[Unit]\n"
            f"Description=Refresh the model price catalog every {self.every}\n"
            "\n"
            "[Timer]\n"
            f"OnCalendar={self.every.on_calendar}\n"
            "# a refresh missed while the machine was off runs when it is back\n"
            "Persistent=true\n"
            "\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )

    def part(self, name: str) -> str:
        return {"cron": self.cron, "service": self.service, "timer": self.timer}[name]

    def text(self) -> str:
        units = "~/.config/systemd/user"
        return (
            (self.note + "\n" if self.notes else "")
            + "# crontab line (add it with `crontab -e`; output goes to the log named in it):\n"
            f"{self.cron}"
            "\n"
            f"# systemd, instead of cron: {units}/{UNIT}.service\n"
            f"{self.service}"
            "\n"
            f"# {units}/{UNIT}.timer\n"
            f"{self.timer}"
            "\n"
            f"# then: systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer\n"
        )


def plan(
    every: Interval,
    *,
    db_url: str,
    executable: list[str],
    source: str = DEFAULT_SOURCE,
    site: str | None = None,
    every_source: bool = False,
    log: Path | None = None,
    env_file: Path | None = None,
) -> Plan:
    """The scheduled command: EXECUTABLE refresh --site SITE (SOURCE's own when None; --source
    SOURCE before it unless the default; ``--all`` with EVERY_SOURCE) --db DB_URL, where DB_URL
    goes without its password; or with ENV_FILE (which write_env_file filled), no --db at all."""
    log = log or log_dir() / "refresh.log"
    if every_source:
        refresh: tuple[str, ...] = ("--all",)
    else:
        from catalog.sources import load_source

        named = () if source == DEFAULT_SOURCE else ("--source", source)
        refresh = (*named, "--site", site or load_source(source).default_site)
    command = (*executable, "refresh", *refresh)
    if env_file is not None:
        notes = (
            f"The database URL is kept in {env_file} (mode 0600: yours alone), off every command line;",
            f"the lines below read it from there as ${db.ENV_VAR}.",
        )
        return Plan(every=every, command=command, log=log, env_file=env_file, notes=notes)
    shown, had_password = without_password(db_url)
    notes = ()
    if had_password:
        notes = (
            "The database password is not in the lines below: every user can read a command line (ps).",
            "PostgreSQL reads it from ~/.pgpass (chmod 600); add this line there, your password for PASSWORD:",
            f"  {pgpass_line(db.parse_url(db_url))}",
            f"Or rerun with --write-env FILE (e.g. {config_dir() / 'refresh.env'}) to keep the whole",
            "database URL in a file only you can read.",
        )
    return Plan(every=every, command=(*command, "--db", shown), log=log, notes=notes)
