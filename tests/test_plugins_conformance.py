"""The adapter conformance suite itself: a conforming in-memory adapter passes every check, and
each check catches the fault it exists for."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from kvrules import (
    Adapter,
    CollaborationEvent,
    FetchedRecord,
    TagWrite,
    not_ours,
    secret_file_setting,
    secret_setting,
)
from kvrules.testing import (
    AdapterConformance,
    SourceHarness,
    check_dry_run_writes_nothing,
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
    last_cursor,
)

log = logging.getLogger("memory_adapter")


class Source:
    """A tiny RIS: records with a version counter, and tags per record."""

    def __init__(self, n: int = 5) -> None:
        self.records: dict[str, dict] = {f"r{i}": {"title": f"P{i}", "v": 1} for i in range(n)}
        self.tags: dict[str, list[str]] = {}
        self.clock = 1
        self.up = True


TOKEN = "s3cret-token"


class MemoryConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KVRULES_MEMORY_", extra="forbid")

    # SecretStr: a plain str would leak through repr(); from the environment or a file
    token: SecretStr | None = secret_setting("the source's token")
    token_file: Path | None = secret_file_setting("file holding the token")


class MemoryAdapter(Adapter):
    name = "memory"
    Config = MemoryConfig

    def __init__(self, config: MemoryConfig, source: Source) -> None:
        super().__init__(config)
        self.source = source

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        if not self.source.up:
            raise ConnectionError("source down")
        since = json.loads(cursor) if cursor else 0
        for rid, rec in sorted(self.source.records.items()):
            if rec["v"] <= since:
                continue
            log.debug("record %s", rid)
            at = json.dumps(since)  # resume re-reads everything newer than `since` (a repeat)
            if not rec["title"]:
                yield FetchedRecord(record_id=rid, error="title: missing (required)", cursor=at)
                continue
            event = CollaborationEvent(
                id=f"m:{rid}:{rec['v']}",
                kind="project.updated",
                source={"system": "memory", "record_id": rid},
                occurred_at="2026-01-01T00:00:00Z",
                project={"id": rid, "title": rec["title"]},
            )
            yield FetchedRecord(record_id=rid, events=[event], cursor=at)
        yield FetchedRecord(record_id=":end", cursor=json.dumps(self.source.clock))

    def write_tags(
        self,
        record_id: str,
        tags: list[str],
        *,
        dry_run: bool = True,
        written: list[str] | None = None,
    ) -> TagWrite:
        if record_id not in self.source.records:
            raise LookupError(record_id)
        held = self.source.tags.get(record_id, [])
        before, after = [t for t in held if t.startswith("ks:")], sorted(set(tags))
        result = TagWrite(
            record_id=record_id,
            before=before,
            after=after,
            written=False,
            dry_run=dry_run,
            skipped=self.not_ours(before, after, written),
        )
        if dry_run or not result.changed or result.skipped:
            return result
        self.source.tags[record_id] = [t for t in held if not t.startswith("ks:")] + after
        return result.model_copy(update={"written": True})

    not_ours = staticmethod(not_ours)


class MemoryHarness(SourceHarness):
    secret = TOKEN
    unknown_record_error = LookupError

    def __init__(self) -> None:
        self.source = Source()

    def adapter(self) -> MemoryAdapter:
        return MemoryAdapter(MemoryConfig(token=TOKEN), self.source)

    def snapshot(self) -> object:
        return json.dumps(self.source.tags, sort_keys=True)

    def change(self, record_id: str) -> None:
        self.source.clock += 1
        self.source.records[record_id].update(title="changed", v=self.source.clock)

    def add_broken(self) -> str:
        self.source.records["r-bad"] = {"title": "", "v": 1}
        return "r-bad"

    def break_source(self) -> None:
        self.source.up = False

    def record_ids(self) -> list[str]:
        return list(self.source.records)

    def add_human_values(self, record_id: str, own_group: bool = False) -> None:
        mine = ["faculty:eemcs", *(["ks:cleared-by-office"] if own_group else [])]
        self.source.tags[record_id] = [*self.source.tags.get(record_id, []), *mine]

    def human_values(self, record_id: str) -> object:
        return sorted(t for t in self.source.tags.get(record_id, []) if t != "ks:high")


class TestMemoryAdapterConformance(AdapterConformance):
    @pytest.fixture
    def harness(self) -> MemoryHarness:
        return MemoryHarness()


# ---- each check catches its fault -------------------------------------------------------
class DryRunWrites(MemoryAdapter):
    """Writes in dry-run, and reports that it did not."""

    def write_tags(
        self, record_id: str, tags: list[str], *, dry_run: bool = True, written: object = None
    ) -> TagWrite:
        done = super().write_tags(record_id, tags, dry_run=False)
        return done.model_copy(update={"written": False, "dry_run": dry_run})


class Overwrites(MemoryAdapter):
    """Writes over whatever is there, whoever set it."""

    not_ours = staticmethod(lambda before, after, written: None)


class Forgetful(MemoryAdapter):
    """Loses its place: resumes after the newest record instead of the last one processed."""

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        for r in super().fetch(cursor):
            yield r.model_copy(update={"cursor": json.dumps(self.source.clock)})


class Repeats(MemoryAdapter):
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        return super().fetch(None)


class Leaky(MemoryAdapter):
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        log.info("using token %s", self.config.token.get_secret_value())  # type: ignore[attr-defined]
        return super().fetch(cursor)


class Silent(MemoryAdapter):
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        if not self.source.up:
            return iter([FetchedRecord(record_id=":end", cursor="0")])
        return super().fetch(cursor)

    def write_tags(
        self, record_id: str, tags: list[str], *, dry_run: bool = True, written: object = None
    ) -> TagWrite:
        return TagWrite(record_id=record_id, before=[], after=tags, written=False, dry_run=True)


def build(cls: type[MemoryAdapter], harness: MemoryHarness) -> MemoryAdapter:
    return cls(MemoryConfig(token=TOKEN), harness.source)


def test_dry_run_that_writes_is_caught() -> None:
    h = MemoryHarness()
    with pytest.raises(AssertionError, match="dry run changed the source"):
        check_dry_run_writes_nothing(build(DryRunWrites, h), "r1", ["ks:high"], h.snapshot)
    with pytest.raises(AssertionError, match=r"default to dry-run|dry-run wrote"):
        check_write_back(build(DryRunWrites, h), "r2", ["ks:high"])


def test_overwriting_a_value_kvrules_did_not_write_is_caught() -> None:
    h = MemoryHarness()
    with pytest.raises(AssertionError, match="overwrote a value kvrules did not write"):
        check_write_back(build(Overwrites, h), "r2", ["ks:high"])
    check_write_back(build(MemoryAdapter, h), "r3", ["ks:high"])  # the honest one passes


def test_lost_records_after_resume_are_caught() -> None:
    h = MemoryHarness()
    full = check_pages_to_end(build(MemoryAdapter, h))
    h.source.clock = 2  # something else changed meanwhile: the forgetful cursor jumps past
    with pytest.raises(AssertionError, match="lost after resume"):
        check_resume(build(Forgetful, h), full, stop_after=2)


def test_repeating_unchanged_records_is_caught() -> None:
    h = MemoryHarness()
    adapter = build(Repeats, h)
    cursor = last_cursor(adapter.fetch())
    assert cursor is not None
    with pytest.raises(AssertionError, match="unchanged records yielded again"):
        check_nothing_new(adapter, cursor)


def test_leaked_secret_is_caught(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    h = MemoryHarness()
    list(build(Leaky, h).fetch())
    with pytest.raises(AssertionError, match="secret leaked"):
        check_no_secret(h.secret, caplog.text)


def test_silent_failures_and_missing_quarantine_are_caught() -> None:
    h = MemoryHarness()
    adapter = build(Silent, h)
    with pytest.raises(AssertionError, match="did not raise"):
        check_unknown_record(adapter, "nope", ["ks:high"], LookupError)
    with pytest.raises(AssertionError, match="was not quarantined"):
        check_quarantine(check_pages_to_end(adapter), "r1")
    h.break_source()
    with pytest.raises(AssertionError, match="broken source returned 1 record"):
        check_source_failure(adapter)


class ReturnsDict(MemoryAdapter):
    def write_tags(
        self, record_id: str, tags: list[str], *, dry_run: bool = True, written: object = None
    ) -> TagWrite:
        return super().write_tags(record_id, tags, dry_run=dry_run).model_dump()  # type: ignore[return-value]


class YieldsDicts(MemoryAdapter):
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        for r in super().fetch(cursor):
            yield r.model_dump()  # type: ignore[misc]


def test_a_hook_returning_the_wrong_type_is_named_in_one_line() -> None:
    """Not "AttributeError: 'dict' object has no attribute 'dry_run'": the plugin, the hook,
    what it returned and what the contract wants, in the words a scan uses."""
    h = MemoryHarness()
    with pytest.raises(AssertionError) as wrong_write:
        check_write_back(build(ReturnsDict, h), "r1", ["ks:high"])
    assert str(wrong_write.value) == "plugin 'memory': write_tags returned dict, expected TagWrite"
    with pytest.raises(AssertionError) as wrong_fetch:
        check_pages_to_end(build(YieldsDicts, h))
    assert str(wrong_fetch.value) == ("plugin 'memory': fetch yielded dict, expected FetchedRecord")


class ShippedSecret(BaseModel):
    token: SecretStr = SecretStr(TOKEN)  # the old way: a default, and no file


class NoFile(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KVRULES_NOFILE_")
    token: SecretStr | None = secret_setting("the token")


def test_a_secret_not_declared_or_without_a_file_is_caught(tmp_path: Path) -> None:
    """`config check` advises the adapter's variable or its X_file: both must work."""
    with pytest.raises(
        AssertionError, match=r"token: declare secrets with kvrules\.secret_setting"
    ):
        check_secret_settings(ShippedSecret(), TOKEN, tmp_path)
    with pytest.raises(AssertionError, match="token: declare token_file"):
        check_secret_settings(NoFile(token=TOKEN), TOKEN, tmp_path)
    assert check_secret_settings(MemoryConfig(token=TOKEN), TOKEN, tmp_path) == ["token"]


