"""Single conformance checks on the public Adapter API; each raises AssertionError with a reason.

They are the building blocks of ``AdapterConformance`` and can be called on their own from an
adapter's tests when a fixture is too expensive to build once per check (a simulator, say).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kvrules.adapter import Adapter, FetchedRecord, TagWrite
from kvrules.config import SECRET_KEYS
from kvrules.contract import wrong_type
from kvrules.credentials import declared_secrets, env_prefix, setting_secret

# Cursor-only items in a row after which a fetch is taken not to end (no record comes any more)
MAX_ITEMS_WITHOUT_A_RECORD = 10_000


def fetched(adapter: Adapter, cursor: str | None = None) -> Iterator[FetchedRecord]:
    """``adapter.fetch(cursor)``, each item a FetchedRecord (AssertionError naming the plugin
    and the hook otherwise, in the words a scan uses). Bounded: a record yielded a second time
    in one fetch (paging that does not advance) or ``MAX_ITEMS_WITHOUT_A_RECORD`` cursor-only
    items in a row end it with an AssertionError, instead of a test that runs until it is
    killed with memory growing."""
    seen: set[str] = set()
    idle = 0
    for item in adapter.fetch(cursor):
        if problem := wrong_type(adapter, "fetch", item, FetchedRecord, "yielded"):
            raise AssertionError(problem)
        if item.events or item.error:
            if item.record_id in seen:
                raise AssertionError(
                    f"fetch did not end: record {item.record_id} yielded again "
                    f"(after {len(seen)} record(s); does the next page start after the last?)"
                )
            seen.add(item.record_id)
            idle = 0
        else:
            idle += 1
            if idle >= MAX_ITEMS_WITHOUT_A_RECORD:
                raise AssertionError(
                    f"fetch did not end: {idle} items in a row without a record "
                    f"(after {len(seen)} record(s))"
                )
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


def check_resume(
    adapter: Adapter, full: list[FetchedRecord], stop_after: int | None = None
) -> None:
    """Interrupt a fetch after record ``stop_after`` (None: after each record in turn, which
    meets both a page boundary and the middle of a page), keeping the last cursor seen as a
    scan stores it, and resume from there: nothing ``full`` read is lost (a page may repeat).
    A cursor that points past records not yet yielded (the next page's, carried by every
    record of a page) loses the rest of its page here."""
    expected = [r.record_id for r in content(full)]
    positions = range(1, len(expected) + 1) if stop_after is None else [stop_after]
    resumable = False
    for position in positions:
        seen, cursor = _interrupted(adapter, position)
        resumable = resumable or (cursor is not None and len(seen) < len(expected))
        resumed = [r.record_id for r in content(fetched(adapter, cursor))]
        missing = [i for i in expected if i not in set(seen) | set(resumed)]
        assert not missing, (
            f"lost after resume: {missing[:5]} (interrupted after record {position}, "
            f"{seen[-1] if seen else '-'}, resumed from its cursor {cursor!r}); does a cursor "
            "point past records not yet yielded (or skip records sharing a timestamp)?"
        )
    assert resumable, (
        f"no cursor before the end of the fetch after {stop_after or 'any'} record(s): give "
        "the test source several pages (a small page size) so that a fetch can be resumed "
        "midway"
    )


def _interrupted(adapter: Adapter, stop_after: int) -> tuple[list[str], str | None]:
    """The records a fetch yielded up to record ``stop_after``, and the last cursor among
    them (what a scan interrupted there has stored)."""
    seen: list[str] = []
    cursor = None
    records = fetched(adapter, None)
    try:
        for r in records:
            cursor = r.cursor or cursor
            if r.events or r.error:
                seen.append(r.record_id)
                if len(seen) >= stop_after:
                    break
    finally:
        records.close()
    return seen, cursor


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
    reason = (bad[0].error or "").strip()
    assert reason, "a quarantine needs a reason"
    # "error", "invalid record": nobody can fix the record from that. The field and why, as
    # kvrules.errors.validation_problems words a ValidationError ("project has no cfTitle"
    # says both too): at least three words.
    assert len(re.findall(r"\w+", reason)) >= 3, (
        f"the quarantine reason {reason!r} must name the field and say why (e.g. "
        "\"partners.1.country: not an ISO 3166-1 country: 'Narnia'\"; "
        "kvrules.errors.validation_problems words a ValidationError so)"
    )
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


def check_keeps_human_values(
    adapter: Adapter, record_id: str, tags: list[str], human_values: Callable[[], object]
) -> None:
    """Every write to ``record_id`` (a dry run, a write as if kvrules had written nothing,
    the same again, an undo) leaves the values a person set there (``human_values()``, read
    from the source) as they were: kvrules owns its own tags, nothing else."""
    expected = human_values()

    def unchanged(call: str) -> None:
        now = human_values()
        assert now == expected, (
            f"{call} changed what a person set on {record_id}: {expected!r} became {now!r}"
        )

    first = tags_written(adapter, record_id, tags)
    unchanged(f"write_tags({record_id!r}, {tags}) (a dry run)")
    if first.skipped:  # a value of kvrules' own group that kvrules did not write
        tags_written(adapter, record_id, tags, dry_run=False)
        unchanged(f"write_tags({record_id!r}, {tags}, dry_run=False) (skipped: {first.skipped})")
        return
    calls: list[tuple[list[str], list[str] | None]] = [
        (tags, first.before),
        (tags, tags),
        (first.before, tags),
    ]
    for wanted, written in calls:
        tags_written(adapter, record_id, wanted, dry_run=False, written=written)
        unchanged(f"write_tags({record_id!r}, {wanted}, dry_run=False, written={written})")


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


def check_no_secret(secret: str, *texts: str, where: str = "logs or messages") -> None:
    """The secret appears in none of the texts (captured logs, error messages, reprs)."""
    for text in texts:
        at = text.find(secret)
        if at >= 0:  # show where, with the secret itself masked
            context = text[max(0, at - 60) : at + len(secret) + 20].replace(secret, "***")
            raise AssertionError(f"a secret leaked into {where}: ...{context}...")


def check_no_secret_in_records(secret: str, records: Iterable[FetchedRecord]) -> None:
    """The secret is in no fetched record: not in its events (a keyword, a title, a link), its
    error, cursor or state rows. Rules, the store, cases and reports would all show it."""
    for r in records:
        check_no_secret(secret, r.model_dump_json(), where=f"fetched record {r.record_id}")


def check_secret_settings(config: BaseModel, secret: str, folder: Path) -> list[str]:
    """Every secret of the adapter's settings is declared with ``kvrules.secret_setting`` (no
    default, a ``X_file`` setting beside it) and works both ways ``kvrules config check``
    advises: from its environment variable, and from the file ``X_file`` names — never
    shown in the settings' repr. ``config`` is a working configuration of the adapter (the
    harness's), ``secret`` a value to try, ``folder`` where the file may be written.
    Returns the secret settings checked."""
    settings = type(config)
    declared = declared_secrets(settings)
    names = {d.name for d in declared}
    looks_secret = [
        name
        for name in settings.model_fields
        if SECRET_KEYS.search(name) and name not in names and not name.endswith(("_env", "_file"))
    ]
    assert not looks_secret, (
        f"{', '.join(looks_secret)}: declare secrets with kvrules.secret_setting (and "
        "X_file with kvrules.secret_file_setting) so they come from the environment or a file"
    )
    given = {d.name for d in declared} | {d.file_setting for d in declared if d.file_setting}
    base = {k: getattr(config, k) for k in config.model_fields_set if k not in given}
    for d in declared:
        assert settings.model_fields[d.name].default is None, f"{d.name}: a secret has no default"
        assert d.file_setting, f"{d.name}: declare {d.name}_file with kvrules.secret_file_setting"
        assert env_prefix(settings), f"{d.name}: give the settings an env_prefix (BaseSettings)"
        with _environment({d.env: secret, f"{d.env}_FILE": None}):
            from_env = settings(**base)
            assert setting_secret(from_env, d.name, d.name) == secret, f"{d.env} is not read"
            check_no_secret(secret, repr(from_env), str(from_env))
        path = folder / f"{d.name}.secret"
        path.write_text(secret + "\n", "utf-8")
        with _environment({d.env: None, f"{d.env}_FILE": None}):
            from_file = settings(**base, **{d.file_setting: path})
            assert setting_secret(from_file, d.name, d.name) == secret, (
                f"{d.file_setting}: not read"
            )
    return sorted(names)


@contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    """Environment variables set (or, for None, removed) for the block, then restored."""
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            _set(name, value)
        yield
    finally:
        for name, value in before.items():
            _set(name, value)


def _set(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
