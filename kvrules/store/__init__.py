"""Durable state in one SQLite file: cursors, snapshots, findings, cases, the alert outbox,
the write-back queue, quarantined records and the hash-chained audit log.

    store = Store.open("kvrules.db")
    with store.transaction():
        result = store.record_finding(finding, channels=["email"])
        store.set_cursor("pure", cursor)
"""

from kvrules.store.api import RecordedFinding, Store
from kvrules.store.audit import AuditEntry, AuditProblem
from kvrules.store.cases import Case, StoredFinding
from kvrules.store.db import StoreError
from kvrules.store.outbox import OutboxAlert, RetryPolicy
from kvrules.store.quarantine import Quarantined
from kvrules.store.sources import Change
from kvrules.store.writeback import WriteBack

__all__ = [
    "AuditEntry",
    "AuditProblem",
    "Case",
    "Change",
    "OutboxAlert",
    "Quarantined",
    "RecordedFinding",
    "RetryPolicy",
    "Store",
    "StoreError",
    "StoredFinding",
    "WriteBack",
]
