"""Screen a proposed collaboration or visit before anything is in the RIS.

A grant officer with a draft consortium, or HR with an invitation for a visiting researcher,
describes the proposal — partner organisations, funders, the research topic, for a visit the
visitor's home institution and the hosting unit (never a person's nationality) — and gets the
answer a scan would give: every finding explained, the Leidraad triage (green, amber, red), and
"not found in lists X@edition" for each organisation nothing matched::

    proposal = Proposal.model_validate({"partners": [{"name": "Beihang University",
                                                      "country": "CN"}], "topic": "UAV control"})
    result = screen(proposal, evaluator, enricher)
    result.triage.colour, [f.rule_id for f in result.findings]
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kvrules.amounts import (
    WrittenAmount,
    currency_code_or_suggestion,
    currency_written_with,
    parse_amount,
)
from kvrules.config import Config
from kvrules.engine.evaluator import Evaluator
from kvrules.enrich import Enricher
from kvrules.enrich.countries import profiles_in_words
from kvrules.enrich.organisations import names_a_person, organisations
from kvrules.errors import problem_text
from kvrules.findings import Finding
from kvrules.intake import with_notes
from kvrules.jurisdiction import dutch_wording
from kvrules.model import (
    CollaborationEvent,
    CountryCode,
    EventKind,
    Funder,
    Organisation,
    Partner,
    Person,
    Project,
    Source,
    Text,
    Visit,
    country_code,
)
from kvrules.one_organisation import one_organisation_in_words
from kvrules.plain import (
    LEIDRAAD_TRIAGE,
    NOT_IDENTIFIED,
    PERSON_NAMED,
    area_in_words,
    areas_not_screened_in_words,
    count_of,
    country_not_screened,
    country_source_in_words,
    designation_in_words,
    edition_in_words,
    for_home,
    identify,
    listed_as,
    lists_in_words,
    money,
    not_found_in,
    not_identified_in,
    not_in_script,
    read_as_person,
    said,
    technically,
)
from kvrules.records import PRESCREEN_SYSTEM
from kvrules.refdata.affiliations import country_of
from kvrules.refdata.countries import to_country
from kvrules.rulebook.ir import Severity
from kvrules.thresholds import NotCompared, amount_rules, awards_not_compared
from kvrules.triage import RESTRICTED_PARTY, TRIAGE_RULES, one_colour

if TYPE_CHECKING:
    from kvrules.refdata.resolver import Resolver
    from kvrules.store.adjudications import Adjudication

SOURCE = PRESCREEN_SYSTEM  # the source system a pre-screened proposal is named by
# Keys a proposal might carry about a person rather than an institution: refused first, in words
PERSON_KEYS = frozenset(
    {
        "nationality",
        "nationalities",
        "citizenship",
        "country_of_birth",
        "place_of_birth",
        "birthplace",
        "ethnicity",
        "passport",
        "staatsangehoerigkeit",
        "nationaliteit",
        "herkunft",
    }
)

__all__ = [
    "AdvisersVerdicts",
    "Proposal",
    "Screener",
    "Screening",
    "Triage",
    "advisers_verdicts",
    "position_in_words",
    "proposal_problem",
    "proposal_problem_at",
    "screen",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


ACRONYM = re.compile(r"^[A-Z][A-Z&.-]{2,}$")  # (NUDT), (MIT): the name's own, not a country
# What to write, said wherever an organisation is described wrongly (a file, the API, a flag)
ORGANISATION_FORMS = "'NAME (COUNTRY)' or {name: …, country: …}"


def trailing_bracket(text: str) -> tuple[str, str] | None:
    """ "NAME (INSIDE)" → (NAME, INSIDE), the last bracket matched with its own opening one, so
    that a country written in ISO's or the UN's form with brackets of its own stays whole:
    "Tehran Institute of Optics (Iran (Islamic Republic of))" → ("Tehran Institute of Optics",
    "Iran (Islamic Republic of)") (reviewer, 2026-12-07: read as a name with no country, GREEN
    "no country check ran"). None when the text does not end in a bracket, or the bracket
    opens nowhere or at the start (nothing before it is a name)."""
    stripped = text.rstrip()
    if not stripped.endswith(")"):
        return None
    depth = 0
    for at in range(len(stripped) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(stripped[at], 0)
        if depth == 0:
            name, inside = stripped[:at].strip(), stripped[at + 1 : -1].strip()
            return (name, inside) if name and inside else None
    return None  # more closing brackets than opening ones: no bracket of its own


def organisation_from_text(text: str) -> dict[str, Any]:
    """'Beihang University (CN)' or '… (China)' → name and country; a name may hold commas.
    Brackets that are no country belong to the name when they hold an acronym ('(NUDT)') or
    repeat a word of it ('Shenzhen Institutes (Shenzhen)'); otherwise they are refused
    (``ValueError``), as a mistyped country must not pass silently as part of the name.
    Compatibility forms are folded first (NFKC), as the matcher folds them: the full-width
    brackets and comma of CJK typing (U+FF08, U+FF09, U+FF0C) are brackets and a comma."""
    text = unicodedata.normalize("NFKC", text)
    found = trailing_bracket(text)
    if found is None:
        return {"name": text.strip()}
    name, inside = found
    try:
        return {"name": name, "country": country_code(inside)}
    except ValueError:
        if ACRONYM.match(inside) or inside.casefold() in name.casefold():
            return {"name": text.strip()}
    raise ValueError(
        f"{inside!r} is not a country: write 'NAME (COUNTRY)' with an ISO code or a country "
        "name, e.g. 'Beihang University (CN)'"
    )


class ProposedOrganisation(_Spec):
    """An organisation: ``{name, country, ror, role}``, or the text 'NAME (COUNTRY)' as the
    ``--partner`` flag takes it."""

    name: Text = Field(min_length=1)
    country: CountryCode | None = Field(default=None, description="ISO code or country name")
    ror: str | None = Field(default=None, description="ROR id, if known")
    role: str | None = None
    source: Text | None = Field(
        default=None,
        description="where it was read, for people reading the pre-screen: 'partners.csv, "
        "row 3' (not screened)",
    )

    @model_validator(mode="before")
    @classmethod
    def _written(cls, v: object) -> object:
        if isinstance(v, str):
            return organisation_from_text(v)
        if not isinstance(v, dict | BaseModel):
            raise ValueError(f"write an organisation as {ORGANISATION_FORMS}")
        return v

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, v: object) -> object:
        # read as a spreadsheet's country cell is ("Iran (Islamitische Republiek)")
        return to_country(v) if isinstance(v, str) and v.strip() else None

    @model_validator(mode="after")
    def _country_from_the_name(self) -> ProposedOrganisation:
        """An affiliation string names its country ("…, Harbin 150001, PR China"): it is the
        organisation's country when none was given (one given is never overridden)."""
        if self.country is None:
            self.country = country_of(self.name)
        return self

    def organisation(self) -> dict:
        ids = [{"scheme": "ror", "value": self.ror}] if self.ror else []
        return {"name": self.name, "country": self.country, "identifiers": ids}


