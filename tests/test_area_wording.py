"""How a research area is said (reviewer acting as a university export-control officer,
2026-12-07): the Annex I category by its name, not a bare number; a keyword match said to be
an indication for the officer's review, not a classification or licence decision; "none found"
naming the vocabulary it was looked for in and its edition. The real CLI and Markdown."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.enrich.areas import default_classifier
from kvrules.plain import area_label, areas_said


def _check(topic: str, *flags: str) -> str:
    result = CliRunner().invoke(
        cli, ["check", "--partner", "Stanford University (US)", "--topic", topic, *flags]
    )
    return " ".join(result.stdout.split())


def test_the_annex_i_category_is_named():
    assert area_label("eu-dual-use:cat7") == (
        "EU dual-use Annex I category 7 — navigation and avionics"
    )
    said = _check("Gyroscopes for inertial navigation")
    assert "category 7 — navigation and avionics, matched words: 'gyroscope'" in said


def test_a_keyword_match_is_said_to_be_an_indication_not_a_decision():
    said = _check("Gyroscopes for inertial navigation")
    indication = (
        "a keyword match is an indication for the export-control officer's review, not a "
        "classification or licence decision"
    )
    # on the areas line and in the finding's evidence, which `show` and the web page read too
    assert said.count(indication) == 2, said
    answer = json.loads(_check("Gyroscopes for inertial navigation", "--json"))
    (finding,) = answer["findings"]
    assert indication in finding["evidence_in_words"][0]


def test_none_found_names_the_vocabulary_and_its_edition():
    said = _check("Medieval manuscripts of the Low Countries")
    vocabulary = default_classifier()
    assert (
        f"Sensitive research areas: none found in the area vocabulary {vocabulary.digest}" in said
    )
    assert "taxonomies eu-critical-tech, eu-dual-use, nl-clusters, stra" in said
    assert areas_said([], [], "") == "none found"  # a pre-screen stored before it was recorded
