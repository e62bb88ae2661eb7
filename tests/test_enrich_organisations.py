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
    assert enrich.enrich(visit) == {"Institute of Applied Optics Qingdao": "CN"}
    listed, unknown, own = visit.visit.visitor.affiliations
    assert listed.country == "CN" and listed.country_signals and listed.lists
    assert unknown.country is None and unknown.country_signals == []
    assert own.country == "IR"  # the source says a list has it: identified
    assert enrich.enrich(project) == {"Self-employed": "CN"}
    partner, person = project.project.partners
    assert partner.country == "CN" and partner.country_signals  # named as an organisation
    assert person.country is None and person.country_signals == []
