"""`catalog schedule` keeps a database password off every command line (cron line, ExecStart):
the password comes from ~/.pgpass or from an environment file only its owner can read."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from catalog.schedule import pgpass_line, without_password

SECRET = "S3cret"
LOG = "/home/u/.local/state/catalog/log"
EXE = "/opt/catalog/bin/catalog"


def schedule_text(notes: str, cron: str, service: str) -> str:
    """The whole output of `schedule --every 6h`: NOTES, then the cron line, the service (its
    [Service] lines), the timer (as `--only timer` prints it) and the closing hint."""
    return (
        f"{notes}\n"
        "# crontab line (add it with `crontab -e`; output goes to the log named in it):\n"
        f"0 */6 * * * mkdir -p {LOG} && {cron} >> {LOG}/refresh.log 2>&1\n"
        "\n"
        "# systemd, instead of cron: ~/.config/systemd/user/catalog-refresh.service\n"
        "[Unit]\n"
        "Description=Refresh the model price catalog (catalog refresh)\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{service}"
        "Nice=10\n"
        "\n"
        "# ~/.config/systemd/user/catalog-refresh.timer\n"
        f"{invoke('--only', 'timer').stdout}"
        "\n"
        "# then: systemctl --user daemon-reload && systemctl --user enable --now catalog-refresh.timer\n"
    )


@pytest.fixture(autouse=True)
def fixed_paths(monkeypatch):
    monkeypatch.setattr("catalog.schedule.catalog_executable", lambda: [EXE])
    monkeypatch.setattr("catalog.schedule.log_dir", lambda: Path(LOG))
    monkeypatch.setattr("catalog.schedule.config_dir", lambda: Path("/home/u/.config/catalog"))


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["schedule", "--every", "6h", *args], env={"CATALOG_DATABASE_URL": None, **(env or {})})


def test_password_is_left_out_and_pgpass_is_explained():
    result = invoke("--db", f"postgresql+psycopg://user:{SECRET}@host/db")
    assert result.exit_code == 0, result.output
    command = f"{EXE} refresh --site https://modelslab.com --db postgresql+psycopg://user@host/db"
    assert result.output == schedule_text(
        "# The database password is not in the lines below: every user can read a command line (ps).\n"
        "# PostgreSQL reads it from ~/.pgpass (chmod 600); add this line there, your password for PASSWORD:\n"
        "#   host:5432:db:user:PASSWORD\n"
        "# Or rerun with --write-env FILE (e.g. /home/u/.config/catalog/refresh.env) to keep the whole\n"
        "# database URL in a file only you can read.\n",
        command,
        f"ExecStart={command}\n",
    )


def test_password_from_the_environment_and_in_the_query_is_left_out_too():
    url = f"postgresql+psycopg://me:{SECRET}@[::1]:5433/prices?password={SECRET}&options=-csearch_path%3Dcat"
    result = invoke("--only", "cron", env={"CATALOG_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"0 */6 * * * mkdir -p {LOG} && {EXE} refresh --site https://modelslab.com "
        "--db 'postgresql+psycopg://me@[::1]:5433/prices?options=-csearch_path\\%3Dcat' "
        f">> {LOG}/refresh.log 2>&1\n"
    )
    # the explanation goes to stderr, so `--only cron > file` holds the line alone
    assert "#   \\:\\:1:5433:prices:me:PASSWORD\n" in result.stderr
    assert SECRET not in result.output


def test_pgpass_fields_are_escaped_and_defaulted():
    from sqlalchemy.engine import make_url

    assert pgpass_line(make_url("postgresql://a\\b:pw@/")) == "localhost:5432:*:a\\\\b:PASSWORD"
    assert without_password("sqlite:////data/c.sqlite3") == ("sqlite:////data/c.sqlite3", False)
    assert without_password("postgresql://u:p%40ss@h/d") == ("postgresql://u@h/d", True)


def test_write_env_keeps_the_url_in_a_private_file(tmp_path, monkeypatch):
    env_file = tmp_path / "conf" / "refresh.env"
    env_file.parent.mkdir()
    env_file.write_text("CATALOG_DATABASE_URL=old\n")
    os.chmod(env_file, 0o644)  # an old, readable file is replaced, not rewritten in place
    url = f"postgresql+psycopg://user:{SECRET}@host/db"
    modes = []
    real_replace = os.replace

    def watching_replace(src, dst):  # the secret is 0600 before it takes the file's name
        modes.append(stat.S_IMODE(os.stat(src).st_mode))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watching_replace)
    old_umask = os.umask(0)  # even a permissive umask cannot widen it
    try:
        result = invoke("--db", url, "--write-env", str(env_file))
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert modes == [0o600]
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert env_file.read_text() == f"CATALOG_DATABASE_URL={url}\n"
    assert sorted(p.name for p in env_file.parent.iterdir()) == ["refresh.env"]
    command = f"{EXE} refresh --site https://modelslab.com"
    assert result.output == schedule_text(
        f"# The database URL is kept in {env_file} (mode 0600: yours alone), off every command line;\n"
        "# the lines below read it from there as $CATALOG_DATABASE_URL.\n",
        f"set -a && . {env_file} && set +a && {command}",
        f"EnvironmentFile={env_file}\nExecStart={command}\n",
    )


def test_env_file_reads_back_exactly_in_a_shell(tmp_path):
    """cron sources the file with sh: an awkward password survives, nothing is expanded."""
    env_file = tmp_path / "refresh.env"
    url = "postgresql+psycopg://user:a'b$HOME`x`%20\"@host/d b?options=-c%20x"
    result = invoke("--db", url, "--write-env", str(env_file), "--only", "cron")
    assert result.exit_code == 0, result.output
    line = result.stdout.split(" ", 5)[5]  # after the five time fields
    prefix = line[: line.index(EXE)]
    assert prefix == f"mkdir -p {LOG} && set -a && . {env_file} && set +a && "
    shown = subprocess.run(
        ["sh", "-c", f"set -a && . {env_file} && set +a && {sys.executable} -c "
                     "'import os; print(os.environ[\"CATALOG_DATABASE_URL\"], end=\"\")'"],
        capture_output=True, text=True, env={"PATH": os.environ["PATH"]}, check=True,
    )
    from catalog.db import parse_url

    assert parse_url(shown.stdout) == parse_url(url)


def test_env_file_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "plain").write_text("")  # a file where the folder should be
    target = tmp_path / "plain" / "refresh.env"
    result = invoke("--db", "sqlite:////data/c.sqlite3", "--write-env", str(target))
    assert (result.exit_code, result.output) == (
        1, f"Error: cannot write {target}: Not a directory; choose another --write-env FILE\n"
    )


@pytest.mark.parametrize("command", [["schedule", "--every", "6h"], ["refresh"]], ids=["schedule", "refresh"])
def test_site_with_credentials_is_refused(command, tmp_path):
    db = tmp_path / "c.sqlite3"
    result = CliRunner().invoke(
        cli, [*command, "--site", f"http://user:{SECRET}@127.0.0.1:9/", "--db", f"sqlite:///{db}"],
        env={"CATALOG_DATABASE_URL": None},
    )
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for '--site': 'http://***@127.0.0.1:9/' holds a user name or password, which "
        "would show on command lines and in `catalog runs`; give the site without it, e.g. http://127.0.0.1:9\n"
    )
    assert SECRET not in result.output
    assert not db.exists()  # refused before the database was opened: no run could record it


@pytest.mark.parametrize(("args", "refresh"), [
    ((), "refresh --site https://modelslab.com"),
    (("--all",), "refresh --all"),
    (("--source", "openrouter"), "refresh --source openrouter --site https://openrouter.ai/api/v1/models"),
    (("--source", "litellm", "--site", "http://127.0.0.1:8000/prices.json?v=1"),
     "refresh --source litellm --site 'http://127.0.0.1:8000/prices.json?v=1'"),
])
def test_the_scheduled_refresh_reads_the_sources_asked_for(args, refresh):
    result = invoke(*args, "--only", "cron", "--db", "sqlite:////srv/catalog.sqlite3")
    assert result.exit_code == 0, result.output
    assert f" && {EXE} {refresh} --db sqlite:////srv/catalog.sqlite3 >> " in result.output


@pytest.mark.parametrize("args", [("--all", "--site", "http://127.0.0.1:9/"), ("--all", "--source", "litellm"),
                                  ("--source", "no-such-source",)])
def test_a_schedule_of_sources_that_cannot_be_is_a_usage_error(args):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1].startswith("Error: ")
