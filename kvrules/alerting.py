"""What an alert is and what a channel does with it: the contract of alert plugins.

kvrules writes an alert to its outbox in the same transaction as the finding that caused it,
then hands it to a channel (``kvrules.alerts.deliver_due``). Delivery is at least once: after a
crash between "sent" and "marked delivered" the same alert is sent again, with the same
``Alert.key`` and ``possible_repeat`` set. A channel therefore passes the key to the receiver
(a Message-ID, an ``Idempotency-Key`` header), which drops the duplicate, and tells a person
reading it that it may be a repeat.
"""

from __future__ import annotations

import socket
import ssl
from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from kvrules.errors import KvrulesError
from kvrules.findings import Finding
from kvrules.plain import (
    count_of,
    for_home,
    period_in_words,
    reopened_in_words,
    screened_in_words,
    technically,
    what_changed,
)
from kvrules.plain import said as said_once
from kvrules.records import RecordLabel, RecordLinks, describe
from kvrules.rulebook.ir import Severity


class AlertItem(BaseModel):
    """One finding on one case.

    ``record`` and ``sentences`` are filled when the alert is sent (``named``), from the
    record as the store remembers it then: what the RIS calls it, and the evidence in words.
    """

    case_id: int | None = None
    source_system: str
    record_id: str
    finding: Finding
    record: RecordLabel | None = None
    sentences: list[str] = []  # the finding's evidence in words (kvrules.plain.said)
    # its technical form with what lies behind each test (list entries, the country profiles),
    # as `kvrules show --technical` gives it (kvrules.plain.technically)
    technical_lines: list[str] = []
    # a finding the committee had, updated in place: what made it alert again ("now also
    # names …; severity medium → high", ``kvrules.store.cases.what_changed``)
    change: str | None = None
    # that change as the finding's history keeps it: ``named`` says it again in the site's
    # words (``what_changed`` with its home country), as it says the evidence
    change_kept: dict[str, Any] | None = None
    # the decided (or closed) case this finding reopened and what the committee had decided
    # (``{"because": "new"|"updated", "decision", "decided_at"}``): said with the evidence,
    # the committee is asked to look again at what it decided
    reopened: dict[str, Any] | None = None
    # the institution's time zone, set when the alert is sent (``named``): days said in it
    zone: Any = Field(default=None, exclude=True)

    def named(
        self,
        subject: Mapping[str, Any] | None,
        links: RecordLinks | None,
        home_country: str | None = None,
        tz: tzinfo | None = None,
    ) -> AlertItem:
        """This item naming its record and saying its evidence as ``subject`` allows, as an
        institution in ``home_country`` reads it (``for_home``: the words of the case page
        and ``check``)."""
        sentences = said_once(self.finding.evidence, subject)
        return self.model_copy(
            update={
                "record": describe(subject, self.source_system, self.record_id, links),
                "sentences": [for_home(sentence, home_country) for sentence in sentences],
                "change": (
                    what_changed(self.change_kept, home_country)
                    if self.change_kept
                    else self.change
                ),
                "technical_lines": [
                    line.strip() for line in technically(self.finding.evidence, subject)
                ],
                "zone": tz,
            }
        )

    @property
    def label(self) -> RecordLabel:
        return self.record or describe(None, self.source_system, self.record_id)

    def said(self) -> list[str]:
        """The evidence in words, for people: each thing once; first, for a finding updated
        in place, what changed (the reader knew the finding already)."""
        said = self.sentences or said_once(self.finding.evidence, None)
        reopened = self.reopened
        reopens = [reopened_in_words(reopened, self.case_id, self.zone)] if reopened else []
        changed = [f"Updated finding: {self.change}"] if self.change else []
        return [*changed, *reopens, *said]

    @property
    def heading(self) -> str:
        """The finding's title, said apart for one updated in place (the reader had it):
        "Updated finding: Partner institution is on the Section 1286 list"."""
        title = self.finding.rule_title
        return f"Updated finding: {title}" if self.change else title

    def technical(self) -> list[str]:
        """Each piece of evidence as the engine saw it: field path, test and value, each
        followed by what lies behind it (list entries, the country profiles) once named."""
        return self.technical_lines or [str(e) for e in self.finding.evidence]


