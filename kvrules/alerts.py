"""Deliver due alerts from the outbox through their channels: retry with backoff, dead-letter,
never lose one, and let receivers drop (and readers recognise) the re-send a crash can cause.

    channels = {"email": EmailChannel(cfg)}
    report = deliver_due(store, channels)                          # one alert per message
    report = deliver_due(store, channels, digest={"email": timedelta(days=1)})  # daily digest

Digest mode groups a channel's due alerts per route (recipient) and per period, and sends a
group only once its period has ended, so every alert of the period is in it. The digest's key
names the channel, route, period and its members: a re-send after a crash carries the same key.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kvrules.alerting import Alert, AlertChannel, DeliveryError
from kvrules.store import OutboxAlert, RetryPolicy, Store

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_LEASE = timedelta(minutes=5)


@dataclass
class DeliveryReport:
    """Idempotency keys by outcome (for a digest, the digest's key)."""

    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)
    waiting: int = 0  # outbox rows held back for a digest period that has not ended
    # Alerts not attempted in this run because their channel kept failing (still due).
    held: list[str] = field(default_factory=list)


# After this many failures in a row, a channel is not tried again in the same run: a mail
# server that is down (or a setting that is wrong) fails every alert the same way, and each
# attempt can take a full timeout. The alerts stay due; the next run tries again.
FAILURES_BEFORE_HOLD = 3


@dataclass
class _ChannelTrouble:
    """Per run: consecutive failures per channel, and each distinct error logged once."""

    streak: dict[str, int] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)

    def failed(self, channel: str, error: str) -> bool:
        """Count a failure; True when it is new enough to be worth a log line."""
        self.streak[channel] = self.streak.get(channel, 0) + 1
        key = (channel, error)
        self.seen[key] = self.seen.get(key, 0) + 1
        return self.seen[key] == 1

    def succeeded(self, channel: str) -> None:
        self.streak[channel] = 0

    def holding(self, channel: str) -> bool:
        return self.streak.get(channel, 0) >= FAILURES_BEFORE_HOLD

    def log_repeats(self) -> None:
        for (channel, _error), count in self.seen.items():
            if count > 1:  # the error itself was logged with the first failure
                log.warning("%d more alert(s) via %s failed the same way", count - 1, channel)


def deliver_due(
    store: Store,
    channels: Mapping[str, AlertChannel],
    now: datetime | None = None,
    *,
    policy: RetryPolicy | None = None,
    digest: Mapping[str, timedelta] | None = None,
    lease: timedelta = DEFAULT_LEASE,
    limit: int = 500,
) -> DeliveryReport:
    """Send every due alert once; returns what happened. Safe to run from overlapping jobs."""
    now = now or store.clock()
    policy = policy or RetryPolicy()
    report = DeliveryReport()
    # Read per channel too: a digest channel's backlog (rows held until its period ends) must
    # not fill the batch and hold back an immediate channel's alerts. The last read picks up
    # rows for channels that are not configured (they fail, and are retried, not dropped).
    due: dict[int, OutboxAlert] = {}
    for name in [*channels, None]:
        due.update((row.id, row) for row in store.due_alerts(now, limit=limit, channel=name))
    rows = sorted(due.values(), key=lambda row: (row.next_attempt_at, row.id))
    trouble = _ChannelTrouble()
    for group, alert in _batches(rows, now, digest or {}, report):
        channel_name = group[0].channel
        if trouble.holding(channel_name):  # not tried; due again as after a failure
            report.held.append(alert.key)
            trouble.held[channel_name] = trouble.held.get(channel_name, 0) + 1
            store.defer_alerts(
                [row.id for row in group],
                now + policy.delay(max(row.attempts for row in group) + 1),
                f"not tried: channel {channel_name} failed {trouble.streak[channel_name]} "
                "times in a row in this run",
            )
            continue
        ids = [row.id for row in group]
        with store.transaction():  # committed before anything is sent
            if store.claim_alerts(ids, now=now, lease=lease) != sorted(ids):
                continue  # another worker holds (part of) it; its lease decides
            if store.begin_sending(ids, now=now):
                alert = alert.model_copy(update={"possible_repeat": True})
        _deliver(store, channels.get(group[0].channel), group, alert, now, policy, report, trouble)
    trouble.log_repeats()
    for name, count in trouble.held.items():
        log.warning(
            "channel %s failed %d times in a row: %d more alert(s) left for the next run",
            name, trouble.streak[name], count,
        )  # fmt: skip
    return report


def _batches(
    rows: list[OutboxAlert],
    now: datetime,
    digest: Mapping[str, timedelta],
    report: DeliveryReport,
) -> list[tuple[list[OutboxAlert], Alert]]:
    batches: list[tuple[list[OutboxAlert], Alert]] = []
    groups: dict[tuple[str, str, datetime], list[OutboxAlert]] = {}
    for row in rows:
        period = digest.get(row.channel)
        if period is None:
            batches.append(([row], Alert.model_validate(row.payload)))
            continue
        start = EPOCH + (row.created_at - EPOCH) // period * period
        if start + period > now:
            report.waiting += 1
            continue
        groups.setdefault((row.channel, row.route, start), []).append(row)
    for (channel, route, start), members in groups.items():
        period = digest[channel]
        span = f"{start.isoformat()}/{(start + period).isoformat()}"
        # Members are in the key: a group split by ``limit`` gives two distinct digests
        # instead of two different messages under one key (the second would be dropped).
        members_hash = hashlib.sha256("\n".join(r.key for r in members).encode()).hexdigest()
        key = f"digest.{channel}.{route}.{start:%Y%m%dT%H%M%SZ}.{members_hash[:12]}"
        alerts = [Alert.model_validate(r.payload) for r in members]
        batches.append((members, Alert.digest(alerts, key=key, period=span)))
    return batches


def _deliver(
    store: Store,
    channel: AlertChannel | None,
    group: list[OutboxAlert],
    alert: Alert,
    now: datetime,
    policy: RetryPolicy,
    report: DeliveryReport,
    trouble: _ChannelTrouble,
) -> None:
    name = group[0].channel
    try:
        if channel is None:
            raise DeliveryError(f"no alert channel named {name!r} is configured")
        channel.send(alert)
    except Exception as exc:  # any channel failure is retried, never lost
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        error = f"{type(exc).__name__}: {exc}"
        if channel is not None:
            error = channel.scrub(error)  # the database and logs must not see a secret
        with store.transaction():
            rows = [
                store.mark_failed(r.id, error, now=now, policy=policy, permanent=permanent)
                for r in group
            ]
        dead = any(r is not None and r.status == "dead" for r in rows)
        (report.dead if dead else report.retrying).append(alert.key)
        if trouble.failed(name, error):  # the same error for every alert: one line, a count
            log.warning("alert %s via %s failed (%s): %s", alert.key, name, _fate(dead), error)
        return
    trouble.succeeded(name)
    # A crash right here (or while sending) re-sends later under the same key, marked as a
    # possible repeat (``begin_sending``); the receiver can drop the duplicate.
    with store.transaction():
        for r in group:
            store.mark_delivered(r.id, now=now)
    report.delivered.append(alert.key)
    log.info("alert %s delivered via %s", alert.key, name)


def _fate(dead: bool) -> str:
    return "dead-lettered" if dead else "will retry"