class ProposedFunder(ProposedOrganisation):
    """A funder and the amount applied for. The amount is read by ``kvrules.amounts``' stated
    rule: an ambiguous "250.000" is refused unless the decimal separator is given (the
    validation context's ``decimal_separator``), never read as 250; the currency must be an
    ISO 4217 code ("€" is refused with "write EUR"), as the engine compares codes."""

    amount: Decimal | None = None
    currency: str | None = None
    programme: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _amount_with_its_currency(cls, v: object) -> object:
        # The amount's own text may name the currency ("€ 1.234.567,00"): it fills an empty
        # currency field, and is compared with a given one in ``_amount`` (where a
        # disagreement is said at the amount's field).
        if not isinstance(v, dict) or not isinstance(v.get("amount"), str):
            return v
        given = v.get("currency")
        written = currency_written_with(v["amount"])
        out = {**v, "amount": WrittenAmount(v["amount"], given if isinstance(given, str) else None)}
        if written and given in (None, ""):
            out["currency"] = written
        return out

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, v: object, info: ValidationInfo) -> object:
        decimal = (info.context or {}).get("decimal_separator")
        if not isinstance(v, WrittenAmount):
            return parse_amount(v, decimal)[0]
        number, written = parse_amount(v.text, decimal)
        if written and v.currency not in (None, "") and v.currency.strip().upper() != written:
            raise ValueError(
                f"{v.text.strip()!r} is in {written} but the currency given is "
                f"{v.currency.strip()!r}: write the amount without its sign, or make them agree"
            )
        return number

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v: object) -> object:
        return None if v is None else currency_code_or_suggestion(v)


class ProposedVisit(_Spec):
    home_institution: ProposedOrganisation
    host_unit: Text | None = None
    purpose: Text | None = None
    start: date | None = None
    end: date | None = None


class Proposal(_Spec):
    """A proposed collaboration (partners, funders) or visit, described by the person asking."""

    title: Text = "Proposed collaboration"
    topic: Text | None = Field(default=None, description="the research topic, in free text")
    keywords: list[Text] = []
    units: list[Text] = Field(default=[], description="the institution's own units involved")
    partners: list[ProposedOrganisation] = []
    funders: list[ProposedFunder] = []
    visit: ProposedVisit | None = None

    @property
    def reference(self) -> str:
        """A stable id for this proposal's content (the same proposal, the same id)."""
        # where an organisation was read (``source``) is no part of what is proposed: the
        # same partners typed or uploaded are the same proposal
        unsourced = {"__all__": {"source"}}
        said = self.model_dump_json(
            exclude={  # type: ignore[arg-type]
                "partners": unsourced,
                "funders": unsourced,
                "visit": {"home_institution": {"source"}},
            }
        )
        return hashlib.sha256(said.encode()).hexdigest()[:16]

    def events(self, now: datetime | None = None) -> list[CollaborationEvent]:
        """The events a scan would see for this proposal once it is in the RIS."""
        now = now or datetime.now(UTC)
        events = []
        if self.partners or self.funders or self.visit is None:
            project = Project(
                id=self.reference,
                title=self.title,
                units=self.units,
                # the topic is read as a project's keywords are, each on its own; it is not
                # part of the title the committee reads
                keywords=[*([self.topic] if self.topic else []), *self.keywords],
                partners=[
                    Partner.model_validate({**p.organisation(), "role": p.role})
                    for p in self.partners
                ],
                funders=[
                    Funder.model_validate(
                        {
                            **f.organisation(),
                            "amount": f.amount,
                            "currency": f.currency,
                            "programme": f.programme,
                        }
                    )
                    for f in self.funders
                ],
            )
            events.append(self._event(EventKind.PROJECT_CREATED, now, project=project))
        if self.visit is not None:
            home = Organisation.model_validate(self.visit.home_institution.organisation())
            visit = Visit(
                id=self.reference,
                visitor=Person(role="visiting researcher", affiliations=[home]),
                host_unit=self.visit.host_unit or (self.units[0] if self.units else None),
                purpose=". ".join(filter(None, [self.visit.purpose, self.topic])) or None,
                start=self.visit.start,
                end=self.visit.end,
                keywords=self.keywords,
            )
            events.append(self._event(EventKind.VISIT_REQUESTED, now, visit=visit))
        return events

    def _event(self, kind: EventKind, now: datetime, **subject: object) -> CollaborationEvent:
        return CollaborationEvent(
            id=f"{SOURCE}:{self.reference}:{kind.value}",
            kind=kind,
            source=Source(system=SOURCE, record_id=self.reference),
            occurred_at=now,
            **subject,
        )