class Alert(BaseModel):
    """One message to one route (e.g. ``committee``): a single finding, or a digest of several."""

    key: str  # idempotency key: identical on every re-send of this alert
    route: str
    title: str
    severity: Severity  # the highest among the items
    created_at: datetime
    items: list[AlertItem]
    digest_period: str | None = None  # "start/end" (ISO 8601) when this is a digest
    # A message about kvrules itself, not a finding (a source failing for an hour, and back):
    # its paragraphs, said in place of items. Never folded into a digest: it waits for no one.
    notice: list[str] = []
    # An earlier attempt to send it was cut off (a crash) before its outcome was recorded: it
    # may have arrived already. Set on the re-send only, never stored in the outbox payload.
    possible_repeat: bool = False
    # The list editions the last scan screened against and their titles (``Store.screening``),
    # filled when the alert is sent: a message says what "on a list" was looked up in, and
    # that a partial copy is partial. Not stored in the outbox payload.
    screened: list[str] = []
    list_titles: dict[str, str] = {}

    @property
    def screened_in_words(self) -> str | None:
        """ "Organisations screened against the US DoD Section 1286 list, edition FY25 (a
        partial copy: …); not on a list means …", or None before a scan with lists."""
        return screened_in_words(self.screened, self.list_titles) if self.screened else None

    @property
    def digest_period_in_words(self) -> str | None:
        """The digest's period as people write it (``kvrules.plain.period_in_words``)."""
        return period_in_words(self.digest_period) if self.digest_period else None

    @classmethod
    def for_finding(
        cls,
        finding: Finding,
        *,
        key: str,
        case_id: int | None,
        created_at: datetime,
        route: str | None = None,
    ) -> Alert:
        """One finding's alert, to ``route`` (default: the finding's own)."""
        return cls(
            key=key,
            route=route or finding.alert or "default",
            title=f"[{Severity(finding.severity).value}] {finding.rule_title}",
            severity=finding.severity,
            created_at=created_at,
            items=[
                AlertItem(
                    case_id=case_id,
                    source_system=finding.source_system,
                    record_id=finding.source_record_id,
                    finding=finding,
                )
            ],
        )

    @classmethod
    def digest(cls, alerts: list[Alert], *, key: str, period: str) -> Alert:
        """Fold several alerts for the same route into one message."""
        items = [item for a in alerts for item in a.items]
        severity = max((a.severity for a in alerts), key=lambda s: s.rank)
        return cls(
            key=key,
            route=alerts[0].route,
            title=f"[{severity.value}] kvrules digest: {_new_and_updated(items)}",
            severity=severity,
            created_at=max(a.created_at for a in alerts),
            items=items,
            digest_period=period,
        )


def _new_and_updated(items: list[AlertItem]) -> str:
    """ "3 new findings, 1 updated": a finding updated in place that alerts again (it names
    another organisation, or is more severe) is no new finding; counted as one, a digest of
    3 new and 1 updated said "4 new findings"."""
    updated = sum(1 for item in items if item.change)
    new = len(items) - updated
    if not updated:
        return count_of(new, "new finding")
    if not new:
        return count_of(updated, "updated finding")
    return f"{count_of(new, 'new finding')}, {updated} updated"


def case_url(base_url: str | None, item: AlertItem) -> str | None:
    """Link to the case in the committee's case view; None without a base URL or case."""
    if not base_url or item.case_id is None:
        return None
    return f"{base_url.rstrip('/')}/cases/{item.case_id}"


class DeliveryError(KvrulesError):
    """A channel could not deliver. ``permanent``: retrying cannot help (dead-letter now).
    ``transient``: the other end could not be reached (down, refused, timed out, a 4xx "try
    later"): retried with backoff for as long as that lasts, never dead-lettered for it, since
    an outage says nothing about the alert. ``not_reached``: as ``kvrules.http.send`` sets it
    on the errors it raises (None otherwise). ``retry_after``: seconds the other end asked to
    wait before the next attempt (an HTTP Retry-After): the outbox waits at least that long,
    up to its longest retry delay (``kvrules.alerts``)."""

    not_reached: OSError | None = None

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.transient = transient and not permanent
        self.retry_after = retry_after


def is_transient(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the other end was not reachable for now (it may be back later):
    refused, reset or timed-out connections. A name that does not resolve, a certificate
    refused, are settings to fix: not transient (they dead-letter after the attempts)."""
    if isinstance(exc, ssl.SSLError | socket.gaierror):
        return False
    return isinstance(
        exc,
        ConnectionRefusedError
        | ConnectionResetError
        | ConnectionAbortedError
        | BrokenPipeError
        | TimeoutError,
    )


def unreachable(exc: BaseException, server: str) -> str | None:
    """A failure to reach ``server`` ("the mail server at smtp.example.edu:587") in words a
    person acts on, or None when ``exc`` is not one (the caller then says it its own way)."""
    if isinstance(exc, ConnectionRefusedError):
        return f"{server} refused the connection (is it running, and is that its port?)"
    if isinstance(exc, socket.gaierror):
        return f"{server}: its host name could not be resolved (check the name)"
    if isinstance(exc, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return f"{server} closed the connection"
    if isinstance(exc, TimeoutError):
        return f"{server} did not answer in time"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"{server}: its TLS certificate was not accepted ({exc.verify_message})"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{server} could not be reached: {exc.strerror.lower()}"
    return None


class AlertChannel(ABC):
    """Base class of alert channels; register subclasses via ``register_alert_channels``.

    Rules for implementers: pass ``alert.key`` to the receiver, and ``alert.possible_repeat``
    in a form its reader sees (a header and a line in the text, a field); raise (any exception, or
    ``DeliveryError(permanent=True)`` when retrying is pointless) instead of returning on
    failure; never put a secret in a log line or an exception message, and list secrets in
    ``secrets()`` so kvrules can scrub error text before storing it.
    """

    name: ClassVar[str]
    Config: ClassVar[type[BaseModel]]

    def __init__(self, config: BaseModel) -> None:
        self.config = config

    @abstractmethod
    def send(self, alert: Alert) -> None:
        """Deliver one alert, or raise."""

    def secrets(self) -> list[str]:
        """Secret values this channel holds (passwords, signing keys) for scrubbing."""
        return []

    def scrub(self, text: str) -> str:
        for secret in self.secrets():
            if secret:
                text = text.replace(secret, "***")
        return text

    def probe(self) -> str:
        """Reach the receiving end without sending an alert and say what answered (for
        `kvrules config check --connect`); raise on failure. The default checks nothing."""
        return "not checked: this channel has no probe"

    def close(self) -> None:  # noqa: B027  # optional hook, deliberately not abstract
        """Release connections the channel holds."""
