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
    differing = [r["English Name"] for r in rows if "the FY25 list prints" in r["Notes"]]
    assert differing == [
        "National Research University Higher School of Economics",
        "Ural Federal University",
        "Lebedev Physical Institute",
        "Tsinghua University Center for International Security and Strategy",
    ]


def test_the_edition_stays_flagged_partial(store: Store) -> None:
    load_shipped(store)
    info = next(i for i in store.lists() if i.list_id == "us_dod_1286")
    assert info.partial and "refdata update us_dod_1286" in (info.notes or "")
    assert next(m for m in manifest() if m["list_id"] == "us_dod_1286")["partial"] is True
