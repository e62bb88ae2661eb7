"""Full and incremental scans: pages of Pure records -> FetchedRecords with resumable cursors.

A page is enriched in concurrent waves (award clusters -> awards -> external organisations
and their parents; for projects also their own units from /organizations), then mapped. The
cursor rides on the last record of each page, so a caller that persists it after processing
never skips a record.

Modes (see state.py): the first pass is a full scan; afterwards the legacy changes feed is
followed when it answers, else every pass is a full scan diffed on uuid + version.

A changed own unit re-evaluates the projects naming it. They are found by listing /projects
(no reverse index for units, to keep the cursor from growing per project): for free in a
diffed pass, which lists every project anyway; in changes mode by one listing per feed page
that changes a unit some project names (page requests only, no sub-requests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from kvrules import (
    AdapterState,
    FetchedRecord,
    LimitExceeded,
    check_events,
    check_raw,
    check_refs,
)
from kvrules.errors import validation_problem
from kvrules.http import quote_id, shown_url

from . import legacy, mapping
from .client import NotFound, PureClient, PureError, is_outage
from .config import PureConfig
from .mapping import Json, MappingError, Related
from .state import State
from .writeback import current_uris, dropped_words

log = logging.getLogger("kvrules_pure")
ORG_CACHE_MAX = 50_000
# Feed families that matter, by legacy familySystemName.
RELATED_FAMILIES = {"ExternalOrganisation", "ExternalOrganization", "Award"}
UNIT_FAMILIES = {"Organisation", "Organization"}


@dataclass(frozen=True)
class Family:
    path: str  # collection path, e.g. "/projects"
    feed_name: str  # legacy familySystemName
    prefix: str  # record-id prefix ("" for projects: their ids are bare uuids)

    def record_id(self, uuid: str) -> str:
        return self.prefix + uuid


PROJECTS = Family("/projects", "Project", "")
OUTPUTS = Family("/research-outputs", "ResearchOutput", "research-outputs/")
ACTIVITIES = Family("/activities", "Activity", "activities/")
APPLICATIONS = Family("/applications", "Application", mapping.APPLICATION_PREFIX)
# Families whose records name the institution's own units (read from /organizations).
WITH_UNITS = (PROJECTS, APPLICATIONS)
# A page made ready for mapping (Scanner._prepared): the records quarantined by the pre-check,
# the others and what each refers to.
Prepared = tuple[list[FetchedRecord], list[Json], list[Related]]


def own_refs(family: Family, rec: Json) -> set[str]:
    """The external organisations a record refers to; an application's fundings are its own
    (it is read as its own award)."""
    return mapping.org_uuids(rec, [rec] if family is APPLICATIONS else ())


class Scanner:
    def __init__(
        self,
        client: PureClient,
        config: PureConfig,
        risk_read: dict[str, tuple[str, ...]] | None = None,
        rows: AdapterState | None = None,
    ) -> None:
        self.client = client
        self.rows = rows  # what the adapter keeps beside its cursor (state.py)
        self.cfg = config
        # uuid -> the risk classification URIs each mapped project had when read (the dry-run
        # write-back reports on them instead of reading every project a second time).
        self.risk_read = risk_read
        self.families = [PROJECTS]
        if config.research_outputs:
            self.families.append(OUTPUTS)
        if config.activities:
            self.families.append(ACTIVITIES)
        if config.applications:
            self.families.append(APPLICATIONS)
        self.orgs: dict[str, Json | Exception] = {}  # external organisations
        self.units: dict[str, Json | Exception] = {}  # own units (/organizations)
        # "524" when base_url names the older versioned API: its records are read through
        # legacy.to_current, and some collections have other names there.
        self.api_version = legacy.api_version(config.base_url)
        self.org_path = legacy.collection_path("/external-organizations", self.api_version)
        self.unit_path = legacy.collection_path("/organizations", self.api_version)

    # ---- entry point ------------------------------------------------------------------
    def fetch(self, cursor: str | None) -> Iterator[FetchedRecord]:
        state = State.decode(cursor, self.rows)
        self.client.down = None  # a new scan tries the source again
        if state.mode == "changes":
            yield from self._changes(state)
            return
        if state.mode == "full" and state.phase == 0 and state.offset == 0:
            state.token = self._feed_head()  # changes made during the scan are replayed later
            if state.token is None:
                state.follow_versions()
        yield from self._pass(state)

    # ---- enrichment ---------------------------------------------------------------------
    def _get(self, path: str) -> Json:
        return self.client.get_json(path)

    def _related(self, family: Family, recs: list[Json]) -> list[Related]:
        """What each record (pre-checked: see _precheck) refers to, fetched.

        Fetched clusters and awards are checked like records: one over a limit or of the wrong
        shape stands in as the error, so only the records using it are quarantined.
        """
        cfg, c = self.cfg, self.client
        clusters: dict[str, Any] = {}
        # The older API has no award clusters: a project names its awards (relatedAwards).
        direct = {r["uuid"]: _related_awards(r) for r in recs} if family is PROJECTS else {}
        if family is PROJECTS and not self.api_version:
            want = [
                p["uuid"] for p in recs if cfg.award_clusters == "always" or p.get("awardClusters")
            ]
            got = self._unless_down(
                c.map_safe(lambda u: self._get(f"/projects/{quote_id(u)}/award-clusters"), want)
            )
            clusters = {u: self._checked(v, _cluster_awards) for u, v in got.items()}
        award_ids = [
            a for v in clusters.values() if isinstance(v, dict) for a in _cluster_awards(v)
        ] + [a for named in direct.values() for a in named]
        got = self._unless_down(
            c.map_safe(lambda u: self._get(f"/awards/{quote_id(u)}"), award_ids)
        )
        awards = {u: self._checked(a, _award_refs) for u, a in got.items()}
        if family in WITH_UNITS:  # own units: few and shared, so mostly cached after a page
            units = {u for r in recs for u in mapping.unit_uuids(r)}
            # Own units co-funding them (funding collaborators of their awards, or of an
            # application's own fundings): units of the project too.
            funding = [a for a in awards.values() if isinstance(a, dict)]
            funding += recs if family is APPLICATIONS else []
            units |= set(mapping.funding_units(funding))
            self._load(self.units, self.unit_path, units)
        elif family is OUTPUTS:  # an output's own units name whose it is (mapping.output_units)
            self._load(self.units, self.unit_path, {u for r in recs for u in _units(r)})
        self._load_orgs(
            {u for r in recs for u in own_refs(family, r)}
            | {u for r in recs if family is OUTPUTS for _, u in mapping.external_refs(r)}
            | {
                u
                for a in awards.values()
                if isinstance(a, dict)
                for u in mapping.org_uuids({}, [a])
            }
        )
        # This page's view of the caches: the next page's fetch (_full_pages) changes them
        # while this one is mapped.
        orgs, units_seen = dict(self.orgs), dict(self.units)
        out = []
        for rec in recs:
            rel = Related(orgs=orgs, units=units_seen)
            cl = clusters.get(rec["uuid"], {"items": []})
            if isinstance(cl, Exception):
                rel.errors.append(f"award clusters: {cl}")
                cl = {"items": []}
            for a in dict.fromkeys([*_cluster_awards(cl), *direct.get(rec["uuid"], [])]):
                award = awards.get(a)
                if isinstance(award, dict):
                    rel.awards.append(award)
                else:
                    rel.errors.append(f"award {a}: {award}")
            out.append(rel)
        return out

    def _load_orgs(self, uuids: set[str]) -> None:
        got = self._load(self.orgs, self.org_path, uuids)
        while got:  # one more wave for parents (a bad parent ref is reported by the mapping)
            parents = {p for o in got.values() if isinstance(o, dict) and (p := _parent(o))}
            got = self._fetch(self.orgs, self.org_path, parents)

    def _load(
        self, cache: dict[str, Json | Exception], path: str, uuids: set[str]
    ) -> dict[str, Json | Exception]:
        """Once per page and cache: GET path/{uuid} for the uuids not cached yet."""
        if len(cache) > ORG_CACHE_MAX:
            cache.clear()
        # Forget transient failures from the previous page; keep 404/410 (they stay missing).
        for k in [k for k, v in cache.items() if isinstance(v, PureError) and not mapping.gone(v)]:
            del cache[k]
        return self._fetch(cache, path, uuids)

    def _fetch(
        self, cache: dict[str, Json | Exception], path: str, uuids: set[str]
    ) -> dict[str, Json | Exception]:
        """Concurrently GET path/{uuid} for the uuids not cached; returns what it fetched."""
        todo = uuids - cache.keys()
        got = (
            self.client.map_safe(lambda u: self._get(f"{path}/{quote_id(u)}"), todo) if todo else {}
        )
        got = {u: self._checked(v) for u, v in self._unless_down(got).items()}
        cache.update(got)
        return got

    def _unless_down(self, got: dict[str, Any]) -> dict[str, Any]:
        """``got`` (a wave of related GETs), unless the source failed meanwhile: then its
        first outage is raised, so the scan stops with it once the records read before are
        out (the next scan reads this page again), instead of quarantining every record that
        uses what a dead server did not send (``is_outage``)."""
        if (down := self.client.down) is not None:
            raise down
        for fetched in got.values():
            if is_outage(fetched):
                raise fetched
        return got

    def _checked(
        self, fetched: Json | Exception, read: Callable[[Json], object] | None = None
    ) -> Json | Exception:
        """A fetched related record, or the reason it cannot be used (over a limit, wrong
        shape) in its place: the records using it are quarantined with that reason."""
        if not isinstance(fetched, dict):
            return fetched  # a fetch error already
        fetched = legacy.to_current(fetched)
        try:
            check_raw(fetched, self.cfg.limits)
            if read is not None:
                read(fetched)
        except (LimitExceeded, MappingError) as e:
            return e
        return fetched

    def _precheck(self, family: Family, label: str, rec: Any, listed: Any) -> FetchedRecord | None:
        """Quarantine what cannot even be looked up: no usable uuid, a wrong type where the
        references are, a record over a per-record limit (checked before any request for it),
        created or modified times that are none (checked as ``listed``, before the older API's
        ``info`` is read as the current shape, so the field is named as the source names it)."""
        if not isinstance(rec, dict):
            return FetchedRecord(
                record_id=label, error=mapping.wrong(label, "an object", rec).args[0]
            )
        uuid = rec.get("uuid")
        if not isinstance(uuid, str) or not uuid.strip():
            reason = (
                "record without uuid"
                if uuid is None
                else mapping.wrong("uuid", "a uuid string", uuid).args[0]
            )
            return FetchedRecord(record_id=label, error=reason)
        try:
            check_raw(rec, self.cfg.limits)
            mapping.check_times(listed)  # before the older API's modified time is a version
            refs = own_refs(family, rec)
            if family in WITH_UNITS:
                refs |= set(mapping.unit_uuids(rec))
            if family is APPLICATIONS:  # its fundings are read as an award's
                refs |= set(mapping.funding_units([rec]))
            if family is PROJECTS:
                refs |= set(mapping.ref_uuids(rec.get("awardClusters"), "awardClusters"))
                refs |= set(_related_awards(rec))
            check_refs(len(refs), self.cfg.limits)
        except (LimitExceeded, MappingError) as e:
            return FetchedRecord(record_id=family.record_id(uuid), error=self._said(e))
        return None

    def _said(self, error: Exception) -> str:
        """A quarantine reason, with the field names of the API read (the older one's
        records are read rewritten, under the current API's names)."""
        return legacy.source_names(str(error)) if self.api_version else str(error)

    def _record(
        self, family: Family, rec: Json, rel: Related, state: State
    ) -> FetchedRecord | None:
        """Map one pre-checked record; whatever goes wrong quarantines this record only."""
        try:  # it becomes a request path (write-back, re-reads): refuse what is no id
            quote_id(rec["uuid"])
        except ValueError as e:
            return FetchedRecord(record_id=f"{family.path[1:]}/?", error=str(e))
        rid = family.record_id(rec["uuid"])
        try:
            return self._map(family, rid, rec, rel, state)
        except MappingError as e:
            return FetchedRecord(record_id=rid, error=self._said(e))
        except Exception as e:  # one record must never stop a scan
            log.warning("%s: unmappable (%s)", rid, type(e).__name__)
            return FetchedRecord(record_id=rid, error=f"unmappable: {_reason(e)}")

    def _map(
        self, family: Family, rid: str, rec: Json, rel: Related, state: State
    ) -> FetchedRecord | None:
        if family is PROJECTS:
            state.note_units(mapping.project_units(rec, rel.awards))
        # The first pass creates every project; later passes update the ones already seen
        # (and drop the refs a project no longer uses from the index).
        before = state.index.known(rid) if state.mode != "full" else None
        again = before is not None
        if family in WITH_UNITS and self.risk_read is not None:
            if dropped_words(rec, self.cfg.risk_group, []):
                # A person's free keywords in the group: whether a write would remove them
                # depends on the tags wished, so a dry run reads the record and judges there.
                self.risk_read.pop(rid, None)
            else:
                self.risk_read[rid] = tuple(current_uris(rec, self.cfg.risk_group))
        if family is PROJECTS:
            kind = "project.updated" if again else "project.created"
            events = mapping.project_events(rec, rel, self.cfg, kind)
        elif family is APPLICATIONS:
            kind = "application.changed" if again else "application.submitted"
            events = mapping.application_events(rec, rel, self.cfg, kind)
        elif family is OUTPUTS:
            events = mapping.output_events(rec, rel, self.cfg)
        elif not mapping.is_visit(rec, self.cfg):
            return None
        else:
            events = mapping.visit_events(rec, rel, self.cfg)
        try:
            check_events(events, self.cfg.limits)  # before enrichment matches the names
        except LimitExceeded as e:
            return FetchedRecord(record_id=rid, error=str(e))
        award_ids = [a["uuid"] for a in rel.awards if isinstance(a.get("uuid"), str)]
        named = {u for _, u in mapping.external_refs(rec)} if family is OUTPUTS else set()
        refs = own_refs(family, rec) | mapping.org_uuids(rec, rel.awards)
        state.index.add(rid, refs | named | set(award_ids), before)
        return FetchedRecord(record_id=rid, events=events)

    def _prepared(self, family: Family, labelled: list[tuple[str, Any]]) -> Prepared:
        """What mapping records needs that touches no scan state: the pre-check of each (the
        ones that fail it are quarantined without a request) and what the others refer to,
        fetched. A full pass runs it a page ahead, on a thread of its own (_full_pages)."""
        failed: list[FetchedRecord] = []
        recs = []
        for label, listed in labelled:
            rec = legacy.to_current(listed) if isinstance(listed, dict) else listed
            if (bad := self._precheck(family, label, rec, listed)) is not None:
                failed.append(bad)
            else:
                recs.append(rec)
        return failed, recs, self._related(family, recs)

    def _records(
        self,
        family: Family,
        labelled: list[tuple[str, Any]],
        state: State,
        prepared: Prepared | None = None,
    ) -> list[FetchedRecord]:
        """Map records (each with its label: the position in the listing, for one without a
        usable uuid); ``prepared``: their _prepared, when it was run ahead."""
        if prepared is None:
            prepared = self._prepared(family, labelled)
        failed, recs, rels = prepared
        out: list[FetchedRecord | None] = list(failed)
        if state.versions is not None:  # diff mode: remember the related versions seen now
            for rec, rel in zip(recs, rels, strict=True):
                for a in rel.awards:
                    if (uuid := _uuid(a)) is not None:
                        state.remember(uuid, mapping.record_version(a))
                for u in mapping.org_uuids(rec, rel.awards):
                    if isinstance(org := rel.orgs.get(u), dict):
                        state.remember(u, mapping.record_version(org))
                for u in mapping.project_units(rec, rel.awards) if family is PROJECTS else ():
                    if isinstance(unit := rel.units.get(u), dict):
                        state.remember(u, mapping.record_version(unit))
        out += [self._record(family, r, rel, state) for r, rel in zip(recs, rels, strict=True)]
        return [r for r in out if r is not None]

    # ---- full and diffed passes -----------------------------------------------------------
    def _pass(self, state: State) -> Iterator[FetchedRecord]:
        if state.mode == "diff" and state.phase == 0 and state.offset == 0:
            state.pending = sorted(self._changed_related(state))
            state.unit_changes = sorted(self._changed_units(state))
        pending, unit_changes = set(state.pending), set(state.unit_changes)
        while state.phase < len(self.families):
            family = self.families[state.phase]
            if state.mode == "full":
                yield from self._full_pages(family, state)
                yield from self._unread()
                state.phase, state.offset = state.phase + 1, 0
                continue
            for nxt, page in self.client.pages(family.path, state.offset):
                at = f"{family.path[1:]}[{{}}]"  # a record's position in the listing
                recs = [(at.format(state.offset + n), r) for n, r in enumerate(page)]
                if state.mode == "diff":
                    recs = [
                        (label, r)
                        for label, r in recs
                        if (uuid := _uuid(r)) is None  # re-read: it is quarantined again
                        or not state.seen(uuid, _version(r))
                        or family.record_id(uuid) in pending
                        or (family is PROJECTS and uses_any(r, unit_changes))
                    ]
                elif state.versions is not None:
                    for r in page:
                        if (uuid := _uuid(r)) is not None:
                            state.remember(uuid, _version(r))
                out = self._records(family, recs, state)
                state.offset = nxt
                yield from _with_cursor(out, state, f"{family.path[1:]}@{nxt}")
            yield from self._unread()
            state.phase, state.offset = state.phase + 1, 0
        state.phase, state.pending, state.unit_changes = 0, [], []
        state.mode = "changes" if state.token else "diff"
        yield from self._unread()  # before the pass is said complete: it is not
        yield FetchedRecord(record_id="pure:pass-complete", **state.resume_point())

    def _unread(self) -> Iterator[FetchedRecord]:
        """A marker for each listing that ended short of its count: the scan then knows the
        read incomplete, notes no record gone and says which listing."""
        for said in self.client.take_unread():
            yield FetchedRecord(record_id="pure:listing-short", unread=said)

    def _full_pages(self, family: Family, state: State) -> Iterator[FetchedRecord]:
        """A full pass over one family, page by page. Each page is listed, pre-checked and
        its related records fetched (_prepared) on a thread of its own while the page before
        is mapped and handed on here: the source answers while the reader maps, instead of
        each waiting for the other. Mapping, the scan state and the cursor stay on this
        thread, in the listing's order; an error of the next page is raised here once this
        page's records are out, as it was when pages were read one after the other.

        The listing itself is not read a further page ahead (``ahead=False``): that thread is
        ahead already, and a third decoded page in flight (~15 MB for 1,000 projects) made
        the reader's peak, not its pace (issue #20 item 4; README, the scan bench)."""
        pages = iter(self.client.pages(family.path, state.offset, ahead=False))
        at = f"{family.path[1:]}[{{}}]"  # a record's position in the listing

        def prepare(offset: int) -> tuple[int, list[Any], list[tuple[str, Any]], Prepared] | None:
            if (listed := next(pages, None)) is None:
                return None
            nxt, page = listed
            labelled = [(at.format(offset + n), r) for n, r in enumerate(page)]
            return nxt, page, labelled, self._prepared(family, labelled)

        ahead = ThreadPoolExecutor(1, thread_name_prefix="pure-ahead")
        try:
            coming = ahead.submit(prepare, state.offset)
            while (got := coming.result()) is not None:
                nxt, page, labelled, prepared = got
                coming = ahead.submit(prepare, nxt)  # `nxt`: the next page's offset
                if state.versions is not None:
                    for r in page:
                        if (uuid := _uuid(r)) is not None:
                            state.remember(uuid, _version(r))
                out = self._records(family, labelled, state, prepared)
                state.offset = nxt
                yield from _with_cursor(out, state, f"{family.path[1:]}@{nxt}")
        finally:  # stopped early: the page being fetched is dropped, nobody waits for it
            ahead.shutdown(wait=False, cancel_futures=True)

    def _changed_related(self, state: State) -> set[str]:
        """Diff mode: records using an external organisation or award whose version changed."""
        changed: list[str] = []
        for path in (self.org_path, "/awards"):
            for _, page in self.client.pages(path):
                for r in page:
                    uuid = r.get("uuid")
                    if isinstance(uuid, str) and not state.seen(uuid, _version(r)):
                        changed.append(uuid)
                        self.orgs.pop(uuid, None)
        return state.index.dependents(changed)

    def _changed_units(self, state: State) -> set[str]:
        """Diff mode: own units whose version changed (their projects are in this pass)."""
        changed: set[str] = set()
        for _, page in self.client.pages(self.unit_path):
            for r in page:
                uuid = r.get("uuid")
                if isinstance(uuid, str) and not state.seen(uuid, _version(r)):
                    self.units.pop(uuid, None)
                    if state.names_unit(uuid):
                        changed.add(uuid)
        return changed

    def _unit_users(
        self, changed: set[str], skip: set[str], state: State
    ) -> Iterator[FetchedRecord]:
        """Changes mode: map the projects naming a changed unit, found by listing /projects.

        ``skip``: projects re-read anyway. A cursor from before unit tracking learns here
        which units projects name (the listing sees every project).
        """
        refs: set[str] | None = set() if state.unit_refs is None else None
        for _, page in self.client.pages(PROJECTS.path):
            recs = []
            for r in page:
                used = _units(r)
                if refs is not None:
                    refs.update(used)
                if (uuid := _uuid(r)) and uuid not in skip and not changed.isdisjoint(used):
                    recs.append((uuid, r))
            yield from self._records(PROJECTS, recs, state)
        if refs is not None:
            state.unit_refs = set()
            state.note_units(refs)

    # ---- legacy changes feed ------------------------------------------------------------
    def _feed(self, token: str, *, once: bool = False) -> Json:
        path = self.cfg.changes_path
        if self.api_version and path == f"/{self.api_version}/changes":
            path = "/changes"  # base_url already names the versioned API
        page = self.client.get_json(f"{path}/{quote_id(token, opaque=True)}", once=once)
        if not isinstance(page, dict):  # a wrong base_url, say: a source error, not a crash
            where = shown_url(self.client.url(path))
            kind = type(page).__name__
            raise PureError("GET", path, 200, f"- {where} did not answer a changes page: a {kind}")
        return page

    def _feed_head(self) -> str | None:
        """A resumption token for 'now' (a minute back, to cover clock skew), or None."""
        if not self.cfg.changes_feed:
            return None
        since = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d_%H-%M-%S")
        try:
            # Asked once, without retries: the read goes on without a feed, so a 429 asking
            # to wait a day (or a 5xx) is no reason to hold it.
            page = self._feed(since, once=True)
            while page.get("moreChanges") and page.get("resumptionToken"):
                page = self._feed(page["resumptionToken"])
        except PureError as e:
            if e.status == 429 or (e.status or 0) >= 500 or e.status is None:
                log.warning(
                    "the changes feed was not probed (%s): not waited for; this read goes on "
                    "and incremental scans diff full passes until a full read finds the feed",
                    e,
                )
            else:  # no feed here (404 on the current API): the usual case, not worth a line
                log.info("no legacy changes feed (%s): incremental scans diff full passes", e)
            return None
        return page.get("resumptionToken")

    def _changes(self, state: State) -> Iterator[FetchedRecord]:
        by_feed = {f.feed_name: f for f in self.families}
        emitted: set[str] = set()  # a record changed on several pages is emitted once per version
        n = 0
        while True:
            assert state.token is not None
            page = self._feed(state.token)
            targets: dict[str, Family] = {}
            related: list[str] = []
            units: set[str] = set()
            feed_items = page.get("items") if isinstance(page.get("items"), list) else []
            for item in (i for i in feed_items if isinstance(i, dict)):
                uuid, name = item.get("uuid"), item.get("familySystemName")
                if not isinstance(uuid, str):
                    continue  # e.g. ClassificationScheme changes carry no uuid
                if name in by_feed:
                    targets.setdefault(by_feed[name].record_id(uuid), by_feed[name])
                elif name in RELATED_FAMILIES:
                    related.append(uuid)
                    self.orgs.pop(uuid, None)  # re-read it
                elif name in UNIT_FAMILIES:
                    self.units.pop(uuid, None)
                    if state.names_unit(uuid):
                        units.add(uuid)
            for rid in sorted(state.index.dependents(related)):
                family = next(
                    (f for f in self.families if f.prefix and rid.startswith(f.prefix)), PROJECTS
                )
                targets.setdefault(rid, family)

            def fresh(r: FetchedRecord) -> bool:
                ids = {e.id for e in r.events}
                new = bool(r.error) or not ids <= emitted
                emitted.update(ids)
                return new

            if units:  # yielded without a cursor: a resumed scan redoes this feed page
                yield from filter(fresh, self._unit_users(units, set(targets), state))
            out = [r for r in self._reread(targets, state) if fresh(r)]
            token = page.get("resumptionToken") or state.token
            state.token = token
            n += 1
            yield from _with_cursor(out, state, f"changes@{n}")
            yield from self._unread()  # a unit's projects listed short (_unit_users)
            if not page.get("moreChanges") or not page.get("resumptionToken"):
                return

    def _reread(self, targets: dict[str, Family], state: State) -> list[FetchedRecord]:
        def get(rid: str) -> Json:
            family = targets[rid]
            return self._get(f"{family.path}/{quote_id(rid[len(family.prefix) :])}")

        got = self._unless_down(self.client.map_safe(get, list(targets)))
        out: list[FetchedRecord] = []
        for family in self.families:
            recs = []
            for rid, rec in got.items():
                if targets[rid] is not family:
                    continue
                if isinstance(rec, NotFound):
                    log.info("%s is gone or hidden from this key; skipped", rid)
                    state.forget(rid, rid[len(family.prefix) :])
                elif isinstance(rec, Exception):
                    out.append(FetchedRecord(record_id=rid, error=f"re-read failed: {rec}"))
                else:
                    recs.append((rid, rec))
            out += self._records(family, recs, state)
        return out


def uses_any(project: Json, units: set[str]) -> bool:
    return bool(units) and not units.isdisjoint(_units(project))


# Lenient readers for choosing what to fetch: a record of the wrong shape is chosen anyway,
# and its mapping quarantines it with the field path.
def _uuid(rec: Any) -> str | None:
    uuid = rec.get("uuid") if isinstance(rec, dict) else None
    return uuid if isinstance(uuid, str) and uuid.strip() else None


def _units(rec: Any) -> list[str]:
    try:
        return mapping.unit_uuids(rec) if isinstance(rec, dict) else []
    except MappingError:
        return []


def _parent(org: Json) -> str | None:
    try:
        return mapping.uuid_of(org.get("parent"), "parent")
    except MappingError:
        return None


def _related_awards(project: Json) -> list[str]:
    """The awards a project of the older API names itself (MappingError on a wrong shape)."""
    return mapping.ref_uuids(project.get("relatedAwards"), "relatedAwards")


def _award_refs(award: Json) -> set[str]:
    """Everything an award refers to: organisations and own units (MappingError on a wrong
    shape, so a bad award quarantines only the records using it)."""
    return mapping.org_uuids({}, [award]) | set(mapping.funding_units([award]))


def _cluster_awards(cluster: Json) -> list[str]:
    """The award uuids of an award-clusters response (MappingError on a wrong shape)."""
    return mapping.award_uuids(mapping.items(cluster.get("items"), "award clusters: items"))


def _reason(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return validation_problem(e)
    return f"{type(e).__name__}: {e}"


def _with_cursor(out: list[FetchedRecord], state: State, marker: str) -> Iterator[FetchedRecord]:
    """Yield a page's records; the last carries the cursor (a marker when the page had none)."""
    resume = state.resume_point()
    if not out:
        yield FetchedRecord(record_id=marker, **resume)
        return
    yield from out[:-1]
    yield out[-1].model_copy(update=resume)


def _version(rec: Json) -> str:
    """A listed record's version as the diffed passes compare it (either API's shape)."""
    return mapping.record_version(legacy.to_current(rec))
