"""No real organisation is taken for a person (ethics review, 2026-12): every name of the
real ROR records (ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e,
``v2.0`` to ``v2.9``, the latest version of each record: CC0 1.0; see shared/data/real/README.md)
read by the rules that set a person's name apart (``kvrules.enrich.organisations``)."""

from __future__ import annotations

import gzip
import json

import pytest

from kvrules.enrich.organisations import (
    NOT_AN_ORGANISATION,
    OrganisationScreen,
    bare_personal_name,
    names_a_person,
    set_apart_unidentified,
)
from kvrules.refdata import Store
from kvrules.refdata.importers import import_file
from kvrules.refdata.resolver import Resolver
from kvrules.refdata.shipped import load_shipped
from kvrules.rulebook.cases import event_from_given

from .refdata.test_ror_dump import REAL

pytestmark = pytest.mark.skipif(REAL is None, reason="shared/data/real is not beside the checkout")

# The one real name that reads as a person, and why it does no harm: a name of Dr. Reddy's
# Laboratories in Russia (ROR 00ft6fy88), title first; the registry names it with confidence (asserted
# below), and a list match or a given ROR id settles it too, so it keeps its country.
JUSTIFIED = {"Dr. Reddy's"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    assert REAL is not None
    with gzip.open(REAL) as fh:
        return [r for r in json.load(fh) if r["status"] != "withdrawn"]


def _country(record: dict) -> str | None:
    locations = record["locations"]
    return locations[0]["geonames_details"]["country_code"] if locations else None


def test_no_real_organisation_name_describes_a_person(records: list[dict]) -> None:
    """Display names, labels and aliases (acronyms aside): about 36,000."""
    names = {n["value"] for r in records for n in r["names"] if "acronym" not in n["types"]}
    assert len(names) > 35_000
    taken = {n for n in names if names_a_person(n) or NOT_AN_ORGANISATION.match(n.strip())}
    assert taken == JUSTIFIED


@pytest.mark.parametrize("registry", ["none", "shipped sample"])
def test_no_real_organisation_loses_its_country_as_a_partner(
    records: list[dict], registry: str
) -> None:
    """Code review (2026-12-07, HIGH): with only the shipped registry sample, 531 of the
    13,432 display names (two or three capitalised words: "Almaz Antey", "Eli Lilly") lost
    their country as a project partner. A partner named like a person is set apart only
    against a complete registry that does not know it: with none, or with the shipped sample
    (partial), none is. A person's affiliation is another matter: the same name as a visitor's
    institution is set apart until something identifies it."""
    store = Store()
    if registry == "shipped sample":
        load_shipped(store)
    screen = OrganisationScreen(Resolver(store))
    assert not screen.resolver.registry_complete
    display = [
        (n["value"], _country(r))
        for r in records
        for n in r["names"]
        if "ror_display" in n["types"]
    ]
    assert len(display) > 13_000
    set_apart: dict[str, str | None] = {}
    for name, country in display:
        event = event_from_given(
            {"kind": "partner.added", "partner": {"name": name, "country": country}}
        )
        screen(event.partner)
        set_apart |= set_apart_unidentified(event, screen).unidentified
    assert set_apart == {}
    visit = event_from_given(
        {
            "kind": "visit.requested",
            "visit": {"visitor": {"affiliations": [{"name": "Eli Lilly", "country": "US"}]}},
        }
    )
    screen(visit.visit.visitor.affiliations[0])
    assert set_apart_unidentified(visit, screen).unidentified == {"Eli Lilly": "US"}


def test_the_registry_names_the_real_organisation_that_reads_as_a_person(
    records: list[dict],
) -> None:
    """The one real name that reads as a person (``JUSTIFIED``) keeps its country as a partner
    once the registry is imported: it names it with confidence."""
    store = Store()
    import_file(store, "ror", REAL, edition="v2.9")
    screen = OrganisationScreen(Resolver(store))
    named = [
        (n["value"], _country(r)) for r in records for n in r["names"] if n["value"] in JUSTIFIED
    ]
    assert named
    for name, country in named:
        event = event_from_given(
            {"kind": "partner.added", "partner": {"name": name, "country": country}}
        )
        screen(event.partner)
        assert set_apart_unidentified(event, screen).unidentified == {}, name


def test_a_complete_registry_keeps_every_real_organisation_named_like_a_person(
    records: list[dict],
) -> None:
    """The rule's premise, on real data: with the registry imported as complete (these records
    stand for a full dump), every display name of two or three capitalised words keeps its
    country as a partner, because the registry identifies it; a name it lacks is set apart."""
    store = Store()
    import_file(store, "ror", REAL, edition="v2.9", partial=False)
    screen = OrganisationScreen(Resolver(store))
    assert screen.resolver.registry_complete
    named = [
        (n["value"], _country(r))
        for r in records
        for n in r["names"]
        if "ror_display" in n["types"] and bare_personal_name(n["value"])
    ]
    assert len(named) > 300  # 369 since organisation_words (530 before: "Aurora Energy" …)
    set_apart: dict[str, str | None] = {}
    for name, country in named:
        event = event_from_given(
            {"kind": "partner.added", "partner": {"name": name, "country": country}}
        )
        screen(event.partner)
        set_apart |= set_apart_unidentified(event, screen).unidentified
    assert set_apart == {}
    person = event_from_given(
        {"kind": "partner.added", "partner": {"name": "Ali Rezaei", "country": "IR"}}
    )
    screen(person.partner)
    assert set_apart_unidentified(person, screen).unidentified == {"Ali Rezaei": "IR"}
