"""A pre-screen whose topic is in a language the area glossaries do not cover says its
technology fields were not screened, in the case page's words, and is not complete: `check`
(text and --json) and the ``Screening`` the web form and the API answer with. Before, they said
"Sensitive research areas: none found" and GREEN for a Polish topic on hypersonic missiles."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from kvrules.assembly import config_evaluator
from kvrules.cli import cli
from kvrules.config import Config
from kvrules.engine.evaluator import Evaluator
from kvrules.enrich import Enricher
from kvrules.enrich.areas import default_classifier
from kvrules.plain import areas_not_screened_in_words
from kvrules.prescreen import INCOMPLETE, Proposal, screen

# "Hypersonic propulsion for missiles: a test stand in Gliwice" in Polish (no Polish glossary)
POLISH = "Napędy hipersoniczne dla pocisków: stanowisko badawcze w Gliwicach"
SAID = "technology fields not screened in Polish (the area vocabulary has no terms in it)"


def test_the_wording_is_the_case_pages() -> None:
    assert areas_not_screened_in_words(["Polish"]) == SAID


@pytest.fixture(scope="module")
def evaluator() -> Iterator[Evaluator]:
    built = config_evaluator(Config())
    yield built
    built.close()


def _screened(evaluator: Evaluator, topic: str, *partners: str):  # type: ignore[no-untyped-def]
    """The shipped rulebooks and area vocabulary, no lists: nothing else makes it incomplete."""
    classifier = default_classifier()
    enricher = Enricher(None, [], classify=classifier.classify, home_country="NL")
    enricher.area_languages = set(classifier.languages)
    return screen(Proposal(topic=topic, partners=list(partners)), evaluator, enricher)


def test_a_topic_in_such_a_language_is_not_complete(evaluator: Evaluator) -> None:
    polish = _screened(evaluator, POLISH)
    assert polish.areas == [] and polish.areas_not_screened == ["Polish"]
    assert polish.triage.headline == INCOMPLETE and not polish.triage.complete
    assert polish.triage.reason.startswith(f"not complete: {SAID}; ")
    answer = polish.as_dict()
    assert answer["areas_not_screened"] == ["Polish"]
    assert answer["in_words"]["areas_not_screened"] == [SAID]
    # the same proposal in English is screened, and green is a complete answer
    english = _screened(evaluator, "Medieval manuscripts in the libraries of Gliwice")
    assert english.areas_not_screened == [] and english.triage.headline == "GREEN"
    assert english.as_dict()["in_words"]["areas_not_screened"] == []


def test_a_finding_s_colour_is_said_not_complete_too(evaluator: Evaluator) -> None:
    """An amber stays amber, and says what was not screened (as lists not imported do): the
    English words the Polish text carries fired a rule, the rest of it was not read."""
    mixed = _screened(evaluator, f"{POLISH}. Hypersonic missiles", "Tsinghua University (CN)")
    assert mixed.areas and mixed.areas_not_screened == ["Polish"]
    assert mixed.triage.colour == "amber" and not mixed.triage.complete
    assert mixed.triage.headline == f"AMBER, {INCOMPLETE}" and SAID in mixed.triage.reason


def test_check_says_it_in_text_and_json() -> None:
    said = CliRunner().invoke(
        cli, ["check", "--partner", "Warsaw University (PL)", "--topic", POLISH]
    )
    assert said.exit_code == 0, said.output
    text = " ".join(said.stdout.split())
    assert f"Sensitive research areas: {SAID}" in text and "none found" not in text
    as_json = CliRunner().invoke(
        cli, ["check", "--partner", "Warsaw University (PL)", "--topic", POLISH, "--json"]
    )
    doc = json.loads(as_json.stdout)
    assert doc["areas_not_screened"] == ["Polish"] and doc["in_words"]["areas_not_screened"] == [
        SAID
    ]
    assert doc["triage"]["complete"] is False and SAID in doc["triage"]["reason"]


@pytest.mark.parametrize(
    ("topic", "said"),
    [
        ("Propulsión hipersónica para cohetes reutilizables", " in Spanish"),
        ("Propulsione ipersonica per razzi riutilizzabili", " in Italian"),
        ("Rozpoznawanie twarzy w przestrzeni publicznej", " in Polish"),
        ("Propulsión hipersónica", ": language not recognised"),
    ],
)
def test_spanish_italian_and_polish_topics_are_not_complete(
    evaluator: Evaluator, topic: str, said: str
) -> None:
    """Was: GREEN with `areas_not_screened: []` (no guess, so nothing was said)."""
    found = _screened(evaluator, topic)
    assert found.areas_not_screened, topic
    assert not found.triage.complete and found.triage.headline == INCOMPLETE
    assert f"technology fields not screened{said}" in found.triage.reason


def test_an_unrecognised_language_in_words() -> None:
    from kvrules.enrich.language import NOT_RECOGNISED

    assert areas_not_screened_in_words([NOT_RECOGNISED]) == (
        "technology fields not screened: language not recognised"
    )
    assert areas_not_screened_in_words(["Polish", NOT_RECOGNISED]) == (
        f"{SAID}; technology fields not screened: language not recognised"
    )


def test_a_field_in_another_language_beside_english_is_said(evaluator: Evaluator) -> None:
    """Each field is guessed on its own too: a Spanish keyword beside an English title."""
    classifier = default_classifier()
    enricher = Enricher(None, [], classify=classifier.classify, home_country="NL")
    enricher.area_languages = set(classifier.languages)
    proposal = Proposal(
        title="Reusable launch vehicles and their propulsion",
        keywords=["Propulsión hipersónica para cohetes reutilizables"],
    )
    found = screen(proposal, evaluator, enricher)
    assert found.areas_not_screened == ["Spanish"]
    english = screen(Proposal(title="Reusable launch vehicles"), evaluator, enricher)
    assert english.areas_not_screened == []


def test_check_says_a_spanish_topic_is_not_complete() -> None:
    topic = "Propulsión hipersónica para cohetes reutilizables"
    as_json = CliRunner().invoke(cli, ["check", "--topic", topic, "--json"])
    doc = json.loads(as_json.stdout)
    assert doc["areas_not_screened"] == ["Spanish"] and doc["triage"]["complete"] is False
