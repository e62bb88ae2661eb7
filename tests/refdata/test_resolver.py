from __future__ import annotations

import pytest

from kvrules.refdata import Entry, ListInfo, Resolver

HIT, NPU, NJU, NUAA, THU = "01yqg2h08", "01y0j0j86", "01rxvg760", "01scyh794", "03cve4549"


def _top(r: Resolver, name: str, country: str | None = None) -> tuple[str | None, str] | None:
    best = r.best(name, country)
    return (best.ror_id or best.entry, best.method) if best else None


@pytest.mark.parametrize(
    ("query", "country", "ror", "method"),
    [
        ("Harbin Inst. of Tech.", "CN", HIT, "abbreviation"),
        ("哈尔滨工业大学", None, HIT, "alias"),
        ("HARBIN INSTITUTE OF TECHNOLOGY", "China", HIT, "exact"),
        ("Harbin Institute of Technology, Harbin, P.R. China", None, HIT, "exact"),
        ("School of Astronautics, Harbin Institute of Technology", None, HIT, "exact"),
        (
            "School of Computer Science and Technology Harbin Institute of Technology",
            None,
            HIT,
            "subunit",
        ),
        ("Nanjing University", "CN", NJU, "exact"),
        ("Xi'an Jiatong University", "CN", "017zhmm22", "exact"),
        ("Московский физико-технический институт", None, "00v0z9322", "alias"),
        ("Tsinghau University", "CN", THU, "fuzzy"),
    ],
)
def test_resolves(
    shipped_resolver: Resolver, query: str, country: str | None, ror: str, method: str
) -> None:
    assert _top(shipped_resolver, query, country) == (ror, method)


@pytest.mark.parametrize(
    ("query", "country"),
    [
        ("HIT", None),
        ("NEU", "CN"),
        ("HUST", None),
        ("NUAA", "CN"),
        ("Northwestern", None),
        ("Northwestern University", "US"),  # not NPU, and not Northeastern (US) by fuzz
        ("Harbin Medical University", "CN"),
        ("Harbin University", "CN"),
        ("Tsinghua", None),
        ("National Research University", None),  # a generic alias identifies nobody
        ("Northeastern University", None),  # CN and US: ambiguous without a country
        ("Harbin Institute of Technology", "US"),
    ],
)
def test_traps_do_not_resolve(shipped_resolver: Resolver, query: str, country: str | None) -> None:
    assert shipped_resolver.best(query, country) is None


def test_nanjing_university_is_not_nuaa(shipped_resolver: Resolver) -> None:
    found = shipped_resolver.match("Nanjing University")
    assert {m.ror_id for m in found} == {NJU}
    assert all(m.list != "us_dod_1286" for m in found)


def test_tsinghua_is_not_ciss(shipped_resolver: Resolver) -> None:
    assert {m.list for m in shipped_resolver.match("Tsinghua University", "CN")} == {"ror"}
    ciss = shipped_resolver.match(
        "Center for International Security and Strategy, Tsinghua University"
    )
    assert ciss[0].list == "us_dod_1286" and "security" in ciss[0].entry
    assert any(m.ror_id == THU and m.method == "parent" for m in ciss[1:])


def test_ror_label_reaches_the_list_entry(shipped_resolver: Resolver) -> None:
    found = shipped_resolver.match("哈尔滨工业大学", "CN")
    listed = next(m for m in found if m.list == "us_dod_1286")
    assert listed.edition == "FY25" and listed.via == f"ror:{HIT}" and not listed.candidate


def test_ror_id_first(shipped_resolver: Resolver) -> None:
    found = shipped_resolver.match("whatever", ror_id=f"https://ror.org/{NPU}")
    assert {m.method for m in found} == {"ror"} and found[0].list == "us_dod_1286"


def test_fuzzy_is_a_candidate(shipped_resolver: Resolver) -> None:
    best = shipped_resolver.best("Tsinghau University", "CN")
    assert best is not None and best.candidate and best.score < 1


def test_ambiguous_names_are_flagged(shipped_resolver: Resolver) -> None:
    found = shipped_resolver.match("Northeastern University")
    assert len({m.ror_id for m in found}) == 2
    assert all(m.candidate and m.score < shipped_resolver.threshold for m in found)
    assert [m.ror_id for m in shipped_resolver.match("Northeastern University", "US")] == [
        "04t5xt781"
    ]


def test_threshold_is_configurable() -> None:
    info = ListInfo(list_id="x", edition="1", title="x", kind="designation")
    recs = [(info, Entry(entry_id="a", name="Tsinghua University", country="CN"))]
    assert Resolver(records=recs, threshold=0.85).best("Tsinghau University", "CN")
    assert Resolver(records=recs, threshold=0.99).best("Tsinghau University", "CN") is None


def test_parent_relationship_propagates_listing() -> None:
    ror = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
    lst = ListInfo(list_id="l", edition="FY25", title="l", kind="designation")
    recs = [
        (ror, Entry(entry_id=HIT, ror_id=HIT, name="Harbin Institute of Technology", country="CN")),
        (
            ror,
            Entry(
                entry_id="0hxtwhe12",
                ror_id="0hxtwhe12",
                country="CN",
                name="Harbin Institute of Technology, Weihai",
                parent_ror_id=HIT,
            ),
        ),
        (lst, Entry(entry_id="hit", name="Harbin Institute of Technology", country="CN")),
    ]
    found = Resolver(records=recs).match("Harbin Institute of Technology, Weihai", "CN")
    assert found[0].entry == "0hxtwhe12"
    listed = next(m for m in found if m.list == "l")
    assert listed.method == "parent" and listed.ror_id == HIT  # linked to ROR by name+country


