"""An erasure's seals vouch only for what that erasure rewrote (review of the privacy change,
item 1): any entry whose content matched a seal in any ``privacy.erased`` entry passed
``audit verify``, a seal appended later through ``Store.audit_entries_made`` included, so a
decision rewritten reject → approve verified clean against a head published before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.store import audit as A
from kvrules.store.migrations import AUDIT_NO_UPDATE
from tests.web.web_helpers import event, finding

FORGED = {"decision": "approve", "rationale": "no concern"}


def _decided_then_anchored(path: Path) -> tuple[int, str]:
    with Store.open(path, create=True, say=lambda s: None) as s:
        s.audit_entries_made(
            [
                (
                    "2026-01-01T00:00:00Z",
                    "chair",
                    "case.decided",
                    "case:7",
                    {"decision": "reject", "rationale": "military end user"},
                ),
                ("2026-01-02T00:00:00Z", "dpo", "x.other", "x", {}),
            ]
        )
        return s.audit_head()


def _rewrite_entry_1(path: Path, details: dict) -> sqlite3.Connection:
    """What someone with write access to the file can do, without recomputing the chain."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET details = ? WHERE id = 1", (A.canonical_json(details),))
    conn.execute(AUDIT_NO_UPDATE)
    conn.commit()
    return conn


def _forged_seal(conn: sqlite3.Connection, details: dict) -> dict[str, str]:
    r = conn.execute("SELECT * FROM audit_log WHERE id = 1").fetchone()
    body = A._body(1, r["at"], r["actor"], r["action"], r["subject"], details)
    return {"1": A.seal(body, r["hash"])}


def test_an_erasure_entry_cannot_be_appended_through_the_public_api(tmp_path: Path) -> None:
    path = tmp_path / "kv.db"
    _decided_then_anchored(path)
    with Store.open(path, say=lambda s: None) as s:
        made = [("2026-12-07T15:00:00Z", "x", A.ERASED_ACTION, "privacy:x", {})]
        with pytest.raises(ValueError, match="erase_person only"):
            s.audit_entries_made(made)
        with pytest.raises(ValueError, match="erase_person only"):
            s.audit("x", A.ERASED_ACTION, "privacy:x", {})
        assert s.audit_head()[0] == 2


def test_a_forged_seal_in_the_chain_is_flagged_against_an_older_anchor(tmp_path: Path) -> None:
    """The forger appends a correctly chained erasure entry (file access: the chain is no
    secret). Without an anchor the rewrite is listed; with one, it is a problem."""
    path = tmp_path / "kv.db"
    anchor = _decided_then_anchored(path)
    conn = _rewrite_entry_1(path, FORGED)
    seals = _forged_seal(conn, FORGED)
    A.append(conn, "2026-12-07T15:00:00Z", "x", A.ERASED_ACTION, "privacy:x", {A.SEALS_KEY: seals})
    conn.commit()
    conn.close()
    with Store.open(path, say=lambda s: None) as s:
        assert s.verify_audit() == []
        assert s.audit_rewritten_by_erasure() == [(1, 3)]
        problems = s.verify_audit(anchor)
    assert [(p.row_id, "rewritten by erasure 3" in p.problem) for p in problems] == [(1, True)]
    run = CliRunner().invoke(
        cli, ["audit", "verify", "--db", str(path), "--head", f"{anchor[0]}:{anchor[1]}"]
    )
    assert run.exit_code == 1
    assert "row 1 rewritten by erasure 3" in run.output


