"""A match an adviser set aside is no lapse of the list (reviewer's defect, upgrading from
2c1c373: after an adviser's "not the same organisation", a re-screen wrote twice "kvrules
noted that the US DoD Section 1286 list, edition FY25 … no longer lists what a finding of the
case rests on", though the edition was unchanged). The history says the adviser's verdict
was the cause, by whom and when, once per verdict and case."""

from __future__ import annotations

from pathlib import Path

from kvrules import Evaluator, load_rulebook
from kvrules.history import sentence
from kvrules.pipeline import Scanner
from kvrules.store import Store
from tests.conftest import rule_yaml
from tests.test_rescreen import (
    _acme_listed_until_2027,
    _enricher,
    _file_adapter,
    _two_projects,
)

ACME = "Acme Institute of Rocketry"


def _two_rules_on_the_watch_list(write_rulebook):
    """Two findings resting on the one match: the verdict is still said once."""
    when = "'any p in project.partners: p.lists contains \"watch\"'"
    rules = [rule_yaml(r, when, on="project.created") for r in ("watched", "watched-too")]
    return load_rulebook(write_rulebook(*rules))


def test_a_verdict_not_the_list_is_said_to_take_the_match_away(tmp_path: Path, write_rulebook):
    exports = _two_projects(tmp_path, ACME)
    refdb, state = _acme_listed_until_2027(tmp_path), tmp_path / "state.db"
    adapter = _file_adapter(exports)
    with (
        Store.open(state) as store,
        Evaluator([_two_rules_on_the_watch_list(write_rulebook)]) as ev,
    ):
        Scanner(store, "file", adapter, ev, _enricher(refdb)).scan()
        [case] = store.cases()
        assert len(store.case_findings(case.id)) == 2
        store.adjudicate_match(
            list_id="watch",
            entry="e2",
            org_name=ACME,
            country="RU",
            verdict="not-same",
            reason="a namesake in Novosibirsk",
            actor="adam",
            case_id=case.id,
        )
        verdict = store.adjudications()[0]
        for _ in range(2):  # a second re-screen says nothing more
            enricher = _enricher(refdb)
            enricher.screen.suppressed = store.match_suppressed  # as kvrules.assembly does
            Scanner(store, "file", adapter, ev, enricher).rescreen(everything=True)
        entries = store.audit_entries()
        actions = [e.action for e in entries]
        assert "finding.lapsed" not in actions, actions
        [said] = [e for e in entries if e.action == "finding.set-aside"]
        assert (said.details["by"], said.details["adjudication"]) == ("adam", verdict.id)
        words = sentence(said)
        assert "adam recorded on " + verdict.at.date().isoformat() in words, words
        assert f"{ACME} no longer matches the" in words and "not a change of the list" in words
        assert "no longer lists" not in words
        for stored in store.case_findings(case.id):
            assert stored.lapsed is not None and stored.lapsed["editions"] == [], stored.lapsed
            assert [v["by"] for v in stored.lapsed["set_aside"]] == ["adam"]
            [since] = stored.lapse_in_words()  # what the case page and `show` say of it
            assert since.startswith(f"{ACME} no longer matches the ") and "adam" in since, since