def test_building_the_index_leaves_the_query_cache_to_queries() -> None:
    """A full ROR import is 120,000 records: analysing their names through the cache queries
    use would fill it with index names and keep them all in memory."""
    from kvrules.refdata.normalise import analyse

    info = ListInfo(list_id="reg", edition="1", title="A registry", kind="registry")
    records = [
        (
            info,
            Entry(
                entry_id=f"r{n}",
                name=f"Example University {n} System" if n % 2 else f"Example Institute {n}",
                aliases=[f"Example Univ. No. {n}"],
                country="NL",
                attributes={"city": "Delft", "types": ["education"]},
            ),
        )
        for n in range(2_000)
    ]
    analyse.cache_clear()
    resolver = Resolver(records=records)
    assert analyse.cache_info().currsize < 100
    assert resolver.best("Example Institute 42", "NL") is not None


@pytest.mark.parametrize(
    ("query", "country", "corrected"),
    [
        (
            "Harbin Institue of Technlogy",
            "CN",
            ['"Institue" → "Institute"', '"Technlogy" → "Technology"'],
        ),
        ("Air Force Enigneering University", None, ['"Enigneering" → "Engineering"']),
        (
            "School of Astronautics, Harbin Institue of Technology",
            None,
            ['"Institue" → "Institute"'],
        ),
    ],
)
def test_a_corrected_spelling_is_not_an_exact_match(
    shipped_resolver: Resolver, query: str, country: str | None, corrected: list[str]
) -> None:
    found = shipped_resolver.match(query, country)
    listed = next(m for m in found if m.list == "us_dod_1286")
    # a listed organisation reached only by correcting the spelling is a candidate to confirm,
    # never a confident "listed": a false "listed" accuses someone
    assert listed.method == "corrected spelling" and listed.candidate
    assert listed.score < 0.95
    for words in corrected:
        assert words in listed.explanation
    # the registry record (ROR) of the same name says how it was reached too
    registry = next(m for m in found if m.list == "ror")
    assert registry.method == "corrected spelling" and registry.score == listed.score


def test_the_score_reflects_the_edits(shipped_resolver: Resolver) -> None:
    one = shipped_resolver.match("Harbin Institue of Technology", "CN")[0]
    two = shipped_resolver.match("Harbin Institue of Technlogy", "CN")[0]
    assert one.method == two.method == "corrected spelling"
    assert 0.85 <= two.score < one.score < 0.95


def test_a_name_as_the_list_spells_it_stays_exact(shipped_resolver: Resolver) -> None:
    top = shipped_resolver.match("Harbin Institute of Technology", "CN")[0]
    assert (top.method, top.score, top.candidate) == ("exact", 1.0, False)


def test_screening_shows_what_match_shows(shipped_resolver: Resolver) -> None:
    """The case page and the evidence read the screening enrichment stores: the same method
    and score as `kvrules match`, and a corrected spelling is no confident listing."""
    from kvrules.enrich.organisations import OrganisationScreen
    from kvrules.model import Organisation

    name = "Air Force Enigneering University"
    org = Organisation(name=name)
    OrganisationScreen(shipped_resolver)(org)
    shown = {(m.list, m.method, m.score, m.candidate) for m in org.screening}
    matched = {
        (m.list, m.method, m.score, m.candidate)
        for m in shipped_resolver.match(name)
        if m.list == "us_dod_1286"
    }
    assert matched and matched <= shown
    assert "us_dod_1286" not in org.lists


def test_a_name_the_list_misspells_matches_as_written() -> None:
    info = ListInfo(list_id="x", edition="1", title="x", kind="designation")
    recs = [(info, Entry(entry_id="a", name="Harbin Institue of Technology", country="CN"))]
    top = Resolver(records=recs).match("Harbin Institue of Technology", "CN")[0]
    assert (top.method, top.candidate, top.via) == ("exact", False, None)


def test_a_swapped_pair_of_letters_is_one_typing_error() -> None:
    ror = ListInfo(list_id="ror", edition="1", title="r", kind="registry")
    recs = [
        (ror, Entry(entry_id="p", ror_id="00bgk9508", name="Politecnico di Torino", country="IT"))
    ]
    best = Resolver(records=recs).best("Polietcnico di Torino", "IT")
    assert best is not None and best.method == "corrected spelling"
    assert '"Polietcnico" → "Politecnico"' in best.explanation


def test_a_fuzzy_match_names_the_words_it_changed(shipped_resolver: Resolver) -> None:
    best = shipped_resolver.best("Tsinghau University", "CN")
    assert best is not None and best.method == "fuzzy"
    assert 'spelling corrected: "Tsinghau" → "Tsinghua"' in best.explanation


def test_a_note_or_a_correction_keeps_the_name_that_matched(shipped_resolver: Resolver) -> None:
    ambiguous = shipped_resolver.match("Northeastern University")[0]
    assert ambiguous.via and ambiguous.matched == "Northeastern University"
    corrected = shipped_resolver.match("Harbin Institue of Technology", "CN")[0]
    assert corrected.matched == "Harbin Institute of Technology"
    assert corrected.name_type == "primary"
