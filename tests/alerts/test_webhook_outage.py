"""A webhook receiver that is down for hours (nothing listens, or its proxy answers 502/503):
every alert is retried with backoff for as long as that lasts and delivered once, after; none
is dead-lettered for an outage — as for the mail channel. A 500 is the receiver failing on this
alert: retried for the policy's attempts, then dead-lettered.

Real parts: the webhook channel and a real HTTP receiver on 127.0.0.1 (first a closed port,
then the receiver); time is ``deliver_due``'s ``now``, advanced 15 minutes a run as `watch`
does, never slept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kvrules_webhook import WebhookChannel, WebhookConfig

from kvrules import DeliveryError
from kvrules.alerts import deliver_due
from kvrules.store import RetryPolicy, Store
from tests.alerts.conftest import Receiver
from tests.alerts.smtp_helpers import free_port
from tests.alerts.test_webhook_channel import _alert
from tests.store.store_helpers import T0, make_finding

RUN_EVERY = timedelta(minutes=15)


def _channel(url: str) -> WebhookChannel:
    return WebhookChannel(WebhookConfig(url=url, connect_timeout=2, read_timeout=5))


def _run(store: Store, channel: WebhookChannel, start, hours: float):
    now, policy = start, RetryPolicy()  # the default: 8 attempts
    while now <= start + timedelta(hours=hours):
        deliver_due(store, {"webhook": channel}, now=now, policy=policy)
        now += RUN_EVERY
    return now


def test_a_receiver_down_for_four_hours_dead_letters_nothing(store: Store) -> None:
    port = free_port()  # nothing listens: every connection is refused
    for i in range(3):
        store.record_finding(make_finding(record_id=f"p{i}", alert="committee"), ["webhook"])
    _run(store, _channel(f"http://127.0.0.1:{port}/hook"), T0, hours=4)
    assert store.alerts("dead") == []  # before: dead after the policy's 8 attempts
    pending = store.alerts("pending")
    assert len(pending) == 3
    assert {a.unreachable_since for a in pending} == {T0}
    assert max(a.attempts for a in pending) >= RetryPolicy().max_attempts


@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_try_later_answers_hold_the_alert_and_it_arrives_once_after(
    store: Store, receiver: Receiver, status: int
) -> None:
    receiver.statuses = [status] * 40  # the proxy answers "try later" all afternoon
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    now = _run(store, _channel(receiver.url), T0, hours=4)
    assert store.alerts("dead") == []
    assert store.alerts("pending")[0].unreachable_since == T0
    receiver.statuses = []  # back
    back_within = RetryPolicy().unreachable_max_delay / timedelta(hours=1)
    _run(store, _channel(receiver.url), now, hours=back_within)
    delivered = store.alerts("delivered")
    assert len(delivered) == 1 and delivered[0].unreachable_since is None
    assert len(set(receiver.keys)) == 1 and len(receiver.processed) == 1


def test_a_500_is_no_outage_and_is_dead_lettered_after_the_attempts(
    store: Store, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 40
    store.record_finding(make_finding(alert="committee"), ["webhook"])
    _run(store, _channel(receiver.url), T0, hours=48)
    dead = store.alerts("dead")
    assert len(dead) == 1 and dead[0].unreachable_since is None


def test_a_refused_connection_is_marked_transient_a_tls_failure_is_not(
    receiver: Receiver,
) -> None:
    with pytest.raises(DeliveryError) as refused:
        _channel(f"http://127.0.0.1:{free_port()}/hook").send(_alert())
    assert refused.value.transient and not refused.value.permanent
    plain_http = receiver.url.replace("http://", "https://")  # TLS to a plain-HTTP receiver
    with pytest.raises(DeliveryError) as tls:
        _channel(plain_http).send(_alert())
    assert not tls.value.transient  # a setting to fix: dead-lettered after the attempts


def test_a_slow_receiver_is_no_outage_it_dead_letters_after_the_attempts(store: Store) -> None:
    """Code review, 2026-12-07: a receiver that accepted the POST and answered after the read
    timeout was held as an outage, posted the same alert every half hour for ever. A request
    that reached the receiver may have been acted on: retried for the policy's attempts only."""
    import socket
    import threading

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(16)
    accepted: list[socket.socket] = []

    def accept_and_say_nothing() -> None:  # takes the request, never answers in time
        while True:
            try:
                conn, _ = listening.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    port = listening.getsockname()[1]
    channel = WebhookChannel(WebhookConfig(url=f"http://127.0.0.1:{port}/hook", read_timeout=0.5))
    try:
        with pytest.raises(DeliveryError) as slow:
            channel.send(_alert())
        assert not slow.value.transient and not slow.value.permanent
        store.record_finding(make_finding(alert="committee"), ["webhook"])
        _run(store, channel, T0, hours=48)
        dead = store.alerts("dead")
        assert len(dead) == 1 and dead[0].unreachable_since is None
    finally:
        listening.close()
        for conn in accepted:
            conn.close()
