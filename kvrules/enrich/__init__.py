"""Enrichment: what the rules need to know about an event beyond what the RIS holds.

- organisations: reference-list matches with provenance (``lists``, ``candidate_lists``);
- countries: the signals of each organisation's country profile (``country_signals``);
- areas: the sensitive research areas of projects, outputs and visits (``sensitive_areas``);
- funding: whether each funder is foreign to the institution (``foreign``: outside its home
  country and, for an EU member, the EU) and the foreign share of the project's units'
  funding (``foreign_funding_share``).

An organisation that is not one (a visitor's institution nothing identifies, "private
individual") is not screened on its country: that would screen a person's nationality
(``Enricher.enrich`` returns them, ``SetApart``).

"Not on a list" means "not found in the lists screened" (``Enricher.screened_against``), never
"safe".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kvrules.enrich.funding import FundingShares
from kvrules.enrich.language import language_name, unscreened
from kvrules.enrich.organisations import (
    OrganisationScreen,
    SetApart,
    organisations,
    set_apart_unidentified,
)
from kvrules.jurisdiction import domestic_countries
from kvrules.model import CollaborationEvent, Funder, Project, ResearchOutput, Visit

if TYPE_CHECKING:
    from kvrules.enrich.areas import Classifier

SignalFn = Callable[[str | None], list[str]]


def funders(event: CollaborationEvent) -> Iterator[Funder]:
    """The funder an event adds and every funder of its project (or application)."""
    if event.funder is not None:
        yield event.funder
    if event.project is not None:
        yield from event.project.funders


def language_guess_digest() -> str:
    """Of the code that guesses a text's language (``kvrules.enrich.language``, with the word
    lists and letters it reads, and the script counts of ``kvrules.scripts``): a release whose
    guess names another language, or none, re-screens the stored records."""
    from kvrules import scripts
    from kvrules.enrich import language

    digest = hashlib.sha256()
    for module in (language, scripts):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


class Enricher:
    """Fills the enrichment fields of events, in place. Build once; reuse for every event.

    Values already present (set by the source, or by hand in a rulebook test) are kept.
    """

    def __init__(
        self,
        screen: OrganisationScreen | None,
        screened_against: list[str],
        country_signals: SignalFn | None = None,
        classify: Callable | None = None,
        home_country: str | None = None,
    ) -> None:
        self.screen = screen
        # whose funding is domestic (kvrules.jurisdiction); None: no funder is called foreign
        self.home_country = home_country.upper() if home_country else None
        self.screened_against = screened_against
        self.country_signals = country_signals
        self.classify = classify
        self.funding: FundingShares | None = None  # set per scan from the stored records
        self.areas_digest = ""  # of the taxonomy files classify uses (see ``context``)
        self.area_vocabulary = ""  # that vocabulary in words (``Classifier.in_words``)
        self.lists_digest: list[str] | None = None  # edition + file digest per list screened
        self.list_titles: dict[str, str] = {}  # list id → its title, to name it for people
        # Editions of lists of countries (the US foreign countries of concern): no organisation
        # is searched in them, so "not found" never names them; said apart as countries checked.
        self.countries_checked: list[str] = []
        # ISO 639-1 codes the sensitive-area vocabulary has terms in (None: not said)
        self.area_languages: set[str] | None = None
        # the taxonomy and glossary files' digests, file by file (``Classifier.parts``)
        self.area_parts: dict[str, str] = {}
        # of the language guess's code, when the areas use it ("": not used)
        self.language_digest = ""

    def use_areas(self, areas: Classifier) -> None:
        """Classify sensitive areas with ``areas``; what it is made of is part of ``context``
        (a glossary changed alone re-screens), with the language guess it reads."""
        self.classify = areas.classify
        self.areas_digest = areas.digest
        self.area_parts = dict(areas.parts)
        self.area_vocabulary = areas.in_words()
        self.area_languages = set(areas.languages)
        self.language_digest = language_guess_digest()

    def _not_screened_in(self, subject: Project | ResearchOutput | Visit) -> list[str]:
        """The languages of the subject's text that the vocabulary has no terms in, or
        "language not recognised": "none found" would read as "not in a sensitive field"
        (reviewers: a German-only project; Spanish, Italian and Polish titles said nothing).
        The whole text and each field on its own (a Spanish keyword beside an English title
        was not screened either)."""
        if self.area_languages is None:
            return []
        said = getattr(subject, "title", None) or getattr(subject, "purpose", None)
        fields = [said, *subject.keywords]
        each = dict.fromkeys([tuple(fields), *((field,) for field in fields)])
        codes = [unscreened(texts, self.area_languages) for texts in each]
        return [language_name(c) for c in dict.fromkeys(c for c in codes if c)]

    @property
    def context(self) -> dict[str, Any]:
        """What enrichment screens with, part by part: list editions (with their files'
        digests), the area taxonomies and glossaries (file by file), the language guess and
        the home country. When it changes, the scanner re-screens the stored records (those
        whose screening it changes) and names each part that changed
        (``kvrules.screened_with``)."""
        lists = self.screened_against if self.lists_digest is None else self.lists_digest
        parts: dict[str, Any] = {"lists": list(lists)}
        if self.area_parts or self.areas_digest:
            parts["areas"] = dict(self.area_parts) or {"*": self.areas_digest}
        if self.language_digest:
            parts["language guess"] = self.language_digest
        if self.home_country:
            parts["home country"] = self.home_country
        return parts

    @classmethod
    def from_store(
        cls,
        db: str | Path | None = None,
        *,
        threshold: float = 0.85,
        taxonomies: Sequence[str | Path] = (),
        home_country: str | None = None,
    ) -> Enricher:
        """Enrichment from the reference store at ``db`` (seeded with the shipped lists on first
        use; None: the shipped lists in memory),
        with the shipped sensitive-area taxonomies plus the institution's own (``taxonomies``),
        for an institution in ``home_country`` (which funders are foreign)."""
        from kvrules.enrich.areas import Classifier, default_classifier
        from kvrules.enrich.countries import country_signals
        from kvrules.refdata import cache
        from kvrules.refdata.models import edition_provenance
        from kvrules.refdata.shipped import open_reference_store

        with open_reference_store(db) as store:
            # The index kept beside the store since its last change (`kvrules match` keeps it
            # too): a full ROR import takes seconds to index, and every scan would rebuild it.
            resolver = cache.prepare(store, threshold).resolver()
            editions = [i for i in store.latest_editions() if i.kind != "registry"]
            # the lists an organisation's name is searched in: those with other than countries
            of_organisations = {s.split("@")[0] for s in resolver.searched}
            screened, countries = [], []
            for i in editions:  # a partial edition says so wherever "not on a list" is reported
                edition = f"{i.list_id}@{i.edition}" + (" (partial)" if i.partial else "")
                (screened if i.list_id in of_organisations else countries).append(edition)
            # An edition replaced under the same name (the complete list over the partial one)
            # must still re-screen the stored records: the context carries each file's digest.
            # A registry (ROR) is not searched as a list, but its names and links decide which
            # list entry a partner's name reaches: a new registry edition re-screens too.
            fingerprint = [
                f"{i.list_id}@{i.edition}#{(i.sha256 or '')[:16]}" for i in store.latest_editions()
            ]
            provenance = {f"{i.list_id}@{i.edition}": edition_provenance(i) for i in editions}
        areas = Classifier.from_paths(taxonomies) if taxonomies else default_classifier()
        enricher = cls(
            OrganisationScreen(resolver, provenance=provenance),
            screened,
            country_signals,
            home_country=home_country,
        )
        enricher.use_areas(areas)
        enricher.lists_digest = fingerprint
        enricher.list_titles = {i.list_id: i.title for i in editions}
        enricher.countries_checked = countries
        return enricher

    def __call__(self, event: CollaborationEvent) -> CollaborationEvent:
        self.enrich(event)
        return event

    def enrich(self, event: CollaborationEvent) -> SetApart:
        """Fill ``event``'s enrichment fields; returns what ``set_apart_unidentified`` says:
        the organisations it did not screen on their country (name → the country they had),
        and the partners named like a person that the registry's completeness decided on."""
        for org in organisations(event):
            if self.screen is not None:
                self.screen(org)
            if self.country_signals is not None:
                org.country_signals = sorted(
                    {*org.country_signals, *self.country_signals(org.country)}
                )
        if self.funding is not None and event.project is not None:
            share = self.funding.for_project(event.project)
            if share is not None:
                event.project.foreign_funding_share = share
        if self.classify is not None:
            for subject in (event.project, event.output, event.visit):
                if subject is not None:
                    hits = self.classify(
                        subject.keywords,
                        [f"{c.scheme}:{c.code}" for c in getattr(subject, "classifications", [])],
                        # A visit has no title: its purpose is what says what it is about.
                        getattr(subject, "title", None) or getattr(subject, "purpose", None),
                    )
                    subject.sensitive_areas = sorted(
                        {*subject.sensitive_areas, *(h.area for h in hits)}
                    )
                    # What a person reading the case is told matched, area by area.
                    subject.area_words = {
                        area: words
                        for area, words in subject.area_words.items()
                        if area in subject.sensitive_areas
                    } | {h.area: h.words for h in hits}
                    subject.areas_not_screened = self._not_screened_in(subject)
        set_apart = set_apart_unidentified(event, self.screen)
        # After the set-apart: a "funder" that names a person, or an affiliation not identified
        # as an organisation, has no country to be foreign by.
        if self.home_country is not None:
            domestic = domestic_countries(self.home_country)
            for org in organisations(event):
                if org.foreign is None and org.country is not None:
                    org.foreign = org.country not in domestic
        return set_apart
