from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from kvrules.store import Store


def _fill(store: Store, n: int = 5) -> None:
    for i in range(1, n + 1):
        store.audit("adviser@uni", "case.triaged", f"case:{i}", {"tier": "amber", "n": i})


def _tamper(db_path: Path, sql: str, *args: object) -> None:
    """What someone with file access can do: drop the guard triggers, then edit."""
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_intact_chain_verifies(store: Store) -> None:
    _fill(store)
    assert store.verify_audit() == []
    entries = store.audit_entries()
    assert [e.id for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))


def test_triggers_refuse_update_and_delete(store: Store, db_path: Path) -> None:
    _fill(store, 1)
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log")


@pytest.mark.parametrize(
    "column, value",
    [
        ("actor", "someone-else"),
        ("action", "case.closed"),
        ("subject", "case:99"),
        ("details", '{"n":3,"tier":"green"}'),
        ("at", "2020-01-01T00:00:00.000000Z"),
    ],
)
def test_tampering_with_any_column_is_reported_with_the_row_id(
    store: Store, db_path: Path, column: str, value: str
) -> None:
    _fill(store)
    _tamper(db_path, f"UPDATE audit_log SET {column} = ? WHERE id = 3", value)
    problems = store.verify_audit()
    assert [p.row_id for p in problems] == [3]
    assert "altered" in str(problems[0])


def test_rehashed_tampering_breaks_the_next_link(store: Store, db_path: Path) -> None:
    _fill(store)
    _tamper(db_path, "UPDATE audit_log SET hash = ? WHERE id = 2", "f" * 64)
    problems = store.verify_audit()
    assert problems[0].row_id == 2  # its own hash no longer matches
    assert problems[1].row_id == 3 and "prev_hash" in problems[1].problem


def test_deleted_row_is_reported(store: Store, db_path: Path) -> None:
    _fill(store)
    _tamper(db_path, "DELETE FROM audit_log WHERE id = 3")
    problems = store.verify_audit()
    assert problems and problems[0].row_id == 4


def test_truncation_is_caught_with_an_anchored_head(store: Store, db_path: Path) -> None:
    _fill(store)
    head = store.audit_head()
    assert store.verify_audit(expected_head=head) == []
    _tamper(db_path, "DELETE FROM audit_log WHERE id = 5")
    assert store.verify_audit() == []  # a chain alone cannot see a cut tail ...
    assert [p.row_id for p in store.verify_audit(expected_head=head)] == [5]  # ... an anchor can


def test_appends_after_a_tail_deletion_leave_a_gap(store: Store, db_path: Path) -> None:
    _fill(store, 3)
    _tamper(db_path, "DELETE FROM audit_log WHERE id = 3")
    store.audit("kvrules", "x", "y")
    assert [p.row_id for p in store.verify_audit()] == [4]


def test_secret_looking_details_are_redacted(store: Store, db_path: Path) -> None:
    store.audit(
        "admin",
        "channel.configured",
        "channel:email",
        {
            "host": "smtp.uni.example",
            "password": "Hunter2-PASSWORD-xyz",
            "nested": {"api_key": "K-123"},
        },
    )
    (entry,) = store.audit_entries()
    assert entry.details == {
        "host": "smtp.uni.example",
        "password": "[redacted]",
        "nested": {"api_key": "[redacted]"},
    }
    assert store.verify_audit() == []
    store.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("kvrules.db*"))
    assert b"Hunter2-PASSWORD-xyz" not in raw and b"K-123" not in raw
