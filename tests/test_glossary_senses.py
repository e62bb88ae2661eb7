"""Glossary terms keep the English keywords' senses and stay in their own language (a code
review on main: German/French titles on NMR, nuclear receptors, radar history, cathedral arches,
mobile-phone use and fireworks got sensitive areas their English twins do not get; English
titles got areas through French and German stems). The titles below are written for these
tests: ordinary research titles of the kinds a university's portfolio holds."""

from __future__ import annotations

import pytest

from kvrules.enrich.areas import default_classifier


def _areas(title: str, keywords: tuple[str, ...] = ()) -> dict[str, list[str]]:
    hits = default_classifier().classify(list(keywords), [], title)
    return {h.area: [r.matched for r in h.because] for h in hits}


# Each of these got at least one area on main (the reviewer's, and more of their kind).
REVIEWED = [
    "Nuklearmagnetische Resonanzspektroskopie von Proteinen in Lösung",
    "Résonance magnétique nucléaire des protéines",
    "Nukleare Rezeptoren im Fettstoffwechsel der Leber",
    "Nuklearmedizinische Diagnostik von Schilddrüsenerkrankungen",
    "Radargeschichte im Zweiten Weltkrieg: eine Oral History der Radartechniker",
    "Les ogives de la cathédrale de Chartres : architecture gothique",
    "Mobilfunknutzung von Jugendlichen und soziale Medien",
    "Feuerwerksraketen und Feinstaubbelastung in der Silvesternacht",
    "Une batterie de tests neuropsychologiques chez l'enfant",
    "La batterie dans le jazz moderne",
    "Médecine nucléaire et imagerie de la thyroïde",
    "Kernspinresonanz und nuklearmagnetische Resonanz in der Biochemie",
]
# Ordinary German, French and Dutch titles: medicine, history, social science, biology.
ORDINARY = [
    "Die Rolle der Familie in der Pflege von Demenzkranken",
    "Epigenetische Regulation der Zelldifferenzierung bei Pflanzen",
    "Geschichte der Universität Leipzig im 19. Jahrhundert",
    "Kinderarmut und Bildungschancen in Ostdeutschland",
    "Der Einfluss von Social Media auf das Wahlverhalten junger Erwachsener",
    "Magnetresonanztomographie des Kniegelenks bei Sportlern",
    "Die Kernfamilie im Wandel: Elternschaft und Erwerbsarbeit",
    "Testbatterie zur Erfassung exekutiver Funktionen bei Kindern",
    "Batterie von Gedächtnistests für ältere Menschen",
    "Die Geschichte der Radarforschung in Deutschland und ihre Historiker",
    "Raketenstarts zu Silvester: Lärm und Tierschutz",
    "Mobilfunk im Alltag älterer Menschen",
    "Biodiversität von Wildbienen in städtischen Gärten",
    "Antibiotikaresistenz von Krankheitskeimen in Kliniken",
    "La Révolution française et la presse régionale",
    "Inégalités scolaires et origine sociale dans les lycées",
    "Histoire de la radiodiffusion et du radar en France après la guerre mondiale",
    "Le récepteur nucléaire PPAR et le métabolisme du foie",
    "Facteur nucléaire kappa B et inflammation intestinale",
    "Les voûtes et ogives des églises romanes de Bourgogne",
    "La batterie de Max Roach et le bebop",
    "Pyrotechnie et fusées de feu pour les fêtes de village",
    "Épidémiologie du diabète de type 2 chez les adultes",
    "Migration et intégration des familles en Île-de-France",
    "Ecologie des abeilles sauvages dans les prairies alpines",
    "De geschiedenis van de radar in de Tweede Wereldoorlog",
    "Nucleaire receptoren en vetmetabolisme in de lever",
    "Kernspinresonantie en magnetische resonantie in de biochemie",
    "Vuurwerkraketten en fijnstof tijdens oudjaarsnacht",
    "Armoede en gezondheid bij kinderen in Rotterdam",
    "De rol van het kerngezin in de Nederlandse samenleving",
    "Biodiversiteit van wilde bijen in stedelijke tuinen",
    "Nucleaire geneeskunde en beeldvorming van de schildklier",
    # harmless words the spelling keys and "drohne*" could reach (a review of this session)
    "Drohnen im Bienenvolk",
    "Drohnenbrut und Varroamilben",
    "Die Grafen von Württemberg im Mittelalter",
    "Druckwalzen im Offsetdruck",
    "Die Bedrohung der Demokratie durch Desinformation",
    "Zware metalen in de bodem van de Maas",
    "Kleine modules voor het basisonderwijs",
]
# Sensitive titles in each language: they must keep their areas.
SENSITIVE = [
    ("Urananreicherung mit Gaszentrifugen", "eu-dual-use:cat0"),
    ("Nukleare Sicherheit von Kernreaktoren", "eu-dual-use:cat0"),
    ("Radarsysteme für die Luftraumüberwachung", "eu-dual-use:cat6"),
    ("Raketentriebwerke mit Festtreibstoff", "eu-dual-use:cat9"),
    ("Lithium-Ionenbatterien für Elektrofahrzeuge", "eu-critical-tech:energy"),
    ("Mobilfunknetze der fünften Generation", "eu-dual-use:cat5"),
    ("Sécurité nucléaire des réacteurs de recherche", "eu-dual-use:cat0"),
    ("Têtes militaires et missiles balistiques", "stra:advanced-weapons"),
    ("Batteries lithium pour le stockage de l'énergie", "eu-critical-tech:energy"),
    ("Nucleaire veiligheid van kernreactoren", "eu-dual-use:cat0"),
    ("Radarsystemen voor de luchtverkeersleiding", "eu-dual-use:cat6"),
]


