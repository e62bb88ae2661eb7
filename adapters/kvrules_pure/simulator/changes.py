"""The legacy Pure WS 5.24 changes feed (GET /ws/api/524/changes/{date-or-token}).

The journal is a sequence of slots. The initial history is virtual (segments computed from
an index, so 100,000 projects cost nothing); live writes are appended. Each slot yields zero
or more visible items. Real-feed quirks are planted on purpose (cris-apis.md 1.5): runs of
hidden (confidential) slots produce pages with count 0 and moreChanges true, and some slots
add items without uuid, duplicate uuids, version -1, or non-content families.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .ids import make_uuid, stable_int

PAGE_SLOTS = 100
FAMILIES = {
    "Project": "dk.atira.pure.api.shared.model.project.Project",
    "Award": "dk.atira.pure.api.shared.model.award.Award",
    "ExternalOrganisation": (
        "dk.atira.pure.api.shared.model.externalorganisation.ExternalOrganisation"
    ),
    "Organisation": "dk.atira.pure.api.shared.model.organisation.Organisation",
    "Person": "dk.atira.pure.api.shared.model.person.Person",
    "ExternalPerson": "dk.atira.pure.api.shared.model.externalperson.ExternalPerson",
    "ResearchOutput": "dk.atira.pure.api.shared.model.researchoutput.ResearchOutput",
    "Activity": "dk.atira.pure.api.shared.model.activity.Activity",
    "ClassificationScheme": "dk.atira.pure.api.shared.model.classification.ClassificationScheme",
    "ImportResult": "dk.atira.pure.api.shared.model.importresult.ImportResult",
    "KeywordGroupConfiguration": "dk.atira.pure.api.shared.model.keyword.KeywordGroupConfiguration",
}
# New-API system names (US spelling) -> legacy familySystemName (UK spelling).
LEGACY_NAME = {"Organization": "Organisation", "ExternalOrganization": "ExternalOrganisation"}


def change_item(
    system_name: str, uuid: str | None, change_type: str, version: int
) -> dict[str, Any]:
    name = LEGACY_NAME.get(system_name, system_name)
    item: dict[str, Any] = {}
    if uuid is not None:
        item["uuid"] = uuid
    item.update(
        changeType=change_type,
        family=FAMILIES.get(name, f"dk.atira.pure.api.shared.model.{name.lower()}.{name}"),
        familySystemName=name,
        version=version,
    )
    return item


@dataclass(frozen=True)
class Segment:
    """`count` slots; items(k) are slot k's visible items, time(k) is monotone in k."""

    count: int
    items: Callable[[int], list[dict[str, Any]]]
    time: Callable[[int], float]


def encode_token(seq: int) -> str:
    return base64.b64encode(json.dumps({"sequenceNumber": seq}).encode()).decode()


def decode_token(token: str) -> int | None:
    try:
        data = json.loads(base64.b64decode(token.encode(), validate=True))
        seq = int(data["sequenceNumber"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return seq if seq >= 0 else None


def parse_date(text: str) -> float | None:
    for fmt in ("%Y-%m-%d_%H-%M-%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    return None


class ChangeJournal:
    def __init__(self, segments: list[Segment], seed: int = 0, noise: bool = True) -> None:
        self._segments = segments
        self._starts = [0]
        for s in segments:
            self._starts.append(self._starts[-1] + s.count)
        self._seed = seed
        self._noise = noise
        self._live: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Lock()

    @property
    def base_len(self) -> int:
        return self._starts[-1]

    def __len__(self) -> int:
        return self.base_len + len(self._live)

    def record(self, system_name: str, uuid: str, change_type: str, version: int) -> None:
        with self._lock:
            self._live.append((time.time(), change_item(system_name, uuid, change_type, version)))

    def _slot(self, seq: int) -> tuple[float, list[dict[str, Any]]]:
        if seq >= self.base_len:
            ts, item = self._live[seq - self.base_len]
            return ts, [item]
        n = bisect_right(self._starts, seq) - 1
        seg, k = self._segments[n], seq - self._starts[n]
        items = seg.items(k)
        if self._noise and items:
            items = items + self._quirks(seq, items[0])
        return seg.time(k), items

    def _quirks(self, seq: int, first: dict[str, Any]) -> list[dict[str, Any]]:
        h = stable_int(self._seed, "feed", seq) % 1000
        if h < 30:  # the same uuid again within the page
            return [dict(first)]
        if h < 60:  # classification schemes carry no uuid
            return [change_item("ClassificationScheme", None, "UPDATE", -1)]
        if h < 75:
            return [change_item("ImportResult", make_uuid(self._seed, "import", seq), "CREATE", 0)]
        if h < 85:
            uuid = make_uuid(self._seed, "kwcfg", seq % 7)
            return [change_item("KeywordGroupConfiguration", uuid, "UPDATE", -1)]
        return []

    def _time(self, seq: int) -> float:
        return self._slot(seq)[0]

    def seq_for_time(self, ts: float) -> int:
        with self._lock:
            total = len(self)
        lo, hi = 0, total
        while lo < hi:  # first slot at or after ts; slot times are monotone
            mid = (lo + hi) // 2
            if self._time(mid) < ts:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def page(self, start: int, base_url: str) -> dict[str, Any]:
        with self._lock:
            total = len(self)
        end = min(start + PAGE_SLOTS, total)
        items: list[dict[str, Any]] = []
        for seq in range(start, end):
            items.extend(self._slot(seq)[1])
        nxt = max(end, start)
        token = encode_token(nxt)
        out: dict[str, Any] = {"count": len(items), "resumptionToken": token}
        out["moreChanges"] = nxt < total
        out["navigationLinks"] = [{"ref": "next", "href": f"{base_url}/524/changes/{token}"}]
        if items:  # a zero-count page has no items key at all, as observed
            out["items"] = items
        return out
