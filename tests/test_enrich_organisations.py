"""Organisation screening during enrichment: lists with provenance, candidates, no verdicts."""

from __future__ import annotations

import pytest

from kvrules.enrich.organisations import OrganisationScreen, organisations
from kvrules.refdata.resolver import Resolver
from kvrules.refdata.shipped import load_shipped
from kvrules.refdata.store import Store
from kvrules.rulebook.cases import event_from_given


@pytest.fixture(scope="module")
def screen() -> OrganisationScreen:
    with Store() as store:
        load_shipped(store)
        return OrganisationScreen(Resolver(store))


def test_sub_unit_name_resolves_to_listed_parent_with_provenance(screen):
    event = event_from_given(
        {
            "kind": "partner.added",
            "partner": {
                "name": "School of Astronautics, Harbin Institute of Technology",
                "country": "CN",
            },
        }
    )
    screen(event.partner)
    assert event.partner.lists == ["us_dod_1286"]
    [match] = event.partner.screening
    assert (match.list, match.edition, match.entry) == (
        "us_dod_1286",
        "FY25",
        "harbin-institute-of-technology",
    )
    assert match.method and 0 < match.score <= 1 and not match.candidate


@pytest.mark.parametrize(
    "name,country",
    [("Northwestern University", "US"), ("Harbin Medical University", "CN"), ("NEU", None)],
)
def test_traps_are_not_listed(screen, name, country):
    event = event_from_given(
        {"kind": "partner.added", "partner": {"name": name, "country": country}}
    )
    screen(event.partner)
    assert event.partner.lists == []


def test_values_set_by_the_source_are_kept(screen):
    event = event_from_given(
        {
            "kind": "partner.added",
            "partner": {"name": "Some Lab", "country": "NL", "lists": ["local_watchlist"]},
        }
    )
    screen(event.partner)
    assert event.partner.lists == ["local_watchlist"]


def test_every_organisation_in_an_event_is_visited():
    event = event_from_given(
        {
            "kind": "project.created",
            "project": {
                "partners": [{"name": "A"}],
                "funders": [{"name": "B"}],
                "participants": [{"affiliations": [{"name": "C"}]}],
            },
        }
    )
    assert [o.name for o in organisations(event)] == ["A", "B", "C"]


def test_a_scan_keeps_the_lists_index_and_the_next_one_loads_it(tmp_path) -> None:
    from kvrules.enrich import Enricher
    from kvrules.refdata import cache
    from kvrules.refdata.shipped import open_reference_store

    refdb = tmp_path / "refdata.db"
    first = Enricher.from_store(refdb)
    kept = tmp_path / "refdata.db.index"
    assert kept.is_file()  # beside the store, as `kvrules match` keeps it
    with open_reference_store(refdb) as store:
        assert cache.prepare(store).built is False  # current: loaded, not built again

    def listed(enricher: Enricher) -> list[str]:
        event = event_from_given({"kind": "partner.added", "partner": {"name": "Beihang Univ."}})
        return enricher(event).partner.lists

    assert listed(first) == listed(Enricher.from_store(refdb)) == ["us_dod_1286"]


def test_enrichment_never_screens_a_visitors_unidentified_institution_on_its_country(
    screen,
) -> None:
    """The rule scans and pre-screens share (README, "Where a country counts"): a country is an
    organisation's, never a person's."""
    from kvrules.enrich import Enricher
    from kvrules.enrich.countries import country_signals

    enrich = Enricher(screen, [], country_signals)
    visit = event_from_given(
        {
            "kind": "visit.requested",
            "visit": {
                "visitor": {
                    "role": "visitor",
                    "affiliations": [
                        {"name": "Harbin Institute of Technology", "country": "CN"},
                        {"name": "Institute of Applied Optics Qingdao", "country": "CN"},
                        {"name": "Some Institute", "country": "IR", "lists": ["own_list"]},
                    ],
                }
            },
        }
    )
    project = event_from_given(
        {
            "kind": "project.created",
            "project": {
                "partners": [
                    {"name": "Institute of Applied Optics Qingdao", "country": "CN"},
                    {"name": "Self-employed", "country": "CN"},
                ]
            },
        }
    )
    assert enrich.enrich(visit).unidentified == {"Institute of Applied Optics Qingdao": "CN"}
    listed, unknown, own = visit.visit.visitor.affiliations
    assert listed.country == "CN" and listed.country_signals and listed.lists
    assert unknown.country is None and unknown.country_signals == []
    assert own.country == "IR"  # the source says a list has it: identified
    assert enrich.enrich(project).unidentified == {"Self-employed": "CN"}
    partner, person = project.project.partners
    assert partner.country == "CN" and partner.country_signals  # named as an organisation
    assert person.country is None and person.country_signals == []


