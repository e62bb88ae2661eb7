"""A webhook receiver answering 429 or 503 with Retry-After: the outbox retries no sooner
than asked (it retried after its own 1 minute when 120 s was asked), up to its longest retry
delay, and says so in one line when it cuts a wait short — as the adapters do.

Real parts: the webhook channel, the outbox and a real HTTP receiver on 127.0.0.1; time is
``deliver_due``'s ``now``, never slept."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from kvrules_webhook import WebhookChannel, WebhookConfig

from kvrules.alerts import deliver_due
from kvrules.store import RetryPolicy, Store
from tests.alerts.conftest import Receiver
from tests.store.store_helpers import T0, make_finding


def _deliver(store: Store, receiver: Receiver) -> None:
    channel = WebhookChannel(WebhookConfig(url=receiver.url, connect_timeout=2, read_timeout=5))
    deliver_due(store, {"webhook": channel}, now=T0, policy=RetryPolicy())


@pytest.mark.parametrize("status", [429, 503])
def test_the_retry_waits_as_long_as_the_receiver_asked(
    store: Store, receiver: Receiver, status: int
) -> None:
    receiver.statuses, receiver.retry_after = [status], "120"
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    _deliver(store, receiver)
    [pending] = store.alerts("pending")
    assert pending.next_attempt_at == T0 + timedelta(seconds=120)  # before: T0 + 60 s


def test_a_shorter_wait_asked_keeps_the_outbox_backoff(store: Store, receiver: Receiver) -> None:
    receiver.statuses, receiver.retry_after = [429], "5"
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    _deliver(store, receiver)
    [pending] = store.alerts("pending")
    assert pending.next_attempt_at == T0 + RetryPolicy().base_delay


def test_a_wait_beyond_the_longest_retry_delay_is_capped_and_said(
    store: Store, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.statuses, receiver.retry_after = [429], str(7 * 24 * 3600)  # a week
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    with caplog.at_level(logging.WARNING, logger="kvrules.alerts"):
        _deliver(store, receiver)
    [pending] = store.alerts("pending")
    cap = RetryPolicy().cap(unreachable=True)  # a 429 is "try later": held, retried this often
    assert pending.next_attempt_at == T0 + cap
    said = [r.getMessage() for r in caplog.records if "Retry-After" in r.getMessage()]
    assert len(said) == 1 and "604800 s" in said[0] and f"{cap.total_seconds():g} s" in said[0]


def test_an_unreadable_retry_after_is_ignored(store: Store, receiver: Receiver) -> None:
    receiver.statuses, receiver.retry_after = [429], "soon, promise"
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    _deliver(store, receiver)
    [pending] = store.alerts("pending")
    assert pending.next_attempt_at == T0 + RetryPolicy().base_delay


def test_an_http_date_is_read_as_the_wait_until_then(store: Store, receiver: Receiver) -> None:
    # A date a day ahead: more than the cap whatever the test machine's speed.
    receiver.statuses = [503]
    receiver.retry_after = (datetime.now(UTC) + timedelta(days=1)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    _deliver(store, receiver)
    [pending] = store.alerts("pending")
    assert pending.next_attempt_at == T0 + RetryPolicy().cap(unreachable=True)
