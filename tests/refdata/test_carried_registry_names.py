"""A partial ROR import keeps the registry names of listed entries (reviewer's defect 7).

Before: after ``refdata import ror … --partial`` of an edition that lacks Harbin Institute of
Technology's record, ``match "哈尔滨工业大学" --country CN`` found nothing (with the shipped
sample it was an alias match, 1.0): the 1286 entry lost its record's names, and only a line at
import time said so. Decision: a listed entry keeps the names of its ROR record from the newest
older edition that has it, and every match reached through them names that edition (a person
sees the names' provenance on every run); the carried edition is not counted as searched.

The one-record ROR file is Bozorgmehr University of Qaenat as the shared dump has it
(ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e, CC0 1.0), reduced.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.refdata import Resolver, Store
from kvrules.refdata.shipped import load_shipped

QAENAT = {
    "id": "https://ror.org/04vkn5g30",
    "names": [{"value": "Bozorgmehr University of Qaenat", "types": ["ror_display", "label"]}],
    "locations": [{"geonames_details": {"country_code": "IR", "name": "Qā’en"}}],
    "types": ["education"],
    "status": "active",
}


def _partial_store(tmp_path: Path) -> Path:
    (tmp_path / "ror.json").write_text(json.dumps([QAENAT]), encoding="utf-8")
    db = tmp_path / "refdata.db"
    with Store(db) as store:
        load_shipped(store)
    res = CliRunner().invoke(
        cli,
        ["refdata", "import", "ror", str(tmp_path / "ror.json"), "--refdata", str(db),
         "--edition", "tiny", "--partial"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "list entries link to ROR records this edition lacks: they keep those records' " \
        "names from the last edition that had them (ror@sample-v2.9)" in " ".join(res.output.split())  # fmt: skip
    return db


def test_a_listed_entry_keeps_its_registry_names_after_a_partial_import(tmp_path: Path) -> None:
    db = _partial_store(tmp_path)
    with Store(db) as store:
        assert store.latest("ror").edition == "tiny"  # the partial edition screens
        resolver = Resolver(store)
    found = resolver.match("哈尔滨工业大学", "CN")
    listed = [m for m in found if m.list == "us_dod_1286"]
    assert listed and listed[0].entry == "harbin-institute-of-technology"
    assert (listed[0].score, listed[0].candidate) == (1.0, False)
    assert "names from ror@sample-v2.9" in listed[0].explanation
    # the superseded edition lends its names, named in the match, and is no match of its own
    # (reviewer, 2026-12-07: "ror@sample-v2.9" matched while searched named only the new one)
    assert not [m for m in found if m.edition == "sample-v2.9"]
    # searched: the editions that screen; the older one only lent the records it had
    assert "ror@sample-v2.9 (partial)" not in resolver.searched
    assert "ror@tiny (partial)" in resolver.searched
    # the new edition's own records are matched as before
    assert resolver.match("Bozorgmehr University of Qaenat", "IR")[0].edition == "tiny"


def test_match_says_where_the_names_come_from(tmp_path: Path) -> None:
    db = _partial_store(tmp_path)
    res = CliRunner().invoke(
        cli, ["match", "哈尔滨工业大学", "--country", "CN", "--refdata", str(db)]
    )
    assert res.exit_code == 0, res.output
    assert "us_dod_1286@FY25 harbin-institute-of-technology" in res.output
    assert "(names from ror@sample-v2.9)" in res.output


def test_a_parent_reached_through_carried_names_says_where_they_come_from(tmp_path: Path) -> None:
    """The reviewer's repro (carried3.py): an older edition's record, carried because a 1286
    entry links to it, reaches its parent's entries too; that way said only "parent of …" and
    lost the names' provenance. Harbin Engineering University's record is the shared dump's
    (as QAENAT above), reduced; its alias and its parent link are invented for the test."""
    heu = {
        **QAENAT,
        "id": "https://ror.org/03x80pn82",
        "names": [
            {"value": "Harbin Engineering University", "types": ["ror_display", "label"]},
            {"value": "Harbin Marine Systems Lab", "types": ["alias"]},  # invented
        ],
        "locations": [{"geonames_details": {"country_code": "CN", "name": "Harbin"}}],
        "relationships": [
            {
                "type": "parent",
                "id": "https://ror.org/01yqg2h08",
                "label": "Harbin Institute of Technology",
            }
        ],
    }
    db = tmp_path / "refdata.db"
    with Store(db) as store:
        load_shipped(store)
    for records, edition in (([heu, QAENAT], "old-2024"), ([QAENAT], "new-2025")):
        (tmp_path / f"{edition}.json").write_text(json.dumps(records), encoding="utf-8")
        res = CliRunner().invoke(
            cli,
            ["refdata", "import", "ror", str(tmp_path / f"{edition}.json"), "--refdata", str(db),
             "--edition", edition, "--partial"],
        )  # fmt: skip
        assert res.exit_code == 0, res.output
    with Store(db) as store:
        found = Resolver(store).match("Harbin Marine Systems Lab", "CN")
    by_entry = {(m.list, m.entry): m for m in found}
    own = by_entry["us_dod_1286", "harbin-engineering-university"]
    assert own.via == "ror:03x80pn82 (names from ror@old-2024)"
    parent = by_entry["us_dod_1286", "harbin-institute-of-technology"]
    assert parent.method == "parent"
    assert parent.via == "parent of Harbin Engineering University (names from ror@old-2024)"
    assert "(names from ror@old-2024)" in parent.explanation  # as a person reads it
