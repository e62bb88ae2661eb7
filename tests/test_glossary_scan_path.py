"""A scan reads Dutch, German and Spanish titles as `check` does (the reviewers' findings this
session were made with `check`; a record from the RIS goes through the scanner's enrichment):
a stored Dutch record on hypersonic glide vehicles gets Category 9, "kernfusie" Category 0, a
German drone swarm its areas, the male bee none, and a Spanish title is said not screened."""

from __future__ import annotations

import json
from pathlib import Path

from kvrules import Evaluator, load_rulebook
from kvrules.enrich import Enricher
from kvrules.enrich.areas import default_classifier
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.store import Store
from tests.conftest import rule_yaml

TITLES = {
    "P1": "Hypersone glijvoertuigen",
    "P2": "Kernfusie en plasmafysica",
    "P3": "Autonome Drohnenschwärme für die Grenzüberwachung",
    "P4": "Drohnen im Bienenvolk",
    "P5": "Propulsión hipersónica para cohetes reutilizables",
    "P6": "Medieval poetry in the Low Countries",
}


def test_a_scan_screens_foreign_titles_as_check_does(tmp_path: Path, write_rulebook) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    events = [
        {
            "id": f"{pid}:v1",
            "kind": "project.created",
            "occurred_at": "2026-01-01T00:00:00Z",
            "source": {"system": "file", "record_id": pid},
            "project": {"id": pid, "title": title},
        }
        for pid, title in TITLES.items()
    ]
    (exports / "p.jsonl").write_text("\n".join(map(json.dumps, events)) + "\n")
    rules = [
        rule_yaml(
            f"area-{n}", f"'project.sensitive_areas contains \"{area}\"'", on="project.created"
        )
        for n, area in enumerate(["eu-dual-use:cat9", "eu-dual-use:cat0"])
    ]
    rules.append(
        rule_yaml(
            "unscreened", "'project.areas_not_screened contains \"Spanish\"'", on="project.created"
        )
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    with (
        Store.open(tmp_path / "s.db") as store,
        Evaluator([load_rulebook(write_rulebook(*rules))]) as ev,
    ):
        Scanner(store, "file", adapter, ev, Enricher.from_store()).scan()
        opened = {c.record_id: c for c in store.cases("open")}
    # P1, P2 and P3 by their areas (P3: drones are Category 9), P5 as not screened in Spanish
    assert sorted(opened) == ["P1", "P2", "P3", "P5"]
    # the areas a scan stores are `check`'s: the same classifier on the same title
    classifier = default_classifier()
    assert {h.area for h in classifier.classify([], [], TITLES["P2"])} >= {
        "eu-dual-use:cat0",
        "nl-clusters:nuclear-technology",
    }
