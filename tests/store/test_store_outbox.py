from __future__ import annotations

from datetime import timedelta

from kvrules.alerting import Alert
from kvrules.store import RetryPolicy, Store
from tests.store.store_helpers import FakeClock, make_finding

POLICY = RetryPolicy(
    base_delay=timedelta(minutes=1), factor=2, max_delay=timedelta(minutes=10), max_attempts=5
)


def test_backoff_schedule() -> None:
    delays = [POLICY.delay(n) for n in range(1, 7)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 10, 10)]


def test_failures_back_off_then_dead_letter(store: Store, clock: FakeClock) -> None:
    (row_id,) = store.record_finding(make_finding(), channels=["email"]).alert_ids
    expected_waits = [1, 2, 4, 8]
    for attempt, wait in enumerate(expected_waits, 1):
        assert [r.id for r in store.due_alerts()] == [row_id]
        row = store.mark_failed(row_id, f"timeout {attempt}", policy=POLICY)
        assert row is not None and row.attempts == attempt and row.status == "pending"
        assert row.next_attempt_at == clock.now + timedelta(minutes=wait)
        clock.advance(minutes=wait, seconds=-1)
        assert store.due_alerts() == []  # not a second early
        clock.advance(seconds=1)
    row = store.mark_failed(row_id, "timeout 5", policy=POLICY)
    assert row is not None and row.status == "dead" and row.attempts == 5
    assert row.last_error == "timeout 5"
    clock.advance(days=30)
    assert store.due_alerts() == []
    assert [r.id for r in store.alerts("dead")] == [row_id]
    assert store.audit_entries()[-1].action == "alert.dead-lettered"


def test_permanent_failure_dead_letters_at_once(store: Store) -> None:
    (row_id,) = store.record_finding(make_finding(), channels=["hook"]).alert_ids
    row = store.mark_failed(row_id, "HTTP 404", policy=POLICY, permanent=True)
    assert row is not None and row.status == "dead" and row.attempts == 1


def test_requeue_gives_a_dead_letter_fresh_attempts(store: Store) -> None:
    (row_id,) = store.record_finding(make_finding(), channels=["hook"]).alert_ids
    store.mark_failed(row_id, "HTTP 404", permanent=True)
    assert store.requeue_alert(row_id, actor="admin@uni")
    row = store.alert(row_id)
    assert row is not None and row.status == "pending" and row.attempts == 0
    assert store.due_alerts()[0].id == row_id


def test_mark_delivered_is_idempotent_and_audited_once(store: Store) -> None:
    (row_id,) = store.record_finding(make_finding(), channels=["email"]).alert_ids
    assert store.mark_delivered(row_id)
    assert not store.mark_delivered(row_id)
    assert store.due_alerts() == []
    assert [e.action for e in store.audit_entries()].count("alert.delivered") == 1
    # A late failure report after success must not undo it.
    row = store.mark_failed(row_id, "late")
    assert row is not None and row.status == "delivered"


def test_a_claimed_row_is_not_claimed_again_until_the_lease_ends(
    store: Store, clock: FakeClock
) -> None:
    (row_id,) = store.record_finding(make_finding(), channels=["email"]).alert_ids
    lease = timedelta(minutes=5)
    assert store.claim_alerts([row_id], lease=lease) == [row_id]
    assert store.claim_alerts([row_id], lease=lease) == []
    assert store.due_alerts() == []
    clock.advance(minutes=5)
    assert store.claim_alerts([row_id], lease=lease) == [row_id]


def test_enqueue_alert_is_idempotent_by_key(store: Store, clock: FakeClock) -> None:
    alert = Alert.for_finding(make_finding(), key="k-1", case_id=None, created_at=clock.now)
    first = store.enqueue_alert(alert, "email")
    assert store.enqueue_alert(alert, "email") == first
    assert len(store.alerts()) == 1
    assert store.alert_by_key("k-1").payload["key"] == "k-1"  # type: ignore[union-attr]


def test_due_alerts_oldest_first(store: Store, clock: FakeClock) -> None:
    ids = []
    for i in range(3):
        ids += store.record_finding(make_finding(record_id=f"p{i}"), channels=["email"]).alert_ids
        clock.advance(seconds=1)
    assert [r.id for r in store.due_alerts()] == ids
    assert [r.id for r in store.due_alerts(limit=2)] == ids[:2]


def test_an_attempt_without_an_outcome_makes_the_next_one_a_possible_repeat(
    store: Store,
) -> None:
    a, b = (
        store.record_finding(make_finding(rule_id=rule), channels=["email"]).alert_ids[0]
        for rule in ("r-a", "r-b")
    )
    assert store.begin_sending([a, b]) == set()  # first attempts: nothing can be a repeat
    assert store.alert(a).sending_since is not None  # type: ignore[union-attr]
    store.mark_failed(b, "connection refused", policy=POLICY)  # an outcome: it did not go
    # a's sender died: its outcome was never recorded, so it may have arrived.
    assert store.begin_sending([a, b]) == {a}
    assert store.mark_delivered(a) and store.mark_delivered(b)
    done_a, done_b = store.alert(a), store.alert(b)
    assert done_a.possible_repeat and done_a.sending_since is None  # type: ignore[union-attr]
    assert not done_b.possible_repeat  # type: ignore[union-attr]
    delivered = [e for e in store.audit_entries() if e.action == "alert.delivered"]
    assert [e.details.get("possible_repeat") for e in delivered] == [True, None]
