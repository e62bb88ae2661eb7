"""A finding whose evidence changed is the same finding, updated in place with its history.

Reviewer, 2026-12-07: a scan after a partner was added to a project recorded every rule that
reads the partner list again as a *new* finding ("13 findings for 5 rules" on one case): the
fingerprint hashes all the evidence, so any change to it made another finding, another alert,
and reopened a decided case. A finding's identity is now its rule, its record and what it is
about (``Finding.about``: the organisations it names): other evidence updates it in place, with
what changed, when and by which scan in its history (``kvrules show``, the case page, the audit
log); it alerts, and reopens a decided case, only when it is more severe or names an
organisation it did not (a newly added listed partner alerts, once).

Real parts: a file export read by the file adapter, the CLI scans with the shipped rulebooks and
reference lists (Beihang University and Harbin Institute of Technology are on the shipped DoD
Section 1286 list), the SQLite store, the web app. Nothing listens on port 9: an alert queued is
counted, its delivery fails (counted too)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from kvrules import Evaluator
from kvrules.alerting import Alert
from kvrules.cli import cli
from kvrules.engine import load_rulebook
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.scan_helpers import json_report, scanned

TITLE = "Hypersonic flight control"
DELFT = {"name": "TU Delft", "country": "NL"}
BEIHANG = {"name": "Beihang University", "country": "CN"}
HARBIN = {"name": "Harbin Institute of Technology", "country": "CN"}
HARBIN_NAMED = "Harbin Institute of Technology (CN)"
PARTNER_RULES = {
    "eu-dual-use/annex-i-partner-in-embargoed-country",
    "eu-dual-use/annex-i-partner-outside-eu",
    "nl-leidraad/triage-red",
    "nl-leidraad/triage-amber",
    "us-dod-1286/project-partner-on-1286",
}


def _export(tmp_path: Path, version: int, partners: list[dict], title: str = TITLE) -> None:
    """The export holds the project as the RIS has it now (version ``version``)."""
    event = {
        "id": f"P1:v{version}",
        "kind": "project.created" if version == 1 else "project.updated",
        "occurred_at": f"2026-0{version}-01T00:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {"id": "P1", "title": title, "partners": partners},
    }
    (tmp_path / "export.jsonl").write_text(json.dumps(event) + "\n", encoding="utf-8")


def _config(tmp_path: Path) -> Path:
    _export(tmp_path, 1, [DELFT, BEIHANG])
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"home_country: NL\ndatabase: {tmp_path / 'kvrules.db'}\n"
        f"sources: {{file: {{adapter: file, settings: {{path: {tmp_path / 'export.jsonl'}}}}}}}\n"
        "alerts:\n  channels:\n    mail: {plugin: email, settings: {host: 127.0.0.1, port: 9,"
        " security: none, sender: k@localhost, to: [c@localhost]}}\n"
        "  routes: {committee: [mail], adviser: [mail], export-control: [mail]}\n",
        encoding="utf-8",
    )
    return config


def _scan(config: Path) -> dict:
    return json_report(scanned(config, "--json"))


def _findings(tmp_path: Path) -> dict[str, tuple[int, list[dict]]]:
    """rulebook/rule → (finding id, its changes), failing if a rule has two findings."""
    with Store.open(tmp_path / "kvrules.db") as store:
        [case] = store.cases(None)
        stored = store.case_findings(case.id)
    rules = [f"{s.finding.rulebook.id}/{s.finding.rule_id}" for s in stored]
    assert len(set(rules)) == len(rules), f"a rule found twice on one case: {sorted(rules)}"
    return {rule: (s.id, s.changes) for rule, s in zip(rules, stored, strict=True)}


def _ids(tmp_path: Path) -> dict[str, int]:
    """rulebook/rule → finding id, failing if a rule has two findings."""
    with Store.open(tmp_path / "kvrules.db") as store:
        [case] = store.cases(None)
        stored = store.case_findings(case.id)
    ids = {f"{s.finding.rulebook.id}/{s.finding.rule_id}": s.id for s in stored}
    assert len(ids) == len(stored), f"a rule found twice on one case: {sorted(ids)}"
    return ids


def _decide(tmp_path: Path, case_id: int, review_due: date | None = None) -> None:
    with Store.open(tmp_path / "kvrules.db") as store:
        if store.user("chair") is None:
            store.add_user("chair", "committee", None, actor="test")
        store.decide(case_id, "approve", "Low risk.", actor="chair", review_due=review_due)


def test_a_listed_partner_added_updates_each_finding_in_place_and_alerts_once(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    first = _scan(config)
    assert first["findings"] == 5 and first["alerts_queued"] > 0
    before = _ids(tmp_path)
    assert set(before) == PARTNER_RULES

    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    added = _scan(config)
    # old code: 5 new findings for the same 5 rules, and their alerts
    assert (added["findings"], added.get("findings_changed")) == (0, 5)
    assert added["alerts_queued"] > 0  # Harbin is new to the committee: it alerts
    assert _ids(tmp_path) == before
    after = _findings(tmp_path)
    _, [change] = after["us-dod-1286/project-partner-on-1286"]
    assert change["named"] == [HARBIN_NAMED] and change["event"] == "P1:v2"
    assert change["scan"].startswith("scan of file at ")
    assert any(
        said.startswith(f"partner {HARBIN_NAMED} is on the US DoD Section 1286 list, edition FY25")
        for said in change["evidence_added"]
    )

    # each alert says what changed first: the reader knew the finding already
    with Store.open(tmp_path / "kvrules.db") as store:
        queued = store.alerts()[-added["alerts_queued"] :]
    for row in queued:
        alert = Alert.model_validate(row.payload)
        assert all(item.change for item in alert.items)
        assert any("now also names Harbin" in item.said()[0] for item in alert.items)
        assert all(item.said()[0].startswith("Updated finding: ") for item in alert.items)

    again = _scan(config)  # the same record read again: nothing new, nothing changed
    assert (again["findings"], again["findings_changed"], again["alerts_queued"]) == (0, 0, 0)

    _export(tmp_path, 3, [DELFT, BEIHANG])  # Harbin leaves: kept in the history, no alert
    left = _scan(config)
    assert (left["findings"], left["findings_changed"], left["alerts_queued"]) == (0, 5, 0)
    _, [_, gone] = _findings(tmp_path)["us-dod-1286/project-partner-on-1286"]
    assert gone["no_longer_named"] == [HARBIN_NAMED] and "named" not in gone

    # `kvrules show` says what changed, when and by which scan (text and --json)
    shown = CliRunner().invoke(cli, ["show", "case:1", "--config", str(config), "--json"])
    assert shown.exit_code == 0, shown.output
    [listed] = [
        f for f in json.loads(shown.stdout)["findings"] if f["rule_id"] == "project-partner-on-1286"
    ]
    words = [c["in_words"] for c in listed["changes"]]
    assert "now also names Harbin Institute of Technology (CN)" in words[0]
    assert "scan of file at" in words[0]
    assert "no longer names Harbin Institute of Technology (CN)" in words[1]
    # the case history names each change's finding by its rule's title, the earlier ones too
    # (their entries name a fingerprint the finding no longer has)
    said = [h["in_words"] for h in json.loads(shown.stdout)["history"]]
    title = "updated the finding “A project partner is on the Section 1286 list” in place"
    assert sum(title in line for line in said) == 2, said
    assert not any("of rule" in line for line in said), said
    text = CliRunner().invoke(cli, ["show", "case:1", "--config", str(config)])
    assert text.exit_code == 0, text.output
    assert "changed:" in text.output and "now also names Harbin" in " ".join(text.output.split())
    history = [e for e in _audit(tmp_path) if e["action"] == "finding.changed"]
    assert len(history) == 10 and all(e["details"]["finding"] for e in history)


def test_a_partner_that_leaves_and_comes_back_is_named_again_and_alerts_no_one(
    tmp_path: Path,
) -> None:
    """Reviewer, 2026-12-07: a source that drops a partner and restores it ({A,B,H} → {A,B}
    → {A,B,H}) re-alerted and reopened the decided case on every return, as "names an
    organisation it did not" was read against the last version only; the committee had
    been told of Harbin at the first scan."""
    config = _config(tmp_path)
    _export(tmp_path, 1, [DELFT, BEIHANG, HARBIN])
    assert _scan(config)["alerts_queued"] > 0
    _decide(tmp_path, 1)
    before = _ids(tmp_path)
    for version in range(2, 6):  # Harbin leaves, comes back, leaves, comes back
        partners = [DELFT, BEIHANG] if version % 2 == 0 else [DELFT, BEIHANG, HARBIN]
        _export(tmp_path, version, partners)
        report = _scan(config)
        assert (report["findings"], report["findings_changed"]) == (0, 5), version
        assert (report["alerts_queued"], report["reopened_by_findings_cases"]) == (0, []), version
    with Store.open(tmp_path / "kvrules.db") as store:
        assert store.case(1).status == "decided"
        [listed] = [
            s for s in store.case_findings(1) if s.finding.rule_id == "project-partner-on-1286"
        ]
    assert _ids(tmp_path) == before
    back = listed.changes[1]
    assert back["named_again"] == [HARBIN_NAMED] and "named" not in back
    assert "named again: Harbin Institute of Technology (CN)" in listed.changes_in_words()[1]
    assert not any(
        e["details"].get("named") for e in _audit(tmp_path)[1:] if e["action"] == "finding.changed"
    )

    # the summary counts every finding updated in place, none of which alerted here
    _export(tmp_path, 6, [DELFT, BEIHANG])
    said = " ".join(scanned(config).output.split())
    assert "findings updated in place (alerting or not) │ 5" in said, said
    assert "alerts queued │ 0" in said, said

    # an organisation never named before still alerts, once, and reopens the case
    _export(
        tmp_path,
        7,
        [
            DELFT,
            BEIHANG,
            HARBIN,
            {"name": "Northwestern Polytechnical University", "country": "CN"},
        ],
    )
    report = _scan(config)
    assert report["alerts_queued"] > 0 and report["reopened_by_findings_cases"] == [1]


def test_unrelated_evidence_changing_updates_in_place_and_alerts_no_one(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _scan(config)
    _decide(tmp_path, 1)
    before = _ids(tmp_path)
    # the title now matches another sensitive area: each finding's evidence reads differently
    _export(tmp_path, 2, [DELFT, BEIHANG], title=f"{TITLE} and quantum sensing")
    changed = _scan(config)
    assert (changed["findings"], changed["alerts_queued"]) == (0, 0)
    assert changed.get("findings_changed") == 4  # project-partner-on-1286 reads no research area
    assert (changed["cases_reopened"], changed["reopened_by_findings_cases"]) == (0, [])
    assert _ids(tmp_path) == before
    with Store.open(tmp_path / "kvrules.db") as store:
        assert store.case(1).status == "decided"  # nothing new for the committee


def test_the_scan_names_cases_reopened_by_a_new_finding_and_by_review_date(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    _scan(config)
    with Store.open(tmp_path / "kvrules.db") as store:
        [case] = store.cases(None)
    _decide(tmp_path, case.id)
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    text = scanned(config)  # the text summary
    said = " ".join(text.output.split())
    assert "cases reopened: finding new or worse │ 1: case 1" in said, text.output
    assert "cases reopened: review date came │ 0" in said, text.output
    with Store.open(tmp_path / "kvrules.db") as store:
        assert store.case(case.id).status == "open"
    [reopened] = [e for e in _audit(tmp_path) if e["action"] == "case.reopened"]
    assert reopened["details"]["rule"].startswith(("eu-dual-use@", "nl-leidraad@", "us-dod-1286@"))
    [scan_entry] = [e for e in _audit(tmp_path) if e["action"] == "scan.reopened"]
    assert (scan_entry["details"]["by_new_findings"], scan_entry["details"]["for_review"]) == (
        [1],
        [],
    )

    # decided again, with a review date that has come: the next scan reopens it for review
    _decide(tmp_path, case.id, review_due=date(2020, 1, 1))
    report = _scan(config)
    assert report["reviews_reopened"] == 1 and report["reviews_reopened_cases"] == [1]
    assert (report["reopened_by_findings"], report["cases_reopened"]) == (0, 1)
    entries = [e for e in _audit(tmp_path) if e["action"] == "scan.reopened"]
    assert entries[-1]["details"]["for_review"] == [1]
    assert entries[-1]["details"]["by_new_findings"] == []


def test_a_decided_case_reopened_by_an_updated_finding_says_which_and_what_was_decided(
    tmp_path: Path,
) -> None:
    """Reviewer (committee week), 2026-12-07: a decided case reopened as a listed partner was
    added said "reopened the case: a new finding arrived after the decision" — no new finding
    had arrived, an existing one was updated to name the partner — and its alerts never said
    the committee had decided the case. Now the history names the finding, what it now names
    and the decision with its day; the alert says which decision it reopens."""
    config = _config(tmp_path)
    # far from UTC: the day of the decision is said as the institution has it (code review:
    # the UTC day was said, the day before or after the site's for hours of each day)
    config.write_text(config.read_text() + "time_zone: Pacific/Kiritimati\n")
    _scan(config)
    _decide(tmp_path, 1)
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    with sqlite3.connect(tmp_path / "kvrules.db") as conn:
        [(decided_at,)] = conn.execute("SELECT at FROM decisions").fetchall()
    conn.close()
    decided_on = datetime.fromisoformat(decided_at).astimezone(kiritimati).date().isoformat()
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    report = _scan(config)
    assert report["reopened_by_findings_cases"] == [1]

    [reopened] = [e for e in _audit(tmp_path) if e["action"] == "case.reopened"]
    assert reopened["details"]["because"] == "updated"
    assert reopened["details"]["decision"] == "approve"
    assert reopened["details"]["change"]["named"] == [HARBIN_NAMED]

    shown = CliRunner().invoke(cli, ["show", "case:1", "--config", str(config), "--json"])
    assert shown.exit_code == 0, shown.output
    said = [h["in_words"] for h in json.loads(shown.stdout)["history"]]
    [line] = [s for s in said if s.startswith("reopened the case")]
    assert f"reopened the case, decided on {decided_on} (approve): the finding “" in line, line
    assert f"changed: now also names {HARBIN_NAMED}" in line, line
    assert "a new finding" not in line  # old code: "a new finding arrived after the decision"

    with Store.open(tmp_path / "kvrules.db") as store:
        queued = store.alerts()[-report["alerts_queued"] :]
    for row in queued:
        items = Alert.model_validate(row.payload).items
        lines = [ln for item in items for ln in item.named(None, None, "NL", kiritimati).said()]
        reopens = [ln for ln in lines if ln.startswith("This reopens")]
        assert reopens == [
            f"This reopens case 1, which the committee had decided on {decided_on} (approve)."
        ], lines


def test_a_reopening_by_a_new_finding_or_of_a_closed_case_is_said_as_such() -> None:
    from kvrules.history import Words, sentence
    from kvrules.plain import reopened_in_words
    from kvrules.store import AuditEntry

    def said(details: dict) -> str:
        entry = AuditEntry(
            id=1,
            at="2026-12-07T10:00:00+00:00",
            actor="kvrules",
            action="case.reopened",
            subject="case:3",
            details=details,
            prev_hash="",
            hash="",
        )
        titles = {"fp": "Partner on the 1286 list"}
        return sentence(entry, Words(titles=titles, time_zone=ZoneInfo("Europe/Amsterdam")))

    # 23:30 UTC on 1 November is 2 November in Amsterdam: the institution's day is said
    new = {
        "because": "new",
        "fingerprint": "fp",
        "decision": "reject",
        "decided_at": "2026-11-01T23:30:00+00:00",
    }
    assert said(new) == (
        "reopened the case, decided on 2026-11-02 (reject): a new finding “Partner on the 1286"
        " list” arrived"
    )
    assert said({"because": "new", "fingerprint": "fp"}) == (
        "reopened the closed case: a new finding “Partner on the 1286 list” arrived"
    )
    # entries written before the reason was kept: no claim it was a new finding
    assert said({"record": "pure/P1"}) == (
        "reopened the case: a new or escalated finding arrived after the decision"
    )
    assert reopened_in_words({"because": "new"}, 3) == "This reopens case 3, which had been closed."


def test_a_store_of_the_previous_schema_keeps_its_finding_ids(tmp_path: Path) -> None:
    """A database made before findings kept their history (schema 16: no ``changes``
    column), upgraded by ``kvrules db upgrade``: its findings keep their ids and are updated
    in place by the next scan."""
    config = _config(tmp_path)
    _scan(config)
    before = _ids(tmp_path)
    db = tmp_path / "kvrules.db"
    with sqlite3.connect(db) as conn:  # what the previous release left
        conn.execute("ALTER TABLE findings DROP COLUMN changes")
        conn.execute("ALTER TABLE cases DROP COLUMN findings_changed_at")  # schema 19
        conn.execute("DELETE FROM schema_version WHERE version > 16")
    conn.close()  # `with` commits only: an upgrade refuses while a connection has it open
    assert Store.schema_of(db)[0] == 16
    upgraded = CliRunner().invoke(cli, ["db", "upgrade", "--db", str(db)])
    assert upgraded.exit_code == 0, upgraded.output
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    report = _scan(config)
    assert (report["findings"], report["findings_changed"]) == (0, 5)
    assert _ids(tmp_path) == before
    after = _findings(tmp_path)
    assert all(changes[-1]["named"] == [HARBIN_NAMED] for _, changes in after.values())


def _audit(tmp_path: Path) -> list[dict]:
    with Store.open(tmp_path / "kvrules.db") as store:
        return [
            {"action": e.action, "subject": e.subject, "details": e.details}
            for e in store.audit_entries()
        ]


def test_the_case_page_shows_what_changed_in_a_finding(tmp_path: Path) -> None:
    from tests.web.web_helpers import PASSWORD_HASH, app_for, login

    config = _config(tmp_path)
    _scan(config)
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    _scan(config)
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        store.add_user("viewer", "viewer", PASSWORD_HASH, actor="test")
    client = app_for(db)
    assert login(client, "viewer").status_code == 200
    page = client.get("/cases/1")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Changed since it was found:" in text
    assert "now also names Harbin Institute of Technology (CN)" in text
    # the case's history says it in words, by the finding's rule title
    assert "updated the finding “A project partner is on the Section 1286 list” in place" in text


def test_a_proposed_decision_is_not_approved_over_a_newly_named_partner(tmp_path: Path) -> None:
    """Four-eyes: the proposer did not see a partner named after the proposal. Before, a new
    finding (``finding.recorded``) told; the finding updated in place must tell too."""
    config = _config(tmp_path)
    _scan(config)
    with Store.open(tmp_path / "kvrules.db") as store:
        for name in ("chair", "second"):
            store.add_user(name, "committee", None, actor="test")
        proposed = store.propose_decision(1, "approve", "Low risk.", actor="chair")
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    assert _scan(config)["findings"] == 0
    with Store.open(tmp_path / "kvrules.db") as store:
        with pytest.raises(ValueError, match="a finding was recorded after this decision"):
            store.approve_decision(proposed.id, actor="second")
        assert store.case(1).status != "decided"


def _added(kind: str, n: int, name: str, lists: list[str]) -> CollaborationEvent:
    """A partner.added / funder.added event of project P1 (its one organisation's lists as
    the enrichment sets them)."""
    role = kind.split(".")[0]
    return CollaborationEvent.model_validate(
        {
            "id": f"P1:e{n}",
            "kind": kind,
            "occurred_at": f"2026-01-0{n}T00:00:00Z",
            "source": {"system": "pure", "record_id": "P1"},
            "project": {"id": "P1", "title": TITLE, "partners": []},
            role: {"name": name, "country": "CN", "lists": lists},
        }
    )


@pytest.mark.parametrize(
    ("rulebook", "kind", "rule"),
    [
        ("us-dod-1286", "partner.added", "partner-on-1286"),
        ("us-dod-1286", "funder.added", "funder-on-1286"),
        ("restricted-parties", "partner.added", "partner-on-restricted-party-list"),
    ],
)
def test_another_organisation_added_by_an_event_is_a_new_finding(
    tmp_path: Path, rulebook: str, kind: str, rule: str
) -> None:
    """Reviewer, 2026-12-07: a rule reading the one ``partner`` / ``funder`` of an event names
    no list element, so ``Finding.about`` was empty on both sides and Harbin, added after
    Beihang, was merged into Beihang's finding of the decided case: no new finding, no
    alert, the case left decided, a history naming no one."""
    book = load_rulebook(Path(__file__).parent.parent / "rulebooks" / f"{rulebook}.yaml")
    routes = {"adviser": ["mail"], "committee": ["mail"], "export-control": ["xc"]}
    with Evaluator([book]) as evaluator, Store.open(tmp_path / "k.db") as store:

        def record(event: CollaborationEvent) -> list:
            found = [f for f in evaluator.evaluate(event) if f.rule_id == rule]
            assert found, f"{rule} did not fire on {event.id}"
            return store.record_findings(found, routes)

        [first] = record(_added(kind, 1, "Beihang University", ["us_csl", "us_dod_1286"]))
        assert first.new and first.alert_ids
        store.add_user("chair", "committee", None, actor="test")
        store.decide(first.case_id, "approve", "Low risk.", actor="chair")
        harbin = _added(kind, 2, "Harbin Institute of Technology", ["uk_sanctions", "us_dod_1286"])
        [second] = record(harbin)
        assert (second.new, second.changed, second.case_event) == (True, False, "reopened")
        assert second.alert_ids and second.finding_id != first.finding_id
        assert store.case(first.case_id).status == "open"
        stored = store.case_findings(first.case_id)
        assert [s.changes for s in stored] == [[], []]  # Beihang's finding untouched


def test_evidence_that_reads_the_same_is_neither_added_nor_gone(tmp_path: Path) -> None:
    """Review: a title that now matches another research area changed the areas behind
    "research area: EU dual-use Annex I category 9" (the one the rule tests), so the history
    said "evidence added: research area: EU dual-use Annex I category 9; evidence no longer
    seen: research area: EU dual-use Annex I category 9". Compared as people read it."""
    config = _config(tmp_path)
    _scan(config)
    _export(tmp_path, 2, [DELFT, BEIHANG], title=f"{TITLE} and quantum sensing")
    assert _scan(config).get("findings_changed") == 4
    for rule, (_, changes) in _findings(tmp_path).items():
        for change in changes:
            both = set(change.get("evidence_added", ())) & set(change.get("evidence_removed", ()))
            assert not both, (rule, both)
    [annex] = _findings(tmp_path)["eu-dual-use/annex-i-partner-outside-eu"][1]
    assert "evidence_added" not in annex and "evidence_removed" not in annex


