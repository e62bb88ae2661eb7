"""Full and incremental passes: Converis records -> FetchedRecords with resumable cursors.

Full pass: the newest `Updated on` of every stream is noted first (the next pass's
watermarks), then link entities and organisations are read in bulk (50 per request, instead
of several requests per project under a 10 requests/s limit), then projects page by page.

Incremental pass (state.py explains the watermarks): changed link entities and organisations
name the projects they touch; changed projects are read newest first down to the watermark;
the touched projects not seen that way are re-read by id. Related records are then fetched
per project. Deleted links leave no trace in the Read API, so removals show up only when the
project itself changes (or at the next full pass).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from kvrules import FetchedRecord
from kvrules.http import quote_id

from . import mapping
from .client import ALL, ConverisClient, NotFound
from .config import ConverisConfig
from .mapping import Json, MappingError, Related, parse_time
from .state import Mark, State

log = logging.getLogger("kvrules_converis")
DESC = {"sort": "Updated on", "sortOrder": "DESC"}
BASIC = {"Converis-attribute-definition": "BASIC"}


class Scanner:
    def __init__(self, client: ConverisClient, config: ConverisConfig) -> None:
        self.client, self.cfg = client, config
        self.orgs: dict[int, Json | Exception] = {}
        self.links: dict[str, dict[int, list[Json]]] | None = None  # full pass: bulk-loaded
        self.emitted: set[str] = set()  # one fetch yields a record once

    # ---- paths --------------------------------------------------------------------------
    @property
    def projects(self) -> str:
        return f"/data/entities/{self.cfg.project_entity}"

    def _stream_path(self, stream: str) -> str:
        if stream == "p":
            return self.projects
        if stream == "o":
            return f"/data/entities/{self.cfg.organisation_entity}"
        return f"/data/linkentities/{stream[2:]}"

    def _streams(self) -> list[str]:
        return ["p", "o", *(f"l:{n}" for n in self.cfg.links())]

    # ---- entry point ----------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> Iterator[FetchedRecord]:
        state = State.decode(cursor)
        if state.mode == "full":
            yield from self._full(state)
        else:
            yield from self._incremental(state)

    def _finish(self, state: State) -> Iterator[FetchedRecord]:
        overlap = self.cfg.overlap_seconds
        state.marks = {
            s: state.next_marks.get(s, Mark()).merged(state.marks.get(s), overlap)
            for s in self._streams()
        }
        state.mode, state.phase, state.start = "incremental", "collect", 1
        state.next_marks, state.todo = {}, []
        yield FetchedRecord(record_id="converis:pass-complete", cursor=state.encode())

    # ---- full pass --------------------------------------------------------------------------
    def _full(self, state: State) -> Iterator[FetchedRecord]:
        if state.phase == "start":
            # Watermarks before reading: whatever changes during the pass is newer.
            for s in self._streams():
                page = self.client.get_json(
                    self._stream_path(s), {**DESC, "count": self.cfg.page_size}, BASIC
                )
                mark = state.next_marks[s] = Mark()
                for rec in page.get("data") or []:
                    mark.note(rec.get("id"), rec.get("updatedOn"), self.cfg.overlap_seconds)
            state.phase, state.start = "projects", 1
        self._preload()
        for nxt, page in self.client.pages(self.projects, DESC, ALL, start=state.start):
            first = nxt - len(page)
            for i, rec in enumerate(page):
                # Positions are exact resume points: each record carries its own cursor.
                state.start = first + i + 1
                out = [self._record(rec, self._cached_related(rec), "project.created")]
                yield from self._with_cursor(out, state, "")
            state.start = nxt
        yield from self._finish(state)

    def _preload(self) -> None:
        self.links = {}
        for link in self.cfg.links():
            by_project: dict[int, list[Json]] = {}
            for ln in self.client.all(f"/data/linkentities/{link}", headers=ALL):
                if (pid := self._project_side(ln)) is not None:
                    by_project.setdefault(pid, []).append(ln)
            self.links[link] = by_project
        path = f"/data/entities/{self.cfg.organisation_entity}"
        self.orgs.update({o["id"]: o for o in self.client.all(path, headers=ALL) if "id" in o})

    def _cached_related(self, rec: Json) -> Related:
        assert self.links is not None
        pid = rec.get("id")
        links = {name: by.get(pid, []) for name, by in self.links.items()}
        return self._assemble(pid, links, [])

    # ---- incremental pass ---------------------------------------------------------------------
    def _incremental(self, state: State) -> Iterator[FetchedRecord]:
        if state.phase == "collect":
            state.next_marks = {}
            touched: set[int] = set()
            for link in self.cfg.links():
                for ln in self._changed(f"l:{link}", state, BASIC):
                    if (pid := self._project_side(ln)) is not None:
                        touched.add(pid)
            for org in self._changed("o", state, BASIC):
                self.orgs.pop(org["id"], None)
                touched |= self._projects_using(org["id"])
            state.todo, state.phase, state.start = sorted(touched), "projects", 1
            yield FetchedRecord(record_id="converis:collected", cursor=state.encode())
        if state.phase == "projects":
            changed: list[Json] = []
            for rec in self._changed("p", state, ALL):
                changed.append(rec)
                if len(changed) == self.cfg.page_size:
                    yield from self._emit(changed, state)
                    changed = []
            yield from self._emit(changed, state)
            state.phase = "todo"
        while state.todo:
            chunk, rest = state.todo[: self.cfg.page_size], state.todo[self.cfg.page_size :]
            got = self.client.map_safe(
                lambda i: self.client.get_json(f"{self.projects}/{quote_id(i)}", headers=ALL), chunk
            )
            recs, out = [], []
            for pid, rec in got.items():
                if isinstance(rec, NotFound):
                    log.info("project %s is gone or hidden from this account; skipped", pid)
                elif isinstance(rec, Exception):
                    out.append(FetchedRecord(record_id=str(pid), error=f"re-read failed: {rec}"))
                else:
                    recs.append(rec)
            out += self._live_records(recs, state)
            state.todo = rest
            yield from self._with_cursor(out, state, "converis:todo")
        yield from self._finish(state)

    def _changed(self, stream: str, state: State, headers: dict[str, str]) -> Iterator[Json]:
        """Records of a stream changed since its watermark, newest first."""
        overlap = self.cfg.overlap_seconds
        old = state.marks.get(stream, Mark())
        new = state.next_marks.setdefault(stream, Mark())
        floor = old.floor(overlap)
        for _, page in self.client.pages(self._stream_path(stream), DESC, headers):
            for rec in page:
                updated = rec.get("updatedOn")
                t = parse_time(updated)
                if floor is not None and t is not None and t < floor:
                    return
                new.note(rec.get("id"), updated, overlap)
                if old.is_new(rec.get("id"), updated):
                    yield rec

    def _projects_using(self, org_id: int) -> set[int]:
        found: set[int] = set()
        for link in self.cfg.links():
            path = f"{self.projects}/linked/{link}/{org_id}"
            found |= {p["id"] for p in self.client.all(path, headers=BASIC) if "id" in p}
        return found

    def _emit(self, recs: list[Json], state: State) -> Iterator[FetchedRecord]:
        if not recs:
            return
        ids = {r.get("id") for r in recs}
        state.todo = [i for i in state.todo if i not in ids]
        yield from self._with_cursor(self._live_records(recs, state), state, "converis:changed")

    def _live_records(self, recs: list[Json], state: State) -> list[FetchedRecord]:
        """Records with their related data fetched per project (incremental passes)."""
        jobs = [
            (r["id"], link)
            for r in recs
            if isinstance(r.get("id"), int)
            for link in self.cfg.links()
        ]
        path = "/data/linkentities/{1}/linked/" + self.cfg.project_entity + "/{0}"
        got = self.client.map_safe(lambda j: self.client.all(path.format(*j), headers=ALL), jobs)
        org_ids = {
            oid
            for (pid, _), links in got.items()
            if isinstance(links, list)
            for ln in links
            if (oid := mapping.other_id(ln, pid)) is not None
        }
        self._load_orgs(org_ids)
        out = []
        for rec in recs:
            pid = rec.get("id")
            links: dict[str, list[Json]] = {}
            errors = []
            for link in self.cfg.links():
                result = got.get((pid, link), [])
                if isinstance(result, Exception):
                    errors.append(f"{link}: {result}")
                else:
                    links[link] = result
            out.append(
                self._record(rec, self._assemble(pid, links, errors), self._kind(rec, state))
            )
        return out

    def _kind(self, rec: Json, state: State) -> str:
        prev = state.marks.get("p", Mark())
        created, at = parse_time(rec.get("createdOn")), parse_time(prev.at)
        floor = prev.floor(self.cfg.overlap_seconds)
        if created is None or at is None or floor is None:
            return "project.updated"
        if created > at or (created >= floor and str(rec.get("id")) not in prev.recent):
            return "project.created"
        return "project.updated"

    # ---- shared -------------------------------------------------------------------------------
    def _project_side(self, link: Json) -> int | None:
        for side in ("leftEntity", "rightEntity"):
            ent = link.get(side) or {}
            if ent.get("entityName") == self.cfg.project_entity and isinstance(ent.get("id"), int):
                return int(ent["id"])
        return None

    def _load_orgs(self, ids: set[int]) -> None:
        todo = [i for i in ids if not isinstance(self.orgs.get(i), dict)]
        path = f"/data/entities/{self.cfg.organisation_entity}/{{}}"
        self.orgs.update(
            self.client.map_safe(
                lambda i: self.client.get_json(path.format(quote_id(i)), headers=ALL), todo
            )
        )

    def _assemble(self, pid: Any, links: dict[str, list[Json]], errors: list[str]) -> Related:
        used = {
            oid
            for ls in links.values()
            for ln in ls
            if (oid := mapping.other_id(ln, pid)) is not None
        }
        self._load_orgs({i for i in used if i not in self.orgs})  # created since the preload
        return Related(links, {i: self.orgs[i] for i in used if i in self.orgs}, errors)

    def _record(self, rec: Json, related: Related, kind: str) -> FetchedRecord:
        rid = rec.get("id")
        if not isinstance(rid, int):
            return FetchedRecord(
                record_id=f"{self.cfg.project_entity}/?", error="record without id"
            )
        try:
            events = mapping.project_events(rec, related, self.cfg, kind)
        except MappingError as e:
            return FetchedRecord(record_id=str(rid), error=str(e))
        except (ValidationError, ValueError, TypeError, KeyError) as e:
            return FetchedRecord(record_id=str(rid), error=f"unmappable: {_reason(e)}")
        return FetchedRecord(record_id=str(rid), events=events)

    def _with_cursor(
        self, out: list[FetchedRecord], state: State, marker: str
    ) -> Iterator[FetchedRecord]:
        """Yield records once each; the last carries the cursor (a marker when none, unless
        marker is empty)."""
        out = [r for r in out if r.record_id not in self.emitted]
        self.emitted.update(r.record_id for r in out)
        cursor = state.encode()
        if not out:
            if marker:
                yield FetchedRecord(record_id=marker, cursor=cursor)
            return
        yield from out[:-1]
        yield out[-1].model_copy(update={"cursor": cursor})


def _reason(e: Exception) -> str:
    if isinstance(e, ValidationError):
        first = e.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    return f"{type(e).__name__}: {e}"