@dataclass(frozen=True)
class Triage:
    colour: Literal["green", "amber", "red"]
    reason: str  # in words: the title of the finding that set it, and why
    rule: str | None = None  # that finding's rule, "rulebook/rule-id" (technical detail)
    # False when a part of the screening did not run (a name set apart, not screened on a
    # country; a list not imported; fields not screened; an award no threshold compared):
    # then the colour is no verdict on the whole proposal, and the headline never says GREEN
    complete: bool = True

    @property
    def headline(self) -> str:
        """ "RED", "AMBER", "GREEN"; while names went unscreened on a country "NOT COMPLETE"
        for green (no finding is no all-clear then) and "AMBER, NOT COMPLETE" for the others."""
        if self.complete:
            return self.colour.upper()
        return INCOMPLETE if self.colour == "green" else f"{self.colour.upper()}, {INCOMPLETE}"


INCOMPLETE = "NOT COMPLETE"


def incomplete_in_words(unidentified: Mapping[str, str | None], *, named: bool = True) -> str:
    """ "not complete: 2 names not screened on a country — identify the institution of each
    (its full name, or its ROR id): A, B": what a headline says while names were set apart
    (``named``: with the names, where the rest of the headline does not give them)."""
    n = len(unidentified)
    each = "identify the institution" + (" of each" if n > 1 else "")
    names = f": {', '.join(unidentified)}" if named else ""
    return (
        f"not complete: {count_of(n, 'name')} not screened on a country — "
        f"{each} (its full name, or its ROR id){names}"
    )


