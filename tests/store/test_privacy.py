"""A data subject's requests (committee review, item 1): no command answered an erasure or
access request; PIs' names were kept as long as the project stayed in the RIS."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.store.casesearch import CaseQuery
from tests.web.web_helpers import event, finding

NAME = "Mei Sharma"


def _led_by(record_id: str, name: str) -> CollaborationEvent:
    body = event(record_id, "Beihang University", "CN", with_match=True).model_dump(mode="json")
    body["project"]["participants"] = [{"role": "pi", "display_name": name}]
    return CollaborationEvent.model_validate(body)


def _committee_db(store: Store) -> int:
    """Two projects led by Mei Sharma (one with a case), one by someone else; a decision
    whose rationale names her, a mitigation owned by her."""
    for rid, lead in (("p-1", NAME), ("p-2", "mei  SHARMA"), ("p-3", "Ahmed Karimi")):
        store.record_subject(_led_by(rid, lead))
    store.record_findings([finding("p-1")], {})
    case = store.case_for("pure", "p-1")
    assert case is not None
    store.decide(
        case.id,
        "approve-with-mitigations",
        "Mei Sharma confirmed the lab is civil.",
        actor="chair",
        mitigations=[("Annual export-control review", "M. Sharma's office", None)],
    )
    store.add_mitigation(case.id, "Brief the partner", "mei sharma", None, actor="chair")
    return case.id


def _stored_text(path: Path) -> bytes:
    data = path.read_bytes()
    for extra in ("-wal", "-shm"):
        if (p := Path(f"{path}{extra}")).exists():
            data += p.read_bytes()
    return data


def test_an_access_request_lists_what_is_held_and_is_audited_without_the_name(
    store: Store,
) -> None:
    cid = _committee_db(store)
    found = store.person_data("MEI sharma", actor="dpo", reference="DPO-17")
    assert sorted(r["record_id"] for r in found.records) == ["p-1", "p-2"]
    assert {r["case_id"] for r in found.records} == {cid, None}
    texts = {(t["table"], t["field"]) for t in found.texts}
    assert texts == {("decisions", "rationale"), ("mitigations", "owner")}
    assert len(found.audit_entries) >= 1  # the decision's entry quotes the rationale
    (entry,) = [e for e in store.audit_entries() if e.action == "privacy.exported"]
    assert entry.details["request"] == "DPO-17" and entry.details["records"] == 2
    assert "sharma" not in json.dumps(entry.details).casefold()


def test_a_pre_screen_naming_the_person_is_erased_in_what_was_asked_and_kept(
    store: Store,
) -> None:
    """A grant officer's pre-screen keeps the proposal as typed and the event it became."""
    typed = {"title": "Hypersonic test", "pi": "Mei Sharma"}
    event = _led_by("ps-1", NAME).model_dump(mode="json")
    event["source"] = {"system": "prescreen", "record_id": "ps-1"}
    screened = store.record_prescreen(
        proposal=typed,
        result={
            "reference": "ps-1",
            "triage": {"colour": "red"},
            "findings": [],
            "screened_against": [],
        },
        events=[CollaborationEvent.model_validate(event)],
        actor="grant-officer",
        via="web",
    )
    found = store.person_data(NAME, actor="dpo")
    fields = {(t["table"], t["field"]) for t in found.texts}
    assert {("prescreens", "proposal"), ("prescreens", "events")} <= fields
    done = store.erase_person(NAME, actor="dpo", apply=True)
    kept = store.prescreen(screened)
    assert kept is not None and kept.proposal["pi"] == done.pseudonym
    assert "sharma" not in json.dumps(kept.events).casefold()


def test_erasure_is_a_dry_run_unless_applied(store: Store) -> None:
    _committee_db(store)
    head = store.audit_head()
    done = store.erase_person(NAME, actor="dpo")
    assert not done.applied and len(done.found.records) == 2
    assert store.audit_head() == head
    assert len(store.person_data(NAME, actor="dpo").records) == 2