def test_a_seal_counts_only_from_an_erasure_whose_own_hash_checks(tmp_path: Path) -> None:
    """An existing entry turned into an erasure after the fact: its own hash fails, so its
    seal vouches for nothing and the rewritten entry is found too."""
    path = tmp_path / "kv.db"
    _decided_then_anchored(path)
    conn = _rewrite_entry_1(path, FORGED)
    seals = _forged_seal(conn, FORGED)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute(
        "UPDATE audit_log SET action = ?, details = ? WHERE id = 2",
        (A.ERASED_ACTION, A.canonical_json({A.SEALS_KEY: seals})),
    )
    conn.execute(AUDIT_NO_UPDATE)
    conn.commit()
    conn.close()
    with Store.open(path, say=lambda s: None) as s:
        assert sorted({p.row_id for p in s.verify_audit()}) == [1, 2]
        assert s.audit_rewritten_by_erasure() == []


def test_a_seal_of_an_entry_not_older_than_the_erasure_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "kv.db"
    with Store.open(path, create=True, say=lambda s: None) as s, s._db.transaction() as c:
        A.append(c, "2026-12-07T15:00:00Z", "x", A.ERASED_ACTION, "p", {A.SEALS_KEY: {"1": "0"}})
    with Store.open(path, say=lambda s: None) as s:
        (problem,) = s.verify_audit()
    assert problem.row_id == 1 and "not older than itself" in problem.problem


def test_a_sealed_entry_whose_time_or_actor_changed_is_found(store: Store, db_path: Path) -> None:
    store.record_findings([finding("p-1")], {})
    case = store.case_for("pure", "p-1")
    assert case is not None
    store.decide(case.id, "reject", "Chen Li reported the end user", actor="chair")
    done = store.erase_person("Chen Li", actor="dpo", apply=True)
    rewritten = store.audit_rewritten_by_erasure()
    assert rewritten and {by for _, by in rewritten} == {done.audit_id}
    assert store.verify_audit() == []
    row = rewritten[0][0]
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = ?", (row,))
    conn.commit()
    conn.close()
    assert [p.row_id for p in store.verify_audit()] == [row]


@pytest.mark.parametrize("seals", [["1"], {"²": "00"}, {"1": 5}])
def test_a_malformed_seal_is_a_problem_not_a_crash(tmp_path: Path, seals: object) -> None:
    path = tmp_path / "kv.db"
    with Store.open(path, create=True, say=lambda s: None) as s, s._db.transaction() as c:
        A.append(c, "2026-12-07T15:00:00Z", "x", A.ERASED_ACTION, "p", {A.SEALS_KEY: seals})
    run = CliRunner().invoke(cli, ["audit", "verify", "--db", str(path)])
    assert run.exit_code == 1, run.output
    assert "is not entry ids and seals" in run.output
    assert isinstance(run.exception, SystemExit)  # no traceback, no internal error


def test_verify_lists_each_rewrite_of_a_real_erasure(store: Store, db_path: Path) -> None:
    store.record_subject(event("p-1", "Beihang University", "CN", with_match=True))
    store.record_findings([finding("p-1")], {})
    case = store.case_for("pure", "p-1")
    assert case is not None
    store.decide(case.id, "reject", "Chen Li reported it", actor="chair")
    done = store.erase_person("Chen Li", actor="dpo", apply=True)
    run = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db_path)])
    assert run.exit_code == 0, run.output
    assert f"rewritten by erasure {done.audit_id}" in run.output


def test_a_missing_append_only_trigger_is_named_not_called_busy(tmp_path: Path) -> None:
    path = tmp_path / "kv.db"
    with Store.open(path, create=True, say=lambda s: None) as s:
        s.audit_entries_made(
            [
                (
                    "2026-01-01T00:00:00Z",
                    "chair",
                    "case.decided",
                    "case:7",
                    {"rationale": "Chen Li agrees"},
                )
            ]
        )
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.commit()
    conn.close()
    run = CliRunner().invoke(
        cli, ["privacy", "erase", "--person", "Chen Li", "--apply", "--db", str(path)]
    )
    assert run.exit_code == 1
    assert "append-only trigger (audit_log_no_update) is missing" in run.output
    assert "busy" not in run.output
    with Store.open(path, say=lambda s: None) as s:
        assert "Chen Li" in s.audit_entries()[0].details["rationale"]  # nothing erased
