"""A name whose last word ends real organisation names never reads as a person's
(``kvrules.enrich.organisations.ends_like_an_organisation``). Reviewers (2026-12-07) found
"Kestrel Photonics" and 19 of the demo's partners ("Aurora Energy", "Orion Energy") read as a
given and family name: against a complete registry that lacks them, they were set apart and not
screened on their country. The vocabulary is derived from real ROR records
(``bench/organisation_words.py``), not written by hand; persons' names are checked on real
persons' names (the real Pure responses), never on invented lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kvrules.enrich.organisations import (
    bare_personal_name,
    ends_like_an_organisation,
    organisation_words,
)

from .refdata.test_ror_dump import REAL

ROOT = Path(__file__).resolve().parents[1]
# ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e, every release folder
# (CC0 1.0), as bench/affiliations/registry.py writes it: the vocabulary's source.
UNION = Path("/tmp/ror-records-union.json.gz")
# UMNLibraries/pureapi @ fdd0df42fcc7716ec647d384ed38b49254aee66e : tests/data/524 (MIT): the
# copy in the Pure adapter's fixtures, and the fuller one in shared/data/real when it is there.
PURE = [
    ROOT / "adapters" / "kvrules_pure" / "tests" / "fixtures" / "pure-umn-524",
    *([REAL.parent / "pure-umn-524"] if REAL is not None else []),
]


@pytest.mark.parametrize(
    "word",
    [
        "Energy", "Photonics", "Systems", "Technologies", "Group", "Holdings", "Labs",
        "Robotics", "Aerospace", "Semiconductor", "Pharma", "Analytics", "Therapeutics",
    ],
)  # fmt: skip
def test_a_name_ending_in_an_organisation_word_is_no_persons(word: str) -> None:
    assert not bare_personal_name(f"Kestrel {word}")
    assert not bare_personal_name(f"Orion {word}")


@pytest.mark.parametrize("name", ["Ali Rezaei", "Wei Zhang", "Jean-Luc Picard", "Eli Lilly"])
def test_a_given_and_family_name_still_reads_as_a_persons(name: str) -> None:
    assert bare_personal_name(name) and not ends_like_an_organisation(name)


@pytest.mark.parametrize("name", ["Louis Pasteur", "Marie Curie", "Jacques Servier"])
def test_a_family_name_that_ends_eponyms_still_reads_as_a_persons(name: str) -> None:
    """ "Institut Pasteur", "Hôpital Pasteur", "Institut Curie": the derivation counted the
    eponym's family name as a word that ends organisation names, so "Louis Pasteur" as a
    partner read as an organisation and was screened on its country (the last session's
    closing note). A word after an eponym's head ("Institut", "Hôpital") is no longer counted."""
    assert bare_personal_name(name) and not ends_like_an_organisation(name)


@pytest.mark.parametrize("name", ["Kestrel Tech", "Tech Mahindra", "Kestrel Pte", "Orion OOO"])
def test_short_company_words_and_legal_forms_are_no_persons(name: str) -> None:
    """Words of four letters or fewer are no derived organisation words (family names collide
    there), so "Kestrel Tech" read as a person's: set apart, unscreened on its country, against
    a complete registry that lacks it. Short company words and legal forms that are no personal
    names now make it an organisation's."""
    assert not bare_personal_name(name)


def _pure_persons() -> set[tuple[str, str]]:
    def walk(node: object):
        if isinstance(node, dict):
            if "firstName" in node and "lastName" in node:
                yield node["firstName"], node["lastName"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    found: set[tuple[str, str]] = set()
    for folder in PURE:
        for path in folder.rglob("*.json"):
            found |= set(walk(json.loads(path.read_text(encoding="utf-8"))))
    return found


def test_no_real_persons_name_ends_like_an_organisation() -> None:
    """The persons of the real Pure responses (the authors of a research output, a person and
    an external person): no family name among them is an organisation word, and those given
    by a full first name still read as a person's."""
    persons = _pure_persons()
    assert len(persons) >= 40
    assert [f"{f} {n}" for f, n in persons if ends_like_an_organisation(f"{f} {n}")] == []
    assert [n for _, n in persons if n.lower() in organisation_words()] == []
    full = [f"{f} {n}" for f, n in persons if "." not in f]
    if REAL is not None:  # the person and external person: Jan and Janet Fransen
        assert len(full) >= 2
    assert [name for name in full if not bare_personal_name(name)] == []


@pytest.mark.skipif(not UNION.exists(), reason="the 51,370-record ROR union is not in /tmp")
def test_the_shipped_vocabulary_is_what_the_real_records_give() -> None:
    """``data/organisation_words.txt`` is the derivation's output, not edited by hand."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import organisation_words as derive
    finally:
        sys.path.remove(str(ROOT / "bench"))
    kept = derive.ending_words(derive.load(UNION), min_before=5, min_letters=5)
    shipped = derive.OUT.read_text(encoding="utf-8").splitlines()
    assert kept == [w for w in shipped if not w.startswith("#")]


@pytest.mark.skipif(REAL is None, reason="shared/data/real is not beside the checkout")
def test_fewer_real_organisations_read_as_a_persons() -> None:
    """Measured on the 13,432 display names of the real records (ror-records v2.0 to v2.9,
    13,395 distinct): 526 read as a person's by ``ORGANISATION_WORD`` alone, 367 with the
    vocabulary (530 and 369 before the short company words and the eponyms' heads). What is left ends in no organisation word ("Accreditation Canada", "Action
    Damien", names like "Eli Lilly" elsewhere): a complete registry settles those (tests/test_person_names_real.py)."""
    import gzip

    from kvrules.enrich.organisations import has_organisation_word, name_words_alone

    assert REAL is not None
    with gzip.open(REAL) as fh:
        records = [r for r in json.load(fh) if r["status"] != "withdrawn"]
    display = {n["value"] for r in records for n in r["names"] if "ror_display" in n["types"]}
    before = {n for n in display if name_words_alone(n) and not has_organisation_word(n)}
    after = {n for n in display if bare_personal_name(n)}
    assert (len(display), len(before), len(after)) == (13_395, 526, 367)
    assert after < before  # the vocabulary only takes names out
