"""A person's requests find whole names only, everywhere a name is stored, folded the same way
(GDPR/ethics review of 0.3.0, 2026-12-07, items 1-4 and 9). The reviewer reproduced: erasing
"Chen Li" rewrote "Chen Lingyun" into "(erased person …)ngyun"; exporting "Ali" listed an entry
quoting "valid"; the case page's History still showed an erased name; partners and co-author
affiliations named like people ("Wei Zhang", "Dr. Reza Ahmadi", "Sergei Ivanov") were stored
in the record, findings and mails but found by neither command; "IŞIK İSMAİL" was not found
by the same name in lower case, nor a name in NFD by the same in NFC, nor account "alice" by "Alice"; the
export was written 0644. The names are made up (the reviewer's scratch records)."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.store.folding import fold
from kvrules.store.namematch import find_name, replace_name
from tests.scan_helpers import file_export_config, project_event, scanned
from tests.web.web_helpers import event, finding


@pytest.mark.parametrize(
    ("text", "name", "found"),
    [
        ("Chen Lingyun approved", "Chen Li", []),
        ("the entry is valid", "Ali", []),
        ("Ali Khamenei (IR)", "Ali", []),  # another person: a capitalised word beside it
        ("Ahmad bin Abdullah", "Abdullah", []),
        ("al-Rashid", "Rashid", []),
        ("陈丽华 visited", "陈丽", []),  # a longer run of Han characters: another name
        ("Dr. Reza Ahmadi", "reza  AHMADI", [(4, 15)]),
        ("张伟 (Zhang Wei)", "张伟", [(0, 2)]),
        ("met Chen Li's group", "Chen Li", [(4, 11)]),
        ("Spoke with Ольга Смирнова today", "ольга смирнова", [(11, 25)]),
        ("IŞIK İSMAİL", "Işık İsmail", [(0, 11)]),
    ],
)
def test_a_name_is_found_whole_only(text: str, name: str, found: list) -> None:
    assert find_name(text, name) == found


def test_unicode_forms_and_the_turkish_i_fold_alike() -> None:
    nfd = unicodedata.normalize("NFD", "Decided with José Martínez.")
    assert replace_name(nfd, "José Martínez", "X") == "Decided with X."
    assert fold("IŞIK İSMAİL") == fold("Işık İsmail") == "işik ismail"
    assert replace_name("Straße", "strasse", "X") == "X"  # ß folds to ss, a whole word still


def _led_by(record_id: str, name: str) -> CollaborationEvent:
    body = event(record_id, "Beihang University", "CN", with_match=True).model_dump(mode="json")
    body["project"]["participants"] = [{"role": "pi", "display_name": name}]
    return CollaborationEvent.model_validate(body)


def test_erasure_changes_no_other_persons_text(store: Store) -> None:
    store.record_subject(_led_by("p-1", "Chen Li"))
    store.record_subject(_led_by("p-2", "Chen Lingyun"))
    store.record_findings([finding("p-1")], {})
    case = store.case_for("pure", "p-1")
    assert case is not None
    store.decide(
        case.id,
        "approve",
        "Chen Lingyun checked the lab; Chen Li agrees. The screening is valid.",
        actor="chair",
    )
    found = store.person_data("Ali", actor="dpo")  # "valid" is no Ali
    assert found.texts == [] and found.audit_entries == []
    done = store.erase_person("chen li", actor="dpo", apply=True)
    (d,) = store.decisions(case.id)
    assert d.rationale == (
        f"Chen Lingyun checked the lab; {done.pseudonym} agrees. The screening is valid."
    )
    other = store.subject("pure", "p-2")["project"]["participants"][0]  # type: ignore[index]
    assert other["display_name"] == "Chen Lingyun"


def test_the_case_history_shows_the_pseudonym_and_the_chain_still_verifies(
    store: Store, db_path: Path
) -> None:
    """The triage note, mitigation owner and rationale typed on the case page are in the
    audit log the History is drawn from: the erasure rewrites them and seals each."""
    store.record_subject(_led_by("p-3", "Ольга Смирнова"))
    store.record_findings([finding("p-3")], {})
    case = store.case_for("pure", "p-3")
    assert case is not None
    store.decide(
        case.id,
        "approve-with-mitigations",
        "Ольга Смирнова to keep NUDT out of the lab",
        actor="alice",
        mitigations=[("Brief Ольга Смирнова on export control", "Ольга Смирнова", None)],
    )
    done = store.erase_person("ольга смирнова", actor="dpo", apply=True)
    store.compact()
    history = json.dumps([e.details for e in store.audit_entries(f"case:{case.id}")])
    assert "Смирнова" not in history and done.pseudonym in history
    assert store.verify_audit() == []
    assert "Смирнова" not in _text_in(db_path), [str(p) for p in store.verify_audit()]
    # a rewritten entry is checked against its seal: changing it is found as before
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    (rewritten,) = [int(i) for i in _seals(store)][:1]
    conn.execute(
        "UPDATE audit_log SET details = replace(details, 'NUDT', 'nobody') WHERE id = ?",
        (rewritten,),
    )
    conn.commit()
    conn.close()
    assert [p.row_id for p in store.verify_audit()] == [rewritten]


def _seals(store: Store) -> dict[str, str]:
    (erased,) = [e for e in store.audit_entries() if e.action == "privacy.erased"]
    return erased.details["audit_entries_rewritten"]


def _text_in(path: Path) -> str:
    """The database file and its WAL as text, JSON's \\u escapes read too."""
    raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()).decode(
        "utf-8", "replace"
    )
    return raw + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)


