"""The reference-data review of 0.3.0 (450a225): each defect reproduced, fixed and pinned here."""

from __future__ import annotations

from kvrules.plain import designation_in_words
from kvrules.refdata import Entry, ListInfo, Resolver

CSL = ListInfo(list_id="us_csl", edition="2026-12-01", title="US CSL", kind="designation")
EL = "Entity List (EL) - Bureau of Industry and Security"
CMIC = "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"


def _csl(*rows: tuple[str, str, str, str]) -> Resolver:
    return Resolver(
        records=[
            (CSL, Entry(entry_id=eid, name=name, country=cc, attributes={"source": src}))
            for eid, name, cc, src in rows
        ]
    )


def test_one_organisation_on_two_parts_of_a_list_is_one_confident_hit() -> None:
    r = _csl(
        ("el-dual", "Example Dual Listed Aerospace Corporation", "CN", EL),
        ("cmic-dual", "Example Dual Listed Aerospace Corporation", "CN", CMIC),
    )
    for country in ("CN", None):
        found = r.match("Example Dual Listed Aerospace Corporation", country)
        assert {m.entry for m in found} == {"el-dual", "cmic-dual"}
        assert not any(m.candidate for m in found), found
        assert {m.designated_under for m in found} == {EL, CMIC}
    assert r.best("Example Dual Listed Aerospace Corporation", "CN") is not None


def test_namesakes_in_different_countries_stay_ambiguous() -> None:
    r = _csl(
        ("a", "Example Namesake Trading Company", "CN", EL),
        ("b", "Example Namesake Trading Company", "AE", CMIC),
    )
    assert all(m.candidate for m in r.match("Example Namesake Trading Company"))
    only = r.match("Example Namesake Trading Company", "AE")
    assert [m.entry for m in only] == ["b"] and not only[0].candidate


def test_evidence_cites_every_part_the_organisation_is_listed_under() -> None:
    matches = [
        {"list": "us_csl", "score": 1.0, "designated_under": CMIC},
        {"list": "us_csl", "score": 1.0, "designated_under": EL},
    ]
    said = designation_in_words(matches)
    assert "component lists" in said and CMIC in said and EL in said
    uk = [
        {"list": "uk_sanctions", "score": 1.0, "designated_under": "Russia regime"},
        {"list": "uk_sanctions", "score": 1.0, "designated_under": "Cyber regime"},
    ]
    assert designation_in_words(uk) == " (designated under Russia regime; Cyber regime)"
