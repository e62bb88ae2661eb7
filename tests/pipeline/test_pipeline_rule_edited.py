"""A rule edited without changing what it finds updates its findings in place: no second
finding, no second alert.

A reviewer widened a `matches` pattern that matched no new record: the next scan reported
"new findings 6", sent 6 more webhook messages, and `kvrules show case:1` listed two findings
with the same evidence, one per rulebook version (the fingerprint holds the test's wording).
Real parts: the Pure simulator, the SMTP server and webhook receiver, SQLite."""

from __future__ import annotations

import pytest
import yaml

from tests.pipeline.pipeline_helpers import System
from tests.scan_helpers import json_report, scanned

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

RULEBOOK = """\
rulebook: uni2-own
version: "{version}"
title: own rules
jurisdiction: NL
applies_to: everywhere
sources: [{{id: board, cite: "Board decision 2026-14"}}]
rules:
  - id: manuscripts
    title: Research on medieval manuscripts
    on: [project.created, project.updated]
    when: project.title matches "{pattern}"
    severity: low
    risks: [ethics]
    alert: adviser
    rationale: The board asked to see these.
    cite: board
"""
NARROW = ".*[Mm]edieval manuscripts.*"
WIDER = ".*([Mm]edieval manuscripts|[Pp]alimpsests).*"  # no title holds "palimpsests"


def _own_rulebook(system: System, version: str, pattern: str) -> None:
    books = system.config.parent / "site"
    books.mkdir(exist_ok=True)
    text = RULEBOOK.format(version=version, pattern=pattern)
    (books / "own.yaml").write_text(text, encoding="utf-8")
    config = yaml.safe_load(system.config.read_text(encoding="utf-8"))
    config["rulebooks"] = [str(books)]
    system.config.write_text(yaml.safe_dump(config), encoding="utf-8")


def _scan(system: System) -> dict:
    return json_report(scanned(system.config, "--json"))


def test_a_wider_pattern_that_finds_nothing_new_updates_the_findings_in_place(
    system: System,
) -> None:
    _own_rulebook(system, "1", NARROW)
    first = _scan(system)
    assert first["findings"] > 0 and first["alerts_delivered"] > 0
    posts, mails = len(system.hooks.posts), len(system.mail.mails)
    with system.store() as store:
        before = {case.id: [f.id for f in store.case_findings(case.id)] for case in store.cases()}

    _own_rulebook(system, "2", WIDER)
    again = _scan(system)

    assert again["rescreened"] > 0  # the rulebook changed: the records were evaluated again
    assert again["findings"] == 0 and again["alerts_queued"] == 0
    assert len(system.hooks.posts) == posts and len(system.mail.mails) == mails
    with system.store() as store:
        for case in store.cases():
            stored = store.case_findings(case.id)
            assert [f.id for f in stored] == before[case.id]  # the same rows, none added
            for f in stored:  # resting on the rule as it is now
                assert f.finding.rulebook.version == "2"
                assert [e.test for e in f.finding.evidence] == [f'matches "{WIDER}"']
        history = [e for e in store.audit_entries() if e.action == "finding.updated"]
        assert len(history) == first["findings"]
        assert history[0].details["rested_on"] == "uni2-own@1/manuscripts"
        assert store.verify_audit() == []


def test_an_edit_that_finds_more_is_still_new(system: System) -> None:
    _own_rulebook(system, "1", NARROW)
    first = _scan(system)
    _own_rulebook(system, "2", ".*([Mm]edieval manuscripts|[Ss]olid-state batteries).*")
    again = _scan(system)
    assert again["findings"] > 0  # batteries are new findings, and alert
    assert again["alerts_queued"] > 0
    with system.store() as store:
        total = sum(len(store.case_findings(case.id)) for case in store.cases())
    assert total == first["findings"] + again["findings"]
