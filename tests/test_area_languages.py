"""Sensitive areas in German, Dutch and French text, and a text in a language the vocabulary
has no terms in said to be not screened (a reviewer's German Converis round: a German-only
project on hypersonic missile propulsion with a partner in China had no area at all)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.enrich import Enricher
from kvrules.enrich.areas import (
    DATA_DIR,
    AreaDataError,
    Classifier,
    default_classifier,
    parse_glossary,
    read_glossaries,
)
from kvrules.enrich.language import guess
from kvrules.model import CollaborationEvent, Project, Source

GERMAN = ("Hyperschallantriebe für Flugkörper: Prüfstand Göttingen",
          ["Hyperschall", "Staustrahltriebwerk", "Hitzeschutz"])  # fmt: skip
ENGLISH = ("Hypersonic propulsion for missiles: test rig Göttingen",
           ["hypersonic", "scramjet", "thermal protection"])  # fmt: skip


def _areas(title: str, keywords: list[str]) -> set[str]:
    return {h.area for h in default_classifier().classify(keywords, [], title)}


def test_a_german_project_gets_the_areas_of_its_english_twin() -> None:
    """Was: sensitive_areas [] for the German record, four areas for the English one."""
    english = _areas(*ENGLISH)
    assert len(english) == 4
    assert _areas(*GERMAN) == english
    # the compound alone, in the title only, and what matched, in words
    assert "eu-dual-use:cat9" in _areas("Prüfstand für Lenkflugkörper", [])
    [hit] = [h for h in default_classifier().classify(["Hyperschall"], []) if "cat9" in h.area]
    assert hit.words == ["hyperschall* (de: hypersonic)"]


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Kwantumcomputers voor cryptografie", "nl-clusters:quantum-technology"),
        ("Onbemande luchtvaartuigen in de landbouw", "eu-dual-use:cat9"),
        ("Ordinateurs quantiques et cryptographie", "stra:quantum-science"),
        ("Künstliche Intelligenz in der Medizin", "eu-critical-tech:artificial-intelligence"),
    ],
)
def test_dutch_french_and_german_terms_meet_their_inflections(text: str, area: str) -> None:
    assert area in _areas(text, [])


@pytest.mark.parametrize(
    "text", ["Kernkompetenz Lehre", "Kernel methods", "Raketenwissenschaft ist kein Tennisschläger"]
)
def test_compounds_do_not_reach_words_that_only_begin_alike(text: str) -> None:
    assert not {a for a in _areas(text, []) if a.endswith("cat0")}


def test_a_glossary_term_with_a_short_or_misplaced_star_is_refused() -> None:
    base = {"language": "de", "name": "German", "source": {"cite": "x"}}
    with pytest.raises(AreaDataError, match="4 letters or more"):
        parse_glossary({**base, "terms": {"nuclear": ["kwa*"]}}, "g.yaml")
    with pytest.raises(AreaDataError, match="only starts the first word"):
        parse_glossary({**base, "terms": {"nuclear": ["ke*rn"]}}, "g.yaml")


def test_the_shipped_glossaries_name_only_keywords_the_taxonomies_hold() -> None:
    """A glossary entry for a keyword no taxonomy has would never be matched."""
    classifier = default_classifier()
    held = {" ".join(t.words) for a in classifier._areas for t in a.terms}
    for glossary in read_glossaries():
        assert set(glossary.terms) <= held, set(glossary.terms) - held
    assert {"en", "de", "nl", "fr"} <= set(classifier.languages)


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        (["Napędy hipersoniczne dla pocisków: stanowisko badawcze w Gliwicach"], "pl"),
        (["Propulsión hipersónica para misiles y el desarrollo de un banco"], "es"),
        (["高超声速推进系统"], "zh"),
        (["Hypersonic propulsion for missiles and the test rig"], "en"),
        (["Quantum sensing"], None),  # too short to tell: no guess
    ],
)
def test_the_language_guess(texts: list[str], code: str | None) -> None:
    assert guess(texts) == code


def _enriched(title: str, keywords: list[str]) -> Project:
    enricher = Enricher(None, [], classify=default_classifier().classify)
    enricher.area_languages = set(default_classifier().languages)
    ev = CollaborationEvent(
        id="e1",
        kind="project.created",
        source=Source(system="pure", record_id="p1"),
        occurred_at="2025-01-01T00:00:00Z",
        project=Project(id="p1", title=title, keywords=keywords),
    )
    enricher.enrich(ev)
    assert ev.project is not None
    return ev.project


def test_a_text_in_a_language_the_vocabulary_lacks_is_said_to_be_not_screened() -> None:
    polish = _enriched("Napędy hipersoniczne dla pocisków: stanowisko badawcze w Gliwicach", [])
    assert polish.sensitive_areas == [] and polish.areas_not_screened == ["Polish"]
    german = _enriched(*GERMAN)
    assert german.areas_not_screened == [] and len(german.sensitive_areas) == 4


def test_a_glossary_change_re_screens(tmp_path: Path) -> None:
    """The classifier's digest covers the glossaries: a new term re-screens stored records."""
    shipped = DATA_DIR
    copy = tmp_path / "areas"
    (copy / "languages").mkdir(parents=True)
    for path in shipped.glob("*.yaml"):
        (copy / path.name).write_bytes(path.read_bytes())
    for path in (shipped / "languages").glob("*.yaml"):
        (copy / "languages" / path.name).write_bytes(path.read_bytes())
    before = Classifier.from_dir(copy).digest
    de = copy / "languages" / "de.yaml"
    de.write_text(de.read_text(encoding="utf-8") + "  exascale: [exaskalig*]\n", encoding="utf-8")
    assert Classifier.from_dir(copy).digest != before
