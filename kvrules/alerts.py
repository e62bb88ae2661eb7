"""Deliver due alerts from the outbox through their channels: retry with backoff, dead-letter,
never lose one, and let receivers drop (and readers recognise) the re-send a crash can cause.

    channels = {"email": EmailChannel(cfg)}
    report = deliver_due(store, channels)                          # one alert per message
    report = deliver_due(store, channels, digest={"email": timedelta(days=1)})  # daily digest

Without a digest, one run sends ONE message per case, route and channel: findings of one record
queued at different moments of a scan (the funding shares settle after the other rules) are
folded together, so nobody gets two messages about one case from one scan.

Digest mode groups a channel's due alerts per route (recipient) and per period, and sends a
group only once its period has ended, so every alert of the period is in it; a zero period
("scan") sends whatever each run finds as one digest. A critical finding never waits for a
digest: its case goes out at once, on its own. The digest's key names the channel, route,
period and its members: a re-send after a crash carries the same key.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from kvrules.alerting import Alert, AlertChannel, DeliveryError
from kvrules.records import RecordLinks
from kvrules.rulebook.ir import Severity
from kvrules.ruletitles import RuleTitles, titled_now
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
    # channel -> since when it could not be reached (an outage: its alerts are retried)
    unreachable: dict[str, datetime] = field(default_factory=dict)


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
    links: RecordLinks | None = None,
    home_country: str | None = None,
    rule_titles: RuleTitles | None = None,
    time_zone: tzinfo | None = None,
) -> DeliveryReport:
    """Send every due alert once; returns what happened. Safe to run from overlapping jobs.

    Each message names its records as the store remembers them when it is sent (title, unit,
    principal investigator, partners, and a link to the RIS from ``links``, the sources'
    ``ris_url`` patterns), and says the evidence in words with list editions and entries, as
    an institution in ``home_country`` reads them (the case page's words), each finding
    under its rule's title as the rulebooks say it now (``rule_titles``: an alert queued
    before a rulebook renamed its rule is sent under the new title, as the case page shows it);
    days in ``time_zone``, the institution's (the server's when not given).
    """
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
        alert = _named(store, _titled_now(alert, rule_titles), links, home_country, time_zone)
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
    # A row without a case stands alone (its own id keeps it apart).
    per_case: dict[tuple[str, str, int | str], list[OutboxAlert]] = {}
    groups: dict[tuple[str, str, datetime | None], list[OutboxAlert]] = {}
    for row in rows:
        period = digest.get(row.channel)
        if period is None or _critical(row) or row.payload.get("notice"):
            case = row.case_id if row.case_id is not None else f"row{row.id}"
            per_case.setdefault((row.channel, row.route, case), []).append(row)
            continue
        start = EPOCH + (row.created_at - EPOCH) // period * period if period else None
        if start is not None and start + period > now:
            report.waiting += 1
            continue
        groups.setdefault((row.channel, row.route, start), []).append(row)
    batches = [(members, _one_case(members)) for members in per_case.values()]
    for (channel, route, start), members in groups.items():
        if start is None:  # one digest per run: it spans what it holds
            first, last = min(r.created_at for r in members), max(r.created_at for r in members)
            span, stamp = f"{first.isoformat()}/{last.isoformat()}", "scan"
        else:
            span = f"{start.isoformat()}/{(start + digest[channel]).isoformat()}"
            stamp = f"{start:%Y%m%dT%H%M%SZ}"
        key = f"digest.{channel}.{route}.{stamp}.{_members_hash(members)}"
        alerts = [Alert.model_validate(r.payload) for r in members]
        batches.append((members, Alert.digest(alerts, key=key, period=span)))
    return batches


def _titled_now(alert: Alert, rule_titles: RuleTitles | None) -> Alert:
    """The alert with each finding under its rule's title now; a single alert's own title
    names its lead finding's (``[high] <title> (+1 more)``) and follows it. The outbox keeps
    the payload as queued."""
    items = [
        item.model_copy(update={"finding": titled_now(item.finding, rule_titles)})
        for item in alert.items
    ]
    if items == alert.items:
        return alert
    title = alert.title
    if alert.digest_period is None and items:
        before, now = alert.items[0].finding.rule_title, items[0].finding.rule_title
        title = title.replace(before, now, 1)
    return alert.model_copy(update={"items": items, "title": title})


TITLE_NAME_LENGTH = 80  # of the record's title in a message's subject line


def _named(
    store: Store,
    alert: Alert,
    links: RecordLinks | None,
    home_country: str | None = None,
    time_zone: tzinfo | None = None,
) -> Alert:
    """The alert with each item naming its record; a message about one record says which in
    its title ("[high] Partner on the 1286 list — Neutron detection for safeguards")."""
    subjects: dict[tuple[str, str], dict | None] = {}
    items = []
    for item in alert.items:
        where = (item.source_system, item.record_id)
        if where not in subjects:
            subjects[where] = store.subject(*where)
        items.append(item.named(subjects[where], links, home_country, time_zone))
    title = alert.title
    if len(subjects) == 1 and alert.digest_period is None and items[0].label.title:
        name = items[0].label.heading
        short = name if len(name) <= TITLE_NAME_LENGTH else name[: TITLE_NAME_LENGTH - 1] + "…"
        title = f"{title} — {short}"
    screened, titles = store.screening()
    return alert.model_copy(
        update={"items": items, "title": title, "screened": screened, "list_titles": titles}
    )


def _members_hash(members: list[OutboxAlert]) -> str:
    # Members are in a folded message's key: a group split by ``limit`` gives two distinct
    # messages instead of two different messages under one key (the second would be dropped).
    return hashlib.sha256("\n".join(r.key for r in members).encode()).hexdigest()[:12]


def _critical(row: OutboxAlert) -> bool:
    return row.payload.get("severity") == Severity.CRITICAL.value


def _one_case(members: list[OutboxAlert]) -> Alert:
    """One message for one case's alerts on one route: the single alert as queued, or the
    items of several (queued at different moments of the scan) under the highest severity."""
    alerts = [Alert.model_validate(r.payload) for r in members]
    if len(alerts) == 1:
        return alerts[0]
    items = [item for a in alerts for item in a.items]
    lead = max(alerts, key=lambda a: a.severity.rank)
    lead_title = lead.title.split(" (+", 1)[0]  # "[high] Rule title (+2 more)"
    return Alert(
        key=f"case.{members[0].channel}.{members[0].route}.{_members_hash(members)}",
        route=lead.route,
        title=f"{lead_title} (+{len(items) - 1} more)",
        severity=lead.severity,
        created_at=max(a.created_at for a in alerts),
        items=items,
    )


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
        # an outage (refused, timed out): retried as long as it lasts, never dead-lettered
        unreachable = isinstance(exc, DeliveryError) and exc.transient
        # A channel's DeliveryError is already in words; anything else is named by its class
        error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        if channel is not None:
            error = channel.scrub(error)  # the database and logs must not see a secret
        asked = _asked_wait(exc, alert.key, name, policy.cap(unreachable and not permanent))
        with store.transaction():
            rows = [
                store.mark_failed(
                    r.id,
                    error,
                    now=now,
                    policy=policy,
                    permanent=permanent,
                    unreachable=unreachable,
                    retry_after=asked,
                )
                for r in group
            ]
        dead = any(r is not None and r.status == "dead" for r in rows)
        (report.dead if dead else report.retrying).append(alert.key)
        if unreachable:
            report.unreachable.setdefault(name, _since(rows, now))
        if trouble.failed(name, error):  # the same error for every alert: one line, a count
            fate = _fate(dead, report.unreachable.get(name) if unreachable else None)
            log.warning("alert %s via %s failed (%s): %s", alert.key, name, fate, error)
        return
    trouble.succeeded(name)
    # A crash right here (or while sending) re-sends later under the same key, marked as a
    # possible repeat (``begin_sending``); the receiver can drop the duplicate.
    with store.transaction():
        for r in group:
            store.mark_delivered(r.id, now=now)
    report.delivered.append(alert.key)
    log.info("alert %s delivered via %s", alert.key, name)


def _asked_wait(exc: Exception, key: str, channel: str, cap: timedelta) -> timedelta | None:
    """The wait the receiver asked for (Retry-After), up to ``cap``: a receiver asking for a
    week must not hold an alert that long; a wait cut short is said, in one line."""
    asked = exc.retry_after if isinstance(exc, DeliveryError) else None
    if asked is None:
        return None
    if asked > cap.total_seconds():
        log.warning(
            "alert %s via %s: the receiver asked to wait %g s before a retry (Retry-After); "
            "waiting %g s (the outbox's longest retry delay) instead",
            key,
            channel,
            asked,
            cap.total_seconds(),
        )
        return cap
    return timedelta(seconds=asked)


def _since(rows: list[OutboxAlert | None], now: datetime) -> datetime:
    """Since when the channel of these failed rows has been unreachable (the earliest)."""
    return min((r.unreachable_since for r in rows if r and r.unreachable_since), default=now)


def _fate(dead: bool, unreachable_since: datetime | None = None) -> str:
    if unreachable_since is not None:
        return (
            f"unreachable since {unreachable_since:%Y-%m-%d %H:%M} UTC: retried until it "
            "answers, never dead-lettered for an outage"
        )
    return "dead-lettered" if dead else "will retry"
