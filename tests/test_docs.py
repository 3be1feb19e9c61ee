"""The documentation keeps up with the code: every command has a README entry and an example in
its --help (sqlite-utils' test_docs.py habit)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from catalog.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def leaf_commands(group: click.Group = cli, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += leaf_commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


COMMANDS = leaf_commands()


def test_every_command_is_found():
    assert {"refresh", "models", "show", "compare", "cheapest", "export", "history", "changes", "runs",
            "schedule", "db upgrade", "db current"} <= {name for name, _ in COMMANDS}


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_a_readme_entry(name, command):
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `catalog {re.escape(name)}` \| .+ \| `catalog {re.escape(name)}[ `]", table, re.M), (
        f"README.md's Commands table has no row for `catalog {name}` with an example"
    )


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_a_help_example(name, command):
    text = command.help or ""
    example = re.search(r"^\s*Examples?:\n((?:\s+.+\n?)+)", text, re.M)
    assert example, f"`catalog {name} --help` shows no example"
    assert all(line.strip().startswith(("catalog ", "(")) for line in example.group(1).strip().splitlines()), (
        f"an example of `catalog {name}` that is not a catalog command line"
    )
    assert f"catalog {name}" in example.group(1)