def test_partners_and_affiliations_read_as_people_are_exported_and_erased_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scanned as the reviewer did: the names are in the record, the findings' evidence and
    the queued mails; export finds each, erasure leaves none on disk, and a full rescan of the
    same records stores the pseudonym again."""
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    project = project_event(
        "p-4",
        title="Cryptography consultancy",
        keywords=["post-quantum cryptography"],
        partners=[
            {"name": "Wei Zhang", "country": "CN"},
            {"name": "Dr. Reza Ahmadi", "country": "IR"},
        ],
    )
    output = {
        "id": "o-1:v1",
        "kind": "output.published",
        "occurred_at": "2026-11-04T00:00:00Z",
        "source": {"system": "file", "record_id": "o-1"},
        "output": {
            "id": "o-1",
            "title": "Robust control of swarms",
            "keywords": ["swarm robotics"],
            "affiliations": [
                {"name": "National University of Defense Technology", "country": "CN"},
                {"name": "Sergei Ivanov", "country": "RU"},
            ],
        },
    }
    config = file_export_config(tmp_path, project, output)
    with config.open("a", encoding="utf-8") as f:  # mails queued (never sent: port 1)
        f.write(
            "alerts: {channels: {mail: {plugin: email, settings: {host: 127.0.0.1, port: 1,"
            " security: none, sender: k@example.edu, to: [s@example.edu]}}},"
            " routes: {committee: [mail], adviser: [mail], export-control: [mail],"
            " grant-office: [mail]}}\n"
        )
    scanned(config)
    db = tmp_path / "kvrules.db"
    runner = CliRunner()
    tables = {}
    for name in ("Wei Zhang", "Reza Ahmadi", "Sergei Ivanov"):
        said = runner.invoke(cli, ["privacy", "export", "--person", name, "--config", str(config)])
        assert said.exit_code == 0, said.output
        tables[name] = {t["table"] for t in json.loads(said.stdout)["texts"]}
    assert tables["Wei Zhang"] == {"record_subjects", "findings", "alert_outbox"}
    assert tables["Reza Ahmadi"] >= {"record_subjects"}
    assert tables["Sergei Ivanov"] >= {"record_subjects"}
    for name in ("Wei Zhang", "Reza Ahmadi", "Sergei Ivanov"):
        args = ["privacy", "erase", "--person", name, "--config", str(config), "--apply"]
        erased = runner.invoke(cli, args)
        assert erased.exit_code == 0, erased.output
    for name in ("Wei Zhang", "Reza Ahmadi", "Sergei Ivanov"):
        assert name not in _text_in(db)
    scanned(config, "--full")
    for name in ("Wei Zhang", "Reza Ahmadi", "Sergei Ivanov"):
        assert name not in _text_in(db)


def test_accounts_and_names_are_found_in_any_case_spacing_and_form(tmp_path: Path) -> None:
    path = tmp_path / "kvrules.db"
    with Store.open(path) as store:
        store.add_user("alice", "committee", "correct-horse-battery-42", actor="admin")
        store.record_subject(_led_by("p-5", "IŞIK İSMAİL"))
        store.record_subject(_led_by("p-6", unicodedata.normalize("NFD", "José Martínez")))
        assert store.person_data("Alice", actor="dpo").account is not None
        assert store.person_data(" alice ", actor="dpo").account is not None
        assert [r["record_id"] for r in store.person_data("Işık İsmail", actor="d").records] == [
            "p-5"
        ]
        nfc = unicodedata.normalize("NFC", "José Martínez")
        assert [r["record_id"] for r in store.person_data(nfc, actor="d").records] == ["p-6"]


def test_the_export_file_is_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "kvrules.db"
    with Store.open(path) as store:
        store.record_subject(_led_by("p-1", "Mei Sharma"))
    out = tmp_path / "held.json"
    args = ["privacy", "export", "--person", "Mei Sharma", "--db", str(path), "--out", str(out)]
    said = CliRunner().invoke(cli, args)
    assert said.exit_code == 0, said.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["records"] == 1