@dataclass
class Screening:
    """The answer to a pre-screen: what a scan would find, in the terms a committee uses."""

    proposal: Proposal
    events: list[CollaborationEvent]
    findings: list[Finding]
    screened_against: list[str]
    not_found: list[str] = field(default_factory=list)  # organisations no list matched
    # a name not found, written in a script some lists hold no names in → that script, those
    # lists and whether a complete registry holds it (``Resolver.lists_without_script``)
    not_in_script: dict[str, tuple[str, list[str], bool]] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)  # "NAME: found in LIST@EDITION, entry … (id)"
    set_aside: list[str] = field(default_factory=list)  # matches an adviser's verdict overruled
    # the same three, said for people: lists by title and edition, entries as the list spells
    # them, no ids ("National University of Defense Technology: on the US DoD Section 1286
    # list, edition FY25, listed as “…”")
    found_in_words: list[str] = field(default_factory=list)
    set_aside_in_words: list[str] = field(default_factory=list)
    list_titles: dict[str, str] = field(default_factory=dict)  # list id → the store's title
    # editions of lists of countries the organisations' countries were checked against: no
    # organisation is "not found" in them (``Enricher.countries_checked``)
    countries_checked: list[str] = field(default_factory=list)
    # the country profiles the organisations' countries were read against, with their version
    # (``kvrules.enrich.countries.profiles_in_words``); "" where none were
    country_profiles: str = ""
    # the institution's country (the enricher's): Dutch wording for a Dutch one (``dutch_wording``)
    home_country: str | None = None
    # what the areas were looked for in, with its edition (``Classifier.in_words``): "none
    # found" names it
    area_vocabulary: str = ""
    # names no list or registry identifies as an organisation where its country would stand in
    # for a person's nationality (a visitor's institution, "private individual"), with the
    # country given: not screened on that country (``_set_apart_unidentified``)
    unidentified: dict[str, str | None] = field(default_factory=dict)
    # partners named by a given and family name alone, screened on their country only because
    # the organisation registry is partial (``SetApart.read_as_person``): said, one line each
    read_as_person: list[str] = field(default_factory=list)
    # organisations described without a country (none given, none read from the name): no
    # country check ran for them, and the answer says so
    without_country: list[str] = field(default_factory=list)
    # organisations described without a country that took it from the list entry they matched
    # with confidence (``Organisation.country_from``): name → (country, where it came from)
    countries_taken: dict[str, tuple[str, str]] = field(default_factory=dict)
    # what the answer rests on besides the lists: "nl-leidraad 2026.5" per rulebook evaluated
    rulebooks: list[str] = field(default_factory=list)
    # partners (or funders) described under several spellings that resolve to one
    # organisation, one line per organisation (``kvrules.one_organisation``): said, not merged
    one_organisation: list[str] = field(default_factory=list)
    # awards in a currency a rule has no threshold for, said as scan and evaluate say them
    # ("Not compared: no threshold for GBP (1 award) in …"; ``kvrules.thresholds``)
    not_compared: str | None = None
    # each such award, and each without a currency, named with what to add
    # (``_awards_not_compared``): the answer is not complete while one is left (reviewer,
    # 2026-12-07: an award of 1,250,000.50 with no currency read AMBER, complete, where with
    # EUR it was RED)
    awards_not_compared: list[str] = field(default_factory=list)
    # lists the rules read that the reference store has no edition of (ca_nro before
    # `kvrules refdata update ca_nro`): nothing was screened against them, so the answer is
    # not complete and never a bare GREEN (``kvrules.refdata.unimported``)
    lists_not_imported: list[str] = field(default_factory=list)

    @property
    def triage(self) -> Triage:
        """Red, amber or green, and the finding that set it. An organisation on a sanctions or
        restricted-party list (a finding tagged ``RESTRICTED_PARTY``) makes it red: a legal
        question, not a factor to weigh. For a Dutch institution (or one with no home country:
        the shipped rulebooks' own), where the Leidraad triaged the proposal (its triage-red or
        triage-amber fired) its colour is the triage, except that a critical finding is never
        headlined below red; elsewhere, and for any institution outside the Netherlands (the
        Leidraad is Dutch guidance: reviewer, a US site's critical DoD finding was headlined
        AMBER), a finding that goes to the committee makes it red, any other finding amber. No
        finding: green. A finding for information (severity info: a step a policy asks, such
        as STRAC's attestation) sets no colour; a green reason names it."""
        leidraad = [f for f in self.findings if f.rule_id in TRIAGE_RULES.values()]
        # a finding for information sets no colour, whoever it informs (a site's own rule)
        to_committee = [
            f for f in self.findings if f.alert == "committee" and f.severity != Severity.INFO
        ]
        if designated := [f for f in self.findings if RESTRICTED_PARTY in f.tags]:
            return self._incomplete(_set_by("red", designated[0], DESIGNATED))
        if leidraad and dutch_wording(self.home_country):
            # red before amber: the findings are sorted by severity
            if leidraad[0].rule_id == TRIAGE_RULES["red"]:
                return self._incomplete(_set_by("red", leidraad[0], LEIDRAAD_TRIAGE))
            critical = [f for f in self.findings if f.severity == Severity.CRITICAL]
            if critical:
                return self._incomplete(_set_by("red", critical[0], "a critical finding"))
            return self._incomplete(_set_by("amber", leidraad[0], LEIDRAAD_TRIAGE))
        if to_committee:
            return self._incomplete(_set_by("red", to_committee[0], "goes to the committee"))
        signals = [f for f in self.findings if f.severity != Severity.INFO]
        if signals:
            return self._incomplete(_set_by("amber", signals[0], "for the adviser"))
        reason = "no rule found a risk signal in what was described"
        reason += "".join(f"; for information: {f.rule_title}" for f in self.findings)
        people = [name for name in self.unidentified if names_a_person(name)]
        if people:
            reason += f"; {PERSON_NAMED}, so not screened on a country: " + ", ".join(people)
        if unknown := [name for name in self.unidentified if name not in people]:
            reason += f"; {NOT_IDENTIFIED}, so {country_not_screened()}: " + ", ".join(unknown)
        if self.without_country:
            reason += (
                f"; no country given for {', '.join(self.without_country)}, so no country check ran"
            )
        reason += "".join(f"; {read_as_person(name)}" for name in self.read_as_person)
        if self.areas_not_screened:  # never GREEN while the topic's fields went unscreened
            reason = f"{self._areas_missing()}; {reason}"
        if self.lists_not_imported:  # never GREEN while lists the rules read were not imported
            reason = f"{self._lists_missing()}; {reason}"
        if self.awards_not_compared:  # never GREEN while an award was compared with nothing
            reason = f"{self._awards_missing()}; {reason}"
        if self.unidentified:  # never GREEN while a name went unscreened on a country
            reason = f"{incomplete_in_words(self.unidentified, named=False)}; {reason}"
        if (
            self.unidentified
            or self.lists_not_imported
            or self.areas_not_screened
            or self.awards_not_compared
        ):
            return Triage("green", reason, complete=False)
        return Triage("green", reason)

    def _lists_missing(self) -> str:
        from kvrules.refdata.unimported import not_imported_in_words

        return f"not complete: {not_imported_in_words(self.lists_not_imported)}"

    def _areas_missing(self) -> str:
        return f"not complete: {areas_not_screened_in_words(self.areas_not_screened)}"

    def _awards_missing(self) -> str:
        return f"not complete: {'; '.join(self.awards_not_compared)}"

    def _incomplete(self, triage: Triage) -> Triage:
        """A finding's colour, said to be not complete while names were set apart, lists the
        rules read were not imported, the text is in a language the area vocabulary has no
        terms in (as a list not imported: a part of the screening did not run) or an award
        was compared with no threshold (``awards_not_compared``), and the
        partners read as persons' names that kept their country (``read_as_person``)."""
        reason = triage.reason + "".join(f"; {read_as_person(n)}" for n in self.read_as_person)
        complete = triage.complete
        if self.unidentified:
            reason = f"{reason}; {incomplete_in_words(self.unidentified)}"
            complete = False
        if self.lists_not_imported:
            reason = f"{reason}; {self._lists_missing()}"
            complete = False
        if self.areas_not_screened:
            reason = f"{reason}; {self._areas_missing()}"
            complete = False
        if self.awards_not_compared:  # a RED it could have been is not to be missed
            reason = f"{reason}; {self._awards_missing()}"
            complete = False
        return Triage(triage.colour, reason, triage.rule, complete=complete)

    @property
    def at(self) -> datetime:
        """When it was screened: the moment its events were made."""
        return self.events[0].occurred_at if self.events else datetime.now(UTC)

    @property
    def areas(self) -> list[str]:
        found: set[str] = set()
        for event in self.events:
            for subject in (event.project, event.visit):
                if subject is not None:
                    found.update(subject.sensitive_areas)
        return sorted(found)

    @property
    def areas_not_screened(self) -> list[str]:
        """The languages the proposal's text seems to be in that the area vocabulary has no
        terms in ("Polish"): its technology fields were not screened (``kvrules.enrich``)."""
        return sorted(
            {
                language
                for event in self.events
                for subject in (event.project, event.visit)
                if subject is not None
                for language in subject.areas_not_screened
            }
        )

    def areas_in_words(self) -> list[str]:
        """Each research area in words with the words of the proposal that put it there."""
        said: dict[str, None] = {}
        for event in self.events:
            for subject in (event.project, event.visit):
                if subject is not None:
                    for area in sorted(subject.sensitive_areas):
                        words = subject.area_words.get(area)
                        said[area_in_words(area, words, self.home_country)] = None
        return list(said)

    def area_words(self) -> dict[str, list[str]]:
        """Area id -> the words of the proposal that matched it (a keyword match is an
        indication for the export-control officer, so the officer is told what matched)."""
        found: dict[str, list[str]] = {}
        for event in self.events:
            for subject in (event.project, event.visit):
                if subject is not None:
                    for area in subject.sensitive_areas:
                        for word in subject.area_words.get(area) or []:
                            if word not in found.setdefault(area, []):
                                found[area].append(word)
        return found

    def _finding_dict(self, finding: Finding) -> dict[str, Any]:
        """A finding as ``--json`` gives it: its stored form, its evidence in words (as the
        text, `show --json` and `findings --json` say it, matched words included) and, for an
        area it rests on, the words that matched it (reviewer: `check --json` said only
        ``contains "eu-dual-use:cat1"``)."""
        said = finding.to_dict()
        said["evidence_in_words"] = self.evidence_in_words(finding)
        words = self.area_words()
        said["area_words"] = {
            area: words[area]
            for e in finding.evidence
            if e.path.endswith("sensitive_areas") and isinstance(e.actual, list)
            # the areas the test names ('contains "eu-dual-use:cat1"'), as the text says them
            for area in [a for a in e.actual if f'"{a}"' in e.test] or e.actual
            if area in words
        }
        return said

    def evidence_in_words(self, finding: Finding) -> list[str]:
        """The finding's evidence in words (``kvrules.plain.said``), read against the event it
        was found in, as the web page reads it."""
        sentences = said(finding.evidence, self._record(finding))
        return [for_home(sentence, self.home_country) for sentence in sentences]

    def evidence_technically(self, finding: Finding) -> list[str]:
        """The finding's evidence as tests, with the list entries behind each list test."""
        return technically(finding.evidence, self._record(finding))

    def _record(self, finding: Finding) -> dict | None:
        """The event the finding was found in, with enrichment's notes (``with_notes``): a
        partner's country screened although its name reads as a person's is said so."""
        event = next((e for e in self.events if e.id == finding.event_id), None)
        return with_notes(event, event.model_dump(mode="json")) if event is not None else None

    def as_dict(self) -> dict:
        triage = self.triage
        return {
            "reference": self.proposal.reference,
            "triage": {
                "colour": triage.colour,
                "headline": triage.headline,
                "complete": triage.complete,
                "reason": triage.reason,
                "rule": triage.rule,
            },
            "sensitive_areas": self.areas,
            "areas_not_screened": self.areas_not_screened,
            "area_vocabulary": self.area_vocabulary,
            "area_words": self.area_words(),
            "findings": [self._finding_dict(f) for f in self.findings],
            "screened_against": self.screened_against,
            "lists_not_imported": self.lists_not_imported,
            "countries_checked": self.countries_checked,
            "found": self.found,
            "set_aside": self.set_aside,
            "not_found": [
                f"{name}: not found in {', '.join(self.screened_against) or 'any list'}"
                + self._script_said(name)
                for name in self.not_found
            ],
            "unidentified": [
                f"{name}: {PERSON_NAMED}: not screened on a country"
                if names_a_person(name)
                else f"{name}: {not_identified_in(', '.join(self.screened_against) or 'any list')}"
                for name in self.unidentified
            ],
            "read_as_person": [read_as_person(name) for name in self.read_as_person],
            "countries_taken": [
                f"{name}: country {country} from {where}"
                for name, (country, where) in self.countries_taken.items()
            ],
            "one_organisation": self.one_organisation,
            "not_compared": self.not_compared,
            "in_words": self.in_words(),
            "screened_with": {"kvrules": kvrules_version(), "rulebooks": self.rulebooks},
        }

    def _script_said(self, name: str, titles: dict[str, str] | None = None) -> str:
        """ "; not screened in Han script against …" for a name not found that is written in
        a script some lists hold no names in; "" for any other. ``titles``: in words (else
        the lists by id, as the technical lines name them)."""
        unscreened = self.not_in_script.get(name)
        if unscreened is None:
            return ""
        script, lacking, registry = unscreened
        if titles is None:
            return f"; not screened in {script} script against {', '.join(lacking)}"
        return f"; {not_in_script(script, lacking, registry, titles)}"

    def country_sources_in_words(self) -> str:
        """What countries are checked against, in one phrase: the lists of countries by title
        and edition, and the country profiles."""
        phrases = [edition_in_words(s, self.list_titles) for s in self.countries_checked]
        phrases.append(self.country_profiles or "the country profiles")
        return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} or {phrases[-1]}"

    def in_words(self) -> dict[str, list[str]]:
        """The lists looked at, and what they matched or not, for people (the CLI without
        --technical, the web page); the keys beside it keep list ids and entry ids."""
        titles = self.list_titles
        nowhere = lists_in_words(self.screened_against, titles)
        return {
            "lists": [edition_in_words(s, titles) for s in self.screened_against],
            "lists_not_imported": [self._lists_missing()] if self.lists_not_imported else [],
            "areas_not_screened": (
                [areas_not_screened_in_words(self.areas_not_screened)]
                if self.areas_not_screened
                else []
            ),
            "one_organisation": self.one_organisation,
            "found": self.found_in_words,
            "set_aside": self.set_aside_in_words,
            "not_found": [
                f"{name}: {not_found_in(self.screened_against, titles)}"
                + self._script_said(name, titles)
                for name in self.not_found
            ],
            "unidentified": [
                _person_in_words(name, country)
                if names_a_person(name)
                else f"{name}: {not_identified_in(nowhere)}, so {country_not_screened(country)}; "
                + identify()
                for name, country in self.unidentified.items()
            ],
            "read_as_person": [read_as_person(name) for name in self.read_as_person],
            "countries_taken": [
                f"{name}: no country given; country {country} taken "
                f"{country_source_in_words(where)}, not from the proposal"
                for name, (country, where) in self.countries_taken.items()
            ],
            "countries": [
                *(edition_in_words(s, titles) for s in self.countries_checked),
                *([self.country_profiles] if self.country_profiles else []),
            ],
            "not_compared": [self.not_compared] if self.not_compared else [],
            "not_checked": [
                f"{name}: no country given, so no country check ran — not against "
                f"{self.country_sources_in_words()}, nor the rules on organisations outside "
                f"the EU; give it as '{name} (COUNTRY)'"
                for name in self.without_country
            ],
        }


