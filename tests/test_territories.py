"""Territories are not abroad: "foreign" means another sovereign state, "in the EU" EU territory.

A reviewer's US site was told that a funder in Puerto Rico (PR) is "a foreign funder" and a
University of Puerto Rico partner "a partner abroad"; a German site that a funder in Réunion
(RE), an outermost region of the EU (TFEU art. 349), is "outside the EU". The relation comes
from ``kvrules/enrich/data/territories.yaml`` (its sources in its header), checked here against
pycountry's copy of ISO 3166 wherever ISO states it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pycountry
import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.jurisdiction import (
    EU_MEMBERS,
    TERRITORIES,
    covers,
    domestic_countries,
    eu_territory,
    sovereign_of,
)
from kvrules.web.portfolio import Portfolio, _foreign_countries

DATA = yaml.safe_load(TERRITORIES.read_text(encoding="utf-8"))
ISO_SUBDIVISION_TYPES = {  # ISO 3166-2 types that name a territory of the state
    "Outlying area",  # US-PR, US-GU …
    "Overseas collectivity",  # FR-PM, FR-WF …
    "Overseas collectivity with special status",  # FR-NC
    "Overseas territory",  # FR-TF
    "Special administrative region",  # CN-HK, CN-MO
    "Country",  # NL-AW, NL-CW, NL-SX
}


def test_every_code_is_an_iso_country_and_every_state_is_sovereign() -> None:
    for territory, state in DATA["sovereign"].items():
        assert pycountry.countries.get(alpha_2=territory), territory
        assert pycountry.countries.get(alpha_2=state), state
        assert state not in DATA["sovereign"], f"{territory}: {state} is itself a territory"
    assert set(DATA["eu_territory"]) <= set(DATA["sovereign"])


def test_where_iso_3166_2_names_a_territory_of_a_state_the_file_agrees() -> None:
    """Both ways: each such subdivision is in the file with its state, and each territory of
    the file that ISO lists under some state is listed under the file's state."""
    in_iso = {
        s.code.split("-")[1]: s.country_code
        for s in pycountry.subdivisions
        if s.type in ISO_SUBDIVISION_TYPES
        and pycountry.countries.get(alpha_2=s.code.split("-")[1])
        and s.country_code in {"US", "FR", "CN", "NL"}
    }
    assert in_iso, "pycountry lists no such subdivision: the check would check nothing"
    for territory, state in in_iso.items():
        assert DATA["sovereign"].get(territory) == state, territory


@pytest.mark.parametrize(
    ("country", "state"),
    [("PR", "US"), ("pr", "US"), ("RE", "FR"), ("GL", "DK"), ("HK", "CN"), ("SJ", "NO"),
     ("US", "US"), ("TW", "TW"), ("XK", "XK")],
)  # fmt: skip
def test_the_sovereign_state_of_a_code(country: str, state: str) -> None:
    assert sovereign_of(country) == state


def test_eu_territory_has_the_outermost_regions_and_not_the_octs() -> None:
    eu = eu_territory()
    assert eu > EU_MEMBERS
    assert {"RE", "GP", "MQ", "GF", "YT", "MF", "AX"} <= eu
    assert not {"GL", "AW", "CW", "SX", "BQ", "NC", "PF", "WF", "PM", "BL", "TF", "FO", "GI"} & eu


@pytest.mark.parametrize(
    ("home", "domestic", "foreign"),
    [
        ("US", {"US", "PR", "GU", "VI"}, {"CA", "GB", "RE"}),
        ("DE", {"DE", "FR", "RE", "GP", "AX"}, {"NC", "GL", "AW", "CH", "US"}),
        ("FR", {"FR", "RE", "NC", "PF", "DE"}, {"GB", "GL"}),
        ("NL", {"NL", "AW", "CW", "BQ", "RE"}, {"GL", "US"}),
        ("CA", {"CA"}, {"US", "PR", "FR"}),
        ("PR", {"US", "PR"}, {"CA"}),  # an institution in a territory: its state's funding
    ],
)
def test_what_funding_is_domestic(home: str, domestic: set[str], foreign: set[str]) -> None:
    assert domestic <= domestic_countries(home)
    assert not foreign & domestic_countries(home)


@pytest.mark.parametrize(
    ("jurisdiction", "country", "covered"),
    [("EU", "RE", True), ("EU", "GL", False), ("EU", "NC", False), ("US", "PR", True),
     ("FR", "RE", True), ("US", "CA", False), ("CN", "TW", False)],
)  # fmt: skip
def test_a_jurisdiction_covers_its_territories(jurisdiction: str, country: str, covered: bool):
    assert covers(jurisdiction, country) is covered


def test_the_export_control_rules_test_eu_territory() -> None:
    """The rulebook lists EU territory by code in its two `not in [...]` tests: the same codes."""
    text = (Path(__file__).parents[1] / "rulebooks" / "eu-dual-use.yaml").read_text("utf-8")
    book = yaml.safe_load(text)
    lists = [
        set(re.findall(r'"([A-Z]{2})"', cond.split("not in", 1)[1]))
        for rule in book["rules"]
        for cond in (rule["when"]["all"] if isinstance(rule["when"], dict) else [rule["when"]])
        if "not in" in cond
    ]
    assert len(lists) == 2 and all(codes == set(eu_territory()) for codes in lists)


def _check(tmp_path: Path, home: str, *args: str) -> dict:
    config = tmp_path / "kvrules.yaml"
    config.write_text(f"home_country: {home}\ndatabase: kvrules.db\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", *args, "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


LARGE = "large-foreign-funding"


@pytest.mark.parametrize(
    ("home", "funder", "foreign"),
    [
        ("US", "Puerto Rico Science Technology and Research Trust (PR)", False),
        ("DE", "Region Reunion (RE)", False),
        ("DE", "Province Sud (NC)", True),
        ("FR", "Province Sud (NC)", False),
    ],
)
def test_a_large_award_from_a_territory_is_foreign_only_from_another_state(
    tmp_path: Path, home: str, funder: str, foreign: bool
) -> None:
    name, country = funder[:-5], funder[-3:-1]
    proposal = tmp_path / "proposal.yaml"
    given = {"name": name, "country": country, "amount": 1200000,
             "currency": "USD" if home == "US" else "EUR"}  # fmt: skip
    proposal.write_text(yaml.safe_dump({"topic": "soil ecology", "funders": [given]}), "utf-8")
    answer = _check(tmp_path, home, str(proposal))
    assert (LARGE in {f["rule_id"] for f in answer["findings"]}) is foreign


def test_a_partner_in_puerto_rico_is_not_abroad_for_a_us_university() -> None:
    p = Portfolio(home_country="US", generated_at=datetime.now(UTC))
    partners = [{"name": "University of Puerto Rico", "country": "PR"}, {"country": "CA"}]
    assert _foreign_countries(p, partners) == {"CA"}