def test_a_list_hit_added_to_or_gone_from_the_triage_says_its_edition(tmp_path: Path) -> None:
    """Review (data honesty: every hit says list@edition): the Leidraad triage's red, updated
    in place as Harbin joined, said "evidence added: partner Harbin … is on the US DoD Section
    1286 list" with no edition, in its history, the case page and the alert; the finding's
    own evidence named it. Said as the list entry was found, when it came and when it left."""
    config = _config(tmp_path)
    _scan(config)
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    _scan(config)
    _export(tmp_path, 3, [DELFT, BEIHANG])
    _scan(config)
    _, [came, left] = _findings(tmp_path)["nl-leidraad/triage-red"]
    hit = f"partner {HARBIN_NAMED} is on the US DoD Section 1286 list, edition FY25, listed as "
    [added] = [s for s in came["evidence_added"] if "1286" in s]
    [removed] = [s for s in left["evidence_removed"] if "1286" in s]
    assert added.startswith(hit) and removed.startswith(hit)
    # the country is said once: "is outside the EU (CN)" says "is in CN"
    _, [outside, _] = _findings(tmp_path)["eu-dual-use/annex-i-partner-outside-eu"]
    assert outside["evidence_added"] == [f"partner {HARBIN_NAMED} is outside the EU (CN)"]


