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
