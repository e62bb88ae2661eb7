"""Conformance checks any kvrules adapter should pass; call them from the adapter's tests.

Each check drives the public Adapter API only and raises AssertionError with a reason:

    from kvrules.testing import check_pages_to_end, check_resume, check_write_back
    records = check_pages_to_end(adapter)
    check_resume(adapter, records, stop_after=50)
    check_write_back(adapter, records[0].record_id, ["ks:high"])
"""

from __future__ import annotations

from collections.abc import Iterable

from kvrules.adapter import Adapter, FetchedRecord


def content(records: Iterable[FetchedRecord]) -> list[FetchedRecord]:
    """Records with events or an error (cursor-only markers left out)."""
    return [r for r in records if r.events or r.error]


def check_pages_to_end(adapter: Adapter, cursor: str | None = None) -> list[FetchedRecord]:
    """A fetch ends, yields each record once, ends with a cursor, and every event validates."""
    records = list(adapter.fetch(cursor))
    assert records, "fetch yielded nothing, not even a final cursor"
    assert records[-1].cursor, "the last record must carry the cursor to resume from"
    found = content(records)
    ids = [r.record_id for r in found]
    assert len(ids) == len(set(ids)), "a record was yielded twice in one fetch"
    for r in found:
        assert (r.error is None) == bool(r.events), f"{r.record_id}: events xor error"
        for e in r.events:
            assert type(e).model_validate_json(e.model_dump_json()) == e, f"{e.id} round-trip"
    return records


def check_resume(adapter: Adapter, full: list[FetchedRecord], stop_after: int) -> None:
    """Interrupt a fetch after ``stop_after`` records, resume from the last cursor seen:
    nothing is lost (a page may repeat)."""
    seen: list[str] = []
    cursor = None
    for r in adapter.fetch(None):
        cursor = r.cursor or cursor
        if r.events or r.error:
            seen.append(r.record_id)
        if len(seen) >= stop_after:
            break
    assert cursor is not None, f"no cursor within the first {stop_after} records"
    seen += [r.record_id for r in content(adapter.fetch(cursor))]
    missing = {r.record_id for r in content(full)} - set(seen)
    assert not missing, f"lost after resume: {sorted(missing)[:5]}"


def check_write_back(adapter: Adapter, record_id: str, tags: list[str]) -> None:
    """Dry-run is the default and writes nothing; a write is idempotent; it can be undone."""
    original = adapter.write_tags(record_id, tags)
    assert original.dry_run and not original.written, "write_tags must default to dry-run"
    assert adapter.write_tags(record_id, tags).before == original.before, "dry-run wrote"
    first = adapter.write_tags(record_id, tags, dry_run=False)
    assert sorted(first.after) == sorted(set(tags))
    again = adapter.write_tags(record_id, tags, dry_run=False)
    assert not again.written and not again.changed, "second identical write must be a no-op"
    undo = adapter.write_tags(record_id, original.before, dry_run=False)
    assert sorted(undo.before) == sorted(set(tags)), "the write did not stick"


def check_no_secret(secret: str, *texts: str) -> None:
    """The secret appears in none of the texts (captured logs, error messages, reprs)."""
    for text in texts:
        assert secret not in text, "a secret leaked into logs or messages"
