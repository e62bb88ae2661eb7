"""The Converis adapter class: configuration, HTTP client, model check, scans, write-back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kvrules import Adapter, FetchedRecord, RecordExplanation, TagWrite, http

from . import explain, schema, writeback
from .client import ConverisClient, ConverisError
from .config import ConverisConfig
from .scan import Scanner


class ConverisAdapter(Adapter):
    """Clarivate Converis: Read API WS v2 for scans, CUD API for risk tags.

    ``ConverisAdapter()`` reads ``KVRULES_CONVERIS_*`` environment variables;
    ``ConverisAdapter({"base_url": ..., "username": ..., "password": ...})`` works too.
    """

    name = "converis"
    Config = ConverisConfig
    # Projects only: no co-publications, visits or applications (README, "Applications").
    record_kinds = frozenset({"project"})
    # kvrules severities onto the levels of the risk choice group.
    _LEVELS = {"ks:info": "ks:low", "ks:critical": "ks:high"}

    def __init__(self, config: ConverisConfig | dict[str, Any] | None = None) -> None:
        if config is None:
            config = ConverisConfig()  # type: ignore[call-arg]  # from the environment
        elif isinstance(config, dict):
            config = ConverisConfig(**config)
        super().__init__(config)
        self.config: ConverisConfig = config
        self._client: ConverisClient | None = None
        self._checked = False
        # Project-organisation link types the settings do not name (schema.unread_org_links).
        self._unread_links: list[str] = []
        # Every link type of the project not read nor ignored (schema.unread_project_links).
        self._unread_project_links: list[tuple[str, str]] = []
        self._unread_lines: list[str] = []

    @property
    def client(self) -> ConverisClient:
        if self._client is None:
            self._client = ConverisClient(self.config)
        return self._client

    def check(self) -> None:
        """Verify the configured names against the instance's /config (once per adapter)."""
        if not self._checked and self.config.check_model:
            model = schema.check(self.client, self.config)
            self._unread_links = schema.unread_org_links(model, self.config)
            self._unread_project_links = schema.unread_project_links(model, self.config)
            self._unread_lines = schema.unread_lines(model, self.config)
        self._checked = True

    def probe(self) -> str:
        """Authenticated reads of the instance's /config, checked against the settings, and
        an OPTIONS on the CUD API's /dataentities: the write address answers, nothing written
        (a wrong cud_url would otherwise show only when `scan --apply` writes)."""
        self._checked = False
        self.check()
        allow = self.client.cud_options()
        if allow and "PUT" not in allow.upper():
            raise ConverisError(
                "OPTIONS", "/dataentities", 200, f"the CUD API allows {allow}, not PUT"
            )
        cud = f"{self.config.cud_url}/dataentities"
        said = f"allows {allow}" if allow else "answered"
        # The names the settings give match; what the instance has beyond them is said too.
        unread = "".join(f"\n  - {line}" for line in self._unread_lines)
        return (
            f"{self.location()}: /config answered; the entity, link and attribute names the "
            f"settings give match; CUD API {http.shown_url(cud)} {said} (OPTIONS, nothing "
            f"written){unread}"
        )

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        self.check()
        return Scanner(self.client, self.config, self._unread_links).fetch(cursor)

    def explain(self, record: FetchedRecord) -> RecordExplanation | None:
        """Re-reads the project, its links and their organisations, and names the fields the
        mapping read and those it ignored. None for a record without a Converis id."""
        if not record.record_id.isdigit():
            return None
        self.check()
        scanner = Scanner(self.client, self.config, self._unread_links)
        rec, related = scanner.read_one(int(record.record_id))
        unread = explain.unread_links(
            self.client, self.config, int(record.record_id), self._unread_project_links
        )
        return explain.explain(record.record_id, rec, related, self.config, unread)

    def writable_tags(self, tags: list[str]) -> list[str]:
        """Only the highest risk level fits the single-choice attribute."""
        mapped = [self._LEVELS.get(t, t) for t in tags]
        known = [t for t in self.config.risk_values if t in mapped]
        return known[-1:]  # risk_values is ordered from lowest to highest

    def write_tags(
        self,
        record_id: str,
        tags: list[str],
        *,
        dry_run: bool = True,
        written: list[str] | None = None,
        expected_updated_on: str | None = None,
    ) -> TagWrite:
        """Set the risk attribute of a project (record id = its Converis id). Dry-run default."""
        self.check()
        return writeback.write_tags(
            self.client,
            self.config,
            record_id,
            tags,
            dry_run=dry_run,
            expected_updated_on=expected_updated_on,
            written=written,
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
