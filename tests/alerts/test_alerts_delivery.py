from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from kvrules_webhook import SIGNATURE_HEADER, WebhookChannel, WebhookConfig, verify_signature

from kvrules import Alert, AlertChannel, DeliveryError
from kvrules.alerts import deliver_due
from kvrules.rulebook.ir import Severity
from kvrules.store import RetryPolicy, Store
from tests.alerts.conftest import Receiver
from tests.store.store_helpers import FakeClock, make_finding

POLICY = RetryPolicy(
    base_delay=timedelta(minutes=1), factor=2, max_delay=timedelta(hours=1), max_attempts=4
)
SECRET = "whsec-delivery-77"


class Crash(BaseException):
    """A process dying: not an ``Exception``, so nothing in kvrules may swallow it."""


@pytest.fixture
def hook(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> WebhookChannel:
    monkeypatch.setenv("KS_HOOK_SECRET", SECRET)
    return WebhookChannel(WebhookConfig(url=receiver.url, secret_env="KS_HOOK_SECRET"))


class Recorder(AlertChannel):
    name = "recorder"

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[Alert] = []
        self.fail = fail

    def send(self, alert: Alert) -> None:
        if self.fail:
            raise self.fail
        self.sent.append(alert)


def test_due_alert_is_delivered_once(
    store: Store, hook: WebhookChannel, receiver: Receiver
) -> None:
    store.record_finding(make_finding(), channels=["hook"])
    report = deliver_due(store, {"hook": hook})
    assert len(report.delivered) == 1 and report.retrying == report.dead == []
    (req,) = receiver.requests
    assert verify_signature(SECRET, req.headers[SIGNATURE_HEADER], req.body)
    (row,) = store.alerts("delivered")
    assert row.attempts == 1 and req.headers["Idempotency-Key"] == row.key
    assert deliver_due(store, {"hook": hook}).delivered == []
    assert len(receiver.requests) == 1


def test_failing_receiver_retries_with_backoff_then_dead_letters(
    store: Store, clock: FakeClock, hook: WebhookChannel, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 10  # the receiver failing on it (503 would be an outage: held)
    (row_id,) = store.record_finding(make_finding(), channels=["hook"]).alert_ids
    waits = []
    for _ in range(POLICY.max_attempts):
        report = deliver_due(store, {"hook": hook}, policy=POLICY)
        row = store.alert(row_id)
        assert row is not None
        if row.status == "dead":
            assert report.dead == [row.key]
            break
        assert report.retrying == [row.key]
        assert deliver_due(store, {"hook": hook}, policy=POLICY).retrying == []  # not yet due
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert row.status == "dead" and row.attempts == 4 and "HTTP 500" in (row.last_error or "")
    assert len(set(receiver.keys)) == 1 and len(receiver.keys) == 4  # same key every time
    clock.advance(days=7)
    assert deliver_due(store, {"hook": hook}, policy=POLICY).dead == []
    assert len(receiver.requests) == 4


def test_permanent_error_dead_letters_at_once(
    store: Store, hook: WebhookChannel, receiver: Receiver
) -> None:
    receiver.statuses = [410]
    store.record_finding(make_finding(), channels=["hook"])
    report = deliver_due(store, {"hook": hook}, policy=POLICY)
    assert len(report.dead) == 1 and store.alerts("dead")[0].attempts == 1


def test_exactly_once_across_a_crash_between_send_and_mark(
    db_path: Path,
    clock: FakeClock,
    hook: WebhookChannel,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store.open(db_path, clock=clock)
    store.record_finding(make_finding(), channels=["hook"])

    def die(*args: object, **kw: object) -> bool:
        raise Crash

    monkeypatch.setattr(store, "mark_delivered", die)
    with pytest.raises(Crash):
        deliver_due(store, {"hook": hook})
    store.close()
    assert len(receiver.requests) == 1

    # The next process: the row is still pending, held by the dead worker's lease for a while.
    restarted = Store.open(db_path, clock=clock)
    assert deliver_due(restarted, {"hook": hook}).delivered == []
    clock.advance(minutes=5)
    report = deliver_due(restarted, {"hook": hook})
    assert len(report.delivered) == 1
    first, second = receiver.requests
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    # Same alert, so the receiver can safely drop the repeat; the re-send says it may be one.
    sent, resent = json.loads(first.body), json.loads(second.body)
    assert (sent.pop("possible_repeat"), resent.pop("possible_repeat")) == (False, True)
    assert sent == resent
    assert list(receiver.processed) == [first.headers["Idempotency-Key"]]
    clock.advance(days=1)
    assert deliver_due(restarted, {"hook": hook}).delivered == []
    assert len(receiver.requests) == 2
    (row,) = restarted.alerts()
    assert row.status == "delivered"
    restarted.close()


def test_overlapping_runs_do_not_send_twice(db_path: Path, clock: FakeClock) -> None:
    store = Store.open(db_path, clock=clock)
    store.record_finding(make_finding(), channels=["rec"])
    other = Store.open(db_path, clock=clock)  # a second cron job on the same database
    inner_reports = []

    class Reentrant(Recorder):
        def send(self, alert: Alert) -> None:
            inner_reports.append(deliver_due(other, {"rec": self}))  # runs mid-send
            super().send(alert)

    channel = Reentrant()
    assert len(deliver_due(store, {"rec": channel}).delivered) == 1
    assert inner_reports[0].delivered == [] and len(channel.sent) == 1
    store.close()
    other.close()


def test_unconfigured_channel_is_retried_not_dropped(store: Store) -> None:
    store.record_finding(make_finding(), channels=["teams"])
    report = deliver_due(store, {}, policy=POLICY)
    assert len(report.retrying) == 1
    assert "no alert channel named 'teams'" in (store.alerts()[0].last_error or "")


def test_one_failing_channel_does_not_block_another(store: Store) -> None:
    store.record_finding(make_finding(), channels=["bad", "good"])
    good = Recorder()
    report = deliver_due(store, {"bad": Recorder(fail=RuntimeError("down")), "good": good})
    assert len(report.delivered) == 1 and len(report.retrying) == 1 and len(good.sent) == 1


def test_daily_digest_one_message_per_route(store: Store, clock: FakeClock) -> None:
    clock.now = clock.now.replace(hour=9)
    for i in range(3):
        store.record_finding(make_finding(record_id=f"p{i}"), channels=["rec"])
        clock.advance(hours=1)
    store.record_finding(make_finding(record_id="x", alert="research-office"), channels=["rec"])
    channel = Recorder()
    digest = {"rec": timedelta(days=1)}

    report = deliver_due(store, {"rec": channel}, digest=digest)
    assert channel.sent == [] and report.waiting == 4  # the day is not over

    clock.now = clock.now.replace(hour=0) + timedelta(days=1)
    report = deliver_due(store, {"rec": channel}, digest=digest)
    by_route = {a.route: a for a in channel.sent}
    assert set(by_route) == {"committee", "research-office"}
    committee = by_route["committee"]
    assert [i.record_id for i in committee.items] == ["p0", "p1", "p2"]
    assert committee.key.startswith("digest.rec.committee.20260302T000000Z.")
    assert committee.digest_period == "2026-03-02T00:00:00+00:00/2026-03-03T00:00:00+00:00"
    assert "3 new finding" in committee.title
    assert sorted(report.delivered) == sorted(a.key for a in channel.sent)
    assert store.alerts("pending") == []
    assert deliver_due(store, {"rec": channel}, digest=digest).delivered == []


def test_digest_retry_keeps_its_key(store: Store, clock: FakeClock) -> None:
    for i in range(2):
        store.record_finding(make_finding(record_id=f"p{i}"), channels=["rec"])
    clock.advance(days=1)
    digest = {"rec": timedelta(days=1)}
    failed = deliver_due(store, {"rec": Recorder(fail=RuntimeError("smtp down"))}, digest=digest)
    clock.advance(hours=1)
    ok = Recorder()
    delivered = deliver_due(store, {"rec": ok}, digest=digest)
    assert failed.retrying == delivered.delivered == [ok.sent[0].key]
    assert len(ok.sent[0].items) == 2


def test_no_secret_in_database_or_logs(
    db_path: Path,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = "SECRET-URL-TOKEN-5150"
    signing = "SIGNING-SECRET-8086"
    monkeypatch.setenv("KS_HOOK_SECRET", signing)
    hook = WebhookChannel(
        WebhookConfig(url=f"http://127.0.0.1:9/services/{token}", secret_env="KS_HOOK_SECRET")
    )

    class Leaky(Recorder):
        def send(self, alert: Alert) -> None:
            raise DeliveryError(f"auth failed for signing key {signing}")

        def secrets(self) -> list[str]:
            return [signing]

    store = Store.open(db_path, clock=clock)
    store.record_finding(make_finding(), channels=["hook", "leaky"])
    with caplog.at_level(logging.DEBUG):
        report = deliver_due(store, {"hook": hook, "leaky": Leaky()})
    assert len(report.retrying) == 2
    errors = [r.last_error or "" for r in store.alerts()]
    assert all(errors) and "***" in errors[1]
    store.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("kvrules.db*"))
    for secret in (token, signing):
        assert secret not in caplog.text
        assert secret.encode() not in raw
        assert secret not in json.dumps(errors)


def test_a_digest_backlog_does_not_hold_back_an_immediate_channel(
    store: Store, clock: FakeClock
) -> None:
    for i in range(12):  # older than the immediate alert, and more than one batch holds
        store.record_finding(make_finding(record_id=f"p{i}"), channels=["daily"])
    clock.advance(minutes=1)
    store.record_finding(make_finding(record_id="urgent"), channels=["now"])
    now, daily = Recorder(), Recorder()
    report = deliver_due(
        store, {"daily": daily, "now": now}, digest={"daily": timedelta(days=1)}, limit=10
    )
    assert [a.items[0].record_id for a in now.sent] == ["urgent"] and daily.sent == []
    assert len(report.delivered) == 1


def test_one_message_per_case_when_its_findings_are_queued_at_different_moments(
    store: Store, clock: FakeClock
) -> None:
    # A scan queues a record's findings, then (funding shares settled) one more for the same
    # record: the committee gets one message about the case, not two.
    store.record_finding(make_finding(record_id="p1"), channels=["rec"])
    clock.advance(seconds=10)
    store.record_finding(
        make_finding(record_id="p1", rule_id="state-linked-funder", severity=Severity.MEDIUM),
        channels=["rec"],
    )
    store.record_finding(make_finding(record_id="p2"), channels=["rec"])
    channel = Recorder()
    report = deliver_due(store, {"rec": channel})
    by_record = {a.items[0].record_id: a for a in channel.sent}
    assert len(channel.sent) == 2 and len(report.delivered) == 2
    assert [i.finding.rule_id for i in by_record["p1"].items] == [
        "partner-on-1286",
        "state-linked-funder",
    ]
    assert by_record["p1"].severity is Severity.HIGH and "(+1 more)" in by_record["p1"].title
    assert store.alerts("pending") == []


def test_scan_digest_folds_a_run_and_a_critical_case_goes_out_on_its_own(
    store: Store, clock: FakeClock
) -> None:
    for record in ("p1", "p2"):
        store.record_finding(make_finding(record_id=record), channels=["rec"])
    store.record_finding(make_finding(record_id="p3", severity=Severity.CRITICAL), channels=["rec"])
    channel = Recorder()
    report = deliver_due(store, {"rec": channel}, digest={"rec": timedelta(0)})
    assert report.waiting == 0 and len(channel.sent) == 2
    critical, digest = sorted(channel.sent, key=lambda a: a.digest_period is not None)
    assert [i.record_id for i in critical.items] == ["p3"] and critical.digest_period is None
    assert [i.record_id for i in digest.items] == ["p1", "p2"]
    assert digest.key.startswith("digest.rec.committee.scan.")
