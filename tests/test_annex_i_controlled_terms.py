"""Plainly controlled fields are screened under their Annex I category: reviewer (acting as a
university export-control officer), 2026-12-07, found "Sarin and VX hydrolysis kinetics",
"Bacillus anthracis spore stabilisation", "Hot isostatic pressing of titanium aerospace parts"
and others with no Annex I area at all. The titles are the reviewer's (scratch list of false
negatives); each expected category is the one of the Annex I entry named beside the keyword
in ``eu-dual-use.yaml``."""

from __future__ import annotations

import pytest

from kvrules.enrich.areas import classify

MISSED = [
    ("Nerve agent precursors: detection in wastewater", "cat1"),
    ("Sarin and VX hydrolysis kinetics", "cat1"),
    ("Novichok detection by mass spectrometry", "cat1"),
    ("Chemical warfare agents in sea-dumped munitions", "cat1"),
    ("Bacillus anthracis spore stabilisation", "cat1"),
    ("Ricin production from castor beans", "cat1"),
    ("Biological weapons and the 1972 convention: verification methods", "cat1"),
    ("Enhanced transmissibility of highly pathogenic avian influenza", "cat1"),
    ("Maraging steel for high-strength rotor components", "cat1"),
    ("High explosives detonation physics", "cat1"),
    ("Ammonium perchlorate composite propellant combustion", "cat1"),
    ("Filament winding machines for composite pressure vessels", "cat1"),
    ("Hot isostatic pressing of titanium aerospace parts", "cat2"),
    ("Hot isostatically pressed Inconel 718", "cat2"),
    ("Detonator design with exploding bridgewire", "cat3"),
    ("Spyware for mobile phone interception", "cat4"),
    ("Zero-day exploit development and surveillance tools", "cat4"),
    ("Frequency hopping waveforms for tactical radio", "cat5"),
    ("Spyware for mobile phone interception", "cat5"),
    ("IMSI catcher detection in mobile networks", "cat5"),
    ("Thermal imaging cameras for border surveillance", "cat6"),
    ("Uncooled microbolometer arrays for thermal imaging", "cat6"),
    ("Single crystal turbine blade casting", "cat9"),
    ("Turbofan blade cooling with single-crystal superalloys", "cat9"),
    ("Spent fuel pyroprocessing in molten salt", "cat0"),
]


@pytest.mark.parametrize(("title", "category"), MISSED)
def test_a_plainly_controlled_field_is_screened_under_its_category(title: str, category: str):
    found = {h.area for h in classify([], [], title)}
    assert f"eu-dual-use:{category}" in found, found


def test_the_hit_names_the_words_that_matched():
    (hit,) = [
        h
        for h in classify([], [], "Sarin and VX hydrolysis kinetics")
        if h.area == "eu-dual-use:cat1"
    ]
    assert hit.words == ["sarin", "VX"]


@pytest.mark.parametrize(
    "title",
    [
        # "interception" alone is hydrology's (rain caught by a canopy) and sport's
        "Canopy interception of rainfall in tropical forests",
        "Interception rates in elite football",
        # "vx" lower-case is no nerve agent: the acronym is matched case-sensitively
        "The vx-series of tracked vehicles",
    ],
)
def test_the_new_terms_do_not_reach_ordinary_senses(title: str):
    assert not [h for h in classify([], [], title) if h.taxonomy == "eu-dual-use"]


@pytest.mark.parametrize(
    "title",
    [
        "Tritium permeation barriers for fusion blankets",
        "Tritiumpermeation in Fusionsreaktoren",  # the German glossary follows the English
    ],
)
def test_tritium_is_category_1_not_0(title: str):
    """1C235 (tritium, its compounds and mixtures) is a Category 1 entry."""
    found = {h.area for h in classify([], [], title)}
    assert "eu-dual-use:cat1" in found and "eu-dual-use:cat0" not in found, found


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Acier maraging pour rotors de centrifugeuses", "cat1"),
        ("Pressage isostatique à chaud de pièces en titane", "cat2"),
        ("Heißisostatisches Pressen von Titanbauteilen", "cat2"),
        ("Wärmebildkameras für die Grenzüberwachung", "cat6"),
        ("Martensitaushärtender Stahl für Zentrifugenrotoren", "cat1"),
        ("Frequenzsprungverfahren für taktischen Funk", "cat5"),
        ("Warmtebeeldcamera's voor grensbewaking", "cat6"),
        ("Heet isostatisch persen van titanium onderdelen", "cat2"),
        ("Frequentieverspringing voor tactische radio", "cat5"),
    ],
)
def test_the_new_fields_are_screened_in_the_glossary_languages(title: str, category: str):
    """The reviewer's French, German and Dutch titles (the glossaries' renderings, for a
    speaker of each language to check, as the glossary files say)."""
    assert f"eu-dual-use:{category}" in {h.area for h in classify([], [], title)}
