"""The per-part path reads each segment's place once per part (``_PartView``), not once per
stretch (issue #16 item 3): on real affiliation strings it must answer exactly as the
straightforward form, which works every place out again for each stretch that asks. Real data:
the Crossref publisher-asserted affiliation strings (MIT) in shared/data/real, matched against
the shipped lists and real ROR records (CC0): the fixtures' (fixtures/README.md), and, in a slow
run, the shared snapshot's 13,503."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.refdata import Resolver, Store, resolver
from kvrules.refdata.importers import import_file
from kvrules.refdata.shipped import load_shipped

from .conftest import FIXTURES
from .test_ror_dump import REAL

CROSSREF = (
    None
    if REAL is None
    else REAL.parent / "20230628_Crossref_publisher_asserted_affiliation_string_ROR_IDs.csv.gz"
)
needs_real = pytest.mark.skipif(
    CROSSREF is None or not CROSSREF.is_file(),
    reason="shared/data/real is not beside the checkout",
)
REAL_ROR_FIXTURES = ("ror_affiliations.json", "ror_generic_names.json", "ror_round6.json")


class _PerStretch(resolver._PartView):
    """The reference: every place and qualifier worked out again each time a stretch asks, as
    the rules did before they were read once per part."""

    def place(self, i: int) -> str:
        return resolver._place(self.segments[i])

    def places(self, *besides: int) -> set[str]:
        keys = {resolver._place(seg) for i, seg in enumerate(self.segments) if i not in besides}
        keys.discard("")
        return keys

    def qualifiers_after(self, last: int) -> bool:
        return all(resolver._locationish(seg) for seg in self.segments[last + 1 :])


def _registry(where: Path, which: str) -> Path:
    """The real ROR records to match against: the fixtures' few, or the shared snapshot."""
    if which == "snapshot":
        assert REAL is not None
        return REAL
    records = {
        rec["id"]: rec
        for name in REAL_ROR_FIXTURES
        for rec in json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    }
    dump = where / "ror.json"
    dump.write_text(json.dumps(list(records.values())), encoding="utf-8")
    return dump


@pytest.fixture(
    scope="module",
    params=["fixtures", pytest.param("snapshot", marks=pytest.mark.slow)],
)
def real_resolver(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Resolver]:
    """The shipped lists and real ROR records: the fixtures' 37 (CC0: fixtures/README.md), or
    the 13,503 of the shared snapshot (slow: the city and country rules the view feeds run on
    far more of the strings there)."""
    where = tmp_path_factory.mktemp("parts")
    with Store(where / "kv.db") as store:
        load_shipped(store)
        store.delete_edition("ror", "sample-v2.9")
        import_file(store, "ror", _registry(where, request.param), edition="real")
        yield Resolver(store)


def _answers(found: Resolver, strings: list[str]) -> list[str]:
    """Every organisation the resolver reads in each string, with all its matches, as text."""
    return [
        json.dumps([(o.span, o.with_unit, [m.as_dict() for m in o.matches]) for o in orgs])
        for orgs in map(found.match_affiliation, strings)
    ]


@needs_real
def test_each_part_read_once_answers_as_each_stretch_reading_it_again(
    real_resolver: Resolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CROSSREF is not None
    with gzip.open(CROSSREF, "rt", encoding="utf-8-sig", newline="") as fh:
        strings = [row["affiliation"] for row in csv.DictReader(fh)]
    # the reference first, on every string; the view on those it names an organisation in:
    # the view only weighs hits (their score, city, country), it never makes or drops one
    monkeypatch.setattr(resolver, "_PartView", _PerStretch)
    again = dict(zip(strings, _answers(real_resolver, strings), strict=True))
    named = [text for text, said in again.items() if '"ror_id"' in said]
    monkeypatch.undo()
    once = dict(zip(named, _answers(real_resolver, named), strict=True))
    differing = [(text, once[text], again[text]) for text in named if once[text] != again[text]]
    assert not differing, differing[:3]
    # real strings naming organisations the records hold, with places around them: the rules
    # the view feeds (city, country, qualifiers) ran on many
    assert sum(text.count(",") >= 2 for text in named) >= 500
