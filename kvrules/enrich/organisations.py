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
# A name that reads as a person, not an organisation: honorific titles before a name ("Dr.
# Ali Rezaei", "Prof Wei Zhang", "Prof.Dr. …", "Dr.-Ing. …", the Dutch "Drs.", "Ir.", "Mevr.",
# "Dhr.", the German "Herr", "Frau", the French "M.", "Mme"), or a nationality ("Iranian
# national", "a Chinese citizen", "citizen of Iran"). Its country would be the person's
# nationality. "Ir." and "M." need their full stop and a space ("M.I.T." is no title).
_TITLE = (
    r"(?:dr\.?-ing|dr|drs|prof|professor|mr|mrs|ms|mx|miss|mevr|mevrouw|dhr|herr|frau|mme|mlle"
    r"|madame|mademoiselle|monsieur|sir|dame)\.?(?:\s+|(?<=\.))|(?:ir|m)\.\s+"
)
READS_AS_PERSON = re.compile(
    rf"^(?:{_TITLE})+[^\W\d_]"
    r"|^(?:an?\s+)?[^\W\d_][\w-]*\s+(?:nationals?|citizens?|passport\s+holders?)$"
    r"|^(?:an?\s+)?(?:citizens?|nationals?)\s+of\s+[^\W\d_]",
    re.IGNORECASE,
)
# Words that make a name an organisation's, whatever it begins with ("Dr. Reddy's
# Laboratories", "Sir Ganga Ram Hospital", "M. S. Ramaiah University of Applied Sciences").
ORGANISATION_WORD = re.compile(
    r"\b(?:univ\w*|institut\w*|college|school|polytechn\w*|hochschule|academ\w*"
    r"|akadem\w*|laborator\w*|labs?|hospital|clinic\w*|klinik\w*|cent(?:er|re)s?|zentrum"
    r"|foundation|stiftung|stichting|compan\w*|corporation|corp|inc|ltd|limited|gmbh|ag|bv|nv"
    r"|plc|llc|group|society|gesellschaft|council|ministry|agency|department|bureau"
    r"|association|trust|pharma\w*|technolog\w*|industr\w*|research|observator\w*|museum"
    r"|faculty|office|fund|bank)\b",
    re.IGNORECASE,
)


def names_a_person(name: str) -> bool:
    """Whether ``name`` reads as a person (``READS_AS_PERSON``) and has no word that makes it
    an organisation's (``ORGANISATION_WORD``)."""
    name = " ".join(name.split())
    return READS_AS_PERSON.search(name) is not None and ORGANISATION_WORD.search(name) is None


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
        if not org.ror_lineage:
            org.ror_lineage = self._lineage(org, matches)

    def _lineage(self, org: Organisation, matches: tuple[ListMatch, ...]) -> list[str]:
        """The organisation's ROR record and its ancestors (``Resolver.ror_lineage``): the
        record of its ROR id, else the one registry record its name matched outright (several
        or only a possible match: none, as a guessed parent would be a guessed finding)."""
        records = {m.ror_id for m in matches if m.kind == "registry" and not m.candidate}
        own = org.ror_id or (next(iter(records)) if len(records) == 1 else None)
        return self.resolver.ror_lineage(own) if own else []


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
    it is none (``NOT_AN_ORGANISATION``) or names a person (``names_a_person``). A list match
    or a ROR id given by the source settles it: that is an organisation, whatever its name.
    """
    visitors = event.visit.visitor.affiliations if event.visit is not None else []
    set_apart: dict[str, str | None] = {}
    for org in organisations(event):
        if org.country is None and not org.country_signals:
            continue
        if org.lists or org.ror_id:
            continue  # a list or the source's ROR id names an organisation, whatever its name
        person = NOT_AN_ORGANISATION.match(org.name.strip()) or names_a_person(org.name)
        visitor = any(org is a for a in visitors)
        if person or (visitor and not _identified(org, screen)):
            set_apart[org.name] = org.country
            org.country_set_apart = org.country or org.country_set_apart
            org.country, org.country_signals = None, []
    return set_apart


def _identified(org: Organisation, screen: OrganisationScreen | None) -> bool:
    """Known as an organisation besides a list's or the source's word: a list names it as a
    candidate, or the registry has it (when there is a screen to ask; without one, nothing
    identifies a visitor's institution, so its country is not screened)."""
    return bool(org.candidate_lists) or (screen is not None and screen.identifies(org))
