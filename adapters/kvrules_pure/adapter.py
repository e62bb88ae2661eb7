"""The Pure adapter class: configuration, one HTTP client, scans and write-back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from kvrules import Adapter, FetchedRecord, KvrulesError, RecordExplanation, TagWrite
from kvrules.http import quote_id

from . import explain, legacy, writeback
from .client import PureClient, PureError
from .config import PureConfig
from .scan import ACTIVITIES, APPLICATIONS, OUTPUTS, PROJECTS, Scanner


class ReadOnlyApi(KvrulesError):
    """A write to an API that has no write endpoints (the older versioned one)."""


class PureAdapter(Adapter):
    """Elsevier Pure (Pure API /ws/api, legacy /524/changes feed for incremental scans).

    ``PureAdapter()`` reads its settings from ``KVRULES_PURE_*`` environment variables;
    ``PureAdapter(PureConfig(base_url=..., api_key=...))`` or a plain mapping works too.
    """

    name = "pure"
    Config = PureConfig
    fetch_apart = True  # a scan reads it in a process of its own (kvrules.reader)
    # outputs, visits (activities) and applications when their settings are on
    record_kinds = frozenset({"project", "output", "visit", "application"})

    def __init__(self, config: PureConfig | dict[str, Any] | None = None) -> None:
        if config is None:
            config = PureConfig()  # type: ignore[call-arg]  # from the environment
        elif isinstance(config, dict):
            config = PureConfig(**config)
        super().__init__(config)
        self.config: PureConfig = config
        self._client: PureClient | None = None
        # What the last fetch read of each project's risk group (see Scanner.risk_read).
        self._risk_read: dict[str, tuple[str, ...]] = {}
        # Per family ("/projects"): whether Pure has the risk group, asked before the first
        # real write of a scan (None: it has; an error: it has not, said for every record).
        self._risk_group: dict[str, writeback.RiskGroupMissing | None] = {}

    @property
    def client(self) -> PureClient:
        if self._client is None:
            self._client = PureClient(self.config)
        return self._client

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        self._risk_read = {}  # a new read: what an earlier one saw may be out of date
        self._risk_group = {}  # and Pure's configuration may have been fixed since
        return Scanner(self.client, self.config, self._risk_read, self.state).fetch(cursor)

    def fetch_notes(self) -> dict[str, tuple[str, ...]] | None:
        """What the read saw of each project's risk group since the last call (the dry-run
        write-back reports on it instead of reading the project again)."""
        if not self._risk_read:
            return None
        notes = dict(self._risk_read)
        self._risk_read.clear()  # the same dict: the read in progress keeps adding to it
        return notes

    def take_notes(self, notes: dict[str, tuple[str, ...]] | None) -> None:
        if notes is None:
            self._risk_read = {}
        else:
            self._risk_read.update(notes)

    def forget_notes(self, record_id: str) -> None:
        self._risk_read.pop(record_id, None)

    def explain(self, record: FetchedRecord) -> RecordExplanation | None:
        """Re-reads the record from Pure and names the fields the mapping read and ignored."""
        families = (
            (OUTPUTS, "output"),
            (ACTIVITIES, "activity"),
            (APPLICATIONS, "application"),
            (PROJECTS, "project"),
        )
        for family, kind in families:
            if record.record_id.startswith(family.prefix):
                uuid = record.record_id[len(family.prefix) :]
                path = f"{family.path}/{quote_id(uuid)}"
                rec = self.client.get_json(path)
                said = explain.explain(kind, record.record_id, rec)
                said.notes += self._merged(path, rec)
                return said
        return None

    def _merged(self, path: str, rec: Any) -> list[str]:
        """The record and the organisations it names that Pure answered for under another
        uuid (its 301 for a merged one, followed within the API), a line each."""
        asked = [(path, "the record")]
        org_path = legacy.collection_path("/external-organizations", self.api_version)
        for uuid in explain.organisations_named(rec):
            try:
                asked.append((f"{org_path}/{quote_id(uuid)}", f"external organisation {uuid}"))
            except ValueError:  # no id a path can hold: quarantined by the scan, never read
                continue
        notes = []
        for where, what in asked:
            if (moved := self.client.moved.get(where)) is not None:
                new = moved.rstrip("/").rsplit("/", 1)[-1]
                notes.append(
                    f"merged: {what} has a new uuid in Pure ({where.rsplit('/', 1)[-1]} → "
                    f"{new}: it answered 301, the content has changed UUID); read as {new}"
                )
        return notes

    @property
    def api_version(self) -> str | None:
        return legacy.api_version(self.config.base_url)

    def probe(self) -> str:
        """One authenticated GET of one record of every collection the configuration reads
        (projects, their awards, external organisations and own units; research outputs,
        activities, applications when on), a line each: a key refused for one of them (Pure
        grants keys per endpoint) shows here, not as a scan's quarantine. Raises the first
        failure, its message followed by every collection's line."""
        lines: list[str] = []
        failures: list[PureError] = []
        for path, what in self._collections_read():
            try:
                page = self.client.get_json(path, {"size": 1, "offset": 0})
            except PureError as e:
                failures.append(e)
                lines.append(str(e))
                if e.status in (None, 401):  # the host or the key itself: the rest alike
                    break
                continue
            count = page.get("count") if isinstance(page, dict) else None
            lines.append(f"GET {path} answered 200 ({count} {what})")
        said = "".join(f"\n  - {line}" for line in lines)
        if failures:
            first = failures[0]
            raise type(first)(first.method, first.path, first.status, f"{first.detail}{said}")
        return f"{self.location()}: every collection the configuration reads answered{said}"

    def _collections_read(self) -> list[tuple[str, str]]:
        """(path, what it holds) of each collection a scan with these settings reads."""
        version = self.api_version
        read = [
            (PROJECTS.path, "projects"),
            ("/awards", "awards"),
            (legacy.collection_path("/external-organizations", version), "external organisations"),
            (legacy.collection_path("/organizations", version), "units"),
        ]
        for on, family, what in (
            (self.config.research_outputs, OUTPUTS, "research outputs"),
            (self.config.activities, ACTIVITIES, "activities"),
            (self.config.applications, APPLICATIONS, "applications"),
        ):
            if on:
                read.append((family.path, what))
        return read

    # kvrules severities onto the risk levels a stock Pure classification scheme has.
    _LEVELS = {"ks:info": "ks:low", "ks:critical": "ks:high"}

    def taggable(self, record_id: str) -> bool:
        """Projects (bare uuids) and applications carry risk tags; outputs and activities
        (other "kind/uuid" record ids) do not."""
        return "/" not in record_id or record_id.startswith(APPLICATIONS.prefix)

    def read_only(self) -> str | None:
        """The older versioned API (``/ws/api/524``) only reads: its ``/projects/{id}`` has GET
        alone (the 524 schema) and its records carry no version a write could be checked
        against. Write-back needs the current API."""
        version = legacy.api_version(self.config.base_url)
        if version is None:
            return None
        current = legacy.VERSIONED_BASE.sub("/ws/api", urlsplit(self.config.base_url).path)
        return (
            f"write-back needs the current Pure API (base_url {self.location()}{current}): "
            f"the {version} API that base_url names is read-only, so no tag is sent to it"
        )

    def writable_tags(self, tags: list[str]) -> list[str]:
        """Only the risk-level classification fits the configured keyword group."""
        mapped = {self._LEVELS.get(t, t) for t in tags}
        return sorted(t for t in mapped if t in self.config.risk_tags)

    def write_tags(
        self,
        record_id: str,
        tags: list[str],
        *,
        dry_run: bool = True,
        written: list[str] | None = None,
        note: str | None = None,
    ) -> TagWrite:
        """Set the kvrules risk tags of a project (record id = its uuid) or an application
        (``applications/{uuid}``). Dry-run by default."""
        if not self.taggable(record_id):
            raise ValueError(f"only projects and applications carry risk tags, not {record_id}")
        if not dry_run and (refused := self.read_only()):
            raise ReadOnlyApi(refused)  # before any request: that API has no PUT to send
        family = APPLICATIONS if record_id.startswith(APPLICATIONS.prefix) else PROJECTS
        return writeback.write_tags(
            self.client,
            self.config,
            record_id,
            tags,
            collection=family.path,
            dry_run=dry_run,
            note=note,
            written=written,
            # A dry run only reports: what this scan read of the project moments ago serves
            # as well as a second GET of it. A real write always reads (it needs the version).
            read_uris=self._risk_read.get(record_id) if dry_run else None,
            check_group=self._require_risk_group,
        )

    def _require_risk_group(self, collection: str) -> None:
        """Ask Pure once per family whether the risk group is configured; raise if not."""
        if collection not in self._risk_group:
            try:
                writeback.check_risk_group(self.client, self.config, collection)
                self._risk_group[collection] = None
            except writeback.RiskGroupMissing as exc:
                self._risk_group[collection] = exc
        if (missing := self._risk_group[collection]) is not None:
            raise missing

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
