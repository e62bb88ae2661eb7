"""A source cannot set a field only kvrules sets (``kvrules.intake``): a record whose
organisation carries ``country_set_apart`` is quarantined with the field's path, so that it can
neither hide a country from screening nor plant one for the next re-screen (which puts
``country_set_apart`` back into ``country``). The other records of the read are evaluated.
``kvrules evaluate`` takes kvrules' own enriched output, which carries it, and screens the
country again.

Real parts: the file adapter on a JSON-lines export, the shipped lists, the engine, a store.
"""

from __future__ import annotations

import json
from pathlib import Path

from kvrules import Evaluator, load_rulebook
from kvrules.enrich import Enricher
from kvrules.events_io import read_events
from kvrules.pipeline import Scanner
from kvrules.store import Store
from tests.conftest import rule_yaml

UNKNOWN = "Institute of Applied Optics and Fine Mechanics Qingdao"
REFUSED = (
    "visit.visitor.affiliations[0].country_set_apart: set apart by kvrules' enrichment, never "
    "by a source; give the organisation's country in `country`"
)


def _visit(record_id: str, affiliation: dict) -> dict:
    return {
        "id": f"{record_id}:v1",
        "kind": "visit.requested",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": record_id},
        "visit": {"id": record_id, "visitor": {"affiliations": [affiliation]}},
    }


def _export(folder: Path, *events: dict) -> Path:
    folder.mkdir()
    (folder / "visits.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    return folder


def test_a_record_carrying_country_set_apart_is_quarantined_and_the_others_are_evaluated(
    tmp_path: Path, write_rulebook
) -> None:
    from kvrules_file import FileAdapter, FileConfig

    export = _export(
        tmp_path / "exports",
        # planted: no country now, but a re-screen would screen the visitor on Iran
        _visit("V-PLANT", {"name": UNKNOWN, "country_set_apart": "IR"}),
        # hidden: a listed institution whose country the source moved out of sight
        _visit("V-HIDE", {"name": "Beihang University", "country_set_apart": "CN"}),
        _visit("V-CLEAN", {"name": "Beihang University", "country": "CN"}),
    )
    book = load_rulebook(
        write_rulebook(
            rule_yaml(
                "visitor-outside-eu",
                "'any a in visit.visitor.affiliations: a.country exists'",
                on="visit.requested",
            )
        )
    )
    adapter = FileAdapter(FileConfig(path=export))
    with Store.open(tmp_path / "s.db") as store, Evaluator([book]) as evaluator:
        report = Scanner(store, "file", adapter, evaluator, Enricher.from_store(None)).scan()
        held = {q.record_id: q.reason for q in store.quarantined("file")}
        remembered = {record for _, record, _, _ in store.subjects()}
        opened = {c.record_id for c in store.cases()}
    assert report.quarantined == 2 and report.events == 1
    assert held == {"V-PLANT": REFUSED, "V-HIDE": REFUSED}
    assert remembered == {"V-CLEAN"}  # nothing of a refused record is kept to re-screen
    assert opened == {"V-CLEAN"}


def test_kvrules_evaluate_screens_a_set_apart_country_again(tmp_path: Path) -> None:
    """``evaluate`` reads kvrules' own enriched output (``fetch --json``), where enrichment
    left ``country`` empty and kept the source's aside: the country goes back to be decided
    again, so a "hidden" country is screened and a "planted" one set apart again. One with
    both fields is no output of kvrules: skipped, as before."""
    path = tmp_path / "events.jsonl"
    lines = [
        _visit("V-PLANT", {"name": UNKNOWN, "country_set_apart": "IR"}),
        _visit("V-HIDE", {"name": "Beihang University", "country_set_apart": "CN"}),
        _visit("V-BOTH", {"name": UNKNOWN, "country": "NL", "country_set_apart": "IR"}),
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in lines))
    skipped: list[str] = []
    events = {e.source.record_id: e for e in read_events(path, skipped)}
    assert skipped == [
        f"{path}:3: visit.visitor.affiliations[0].country_set_apart: kvrules' enrichment sets "
        "a country apart by leaving `country` empty, never both; give the organisation's "
        "country in `country` alone"
    ]
    enricher = Enricher.from_store(None)
    for event in events.values():
        enricher.enrich(event)
    planted = events["V-PLANT"].visit.visitor.affiliations[0]  # type: ignore[union-attr]
    assert planted.country is None and planted.country_set_apart == "IR"  # apart again
    hidden = events["V-HIDE"].visit.visitor.affiliations[0]  # type: ignore[union-attr]
    assert hidden.country == "CN" and "us_dod_1286" in hidden.lists  # screened, not hidden
    # without enrichment to follow, the organisation stays as the rules saw it
    unscreened = next(iter(read_events(path, [], screen_again=False)))
    kept = unscreened.visit.visitor.affiliations[0]  # type: ignore[union-attr]
    assert kept.country is None and kept.country_set_apart == "IR"


def test_a_source_cannot_say_a_partner_reads_as_a_persons_name() -> None:
    """``read_as_person`` puts a note on the case page; only enrichment sets it."""
    from kvrules.intake import kvrules_only_field
    from kvrules.model import CollaborationEvent

    given = _visit("V-NOTE", {"name": "Ali Rezaei", "country": "IR", "read_as_person": True})
    refused = kvrules_only_field([CollaborationEvent.model_validate(given)])
    assert refused == (
        "visit.visitor.affiliations[0].read_as_person: said by kvrules' enrichment of a partner "
        "named like a person, never by a source"
    )
