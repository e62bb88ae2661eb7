"""A case about a visit shows the visit (the visitor's role, institutions, host unit, dates),
the institutions not screened on their country, and the lists screened: on the case page and
in `kvrules show`. The page used to say the record was not held, though the store held it."""

from __future__ import annotations

import json
import sqlite3
from html import unescape
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.roles import UNKNOWN_ROLE
from kvrules.store import Store
from kvrules.unscreened import not_screened_on_country, visit_facts
from tests.scan_helpers import file_export_config, scanned
from tests.web.web_helpers import PASSWORD_HASH, app_for, login

# The reviewer's export (/tmp/rev-honesty/f2/export.jsonl), with dates: a visitor from an
# institution no list or registry identifies, and one on the DoD 1286 list.
VISIT = {
    "id": "v-1:v1",
    "kind": "visit.requested",
    "source": {"system": "file", "record_id": "v-1"},
    "occurred_at": "2026-03-02T09:00:00Z",
    "visit": {
        "id": "v-1",
        "host_unit": "Department of Aerospace Engineering",
        "start": "2026-04-01",
        "end": "2026-06-30",
        "purpose": "hypersonic propulsion experiments",
        "keywords": ["hypersonic propulsion"],
        "visitor": {
            "role": "visiting researcher",
            "affiliations": [
                {"name": "Tehran Institute of Photonics", "country": "IR"},
                {"name": "Harbin Institute of Technology", "country": "CN"},
            ],
        },
    },
}


def _scanned(tmp_path: Path, visit: dict = VISIT) -> tuple[Path, int]:
    """The visit scanned, and a viewer who can sign in: the config and the visit's case id."""
    config = file_export_config(tmp_path, visit, home="NL")
    scanned(config)
    with Store.open(tmp_path / "kvrules.db") as store:
        store.add_user("viewer", "viewer", PASSWORD_HASH, actor="test")
        case = store.case_for("file", "v-1")
    assert case is not None
    return config, case.id


def _case_page(db: Path, case_id: int) -> str:
    """The case page as the viewer reads it: whitespace collapsed, entities unescaped."""
    client = app_for(db)
    login(client, "viewer")
    return unescape(" ".join(client.get(f"/cases/{case_id}").text.split()))


def test_the_case_page_of_a_visit_shows_the_visit_and_what_was_not_screened(
    tmp_path: Path,
) -> None:
    config, cid = _scanned(tmp_path)
    page = _case_page(tmp_path / "kvrules.db", cid)
    assert "content is not held here" not in page
    for shown in (
        "<dt>Visitor</dt><dd>visiting researcher</dd>",
        "<dt>Visitor's institutions</dt><dd>Tehran Institute of Photonics; Harbin Institute "
        "of Technology (CN)</dd>",
        "<dt>Host unit</dt><dd>Department of Aerospace Engineering</dd>",
        "<dt>Dates</dt><dd>2026-04-01 – 2026-06-30</dd>",
        "Tehran Institute of Photonics: the visitor's institution, not identified as an "
        "organisation in the lists or the organisation registry, so its country (IR) alone was "
        "not screened (it would in effect be the visitor's)",
        'id="lists-screened">Organisations screened against the US DoD Section 1286 list, '
        "edition FY25 (a partial copy",
    ):
        assert shown in page, shown

    shown = CliRunner().invoke(
        cli, ["show", f"case:{cid}", "--config", str(config)], env={"COLUMNS": "400"}
    )
    assert shown.exit_code == 0, shown.output
    for line in (
        "visitor: visiting researcher",
        "visitor's institutions: Tehran Institute of Photonics; Harbin Institute of "
        "Technology (CN)",
        "dates: 2026-04-01 – 2026-06-30",
        "not screened on a country: Tehran Institute of Photonics: the visitor's institution, "
        "not identified",
        "Organisations screened against the US DoD Section 1286 list, edition FY25",
    ):
        assert line in shown.output, line
    data = json.loads(
        CliRunner().invoke(cli, ["show", f"case:{cid}", "--config", str(config), "--json"]).output
    )
    assert data["visit"]["Visitor"] == "visiting researcher"
    assert data["screened_against"] == ["us_dod_1286@FY25 (partial)"]
    assert data["not_screened_on_country"][0].startswith("Tehran Institute of Photonics:")


def test_a_visitor_role_not_among_the_known_roles_is_neither_stored_nor_shown(
    tmp_path: Path,
) -> None:
    """Code review (2026-12-07, ethics): the RIS's free-text role "Iranian PhD student" was
    stored in the state database and shown as "Visitor: Iranian PhD student". A role is kept
    only if it is a known one (``kvrules.roles.PERSON_ROLES``, compared as rules compare it);
    otherwise the record says "a role not among the known roles"."""
    visitor = {**VISIT["visit"]["visitor"], "role": "Iranian PhD student"}
    config, cid = _scanned(tmp_path, {**VISIT, "visit": {**VISIT["visit"], "visitor": visitor}})
    db = tmp_path / "kvrules.db"
    with sqlite3.connect(db) as conn:  # nothing of the text in the state database
        [body] = conn.execute("SELECT body FROM record_subjects").fetchone()
    assert "Iranian" not in body and json.loads(body)["visit"]["visitor"]["role"] == UNKNOWN_ROLE
    page = _case_page(db, cid)
    assert f"<dt>Visitor</dt><dd>{UNKNOWN_ROLE}</dd>" in page and "Iranian" not in page
    shown = CliRunner().invoke(cli, ["show", f"case:{cid}", "--config", str(config)])
    assert "Iranian" not in shown.output and f"visitor: {UNKNOWN_ROLE}" in shown.output


def test_a_known_role_is_kept_in_the_form_rules_compare_it() -> None:
    """ "Visiting Researcher" is the known role "visiting researcher"; a record stored before
    roles were filtered shows its free text no more."""
    from kvrules.model import CollaborationEvent
    from kvrules.store.subjects import subject_body

    visit = {**VISIT["visit"], "visitor": {"role": "Visiting Researcher", "affiliations": []}}
    event = CollaborationEvent.model_validate({**VISIT, "visit": visit})
    assert subject_body(event)["visit"]["visitor"]["role"] == "visiting researcher"
    stored_before = {"visitor": {"role": "Iranian PhD student"}}
    assert visit_facts(stored_before)[0] == ("Visitor", UNKNOWN_ROLE)
    assert visit_facts({"visitor": {}})[0] == ("Visitor", "role not recorded")


def test_what_was_not_screened_is_said_of_whose_institution_it_is() -> None:
    """Code review (2026-12-07, LOW): every set-apart institution was said to "in effect be the
    visitor's", a participant's, an applicant's or a co-author's too."""
    gone = {"name": "Tehran Institute of Photonics", "country_set_apart": "IR"}
    subjects = {
        "a participant's institution": {"project": {"participants": [{"affiliations": [gone]}]}},
        "the applicant's institution": {"project": {"partners": [{**gone, "role": "applicant"}]}},
        "a co-author's institution": {"output": {"affiliations": [gone]}},
        "the visitor's institution": {"visit": {"visitor": {"affiliations": [gone]}}},
    }
    for institution, subject in subjects.items():
        [said] = not_screened_on_country(subject)
        assert said.startswith(f"Tehran Institute of Photonics: {institution}, not identified")
        person = institution.replace("a participant's", "the participant's").replace(
            "a co-author's", "the co-author's"
        )[: -len(" institution")]
        assert f"(it would in effect be {person})" in said, said
        if "visitor" not in institution:
            assert "visitor" not in said, said
