"""Conformance testing for kvrules adapters: one suite every adapter package runs.

The whole suite, with a few lines of pytest (see ``docs/writing-an-adapter.md``)::

    import pytest
    from kvrules.testing import AdapterConformance, SourceHarness

    class TestMyAdapterConformance(AdapterConformance):
        @pytest.fixture
        def harness(self, tmp_path):
            return MyHarness(tmp_path)  # a SourceHarness: builds the adapter, edits the source

It checks: paging to the end, resume after an interruption, incremental fetch (changed records
come back, unchanged ones do not), quarantine of unmappable records, dry-run by default and
writing nothing, idempotent write-back that persists and leaves what people set (other tags, and
kvrules' own group where kvrules did not write it) as it was, errors for unknown records and broken
sources, no secret in logs, messages or fetched records, and none sent to another host after a
redirect (the adapter pointed at a ``HostileServer`` through ``SourceHarness.adapter_at``).

Or call single checks where building a source per test is too costly::

    from kvrules.testing import check_pages_to_end, check_resume, check_write_back
    records = check_pages_to_end(adapter)
    check_resume(adapter, records, stop_after=50)
    check_write_back(adapter, records[0].record_id, ["ks:high"])

The suite imports pytest; the checks alone do not need it.

For an adapter's HTTP client, ``HostileServer`` (``kvrules.testing.hostile``) is a real server
on 127.0.0.1 that redirects elsewhere, drips bytes, sends giant bodies or slow headers, and
records which headers reached it::

    from kvrules.testing import Drip, HostileServer, Redirect
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kvrules.testing.checks import (
    check_dry_run_writes_nothing,
    check_incremental,
    check_keeps_human_values,
    check_no_secret,
    check_no_secret_in_records,
    check_nothing_new,
    check_pages_to_end,
    check_quarantine,
    check_resume,
    check_secret_settings,
    check_source_failure,
    check_unknown_record,
    check_write_back,
    content,
    last_cursor,
)
from kvrules.testing.harness import SourceHarness
from kvrules.testing.hostile import Drip, Giant, HostileServer, Json, Redirect, SlowHeaders

if TYPE_CHECKING:
    from kvrules.testing.suite import AdapterConformance

__all__ = [
    "AdapterConformance",
    "Drip",
    "Giant",
    "HostileServer",
    "Json",
    "Redirect",
    "SlowHeaders",
    "SourceHarness",
    "check_dry_run_writes_nothing",
    "check_incremental",
    "check_keeps_human_values",
    "check_no_secret",
    "check_no_secret_in_records",
    "check_nothing_new",
    "check_pages_to_end",
    "check_quarantine",
    "check_resume",
    "check_secret_settings",
    "check_source_failure",
    "check_unknown_record",
    "check_write_back",
    "content",
    "last_cursor",
]


def __getattr__(name: str) -> Any:
    # Lazy: the suite needs pytest, the single checks do not.
    if name == "AdapterConformance":
        from kvrules.testing.suite import AdapterConformance

        return AdapterConformance
    raise AttributeError(name)
