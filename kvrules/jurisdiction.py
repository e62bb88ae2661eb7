"""Whose rules bind an institution: what a rulebook's ``jurisdiction`` covers, in one place.

A rulebook declares the jurisdiction its policy comes from (``EU``, ``NL``, ``CA``, ``US``).
Some policies bind only institutions inside it: EU export control binds exporters in the EU,
so a US university sharing Annex I research with MIT exports nothing under EU law. Such a
rulebook runs only for an institution whose ``home_country`` it covers, unless the
configuration applies it anyway (``apply_outside_jurisdiction``). A rulebook whose checks hold
for any institution says so (``applies_to: everywhere``): the DoD's risk reviews bind every
DoD-funded institution, wherever it is, and guidance such as the Leidraad's triage is sound
practice anywhere.

"Foreign" funding is the same idea turned round: funding from outside the home country and,
for an EU member, from outside the EU (``domestic_countries``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

__all__ = [
    "DUTCH_WORDING_ABROAD",
    "EU_EXPORT_SIGNALS",
    "EU_MEMBERS",
    "EVERYWHERE",
    "NotApplied",
    "applicable",
    "covers",
    "domestic_countries",
    "dutch_wording",
    "for_home",
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


def covers(jurisdiction: str, country: str) -> bool:
    """Whether ``jurisdiction`` (a rulebook's: ``EU`` or an ISO country code) covers an
    institution in ``country``: the EU covers its member states, a country itself."""
    place, country = jurisdiction.strip().upper(), country.strip().upper()
    if place == "EU":
        return country in EU_MEMBERS
    return place == country


def domestic_countries(home: str) -> frozenset[str]:
    """Whose funding is not foreign: the home country, and the EU when it is a member."""
    home = home.upper()
    return EU_MEMBERS if home in EU_MEMBERS else frozenset({home})


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
    whose policy its source is (the source's ``whose``) and reads its ``rationale_abroad``,
    without another state's policy names (reviewer: a US site read "check … against the EU
    sanctions lists" and the Rathenau Instituut's advice to Dutch universities as its own), and
    asks its ``condition_abroad`` where it has one (``when_abroad``: EU export control's
    "partner outside the EU" as "partner abroad", ``foreign``). Unchanged inside it: a Dutch
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
            rule = replace(rule, rationale=rationale, citation=citation, condition=condition)
        kept.append(rule)
    return replace(book, rules=tuple(kept))  # type: ignore[type-var]
