"""Full affiliation strings resolve to the organisations they name (issue #16, items 1, 4, 5)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli.refdata import match
from kvrules.enrich.organisations import OrganisationScreen
from kvrules.model import Organisation
from kvrules.refdata import Entry, ListInfo, Resolver, Store
from kvrules.refdata.affiliations import MAX_CHARS, parse
from kvrules.refdata.importers import import_file
from kvrules.refdata.shipped import load_shipped, open_reference_store

FIXTURES = Path(__file__).parent / "fixtures"
HIT, BEIHANG = "01yqg2h08", "00wk2mp56"
UC_SYSTEM, UC_BERKELEY, STANFORD = "00pjdza24", "01an7q238", "00f54p054"
INSTITUT_PASTEUR, INSTITUTO_PASTEUR, ISTITUTO_PASTEUR = "0495fxg12", "046fcjp93", "051v7w268"
HARBIN = (
    "Dept. of Mech. Eng., Harbin Inst. of Tech., 92 West Dazhi St., Harbin 150001, PR China; "
    "State Key Lab of Virtual Reality, Beihang University, Beijing, China"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The shipped lists plus real ROR records (tests/refdata/fixtures/README.md)."""
    with Store(tmp_path_factory.mktemp("db") / "kv.db") as s:
        load_shipped(s)
        import_file(s, "ror", FIXTURES / "ror_affiliations.json", list_id="ror_real", edition="t")
        yield s


@pytest.fixture(scope="module")
def resolver(store: Store) -> Resolver:
    return Resolver(store)


def _top_ror(resolver: Resolver, text: str) -> str | None:
    best = resolver.best(text)
    return best.ror_id if best else None


@pytest.mark.parametrize(
    "text",
    [
        "University of California, Berkeley",
        "Herbert Wertheim School of Optometry and Vision Science, University of California, Berkeley",
        "College of Chemistry, University of California, Berkeley, CA, USA",
    ],
)
def test_a_name_with_a_comma_is_read_whole(resolver: Resolver, text: str) -> None:
    assert _top_ror(resolver, text) == UC_BERKELEY  # not the University of California System


def test_a_university_system_named_bare_is_only_a_candidate(resolver: Resolver) -> None:
    # "University of California" is written for one of its campuses far more often than for
    # the system: the system is offered, for a person to confirm, never decided on
    top = resolver.match("Department of Physics, University of California")[0]
    assert top.ror_id == UC_SYSTEM and top.candidate and "system" in (top.via or "")
    assert resolver.resolve("Department of Physics, University of California") is None
    assert _top_ror(resolver, "University of California System") == UC_SYSTEM


def test_one_organisation_is_resolved_only_when_the_string_names_one(resolver: Resolver) -> None:
    one = resolver.resolve("Department of Genetics, Stanford University, Stanford, CA, USA")
    assert one is not None and one.ror_id == STANFORD
    # a joint affiliation names several: each is screened, none is *the* organisation
    assert (
        resolver.resolve("Department of Genetics, Stanford University and Broad Institute") is None
    )
    assert resolver.resolve("Stanford University; Broad Institute") is None
    assert resolver.resolve("Department of Genetics") is None


@pytest.mark.parametrize(
    ("text", "ror"),
    [
        ("Institut Pasteur", INSTITUT_PASTEUR),
        ("Instituto Pasteur", INSTITUTO_PASTEUR),
        ("Istituto Pasteur", ISTITUTO_PASTEUR),
        ("Unité Macrophages, Institut Pasteur, Paris, France", INSTITUT_PASTEUR),
    ],
)
def test_pasteur_spellings_are_not_ambiguous(resolver: Resolver, text: str, ror: str) -> None:
    best = resolver.best(text)
    assert best is not None and best.ror_id == ror and not best.candidate


@pytest.mark.parametrize(
    "text",
    [
        "Department of Pathology, Stanford University School of Medicine",
        "Stanford University 1 Department of Biology, , Stanford, CA, USA",
        "Division of Stem Cell Transplantation, Stanford University 3 , Stanford, USA",
    ],
)
def test_the_organisation_is_cut_out_of_its_unit(resolver: Resolver, text: str) -> None:
    assert _top_ror(resolver, text) == STANFORD


def test_a_registry_name_is_found_without_its_city(resolver: Resolver) -> None:
    text = "Faculty of Chemistry, Adam Mickiewicz University, Poznań, Poland"
    assert _top_ror(resolver, text) == "04g6bbq64"  # ROR: "Adam Mickiewicz University in Poznań"


def test_every_organisation_of_a_full_string_with_its_country(resolver: Resolver) -> None:
    parts = parse(HARBIN)
    assert [p.country for p in parts] == ["CN", "CN"]
    orgs = resolver.match_affiliation(HARBIN)
    assert [o.span for o in orgs] == ["Harbin Inst. of Tech.", "Beihang University"]
    assert [o.matches[0].ror_id for o in orgs] == [HIT, BEIHANG]
    assert all(not o.matches[0].candidate for o in orgs)  # the lab is not what the list names


def test_a_listed_lab_is_matched_itself(store: Store) -> None:
    lab = Entry(entry_id="skl-vr", name="State Key Lab of Virtual Reality Technology", country="CN")
    info = ListInfo(list_id="labs", edition="1", title="Listed labs", kind="designation")
    resolver = Resolver(records=[*store.iter_latest(), (info, lab)])
    text = "State Key Lab of Virtual Reality Technology, Beihang University, Beijing, China"
    tops = [org.matches[0] for org in resolver.match_affiliation(text)]
    assert [(m.list, m.entry) for m in tops] == [
        ("us_dod_1286", "beihang-university"),  # the institution first, then the listed lab
        ("labs", "skl-vr"),
    ]