def _person_in_words(name: str, country: str | None) -> str:
    """A partner, funder or visitor's institution given as a person ("Dr. Ali Rezaei (IR)"):
    the country given would be their nationality, which is never screened."""
    given = f" ({country} given)" if country else ""
    return (
        f"{name}: {PERSON_NAMED}, and a person is not screened on a country{given}; give the "
        "institution they work for (its full name and country, or its ROR id)"
    )


# Why a sanctions or restricted-party hit is red, in the headline's words
DESIGNATED = (
    "a designation: dealings with it may be prohibited or need a licence; ask the legal / "
    "export-control office before going on"
)


def _set_by(colour: Literal["green", "amber", "red"], finding: Finding, why: str) -> Triage:
    rule = f"{finding.rulebook.id}/{finding.rule_id}"
    return Triage(colour, f"{finding.rule_title} ({why})", rule)


def _read_countries(proposal: Proposal, resolver: Resolver) -> None:
    """The country each organisation's string names through a city the registry knows in one
    country ("Harbin Institute of Technology, Harbin"), where none was given or read."""
    home = [proposal.visit.home_institution] if proposal.visit else []
    for org in [*proposal.partners, *proposal.funders, *home]:
        if org.country is None:
            org.country = resolver.country_named(org.name)


def _found(org: Organisation) -> Iterator[str]:
    """What the lists say of one organisation, technically: the list, edition and entry with
    its id (``_found_in_words`` says it for people)."""
    for m in org.screening:
        # why it is only possible ("the name is on the list for CN; the record says NL")
        why = f": {m.via}" if m.via and m.candidate else ""
        possible = f" (a possible match, to confirm{why})" if m.candidate else ""
        yield f"{org.name}: found in {m.list}@{m.edition}, entry {m.name} ({m.entry}){possible}"


