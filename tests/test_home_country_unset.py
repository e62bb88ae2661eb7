"""A deployment without `home_country` is told so, and counts no country as foreign.

The reviewer's defect: `home_country` used to default to NL and now defaults to unset. An
existing configuration that never set it kept running, silently changed: a USD 2,000,000 NSF
grant was flagged `large-foreign-funding` before and came out GREEN with no word after; and the
portfolio, given no home country, compared each country with the string "not set", so a Dutch
project counted as foreign. Now `scan`, `check` and `watch` say it on one line (stderr: stdout
may be JSON) while home_country is unset, and the portfolio counts no country as foreign.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.web import portfolio
from tests.scan_helpers import file_export_config

NOTICE = "note: home_country is not set: no funder or partner is counted as foreign; set it in {}"
NSF_GRANT = {
    "id": "p1",
    "title": "Grid-scale storage",
    "partners": [{"name": "Delft University of Technology", "country": "NL"}],
    "funders": [
        {
            "name": "National Science Foundation",
            "country": "US",
            "amount": 2000000,
            "currency": "USD",
        }
    ],
}


def _config(tmp_path: Path, home: str | None) -> Path:
    event = {
        "id": "e1",
        "kind": "project.created",
        "occurred_at": "2026-12-01T00:00:00Z",
        "source": {"system": "file", "record_id": "p1"},
        "project": NSF_GRANT,
    }
    return file_export_config(tmp_path, event, home=home, name=f"kvrules-{home}")


def _notices(result, config: Path) -> list[str]:
    return [line for line in result.stderr.splitlines() if line == NOTICE.format(config)]


def test_check_says_once_that_home_country_is_unset_and_what_that_means(tmp_path: Path):
    proposal = tmp_path / "nsf.yaml"
    proposal.write_text(json.dumps({k: v for k, v in NSF_GRANT.items() if k != "id"}))

    def run(home: str | None):
        config = _config(tmp_path, home)
        result = CliRunner().invoke(
            cli, ["check", str(proposal), "--json", "--config", str(config)]
        )
        assert result.exit_code == 0, result.output
        rules = {f["rule_id"] for f in json.loads(result.stdout)["findings"]}
        return _notices(result, config), rules

    notices, rules = run(None)
    assert len(notices) == 1 and "large-foreign-funding" not in rules  # said, not silent
    notices, rules = run("NL")
    assert notices == [] and "large-foreign-funding" in rules


@pytest.mark.parametrize("command", [["scan", "--json"], ["watch", "--times", "1"]])
def test_scan_and_watch_say_it_once_and_stdout_stays_as_it_was(tmp_path: Path, command):
    config = _config(tmp_path, None)
    result = CliRunner().invoke(cli, [*command, "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert len(_notices(result, config)) == 1
    assert "no funder or partner is counted as foreign" not in result.stdout
    set_home = _config(tmp_path, "NL")
    result = CliRunner().invoke(cli, [*command, "--config", str(set_home)])
    assert result.exit_code == 0, result.output
    assert "home_country is not set" not in result.stderr


def test_the_portfolio_without_a_home_country_counts_no_country_as_foreign(tmp_path: Path):
    dutch = {
        "partners": [{"name": "Delft University of Technology", "country": "NL"}],
        "funders": [{"name": "NWO", "country": "NL", "amount": 100000, "currency": "EUR"}],
    }
    american = {"partners": [{"name": "Ohio State University", "country": "US"}]}
    with Store.open(tmp_path / "k.db", create=True) as store:
        for home, foreign_projects, countries in ((None, 0, {}), ("NL", 1, {"US"})):
            p = portfolio.build(store, home_country=home)
            portfolio._project(p, dutch, "low", ("pure", "p1"))
            portfolio._project(p, american, "low", ("pure", "p2"))
            assert p.home_country == home
            assert p.foreign_projects == foreign_projects
            assert set(p.collab_by_country) == set(countries)