def test_each_match_says_which_part_matched_which_name(resolver: Resolver) -> None:
    found = resolver.match_affiliation(HARBIN)[0].matches
    direct = next(m for m in found if m.list == "ror" and m.via is None)
    shown = direct.as_dict()
    assert shown["part"] == "Harbin Inst. of Tech."
    assert shown["matched"] == "Harbin Institute of Technology"
    assert shown["explanation"].startswith(
        '"Harbin Inst. of Tech." → Harbin Institute of Technology'
    )
    assert f"{direct.method}, {direct.score:.2f}" in shown["explanation"]


def test_co_author_affiliations_are_screened_organisation_by_organisation(
    resolver: Resolver,
) -> None:
    org = Organisation(name=HARBIN)
    OrganisationScreen(resolver)(org)
    assert org.lists == ["us_dod_1286"]
    named = {m.ror_id for m in org.screening if m.list == "us_dod_1286" and not m.candidate}
    assert named == {HIT, BEIHANG}


def test_each_list_match_of_a_screened_organisation_carries_its_explanation(
    resolver: Resolver,
) -> None:
    org = Organisation(name=HARBIN)
    OrganisationScreen(resolver)(org)
    assert org.screening
    for m in org.screening:
        assert m.part in ("Harbin Inst. of Tech.", "Beihang University")
        assert m.explanation and m.explanation.startswith(f'"{m.part}" → {m.name} ({m.list}')
    direct = next(m for m in org.screening if m.via is None and m.part == "Harbin Inst. of Tech.")
    assert direct.matched == "Harbin Institute of Technology"


@pytest.mark.parametrize(
    "junk",
    ["(" * 10_000_000, " " * 10_000_000, "a " * 5_000_000, ", " * 5_000_000, "x" * 10_000_000],
)
def test_a_10_mb_string_costs_what_its_first_characters_cost(resolver: Resolver, junk: str) -> None:
    text = "Harbin Institute of Technology; " + junk
    assert parse(text) == parse(text[:MAX_CHARS])
    assert isinstance(resolver.match(text), list)  # returns: no regex backtracking on 10 MB


def test_match_prints_the_explanation(tmp_path: Path) -> None:
    db = str(tmp_path / "fresh.db")
    open_reference_store(db).close()  # started (as by an import or a scan) with the shipped lists
    text = CliRunner().invoke(match, [HARBIN, "--refdata", db])
    assert text.exit_code == 0, text.output
    assert '"Harbin Inst. of Tech." → Harbin Institute of Technology (us_dod_1286' in text.output
    assert '"Beihang University" → Beihang University (us_dod_1286' in text.output
    shown = json.loads(CliRunner().invoke(match, [HARBIN, "--refdata", db, "--json"]).output)
    parts = {m["part"] for m in shown["matches"]}
    assert parts == {"Harbin Inst. of Tech.", "Beihang University"}
    assert all(m["explanation"].startswith(f'"{m["part"]}" → ') for m in shown["matches"])


def test_two_organisations_joined_by_and(resolver: Resolver) -> None:
    orgs = resolver.match_affiliation(
        "Department of Genetics, Stanford University and Broad Institute"
    )
    assert {o.matches[0].ror_id for o in orgs} == {STANFORD, "05a0ya142"}


@pytest.mark.parametrize(
    ("segment", "cut", "expected"),
    [
        ("University of Miami Miller School of Medicine", "University of Miami", True),
        ("Tianjin University of Science and Technology", "Tianjin University", False),
        ("Sun Yat-sen University Cancer Center", "Sun Yat-sen University", False),
        (
            "Shanghai Jiaotong University Affiliated Sixth People's Hospital",
            "Shanghai Jiaotong University",
            False,
        ),
        # a school of the university, whatever it teaches, is part of it
        ("University of Kentucky Medical School", "University of Kentucky", True),
        (
            "University of Wisconsin School of Medicine and Public Health",
            "University of Wisconsin",
            True,
        ),
        # … but not a hospital named after the school
        (
            "Shanghai Jiao Tong University School of Medicine-Affiliated Renji Hospital",
            "Shanghai Jiao Tong University",
            False,
        ),
    ],
)
def test_a_segment_is_cut_only_where_a_name_can_end(segment: str, cut: str, expected: bool) -> None:
    spans = {span.text for span in parse(f"Department of Surgery, {segment}")[0].spans()}
    assert (cut in spans) is expected


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # full-width punctuation (CJK typesetting) separates like its ASCII form
        (
            "State Key Laboratory of Genetics，Shanghai Jiao Tong University School of Medicine",
            "Shanghai Jiao Tong University",
        ),
        # an HTML-escaped quoted name, with a Cyrillic "a" (U+0430) in "State"
        (
            "FSEI of HPE &quot;Lomonosov Moscow St\u0430te University&quot;",
            "Moscow State University",
        ),
        ("ФГБОУ ВО «Lomonosov Moscow State University»", "Moscow State University"),
        # "<unit> of <organisation>": the organisation after "of"
        ("Free Radical Regulation Research Center of Fudan University", "Fudan University"),
    ],
)
def test_a_listed_university_is_found_however_the_string_is_typeset(
    shipped_resolver: Resolver, text: str, entry: str
) -> None:
    best = shipped_resolver.best(text)
    assert best is not None and best.list == "us_dod_1286" and best.name == entry
    assert not best.candidate


def test_a_trailing_of_is_not_cut_off_a_university_name() -> None:
    spans = {s.text for s in parse("Department of Physics, University of California")[0].spans()}
    assert "California" not in spans