def test_a_scan_sets_apart_a_partner_named_as_a_person_unless_a_list_identifies_it(
    screen,
) -> None:
    """A partner given by a person's title or nationality is set apart in scans as in
    pre-screens (one definition: ``names_a_person``); an organisation whose name merely holds
    such a word, or that a list identifies, keeps its country."""
    from kvrules.enrich import Enricher
    from kvrules.enrich.countries import country_signals

    enrich = Enricher(screen, [], country_signals)
    project = event_from_given(
        {
            "kind": "project.created",
            "project": {
                "partners": [
                    {"name": "Dr. Ali Rezaei", "country": "IR"},
                    {"name": "Iranian national", "country": "IR"},
                    {"name": "Dr. Reddy's Laboratories", "country": "IN"},
                    {"name": "National University of Defense Technology", "country": "CN"},
                    {"name": "Mr Example", "country": "IR", "lists": ["own_list"]},
                ]
            },
        }
    )
    assert enrich.enrich(project).unidentified == {"Dr. Ali Rezaei": "IR", "Iranian national": "IR"}
    person, national, *organisations_kept = project.project.partners
    assert person.country is None and national.country is None and person.country_signals == []
    assert [o.country for o in organisations_kept] == ["IN", "CN", "IR"]


def test_a_list_settles_a_name_and_no_registry_leaves_a_visitors_institution_unscreened() -> None:
    """Two edges of the same line (code review): a partner the source puts on a list is an
    organisation whatever it is called ("Unknown" on the 1286 list keeps its country, so the
    Leidraad's list-and-country rule can still fire); and without a registry to ask, nothing
    identifies a visitor's institution, so its country is not screened."""
    from kvrules.enrich import Enricher
    from kvrules.enrich.countries import country_signals

    enrich = Enricher(None, [], country_signals)
    event = event_from_given(
        {
            "kind": "visit.requested",
            "project": {
                "partners": [{"name": "Unknown", "country": "IR", "lists": ["us_dod_1286"]}]
            },
            "visit": {
                "visitor": {
                    "role": "visitor",
                    "affiliations": [{"name": "Some Unknown Place", "country": "IR"}],
                }
            },
        }
    )
    assert enrich.enrich(event).unidentified == {"Some Unknown Place": "IR"}
    [listed] = event.project.partners
    assert listed.country == "IR" and listed.country_signals
    [visitor_institution] = event.visit.visitor.affiliations
    assert visitor_institution.country is None and visitor_institution.country_signals == []


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Prof.Dr. Jansen", True),
        ("prof. dr. ir. Jansen", True),
        ("Chinese nationals", True),
        ("national of Russia", True),
        ("M.I.T.", False),  # "M." is a title only before a space
        ("Herriot-Watt University", False),
        ("Dresden International University", False),
        ("Sir Ganga Ram Hospital", False),
        ("Amnesty International", False),
        ("Iran University of Science and Technology", False),
        ("National Institute of Chemistry", False),
        # describing a person: a situation first, an occupation set off, a degree last
        ("Private individual, Tehran", True),
        ("Private individual from Tehran", True),
        ("Freelance researcher", True),
        ("Independent consultant", True),
        ("Retired professor", True),
        ("Guest researcher", True),
        ("Ali Rezaei, PhD", True),
        ("Wei Zhang (consultant)", True),
        ("Wei Zhang, M.Sc.", True),
        ("DR. ALI REZAEI", True),
        # real organisations (ROR) such words once caught
        ("Nagano Forestry Consultant", False),
        ("Visiting Nurse Service of New York", False),
        ("A Way Home", False),
        ("NA Advocacy", False),
        ("DR Healthcare", False),
        ("SIR Fondazione", False),
        ("Dr P Håkanssons Stiftelse", False),
        ("Independent University, Bangladesh", False),
    ],
)
def test_what_reads_as_a_person(name: str, person: bool) -> None:
    from kvrules.enrich.organisations import names_a_person

    assert names_a_person(name) is person


