"""Short French titles, a Dutch plural and a Spanish title (reviewer acting as a university
export-control officer, 2026-12-07): "La séparation isotopique en France" was leant Dutch by
"en", so the French terms did not count; "Kernwapens in Europa" read as an English plural of
"kernwapen"; and a Spanish title must be said not screened, never "none found"."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.enrich.areas import classify


@pytest.mark.parametrize(
    ("title", "area"),
    [
        ("La séparation isotopique en France", "eu-dual-use:cat0"),
        ("Cryptanalyse en France au XXe siècle", "eu-dual-use:cat5"),
        ("Eau lourde en Norvège", "eu-dual-use:cat0"),
        ("Kernwapens in Europa", "eu-dual-use:cat0"),
    ],
)
def test_a_short_title_in_a_covered_language_is_screened(title: str, area: str):
    assert area in {h.area for h in classify([], [], title)}


@pytest.mark.parametrize(
    "title",
    [
        # "en" no longer leans Dutch, so a Dutch title's other sense is read in every glossary
        "Lithografie en drukcultuur in de negentiende eeuw",
        # an English plural of an English keyword's word still keeps a glossary term out
        "Planar gradiometers in magnetoencephalography",
    ],
)
def test_no_area_where_the_sense_or_the_word_is_not_the_glossarys(title: str):
    assert [h.area for h in classify([], [], title) if h.taxonomy == "eu-dual-use"] == []


def test_a_spanish_title_is_said_not_screened():
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "--partner",
            "Stanford University (US)",
            "--topic",
            "Separación isotópica del uranio mediante centrifugadoras de gas",
            "--json",
        ],
    )
    answer = json.loads(result.stdout)
    assert answer["areas_not_screened"] == ["Spanish"]
