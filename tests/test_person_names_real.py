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


def test_the_registry_keeps_every_real_organisation_named_like_a_person(
    records: list[dict],
) -> None:
    """A given and family name alone cannot be told from "Eli Lilly" or "Chester Zoo" by its
    words (530 of the 13,463 display names are two or three capitalised words and no
    organisation word): the registry settles it. With these records imported, none of the
    display names that read as a person, or as a name alone, is set apart."""
    store = Store()
    import_file(store, "ror", REAL, edition="v2.9")
    screen = OrganisationScreen(Resolver(store))
    suspects = [
        (name, _country(r))
        for r in records
        for name in (n["value"] for n in r["names"] if "ror_display" in n["types"])
        if names_a_person(name) or bare_personal_name(name)
    ] + [(n["value"], _country(r)) for r in records for n in r["names"] if n["value"] in JUSTIFIED]
    assert len(suspects) > 500
    set_apart: dict[str, str | None] = {}
    for name, country in suspects:
        event = event_from_given(
            {"kind": "partner.added", "partner": {"name": name, "country": country}}
        )
        screen(event.partner)
        set_apart |= set_apart_unidentified(event, screen)
    assert set_apart == {}
    unknown = event_from_given(
        {"kind": "partner.added", "partner": {"name": "Wei Zhang", "country": "CN"}}
    )
    screen(unknown.partner)
    assert set_apart_unidentified(unknown, screen) == {"Wei Zhang": "CN"}