def test_a_scan_sets_apart_a_partner_that_describes_a_person(screen) -> None:
    """Ethics review (2026-12): "Private individual, Tehran" and the like were screened on
    Iran in scans (a HIGH finding from `kvrules evaluate`). Describing a person sets a partner
    apart as a title does; an organisation word keeps the country, and so does a partner
    named in a few words alone (``test_a_partner_named_in_two_or_three_words_keeps_its_country``)."""
    from kvrules.enrich import Enricher
    from kvrules.enrich.countries import country_signals

    enrich = Enricher(screen, [], country_signals)
    names = [
        "Private individual, Tehran", "Freelance researcher", "Retired professor",
        "Ali Rezaei, PhD", "Wei Zhang (consultant)", "-",
    ]  # fmt: skip
    kept = ["National University of Defense Technology", "Example Provincial University"]
    project = event_from_given(
        {
            "kind": "project.created",
            "project": {"partners": [{"name": n, "country": "IR"} for n in names + kept]},
        }
    )
    assert enrich.enrich(project).unidentified == dict.fromkeys(names, "IR")
    assert [p.country for p in project.project.partners] == [None] * len(names) + ["IR", "IR"]
    assert all(p.country_set_apart == "IR" for p in project.project.partners[: len(names)])


# Real organisations named in two or three words and no organisation word (ROR display names,
# ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e, CC0 1.0), none in the
# shipped registry sample: the code review of 2026-12-07 found each lost its country as a partner.
FEW_WORDS = [
    ("Almaz Antey", "RU"), ("Lockheed Martin", "US"), ("China Mobile", "CN"),
    ("Tsinghua Tongfang", "CN"), ("Northrop Grumman", "US"), ("China Telecom", "CN"),
    ("Iran Khodro", "IR"), ("Zhejiang Dahua", "CN"), ("Deutsche Telekom", "DE"),
    ("Eli Lilly", "US"), ("Wei Zhang", "CN"),
]  # fmt: skip


def test_a_partner_named_in_two_or_three_words_keeps_its_country(screen) -> None:
    """Code review (2026-12-07, HIGH): a partner, collaborator or funder named in two or three
    capitalised words ("Almaz Antey (RU)") was taken for a person's name and lost its country,
    so the pre-screen said GREEN where it had said AMBER. The RIS names a partner as an
    organisation: its country stays, whatever its words. The same name as a visitor's
    institution is still set apart while nothing identifies it."""
    from kvrules.enrich import Enricher
    from kvrules.enrich.countries import country_signals

    enrich = Enricher(screen, [], country_signals)
    for role in ("partner", "funder"):
        for name, country in FEW_WORDS:
            event = event_from_given(
                {"kind": f"{role}.added", role: {"name": name, "country": country}}
            )
            assert enrich.enrich(event).unidentified == {}, (role, name)
            assert getattr(event, role).country == country, (role, name)
    project = event_from_given(
        {
            "kind": "project.created",
            "project": {"partners": [{"name": n, "country": c} for n, c in FEW_WORDS]},
        }
    )
    assert enrich.enrich(project).unidentified == {}
    assert [p.country for p in project.project.partners] == [c for _, c in FEW_WORDS]
    visit = event_from_given(
        {
            "kind": "visit.requested",
            "visit": {"visitor": {"affiliations": [{"name": "Almaz Antey", "country": "RU"}]}},
        }
    )
    assert enrich.enrich(visit).unidentified == {"Almaz Antey": "RU"}