def test_a_us_site_reads_what_changed_in_its_own_words(tmp_path: Path) -> None:
    """Review: the evidence a change added was kept and said in the engine's words: a US
    site's history, ``kvrules show`` and the alert's "Updated finding" line said "its country
    is under an EU arms embargo" without what its evidence says beside it (an EU measure, not
    one of the United States), though the finding's own evidence said it."""
    from kvrules.alerting import Alert
    from kvrules.history import case_words, sentence

    config = _config(tmp_path)
    text = config.read_text(encoding="utf-8").replace("home_country: NL", "home_country: US")
    config.write_text(text + "apply_outside_jurisdiction: [eu-dual-use]\n", encoding="utf-8")
    _scan(config)
    _export(tmp_path, 2, [DELFT, BEIHANG, HARBIN])
    _scan(config)
    embargo = "its country is under an EU arms embargo"
    note = "not a measure of the United States"
    shown = CliRunner().invoke(cli, ["show", "1", "--config", str(config), "--json"])
    assert shown.exit_code == 0, shown.output
    case = json.loads(shown.stdout)
    changes = [c["in_words"] for f in case["findings"] for c in f["changes"]]
    said = [c for c in changes if embargo in c]
    assert said and all(note in c for c in said), changes
    updated = [h["in_words"] for h in case["history"] if h["action"] == "finding.changed"]
    assert any(embargo in h and note in h for h in updated), updated
    with Store.open(tmp_path / "kvrules.db") as store:
        [stored] = store.cases(None)
        subject = store.subject(stored.source_system, stored.record_id)
        payloads = [a.payload for a in store.alerts()]
        words = case_words((s.finding for s in store.case_findings(1)), subject, (), "US")
        history = [sentence(e, words) for e in store.audit_entries("case:1")]
    assert any(embargo in h and note in h for h in history)
    items = [
        item.named(subject, None, "US")
        for payload in payloads
        for item in Alert.model_validate(payload).items
        if item.change
    ]
    lines = [item.said()[0] for item in items if embargo in (item.change or "")]
    assert lines and all(line.startswith("Updated finding: ") and note in line for line in lines)
