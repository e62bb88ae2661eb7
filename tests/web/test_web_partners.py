"""Partners are named one after another with a separator no organisation's name contains:
"TUM (DE), Institute of Electronic Engineering, PLA Rocket Force University (CN)" read as
three partners where there were two."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kvrules.records import Remembered, describe
from kvrules.store import Store
from tests.web.web_helpers import app_for, event, login

TWO = [
    {"name": "TUM", "country": "DE"},
    {"name": "Institute of Electronic Engineering, PLA Rocket Force University", "country": "CN"},
]


def test_partners_are_separated_by_semicolons_wherever_a_record_is_named() -> None:
    label = describe(
        Remembered({"project": {"title": "T", "partners": TWO}}, "project"), "pure", "p"
    )
    expected = "TUM (DE); Institute of Electronic Engineering, PLA Rocket Force University (CN)"
    assert label.partner_list() == expected
    assert str(label).endswith("partners: " + expected)
    many = describe(
        Remembered(
            {"project": {"partners": [{"name": f"U{n}, Lab"} for n in range(8)]}}, "project"
        ),
        "pure",
        "p",
    )
    assert many.partner_list() == "U0, Lab; U1, Lab; U2, Lab; U3, Lab; U4, Lab; U5, Lab; +2 more"
    assert many.partner_list(everyone=True).endswith("U6, Lab; U7, Lab")


def test_the_export_lists_partners_with_the_same_separator(db: Path) -> None:
    comma = event(
        "p-1", "Institute of Electronic Engineering, PLA Rocket Force", "CN", with_match=True
    )
    assert comma.project is not None
    comma.project.partners.append(
        comma.project.partners[0].model_copy(update={"name": "TUM", "country": "DE"})
    )
    with Store.open(db) as store:
        store.record_subject(comma)
    client = app_for(db)
    login(client, "viewer")
    rows = list(csv.DictReader(io.StringIO(client.get("/cases.csv?table=cases").text)))
    (row,) = [r for r in rows if r["record id"] == "p-1"]
    assert row["partners"] == "Institute of Electronic Engineering, PLA Rocket Force (CN); TUM (DE)"