class KeepsOnlyItsOwn(MemoryAdapter):
    """Puts back only kvrules' tags: the faculty tag a person set is gone."""

    def write_tags(
        self, record_id: str, tags: list[str], *, dry_run: bool = True, written: object = None
    ) -> TagWrite:
        result = super().write_tags(record_id, tags, dry_run=dry_run, written=written)  # type: ignore[arg-type]
        if result.written:
            self.source.tags[record_id] = sorted(set(tags))
        return result


def test_erasing_what_a_person_set_is_caught() -> None:
    """All 12 checks passed an adapter writing put_tags(id, sorted(set(tags))) over
    'faculty:eemcs': the harness could not seed a value kvrules did not write."""
    h = MemoryHarness()
    h.add_human_values("r1")
    with pytest.raises(AssertionError) as erased:
        check_keeps_human_values(
            build(KeepsOnlyItsOwn, h), "r1", ["ks:high"], lambda: h.human_values("r1")
        )
    assert str(erased.value) == (
        "write_tags('r1', ['ks:high'], dry_run=False, written=[]) changed what a person set "
        "on r1: ['faculty:eemcs'] became []"
    )
    h.add_human_values("r2", own_group=True)  # the honest adapter leaves both alone
    check_keeps_human_values(
        build(MemoryAdapter, h), "r2", ["ks:high"], lambda: h.human_values("r2")
    )
    assert h.source.tags["r2"] == ["faculty:eemcs", "ks:cleared-by-office"]


