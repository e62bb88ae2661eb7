"""In-memory Converis data: entities and link entities, with the updatedOn clock.

Records are kept in the Read API's EntityData shape with every attribute; the server trims
them to what the request's headers ask for. Link entities keep bare ids (`left`, `right`);
the server renders them as LinkEntityData. Every id is unique across entity types.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .model import DataModel

Json = dict[str, Any]
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def stamp(t: datetime) -> str:
    return t.astimezone(UTC).strftime(STAMP)


class UnknownAttribute(ValueError):
    pass


class Store:
    def __init__(self, model: DataModel, username: str = "kvrules") -> None:
        self.model = model
        self.username = username
        self.entities: dict[str, dict[int, Json]] = {name: {} for name in model.entities}
        self.links: dict[str, dict[int, Json]] = {name: {} for name in model.links}
        self._type_of: dict[int, str] = {}
        self.lock = threading.RLock()
        # Converis stamps to the second, so quick successive edits share an updatedOn.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.writes: list[Json] = []  # CUD bodies applied, oldest first
        # With SimulatorConfig.shapes: shape name -> its project, and the own unit it uses.
        self.shapes: dict[str, int] = {}
        self.shape_unit: int | None = None

    # ---- building -----------------------------------------------------------------------
    def add_entity(self, rec: Json) -> Json:
        with self.lock:
            self.entities[rec["entityName"]][rec["id"]] = rec
            self._type_of[rec["id"]] = rec["entityName"]
        return rec

    def add_link(self, rec: Json) -> Json:
        with self.lock:
            self.links[rec["linkName"]][rec["id"]] = rec
        return rec

    def delete(self, rec_id: int) -> None:
        """Delete an entity and every link to it, as an editor deleting a project does (the
        CUD API's DELETE /dataentities); the Read API then answers 404 for it and lists it
        no more."""
        with self.lock:
            entity = self._type_of.pop(rec_id)
            del self.entities[entity][rec_id]
            for links in self.links.values():
                for lid in [i for i, ln in links.items() if rec_id in (ln["left"], ln["right"])]:
                    del links[lid]

    def next_id(self) -> int:
        with self.lock:
            ids = list(self._type_of) + [i for ls in self.links.values() for i in ls]
            return max(ids, default=100000) + 1

    # ---- reading ------------------------------------------------------------------------
    def get(self, entity: str, rec_id: int) -> Json | None:
        return self.entities.get(entity, {}).get(rec_id)

    def find(self, rec_id: int) -> Json | None:
        entity = self._type_of.get(rec_id)
        return None if entity is None else self.entities[entity].get(rec_id)

    def sorted(self, records: Iterable[Json], sort: str, desc: bool) -> list[Json]:
        key = {"Updated on": "updatedOn", "Created on": "createdOn", "id": "id"}.get(sort, sort)
        # id breaks ties, so pages of equal timestamps are stable between requests.
        return sorted(records, key=lambda r: (r.get(key) or "", r["id"]), reverse=desc)

    def linked(self, target: str, link: str, source_id: int, direction: str) -> list[Json]:
        """Entities of type `target` linked through `link` to entity `source_id`."""
        ld = self.model.links[link]
        out: list[Json] = []
        for rec in self.links[link].values():
            if ld.left == ld.right:  # same type on both sides: direction decides
                pair = (
                    (rec["left"], rec["right"])
                    if direction != "R2L"
                    else (rec["right"], rec["left"])
                )
            elif target == ld.right:
                pair = (rec["left"], rec["right"])
            else:
                pair = (rec["right"], rec["left"])
            if pair[0] == source_id and (found := self.get(target, pair[1])) is not None:
                out.append(found)
        return out

    def links_of(self, link: str, entity: str, rec_id: int) -> list[Json]:
        ld = self.model.links[link]
        side = "left" if ld.left == entity else "right"
        return [r for r in self.links[link].values() if r[side] == rec_id]

    # ---- writing ------------------------------------------------------------------------
    def now(self) -> str:
        return stamp(self.clock())

    def touch(self, rec_id: int, by: str = "editor") -> Json:
        """Mark a record edited now (as another Converis user would)."""
        with self.lock:
            rec = self.find(rec_id)
            if rec is None:
                raise KeyError(rec_id)
            rec["updatedOn"], rec["updatedBy"] = self.now(), by
            return rec

    def set_attribute(self, rec_id: int, name: str, value: Any, lang: str | None = None) -> Json:
        """CUD semantics for one attribute: replace its value(s); an empty value removes it."""
        with self.lock:
            rec = self.find(rec_id)
            if rec is None:
                raise KeyError(rec_id)
            adef = self.model.attribute(rec["entityName"], name)
            if adef is None:
                raise UnknownAttribute(f"{rec['entityName']} has no attribute {name!r}")
            keep = [
                a
                for a in rec.get("attributes", [])
                if a["attributeName"] != name or (lang and a.get("language") not in (None, lang))
            ]
            if value not in (None, ""):
                data: Json = {"attributeName": name, "attributeType": adef.data_type}
                if lang:
                    data["language"] = lang
                data["value"] = str(value)
                if adef.data_type == "CGV":
                    data["choiceGroupData"] = {
                        "choiceGroupName": adef.label or name,
                        "choiceGroupValue": str(value),
                        "choiceGroupValueLabels": [{"language": "en_GB", "value": str(value)}],
                    }
                keep.append(data)
            rec["attributes"] = keep
            return rec

    def update(self, rec_id: int, attributes: list[Json], by: str | None = None) -> Json:
        with self.lock:
            rec = self.find(rec_id)
            if rec is None:
                raise KeyError(rec_id)
            for a in attributes:  # validate all before changing anything
                if self.model.attribute(rec["entityName"], a.get("name", "")) is None:
                    raise UnknownAttribute(
                        f"{rec['entityName']} has no attribute {a.get('name')!r}"
                    )
            for a in attributes:
                self.set_attribute(rec_id, a["name"], a.get("value"), a.get("lang"))
            rec["updatedOn"], rec["updatedBy"] = self.now(), by or self.username
            self.writes.append({"id": rec_id, "attributes": copy.deepcopy(attributes)})
            return rec

    def link(self, link: str, left: int, right: int, attributes: list[Json] | None = None) -> Json:
        """Add a link entity now, as an editor would (the project's updatedOn is unchanged)."""
        now = self.now()
        rec = {
            "id": self.next_id(),
            "linkName": link,
            "left": left,
            "right": right,
            "leftSeq": len(self.links_of(link, self.model.links[link].left, left)) + 1,
            "rightSeq": 1,
            "createdBy": "editor",
            "createdOn": now,
            "updatedBy": "editor",
            "updatedOn": now,
            "attributes": attributes or [],
        }
        return self.add_link(rec)

    # ---- files --------------------------------------------------------------------------
    def dump(self, directory: str | Path) -> None:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        ents = [r for by_id in self.entities.values() for r in by_id.values()]
        lnks = [r for by_id in self.links.values() for r in by_id.values()]
        (d / "entities.json").write_text(json.dumps(ents, ensure_ascii=False), "utf-8")
        (d / "links.json").write_text(json.dumps(lnks, ensure_ascii=False), "utf-8")

    def load(self, directory: str | Path) -> None:
        d = Path(directory)
        for rec in json.loads((d / "entities.json").read_text("utf-8")):
            if rec.get("entityName") in self.entities:
                self.add_entity(rec)
        for rec in json.loads((d / "links.json").read_text("utf-8")):
            if rec.get("linkName") in self.links:
                self.add_link(rec)
