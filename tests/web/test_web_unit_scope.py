"""Per-unit access (committee review, item 2): a viewer opened /cases, /cases/8 and
/cases.csv with every unit's cases and PI names. An account limited to some units now sees
only their cases, over real HTTP on every route that shows or exports a case or its data;
another unit's case is "not found" (404), never its data. Unscoped accounts see everything."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kvrules.cli import cli
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import PASSWORD, SECRET, case_form, event, finding, served, token

LAW_TITLE = "Comparative sanctions law"
LAW_PI = "Ingrid Lawson"
LAW_REASON = "Different institute, same acronym (law)"


def _law_case(db: Path) -> dict[str, int]:
    """A case of another unit (Faculty of Law) with a PI, a pending decision, a mitigation
    and an adjudication; and a Physics member's pre-screen is not needed: ids by what."""
    body = event("law-1", "Beihang University", "CN", with_match=True).model_dump(mode="json")
    body["project"] |= {"title": LAW_TITLE, "units": ["Faculty of Law"]}
    body["project"]["participants"] = [{"role": "pi", "display_name": LAW_PI}]
    with Store.open(db) as store:
        store.record_subject(CollaborationEvent.model_validate(body))
        store.record_findings([finding("law-1")], {})
        case = store.case_for("pure", "law-1")
        assert case is not None
        mitigation = store.add_mitigation(case.id, "Law clinic review", "dean", None, actor="chair")
        store.adjudicate_match(
            list_id="us_dod_1286",
            entry="1286-042",
            org_name="Beihang University",
            country="CN",
            verdict="not-same",
            reason=LAW_REASON,
            actor="adviser",
            case_id=case.id,
        )
        proposed = store.propose_decision(case.id, "reject", "Law: reject.", actor="chair")
        physics = store.case_for("pure", "p-1")
        assert physics is not None
        return {
            "case": case.id,
            "mitigation": mitigation,
            "decision": proposed.id,
            "physics": physics.id,
        }


def _account(db: Path, name: str, role: str, *units: str) -> None:
    args = ["users", "add", name, "--role", role, "--db", str(db), "--password-stdin"]
    if units:
        args += ["--units", ",".join(units)]
    done = CliRunner().invoke(cli, args, input=f"{PASSWORD}\n")
    assert done.exit_code == 0, done.output


@pytest.fixture
def scoped(db: Path) -> Iterator[tuple[str, dict[str, int]]]:
    ids = _law_case(db)
    _account(db, "physics-viewer", "viewer", "Faculty of Physics")
    _account(db, "physics-member", "committee", "Faculty of Physics", "Institute X")
    with served(create_app(WebSettings(db=db, secret_key=SECRET, four_eyes=True))) as (base, _):
        yield base, ids


