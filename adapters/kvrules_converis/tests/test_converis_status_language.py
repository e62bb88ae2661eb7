"""The record's status label follows the preferred languages, as titles do (a reviewer's German
Converis round: languages [de_DE, en_GB] gave "Validated" beside a German title)."""

from __future__ import annotations

from converis_helpers import SECRET, adapter_for, scan
from kvrules_converis.simulator import start_simulator


def test_the_status_label_follows_the_preferred_languages_over_http() -> None:
    sim = start_simulator(projects=3, seed=2, password=SECRET, rate_limit=None)
    with sim, adapter_for(sim, languages=["de_DE", "en_GB"]) as adapter:
        german, french = sorted(sim.store.entities["Project"])[:2]
        sim.store.entities["Project"][german]["statusLabels"] = [
            {"language": "en_GB", "value": "Validated"},
            {"language": "de_DE", "value": "Validiert"},
        ]
        sim.store.entities["Project"][french]["statusLabels"] = [
            {"language": "fr_FR", "value": "Validé"}
        ]
        got = {r.record_id: r for r in scan(adapter)}
    assert got[str(german)].events[0].project.status == "Validiert"
    # none in a preferred language: the one given, as for titles (was: no status at all)
    assert got[str(french)].events[0].project.status == "Validé"
