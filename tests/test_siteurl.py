"""--site: a catalog site's root, or a usage error naming the value and the accepted form."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from catalog.cli import cli
from catalog.siteurl import site_root

FORM = "give one like https://modelslab.com (an IPv6 host in brackets: http://[::1]:8080)"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://[::1]:99999", "Port out of range 0-65535"),
        ("http://host:port", "Port could not be cast to integer value as 'port'"),
    ],
)
@pytest.mark.parametrize("command", [["refresh"], ["schedule", "--every", "6h"]], ids=["refresh", "schedule"])
def test_malformed_site_is_a_usage_error(command, value, reason, tmp_path):
    db = tmp_path / "c.sqlite3"
    result = CliRunner().invoke(cli, [*command, "--site", value, "--db", f"sqlite:///{db}"],
                                env={"CATALOG_DATABASE_URL": None})
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: Invalid value for '--site': {value!r} is not a site URL ({reason}); {FORM}\n")
    assert not db.exists()


@pytest.mark.parametrize(
    ("value", "root"),
    [
        ("https://modelslab.com/models?x=1", "https://modelslab.com"),
        (" HTTP://127.0.0.1:8771/ ", "http://127.0.0.1:8771"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
    ],
)
def test_site_root(value, root):
    assert site_root(value) == root


def test_not_http_keeps_its_message():
    with pytest.raises(ValueError) as raised:
        site_root("ftp://example.com")
    assert str(raised.value) == "'ftp://example.com' is not a site URL; give one like https://modelslab.com"
