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


HUGE_ORG = "ffffffff-0000-4000-8000-000000000001"  # an external organisation with a huge name


def _no_uuid(rec: Record) -> None:
    del rec["uuid"]
    rec["awardClusters"] = [{"uuid": str(uuidlib.UUID(int=7))}]


def _huge_name(rec: Record) -> None:
    rec["externalOrganizations"] = [{"uuid": HUGE_ORG}]


# kind -> (how to spoil a record, what the quarantine reason must contain; for the huge
# kinds, followed by "over the limit"). The huge title and name are sized by plant(): just
# over the limits by default, megabytes with huge=True.
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
    "huge-title": (lambda r: None, "title"),  # sized by plant()
    "huge-name": (_huge_name, "name"),
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

    def explains(self, error: str | None) -> bool:
        """Whether a quarantine reason says what is wrong with this record."""
        if error is None or self.reason not in error:
            return False
        return not self.kind.startswith("huge-") or "over the limit" in error


def plant(
    store: Store, every: int, kinds: list[str] | None = None, huge: bool = False
) -> list[Planted]:
    """Replace every ``every``-th project (from position ``every // 2``) with a hostile
    variant, cycling through ``kinds``. ``huge``: a 20 MB title and a 12 MB organisation name
    (issue #14's memory attack) instead of sizes just over the name and title limits."""
    projects = store.collection("projects")
    name_size, title_size = (12 << 20, 20 << 20) if huge else (20_000, 50_000)
    orgs = store.collection("external-organizations")
    with store.lock:
        orgs.overrides[HUGE_ORG] = {
            "uuid": HUGE_ORG,
            "version": "1",
            "name": {"en_GB": "N" * name_size},
            "type": {"uri": "/dk/atira/pure/ueoexternalorganisation/academic"},
        }
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
        if kind == "huge-title":
            rec["title"] = {"en_GB": "T" * title_size}
        with store.lock:
            projects.overrides[uuid] = rec
        has_id = isinstance(rec.get("uuid"), str)
        planted.append(Planted(uuid if has_id else f"projects[{index}]", kind, reason, uuid))
    return planted
