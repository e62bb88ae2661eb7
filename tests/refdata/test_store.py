from __future__ import annotations

import sqlite3

import pytest

from kvrules.refdata import Entry, ListInfo, Store
from kvrules.refdata.store import EditionExistsError


def _info(edition: str, **kw: object) -> ListInfo:
    return ListInfo(list_id="demo", edition=edition, title="Demo", kind="designation", **kw)


def test_provenance_round_trip(store: Store) -> None:
    info = _info(
        "FY25",
        publisher="DoD",
        source_url="https://x",
        licence="PD",
        sha256="ab" * 32,
        partial=True,
        published="2025-07-01",
    )
    store.add_edition(info, [Entry(entry_id="a", name="Alpha University", country="CN")])
    (got,) = store.lists()
    assert got == info
    assert store.counts() == {("demo", "FY25"): 1}


def test_wal_mode(tmp_path) -> None:
    Store(tmp_path / "w.db").close()
    mode = sqlite3.connect(tmp_path / "w.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_entries_keep_all_fields(store: Store) -> None:
    entry = Entry(
        entry_id="a",
        name="Alpha University",
        aliases=["Alpha Univ"],
        acronyms=["AU"],
        native_names=["阿尔法大学"],
        affiliates=["Alpha Lab"],
        country="China",
        ror_id="https://ror.org/01yqg2h08",
        identifiers={"wikidata": "Q1"},
        parent_ror_id="03cve4549",
        attributes={"risk_level": "high"},
    )
    store.add_edition(_info("1"), [entry])
    (got,) = store.entries("demo")
    assert got.model_dump() == entry.model_dump()
    assert got.country == "CN" and got.ror_id == "01yqg2h08"


def test_history_shows_editions_without_the_entry(store: Store) -> None:
    store.add_edition(
        _info("FY24", published="2024-06-01"),
        [Entry(entry_id="x", name="Dropped University", country="RU")],
    )
    store.add_edition(
        _info("FY25", published="2025-06-01"),
        [Entry(entry_id="y", name="Other University", country="RU")],
    )
    rows = store.history(name="dropped university")
    assert [(r.edition, r.listed) for r in rows] == [("FY24", True), ("FY25", False)]
    assert store.latest("demo").edition == "FY25"
    assert store.history(name="Dropped University", country="CN") == []


def test_edition_is_not_silently_overwritten(store: Store) -> None:
    store.add_edition(_info("1"), [Entry(entry_id="a", name="Alpha University")])
    with pytest.raises(EditionExistsError):
        store.add_edition(_info("1"), [Entry(entry_id="b", name="Beta University")])
    store.add_edition(_info("1"), [Entry(entry_id="b", name="Beta University")], replace=True)
    assert [e.entry_id for e in store.entries("demo")] == ["b"]


def test_failed_write_changes_nothing(store: Store) -> None:
    store.add_edition(_info("1"), [Entry(entry_id="a", name="Alpha University")])
    dup = [Entry(entry_id="z", name="Zeta"), Entry(entry_id="z", name="Zeta again")]
    with pytest.raises(ValueError):
        store.add_edition(_info("2"), dup)
    assert store.editions("demo") == ["1"]


SAMPLE = {"partial": True, "retrieved_at": "2026-06-23T00:00:00+00:00"}  # as the ROR sample ships
DUMP = {"published": "2026-11-30"}  # a Zenodo dump: dated by its file name


@pytest.mark.parametrize(
    ("imported", "screens"),
    [
        # the severe defect: an undated shipped sample stayed current over a newer dated dump
        ([("sample", SAMPLE), ("dump", {**DUMP, "partial": True})], "dump"),
        ([("sample", SAMPLE), ("dump", DUMP)], "dump"),
        # a complete edition replaces a partial one, also a newer partial one
        ([("v1.55", {"published": "2024-10-31"}), ("sample", SAMPLE)], "v1.55"),
        (
            [
                ("FY24", {"published": "2024-06-01"}),
                ("FY25", {"published": "2025-06-01", "partial": True}),
            ],
            "FY24",
        ),
        # a newer one an older one, whatever order they were imported in
        ([("FY25", {"published": "2025-06-01"}), ("FY24", {"published": "2024-06-01"})], "FY25"),
        # an undated file is as old as the day it was taken from its source
        ([("dump", DUMP), ("by-hand", {"retrieved_at": "2026-12-05T09:00:00+00:00"})], "by-hand"),
        ([("by-hand", {"retrieved_at": "2026-01-05T09:00:00+00:00"}), ("dump", DUMP)], "dump"),
        # nothing dated at all: the last imported
        ([("a", {}), ("b", {})], "b"),
    ],
)
def test_which_edition_screens(
    store: Store, imported: list[tuple[str, dict[str, object]]], screens: str
) -> None:
    """One rule, for every kind of edition (docs/reference-data.md, "Which edition screens"):
    a complete edition replaces a partial one, a newer one an older one. Latest, the editions
    every list screens with (what `refdata lists` marks current, what the resolver indexes)
    and the entries read all agree."""
    for edition, provenance in imported:
        store.add_edition(_info(edition, **provenance), [Entry(entry_id=edition, name=edition)])
    assert store.latest("demo").edition == screens
    assert [i.edition for i in store.latest_editions()] == [screens]
    assert [e.entry_id for e in store.entries("demo")] == [screens]
    assert {info.edition for info, _ in store.iter_latest()} == {screens}
    history = store.history(entry_id=screens)  # what `refdata history` marks current
    assert [r.edition for r in history if r.current] == [screens]
