"""The resolver's index kept beside the reference store (issue #16 item 3): built once per
state of the lists, loaded by later runs, never trusted when stale, foreign or damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kvrules.refdata import Resolver, Store, batch
from kvrules.refdata.cache import load, prepare
from kvrules.refdata.importers import import_file
from kvrules.refdata.shipped import load_shipped

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = [
    ("Harbin Institute of Technology", "CN"),
    ("Harbin Institue of Technlogy", None),  # corrected spelling
    ("School of Astronautics, Harbin Institute of Technology, Harbin, China", None),
    ("Beihang Univrsity", "CN"),  # fuzzy
    ("Nonexistent Foundation for Applied Studies", None),
]


@pytest.fixture
def shipped(tmp_path: Path):
    with Store(tmp_path / "refdata.db") as store:
        load_shipped(store)
        yield store


def answers(resolver: Resolver) -> list[list[dict]]:
    return [[m.as_dict() for m in resolver.match(n, c)] for n, c in NAMES]


def test_the_kept_index_answers_as_the_built_one(shipped: Store) -> None:
    first = prepare(shipped)
    assert first.built and Path(shipped.index_path).is_file()
    again = prepare(shipped)
    assert not again.built and again.searched == first.searched
    assert answers(again.resolver()) == answers(Resolver(shipped))
    assert answers(again.resolver())[0][0]["list"] == "us_dod_1286"


def test_an_import_retires_the_kept_index(shipped: Store) -> None:
    prepare(shipped)
    import_file(
        shipped, "csv", FIXTURES / "generic.csv", list_id="local", edition="2025", title="Local"
    )
    assert not Path(shipped.index_path).exists()
    index = prepare(shipped)
    assert index.built and "local@2025" in index.searched
    assert index.resolver().match("Acme Institute of Advanced Physics", "NL")[0].list == "local"


def test_an_index_of_another_state_is_not_used(shipped: Store, tmp_path: Path) -> None:
    """A change the store's writers did not announce (another kvrules version, a copied file)
    still changes the key."""
    kept = prepare(shipped)
    with Store(tmp_path / "other.db") as other:
        load_shipped(other)
        other.delete_edition("ror", "sample-v2.9")
        os.replace(shipped.index_path, other.index_path)
        assert prepare(other).built
    assert load(Path(shipped.index_path), kept.key) is None


@pytest.mark.parametrize("damage", ["group-writable", "truncated", "flipped byte", "not ours"])
def test_a_damaged_or_foreign_index_is_rebuilt(shipped: Store, damage: str) -> None:
    kept = prepare(shipped)
    path = Path(shipped.index_path)
    data = path.read_bytes()
    if damage == "group-writable":
        path.chmod(0o664)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped byte":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    else:
        path.write_bytes(b"\x80\x04pickle" + data)  # not written by kvrules
    assert load(path, kept.key) is None
    again = prepare(shipped)
    assert again.built
    assert answers(again.resolver()) == answers(Resolver(shipped))


def test_an_index_that_cannot_be_kept_still_matches(shipped: Store) -> None:
    Path(shipped.index_path).mkdir()  # a folder in the way (read-only folders do not stop root)
    (Path(shipped.index_path) / "x").touch()
    index = prepare(shipped)
    assert index.built and index.path is None
    assert index.resolver().match(*NAMES[0])[0].list == "us_dod_1286"
    assert [p.name for p in Path(shipped.path).parent.iterdir() if p.suffix == ".tmp"] == []


def test_repeated_rows_are_matched_once_and_answered_in_order(shipped: Store) -> None:
    resolver = Resolver(shipped)
    names = ["Beihang University", "Harbin Institute of Technology", "Beihang  University "]
    rows = [
        batch.Row(n, {"name": name}, name=name, country=country)
        for n, (name, country) in enumerate(
            [(names[0], None), (names[1], "CN"), (names[2], None), (names[0], "CN")] * 700, 1
        )
    ]
    stats = batch.Stats()
    results = list(batch.match_rows(resolver, rows, stats=stats))
    assert [r.row.number for r in results] == list(range(1, 2801))
    assert stats.rows == 2800 and stats.matched == 3  # the third is the first, spaced out
    for result in results[:4]:
        row = result.row
        assert result.matches == [m.as_dict() for m in resolver.match(row.name, row.country)]
