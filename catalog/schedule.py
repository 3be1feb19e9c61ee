"""Running `catalog refresh` on a schedule: a crontab line and a systemd service + timer pair.

Both run the same absolute `catalog` executable against the same database URL, so a scheduled
refresh writes where the user's commands read. Refreshes never overlap: cron may start one while
another runs, and that one exits at once on the refresh lock; systemd does not start a service
that is still active.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

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

    from catalog import db

    url = db.resolve_url(option)
    parsed = db.parse_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    path = Path(database).expanduser()
    if path.is_absolute() and str(path) == database:
        return url
    return parsed.set(database=str(path.resolve())).render_as_string(hide_password=False)


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

    @property
    def cron(self) -> str:
        shell = " ".join(shlex.quote(word) for word in self.command)
        log_folder = shlex.quote(str(self.log.parent))
        line = f"{self.every.cron} mkdir -p {log_folder} && {shell} >> {shlex.quote(str(self.log))} 2>&1"
        return cron_escape(line) + "\n"

    @property
    def service(self) -> str:
        return (
            "[Unit]\n"
            "Description=Refresh the model price catalog (catalog refresh)\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={' '.join(systemd_word(w) for w in self.command)}\n"
            "Nice=10\n"
        )

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
            "# crontab line (add it with `crontab -e`; output goes to the log named in it):\n"
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
    site: str,
    db_url: str,
    executable: list[str],
    log: Path | None = None,
) -> Plan:
    """The scheduled command: EXECUTABLE refresh --site SITE --db DB_URL."""
    command = (*executable, "refresh", "--site", site, "--db", db_url)
    return Plan(every=every, command=command, log=log or log_dir() / "refresh.log")
