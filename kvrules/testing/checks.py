"""Single conformance checks on the public Adapter API; each raises AssertionError with a reason.

They are the building blocks of ``AdapterConformance`` and can be called on their own from an
adapter's tests when a fixture is too expensive to build once per check (a simulator, say).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kvrules.adapter import Adapter, FetchedRecord, TagWrite
from kvrules.contract import wrong_type


def fetched(adapter: Adapter, cursor: str | None = None) -> Iterator[FetchedRecord]:
    """``adapter.fetch(cursor)``, each item a FetchedRecord (AssertionError naming the plugin
    and the hook otherwise, in the words a scan uses)."""
    for item in adapter.fetch(cursor):
        if problem := wrong_type(adapter, "fetch", item, FetchedRecord, "yielded"):
            raise AssertionError(problem)
        yield item


def tags_written(adapter: Adapter, record_id: str, tags: list[str], **options: Any) -> TagWrite:
    """``tags_written(adapter, ...)``, checked to return a TagWrite (AssertionError naming the
    plugin and the hook otherwise, in the words a scan uses)."""
    result = adapter.write_tags(record_id, tags, **options)
    if problem := wrong_type(adapter, "write_tags", result, TagWrite):
        raise AssertionError(problem)
    return result


def content(records: Iterable[FetchedRecord]) -> list[FetchedRecord]:
    """Records with events or an error (cursor-only markers left out)."""
    return [r for r in records if r.events or r.error]


def last_cursor(records: Iterable[FetchedRecord]) -> str | None:
    """The resume point after all of ``records`` (the last cursor any of them carried)."""
    cursor = None
    for r in records:
        cursor = r.cursor or cursor
    return cursor


def check_pages_to_end(adapter: Adapter, cursor: str | None = None) -> list[FetchedRecord]:
    """A fetch ends, yields each record once, ends with a cursor, and every event validates."""
    records = list(fetched(adapter, cursor))
    assert records, "fetch yielded nothing, not even a final cursor"
    assert records[-1].cursor, "the last record must carry the cursor to resume from"
    found = content(records)
    ids = [r.record_id for r in found]
    assert len(ids) == len(set(ids)), "a record was yielded twice in one fetch"
    for r in records:  # a scan stores them with the cursor, in the same transaction
        assert r.cursor or not r.state_rows, f"{r.record_id}: state rows without a cursor"
    for r in found:
        assert (r.error is None) == bool(r.events), f"{r.record_id}: events xor error"
        for e in r.events:
            assert type(e).model_validate_json(e.model_dump_json()) == e, f"{e.id} round-trip"
            assert e.source.record_id == r.record_id, f"{e.id}: source.record_id != record_id"
    return records


def check_resume(adapter: Adapter, full: list[FetchedRecord], stop_after: int) -> None:
    """Interrupt a fetch once ``stop_after`` records were seen and a cursor is known, resume
    from the last cursor seen: nothing is lost (a page may repeat)."""
    seen: list[str] = []
    cursor = None
    interrupted = False
    for r in fetched(adapter, None):
        cursor = r.cursor or cursor
        if r.events or r.error:
            seen.append(r.record_id)
        if len(seen) >= stop_after and cursor is not None:
            interrupted = True
            break
    assert interrupted, (
        f"no cursor before the end of the fetch after {stop_after} record(s): give the test "
        "source several pages (a small page size) so that a fetch can be resumed midway"
    )
    seen += [r.record_id for r in content(fetched(adapter, cursor))]
    missing = {r.record_id for r in content(full)} - set(seen)
    assert not missing, f"lost after resume: {sorted(missing)[:5]}"


def check_incremental(adapter: Adapter, cursor: str, changed: str) -> list[FetchedRecord]:
    """A fetch from ``cursor`` yields ``changed`` (changed in the source after that cursor)."""
    records = check_pages_to_end(adapter, cursor)
    ids = {r.record_id for r in content(records)}
    assert changed in ids, f"changed record {changed} not yielded from the cursor"
    return records


def check_nothing_new(adapter: Adapter, cursor: str) -> None:
    """With no change since ``cursor``, a fetch yields no records, only a cursor."""
    records = check_pages_to_end(adapter, cursor)
    again = [r.record_id for r in content(records)]
    assert not again, f"unchanged records yielded again: {again[:5]}"


def check_quarantine(records: list[FetchedRecord], broken: str | None) -> FetchedRecord:
    """An unmappable record is yielded with ``error`` (no events), and the fetch went on."""
    bad = [r for r in content(records) if r.error]
    if broken is not None:
        bad = [r for r in bad if r.record_id == broken]
    assert bad, f"the unmappable record {broken or '(any)'} was not quarantined"
    assert any(r.events for r in records), "nothing was mapped besides the quarantined record"
    assert bad[0].error and bad[0].error.strip(), "a quarantine needs a reason"
    return bad[0]


def check_write_back(adapter: Adapter, record_id: str, tags: list[str]) -> None:
    """Dry-run is the default and writes nothing; a write is idempotent; it can be undone by
    kvrules (which wrote it), but a value kvrules did not write is left as it is."""
    original = tags_written(adapter, record_id, tags)
    assert original.dry_run and not original.written, "write_tags must default to dry-run"
    assert tags_written(adapter, record_id, tags).before == original.before, "dry-run wrote"
    first = tags_written(adapter, record_id, tags, dry_run=False, written=original.before)
    assert sorted(first.after) == sorted(set(tags))
    again = tags_written(adapter, record_id, tags, dry_run=False, written=tags)
    assert not again.written and not again.changed, "second identical write must be a no-op"
    if sorted(set(tags)) != sorted(set(original.before)):
        # As far as this call knows, kvrules never wrote the tags there: someone else did.
        foreign = tags_written(adapter, record_id, original.before, dry_run=False)
        assert foreign.skipped and not foreign.written, "overwrote a value kvrules did not write"
    undo = tags_written(adapter, record_id, original.before, dry_run=False, written=tags)
    assert sorted(undo.before) == sorted(set(tags)), "the write did not stick"
    assert undo.skipped is None, "kvrules must be able to change what it wrote itself"


def check_dry_run_writes_nothing(
    adapter: Adapter, record_id: str, tags: list[str], snapshot: Callable[[], object]
) -> None:
    """A dry run reports the change it would make and leaves the source exactly as it was."""
    before = snapshot()
    result = tags_written(adapter, record_id, tags, dry_run=True)
    assert result.dry_run and not result.written, "a dry run must report written=False"
    assert sorted(result.after) == sorted(set(tags)), "a dry run must report the wanted tags"
    assert snapshot() == before, "a dry run changed the source"


def check_unknown_record(
    adapter: Adapter, record_id: str, tags: list[str], error: type[BaseException] = Exception
) -> BaseException:
    """Writing tags to a record the source does not have raises ``error``, dry run or not."""
    raised: BaseException | None = None
    for dry_run in (True, False):
        try:
            tags_written(adapter, record_id, tags, dry_run=dry_run)
        except error as exc:
            raised = exc
            continue
        raise AssertionError(f"write_tags({record_id!r}, dry_run={dry_run}) did not raise")
    assert raised is not None
    return raised


def check_source_failure(adapter: Adapter) -> BaseException:
    """An unusable source makes fetch raise (after any retries): an empty, successful-looking
    fetch would let the caller store a cursor past records it never saw."""
    try:
        records = list(fetched(adapter, None))
    except Exception as exc:
        return exc
    raise AssertionError(f"fetch on a broken source returned {len(records)} record(s)")


def check_no_secret(secret: str, *texts: str) -> None:
    """The secret appears in none of the texts (captured logs, error messages, reprs)."""
    for text in texts:
        at = text.find(secret)
        if at >= 0:  # show where, with the secret itself masked
            context = text[max(0, at - 60) : at + len(secret) + 20].replace(secret, "***")
            raise AssertionError(f"a secret leaked into logs or messages: ...{context}...")
