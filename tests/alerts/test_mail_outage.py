"""A mail outage of hours: the committee's digest and the advisers' alerts are retried, with
backoff, for as long as it lasts, and delivered once the server is back; none is
dead-lettered for an outage (a refused connection, a timeout), only for a permanent refusal.

Real parts: the e-mail channel and a real SMTP server (aiosmtpd) on a port that is first
closed (the outage), then served; time is ``deliver_due``'s ``now``, advanced 15 minutes a
run as `watch` does, never slept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from click.testing import CliRunner
from kvrules_email import EmailChannel, EmailConfig

from kvrules.alerts import deliver_due
from kvrules.cli import cli
from kvrules.store import RetryPolicy, Store
from tests.alerts.smtp_helpers import MailSink, free_port
from tests.store.store_helpers import T0, FakeClock, make_finding

RUN_EVERY = timedelta(minutes=15)
DIGEST = {"digest": timedelta(0)}  # `digest: scan`: each run's committee alerts in one mail


def _channel(port: int, **routes: list[str]) -> EmailChannel:
    return EmailChannel(
        EmailConfig.model_validate(
            {
                "host": "127.0.0.1",
                "port": port,
                "security": "none",
                "sender": "kvrules@uni.example",
                "to": ["rs@uni.example"],
                "routes": routes,
                "case_base_url": "https://ks.uni.example",
                "timeout": 5,
            }
        )
    )


@contextmanager
def smtp_up(port: int) -> Iterator[MailSink]:
    from aiosmtpd.controller import Controller

    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def test_a_four_hour_outage_dead_letters_nothing_and_the_digest_arrives_after(
    store: Store, clock: FakeClock, tmp_path
) -> None:
    port = free_port()  # nothing listens: every connection is refused
    channels = {
        "mail": _channel(port, adviser=["adviser@uni.example"]),
        "digest": _channel(port, committee=["committee@uni.example"]),
    }
    for i in range(6):  # six high committee alerts, and the advisers' own
        store.record_finding(make_finding(record_id=f"p{i}", alert="committee"), ["digest"])
        store.record_finding(
            make_finding(record_id=f"p{i}", rule_id="adviser-look", alert="adviser"), ["mail"]
        )
    policy = RetryPolicy()  # the default: 8 attempts
    now = T0
    while now <= T0 + timedelta(hours=4):
        deliver_due(store, channels, now=now, policy=policy, digest=DIGEST)
        now += RUN_EVERY
    assert store.alerts("dead") == []  # an outage says nothing about the alerts
    pending = store.alerts("pending")
    assert len(pending) == 12
    digest_rows = [a for a in pending if a.channel == "digest"]
    assert max(a.attempts for a in digest_rows) >= policy.max_attempts  # tried all along
    assert {a.unreachable_since for a in digest_rows} == {T0}
    assert all(a.next_attempt_at - now <= policy.unreachable_max_delay for a in pending)

    store.close()  # `kvrules alerts` says why they wait, and since when
    listing = CliRunner().invoke(
        cli, ["alerts", "--db", str(store.path), "--status", "pending"], env={"COLUMNS": "400"}
    )
    assert listing.exit_code == 0, listing.output
    flat = " ".join(listing.output.split())
    assert "unreachable since 2026-03-02 09:00 UTC" in flat, listing.output
    assert "never dead-lettered" in flat

    with smtp_up(port) as sink, Store.open(store.path, clock=clock) as again:
        later = now + policy.unreachable_max_delay
        while now <= later:
            deliver_due(again, channels, now=now, policy=policy, digest=DIGEST)
            now += RUN_EVERY
        assert again.alerts("pending") == [] and again.alerts("dead") == []
        assert all(a.unreachable_since is None for a in again.alerts("delivered"))
    to_committee = [m for m in sink.mails if m.recipients == ["committee@uni.example"]]
    to_advisers = [m for m in sink.mails if m.recipients == ["adviser@uni.example"]]
    assert to_committee and to_advisers
    assert sum(m.message["Subject"].count("6 new finding") for m in to_committee) == 1


def test_a_recipient_the_server_refuses_is_still_dead_lettered_at_once(
    store: Store, smtp_plain
) -> None:
    """Permanent (the server rejects the recipient, 5xx) is no outage: dead-lettered."""
    channel = _channel(smtp_plain.port, committee=["nobody@uni.example"])

    async def refuse(server, session, envelope, address, options):  # aiosmtpd hook
        return "550 no such mailbox here"

    smtp_plain.sink.handle_RCPT = refuse  # type: ignore[attr-defined]
    store.record_finding(make_finding(alert="committee"), ["mail"])
    report = deliver_due(store, {"mail": channel}, now=T0)
    dead = store.alerts("dead")
    assert len(report.dead) == 1 and len(dead) == 1 and dead[0].unreachable_since is None
