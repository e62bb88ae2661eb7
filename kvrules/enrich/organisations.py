"""Organisation screening: every organisation in an event against the reference lists.

A confident match on a designation or assessment list sets ``lists``; a fuzzy or ambiguous one
sets ``candidate_lists`` (to be confirmed by a person, never a verdict). Every match found is
kept in ``screening`` with its provenance, so a finding can say which edition, entry, method and
score it rests on. Registry hits (ROR) are provenance only: being in ROR is not a risk signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache

from kvrules.model import CollaborationEvent, ListMatch, Organisation
from kvrules.refdata.resolver import Resolver

SCREENING_KINDS = ("designation", "assessment")
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