def _found_in_words(org: Organisation, titles: dict[str, str]) -> Iterator[str]:
    """What the lists say of one organisation, in words: the list by its title and edition,
    the entry as the list spells it."""
    for m in org.screening:
        where = edition_in_words(f"{m.list}@{m.edition}", titles)
        where += designation_in_words([m.model_dump()])
        if m.candidate:
            why = f": {m.via}" if m.via else ""
            yield f"{org.name}: possibly on {where}, {listed_as(m.name)} (to confirm{why})"
        else:
            yield f"{org.name}: on {where}, {listed_as(m.name)}"


class AdvisersVerdicts(Protocol):
    """The advisers' verdicts on name matches, as the state database (``Store``) keeps them."""

    def match_suppressed(
        self, list_id: str, entry: str, org_name: str, country: str | None
    ) -> bool: ...

    def adjudications_for(self, names: list[tuple[str, str | None]]) -> dict: ...


class _SetAside:
    """Honours the advisers' "not the same organisation" verdicts as a scan does, and keeps
    which matches they set aside: the answer says "matched, set aside by …", never "not found"."""

    def __init__(self, verdicts: AdvisersVerdicts) -> None:
        self.verdicts = verdicts
        self.matches: dict[tuple[str, str, str, str | None], None] = {}  # in order, once

    def __call__(self, list_id: str, entry: str, org_name: str, country: str | None) -> bool:
        if not self.verdicts.match_suppressed(list_id, entry, org_name, country):
            return False
        self.matches[(list_id, entry, org_name, country)] = None
        return True

    def lines(self, screened_against: list[str]) -> list[str]:
        editions = {s.split("@")[0]: s.split()[0] for s in screened_against}
        return [
            f"{name}: matched {editions.get(list_id, list_id)}, entry {entry}, "
            + _overruled(self._verdict(list_id, entry, name, country))
            for list_id, entry, name, country in self.matches
        ]

    def lines_in_words(self, screened_against: list[str], titles: dict[str, str]) -> list[str]:
        """As ``lines``, the list by its title and edition and without the entry's id."""
        editions = {s.split("@")[0]: s.split()[0] for s in screened_against}
        return [
            f"{name}: matched {edition_in_words(editions.get(list_id, list_id), titles)}, "
            + _overruled(self._verdict(list_id, entry, name, country))
            for list_id, entry, name, country in self.matches
        ]

    def _verdict(
        self, list_id: str, entry: str, name: str, country: str | None
    ) -> Adjudication | None:
        found = self.verdicts.adjudications_for([(name, country)]).values()
        return next(
            (a for a in found if (a.list_id, a.entry, a.verdict) == (list_id, entry, "not-same")),
            None,
        )


def _overruled(verdict: Adjudication | None) -> str:
    if verdict is None:  # withdrawn between the two reads: the match was still set aside
        return "set aside by an adviser: not the same organisation"
    return (
        f"set aside by {verdict.actor} on {verdict.at:%Y-%m-%d %H:%M} UTC: not the same "
        f"organisation ({verdict.reason})"
    )