def test_every_persons_affiliation_is_screened_on_its_country_only_once_identified(
    screen,
) -> None:
    """Ethics review (2026-12): a participant's affiliation "-" or "home address" (IR) and a
    co-author's "Wei Zhang" (CN) fired `a.country in ["CN", "IR"]`: a person's country reached
    user rules. Every affiliation of a person (participant, applicant, co-author, visitor) is
    set apart as the visitor's is: screened on its country only once identified; the country
    is kept for a re-screen (``country_set_apart``). A partner named as one keeps it."""
    from kvrules.enrich import Enricher
    from kvrules.enrich.countries import country_signals

    enrich = Enricher(screen, [], country_signals)
    hit = {"name": "Harbin Institute of Technology", "country": "CN"}
    project = event_from_given(
        {
            "kind": "project.created",
            "project": {
                "participants": [
                    {"role": "PI", "affiliations": [{"name": "-", "country": "IR"}, hit]},
                    {"role": "co-investigator", "affiliations": [{"name": "home address", "country": "IR"}]},
                    {"role": "researcher", "affiliations": [{"name": "Example Provincial Institute", "country": "IR"}]},
                ],
                "partners": [
                    {"name": "Example Applicant Institute", "country": "IR", "role": "applicant"},
                    {"name": "Example Provincial University", "country": "IR", "role": "partner"},
                ],
                "funders": [{"name": "Novo Nordisk", "country": "DK"}],
            },
        }
    )  # fmt: skip
    assert enrich.enrich(project).unidentified == {
        "-": "IR",
        "home address": "IR",
        "Example Provincial Institute": "IR",
        "Example Applicant Institute": "IR",
    }
    first, second, third = project.project.participants
    assert [a.country for a in first.affiliations] == [None, "CN"]
    assert first.affiliations[0].country_set_apart == "IR" and first.affiliations[1].lists
    assert second.affiliations[0].country is None and third.affiliations[0].country is None
    assert [p.country for p in project.project.partners] == [None, "IR"]
    assert project.project.funders[0].country == "DK"  # two words, but a funder: kept
    output = event_from_given(
        {
            "kind": "output.published",
            "output": {"title": "t", "affiliations": [{"name": "Wei Zhang", "country": "CN"}, hit]},
        }
    )
    assert enrich.enrich(output).unidentified == {"Wei Zhang": "CN"}
    assert [a.country for a in output.output.affiliations] == [None, "CN"]


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("-", True), ("unknown", True), ("Private individual, Tehran", True),
        ("Dr. Ali Rezaei", True), ("Ali Rezaei, PhD", True), ("Wei Zhang", False),
        ("Tehran Institute of Photonics", False), ("Dr. Reddy's Laboratories", False),
    ],
)  # fmt: skip
def test_one_test_of_a_name_that_is_a_persons_or_no_organisations(name: str, person: bool) -> None:
    """Code review (2026-12-07): "names a person or no organisation" was written three times
    (enrichment, the scan's report line, the case page's sentences). One function decides, and
    each says what it decides."""
    from kvrules.cli.scan import not_identified_in_words
    from kvrules.enrich.organisations import names_a_person_or_no_organisation
    from kvrules.unscreened import not_screened_on_country

    assert names_a_person_or_no_organisation(name) is person
    line = not_identified_in_words({name: "IR"})
    assert ("of a person or of no organisation" in line) is person, line
    subject = {"visit": {"visitor": {"affiliations": [{"name": name, "country_set_apart": "IR"}]}}}
    [said] = not_screened_on_country(subject)
    assert ("names a person or no organisation" in said) is person, said
