"""Partner and funder countries in the board report (reviewer, one year in): the "partner
country" chart counted funders — the demo showed "BE 219" projects where 100 have a Belgian
partner and 119 more only an EU funder registered in Belgium — and "Projects with a foreign
partner or funder: 979" counted EU funders as foreign while the funding section counts
funders "outside NL and the EU". Partners by partner country, funders apart, "foreign" for a
funder as ``funder.foreign`` has it. Checked against the store's own records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli, main  # noqa: F401  (main registers plugin commands)
from kvrules.jurisdiction import domestic_countries
from kvrules.plugins import call_each
from kvrules.store import Store
from kvrules.web import portfolio


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kvrules demo` (its realistic portfolio, Dutch home country) at 400 projects."""
    call_each("register_commands", cli=cli)
    workdir = tmp_path_factory.mktemp("demo") / "kvrules-demo"
    result = CliRunner().invoke(cli, ["demo", "--projects", "400", "--workdir", str(workdir)])
    assert result.exit_code == 0, result.output
    return workdir / "kvrules.yaml"


def _by_the_records(db: Path, home: str) -> dict[str, object]:
    """What the store's project records say, counted here without the portfolio code."""
    domestic = domestic_countries(home)
    partner_countries: dict[str, int] = {}
    funder_countries: dict[str, int] = {}
    abroad = funded = either = 0
    with Store.open(db) as store:
        for _system, _record, _kind, body in store.subjects("project"):
            project = body.get("project") or {}
            orgs = list(project.get("partners", []))
            for person in project.get("participants", []):
                orgs += person.get("affiliations", [])
            # a partner read as a person's name is left out: its country would in effect be
            # a person's (reviewer, 2026-12-07)
            mine = {
                o["country"]
                for o in orgs
                if o.get("country") and o["country"] != home and not o.get("read_as_person")
            }
            theirs = {
                f["country"]
                for f in project.get("funders", [])
                if f.get("country") and f["country"] not in domestic
            }
            for country in mine:
                partner_countries[country] = partner_countries.get(country, 0) + 1
            for country in theirs:
                funder_countries[country] = funder_countries.get(country, 0) + 1
            abroad, funded, either = (
                abroad + bool(mine),
                funded + bool(theirs),
                either + bool(mine or theirs),
            )
    return {
        "partners": partner_countries,
        "funders": funder_countries,
        "abroad": abroad,
        "funded": funded,
        "either": either,
    }


def test_partner_countries_count_partners_and_funders_apart(demo: Path) -> None:
    db = Path(yaml.safe_load(demo.read_text())["database"])
    expected = _by_the_records(db, "NL")
    with Store.open(db) as store:
        p = portfolio.build(store, home_country="NL")
    partners = {c: sum(n.values()) for c, n in p.collab_by_country.items()}
    assert partners == expected["partners"]  # funders counted as partners failed here
    funders = {c: sum(n.values()) for c, n in p.funder_by_country.items()}
    assert funders == expected["funders"]
    assert "BE" in partners and "BE" not in funders  # the EU's own funders are not foreign
    assert (p.partner_abroad_projects, p.foreign_funder_projects, p.foreign_projects) == (
        expected["abroad"],
        expected["funded"],
        expected["either"],
    )
    out = demo.parent / "r.html"
    result = CliRunner().invoke(cli, ["report", "--config", str(demo), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert f"Projects with a partner abroad {expected['abroad']} " in text
    assert f"Projects with a foreign funder {expected['funded']} " in text
    assert "(a funder outside NL and the EU, as the funding section counts)" in text
    assert "Projects by partner country and risk" in page
    assert "Projects by country of a funder outside NL and the EU" in page
    assert "foreign partner or funder" not in page