def screen(
    proposal: Proposal,
    evaluator: Evaluator,
    enricher: Enricher | None,
    verdicts: AdvisersVerdicts | None = None,
) -> Screening:
    """Enrich and evaluate the proposal's events exactly as a scan does. ``verdicts``: the
    advisers' "not the same organisation" verdicts (a ``Store``), honoured as a scan honours
    them and reported as matches set aside; see ``advisers_verdicts``."""
    if enricher is not None and enricher.screen is not None:
        _read_countries(proposal, enricher.screen.resolver)
    events = proposal.events()
    findings: list[Finding] = []
    set_aside = _SetAside(verdicts) if verdicts is not None else None
    org_screen = enricher.screen if enricher is not None else None
    if org_screen is not None:
        org_screen.suppressed = set_aside
    unidentified: dict[str, str | None] = {}
    kept: list[str] = []
    try:
        for event in events:
            if enricher is not None:  # sets apart what is no organisation, as a scan does
                found = enricher.enrich(event)
                unidentified |= found.unidentified
                kept += found.read_as_person
            findings += evaluator.evaluate(event)
    finally:
        if org_screen is not None:  # the enricher may serve the next caller without them
            org_screen.suppressed = None
    mentioned = [org for event in events for org in organisations(event)]
    overruled = (
        {(name, country) for _, _, name, country in set_aside.matches} if set_aside else set()
    )
    not_found = sorted(
        {
            org.name
            for org in mentioned
            if not org.lists
            and not org.candidate_lists
            and (org.name, org.country) not in overruled
            and org.name not in unidentified
        }
    )
    screened_against = list(enricher.screened_against) if enricher else []
    titles = dict(enricher.list_titles) if enricher else {}
    resolver = enricher.screen.resolver if enricher is not None and enricher.screen else None
    not_in_script = {
        name: unscreened
        for name in not_found
        if resolver is not None and (unscreened := resolver.lists_without_script(name))
    }
    missing = []
    if enricher is not None and enricher.screen is not None:  # as a scan warns of them
        from kvrules.refdata.unimported import lists_not_imported

        editions = [*enricher.screened_against, *enricher.countries_checked]  # "list@edition"
        imported = {edition.split("@", 1)[0] for edition in editions}
        missing = lists_not_imported(evaluator.program.rulebooks, imported)
    return Screening(
        proposal,
        events,
        sorted(one_colour(findings), key=lambda f: (-f.severity.rank, f.rulebook.id, f.rule_id)),
        screened_against,
        not_found,
        not_in_script=not_in_script,
        found=list(dict.fromkeys(line for org in mentioned for line in _found(org))),
        set_aside=set_aside.lines(screened_against) if set_aside else [],
        found_in_words=list(
            dict.fromkeys(line for org in mentioned for line in _found_in_words(org, titles))
        ),
        set_aside_in_words=(
            set_aside.lines_in_words(screened_against, titles) if set_aside else []
        ),
        list_titles=titles,
        countries_checked=list(enricher.countries_checked) if enricher else [],
        country_profiles=(
            profiles_in_words(enricher.home_country)
            if enricher is not None and enricher.country_signals
            else ""
        ),
        home_country=enricher.home_country if enricher is not None else None,
        area_vocabulary=enricher.area_vocabulary if enricher is not None else "",
        unidentified=unidentified,
        read_as_person=list(dict.fromkeys(kept)),
        without_country=sorted(
            {org.name for org in mentioned if org.country is None} - set(unidentified)
        ),
        rulebooks=[f"{b.id} {b.version}" for b in evaluator.program.rulebooks],
        countries_taken={
            org.name: (org.country, org.country_from)
            for org in mentioned
            if org.country is not None and org.country_from is not None
        },
        one_organisation=_one_organisation(events, titles),
        not_compared=_not_compared(events, evaluator),
        awards_not_compared=_awards_not_compared(
            events, evaluator, enricher.home_country if enricher is not None else None
        ),
        lists_not_imported=missing,
    )


def _not_compared(events: list[CollaborationEvent], evaluator: Evaluator) -> str | None:
    """Awards no threshold compared, in the sentence scan and evaluate print (no finding for
    a GBP award is no all-clear on it)."""
    rules = amount_rules(evaluator.program.rulebooks)
    missed = NotCompared()
    for event in events:
        missed.add(event, rules)
    return missed.in_words() if missed.awards or missed.no_currency else None


def _awards_not_compared(
    events: list[CollaborationEvent], evaluator: Evaluator, home_country: str | None
) -> list[str]:
    """Each award no threshold compared, by its funder and amount, with what to add: its
    currency, or (a currency no threshold is given for) a comparison by hand or a threshold
    in that currency. Amounts as an institution in ``home_country`` reads them (``for_home``:
    "USD …" where "$" is also the home currency's sign)."""
    rules = amount_rules(evaluator.program.rulebooks)
    said: list[str] = []
    for event in events:
        for funder, currency in awards_not_compared(event, rules):
            if currency is None:
                said.append(
                    f"the award of {funder.name} ({money(funder.amount, None)}) has no "
                    "currency, so no threshold compared it — give its currency (an ISO 4217 "
                    "code such as EUR)"
                )
            else:
                said.append(
                    f"the award of {funder.name} "
                    f"({for_home(money(funder.amount, currency), home_country)}) is in "
                    f"{currency}, which no threshold is given for, so it was not compared — "
                    f"compare it with the thresholds by hand, or have a {currency} threshold "
                    "set (rulebook_vars in kvrules.yaml)"
                )
    return list(dict.fromkeys(said))


def _one_organisation(events: list[CollaborationEvent], titles: dict[str, str]) -> list[str]:
    """Partners, and funders, described more than once, each group said in one line."""
    return [
        line
        for event in events
        if event.project is not None
        for what, orgs in (("partner", event.project.partners), ("funder", event.project.funders))
        for line in one_organisation_in_words(orgs, what, titles)
    ]


