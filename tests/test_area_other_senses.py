"""Ordinary research where a keyword has another sense raises no area: reviewer (acting as a
university export-control officer), 2026-12-07, found these titles (or their like) flagged as
Annex I and critical technology. Each is fixed by a sense or an exclusion declared in the
taxonomy data (``unless``/``exclude``, per language in the glossaries), not title by title;
the sense is read in the whole sentence, across ':' and ',' (not past a full stop)."""

from __future__ import annotations

import pytest

from kvrules.enrich.areas import classify

ORDINARY = [
    "Nuclear speckles and mRNA splicing in neurons",
    "Nuclear lamina dysfunction in progeria",
    "NF-kB nuclear translocation in macrophages after LPS stimulation",
    "Translocation nucléaire de NF-kB dans les macrophages",
    "Nukleäre Translokation von NF-kB in Makrophagen",
    "Nuclear families and intergenerational transfers in rural Kenya",
    "Familles nucléaires et solidarités intergénérationnelles",
    "Nuclear hormone receptors in liver metabolism",
    "Laser eye surgery outcomes in myopic adults: a registry study",
    "Chirurgie réfractive au laser chez les adultes myopes",
    "Laserchirurgie am Auge bei Kurzsichtigkeit",
    "Laserchirurgie van het oog bij bijziendheid",
    "Accelerometer-measured physical activity and cardiovascular risk in older adults",
    "Accéléromètres pour mesurer l'activité physique des personnes âgées",
    "Versnellingsmeters voor het meten van fysieke activiteit bij ouderen",
    "Lithography and print culture in nineteenth-century Paris",
    "Lithographie und Druckkultur im 19. Jahrhundert",
    "Rocket salad (Eruca sativa) glucosinolate content under drought stress",
    "The bagpipe drone in Scottish folk traditions",
    "Radar charts for visualising patient-reported outcomes",
    "The Radar Girls: oral history of women operators in World War II",
    "Drones, queens and workers: caste determination in Apis mellifera",
    "Insulin secretion in INS-1 beta cells under glucotoxic stress",
    "Missile crisis diplomacy: Cuba 1962",
    "Gain of function mutations in KRAS drive pancreatic cancer",
    "A battery of tests for early detection of cognitive decline in older adults",
]


@pytest.mark.parametrize("title", ORDINARY)
def test_a_keyword_in_another_sense_raises_no_area(title: str):
    assert classify([], [], title) == []


# The same words in their controlled sense still count: the senses are not the word itself.
CONTROLLED = [
    ("Femtosecond laser pulses for isotope separation", "eu-dual-use:cat6"),
    ("Eye-safe laser rangefinders", "eu-dual-use:cat6"),
    ("Tightly coupled INS and GNSS for small aircraft", "eu-dual-use:cat7"),
    ("MEMS accelerometer bias stability for inertial navigation", "eu-dual-use:cat7"),
    ("Gain-of-function research on avian influenza transmissibility", "eu-dual-use:cat1"),
    ("Missile guidance with imaging seekers", "eu-dual-use:cat9"),
    ("Solid rocket motor propellant ageing", "eu-dual-use:cat9"),
    ("Nuclear fuel reprocessing chemistry", "eu-dual-use:cat0"),
    ("EUV lithography resist chemistry", "eu-dual-use:cat3"),
    ("Weather radar signal processing", "eu-dual-use:cat6"),
    ("Battery materials for electric vehicles", "eu-critical-tech:energy"),
    # the other sense is read in its sentence only: after a full stop it is a new one
    ("Drone swarms. Honey bee colonies and their queens", "eu-dual-use:cat9"),
    ("Radar history. Radar charts. Phased array radar for air defence", "eu-dual-use:cat6"),
]


@pytest.mark.parametrize(("title", "area"), CONTROLLED)
def test_the_word_in_its_controlled_sense_still_counts(title: str, area: str):
    assert area in {h.area for h in classify([], [], title)}


def test_a_sense_is_read_across_a_colon_and_a_comma_not_a_full_stop():
    assert classify([], [], "The radar operators: an oral history") == []
    assert classify([], [], "Radar operators, remembered in oral history") == []
    hit = {h.area for h in classify([], [], "Radar operators. Oral history")}
    assert "eu-dual-use:cat6" in hit


def test_an_acronym_declares_its_other_senses_in_an_own_taxonomy():
    from kvrules.enrich.areas import Classifier, parse_taxonomy

    own = Classifier(
        parse_taxonomy(
            {
                "taxonomy": "own",
                "source": {"cite": "Our own list"},
                "areas": [
                    {
                        "id": "nav",
                        "label": "Navigation",
                        "acronyms": [{"term": "INS", "unless": ["beta cell"]}, "IMU"],
                    }
                ],
            }
        )
    )
    assert own.classify([], [], "INS-1 beta cells") == []
    assert [h.area for h in own.classify([], [], "INS drift")] == ["own:nav"]
    assert own.classify([], [], "ins drift") == []  # still case-sensitive
