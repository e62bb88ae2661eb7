"""Full and incremental passes: Converis records -> FetchedRecords with resumable cursors.

Full pass: the newest `Updated on` of every stream is noted first (the next pass's
watermarks), then link entities and organisations are read in bulk (50 per request, instead
of several requests per project under a 10 requests/s limit), then projects page by page.

Incremental pass (state.py explains the watermarks): changed link entities and organisations
name the projects they touch; changed projects are read newest first down to the watermark;
the touched projects not seen that way are re-read by id. Related records are then fetched
per project, each kind (a link type, members' cards' links, organisations) only until the
requests spent that way would pass the pages of reading it whole: then it is read whole, once
(the size of each comes from the first page the collection read of it). Deleted links leave
no trace in the Read API, so removals show up only when the project itself changes (or at the
next full pass).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pydantic import ValidationError

from kvrules import FetchedRecord, LimitExceeded, check_events, check_raw, check_refs
from kvrules.errors import validation_problem
from kvrules.http import quote_id

from . import mapping
from .client import ALL, ConverisClient, NotFound
from .config import ConverisConfig
from .mapping import Json, MappingError, Related, parse_time
from .state import Mark, State

log = logging.getLogger("kvrules_converis")
DESC = {"sort": "Updated on", "sortOrder": "DESC"}
BASIC = {"Converis-attribute-definition": "BASIC"}
# A full pass reads its first projects one by one until the requests spent reach
# 1/ALONE_SHARE_OF_BULK of the bulk read's: at most that much more for a whole pass.
ALONE_SHARE_OF_BULK = 8


class Scanner:
    def __init__(
        self, client: ConverisClient, config: ConverisConfig, unread_links: Sequence[str] = ()
    ) -> None:
        self.client, self.cfg = client, config
        # Every project-organisation link type is read: the configured ones are mapped, the
        # others only show that a project has organisations the mapping would miss.
        self.link_names = [*config.links(), *(n for n in unread_links if n not in config.links())]
        # Members' cards, and the cards' links to organisations (their affiliations).
        self.member_links = config.person_links()
        # Partners held in another entity type (partner_entity_links): read one by one.
        self.entity_links = list(config.partner_entity_links)
        self.project_links = [*self.link_names, *self.member_links, *self.entity_links]
        self.orgs: dict[int, Json | Exception] = {}
        self.links: dict[str, dict[int, list[Json]]] | None = None  # full pass: bulk-loaded
        self.cards: dict[int, list[Json]] = {}  # full pass: card id -> card_org_link entities
        self.emitted: set[str] = set()  # one fetch yields a record once
        # Full pass: requests the bulk read of links and organisations will take (None: not
        # known, read in bulk at once), and those spent meanwhile reading projects one by one.
        self.bulk_cost: int | None = None
        self.alone_cost = 0
        # Incremental passes: the pages a bulk read of each stream takes (from its first
        # page's total), the single requests spent on it so far, and the streams read whole.
        self.stream_pages: dict[str, int] = {}
        self.spent: dict[str, int] = {}
        self.read_whole: set[str] = set()
        self.whole_links: dict[str, dict[int, list[Json]]] = {}  # link -> project id -> links

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
        cards = [f"l:{self.cfg.card_org_link}"] if self.member_links else []
        return ["p", "o", *(f"l:{n}" for n in self.project_links), *cards]

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
        # A listing that ended short of its total: the scan notes the read incomplete (and no
        # record gone), said before the pass is said complete.
        for said in self.client.take_unread():
            yield FetchedRecord(record_id="converis:listing-short", unread=said)
        yield FetchedRecord(record_id="converis:pass-complete", cursor=state.encode())

    # ---- full pass --------------------------------------------------------------------------
    def _full(self, state: State) -> Iterator[FetchedRecord]:
        if state.phase == "start":
            # Watermarks before reading: whatever changes during the pass is newer.
            self.bulk_cost = 0
            for s in self._streams():
                path = self._stream_path(s)
                page = self.client.get_json(path, {**DESC, "count": self.cfg.page_size}, BASIC)
                mark = state.next_marks[s] = Mark()
                for rec in self.client.listing(path, page):
                    if isinstance(rec, dict):
                        mark.note(rec.get("id"), rec.get("updatedOn"), self.cfg.overlap_seconds)
                self._note_bulk_cost(s, page.get("nrRecordsAll"))
            state.phase, state.start = "projects", 1
        for nxt, page in self.client.pages(self.projects, DESC, ALL, start=state.start):
            first = nxt - len(page)
            for i, rec in enumerate(page):
                # Positions are exact resume points: each record carries its own cursor.
                state.start = first + i + 1
                label = f"{self.cfg.project_entity}[{first + i}]"
                out = [self._record(rec, label, self._related_for_full_pass(), "project.created")]
                yield from self._with_cursor(out, state, "")
            state.start = nxt
        yield from self._finish(state)

    def _note_bulk_cost(self, stream: str, total: Any) -> None:
        """Add the pages the bulk read of ``stream`` will take (``nrRecordsAll`` of its first
        page); a stream without a total makes the cost unknown."""
        if stream == "p" or self.bulk_cost is None:
            return
        if not isinstance(total, int) or isinstance(total, bool):
            self.bulk_cost = None
            return
        self.bulk_cost += self._pages(total)

    def _pages(self, total: int) -> int:
        return max(1, -(-total // self.cfg.page_size))

    def _related_for_full_pass(self) -> Callable[[Json], Related]:
        """How a full pass reads a project's links and organisations: for the first projects,
        per project, so the first records come after a few requests (``fetch --limit 3``); in
        bulk once the requests spent that way reach a share of what the bulk read costs, so a
        whole pass pays at most that share more. Unknown bulk cost (a resumed pass): in bulk."""
        if self.links is None:
            budget = (self.bulk_cost or 0) // ALONE_SHARE_OF_BULK
            if self.alone_cost + len(self.project_links) > budget:  # the next one would overrun
                self._preload()
        return self._alone_related if self.links is None else self._cached_related

    def _alone_related(self, rec: Json) -> Related:
        pid = rec["id"]  # _record calls this only for a record with an integer id
        orgs_before = len(self.orgs)
        links, errors, cards = self._per_project([pid])[pid]
        self.alone_cost += len(self.project_links) + len(cards) + len(self.orgs) - orgs_before
        return self._assemble(pid, links, errors, cards)

    def _preload(self) -> None:
        for link in self.project_links:
            self._read_all_links(link)
        self.links = self.whole_links
        if self.member_links:
            self._read_all_cards()
        self._read_all_orgs()

    def _read_all_links(self, link: str) -> None:
        """Every link entity of type ``link``, by the project at one end, in bulk."""
        by_project: dict[int, list[Json]] = {}
        for ln in self.client.all(f"/data/linkentities/{link}", headers=ALL):
            if isinstance(ln, dict) and (pid := self._project_side(ln)) is not None:
                by_project.setdefault(pid, []).append(ln)
        self.whole_links[link] = by_project
        self.read_whole.add(f"l:{link}")

    def _read_all_orgs(self) -> None:
        path = f"/data/entities/{self.cfg.organisation_entity}"
        orgs = self.client.all(path, headers=ALL)
        self.orgs.update({o["id"]: o for o in orgs if isinstance(o, dict) and _id(o) is not None})
        self.read_whole.add("o")

    def _read_all_cards(self) -> None:
        """Every card's links to organisations (members' affiliations), in bulk."""
        for ln in self.client.all(f"/data/linkentities/{self.cfg.card_org_link}", headers=ALL):
            if isinstance(ln, dict) and (card := self._card_side(ln)) is not None:
                self.cards.setdefault(card, []).append(ln)
        self.read_whole.add(f"l:{self.cfg.card_org_link}")

    def _whole_is_cheaper(self, stream: str, single: int) -> bool:
        """Whether ``single`` more requests for single records of ``stream`` (organisations by
        id, a card's links) would bring what this scan spends that way past the pages of
        reading the whole stream: then it is read whole, once (at most twice the fewest
        requests, whatever the number of changes). Unknown size (a resumed pass): never."""
        pages = self.stream_pages.get(stream)
        if pages is None or stream in self.read_whole or not single:
            return False
        self.spent[stream] = self.spent.get(stream, 0) + single
        return self.spent[stream] > pages

    def _cached_related(self, rec: Json) -> Related:
        assert self.links is not None
        pid = rec.get("id")
        links = {name: by.get(pid, []) for name, by in self.links.items()}
        cards = {c: self.cards.get(c, []) for c in self._card_ids(pid, links)}
        return self._assemble(pid, links, [], cards)

    # ---- incremental pass ---------------------------------------------------------------------
    def _incremental(self, state: State) -> Iterator[FetchedRecord]:
        if state.phase == "collect":
            state.next_marks = {}
            touched: set[int] = set()
            for link in self.project_links:
                for ln in self._changed(f"l:{link}", state, BASIC):
                    if (pid := self._project_side(ln)) is not None:
                        touched.add(pid)
            if self.member_links:  # a member's card gained or lost an organisation
                for ln in self._changed(f"l:{self.cfg.card_org_link}", state, BASIC):
                    if (card := self._card_side(ln)) is not None:
                        touched |= self._projects_linked(self.member_links, card)
            for org in self._changed("o", state, BASIC):
                self.orgs.pop(org["id"], None)
                touched |= self._projects_linked(self.link_names, org["id"])
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
        pages = self.client.pages(
            self._stream_path(stream), DESC, headers, on_total=lambda t: self._note_size(stream, t)
        )
        for _, page in pages:
            for rec in page:
                if not isinstance(rec, dict):
                    yield rec  # quarantined under its position by _record
                    continue
                updated = rec.get("updatedOn")
                t = parse_time(updated)
                if floor is not None and t is not None and t < floor:
                    return
                new.note(rec.get("id"), updated, overlap)
                if old.is_new(rec.get("id"), updated):
                    yield rec

    def _note_size(self, stream: str, total: Any) -> None:
        if isinstance(total, int) and not isinstance(total, bool):
            self.stream_pages[stream] = self._pages(total)

    def _projects_linked(self, links: list[str], far_id: int) -> set[int]:
        """Projects linked through any of ``links`` to ``far_id`` (an organisation, a card)."""
        found: set[int] = set()
        for link in links:
            path = f"{self.projects}/linked/{link}/{far_id}"
            found |= {i for p in self.client.all(path, headers=BASIC) if (i := _id(p)) is not None}
        return found

    def _emit(self, recs: list[Json], state: State) -> Iterator[FetchedRecord]:
        if not recs:
            return
        ids = {_id(r) for r in recs}
        state.todo = [i for i in state.todo if i not in ids]
        yield from self._with_cursor(self._live_records(recs, state), state, "converis:changed")

    def _live_records(self, recs: list[Any], state: State) -> list[FetchedRecord]:
        """Records with their related data fetched per project (incremental passes)."""
        limits = self.cfg.limits
        ok = [r["id"] for r in recs if _id(r) is not None and _within(r, limits)]
        related_of = self._per_project(ok)
        out = []
        for n, rec in enumerate(recs):
            pid = _id(rec)

            def related(_: Json, pid: Any = pid) -> Related:
                links, errors, cards = related_of.get(pid, ({}, [], {}))
                return self._assemble(pid, links, errors, cards)

            label = f"{self.cfg.project_entity}[changed {n}]"
            kind = self._kind(rec, state) if isinstance(rec, dict) else "project.updated"
            out.append(self._record(rec, label, related, kind))
        return out

    def _per_project(self, ids: list[int]) -> dict[int, tuple[dict, list[str], dict]]:
        """Per project: its link entities by link name, what could not be read, and its
        members' cards' links; the organisations they name are loaded into self.orgs."""
        for link in self.project_links:
            if self._whole_is_cheaper(f"l:{link}", len(ids)):
                self._read_all_links(link)
        whole = [link for link in self.project_links if f"l:{link}" in self.read_whole]
        jobs = [(pid, link) for pid in ids for link in self.project_links if link not in whole]
        path = "/data/linkentities/{1}/linked/" + self.cfg.project_entity + "/{0}"
        got = self.client.map_safe(lambda j: self.client.all(path.format(*j), headers=ALL), jobs)
        links_of: dict[int, dict[str, list[Json]]] = {
            pid: {link: self.whole_links[link].get(pid, []) for link in whole} for pid in ids
        }
        errors_of: dict[int, list[str]] = {pid: [] for pid in ids}
        for (pid, link), result in got.items():
            if isinstance(result, Exception):
                errors_of[pid].append(f"{link}: {result}")
            else:
                links_of[pid][link] = result
        card_jobs = {
            (card, self._far_entity(ln, pid))
            for pid, links in links_of.items()
            if _links(links) <= self.cfg.limits.max_refs
            for link in self.member_links
            for ln in links.get(link, [])
            if isinstance(ln, dict) and (card := mapping.other_id(ln, pid)) is not None
        }
        card_stream = f"l:{self.cfg.card_org_link}"
        if self._whole_is_cheaper(card_stream, len(card_jobs)):
            self._read_all_cards()
        if card_stream in self.read_whole:
            card_links: dict[Any, Any] = {job: self.cards.get(job[0], []) for job in card_jobs}
        else:
            card_path = f"/data/linkentities/{self.cfg.card_org_link}/linked/{{1}}/{{0}}"
            card_links = self.client.map_safe(  # the entity name comes from the server: quoted
                lambda j: self.client.all(card_path.format(*map(quote_id, j)), headers=ALL),
                card_jobs,
            )
        cards: dict[int, list[Json]] = {}
        for (card, _), result in card_links.items():
            if isinstance(result, Exception):
                for pid, links in links_of.items():
                    if card in self._card_ids(pid, links):
                        errors_of[pid].append(f"{self.cfg.card_org_link} of card {card}: {result}")
            else:
                cards[card] = result
        out: dict[int, tuple[dict, list[str], dict]] = {}
        wanted: set[int] = set()
        for pid, links in links_of.items():
            mine = {c: cards[c] for c in self._card_ids(pid, links) if c in cards}
            out[pid] = (links, errors_of[pid], mine)
            # Organisations of a project over max_refs are never requested (_record says why).
            if _links(links) + _links(mine) <= self.cfg.limits.max_refs:
                wanted |= self._org_ids(pid, links, mine)
        self._load_orgs(wanted)
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

    def read_one(self, project_id: int) -> tuple[Json, Related]:
        """One project with everything the mapping reads of it (for ``fetch --explain``)."""
        rec = self.client.get_json(f"{self.projects}/{quote_id(project_id)}", headers=ALL)
        links, errors, cards = self._per_project([project_id])[project_id]
        return rec, self._assemble(project_id, links, errors, cards)

    # ---- shared -------------------------------------------------------------------------------
    def _project_side(self, link: Json) -> int | None:
        for side in ("leftEntity", "rightEntity"):
            ent = link.get(side) or {}
            if ent.get("entityName") == self.cfg.project_entity and isinstance(ent.get("id"), int):
                return int(ent["id"])
        return None

    def _load_orgs(self, ids: set[int]) -> None:
        todo = [i for i in ids if not isinstance(self.orgs.get(i), dict)]
        if self._whole_is_cheaper("o", len(todo)):
            self._read_all_orgs()
            todo = [i for i in todo if not isinstance(self.orgs.get(i), dict)]  # created since
        path = f"/data/entities/{self.cfg.organisation_entity}/{{}}"
        self.orgs.update(
            self.client.map_safe(
                lambda i: self.client.get_json(path.format(quote_id(i)), headers=ALL), todo
            )
        )

    def _load_partner_entities(self, pid: Any, links: dict[str, list[Json]]) -> set[int]:
        """The ids of the partners the project's partner_entity_links lead to, each read by
        id from its own entity type into self.orgs (Converis ids are unique per instance)."""
        ends = {
            (oid, spec.entity)
            for name, spec in self.cfg.partner_entity_links.items()
            for ln in links.get(name, [])
            if isinstance(ln, dict) and (oid := mapping.other_id(ln, pid)) is not None
        }
        todo = [job for job in ends if not isinstance(self.orgs.get(job[0]), dict)]
        got = self.client.map_safe(
            lambda j: self.client.get_json(
                f"/data/entities/{quote_id(j[1])}/{quote_id(j[0])}", headers=ALL
            ),
            todo,
        )
        self.orgs.update({oid: rec for (oid, _), rec in got.items()})
        return {oid for oid, _ in ends}

    def _card_side(self, link: Json) -> int | None:
        """The card end of a card_org_link entity (the end that is not an organisation)."""
        for side in ("leftEntity", "rightEntity"):
            ent = link.get(side) or {}
            if ent.get("entityName") != self.cfg.organisation_entity and _id(ent) is not None:
                return int(ent["id"])
        return None

    @staticmethod
    def _far_entity(link: Json, near: int) -> str:
        left, right = link.get("leftEntity") or {}, link.get("rightEntity") or {}
        return str((right if left.get("id") == near else left).get("entityName") or "Card")

    def _card_ids(self, pid: Any, links: dict[str, list[Json]]) -> list[int]:
        return [
            card
            for name in self.member_links
            for ln in links.get(name, [])
            if isinstance(ln, dict) and (card := mapping.other_id(ln, pid)) is not None
        ]

    def _org_ids(
        self, pid: Any, links: dict[str, list[Json]], cards: dict[int, list[Json]]
    ) -> set[int]:
        """Organisations at the far end of the project's organisation links and of its
        members' cards' links (member links lead to cards, not organisations)."""
        ends = [(pid, ln) for name in self.link_names for ln in links.get(name, [])]
        ends += [(card, ln) for card, ls in cards.items() for ln in ls]
        return {
            oid
            for near, ln in ends
            if isinstance(ln, dict) and (oid := mapping.other_id(ln, near)) is not None
        }

    def _assemble(
        self,
        pid: Any,
        links: dict[str, list[Json]],
        errors: list[str],
        cards: dict[int, list[Json]] | None = None,
    ) -> Related:
        cards = cards or {}
        check_refs(_links(links) + _links(cards), self.cfg.limits)  # before any request for them
        used = self._org_ids(pid, links, cards)
        self._load_orgs({i for i in used if i not in self.orgs})  # created since the preload
        used |= self._load_partner_entities(pid, links)
        orgs = {i: self.orgs[i] for i in used if i in self.orgs}
        return Related(links, orgs, errors, cards)

    def _record(
        self, rec: Any, label: str, related: Callable[[Json], Related], kind: str
    ) -> FetchedRecord:
        """Map one record; whatever it holds, the outcome is events or a quarantine reason.

        ``label`` (its position) names a record without a usable id; ``related`` is called
        only for a record within the limits, so nothing is fetched for one over them.
        """
        if not isinstance(rec, dict):
            return FetchedRecord(record_id=label, error=f"expected an object, got {_type(rec)}")
        rid = _id(rec)
        if rid is None:
            got = rec.get("id")
            reason = f"id: expected an integer, got {_type(got)}"
            return FetchedRecord(
                record_id=label, error="record without id" if got is None else reason
            )
        try:
            check_raw(rec, self.cfg.limits)
            events = mapping.project_events(rec, related(rec), self.cfg, kind)
            check_events(events, self.cfg.limits)  # before enrichment matches the names
        except (MappingError, LimitExceeded) as e:
            return FetchedRecord(record_id=str(rid), error=str(e))
        except Exception as e:  # one record must never stop a scan
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


def _id(rec: Any) -> int | None:
    rid = rec.get("id") if isinstance(rec, dict) else None
    return rid if isinstance(rid, int) and not isinstance(rid, bool) else None


def _type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string"}.get(
        type(value), type(value).__name__
    )


def _links(links: dict[Any, list[Any]]) -> int:
    return sum(len(ls) for ls in links.values())


def _within(rec: Json, limits: Any) -> bool:
    try:
        check_raw(rec, limits)
    except LimitExceeded:
        return False
    return True


def _reason(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return validation_problem(e)
    return f"{type(e).__name__}: {e}"
