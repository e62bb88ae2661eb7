"""The shipped DoD 1286 partial edition: every row checked against the FY25 list as printed,
and flagged partial (issue 13, item 6)."""

from __future__ import annotations

import csv

from kvrules.refdata import Store
from kvrules.refdata.shipped import DATA, load_shipped, manifest

PARTIAL = DATA / "us_dod_1286_fy25_partial.csv"


def test_no_row_is_left_unchecked_and_differences_are_stated() -> None:
    with PARTIAL.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 52
    assert not [r["English Name"] for r in rows if "check the spelling" in r["Notes"]]
    # Every row is a row of the FY25 list as printed: names and aliases as printed, checked.
    assert not [r["English Name"] for r in rows if "the FY25 list prints" in r["Notes"]]


def test_people_s_short_names_still_find_the_long_printed_ones(store: Store) -> None:
    from kvrules.refdata.resolver import Resolver

    load_shipped(store)
    resolver = Resolver(store)
    for written, printed in [
        ("Ural Federal University", "ural-federal-university-named-after-b-n-yeltsin-the-first-"
         "president-of-russia"),
        ("Lebedev Physical Institute", "p-n-lebedev-physical-institute-of-the-russian-academy-"
         "of-sciences"),
        ("Higher School of Economics", None),  # too generic alone: not a confident hit
        ("Tsinghua University Center for International Security and Strategy",
         "center-for-international-security-and-strategy-of-tsinghua-university"),
    ]:  # fmt: skip
        best = resolver.best(written, "RU" if printed and "russia" in printed else None)
        found = best.entry if best and best.list == "us_dod_1286" else None
        assert found == printed, (written, best)


def test_the_edition_stays_flagged_partial(store: Store) -> None:
    load_shipped(store)
    info = next(i for i in store.lists() if i.list_id == "us_dod_1286")
    assert info.partial and "refdata update us_dod_1286" in (info.notes or "")
    assert next(m for m in manifest() if m["list_id"] == "us_dod_1286")["partial"] is True