class LeaksIntoRecord(MemoryAdapter):
    """Puts the token where no log check looks: a keyword of the project."""

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        for r in super().fetch(cursor):
            for e in r.events:
                e.project.keywords.append(f"fetched-with:{TOKEN}")  # type: ignore[union-attr]
            yield r


def test_a_secret_in_a_fetched_record_is_caught(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """test_no_secret_in_logs_or_messages checked cursors, errors, reprs and logs, never the
    events: a key appended to project.keywords passed."""
    h = MemoryHarness()
    records = list(build(LeaksIntoRecord, h).fetch())
    with pytest.raises(AssertionError) as leaked:
        check_no_secret_in_records(TOKEN, records)
    assert str(leaked.value).startswith("a secret leaked into fetched record r0: ...")
    assert "fetched-with:***" in str(leaked.value) and TOKEN not in str(leaked.value)
    check_no_secret_in_records(TOKEN, build(MemoryAdapter, h).fetch())
    # and the suite's own test runs that check

    class LeakyHarness(MemoryHarness):
        def adapter(self) -> MemoryAdapter:
            return build(LeaksIntoRecord, self)

    with pytest.raises(AssertionError, match="a secret leaked into fetched record r0"):
        AdapterConformance().test_no_secret_in_logs_or_messages(LeakyHarness(), caplog, capfd)


class NeverAdvances(MemoryAdapter):
    """Asks for the first page again and again: its fetch never ends (well, after 1,000 pages
    here, so that a check that misses it fails rather than hangs)."""

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        for _ in range(1_000):
            yield from (r for r in super().fetch(cursor) if r.events)


class OnlyMarkers(MemoryAdapter):
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        for _ in range(20_000):  # "forever", bounded for the same reason
            yield FetchedRecord(record_id=":page", cursor="0")


def test_a_fetch_that_never_ends_fails_instead_of_hanging() -> None:
    """The suite ran until killed (rc=124, memory growing) on paging that never advances."""
    h = MemoryHarness()
    with pytest.raises(AssertionError) as again:
        check_pages_to_end(build(NeverAdvances, h))
    assert str(again.value).startswith("fetch did not end: record r0 yielded again (after 5 ")
    with pytest.raises(AssertionError, match="fetch did not end: 10000 items in a row without"):
        check_pages_to_end(build(OnlyMarkers, h))


class FirstPageOnly(MemoryAdapter):
    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        records = [r for r in super().fetch(cursor) if r.events]
        yield from records[:2]
        yield FetchedRecord(record_id=":end", cursor=records[1].cursor)


def test_a_fetch_that_stops_after_the_first_page_is_blamed_not_the_harness() -> None:
    """It said "the harness source needs >= 4 mappable records, has 2" of a source of 5."""

    class Harness(MemoryHarness):
        def adapter(self) -> MemoryAdapter:
            return build(FirstPageOnly, self)

    h = Harness()
    full = check_pages_to_end(h.adapter())
    with pytest.raises(AssertionError) as short:
        AdapterConformance().test_pages_to_the_end(h, full)
    assert str(short.value) == (
        "the adapter's fetch returned 2 of the 5 records the source holds (missing r2, r3, r4): "
        "does it read every page?"
    )

    class Unsaid(Harness):  # a harness that does not say what the source holds
        record_ids = SourceHarness.record_ids

    with pytest.raises(AssertionError, match=r"returned 2 mappable record\(s\); the suite needs"):
        AdapterConformance().test_pages_to_the_end(Unsaid(), full)


class RemoteConfig(BaseModel):
    base_url: str = "http://127.0.0.1:9"
    api_key: SecretStr = SecretStr(TOKEN)


class PlainRequests(Adapter):
    """An RIS client on plain requests: it follows redirects, headers and all."""

    name = "remote"
    Config = RemoteConfig
    follow = True

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        import requests

        key = self.config.api_key.get_secret_value()
        response = requests.get(
            f"{self.config.base_url}/items",
            headers={"X-Api-Key": key},
            allow_redirects=self.follow,
            timeout=5,
        )
        response.raise_for_status()
        yield FetchedRecord(record_id=":end", cursor="0")

    def write_tags(self, record_id, tags, *, dry_run=True, written=None):  # type: ignore[no-untyped-def]
        raise LookupError(record_id)


class Refuses(PlainRequests):
    follow = False


def test_a_secret_that_follows_a_redirect_to_another_host_is_caught() -> None:
    """An adapter on plain requests passed every test while a redirect carried its x-api-key
    to another host: the suite now points the adapter at a redirecting server itself, through
    the adapter's base_url setting."""

    class Harness(MemoryHarness):
        cls: type[PlainRequests] = PlainRequests

        def adapter(self) -> Adapter:  # type: ignore[override]
            return self.cls(RemoteConfig())

    with pytest.raises(AssertionError) as leaked:
        AdapterConformance().test_the_secret_never_follows_a_redirect(Harness())
    said = str(leaked.value)
    assert said.startswith("the adapter sent its secret to another host after a redirect: ")
    assert "http://localhost:" in said and "received it in x-api-key (GET /redirected)" in said
    assert TOKEN not in said
    Harness.cls = Refuses
    AdapterConformance().test_the_secret_never_follows_a_redirect(Harness())
