"""Organisation screening: every organisation in an event against the reference lists.

A confident match on a designation or assessment list sets ``lists``; a fuzzy or ambiguous one
sets ``candidate_lists`` (to be confirmed by a person, never a verdict). Every match found is
kept in ``screening`` with its provenance, so a finding can say which edition, entry, method and
score it rests on. Registry hits (ROR) are provenance only: being in ROR is not a risk signal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib.resources import files

from kvrules.model import CollaborationEvent, Funder, ListMatch, Organisation
from kvrules.refdata.normalise import CLASS_WORDS
from kvrules.refdata.resolver import Resolver

SCREENING_KINDS = ("designation", "assessment")
# A name that says it is a person's situation, not an organisation ("private individual (IR)"):
# its country would be that person's, so it is never screened on it (README, "Where a country
# counts").
NOT_AN_ORGANISATION = re.compile(
    r"^(?:an?\s+)?(?:private\s+(?:individual|person|citizen)|individual|independent"
    r"(?:\s+(?:researcher|scholar|scientist))?|self[-\s]?employed|freelancer?|unaffiliated|"
    r"no\s+affiliation|none|n/?a|retired|unemployed|unknown|not\s+applicable|private"
    r"|[\W_]*)$",  # no letter or digit at all: "-", "?"
    re.IGNORECASE,
)
# A name that reads as a person, not an organisation: honorific titles before a name ("Dr.
# Ali Rezaei", "Prof Wei Zhang", "Prof.Dr. …", "Dr.-Ing. …", the Dutch "Drs.", "Ir.", "Mevr.",
# "Dhr.", the German "Herr", "Frau", the French "M.", "Mme"), or a nationality ("Iranian
# national", "a Chinese citizen", "citizen of Iran"). Its country would be the person's
# nationality. "Ir." and "M." need their full stop and a space ("M.I.T." is no title).
_TITLE = (
    r"(?!(?-i:[A-Z]{2,})\b(?!\.))"  # in capitals without a full stop, an acronym ("DR Healthcare")
    r"(?:dr\.?-ing|dr|drs|prof|professor|mr|mrs|ms|mx|miss|mevr|mevrouw|dhr|herr|frau|mme|mlle"
    r"|madame|mademoiselle|monsieur|sir|dame)\.?(?:\s+|(?<=\.))|(?:ir|m)\.\s+"
)
READS_AS_PERSON = re.compile(
    rf"^(?:{_TITLE})+[^\W\d_]"
    r"|^(?:an?\s+)?[^\W\d_][\w-]*\s+(?:nationals?|citizens?|passport\s+holders?)$"
    r"|^(?:an?\s+)?(?:citizens?|nationals?)\s+of\s+[^\W\d_]",
    re.IGNORECASE,
)
# A person's situation ("Private individual, Tehran", "Retired professor", "Independent
# consultant"), occupation ("Wei Zhang (consultant)", "Guest researcher") or degree ("Ali Rezaei,
# PhD"): the name then describes someone, whoever it is. By position, not by a longer list of
# whole names: a situation word first, an occupation after a situation word or set off by a
# comma or brackets, a post-nominal degree last. An occupation ending a name on its own is a
# firm's ("Nagano Forestry Consultant"), so it does not count there.
_SITUATION = (
    r"private|individual|independent|freelancer?|freelance|self[-\s]?employed|retired"
    r"|emerit(?:us|a)|unaffiliated|unemployed|home\s+address|n/a"
)
_OCCUPATION = (
    r"consultant|researcher|scholar|scientist|professor|lecturer|student|candidate"
    r"|post-?doc|person|citizen|resident|freelancer|retired|emerit(?:us|a)|unaffiliated"
)
_DEGREE = r"ph\.?\s?d|d\.?\s?phil|m\.?\s?phil|m\.?\s?sc|b\.?\s?sc|m\.\s?d|mba|m\.?\s?eng|d\.?\s?sc"
DESCRIBES_A_PERSON = re.compile(
    rf"^(?:an?\s+)?(?:{_SITUATION})\b(?![-'’])"
    rf"|^(?:(?:guest|visiting|{_SITUATION})\s+)+(?:{_OCCUPATION})$"
    rf"|[,(]\s*(?:an?\s+)?(?:(?:{_SITUATION})\s+)*(?:{_OCCUPATION})\s*\)?$"
    rf"|^[^\W\d_][^,(]*?(?:,\s*|\s+)(?:{_DEGREE})\.?\s*\)?$",
    re.IGNORECASE,
)
# Words that make a name an organisation's, whatever it begins with ("Dr. Reddy's
# Laboratories", "Sir Ganga Ram Hospital", "M. S. Ramaiah University of Applied Sciences").
ORGANISATION_WORD = re.compile(
    r"\b(?:\w*univ\w*|institut\w*|da\s?xue|daigaku|daehak\w*|hogeschool|prifysgol|college"
    r"|school|polytechn\w*|hochschule|academ\w*"
    r"|akadem\w*|laborator\w*|labs?|hospital|clinic\w*|klinik\w*|cent(?:er|re)s?|zentrum"
    r"|foundation|stiftung|stichting|stiftelse|fondazione|fondation|fundaci[oó]n|funda[cç][aã]o"
    r"|hastane\w*|ziekenhuis|krankenhaus|h[oô]pital|ospedal\w*|inst|compan\w*|corporation"
    r"|corp|inc|ltd|limited|gmbh|ag|bv|nv"
    r"|plc|llc|group|society|gesellschaft|council|ministry|agency|department|bureau"
    r"|association|trust|pharma\w*|technolog\w*|industr\w*|research|observator\w*|museum"
    r"|faculty|office|fund|bank|commission|gemeinschaft|holdings?|biotech\w*|semiconductors?"
    r"|aerospace|dynamics|systems|solutions|services?|network|alliance|consortium|federation"
    r"|authority|administration|government|initiative|division|partners|ventures|zoo"
    r"|library|seminary|hospice|municipality|county|survey"
    # Short words of companies' names that no derived list holds (4 letters or fewer, or
    # ending eponyms too: "Analytics"), and legal forms that are no personal name.
    r"|tech|analytics|polyclinic|testing|pte|pty|bhd|sdn|tbk|jsc|pjsc|ojsc|ooo|zao|oao|kft"
    r"|sarl|srl|ltda|llp|aps|bvba|vzw|uab|oyj|kgaa)\b",
    re.IGNORECASE,
)


def has_organisation_word(name: str) -> bool:
    """Whether ``name`` holds an ``ORGANISATION_WORD``, read without diacritics ("Sìchuān
    Dàxué" is Sichuan University)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return ORGANISATION_WORD.search(bare) is not None


def names_a_person(name: str) -> bool:
    """Whether ``name`` reads as a person (a title or a nationality: ``READS_AS_PERSON``) or
    describes one (a situation, occupation or degree: ``DESCRIBES_A_PERSON``), and has no word
    that makes it an organisation's (``ORGANISATION_WORD``)."""
    name = " ".join(name.split())
    person = READS_AS_PERSON.search(name) or DESCRIBES_A_PERSON.search(name)
    return person is not None and not has_organisation_word(name)


def names_a_person_or_no_organisation(name: str) -> bool:
    """Whether ``name`` says it is no organisation (``NOT_AN_ORGANISATION``: "private
    individual", "-") or names a person (``names_a_person``): a country given with it would be
    a person's. The one test enrichment, the scan's report, pre-screening and the case page
    share, so each says the same of the same name."""
    return NOT_AN_ORGANISATION.match(name.strip()) is not None or names_a_person(name)


# Given and family name alone ("Wei Zhang", "Ali Rezaei"): two or three capitalised words.
# Many organisations are named so too ("Eli Lilly", "Lockheed Martin", "Almaz Antey": 531 of
# 13,432 real ROR display names), so such a name alone decides nothing: a complete registry
# settles it (``set_apart_unidentified``).
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def name_words_alone(name: str) -> bool:
    """Whether ``name`` is two or three capitalised words (not in capitals: an acronym)."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(
        _NAME_WORD.fullmatch(w) and w[0].isupper() and not w.isupper() for w in words
    )


@lru_cache(maxsize=1)
def organisation_words() -> frozenset[str]:
    """The words that end real organisation names ("Photonics", "Energy", "Holdings": derived
    from ROR's records by ``bench/organisation_words.py``, ``data/organisation_words.txt``) and
    the matcher's organisation-class words (``CLASS_WORDS``); lower case, no diacritics."""
    text = files("kvrules.enrich").joinpath("data/organisation_words.txt").read_text("utf-8")
    derived = {line for line in text.splitlines() if line and not line.startswith("#")}
    return frozenset(derived | CLASS_WORDS)


def ends_like_an_organisation(name: str) -> bool:
    """Whether the last word of ``name`` is one that ends real organisation names
    (``organisation_words``): "Kestrel Photonics", "Aurora Energy". The last word only: a
    given name may begin an organisation's name ("Pascal" ends "Université Blaise Pascal")."""
    words = name.split()
    return bool(words) and _fold(words[-1]) in organisation_words()


def _fold(word: str) -> str:
    bare = unicodedata.normalize("NFKD", word)
    return "".join(c for c in bare if not unicodedata.combining(c)).lower()


def bare_personal_name(name: str) -> bool:
    """Whether ``name`` is two or three capitalised words (not in capitals: an acronym) with
    no word that makes it an organisation's (``ORGANISATION_WORD``) and not ending in a word
    that ends real organisation names (``ends_like_an_organisation``)."""
    return (
        name_words_alone(name)
        and not has_organisation_word(name)
        and not ends_like_an_organisation(name)
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
        # A cached function of the resolver and provenance, not of ``self``: a bound method
        # in the cache made a reference cycle, freed only by the cyclic collector; the index
        # load's gc.freeze() then kept it, and the whole resolver with it, for good (a
        # `watch` grew by one resolver every scan).
        self._match = lru_cache(maxsize=cache_size)(
            partial(self._resolve, resolver, self.provenance)
        )

    @staticmethod
    def _resolve(
        resolver: Resolver,
        provenance: Mapping[str, Provenance],
        name: str,
        country: str | None,
        ror: str | None,
    ) -> tuple[ListMatch, ...]:
        found = resolver.match(name, country, ror)
        return tuple(
            ListMatch(
                list=m.list,
                edition=m.edition,
                entry=m.entry,
                name=m.name,
                ror_id=m.ror_id,
                method=m.method,
                score=m.score,
                candidate=m.candidate or m.score < resolver.threshold,
                kind=m.kind,
                matched=m.matched,
                part=m.part,
                via=m.via,
                explanation=m.explanation,
                country=m.country,
                designated_under=m.designated_under,
                **provenance.get(f"{m.list}@{m.edition}", {}),
            )
            for m in found
        )

    def identifies(self, org: Organisation, *, confident: bool = False) -> bool:
        """Whether ``org`` is known as an organisation: its ROR id is given, or a list or the
        registry has its name (a possible match included, unless ``confident``)."""
        matches = self._match(org.name, org.country, org.ror_id)
        return bool(org.ror_id) or any(not (confident and m.candidate) for m in matches)

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
        if org.country is None:
            self._country_from_lists(org, screened, matches)

    @staticmethod
    def _country_from_lists(
        org: Organisation, screened: list[ListMatch], matches: tuple[ListMatch, ...]
    ) -> None:
        """An organisation given without a country takes the country of the list entries it
        matched with confidence (else of their ROR record), when they agree on one: a listed
        partner whose country is missing is no less in its country (reviewer, 2026-12-07:
        AMBER and "complete" without it, RED with it). ``country_from`` says where it came
        from, so the answer never passes it off as the source's. A possible match, or entries
        that disagree, give none: then the answer says no country check ran."""
        confident = [m for m in screened if not m.candidate]
        given = {m.country: m for m in confident if m.country}
        source = "entry"
        if not given:  # the entries' own ROR records (a registry match of the same id)
            ids = {m.ror_id for m in confident if m.ror_id}
            given = {
                m.country: m
                for m in matches
                if m.kind == "registry" and not m.candidate and m.ror_id in ids and m.country
            }
            source = "ror"
        if len(given) != 1:
            return
        ((country, match),) = given.items()
        org.country = country
        org.country_from = (
            f"{match.list}@{match.edition}, entry {match.entry}"
            if source == "entry"
            else f"ror:{match.ror_id}, the ROR record of its list entry"
        )

    def _lineage(self, org: Organisation, matches: tuple[ListMatch, ...]) -> list[str]:
        """The organisation's ROR record and its ancestors (``Resolver.ror_lineage``): the
        record of its ROR id, else the one registry record its name matched outright (several
        or only a possible match: none, as a guessed parent would be a guessed finding)."""
        records = {m.ror_id for m in matches if m.kind == "registry" and not m.candidate}
        own = org.ror_id or (next(iter(records)) if len(records) == 1 else None)
        return self.resolver.ror_lineage(own) if own else []


@dataclass
class SetApart:
    """What ``set_apart_unidentified`` concluded about an event's organisations, from one walk
    over them: the ones not screened on their country, and the partners named by a given and
    family name alone that the registry's completeness decided on."""

    # names not screened on their country → the country they had
    unidentified: dict[str, str | None] = field(default_factory=dict)
    # partners named like a person that keep their country only because the registry is
    # partial: with a complete one that does not name them, they would be set apart
    read_as_person: list[str] = field(default_factory=list)
    # of ``unidentified``, the partners so named that a complete registry does not identify:
    # said as such, not as a person's institution
    named_like_persons: list[str] = field(default_factory=list)


def set_apart_unidentified(
    event: CollaborationEvent, screen: OrganisationScreen | None
) -> SetApart:
    """Take the organisations whose country must not be screened out of the country checks
    (their country and its signals cleared before the rules run): in ``unidentified``, their
    names with the country they had. Scans and pre-screens alike run it after screening
    (``Enricher``), once per event: one walk over its organisations answers all of
    ``SetApart``.

    A country is an attribute of an organisation, never of a person. A person's affiliation (a
    visitor's home institution, a participant's or an applicant's, a co-author's) counts as one
    only when a list or the registry identifies it (or its ROR id is given): otherwise "private
    individual (IR)", "home address", "-", "Wei Zhang" or any name nothing knows would screen
    the person on a country that is in effect their nationality (Dutch legal advice, 2025). A
    partner or funder is named as an organisation, so its country stays, unless its name says
    it is none (``NOT_AN_ORGANISATION``), or it describes a person (``names_a_person``: a
    title, a nationality, a situation, an occupation, a degree) and no confident list or
    registry match names it. A partner (never a funder: "Novo Nordisk") named by a given and
    family name alone (``bare_personal_name``: "Ali Rezaei") is set apart only when the
    organisation registry screened is complete (``Resolver.registry_complete``) and does not
    identify it (``named_like_persons``): then "not in the registry" means something, and
    organisations named like people ("Eli Lilly", "Lockheed Martin") are in it. With a
    partial registry (the shipped sample) such a partner keeps its country, and
    ``read_as_person`` names it so that the answer says so. A list match or a ROR id given by
    the source settles it: that is an organisation, whatever its name.
    """
    affiliations = {id(a) for a in persons_affiliations(event)}
    complete = registry_complete(screen)
    found = SetApart()
    for org in organisations(event):
        if _unidentified(org, screen, persons=id(org) in affiliations, complete=complete):
            found.unidentified[org.name] = org.country
            org.country_set_apart = org.country or org.country_set_apart
            org.country, org.country_signals = None, []
        # A partner named by a given and family name alone, with nothing else that reads as a
        # person's: the registry's completeness decided on it, and the answer says which way.
        if (
            id(org) not in affiliations
            and _named_like_a_person(org)
            and not names_a_person_or_no_organisation(org.name)
        ):
            if org.country is None and org.country_set_apart is not None:
                found.named_like_persons.append(org.name)
            elif org.country is not None and not complete and not _identified(org, screen):
                found.read_as_person.append(org.name)
                org.read_as_person = True  # the case page says so too (``subject_body``)
    return found


def _unidentified(
    org: Organisation, screen: OrganisationScreen | None, *, persons: bool, complete: bool
) -> bool:
    """Whether ``org``'s country must be set apart (``set_apart_unidentified``); ``persons``:
    it is named as a person's affiliation; ``complete``: the registry screened is complete."""
    if org.country is None and not org.country_signals and not names_a_person(org.name):
        # nothing to set apart; a name that describes a person ("Dr. Wei Zhang") is set apart
        # all the same, so that the answer is the same with or without a country (the person
        # is asked for their institution, never for a country: reviewer, 2026-12-07)
        return False
    if org.lists or org.ror_id:
        return False  # a list or the source's ROR id names an organisation, whatever its name
    if names_a_person_or_no_organisation(org.name):
        # no list or registry makes "private individual" or "-" an organisation; a name with a
        # title or a degree may still be one ("Dr. Reddy's"), if matched with confidence
        identified = screen is not None and screen.identifies(org, confident=True)
        return NOT_AN_ORGANISATION.match(org.name.strip()) is not None or not identified
    # A partner, collaborator or funder is named by the RIS as an organisation: its country
    # stays, however few its words ("Almaz Antey", "Eli Lilly", "China Mobile"; 531 real ROR
    # display names are two or three capitalised words), unless a complete registry does not
    # know a partner named like a person ("Ali Rezaei"): a partial one (the shipped sample)
    # lacks nearly all of them, so it says nothing. A person's affiliation counts as an
    # organisation only once something identifies it.
    named = _named_like_a_person(org) and complete
    return (persons or named) and not _identified(org, screen)


def registry_complete(screen: OrganisationScreen | None) -> bool:
    """Whether ``screen`` searches a complete organisation registry edition."""
    return screen is not None and screen.resolver.registry_complete


def _named_like_a_person(org: Organisation) -> bool:
    """A partner (not a funder: one named in two words is an organisation far more often than
    a donor) given by a name alone that no list names, with no ROR id from the source."""
    return (
        not isinstance(org, Funder)
        and bare_personal_name(org.name)
        and not (org.lists or org.candidate_lists or org.ror_id)
    )


# Partners an adapter took from a person's affiliation (Pure: a participant's or an
# applicant's external organisations, ``kvrules_pure.mapping.project_org_refs``)
PERSONS_AFFILIATION_ROLES = frozenset({"participant", "applicant"})


def persons_affiliations(event: CollaborationEvent) -> list[Organisation]:
    """The organisations an event names as where a person works: a visitor's, a participant's
    or an applicant's, a co-author's (an output's affiliations)."""
    found: list[Organisation] = []
    if event.visit is not None:
        found += event.visit.visitor.affiliations
    if project := event.project:
        found += [p for p in project.partners if p.role in PERSONS_AFFILIATION_ROLES]
        found += [a for person in project.participants for a in person.affiliations]
    if event.output is not None:
        found += event.output.affiliations
    return found


def _identified(org: Organisation, screen: OrganisationScreen | None) -> bool:
    """Known as an organisation besides a list's or the source's word: a list names it as a
    candidate, or the registry has it (when there is a screen to ask; without one, nothing
    identifies a visitor's institution, so its country is not screened)."""
    return bool(org.candidate_lists) or (screen is not None and screen.identifies(org))
