"""Deliberately wrong adapters, built on the scaffold (as an integrator would write them), that
the conformance suite must fail: each passed it on 0.3.0."""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kvrules import FetchedRecord
from kvrules.testing import AdapterConformance, check_pages_to_end
from tests.test_scaffold import installed

__all__ = ["installed"]  # the fixture


def _wrong(base: type, mapping: ModuleType) -> dict[str, type]:
    """Adapters a scaffold's author might write, each wrong in one way."""

    class PageTokenOnEveryRecord(base):  # type: ignore[misc, valid-type]
        """Carries the next page's cursor on every record of a page: a scan stored after the
        first record of a page loses the rest of that page."""

        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            since, after = json.loads(cursor) if cursor else (0, "")
            while True:
                page = self.source.changed(since, after, self.config.page_size)
                if page:
                    since, after = page[-1]["modified"], page[-1]["id"]
                resume = json.dumps([since, after])
                for record in page:
                    events = [mapping.event(record, "project.created")]
                    yield FetchedRecord(record_id=record["id"], events=events, cursor=resume)
                if len(page) < self.config.page_size:
                    break
            yield FetchedRecord(record_id=":end", cursor=json.dumps([since, after]))

    class NoTieBreaker(base):  # type: ignore[misc, valid-type]
        """Pages by modification time alone: loses records sharing a time across pages."""

        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            since = json.loads(cursor) if cursor else 0
            while True:
                page = self.source.changed(since, "\uffff", self.config.page_size)
                for n, record in enumerate(page, 1):
                    since = record["modified"]
                    events = [mapping.event(record, "project.created")]
                    resume = json.dumps(since) if n == len(page) else None
                    yield FetchedRecord(record_id=record["id"], events=events, cursor=resume)
                if len(page) < self.config.page_size:
                    break
            yield FetchedRecord(record_id=":end", cursor=json.dumps(since))

    class PrintsSecret(base):  # type: ignore[misc, valid-type]
        """A debugging print of its key left in fetch (no log record: caplog saw nothing)."""

        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            print(f"connecting with key {self.config.secret()}")
            yield from super().fetch(cursor)

    class WritesSecretToStderr(base):  # type: ignore[misc, valid-type]
        """A logger of its own that does not propagate, writing to stderr."""

        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            wire = logging.getLogger("kvrules-test.wire")
            wire.propagate = False
            wire.handlers = [logging.StreamHandler(sys.stderr)]
            wire.warning("GET /projects api-key=%s", self.config.secret())
            yield from super().fetch(cursor)

    class VagueQuarantine(base):  # type: ignore[misc, valid-type]
        """Quarantines with a reason that names neither the field nor why."""

        def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
            for record in super().fetch(cursor):
                yield record.model_copy(update={"error": "error"}) if record.error else record

    return {
        "vague": VagueQuarantine,
        "page_token": PageTokenOnEveryRecord,
        "no_tie_breaker": NoTieBreaker,
        "prints_secret": PrintsSecret,
        "stderr_secret": WritesSecretToStderr,
    }


@pytest.fixture
def scaffolded(installed) -> dict[str, Any]:
    """The scaffold's adapter, its harness (from its own generated tests) and wrong adapters."""
    root: Path = installed("wrongs")
    package = importlib.import_module("kvrules_wrongs")
    mapping = importlib.import_module("kvrules_wrongs.mapping")
    path = root / "tests" / "test_wrongs_conformance.py"
    spec = importlib.util.spec_from_file_location("wrongs_conformance", path)
    assert spec is not None and spec.loader is not None
    tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tests)
    return {"harness": tests.Harness, "wrong": _wrong(package.WrongsAdapter, mapping)}


def _harness(scaffolded: dict[str, Any], wrong: str) -> Any:
    cls = scaffolded["wrong"][wrong]

    class Harness(scaffolded["harness"]):  # type: ignore[misc, name-defined]
        def adapter(self) -> Any:
            return cls(super().adapter().config, source=self.source)

    return Harness()


def test_the_resume_check_catches_a_cursor_pointing_past_the_rest_of_its_page(
    scaffolded,
) -> None:
    harness = _harness(scaffolded, "page_token")
    adapter = harness.adapter()
    full = check_pages_to_end(adapter)  # a full read is complete: only a resume loses
    assert sorted(r.record_id for r in full if r.events) == sorted(harness.record_ids())
    with pytest.raises(
        AssertionError, match=r"lost after resume: .* \(interrupted after record 1, "
    ):
        AdapterConformance().test_resumes_after_interruption(adapter, full)


def test_the_sample_source_shares_a_time_across_pages_so_a_cursor_without_a_tie_breaker_fails(
    scaffolded,
) -> None:
    harness = _harness(scaffolded, "no_tie_breaker")
    full = check_pages_to_end(harness.adapter())
    with pytest.raises(AssertionError, match="the adapter's fetch returned 2 of the 5 records"):
        AdapterConformance().test_pages_to_the_end(harness, full)


def test_the_scaffolds_own_adapter_resumes_after_every_record(scaffolded) -> None:
    harness = scaffolded["harness"]()
    adapter = harness.adapter()
    AdapterConformance().test_resumes_after_interruption(adapter, check_pages_to_end(adapter))


@pytest.mark.parametrize("wrong", ["prints_secret", "stderr_secret"])
def test_the_secret_check_reads_stdout_and_stderr_too(
    scaffolded, wrong: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    harness = _harness(scaffolded, wrong)
    with pytest.raises(AssertionError, match=r"a secret leaked into stdout or stderr: .*\*\*\*"):
        AdapterConformance().test_no_secret_in_logs_or_messages(harness, caplog, capfd)
    AdapterConformance().test_no_secret_in_logs_or_messages(
        scaffolded["harness"](), caplog, capfd
    )  # the scaffold's own adapter passes


def test_the_quarantine_check_wants_the_field_and_why(scaffolded) -> None:
    harness = _harness(scaffolded, "vague")
    with pytest.raises(AssertionError, match="the quarantine reason 'error' must name the field"):
        AdapterConformance().test_quarantines_unmappable_record(harness, harness.adapter())
    own = scaffolded["harness"]()
    AdapterConformance().test_quarantines_unmappable_record(own, own.adapter())