@pytest.mark.parametrize("title", REVIEWED + ORDINARY)
def test_ordinary_titles_in_german_french_and_dutch_get_no_area(title: str) -> None:
    assert _areas(title) == {}


@pytest.mark.parametrize(("title", "area"), SENSITIVE)
def test_sensitive_titles_keep_their_areas(title: str, area: str) -> None:
    assert area in _areas(title), _areas(title)


def test_english_senses_and_exclusions_carry_into_each_language() -> None:
    """The English twins of the reviewed titles get no area: so must theirs."""
    assert _areas("Nuclear magnetic resonance spectroscopy of proteins in solution") == {}
    assert _areas("Nuclear receptors in hepatic lipid metabolism") == {}
    assert _areas("A social history of radar: oral history of radar operators") == {}
    # the English `unless` applies to a glossary term too (a text may mix languages)
    assert _areas("Oral History der Radartechniker in Jena") == {}


@pytest.mark.parametrize(
    "title",
    [
        "Ogives and cumulative frequency in statistics teaching",
        "Planar gradiometers in magnetoencephalography",
        "The ogive as a graph of cumulative frequencies",
        "Gradiometers for biomagnetic measurements with SQUIDs",
    ],
)
def test_glossary_stems_do_not_reach_english_text(title: str) -> None:
    assert _areas(title) == {}


def test_a_glossary_counts_in_its_own_language_only() -> None:
    """The German "Gradiometern" is cat6 in a German title, the word in an English one is not."""
    assert "eu-dual-use:cat6" in _areas("Messungen mit supraleitenden Gradiometern")
    # a record of German keywords alone tells no language: its compounds still count
    assert "eu-dual-use:cat9" in _areas("", ("Hyperschall", "Staustrahltriebwerk"))
    # a German record's compound is not taken in French (or English) text
    assert _areas("Le gradiometer dans les mesures") == {}


def test_one_word_gives_one_reason_in_its_own_language() -> None:
    """Was: a French title explained as "batterie* (de: battery)"; "Gravity gradiometer" gave
    two reasons (the English keyword and the German stem) for one area."""
    cat6 = _areas("Gravity gradiometer")["eu-dual-use:cat6"]
    assert cat6 == ["gravity gradiometer"]
    [reason] = _areas("Les batteries lithium pour les véhicules")["eu-critical-tech:energy"]
    assert reason.endswith("(fr: battery)") or reason.endswith("(fr: advanced battery)"), reason
