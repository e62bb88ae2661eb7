"""Collections over record sources, plus the write path (PUT merge, versions, notes)."""

from __future__ import annotations

import bisect
import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import applications
from .changes import ChangeJournal
from .ids import version_hash
from .problems import Problem, conflict, not_found, validation_error
from .shapes import stamp
from .sources import Record, RecordSource
from .synthetic import KeywordConfig

READ_ONLY = frozenset(
    {
        "pureId", "uuid", "createdBy", "createdDate", "modifiedBy", "modifiedDate", "portalUrl",
        "prettyUrlIdentifiers", "previousUuids", "systemName", "totalAcademicOwnership", "version",
    }
)  # fmt: skip
KEYWORD_GROUP_TYPES = {
    "ClassificationsKeywordGroup",
    "FreeKeywordsKeywordGroup",
    "FullKeywordGroup",
}
REQUIRED = {
    "projects": ("title", "type", "managingOrganization", "organizations"),
    "awards": ("title", "type", "managingOrganization", "organizations", "fundings", "awardDate"),
    "external-organizations": ("name", "type"),
    "organizations": ("name", "type", "lifecycle"),
    "applications": ("title", "type", "managingOrganization", "organizations", "fundings"),
}


class Collection:
    """One content family. Written records shadow the source (copy-on-write)."""

    def __init__(self, name: str, system_name: str, source: RecordSource) -> None:
        self.name = name
        self.system_name = system_name
        self.source = source
        self.overrides: dict[str, Record] = {}
        self.writes: dict[str, int] = {}  # uuid -> number of writes (legacy integer version)
        self.added: list[str] = []  # records created after start, listed after the source's
        self.deleted: list[int] = []  # positions of deleted records, ascending

    def __len__(self) -> int:
        return len(self.source) + len(self.added) - len(self.deleted)

    def _uuid_at(self, position: int) -> str:
        n = len(self.source)
        return self.source.uuid_at(position) if position < n else self.added[position - n]

    def delete(self, uuid: str) -> None:
        """Gone, as Pure deletes: a GET is 404 and the later records move up the listing."""
        uuid = uuid.lower()
        everything = len(self.source) + len(self.added)
        position = next(p for p in range(everything) if self._uuid_at(p) == uuid)
        if position not in self.deleted:
            bisect.insort(self.deleted, position)
        self.overrides.pop(uuid, None)

    def add(self, rec: Record) -> None:
        if self.get(rec["uuid"]) is None:
            self.added.append(rec["uuid"])
        self.overrides[rec["uuid"]] = rec

    def get(self, uuid: str) -> Record | None:
        uuid = uuid.lower()
        rec = self.overrides.get(uuid) or self.source.get(uuid)
        if rec is not None and self.deleted and self._is_deleted(uuid):
            return None
        return rec

    def _is_deleted(self, uuid: str) -> bool:
        return any(self._uuid_at(p) == uuid for p in self.deleted)

    def page(self, offset: int, size: int) -> list[Record]:
        everything = len(self.source) + len(self.added)
        position = offset  # the offset-th record still there: deleted ones before it skipped
        for gone in self.deleted:
            if gone <= position:
                position += 1
        out = []
        while len(out) < size and position < everything:
            if position not in self.deleted:
                uuid = self._uuid_at(position)
                rec = self.overrides.get(uuid) or self.source.get(uuid)
                if rec is not None:
                    out.append(rec)
            position += 1
        return out

    def resolve_moved(self, uuid: str) -> str | None:
        return self.source.resolve_moved(uuid.lower())


