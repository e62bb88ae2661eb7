"""``AdapterConformance``: the whole conformance suite as inherited pytest tests.

    import pytest
    from kvrules.testing import AdapterConformance, SourceHarness

    class MyHarness(SourceHarness): ...          # builds the adapter, changes the source

    class TestMyAdapterConformance(AdapterConformance):
        @pytest.fixture
        def harness(self, tmp_path):
            return MyHarness(tmp_path)

To opt out of one check (say the source cannot tell unchanged records apart), set the test to
None in your subclass, e.g. ``test_nothing_new_yields_no_records = None``, and say why.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from kvrules.adapter import Adapter, AdapterState, FetchedRecord
from kvrules.testing import checks
from kvrules.testing.harness import SourceHarness
from kvrules.testing.hostile import HostileServer, Json, Redirect

T = TypeVar("T")


def _optional(operation: Callable[[], T], what: str) -> T:
    try:
        return operation()
    except NotImplementedError as exc:
        why = f" ({exc})" if str(exc) else ""
        pytest.skip(f"the harness does not implement {what}{why}")


def _writable(records: list[FetchedRecord], adapter: Adapter) -> str:
    """A mapped record the adapter can tag (``Adapter.taggable``)."""
    mapped = (r.record_id for r in checks.content(records) if r.events)
    found = next((record_id for record_id in mapped if adapter.taggable(record_id)), None)
    assert found is not None, "no mappable, taggable record to write tags to"
    return found


class AdapterConformance:
    """Inherit in a ``Test*`` class and provide a ``harness`` fixture (a ``SourceHarness``)."""

    #: The harness's source must hold at least this many mappable records.
    min_records: int = 4
    #: Records consumed before the simulated interruption in the resume check; None (the
    #: default) interrupts after each record in turn: mid-page and at a page boundary.
    stop_after: int | None = None

    @pytest.fixture
    def adapter(self, harness: SourceHarness) -> Iterator[Adapter]:
        adapter = harness.adapter()
        try:
            yield adapter
        finally:
            adapter.close()

    @pytest.fixture
    def full(self, adapter: Adapter) -> list[FetchedRecord]:
        """A complete fetch from the beginning (already checked by ``check_pages_to_end``)."""
        return checks.check_pages_to_end(adapter)

    def test_pages_to_the_end(self, harness: SourceHarness, full: list[FetchedRecord]) -> None:
        returned = {r.record_id for r in checks.content(full)}
        try:
            held = harness.record_ids()
        except NotImplementedError:
            held = None
        if held is not None:  # the source's own count: a short fetch is the adapter's
            missing = sorted(set(held) - returned)
            assert not missing, (
                f"the adapter's fetch returned {len(set(held) & returned)} of the "
                f"{len(set(held))} records the source holds (missing {', '.join(missing[:5])}"
                f"{', …' if len(missing) > 5 else ''}): does it read every page?"
            )
        mapped = [r for r in checks.content(full) if r.events]
        assert len(mapped) >= self.min_records, (
            f"the adapter's fetch returned {len(mapped)} mappable record(s); the suite needs >= "
            f"{self.min_records}: give the harness source more, or, if it holds more, does "
            "fetch read every page?"
        )

    def test_resumes_after_interruption(self, adapter: Adapter, full: list[FetchedRecord]) -> None:
        checks.check_resume(adapter, full, stop_after=self.stop_after)

    def test_nothing_new_yields_no_records(
        self, adapter: Adapter, full: list[FetchedRecord]
    ) -> None:
        cursor = checks.last_cursor(full)
        assert cursor is not None
        checks.check_nothing_new(adapter, cursor)

    def test_yields_changed_record_from_cursor(
        self, harness: SourceHarness, adapter: Adapter, full: list[FetchedRecord]
    ) -> None:
        cursor = checks.last_cursor(full)
        assert cursor is not None
        record_id = _writable(full, adapter)
        _optional(lambda: harness.change(record_id), "change()")
        checks.check_incremental(adapter, cursor, record_id)

    def test_a_new_adapter_resumes_from_what_a_scan_stores(
        self, harness: SourceHarness, adapter: Adapter, full: list[FetchedRecord], tmp_path: Path
    ) -> None:
        """A scan stores each cursor with the state rows that came with it (``AdapterState``);
        the next scan's adapter is a new one, in a new process, that has only those."""
        from kvrules.store import Store

        cursor = checks.last_cursor(full)
        assert cursor is not None
        record_id = _writable(full, adapter)
        _optional(lambda: harness.change(record_id), "change()")
        fresh = harness.adapter()
        with Store.open(tmp_path / "conformance.db") as store:
            with store.transaction():
                for record in full:
                    store.keep_adapter_state("conformance", record.state_rows)
            stored = store.adapter_state("conformance")
            try:
                fresh.use_state(AdapterState(stored))
                checks.check_incremental(fresh, cursor, record_id)
            finally:
                stored.close()
                fresh.close()

    def test_quarantines_unmappable_record(self, harness: SourceHarness, adapter: Adapter) -> None:
        broken = _optional(harness.add_broken, "add_broken()")
        records = checks.check_pages_to_end(adapter)
        checks.check_quarantine(records, broken)

    def test_dry_run_writes_nothing(
        self, harness: SourceHarness, adapter: Adapter, full: list[FetchedRecord]
    ) -> None:
        record_id = _writable(full, adapter)
        checks.check_dry_run_writes_nothing(adapter, record_id, harness.tags, harness.snapshot)
        default = checks.tags_written(adapter, record_id, harness.tags)
        assert default.dry_run and not default.written, "write_tags must default to dry-run"
        assert harness.snapshot() == harness.snapshot(), "snapshot() must be deterministic"

    def test_write_back_is_idempotent(
        self, harness: SourceHarness, adapter: Adapter, full: list[FetchedRecord]
    ) -> None:
        writable = adapter.writable_tags(harness.tags)
        assert sorted(writable) == sorted(harness.tags), (
            f"harness.tags must be tags the adapter holds (writable_tags kept {writable})"
        )
        record_id = _writable(full, adapter)
        checks.check_write_back(adapter, record_id, harness.tags)
        # A fresh adapter sees the same tags: the write reached the source, not a cache.
        checks.tags_written(adapter, record_id, harness.tags, dry_run=False)
        fresh = harness.adapter()
        try:
            seen = checks.tags_written(fresh, record_id, harness.tags)
        finally:
            fresh.close()
        assert sorted(seen.before) == sorted(set(harness.tags)), "the write did not persist"

    def test_write_back_keeps_what_people_set(
        self, harness: SourceHarness, adapter: Adapter, full: list[FetchedRecord]
    ) -> None:
        """Tags and keywords a person set (another group; kvrules' own group, not written by
        kvrules) survive every write: an adapter that puts back only kvrules' tags erases them."""
        writable = [
            r.record_id for r in checks.content(full) if r.events and adapter.taggable(r.record_id)
        ]
        assert len(writable) >= 2, "two mappable, taggable records are needed to write tags to"
        for record_id, own_group in zip(writable, (False, True), strict=False):
            _optional(
                lambda r=record_id, own=own_group: harness.add_human_values(r, own_group=own),
                "add_human_values()",
            )
            checks.check_keeps_human_values(
                adapter,
                record_id,
                harness.tags,
                lambda r=record_id: _optional(lambda: harness.human_values(r), "human_values()"),
            )

    def test_unknown_record_write_raises(self, harness: SourceHarness, adapter: Adapter) -> None:
        before = harness.snapshot()
        checks.check_unknown_record(
            adapter, harness.unknown_record_id, harness.tags, harness.unknown_record_error
        )
        assert harness.snapshot() == before, "a failed write changed the source"

    def test_source_failure_raises(self, harness: SourceHarness, adapter: Adapter) -> None:
        _optional(harness.break_source, "break_source()")
        checks.check_source_failure(adapter)

    def test_no_secret_in_logs_or_messages(
        self,
        harness: SourceHarness,
        caplog: pytest.LogCaptureFixture,
        capfd: pytest.CaptureFixture[str],
    ) -> None:
        """Not in the logs, nor in what the adapter prints to stdout or stderr (a debugging
        print(), a logger of its own that does not propagate), nor in its errors and reprs."""
        secret = harness.secret
        if not secret:
            pytest.skip("the harness declares no secret")
        caplog.set_level(logging.DEBUG)
        texts: list[str] = []
        adapter = harness.adapter()
        try:
            texts += [repr(adapter), repr(adapter.config), str(adapter.config)]
            records = list(checks.fetched(adapter, None))
            texts += [f"{r.cursor} {r.error}" for r in records]
            record_id = _writable(records, adapter)
            texts.append(repr(checks.tags_written(adapter, record_id, harness.tags, dry_run=False)))
            texts += [_message(lambda: adapter.write_tags(harness.unknown_record_id, []))]
            try:
                harness.break_source()
            except NotImplementedError:
                pass
            else:
                texts.append(_message(lambda: list(adapter.fetch(None))))
        finally:
            adapter.close()
        printed = capfd.readouterr()
        checks.check_no_secret(secret, printed.out, printed.err, where="stdout or stderr")
        checks.check_no_secret(secret, caplog.text, *texts)
        checks.check_no_secret_in_records(secret, records)

    def test_the_secret_never_follows_a_redirect(self, harness: SourceHarness) -> None:
        """A client that follows redirects carries the adapter's credential (an ``x-api-key``
        header) to whatever host the RIS, or whoever answers for it, names. The adapter is
        pointed at a server redirecting every request to another host (``adapter_at``); it
        may fail, but its secret must not arrive there."""
        secret = harness.secret
        if not secret:
            pytest.skip("the harness declares no secret")
        with HostileServer() as ris, HostileServer() as elsewhere:
            ris.script("/", Redirect(elsewhere.url("/redirected", host="localhost")))
            elsewhere.script("/", Json({}))
            adapter = _optional(lambda: harness.adapter_at(ris.url()), "adapter_at()")
            try:
                for action in (
                    lambda: list(checks.fetched(adapter, None)),
                    lambda: adapter.write_tags(harness.unknown_record_id, harness.tags),
                ):
                    # refusing the redirect (an error) is right: only where the key went matters
                    with contextlib.suppress(Exception):
                        action()
            finally:
                adapter.close()
            leaked = [r for r in elsewhere.requests if secret in f"{r.path} {r.headers}"]
            if leaked:
                where = ", ".join(
                    sorted({name for r in leaked for name, v in r.headers.items() if secret in v})
                    or ["the path"]
                )
                raise AssertionError(
                    f"the adapter sent its secret to another host after a redirect: "
                    f"{elsewhere.url(host='localhost')} received it in {where} "
                    f"({leaked[0].method} {leaked[0].path}); redirected from {ris.url()} — "
                    "do not follow redirects with credentials (kvrules.http refuses them)"
                )

    def test_secrets_come_from_the_environment_or_a_file(
        self, harness: SourceHarness, adapter: Adapter, tmp_path: Path
    ) -> None:
        """The ways `kvrules config check` advises for a secret (the adapter's variable, or
        the file its ``X_file`` setting names) are ways the adapter takes it."""
        checked = checks.check_secret_settings(
            adapter.config, harness.secret or "conformance-secret", tmp_path
        )
        if harness.secret:
            assert checked, (
                "the harness configures a secret, but the settings declare none with "
                "kvrules.secret_setting"
            )
        elif not checked:
            pytest.skip("the adapter's settings hold no secret")


def _message(action: Callable[[], Any]) -> str:
    try:
        action()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc!r} {exc}"
    return ""
