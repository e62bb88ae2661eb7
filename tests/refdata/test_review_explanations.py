"""Explanations that say the truth, and every organisation a joint unit names (issue #16 item
4; a reviewer's report with a 51,370-record real ROR registry): each test failed before its fix."""

from __future__ import annotations

from kvrules.refdata import Resolver
from tests.refdata.test_review_defects import (
    CAEP,
    FLUID,
    _acronyms_and_short_names,
    _ror,
    _units_of_listed_institutions,
)

HIT, PARIS_SACLAY, UVSQ, INSERM, LAB = (
    "01yqg2h08",
    "03xjwb503",
    "03mkjjy25",
    "02vjkv261",
    "021sh3243",
)


def test_explanations_say_how_the_name_was_matched() -> None:
    resolver = _acronyms_and_short_names()
    # the organisation itself, named after its school: no "parent" (nothing went through one)
    (org,) = resolver.match_affiliation("School of Materials Science, Beihang University, Beijing")
    assert {m.method for m in org.matches} == {"exact"}
    hit = Resolver(records=[_ror(HIT, "Harbin Institute of Technology", "CN", "Harbin")])
    # abbreviated words are an abbreviation, not the exact name
    (abbreviated,) = hit.match("Harbin Inst. of Tech.", "CN")
    assert abbreviated.method == "abbreviation"
    assert hit.match("Harbin Institute of Technology", "CN")[0].method == "exact"
    # "parent" only when the match goes through a ROR parent relationship
    unit = _units_of_listed_institutions().match("Institute of Fluid Physics", "CN")
    assert {(m.ror_id, m.method) for m in unit} >= {(FLUID, "exact"), (CAEP, "parent")}


def test_each_organisation_a_joint_unit_names_is_found() -> None:
    """ "Université Paris-Saclay, UVSQ, INSERM, Infection et inflammation": INSERM and UVSQ,
    named by their acronyms beside a named university, are screened too (as candidates: no
    city is named); the string still names no single organisation."""
    resolver = Resolver(
        records=[
            _ror(PARIS_SACLAY, "Université Paris-Saclay", "FR", "Gif-sur-Yvette"),
            _ror(
                UVSQ,
                "Université de Versailles Saint-Quentin-en-Yvelines",
                "FR",
                "Versailles",
                parent=PARIS_SACLAY,
                acronyms=("UVSQ",),
            ),
            _ror(INSERM, "Inserm", "FR", "Paris", acronyms=("INSERM",)),
            _ror(LAB, "Infection et inflammation", "FR", "Montigny-le-Bretonneux", parent=UVSQ),
        ]
    )
    text = "Université Paris-Saclay, UVSQ, INSERM, Infection et inflammation"
    found = resolver.match_affiliation(text)
    tops = {org.matches[0].ror_id for org in found}
    assert {PARIS_SACLAY, UVSQ, INSERM} <= tops
    assert found[0].matches[0].ror_id == PARIS_SACLAY  # not the lab of UVSQ, named after it
    assert resolver.resolve(text) is None
    # an acronym beside one named organisation is screened, but is not "another organisation"
    # that would keep the string from having its one answer
    assert resolver.resolve("Université Paris-Saclay, INSERM").ror_id == PARIS_SACLAY  # type: ignore[union-attr]
