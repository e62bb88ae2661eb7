"""Whose rules bind an institution: what a rulebook's ``jurisdiction`` covers, in one place.

A rulebook declares the jurisdiction its policy comes from (``EU``, ``NL``, ``CA``, ``US``).
Some policies bind only institutions inside it: EU export control binds exporters in the EU,
so a US university sharing Annex I research with MIT exports nothing under EU law. Such a
rulebook runs only for an institution whose ``home_country`` it covers, unless the
configuration applies it anyway (``apply_outside_jurisdiction``). A rulebook whose checks hold
for any institution says so (``applies_to: everywhere``): the DoD's risk reviews bind every
DoD-funded institution, wherever it is, and guidance such as the Leidraad's triage is sound
practice anywhere.

"Foreign" funding is the same idea turned round: funding from another sovereign state than the
home country's and, for an EU member, from outside the EU's territory (``domestic_countries``).
A territory with a code of its own belongs to its state (Puerto Rico to the US), and the EU's
outermost regions (Réunion) are in the EU, its overseas countries and territories (Greenland,
Aruba) are not: ``enrich/data/territories.yaml``, with its sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

import yaml

__all__ = [
    "DUTCH_WORDING_ABROAD",
    "EU_EXPORT_SIGNALS",
    "EU_MEMBERS",
    "EVERYWHERE",
    "TERRITORIES",
    "NotApplied",
    "applicable",
    "covers",
    "domestic_countries",
    "dutch_wording",
    "eu_territory",
    "for_home",
    "sovereign_of",
]

# EU member states (2026), by ISO 3166-1 alpha-2 code (Greece is GR, not the EU's own EL).
EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
EVERYWHERE = "everywhere"  # a rulebook's ``applies_to`` when it binds institutions anywhere
TERRITORIES = Path(__file__).parent / "enrich" / "data" / "territories.yaml"


@dataclass(frozen=True)
class _Territories:
    sovereign: dict[str, str]  # territory code → its state's code
    eu: frozenset[str]  # EU territory beyond the member states' own codes


@cache
def _territories() -> _Territories:
    data = yaml.safe_load(TERRITORIES.read_text(encoding="utf-8"))
    return _Territories(
        {str(k).upper(): str(v).upper() for k, v in data["sovereign"].items()},
        frozenset(str(c).upper() for c in data["eu_territory"]),
    )


def sovereign_of(country: str) -> str:
    """The sovereign state of ``country`` (ISO alpha-2): "PR" → "US", "RE" → "FR"; a state
    (or a code the territories file does not name) is its own."""
    country = country.strip().upper()
    return _territories().sovereign.get(country, country)


def eu_territory() -> frozenset[str]:
    """The codes of EU territory: the member states and their outermost regions (Réunion,
    Guadeloupe …) and the Åland Islands; not the overseas countries and territories
    (Greenland, Aruba, New Caledonia …)."""
    return EU_MEMBERS | _territories().eu


def covers(jurisdiction: str, country: str) -> bool:
    """Whether ``jurisdiction`` (a rulebook's: ``EU`` or an ISO country code) covers an
    institution in ``country``: the EU covers its territory (outermost regions too), a
    country itself and its territories (US: Puerto Rico)."""
    place, country = jurisdiction.strip().upper(), country.strip().upper()
    if place == "EU":
        return country in eu_territory()
    return place == country or place == sovereign_of(country)


def domestic_countries(home: str) -> frozenset[str]:
    """Whose funding is not foreign: the home country's state and its territories, and the
    EU's territory when that state is a member (a German university: Réunion is domestic, New
    Caledonia, a French OCT outside the EU, is not; a French one: both are)."""
    state = sovereign_of(home)
    own = {state} | {t for t, s in _territories().sovereign.items() if s == state}
    return frozenset(own | eu_territory()) if state in EU_MEMBERS else frozenset(own)


# Dutch wording is for Dutch institutions (or where no home country is set, the shipped
# rulebooks' own); elsewhere the same thing in neutral words. Where it comes from stays one
# step away: the ids with --technical, the signal's citation in a finding's evidence.
DUTCH_WORDING_ABROAD = {
    "nl-clusters": "sensitive technology cluster",
    "nl-state-actor-threat": "Named in a government's threat assessment of state actors",
}


# Country signals that mean something only under EU law an institution outside the EU does
# not apply: EU001 is the EU's general export authorisation (``eu-dual-use``'s rationale). The
# countries line of such an institution leaves them out (reviewer: a US site read "EU001").
# The EU's arms embargoes and sanctions regimes stay: the triage's country factor reads them
# everywhere, and their name says whose they are.
EU_EXPORT_SIGNALS = frozenset({"eu001-destination"})


def dutch_wording(home_country: str | None) -> bool:
    """Whether an institution reads the Dutch wording: a Dutch one, or one with no home
    country set (the shipped rulebooks' own wording)."""
    return home_country is None or home_country.upper() == "NL"


class _Book(Protocol):
    id: str
    jurisdiction: str
    applies_to: str


B = TypeVar("B", bound=_Book)


@dataclass(frozen=True)
class NotApplied:
    """A rulebook left out for this institution, and why, in one line."""

    rulebook: str
    jurisdiction: str
    home_country: str

    def __str__(self) -> str:
        return (
            f"{self.rulebook}: not applied, jurisdiction {self.jurisdiction} does not cover "
            f"home country {self.home_country}; add it to `apply_outside_jurisdiction` in the "
            "configuration to apply it anyway"
        )


def applicable(
    books: Iterable[B], home_country: str | None, apply_anyway: Sequence[str] = ()
) -> tuple[list[B], list[NotApplied]]:
    """The rulebooks that run for an institution in ``home_country``, and those left out
    (a rule whose own ``jurisdiction`` does not cover it is left out too, and said). A
    rulebook that runs outside its jurisdiction speaks as it does there (``for_home``).
    Without a home country every rulebook runs (``config check`` asks for one)."""
    applied: list[B] = []
    left_out: list[NotApplied] = []
    for book in books:
        if (
            home_country is None
            or book.applies_to == EVERYWHERE
            or book.id in apply_anyway
            or covers(book.jurisdiction, home_country)
        ):
            applied.append(for_home(book, home_country, apply_anyway, left_out))
        else:
            left_out.append(NotApplied(book.id, book.jurisdiction, home_country.upper()))
    return applied, left_out


def for_home(
    book: B, home_country: str | None, apply_anyway: Sequence[str], left_out: list[NotApplied]
) -> B:
    """``book`` as an institution in ``home_country`` reads it. A rule whose legal basis binds
    only in its own ``jurisdiction`` (EU sanctions law in a rulebook that runs everywhere) is
    left out where that does not cover the home country, unless ``apply_anyway`` names the
    rulebook or the rule (``rulebook/rule``). Outside the rulebook's jurisdiction a rule says
    whose policy its source is (the source's ``whose``) and reads its ``rationale_abroad`` and
    ``title_abroad``, without another state's policy names (reviewer: a US site read "check …
    against the EU sanctions lists" and the Rathenau Instituut's advice to Dutch universities
    as its own; "partner outside the EU" as the title over a partner abroad), and asks its
    ``condition_abroad`` where it has one (``when_abroad``: EU export control's "partner
    outside the EU" as "partner abroad", ``foreign``). Unchanged inside it: a Dutch
    institution reads the shipped rulebooks as written, an EU member EU export control."""
    rules = getattr(book, "rules", None)
    if home_country is None or rules is None:
        return book
    home = home_country.upper()
    abroad = not covers(book.jurisdiction, home)
    kept = []
    for rule in rules:
        named = book.id in apply_anyway or f"{book.id}/{rule.id}" in apply_anyway
        if rule.jurisdiction and not covers(rule.jurisdiction, home) and not named:
            left_out.append(NotApplied(f"{book.id}/{rule.id}", rule.jurisdiction, home))
            continue
        if abroad:
            citation = rule.citation
            if citation.whose:
                citation = replace(citation, cite=f"{citation.whose}: {citation.cite}")
            rationale = rule.rationale_abroad or rule.rationale
            condition = rule.condition_abroad or rule.condition
            title = rule.title_abroad or rule.title
            written = rule.title_abroad_written or rule.title_written
            rule = replace(
                rule,
                title=title,
                title_written=written,
                rationale=rationale,
                citation=citation,
                condition=condition,
            )
        kept.append(rule)
    return replace(book, rules=tuple(kept))  # type: ignore[type-var]