@dataclass
class Store:
    collections: dict[str, Collection]
    journal: ChangeJournal
    keyword_configs: list[KeywordConfig]
    locale: str = "en_GB"
    conflict_status: int = 409
    notes: dict[str, list[Record]] = field(default_factory=dict)
    # Clusters for projects that do not list awardClusters themselves (data-dir mode).
    clusters_by_project: Callable[[str], list[Record]] | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Project uuid -> why the generator made it risky (the demo's ground truth for recall).
    planted: Callable[[], dict[str, str]] = dict

    def collection(self, name: str) -> Collection:
        try:
            return self.collections[name]
        except KeyError:
            raise not_found(f"No collection {name}") from None

    def get(self, coll: str, uuid: str) -> Record | None:
        return self.collection(coll).get(uuid)

    def keyword_config(self, pure_id: int) -> KeywordConfig | None:
        return next((c for c in self.keyword_configs if c.pure_id == pure_id), None)

    # ---- award clusters -----------------------------------------------------------------
    def award_clusters(self, project: Record) -> list[Record]:
        clusters = self.collections.get("award-clusters")
        refs = project.get("awardClusters")
        if refs is not None and clusters is not None:
            found = (clusters.get(r["uuid"]) for r in refs if isinstance(r, dict) and "uuid" in r)
            return [c for c in found if c is not None]
        if self.clusters_by_project is not None:
            return self.clusters_by_project(project["uuid"])
        return []

    # ---- applications -------------------------------------------------------------------
    def application_cluster(self, application: Record) -> Record | None:
        clusters = self.collections.get("application-clusters")
        uuid = (application.get("cluster") or {}).get("uuid")
        return clusters.get(uuid) if clusters is not None and uuid else None

    def application_clusters(self, project: Record) -> list[Record]:
        clusters = self.collections.get("application-clusters")
        refs = project.get("applicationClusters") or []
        found = (clusters.get(r["uuid"]) for r in refs if clusters is not None and "uuid" in r)
        return [c for c in found if c is not None]

    def award_application(self, uuid: str, seed: int = 0) -> dict[str, Record]:
        """What Pure does when the grant office records the application as awarded: an award,
        its cluster and a project appear, linked to it, and the changes feed says so. Returns
        the new and changed records by collection."""
        with self.lock:
            current = self.get("applications", uuid)
            if current is None:
                raise not_found(f"No Application with uuid {uuid}")
            made = applications.award(current, seed)
            for coll, rec in made.items():
                c = self.collection(coll)
                change = "UPDATE" if c.get(rec["uuid"]) is not None else "CREATE"
                if change == "UPDATE":  # the application: a new version
                    n = c.writes.get(rec["uuid"], 0) + 1
                    c.writes[rec["uuid"]] = n
                    rec["version"] = version_hash(rec["uuid"], current.get("version"), n)
                    rec["modifiedDate"] = stamp(time.time())
                c.add(rec)
                self.journal.record(c.system_name, rec["uuid"], change, 0)
            return made

    # ---- writes ---------------------------------------------------------------------------
    def delete(self, coll: str, uuid: str) -> None:
        """Delete a record (the changes feed says so); tests call it, the API has no DELETE."""
        c = self.collection(coll)
        with self.lock:
            if c.get(uuid) is None:
                raise not_found(f"No {c.system_name} with uuid {uuid}")
            c.delete(uuid)
            self.journal.record(c.system_name, uuid.lower(), "DELETE", 0)

    def put(self, coll: str, uuid: str, body: Any, user: str = "api") -> Record:
        """Merge body's top-level properties into the record; lists replace wholesale."""
        if not isinstance(body, dict):
            raise validation_error([("", "invalid", "Request body must be a JSON object")])
        c = self.collection(coll)
        with self.lock:
            current = c.get(uuid)
            if current is None:
                raise not_found(f"No {c.system_name} with uuid {uuid}")
            sent = body.get("version")
            if sent is not None and sent != current.get("version"):  # null/missing = dirty write
                raise self._conflict(current)
            td = body.get("typeDiscriminator")
            if td is not None and td != current.get("typeDiscriminator"):
                raise validation_error(
                    [("typeDiscriminator", "immutable", "typeDiscriminator cannot change")]
                )
            merged = copy.deepcopy(current)
            for key, value in body.items():
                if key not in READ_ONLY:
                    merged[key] = value
            if isinstance(merged.get("keywordGroups"), list):
                merged["keywordGroups"] = [self._as_configured(g) for g in merged["keywordGroups"]]
            self._validate(coll, merged)
            n = c.writes.get(current["uuid"], 0) + 1
            c.writes[current["uuid"]] = n
            merged["version"] = version_hash(current["uuid"], current.get("version"), n)
            merged["modifiedDate"] = stamp(time.time())
            merged["modifiedBy"] = user
            c.overrides[current["uuid"]] = merged
            self.journal.record(c.system_name, current["uuid"], "UPDATE", n)
            return merged

    def _conflict(self, current: Record) -> Problem:
        p = conflict(
            f"Version {current.get('version')} is current; re-read and merge before writing",
            current.get("modifiedDate") or stamp(time.time()),
            current.get("modifiedBy") or "unknown",
        )
        if self.conflict_status != 409:
            p.status = self.conflict_status
        return p

    def _validate(self, coll: str, rec: Record) -> None:
        errors: list[tuple[str, str, str]] = []
        for key in REQUIRED.get(coll, ()):
            if rec.get(key) in (None, "", [], {}) and not (key == "organizations" and key in rec):
                errors.append((key, "required", f"{key} is required"))
        for key in ("title", "name", "shortTitle"):
            if key in rec and rec[key] is not None and not isinstance(rec[key], dict):
                errors.append((key, "type", f"{key} must be a localized string map"))
        for i, group in enumerate(rec.get("keywordGroups") or []):
            errors.extend(self._keyword_group_errors(f"keywordGroups[{i}]", group))
        for key in ("participants", "collaborators", "identifiers"):
            value = rec.get(key)
            if value is not None and not isinstance(value, list):
                errors.append((key, "type", f"{key} must be a list"))
            for i, item in enumerate(value or []):
                if not isinstance(item, dict) or "typeDiscriminator" not in item:
                    errors.append((f"{key}[{i}]", "required", "typeDiscriminator is required"))
        if errors:
            raise validation_error(errors)

    def _as_configured(self, group: Any) -> Any:
        """A group in the form its configuration stores (Pure 5.35 spec, FullKeywordGroup:
        "structured keywords supplemented by optional free keywords"): a group configured so
        that is read back as one, whichever form was written (classifications become
        containers)."""
        if not isinstance(group, dict) or group.get("typeDiscriminator") != (
            "ClassificationsKeywordGroup"
        ):
            return group
        config = next(
            (c for c in self.keyword_configs if c.logical_name == group.get("logicalName")), None
        )
        if config is None or config.group_type != "FullKeywordGroup":
            return group
        out = {k: v for k, v in group.items() if k != "classifications"}
        out["typeDiscriminator"] = "FullKeywordGroup"
        out["keywordContainers"] = [
            {"structuredKeyword": c} for c in group.get("classifications") or []
        ]
        return out

    def _keyword_group_errors(self, path: str, group: Any) -> list[tuple[str, str, str]]:
        if not isinstance(group, dict):
            return [(path, "type", "keyword group must be an object")]
        errors = []
        td = group.get("typeDiscriminator")
        if td not in KEYWORD_GROUP_TYPES:
            errors.append((f"{path}.typeDiscriminator", "invalid", f"unknown type {td!r}"))
        if not group.get("logicalName"):
            errors.append((f"{path}.logicalName", "required", "logicalName is required"))
        config = next(
            (c for c in self.keyword_configs if c.logical_name == group.get("logicalName")), None
        )
        if td == "ClassificationsKeywordGroup":
            for j, item in enumerate(group.get("classifications") or []):
                uri = item.get("uri") if isinstance(item, dict) else None
                if not uri:
                    errors.append((f"{path}.classifications[{j}].uri", "required", "uri required"))
                elif config is not None and uri not in config.allowed_uris():
                    msg = f"{uri} is not allowed for {config.logical_name}"
                    errors.append((f"{path}.classifications[{j}].uri", "invalid", msg))
        if td == "FullKeywordGroup":  # KeywordContainer: structuredKeyword is required
            for j, item in enumerate(group.get("keywordContainers") or []):
                where = f"{path}.keywordContainers[{j}].structuredKeyword"
                ref = item.get("structuredKeyword") if isinstance(item, dict) else None
                uri = ref.get("uri") if isinstance(ref, dict) else None
                if not uri:
                    errors.append((where, "required", "structuredKeyword with a uri required"))
                elif config is not None and uri not in config.allowed_uris():
                    msg = f"{uri} is not allowed for {config.logical_name}"
                    errors.append((f"{where}.uri", "invalid", msg))
        return errors

    def add_note(self, coll: str, uuid: str, note: Any) -> Record:
        if not isinstance(note, dict) or not isinstance(note.get("text"), str):
            raise validation_error([("text", "required", "Note text is required")])
        rec = self.get(coll, uuid)
        if rec is None:
            raise not_found(f"No record with uuid {uuid}")
        stored = {
            "text": note["text"],
            "username": note.get("username") or "api",
            "date": note.get("date") or stamp(time.time()),
        }
        with self.lock:
            self.notes.setdefault(rec["uuid"], []).append(stored)
        return stored