def _signed_in(base: str, name: str) -> httpx.Client:
    # Sec-Fetch-Site as a browser following the app's links sends it (exports need it).
    c = httpx.Client(
        base_url=base,
        follow_redirects=False,
        timeout=60,
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    t = token(c.get("/login").text)
    form = {"username": name, "password": PASSWORD, "csrf_token": t, "next": "/cases"}
    assert c.post("/login", data=form).status_code == 303
    return c


def _no_law(text: str) -> None:
    for secret in (LAW_TITLE, LAW_PI, LAW_REASON, "Law clinic review", "Faculty of Law"):
        assert secret not in text, secret


def test_a_scoped_viewer_sees_its_units_cases_only(scoped) -> None:
    base, ids = scoped
    viewer = _signed_in(base, "physics-viewer")
    listing = viewer.get("/cases")
    assert listing.status_code == 200 and f"/cases/{ids['physics']}" in listing.text
    _no_law(listing.text)
    assert f'href="/cases/{ids["case"]}"' not in listing.text
    assert re.search(r"\b2 of 2\b", listing.text), "counts are of its units' cases"
    for query in ("?q=sanctions", f"?q=%23{ids['case']}", "?unit=Faculty+of+Law", "?country=CN"):
        page = viewer.get(f"/cases{query}")
        assert page.status_code == 200
        _no_law(page.text)
    page = viewer.get(f"/cases/{ids['case']}")
    assert page.status_code == 404 and f"There is no case {ids['case']}" in page.text
    _no_law(page.text)
    assert viewer.get(f"/cases/{ids['physics']}").status_code == 200
    csv_text = viewer.get("/cases.csv").text
    assert "Quantum sensing" in csv_text
    _no_law(csv_text)
    book = load_workbook(io.BytesIO(viewer.get("/cases.xlsx").content))
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    assert "Quantum sensing" in cells
    _no_law(cells)
    _no_law(viewer.get("/mitigations?status=all").text)
    adjudications = viewer.get("/adjudications")
    assert adjudications.status_code == 200
    _no_law(adjudications.text)
    every = (
        "/audit",
        f"/audit?subject=case:{ids['case']}",
        "/audit.csv",
        "/report",
        "/report.html",
    )
    for every_unit in every:
        refused = viewer.get(every_unit)
        assert refused.status_code == 403 and "limited to Faculty of Physics" in refused.text
        _no_law(refused.text)


def test_a_scoped_member_cannot_change_another_units_case(scoped, db: Path) -> None:
    base, ids = scoped
    member = _signed_in(base, "physics-member")
    t = token(member.get("/cases").text)
    law = ids["case"]
    for path, data in (
        (f"/cases/{law}/triage", {"colour": "red"}),
        (f"/cases/{law}/adjudicate", {"verdict": "same", "reason": "r", "list": "x"}),
        (f"/cases/{law}/decide", {"decision": "approve", "rationale": "ok"}),
        (f"/cases/{law}/mitigations", {"action": "a", "owner": "o"}),
        (f"/decisions/{ids['decision']}/approve", {}),
        (f"/mitigations/{ids['mitigation']}/status", {"status": "done"}),
        ("/cases/bulk", {"case": str(law), "change": "triage:red"}),
    ):
        r = member.post(path, data={**data, "csrf_token": t})
        assert r.status_code == 404, (path, r.status_code)
        _no_law(r.text)
    # "all matching" reaches its own units' cases only
    r = member.post(
        "/cases/bulk", data={"scope": "matching", "change": "triage:amber", "csrf_token": t}
    )
    assert r.status_code == 303
    with Store.open(db) as store:
        colours = store.triage_colours()
        assert law not in colours and colours[ids["physics"]] == "amber"
        assert store.decision(ids["decision"]).approval == "pending"  # type: ignore[union-attr]
        assert {m.status for m in store.mitigations(law)} == {"open"}


def test_unscoped_accounts_keep_todays_access(scoped) -> None:
    base, ids = scoped
    admin = _signed_in(base, "admin")
    accounts = admin.get("/admin/users").text
    assert (
        "<td>physics-member</td>\n  <td>committee</td>\n  <td>Faculty of Physics, Institute X</td>"
        in (accounts)
    )
    viewer = _signed_in(base, "viewer")
    assert LAW_TITLE in viewer.get("/cases").text
    assert LAW_PI in viewer.get(f"/cases/{ids['case']}").text
    assert LAW_TITLE in viewer.get("/cases.csv").text
    assert viewer.get("/audit").status_code == 200 and viewer.get("/report").status_code == 200


def test_the_unit_limit_is_set_listed_kept_and_lifted_on_the_command_line(db: Path) -> None:
    _account(db, "pat", "viewer", " Faculty of Physics ", "Faculty of Physics", "Law")
    listed = CliRunner().invoke(cli, ["users", "list", "--db", str(db)])
    assert "pat\tviewer\tlocal\tunits: Faculty of Physics, Law" in listed.output
    _account(db, "pat", "adviser")  # a role change keeps the limit: never widens by accident
    with Store.open(db) as store:
        assert store.user("pat").units == ("Faculty of Physics", "Law")  # type: ignore[union-attr]
    lifted = CliRunner().invoke(
        cli, ["users", "add", "pat", "--role", "adviser", "--all-units", "--sso", "--db", str(db)]
    )
    assert lifted.exit_code == 0, lifted.output
    with Store.open(db) as store:
        assert store.user("pat").units is None  # type: ignore[union-attr]
        (scoped_entry, *_), lifted_entry = (
            [e.details for e in store.audit_entries("user:pat") if "units" in e.details],
            store.audit_entries("user:pat")[-1].details,
        )
    assert scoped_entry["units"] == ["Faculty of Physics", "Law"]
    assert lifted_entry["units"] == "all"
    empty = CliRunner().invoke(
        cli, ["users", "add", "pat", "--role", "viewer", "--units", " , ", "--sso", "--db", str(db)]
    )
    assert empty.exit_code == 1 and "name at least one unit" in empty.output


def test_a_scoped_account_sees_its_own_pre_screens_only(scoped, db: Path) -> None:
    """The committee side saw every pre-screen (its proposal, its PI); a unit-limited account
    sees those it made."""
    base, _ = scoped
    proposal = {
        "id": "prescreen:ps-9:project.created",
        "kind": "project.created",
        "source": {"system": "prescreen", "record_id": "ps-9"},
        "occurred_at": "2026-12-01T10:00:00Z",
        "project": {"id": "ps-9", "title": "Law proposal", "units": ["Faculty of Law"]},
    }
    result = {"reference": "ps-9", "triage": {"colour": "red"}, "findings": []}
    with Store.open(db) as store:
        prescreen = store.record_prescreen(
            proposal={"title": "Law proposal"},
            result=result | {"screened_against": []},
            events=[CollaborationEvent.model_validate(proposal)],
            actor="grant-officer",
            via="web",
        )
    viewer, everyone = _signed_in(base, "physics-viewer"), _signed_in(base, "viewer")
    assert "Law proposal" in everyone.get("/prescreen").text
    assert "Law proposal" not in viewer.get("/prescreen").text
    page = viewer.get(f"/prescreen/{prescreen}")
    assert page.status_code == 404 and "Law proposal" not in page.text


def _verdict(
    client: httpx.Client, case: int, org: str, verdict: str = "not-same"
) -> httpx.Response:
    form = case_form(client, case)
    data = {"form": "adjudicate", "list": "us_dod_1286", "entry": "1286-042", "country": "CN"}
    data |= {"organisation": org, "verdict": verdict, "reason": "different organisation, checked"}
    return client.post(f"/cases/{case}/adjudicate", data={**data, **form})


def test_a_verdict_names_a_match_of_its_own_case_only(scoped, db: Path) -> None:
    """Security review 2026-12-07, item 2: a unit-limited adviser silenced a DoD 1286 hit on
    another unit's case by posting that case's match through a case of its own."""
    base, ids = scoped
    _account(db, "physics-adviser", "adviser", "Faculty of Physics")
    adviser = _signed_in(base, "physics-adviser")
    r = _verdict(adviser, ids["physics"], "Beihang University", "same")  # the Law case's match
    assert r.status_code == 400 and "record a verdict on the case that holds it" in r.text
    _no_law(r.text)
    unscoped = _signed_in(base, "adviser")  # not even an account seeing every unit
    assert _verdict(unscoped, ids["physics"], "Beihang University").status_code == 400
    with Store.open(db) as store:
        (kept,) = [a for a in store.adjudications() if a.org_name == "Beihang University"]
        assert (kept.reason, kept.actor, kept.verdict) == (LAW_REASON, "adviser", "not-same")
    r = _verdict(adviser, ids["physics"], "Najing Univ. of Aeronautics & Astronautics")
    assert r.status_code == 303, r.text  # its own case's own match, held by no other unit


def test_a_scoped_verdict_that_would_reach_another_units_case_is_refused(scoped, db) -> None:
    base, ids = scoped
    same_org = event("law-2", "Najing Univ. of Aeronautics & Astronautics", "CN", with_match=True)
    body = same_org.model_dump(mode="json")
    body["project"] |= {"title": LAW_TITLE, "units": ["Faculty of Law"]}
    with Store.open(db) as store:
        store.record_subject(CollaborationEvent.model_validate(body))
        store.record_findings([finding("law-2")], {})
    _account(db, "physics-adviser", "adviser", "Faculty of Physics")
    adviser = _signed_in(base, "physics-adviser")
    r = _verdict(adviser, ids["physics"], "Najing Univ. of Aeronautics & Astronautics")
    assert r.status_code == 403 and "1 case(s) outside your units" in r.text
    _no_law(r.text)
    with Store.open(db) as store:
        assert not [a for a in store.adjudications() if a.org_name.startswith("Najing")]
    unscoped = _signed_in(base, "adviser")
    r = _verdict(unscoped, ids["physics"], "Najing Univ. of Aeronautics & Astronautics")
    assert r.status_code == 303