def test_erasure_replaces_the_name_keeps_the_chain_and_outlasts_a_rescan(
    store: Store, db_path: Path
) -> None:
    cid = _committee_db(store)
    quoting = [
        e.id for e in store.audit_entries() if "mei sharma" in json.dumps(e.details).casefold()
    ]
    done = store.erase_person(NAME, actor="dpo", apply=True, reference="DPO-17")
    store.compact()
    pseudonym = done.pseudonym
    assert pseudonym.startswith("(erased person ")
    lead = store.subject("pure", "p-1")["project"]["participants"][0]  # type: ignore[index]
    assert lead["display_name"] == pseudonym
    other = store.subject("pure", "p-3")["project"]["participants"][0]  # type: ignore[index]
    assert other["display_name"] == "Ahmed Karimi"  # nobody else's name touched
    (d,) = store.decisions(cid)
    assert d.rationale == f"{pseudonym} confirmed the lab is civil."
    # the name as the RIS gives it is matched, in any case and spacing; not initials
    owners = sorted(m.owner for m in store.mitigations(cid))
    assert owners == sorted(["M. Sharma's office", pseudonym])
    _, hits = store.search_cases(CaseQuery(text="sharma"), limit=0)
    assert hits == 0
    # the chain is intact, the erasure is in it without the name, quoting entries are listed
    assert store.verify_audit() == []
    (erased,) = [e for e in store.audit_entries() if e.action == "privacy.erased"]
    assert erased.details["pseudonym"] == pseudonym and erased.details["request"] == "DPO-17"
    assert erased.details["records"] == 2
    assert sorted(map(int, erased.details["audit_entries_rewritten"])) == quoting
    assert "sharma" not in json.dumps(erased.details).casefold()
    # the entries that quoted her now hold the pseudonym, sealed: the chain still verifies
    shown = json.dumps([e.details for e in store.audit_entries() if e.id in quoting])
    assert "sharma" not in shown.casefold() and pseudonym in shown
    # the RIS still sends the name: the next scan stores the pseudonym
    store.record_subject(_led_by("p-1", "Mei Sharma"))
    store.record_subject(_led_by("p-9", "MEI SHARMA"))
    for rid in ("p-1", "p-9"):
        lead = store.subject("pure", rid)["project"]["participants"][0]  # type: ignore[index]
        assert lead["display_name"] == pseudonym
    # erasure is erasure: not even the audit entries hold the name on disk
    raw = _stored_text(db_path).decode("utf-8", "replace").casefold()
    assert len(quoting) == 2 and raw.count("mei sharma") == 0


def test_the_cli_erases_after_a_dry_run_and_refuses_no_name(tmp_path: Path) -> None:
    path = tmp_path / "kvrules.db"
    with Store.open(path) as store:
        _committee_db(store)
    runner = CliRunner()
    dry = runner.invoke(cli, ["privacy", "erase", "--person", NAME, "--db", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "2 record(s) and 2 other stored text(s)" in dry.output and "dry run" in dry.output
    applied = runner.invoke(
        cli, ["privacy", "erase", "--person", NAME, "--db", str(path), "--apply", "--json"]
    )
    assert applied.exit_code == 0, applied.output
    said = json.loads(applied.output)
    assert said["applied"] and said["records"] == 2
    verify = runner.invoke(cli, ["audit", "verify", "--db", str(path)])
    assert verify.exit_code == 0 and "intact" in verify.output
    export = runner.invoke(cli, ["privacy", "export", "--person", NAME, "--db", str(path)])
    assert json.loads(export.output)["counts"]["records"] == 0
    blank = runner.invoke(cli, ["privacy", "erase", "--person", "  ", "--db", str(path)])
    assert blank.exit_code == 1
    assert blank.output.strip().splitlines() == ["Error: name the person whose data to erase"]
