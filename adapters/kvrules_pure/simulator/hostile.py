"""Hostile project records mixed into a running simulator: malformed, wrong types, huge.

What a careless import or an attacker with editor rights can put into Pure. Each kind comes
with what an adapter must say about it (a substring of the quarantine reason), so tests and
``bench/hostile_soak.py`` can check that every hostile record is quarantined with its field
path and every other record is still screened.
"""

from __future__ import annotations

import copy
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .store import Store

Record = dict[str, Any]


def _fake_refs(n: int) -> list[Record]:
    return [{"uuid": str(uuidlib.UUID(int=i + 1))} for i in range(n)]


def _no_uuid(rec: Record) -> None:
    del rec["uuid"]
    rec["awardClusters"] = [{"uuid": str(uuidlib.UUID(int=7))}]


# kind -> (how to spoil a record, what the quarantine reason must contain)
KINDS: dict[str, tuple[Callable[[Record], None], str]] = {
    "no-uuid": (_no_uuid, "record without uuid"),
    "uuid-object": (
        lambda r: r.update(uuid={"id": r["uuid"]}),
        "uuid: expected a uuid string, got an object",
    ),
    "item-not-object": (
        lambda r: r.update(collaborators=["Harbin Institute of Technology"]),
        "collaborators[0]: expected an object, got a string",
    ),
    "ref-uuid-list": (
        lambda r: r.update(externalOrganizations=[{"uuid": ["x"]}]),
        "externalOrganizations[0].uuid: expected a uuid string, got a list",
    ),
    "bad-date": (
        lambda r: r.update(period={"startDate": "2024-13-45"}),
        "period.startDate: not a date: '2024-13-45'",
    ),
    "participants-str": (
        lambda r: r.update(participants="str"),
        "participants: expected a list, got a string",
    ),
    "huge-title": (lambda r: r.update(title={"en_GB": "T" * 50_000}), "(max_title_chars)"),
    "huge-array": (
        lambda r: r.update(externalOrganizations=_fake_refs(20_000)),
        "externalOrganizations: array length 20,000 is over the limit",
    ),
    "many-refs": (
        lambda r: r.update(externalOrganizations=_fake_refs(1_500)),
        "organisation references 1,5",
    ),
}


@dataclass(frozen=True)
class Planted:
    """A hostile record: the id an adapter quarantines it under, its kind, the reason text."""

    record_id: str
    kind: str
    reason: str
    uuid: str  # the uuid it replaced (no longer in the listing as a good record)


def plant(store: Store, every: int, kinds: list[str] | None = None) -> list[Planted]:
    """Replace every ``every``-th project (from position ``every // 2``) with a hostile
    variant, cycling through ``kinds``. Returns what was planted."""
    projects = store.collection("projects")
    names = kinds or list(KINDS)
    planted: list[Planted] = []
    for n, index in enumerate(range(every // 2, len(projects), every)):
        uuid = projects.source.uuid_at(index)
        original = projects.get(uuid)
        if original is None:
            continue
        kind = names[n % len(names)]
        spoil, reason = KINDS[kind]
        rec = copy.deepcopy(original)
        spoil(rec)
        with store.lock:
            projects.overrides[uuid] = rec
        has_id = isinstance(rec.get("uuid"), str)
        planted.append(Planted(uuid if has_id else f"projects[{index}]", kind, reason, uuid))
    return planted
