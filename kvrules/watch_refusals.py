"""What a running ``kvrules watch`` did not take, told once: on its line and to an alert route.

A configuration or rulebook edited into one that does not validate is not taken: the watch
keeps scanning with what it read before (``watch_config``, ``watch``). That used to be said
on stdout only, where nobody reads a service's output, and a refused configuration at every
scan. Now each refusal is said once (again when it changes, and "read again" when it is fixed)
and reaches the route a source outage reaches (``alerts.source_down_route``, else admin, else
committee: ``source_outage.outage_route``) once, through the outbox as any alert: the
committee or the administrator should know the watch runs on old settings."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from kvrules.alerting import Alert
from kvrules.config import Config
from kvrules.rulebook.ir import Severity
from kvrules.source_outage import outage_route
from kvrules.store import Store

__all__ = ["Refusals", "queue_refusal"]

NO_ROUTE = (
    "nobody alerted, no route for it (set alerts.source_down_route, or route admin or "
    "committee to a channel)"
)


def utcnow() -> datetime:
    """The time an alert is made at (a module function: tests set it)."""
    return datetime.now(UTC)


def queue_refusal(store: Store, config: Config, what: str, refused: str, kept: str) -> str:
    """Queue, for each channel of the outage route of ``config`` (the one in force), one
    alert that the ``what`` ("configuration", "rulebooks") changed into one not taken:
    ``refused`` says why (file:line:col: message), ``kept`` what runs instead ("the
    configuration read at 10:02"). Returns the words for the watch's line: who was alerted,
    or that nobody could be."""
    route = outage_route(config)
    channels = config.alerts.routes.get(route or "", [])
    if not channels:
        return NO_ROUTE
    now = utcnow()
    # one alert per refusal: a later refusal, even in the same words, is a new alert
    stamp = f"{now:%Y%m%dT%H%M%S%fZ}.{hashlib.sha256(refused.encode()).hexdigest()[:12]}"
    notice = [
        f"A change to kvrules' {what} was not taken by the running `kvrules watch`: {refused}.",
        f"It goes on scanning with {kept}: the change has no effect until it is fixed "
        "(`kvrules config check` says what is wrong). The watch says on its line when it "
        "reads the files again.",
    ]
    for channel in channels:
        store.enqueue_alert(
            Alert(
                key=f"watch-refused.{what}.{stamp}.{channel}",
                route=route or "",
                title=f"[high] kvrules watch: a change to its {what} was not taken; it runs "
                f"with {kept}",
                severity=Severity.HIGH,
                created_at=now,
                items=[],
                notice=notice,
            ),
            channel,
        )
    return f"{route} alerted"


class Refusals:
    """Which refusal of each kind was alerted last, so that each is alerted once: ``due`` is
    true for a refusal not alerted yet (None, fixed: forgotten, so that a later one is alerted
    again); ``told`` records one as alerted once its alert is queued (reviewer: recorded
    before, an alert that could not be queued, the state database busy, was never tried
    again)."""

    def __init__(self) -> None:
        self._told: dict[str, str] = {}

    def due(self, what: str, refused: str | None) -> bool:
        if refused is None:
            self._told.pop(what, None)
            return False
        return self._told.get(what) != refused

    def told(self, what: str, refused: str) -> None:
        self._told[what] = refused