def kvrules_version() -> str:
    """The installed kvrules' version, as a pre-screen names what it was screened with (and
    the commit, run from a checkout)."""
    from kvrules.release import described

    return described()


@contextmanager
def advisers_verdicts(database: Path) -> Iterator[AdvisersVerdicts | None]:
    """The advisers' verdicts in the state database at ``database``, for ``screen``: what a
    scan against that database honours. None where there is no database (none is created:
    a pre-screen on a machine without one has no verdicts to apply).

    Opened read-only: a pre-screen only reads, so an older database is refused with what to
    run rather than upgraded behind the back of an older ``serve`` still using it."""
    if not database.is_file():
        yield None
        return
    from kvrules.store import Store  # the store is needed only here

    with Store.open(database, read_only=True) as store:
        yield store


def proposal_problem(error: ValidationError) -> str:
    """The first thing wrong with a described proposal, in one line ('visit.nationality: …'),
    its place as a path of fields (``proposal_problem_at``; the API's clients read JSON)."""
    loc, text = proposal_problem_at(error)
    return f"{'.'.join(map(str, loc)) or 'proposal'}: {text}"


def proposal_problem_at(error: ValidationError) -> tuple[tuple[str | int, ...], str]:
    """Where the first thing wrong with a described proposal is (pydantic's path of fields:
    ``("funders", 2, "amount")``), and what it is, with what to write instead.

    A field a proposal does not have is refused before anything missing is asked for, and a
    person's attribute (nationality …) is refused in words: a proposal that gives one must hear
    that first, not that the home institution is missing."""
    problems = error.errors()
    person = next((e for e in problems if e["type"] == "extra_forbidden" and _personal(e)), None)
    if person is not None:
        return tuple(person["loc"]), (
            "unknown field — kvrules screens institutions, never a person's nationality "
            "or origin: remove it and describe the visitor by their home institution "
            "(visit: {home_institution: {name: …, country: …}})"
        )
    first = next((e for e in problems if e["type"] == "extra_forbidden"), problems[0])
    loc = tuple(first["loc"])
    text = problem_text(first)
    if hint := _what_to_write(loc, text):
        return loc, f"{text} — {hint}"  # one line naming what to write, not "+3 more"
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return loc, f"{text}{more}"


# What to write for a field of an organisation or a funder, said where the value is wrong
FIELD_FORMS = {
    "amount": "write the amount as a plain number, e.g. 2000000 (no thousands separators; "
    "its currency in `currency`)",
    "start": "write a date as YYYY-MM-DD",
    "end": "write a date as YYYY-MM-DD",
}
ORGANISATIONS = {"partners", "funders"}


def _what_to_write(loc: tuple[str | int, ...], text: str) -> str | None:
    """The form a wrong value should take: a field's own (an amount, a date) where that field
    is wrong, else an organisation's anywhere in an organisation."""
    if "write" in text:  # the validator said it already ("'ZZ' is not a country: write …")
        return None
    depth = 2 if loc[:1] and loc[0] in ORGANISATIONS else 0
    if loc[:2] == ("visit", "home_institution"):
        depth = 2
    if not depth:
        return FIELD_FORMS.get(str(loc[-1])) if loc else None
    field = str(loc[depth]) if len(loc) == depth + 1 else None
    return FIELD_FORMS.get(field or "") or f"write an organisation as {ORGANISATION_FORMS}"


# A list's elements, said one by one (1-based: "funder 3")
ELEMENTS = {"partners": "partner", "funders": "funder", "keywords": "keyword", "units": "unit"}


def position_in_words(loc: tuple[str | int, ...]) -> str:
    """Pydantic's path of fields as a person counts: ``("funders", 2, "amount")`` →
    "funder 3, amount"; ``("visit", "home_institution")`` → "visit, home institution"."""
    said: list[str] = []
    for i, step in enumerate(loc):
        if isinstance(step, int) and i and str(loc[i - 1]) in ELEMENTS:
            said[-1] = f"{ELEMENTS[str(loc[i - 1])]} {step + 1}"
        elif isinstance(step, int):
            said.append(f"item {step + 1}")
        else:
            said.append(str(step).replace("_", " "))
    return ", ".join(said) or "the proposal"


def _personal(problem: Mapping[str, Any]) -> bool:
    key = str(problem["loc"][-1]) if problem["loc"] else ""
    return key.strip().casefold().replace("-", "_").replace(" ", "_") in PERSON_KEYS


class Screener:
    """Screens proposal after proposal with one evaluator and enricher, built on first use
    (compiling the rulebooks and loading the lists takes seconds) and shared by every request:
    calls from several threads take turns, as the engine's core is not re-entrant."""

    def __init__(self, build: Callable[[], tuple[Evaluator, Enricher | None]]) -> None:
        self._build = build
        self._built: tuple[Evaluator, Enricher | None] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> Screener:
        """The rulebooks, lists and area taxonomies a scan with ``config`` uses."""

        def build() -> tuple[Evaluator, Enricher | None]:
            from kvrules.assembly import config_enricher, config_evaluator

            enricher = config_enricher(config)
            evaluator = config_evaluator(config)
            return evaluator, enricher

        return cls(build)

    def __call__(self, proposal: Proposal, verdicts: AdvisersVerdicts | None = None) -> Screening:
        """``verdicts``: the advisers' "not the same organisation" verdicts, as a scan
        honours them (a ``Store``, read at this call)."""
        with self._lock:
            if self._built is None:
                self._built = self._build()
            evaluator, enricher = self._built
            return screen(proposal, evaluator, enricher, verdicts)

    def close(self) -> None:
        with self._lock:
            if self._built is not None:
                self._built[0].close()
                self._built = None
