"""Organisation screening: every organisation in an event against the reference lists.

A confident match on a designation or assessment list sets ``lists``; a fuzzy or ambiguous one
sets ``candidate_lists`` (to be confirmed by a person, never a verdict). Every match found is
kept in ``screening`` with its provenance, so a finding can say which edition, entry, method and
score it rests on. Registry hits (ROR) are provenance only: being in ROR is not a risk signal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache

from kvrules.model import CollaborationEvent, ListMatch, Organisation
from kvrules.refdata.resolver import Resolver

SCREENING_KINDS = ("designation", "assessment")
# A name that says it is a person's situation, not an organisation ("private individual (IR)"):
# its country would be that person's, so it is never screened on it (README, "Where a country
# counts").
NOT_AN_ORGANISATION = re.compile(
    r"^(?:an?\s+)?(?:private\s+(?:individual|person|citizen)|individual|independent"
    r"(?:\s+(?:researcher|scholar|scientist))?|self[-\s]?employed|freelancer?|unaffiliated|"
    r"no\s+affiliation|none|n/?a|retired|unemployed|unknown|not\s+applicable|private)$",
    re.IGNORECASE,
)
# An edition's provenance as a match carries it: publisher, source_url, licence, title
Provenance = dict[str, str | None]
# (list, entry, organisation name, country) -> True when an adviser ruled "not the same
# organisation"; ``Store.match_suppressed`` is one.
Suppressed = Callable[[str, str, str, str | None], bool]


def organisations(event: CollaborationEvent) -> Iterator[Organisation]:
    """Every organisation an event mentions (partners, funders, affiliations)."""
    if event.partner:
        yield event.partner
    if event.funder:
        yield event.funder
    if project := event.project:
        yield from project.partners
        yield from project.funders
        for person in project.participants:
            yield from person.affiliations
    if event.output:
        yield from event.output.affiliations
    if event.visit:
        yield from event.visit.visitor.affiliations


class OrganisationScreen:
    """Resolves organisations against a Resolver, caching per (name, country, ROR id)."""

    def __init__(
        self,
        resolver: Resolver,
        cache_size: int = 50_000,
        suppressed: Suppressed | None = None,
        provenance: Mapping[str, Provenance] | None = None,
    ) -> None:
        self.resolver = resolver
        self.suppressed = suppressed
        # "list@edition" → where that edition comes from, given to each of its matches
        self.provenance = dict(provenance or {})
        self._match = lru_cache(maxsize=cache_size)(self._resolve)

    def _resolve(self, name: str, country: str | None, ror: str | None) -> tuple[ListMatch, ...]:
        found = self.resolver.match(name, country, ror)
        return tuple(
            ListMatch(
                list=m.list,
                edition=m.edition,
                entry=m.entry,
                name=m.name,
                ror_id=m.ror_id,
                method=m.method,
                score=m.score,
                candidate=m.candidate or m.score < self.resolver.threshold,
                kind=m.kind,
                matched=m.matched,
                part=m.part,
                via=m.via,
                explanation=m.explanation,
                **self.provenance.get(f"{m.list}@{m.edition}", {}),
            )
            for m in found
        )

    def identifies(self, org: Organisation) -> bool:
        """Whether ``org`` is known as an organisation: its ROR id is given, or a list or the
        registry has its name (a possible match included)."""
        return bool(org.ror_id) or bool(self._match(org.name, org.country, org.ror_id))

    def __call__(self, org: Organisation) -> None:
        """Add what the lists say; values the source already set are kept (union)."""
        matches = self._match(org.name, org.country, org.ror_id)
        screened = [m for m in matches if m.kind in SCREENING_KINDS]
        if self.suppressed is not None:  # after the cache: a new adjudication counts at once
            screened = [
                m for m in screened if not self.suppressed(m.list, m.entry, org.name, org.country)
            ]
        org.screening = screened
        org.lists = sorted({*org.lists, *(m.list for m in screened if not m.candidate)})
        org.candidate_lists = sorted(
            {*org.candidate_lists, *(m.list for m in screened if m.candidate)} - set(org.lists)
        )


def set_apart_unidentified(
    event: CollaborationEvent, screen: OrganisationScreen | None
) -> dict[str, str | None]:
    """Take the organisations whose country must not be screened out of the country checks
    (their country and its signals cleared before the rules run); returns their names with the
    country they had. Scans and pre-screens alike run it after screening (``Enricher``).

    A country is an attribute of an organisation, never of a person. A visitor's home
    institution counts as one only when a list or the registry identifies it (or its ROR id is
    given): otherwise "private individual (IR)", or any name nothing knows, would screen the
    visitor on a country that is in effect their nationality (Dutch legal advice, 2025). A
    partner or funder is named as an organisation, so its country stays, unless its name says
    it is none (``NOT_AN_ORGANISATION``).
    """
    visitors = event.visit.visitor.affiliations if event.visit is not None else []
    set_apart: dict[str, str | None] = {}
    for org in organisations(event):
        if org.country is None and not org.country_signals:
            continue
        person = NOT_AN_ORGANISATION.match(org.name.strip()) is not None
        visitor = any(org is a for a in visitors)
        if person or (visitor and screen is not None and not _identified(org, screen)):
            set_apart[org.name] = org.country
            org.country_set_apart = org.country or org.country_set_apart
            org.country, org.country_signals = None, []
    return set_apart


def _identified(org: Organisation, screen: OrganisationScreen) -> bool:
    """Known as an organisation: a list matched it (here, or where the source says so) or the
    registry has it."""
    return bool(org.lists or org.candidate_lists) or screen.identifies(org)
