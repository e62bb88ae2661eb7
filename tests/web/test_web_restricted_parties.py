"""The web pre-screen and the API tell the story `kvrules check` tells of a partner on a
sanctions or restricted-party list: RED, the restricted-parties finding to the committee, and
the component list (or regime) its entry came from. Before, a partner on the US CSL with no
sensitive content and no country signal was GREEN with no finding."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import app_for, scanned_case

FIXTURES = Path(__file__).parent.parent / "refdata" / "fixtures"
ENTITY_LIST = (
    "(component list: Entity List (EL) - Bureau of Industry and Security; a BIS licence is "
    "required to export, re-export or transfer items subject to the EAR to it)"
)
# on the Entity List (synthetic fixture, tests/refdata/fixtures/README.md); no country given:
# it takes the entry's (CN), whose signals make the Leidraad say amber, and the designation
# makes the answer red
LISTED = "Example Institute of Electronic Warfare"


@pytest.fixture(scope="module")
def listed_screener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Screener]:
    from kvrules.config import Config

    refdata = tmp_path_factory.mktemp("refdata") / "refdata.sqlite"
    imported = CliRunner().invoke(
        cli,
        ["refdata", "import", "csl", str(FIXTURES / "csl.json"), "--edition", "2026-12-01",
         "--refdata", str(refdata)],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    built = Screener.from_config(Config(reference_data=refdata))
    yield built
    built.close()


def test_the_page_is_red_and_names_the_component_list(db: Path, listed_screener) -> None:
    client = signed_in(db, listed_screener, "grant-officer")
    fields = {"topic": "medieval manuscripts", "partner0_name": LISTED}
    page = html.unescape(client.get(f"/prescreen/{prescreen_id(submit(client, fields))}").text)
    triage = page.split('id="triage"', 1)[1].split("</p>", 1)[0]
    assert "RED" in triage and "restricted-party list" in triage, triage
    assert "partner-on-restricted-party-list" in page
    assert ENTITY_LIST in " ".join(page.split())


def test_the_api_is_red_with_the_finding_to_the_committee(db: Path, listed_screener) -> None:
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    api = app_for(db, screener=listed_screener)
    bearer = {"Authorization": f"Bearer {issued.stdout.strip()}"}
    body = {"topic": "medieval manuscripts", "partners": [{"name": LISTED}]}
    answer = api.post("/api/v1/screen", json=body, headers=bearer).json()
    assert answer["triage"]["colour"] == "red", answer["triage"]
    assert answer["triage"]["rule"] == "restricted-parties/partner-on-restricted-party-list"
    hit = next(f for f in answer["findings"] if f["rule_id"] == "partner-on-restricted-party-list")
    assert (hit["severity"], hit["alert"]) == ("high", "committee")
    [found] = answer["in_words"]["found"]
    assert found.startswith(f"{LISTED}: on the US Consolidated Screening List, edition ")
    assert ENTITY_LIST in found


def test_the_case_page_of_a_scanned_record_names_the_regime(tmp_path: Path, db: Path) -> None:
    from tests.scan_helpers import project_event

    uk = [str(FIXTURES / "uk_sanctions.xml"), "--edition", "2026-12-01"]  # $KVRULES_REFDATA
    imported = CliRunner().invoke(cli, ["refdata", "import", "uk_sanctions", *uk])
    assert imported.exit_code == 0, imported.output
    partner = {"name": "Example Institute of Applied Physics", "country": "RU"}
    event = project_event("P1", title="Medieval manuscripts", partners=[partner])
    client, case_id = scanned_case(tmp_path, db, event)
    page = " ".join(html.unescape(client.get(f"/cases/{case_id}").text).split())
    assert "A partner is on a sanctions or restricted-party list" in page
    regime = "The Russia (Sanctions) (EU Exit) Regulations 2019"
    assert f"is on the UK Sanctions List (designated under {regime}), edition 2026-12-01" in page
    assert f'<span class="muted designated-under">{regime}</span>' in page
