"""A keyword's other senses are declared in the taxonomy (``{term, unless}``), not coded:
reviewer, 2026-12-07, "honey bee drone congregation areas and colony health" was EU dual-use
Annex I category 9 and robotics (RED with Beihang as partner), and "social history of the
radar operators in World War II" category 6."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.enrich.areas import AreaDataError, Classifier, classify, parse_taxonomy

BEES = "honey bee drone congregation areas and colony health"
RADAR_HISTORY = "social history of the radar operators in World War II"


@pytest.mark.parametrize("topic", [BEES, RADAR_HISTORY])
def test_a_word_in_its_other_sense_raises_no_area(topic: str):
    assert classify([topic], []) == []


@pytest.mark.parametrize(
    ("topic", "area"),
    [
        ("drone swarms for search and rescue", "eu-dual-use:cat9"),
        ("weather radar signal processing", "eu-dual-use:cat6"),
        # the other sense is read in the same phrase only: after a full stop it is a new one
        ("drone swarms. honey bee colonies", "eu-dual-use:cat9"),
    ],
)
def test_the_word_in_its_controlled_sense_still_does(topic: str, area: str):
    assert area in {h.area for h in classify([topic], [])}


def test_check_on_the_reviewers_topic_is_not_red_for_a_bee():
    result = CliRunner().invoke(
        cli, ["check", "--partner", "Beihang University (CN)", "--topic", BEES, "--json"]
    )
    answer = json.loads(result.stdout)
    assert answer["sensitive_areas"] == []
    assert answer["triage"]["colour"] != "red", answer["triage"]


TAXONOMY = {
    "taxonomy": "own",
    "source": {"cite": "Our own list"},
    "areas": [
        {
            "id": "mining",
            "label": "Mining",
            "keywords": ["ore", {"term": "shaft", "unless": ["elevator", "drive shaft"]}],
        }
    ],
}


def test_an_institution_declares_senses_in_its_own_taxonomy():
    own = Classifier(parse_taxonomy(TAXONOMY))
    assert [h.area for h in own.classify(["deep shafts of the mine"], [])] == ["own:mining"]
    assert own.classify(["elevator shaft design"], []) == []
    assert own.classify(["drive shafts"], []) == []


@pytest.mark.parametrize(
    ("keyword", "said"),
    [
        ({"term": "shaft", "when": ["x"]}, "a keyword is a phrase or {term: PHRASE, unless:"),
        ({"term": "shaft", "unless": []}, "'unless' of 'shaft' lists no phrase"),
        ({"term": "shaft", "unless": "elevator"}, "'unless' must be a list of non-empty texts"),
        ({"unless": ["elevator"]}, "a keyword is a phrase or {term: PHRASE"),
    ],
)
def test_a_malformed_sense_is_refused_naming_the_area(keyword: dict, said: str):
    data = {**TAXONOMY, "areas": [{**TAXONOMY["areas"][0], "keywords": [keyword]}]}
    with pytest.raises(AreaDataError, match="area 'mining'") as e:
        parse_taxonomy(data, "own.yaml")
    assert said in str(e.value)
