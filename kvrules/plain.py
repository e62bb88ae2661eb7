"""Findings in words a committee member reads without the field catalogue.

``evidence_sentence`` turns one piece of evidence (``project.partners[1].lists contains
"us_dod_1286"``) into a sentence ("partner Chengdu Institute (CN) is on the US DoD Section 1286
list"); given the record as the store remembers it, the sentence also says which edition and
how the list spells the entry that matched ("…, edition FY25, listed as “Chengdu Institute”":
the list's wording, which may differ from the RIS's name of the partner) and which words of the
project put it in a research area. The technical form stays available (``str(evidence)``) one
flag or click away. Records are named in ``kvrules.records``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any, Protocol

import pycountry
from anyascii import anyascii

from kvrules.jurisdiction import (
    DUTCH_WORDING_ABROAD,
    EU_MEMBERS,
    covers,
    dutch_wording,
    sovereign_of,
)
from kvrules.model import USER_ASSIGNED_COUNTRIES
from kvrules.timezone import local_date, zone

LISTS = {
    "us_dod_1286": "US DoD Section 1286 list",
    "ca_nro": "Canadian Named Research Organizations list",
    "us_csl": "US Consolidated Screening List",
    "aspi_cdut": "ASPI China Defence Universities Tracker",
    "us_fcoc": "US foreign-countries-of-concern list",
    "uk_sanctions": "UK Sanctions List",
}
SIGNALS = {
    "us-country-of-concern": "a US foreign country of concern",
    "eu-arms-embargo": "under an EU arms embargo",
    "eu-sanctions-regime": "under an EU sanctions regime",
    "nl-state-actor-threat": "named by the Dutch government as a state-actor threat",
    "low-academic-freedom": "rated low in academic freedom",
    "eu001-destination": "an EU001 general-export-authorisation destination",
}
AREA_SCHEMES = {
    "eu-dual-use": "EU dual-use Annex I",
    "eu-critical-tech": "EU critical technology",
    "stra": "Canadian sensitive technology research area",
    "nl-clusters": "Dutch sensitive research cluster",
}
LEIDRAAD_TRIAGE = "the Leidraad triage"


def name_area_scheme(taxonomy: str, name: str) -> None:
    """How sentences name an institution's own taxonomy (its ``name`` or ``title``); the
    shipped schemes keep their names (``AREA_SCHEMES``)."""
    AREA_SCHEMES.setdefault(taxonomy, name)


# Currencies written with "$" at home (dollars and pesos): where one is the home currency,
# "$2,000,000" could be read as it, so a US dollar amount is written "USD 2,000,000" there
# (reviewer: a Canadian site read "$2,000,000" for a USD award).
DOLLAR_SIGNED = frozenset(
    {
        "AUD",
        "BBD",
        "BMD",
        "BND",
        "BSD",
        "BZD",
        "CAD",
        "FJD",
        "GYD",
        "HKD",
        "JMD",
        "KYD",
        "LRD",
        "NAD",
        "NZD",
        "SBD",
        "SGD",
        "SRD",
        "TTD",
        "TWD",
        "XCD",
        "ARS",
        "CLP",
        "COP",
        "CUP",
        "DOP",
        "MXN",
        "UYU",
    }
)
_DOLLARS = re.compile(r"(?<![A-Za-z])\$(\d[\d,]*(?:\.\d+)?)")


def dollar_ambiguous(home_country: str | None) -> bool:
    """Whether "$" would be read as the home currency rather than the US dollar."""
    from kvrules.enrich.funding import home_currency

    return bool(home_country) and home_currency(home_country or "") in DOLLAR_SIGNED


def for_home(sentence: str, home_country: str | None) -> str:
    """An evidence sentence as an institution in ``home_country`` reads it: the Dutch scheme's
    and signal's names in neutral words outside the Netherlands (``dutch_wording``), and a US
    dollar amount as "USD …" where "$" is also the home currency's sign."""
    if dollar_ambiguous(home_country):
        sentence = _DOLLARS.sub(r"USD \1", sentence)
    if dutch_wording(home_country):
        return sentence
    threat = DUTCH_WORDING_ABROAD["nl-state-actor-threat"]  # one neutral wording, mid-sentence
    sentence = sentence.replace(
        AREA_SCHEMES["nl-clusters"], DUTCH_WORDING_ABROAD["nl-clusters"]
    ).replace(SIGNALS["nl-state-actor-threat"], threat[0].lower() + threat[1:])
    measure = any(f"its country is {SIGNALS[s]}" in sentence for s in EU_MEASURES)
    if measure and home_country and not covers("EU", home_country):
        sentence += eu_measure_abroad(home_country)
    return sentence


# Country signals that are EU measures: a fact about the partner's country anywhere (the
# triage's country factor reads them everywhere), but the EU's, not an outside site's own.
EU_MEASURES = ("eu-arms-embargo", "eu-sanctions-regime")


# A country as people name it where ISO 3166's name reads as a catalogue entry ("Congo, The
# Democratic Republic of the", "Russian Federation"); pycountry's common_name covers others
# ("Iran, Islamic Republic of" → "Iran"), kvrules.model the user-assigned Kosovo (XK).
_SHORT_NAMES = {
    "RU": "Russia",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "FK": "Falkland Islands",
    "MF": "Saint Martin",
    "SX": "Sint Maarten",
    "BN": "Brunei",
}
# Names English says with "the" beyond those of a union, a plural or a "Republic" (below)
_WITH_THE = {"BS", "PH", "NL", "GM", "KM", "MV", "SC", "CD", "CG", "VA"}


def country_in_words(code: str) -> str:
    """A country as a sentence names it, with the article English gives it: "Russia", "the
    Philippines", "the Democratic Republic of the Congo", "Kosovo", "the United States"; an
    unknown code as it is."""
    code = code.strip().upper()
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    name = (
        _SHORT_NAMES.get(code)
        or (USER_ASSIGNED_COUNTRIES[code][1] if code in USER_ASSIGNED_COUNTRIES else None)
        or getattr(country, "common_name", None)
        or getattr(country, "name", None)
    )
    if not name:
        return code
    plural = name.startswith("United ") or name.endswith(("Islands", "Republic"))
    return f"the {name}" if code in _WITH_THE or plural else name


def eu_measure_abroad(home_country: str) -> str:
    """ "; an EU measure, binding institutions in the EU: not a measure of the United States,
    whose own sanctions and export controls decide what applies to this institution": what an
    institution outside the EU reads after a country signal that is an EU measure (reviewer:
    a US committee read "under an EU arms embargo" as a restriction of its own)."""
    state = sovereign_of(home_country)  # Puerto Rico: the United States' measures
    home = home_country.upper() if state in EU_MEMBERS else state  # Greenland: its own
    name = country_in_words(home)  # "the Philippines", "Russia", "Kosovo"
    return (
        f"; an EU measure, binding institutions in the EU: not a measure of {name}, whose own "
        "sanctions and export controls decide what applies to this institution"
    )


ROLES = {
    "partners": "partner",
    "funders": "funder",
    "affiliations": "affiliation",
    "participants": "participant",
    "partner": "partner",
    "funder": "funder",
    "visitor": "visitor",
}
_QUOTED = re.compile(r'"([^"]+)"')
_COUNTRY_OF = re.compile(r"\(([A-Z]{2})\)$")  # "Peking University (CN)": as evidence names it


def _signal_basis(country: str | None, signal: str) -> str:
    """ " (China: European Council declaration …; a political commitment, not a CFSP
    decision …); a designation; source: the kvrules country profiles, version 2026.1, reviewed
    2026-08-22": what the country profile records for this country and signal, so a finding
    says what its source says for that country, not what holds for another, whether a law or
    an assessment, and which edition of the profiles says it (those in use now)."""
    from kvrules.enrich.countries import default_profiles

    profiles = default_profiles()
    why = profiles.explain(country, signal)
    if why is None:
        return ""
    kind = KINDS.get(why.kind, why.kind)
    return f" ({why.country_name}: {why.rationale.rstrip('.')}); {kind}; source: {profiles.named()}"


def signal_technical(e: Explained, record: Mapping[str, Any] | None) -> str | None:
    """The technical detail behind a country-signal test: the profile file, version, country
    and signal ids, kind and citation (``CountryProfiles.technically``); None for another
    test."""
    field = e.path.rsplit(".", 1)[-1]
    quoted = _QUOTED.findall(e.test)
    if field != "country_signals" or not quoted or e.test.startswith("not"):
        return None
    from kvrules.enrich.countries import default_profiles

    return default_profiles().technically(_country_of(e.path, e.subject, record), quoted[0])


def country_taken(org: Mapping[str, Any] | None) -> str:
    """ "; country CN taken from its entry on the US DoD Section 1286 list, edition FY25, not
    from the proposal or record (none was given)" for an organisation whose country enrichment
    took from a list match (``Organisation.country_from``); "" for one whose country was given."""
    where = (org or {}).get("country_from")
    if not where:
        return ""
    return (
        f"; country {(org or {}).get('country')} taken {country_source_in_words(where)}, "
        "not from the proposal or record (none was given)"
    )


def country_source_in_words(where: str) -> str:
    """ "us_dod_1286@FY25, entry x" → "from its entry on the US DoD Section 1286 list, edition
    FY25"; "ror:05d2yfz11, …" → "from the ROR record of its list entry (ror:05d2yfz11)"."""
    if where.startswith("ror:"):
        return f"from the ROR record of its list entry ({where.split(',', 1)[0]})"
    return f"from its entry on {edition_in_words(where.split(',', 1)[0], partial=False)}"


def _country_of(path: str, subject: str | None, record: Mapping[str, Any] | None) -> str | None:
    """The country of the organisation evidence is about: the record's, else as the evidence
    names it ("Peking University (CN)")."""
    return (_element(record, path, subject) or {}).get("country") or (
        m.group(1) if subject and (m := _COUNTRY_OF.search(subject)) else None
    )


def count_of(n: int | None, thing: str, things: str | None = None) -> str:
    """ "1 finding", "3 findings" (an unknown count: "findings"); ``things``, a plural not
    made with "s" ("audit entries")."""
    many = things or f"{thing}s"
    if n is None:
        return many
    return f"{n} {thing}" if n == 1 else f"{n} {many}"


def day_in_words(moment: datetime) -> str:
    """ "6 December 2026" (no locale: the same in every installation)."""
    return f"{moment.day} {moment:%B %Y}"


def period_in_words(span: str) -> str:
    """An ISO 8601 interval ("start/end", a digest's period) as people write it, in UTC:
    "6 December 2026, 17:41 UTC", a span of hours within one day (joined by an en dash), or
    "from 6 December 2026, 00:00 to 7 December 2026, 00:00 UTC". Anything else: as it is."""
    try:
        start, end = (datetime.fromisoformat(part).astimezone(UTC) for part in span.split("/"))
    except ValueError:
        return span
    if start.date() != end.date():
        return f"from {day_in_words(start)}, {start:%H:%M} to {day_in_words(end)}, {end:%H:%M} UTC"
    until = f"–{end:%H:%M}" if f"{end:%H:%M}" != f"{start:%H:%M}" else ""
    return f"{day_in_words(start)}, {start:%H:%M}{until} UTC"


def list_label(list_id: str, title: str | None = None) -> str:
    """'us_dod_1286' -> 'US DoD Section 1286 list'; a list kvrules has no words for by its
    ``title`` in the reference store, else by its id."""
    return LISTS.get(list_id) or title or list_id


def list_title(org: Mapping[str, Any] | None, list_id: str) -> str | None:
    """The title of ``list_id`` as the organisation's screening matches carry it (the
    reference store's title, given to each match of its editions), or None."""
    matches = (org or {}).get("screening") or []
    return next(
        (m.get("title") for m in matches if m.get("list") == list_id and m.get("title")), None
    )


def list_named(list_id: str, title: str | None = None) -> str:
    """ "the US DoD Section 1286 list", "the list “University Two watch list”": a list as a
    sentence names it (an institution's own list by the title it was imported with)."""
    if list_id in LISTS:
        # an import of some parts only ("… (only: Entity List (EL) - …)", `refdata import csl
        # --source`) says which parts wherever the list is named
        parts = title[title.index(ONLY_PARTS) :] if title and ONLY_PARTS in title else ""
        return f"the {LISTS[list_id]}{parts}"
    return f"the list “{title or list_id}”"


# How an import of some parts of a list titles the edition ("US Consolidated Screening List
# (only: Entity List (EL) - Bureau of Industry and Security)"): ``list_named`` keeps it
ONLY_PARTS = " (only: "


# "us_dod_1286@FY25 (partial)": a list edition screened against, as kvrules writes it
# (``Enricher.screened_against``, a scan's report, a stored pre-screen)
_SCREENED = re.compile(r"^(?P<list>[^@\s]+)@(?P<edition>\S+)(?P<partial> \(partial\))?$")
PARTIAL = "a partial copy: only some of its entries are held here"


def edition_in_words(
    screened: str, titles: Mapping[str, str] | None = None, *, partial: bool = True
) -> str:
    """ "us_dod_1286@FY25 (partial)" -> "the US DoD Section 1286 list, edition FY25 (a partial
    copy: only some of its entries are held here)". A list kvrules has no words for is named
    by its title in ``titles`` (list id → title, from the reference store), else by its id.
    ``partial=False`` leaves the partial note out (where a match was found, it does not
    matter)."""
    m = _SCREENED.match(screened)
    if m is None:
        return screened
    named = list_named(m.group("list"), (titles or {}).get(m.group("list")))
    note = f" ({PARTIAL})" if partial and m.group("partial") else ""
    return f"{named}, edition {m.group('edition')}{note}"


# What "not on a list" means, wherever kvrules says which lists it screened against
NOT_SAFE = "not on a list means not found in these editions, not that a partner is safe"


# An organisation whose country was set apart (``kvrules.enrich.organisations.
# set_apart_unidentified``: a visitor's institution nothing identifies, a name that is no
# organisation), in the same words wherever it is said: the scan's report and watch line,
# pre-screening (`check`, the web form and API) and the case page. ``unidentified`` stays the
# technical key (``scan --json``, the API).
NOT_IDENTIFIED = "not identified as an organisation"
PERSON_NAMED = "names a person, not an organisation"


def read_as_person(name: str, *, many: bool = False) -> str:
    """A partner named by a given and family name alone that keeps its country because the
    organisation registry is partial (``kvrules.enrich.organisations.
    SetApart.read_as_person``), in one line, wherever set-apart names are said. ``many``:
    ``name`` lists several ("Ali Rezaei and Eli Lilly"), and the sentence agrees with them."""
    if many:
        return (
            f"{name} read as people's names: with a complete organisation registry imported "
            "they would not be screened on their country; identify their institutions"
        )
    return (
        f"{name} reads as a person's name: with a complete organisation registry imported it "
        "would not be screened on its country; identify the institution"
    )


def screened_as_organisation(name: str, country: str | None) -> str:
    """What a finding's evidence about the country of a partner ``read_as_person`` adds (the
    lead's decision: such a partner is still screened on its country, "Lockheed Martin" and
    "Almaz Antey" must not be lost, but a committee must not read it as screening a person):
    "the name 'Wei Zhang' reads like a person's: the country given (CN) was screened as an
    organisation's; if this is a person, record the organisation they represent instead"."""
    given = f"the country given ({country})" if country else "the country given"
    return (
        f"the name '{name}' reads like a person's: {given} was screened as an organisation's; "
        "if this is a person, record the organisation they represent instead"
    )


def identify(where: str = "") -> str:
    """ "identify the institution in the RIS (its full name, or its ROR id)"."""
    return f"identify the institution{where} (its full name, or its ROR id)"


def not_identified_in(where: str = "the lists") -> str:
    """ "not identified as an organisation in the lists or the organisation registry"."""
    return f"{NOT_IDENTIFIED} in {where} or the organisation registry"


def country_not_screened(country: str | None = None) -> str:
    """ "its country (IR) alone is not screened (it would be a person's)"."""
    given = f" ({country})" if country else ""
    return f"its country{given} alone is not screened (it would be a person's)"


def not_found_in(screened: Iterable[str], titles: Mapping[str, str] | None = None) -> str:
    """ "not found in the list “…”, edition 2026 or the US DoD Section 1286 list, edition FY25
    (a partial copy: …)": an organisation no list matched, and where it was looked for."""
    return f"not found in {lists_in_words(screened, titles)}"


def not_in_script(
    script: str, lacking: Sequence[str], registry: bool, titles: Mapping[str, str] | None = None
) -> str:
    """What a name written in a script some lists hold no names in was not screened against
    (``Resolver.lists_without_script``): "not screened in Han script against the US DoD Section
    1286 list, edition FY25, which holds no names written in it; import a complete ROR dump
    (which holds names in that script) or search its Latin name". ``registry``: a complete
    registry searched holds names in it, through which the entries linked to its records are
    found."""
    which = "which holds" if len(lacking) == 1 else "which hold"
    lists = lists_in_words(lacking, titles, joined_by="and")
    said = f"not screened in {script} script against {lists}, {which} no names written in it"
    if registry:
        linked = "only entries linked to a registry record are found in it"
        return f"{said} ({linked}); search its Latin name too"
    return (
        f"{said}; import a complete ROR dump (which holds names in that script) or search its "
        "Latin name"
    )


def screened_in_words(screened: Iterable[str], titles: Mapping[str, str] | None = None) -> str:
    """ "Organisations screened against … and …; not on a list means …": the closing line of
    a scan, and what a case page and the portfolio report say of the lists screened."""
    lists = lists_in_words(screened, titles, joined_by="and")
    return f"Organisations screened against {lists}; {NOT_SAFE}."


def lists_in_words(
    screened: Iterable[str], titles: Mapping[str, str] | None = None, *, joined_by: str = "or"
) -> str:
    """The list editions screened against in one phrase: "the US DoD Section 1286 list,
    edition FY25 (…) or the US foreign-countries-of-concern list, edition 2022-08-09"; "any
    list" when there were none."""
    phrases = [edition_in_words(s, titles) for s in screened]
    if not phrases:
        return "any list"
    return (
        phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} {joined_by} {phrases[-1]}"
    )


def signal_label(code: str) -> str:
    """'eu-arms-embargo' -> 'under an EU arms embargo'; an unknown signal as its code."""
    return SIGNALS.get(code, code)


def signal_marked(code: str) -> str:
    """A signal in words, marked when the profiles say it is an assessment: "named by the
    Dutch government as a state-actor threat (an assessment, not a designation)"."""
    from kvrules.enrich.countries import default_profiles

    signal = default_profiles().signals.get(code)
    marked = signal is not None and signal.kind == "assessment"
    return signal_label(code) + (f" ({KINDS['assessment']})" if marked else "")


def signal_source(code: str) -> str:
    """Where a signal comes from, for the technical detail: "nl-state-actor-threat: the kvrules
    country profiles, version 2026.1, reviewed 2026-08-22; cite: …"."""
    from kvrules.enrich.countries import default_profiles

    profiles = default_profiles()
    signal = profiles.signals.get(code)
    cite = f"; cite: {signal.cite}" if signal is not None else ""
    return f"{code}: {profiles.named()}{cite}"


def money(amount: Any, currency: str | None, decimal_separator: str | None = None) -> str:
    """'€250,000', 'CHF 1,200.50' (cents as two digits); with ``decimal_separator`` ","
    (a site writing de_DE amounts) '€1.250.000,50'. The amount as given when not a number.
    The one formatter of amounts: a pre-screen's header, its evidence and its Markdown say
    an award alike (reviewer, 2026-12-07: "EUR 1250000.50" above "gives €1,250,000.5").
    Cents are shown when the amount has them, or was written with them ("1250000.00", a
    Decimal with two places): never one decimal, never cents dropped that were given."""
    try:
        value = float(amount)
    except (TypeError, ValueError):
        return f"{amount} {currency or ''}".strip()
    if not value.is_integer() or _written_with_cents(amount):
        shown = f"{value:,.2f}"  # an amount has cents, never one decimal ("1,250,000.5")
    else:
        shown = f"{int(value):,}"
    if decimal_separator == ",":
        shown = shown.translate(str.maketrans(",.", ".,"))
    if not currency:
        return shown
    sign = CURRENCY_SIGNS.get(currency.upper())
    return f"{sign}{shown}" if sign else f"{currency.upper()} {shown}"


def _written_with_cents(amount: Any) -> bool:
    """ "1250000.00", Decimal("1250000.00"): written with a fraction, though it is zero."""
    if isinstance(amount, Decimal):
        return amount.is_finite() and int(amount.as_tuple().exponent) < 0
    return isinstance(amount, str) and "." in amount.strip()


# The ten categories of Annex I to Regulation (EU) 2021/821 by their names there, so a
# sentence says what "category 7" is (reviewer: an officer had to look the number up).
ANNEX_I_CATEGORIES = {
    "0": "nuclear materials, facilities and equipment",
    "1": "special materials and related equipment",
    "2": "materials processing",
    "3": "electronics",
    "4": "computers",
    "5": "telecommunications and information security",
    "6": "sensors and lasers",
    "7": "navigation and avionics",
    "8": "marine",
    "9": "aerospace and propulsion",
}


def area_label(code: str, home_country: str | None = None) -> str:
    """'eu-critical-tech:energy' -> "EU critical technology 'energy'" (a Dutch scheme in
    neutral words for an institution elsewhere: ``dutch_wording``)."""
    scheme, _, item = code.partition(":")
    name = AREA_SCHEMES.get(scheme, scheme)
    if not dutch_wording(home_country):
        name = DUTCH_WORDING_ABROAD.get(scheme, name)
    if scheme == "eu-dual-use" and item.startswith("cat"):
        category = item[3:]
        named = ANNEX_I_CATEGORIES.get(category)
        return f"{name} category {category}" + (f" — {named}" if named else "")
    return f"{name} '{item.replace('-', ' ')}'" if item else name


def _who(path: str, subject: str | None) -> str:
    parts = [p.split("[", 1)[0] for p in path.split(".")]
    role = next((ROLES[p] for p in reversed(parts[:-1]) if p in ROLES), parts[0])
    return f"{role} {subject}" if subject else role


_STEP = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")
_METHOD = {
    "alias": " (matched by another of its names)",
    "parent": " (matched through its parent organisation)",
    "subunit": " (a unit of the listed organisation)",
}


_MATCHED_BY = {
    "exact": "the same name",
    "alias": "another of its names",
    "acronym": "its acronym",
    "abbreviation": "its name abbreviated",
    "parent": "its parent organisation",
    "subunit": "a unit of the listed organisation",
    "ror": "its ROR id",
    "fuzzy": "a similar name",
    "corrected spelling": "its name with the spelling corrected",
    "transliteration": "its name in another romanisation",
    "namesake initials": "its name without the initials of the person it is named after",
    "spelling variant": "its name with its city spelt another way",
    "initials": "the initials of one of its names",
    "initials and namesake": "its name's initials and the person it is named after",
    "short name": "its name shortened",
}


def resemblance(m: Any) -> str:
    """What a similar-name match compared, for people: the text written, the name it resembles
    (the list's own name for the entry too, when that name is another: a ROR label, a native
    name), each name's romanisation where the two are written in different scripts, and the
    score: '"Xian Jiatong Univ" resembles "Xi'an Jiaotong University", score 0.94'. ``m``: a
    list match, as a dict (a stored finding) or a model."""

    def get(key: str) -> Any:
        return m.get(key) if isinstance(m, Mapping) else getattr(m, key, None)

    listed = str(get("name") or "")
    matched = str(get("matched") or listed)
    written = str(get("part") or "")
    latin = _in_latin(written), _in_latin(matched)
    about = [f"romanised “{anyascii(matched)}”"] if latin[0] and not latin[1] else []
    about += [listed] if listed and listed != matched else []
    said = f"“{matched}”" + (f" ({'; '.join(about)})" if about else "")
    text = f"“{written}”" if written else "the name"
    if latin[1] and not latin[0] and written:
        text += f" (romanised “{anyascii(written)}”)"
    return f"{text} resembles {said}, score {float(get('score') or 0):.2f}"


def _in_latin(text: str) -> bool:
    """Whether every letter of ``text`` is a Latin one ("Universität": yes; "西安": no)."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in text if c.isalpha())


def matched_by(method: str, *, candidate: bool = False) -> str:
    """How a list match was made, for people: "another of its names", "a similar name
    (a candidate for a person to judge)"; a method kvrules has no words for, as it is."""
    words = _MATCHED_BY.get(method, method)
    return f"{words} (a candidate for a person to judge)" if candidate else words


class Explained(Protocol):
    """A piece of evidence (``kvrules.findings.Evidence``): the field, test, value seen and
    the list element it is about."""

    path: str
    test: str
    actual: Any
    subject: str | None


# The list entries a stored finding rests on, as they were when it was found (``entries_behind``):
# each a list match (``kvrules.model.ListMatch`` as a dict) with the index of its evidence.
Entries = Sequence[Mapping[str, Any]]


def _behind(listed: Entries | None, index: int) -> list[Mapping[str, Any]] | None:
    """The entries behind evidence ``index``; None when the finding kept none (found before
    findings kept them: today's record says which)."""
    return None if listed is None else [m for m in listed if m.get("evidence") == index]


FOREIGN_MEANS = "foreign: outside the home country and, for an EU member, outside the EU"
_OUTSIDE_EU = re.compile(r"^(.+) is outside the EU \((.+)\)$")
# what ``screened_as_organisation`` adds to a sentence, left out where sentences are compared
_AS_ORGANISATION = re.compile(r"; the name '[^']*' reads like a person's: .*$")
_GIVES = re.compile(r"^(.+) gives (\S+?) ?[\d,.]+, ")  # an amount with its currency


def in_words(e: Explained, record: Mapping[str, Any] | None, entries: Entries | None = None) -> str:
    """One piece of evidence as a sentence; ``entries``: the list entries it rests on as they
    were found (else today's ``record`` says which)."""
    return evidence_sentence(e.path, e.test, e.actual, e.subject, record, entries)


def said(
    evidence: Iterable[Explained],
    record: Mapping[str, Any] | None,
    listed: Entries | None = None,
) -> list[str]:
    """A finding's evidence in words, each thing said once, in order.

    ``partner.country exists and partner.country not in [EU]`` leaves two pieces of evidence
    about one country; "partner X is outside the EU (GB)" says what "partner X is in GB" says.
    The technical form keeps every piece (``str(evidence)``). A stored finding's ``listed``
    entries (``entries_behind``) name the edition and entry as they were when it was found;
    what a later edition no longer lists is no evidence, said apart (``lapse_in_words``).
    """
    return without_implied(list(dict.fromkeys(each_in_words(evidence, record, listed))))


def each_in_words(
    evidence: Iterable[Explained],
    record: Mapping[str, Any] | None,
    listed: Entries | None = None,
) -> list[str]:
    """Each piece of evidence in words, one sentence per piece in its order (``said`` says
    each thing once); list hits name the edition and entry of ``listed``."""
    return [in_words(e, record, _behind(listed, i)) for i, e in enumerate(evidence)]


def without_implied(sentences: list[str]) -> list[str]:
    """``sentences`` without those another of them implies ("partner X is in GB" beside
    "partner X is outside the EU (GB)")."""
    implied = {
        f"{m.group(1)} is in {m.group(2)}"
        for s in sentences
        if (m := _OUTSIDE_EU.match(_AS_ORGANISATION.sub("", s)))
    }
    # "funder X gives $1,500,000, …" names the currency that `funder.currency == "USD"` tested
    implied |= {
        f"the currency of {m.group(1)} is '{_CURRENCY_OF_SIGN.get(m.group(2), m.group(2))}'"
        for s in sentences
        if (m := _GIVES.match(s))
    }
    return [s for s in sentences if _AS_ORGANISATION.sub("", s) not in implied]


def entries_behind(
    evidence: Iterable[Explained], record: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The list entries each list test of a finding rests on, in the screened ``record``:
    edition, entry, the list's spelling, kind, licence … with the index of the evidence. Kept
    with the finding when it is made, so that its evidence is never rebuilt from a later
    edition."""
    return [{"evidence": i, **m} for i, e in enumerate(evidence) for m in _entries_of(e, record)]


def lists_dropped(
    evidence: Iterable[Explained], record: Mapping[str, Any] | None, listed: Entries
) -> tuple[set[str], set[str]]:
    """Of the lists a stored finding's ``listed`` entries are on: those that no longer list
    the organisation although it is still in ``record`` (a later edition dropped it), and
    those whose organisation has left the record, of which the record now says nothing."""
    pieces = list(evidence)
    still, dropped, left = set(), set(), set()
    for entry in listed:
        index = entry.get("evidence", -1)
        if not 0 <= index < len(pieces):
            continue
        e = pieces[index]
        if _element(record, e.path, e.subject) is None:
            left.add(entry["list"])
        elif entry["list"] in {m["list"] for m in _entries_of(e, record)}:
            still.add(entry["list"])
        else:
            dropped.add(entry["list"])
    return dropped - still, left - still - dropped


def listed_organisation(
    evidence: Sequence[Explained], record: Mapping[str, Any] | None, entry: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The organisation in ``record`` a stored finding's list entry (``listed``) is about,
    as the record holds it now (its name and country: what an adviser's adjudication of the
    match is keyed by); None when the record no longer holds it."""
    index = entry.get("evidence", -1)
    if not 0 <= index < len(evidence):
        return None
    e = evidence[index]
    org = _element(record, e.path, e.subject)
    return org if isinstance(org, Mapping) and isinstance(org.get("name"), str) else None


def organisations_left(
    evidence: Iterable[Explained], record: Mapping[str, Any] | None
) -> list[str]:
    """ "partner Harbin Institute of Technology (CN)": each organisation a finding's evidence
    is about that the record, as read now, no longer holds (its name is nowhere in the list
    the evidence runs through). Nothing when the record is not remembered."""
    if record is None:
        return []
    left: dict[str, None] = {}
    names = _names_in(record)
    for e in evidence:
        # a list element's, or the one partner (funder) an added event named (``partner.``)
        about_one = "[" in e.path or e.path.split(".", 1)[0] in _ADDED_LISTS
        if not e.subject or not about_one or _element(record, e.path, e.subject) is not None:
            continue
        # still named in the record with another country (corrected, or set apart): not gone
        if _COUNTRY_OF.sub("", e.subject.split(" / ")[-1]).strip() not in names:
            left[_who(e.path, e.subject)] = None
    return list(left)


def _names_in(node: Any) -> set[str]:
    """Every organisation name a remembered record holds, at any depth."""
    if isinstance(node, Mapping):
        own = {str(node["name"])} if isinstance(node.get("name"), str) else set()
        return own.union(*(_names_in(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_names_in(v) for v in node))
    return set()


def left_in_words(left: Mapping[str, Any]) -> str:
    """ "partner Harbin Institute of Technology (CN) left the record on 5 March 2026 (the
    version read by the scan of 7 December 2026, 06:08 UTC): …": what a finding rests on is
    no longer in the record; the finding stands until the committee decides."""
    when = []
    for key in ("changed", "at"):
        try:
            when.append(datetime.fromisoformat(str(left.get(key))).astimezone(UTC))
        except ValueError:
            when.append(None)
    changed, seen = when
    on = f" on {day_in_words(changed or seen)}" if changed or seen else ""
    scan = (
        f" (the version read by the scan of {day_in_words(seen)}, {seen:%H:%M} UTC)" if seen else ""
    )
    return (
        f"{left.get('who')} left the record{on}{scan}: the finding stands as found until the "
        "committee decides"
    )


def lapse_in_words(
    lapsed: Mapping[str, Any] | None,
    listed: Entries | None,
    evidence: Iterable[Explained] = (),
) -> list[str]:
    """ "partner X is not in edition 2027 of the list “University Two watch list”; found in
    edition 2026, listed as “…”": a later edition no longer lists what a finding rests on;
    "partner X left the record on …": the record no longer holds it. The finding keeps its
    evidence; the committee decides what it means."""
    pieces = list(evidence)
    said = [left_in_words(left) for left in (lapsed or {}).get("left") or []]
    said += [  # an adviser's verdict, not the list, took the match away
        f"{v.get('who')} no longer matches the {list_label(str(v.get('list')))}: "
        f"{v.get('by')} recorded on {str(v.get('at'))[:10]} that it is not the same "
        "organisation; the finding stands until the committee decides"
        for v in (lapsed or {}).get("set_aside") or []
    ]
    for screened in (lapsed or {}).get("editions") or []:
        m = _SCREENED.match(screened)
        if m is None:
            continue
        list_id = m.group("list")
        found = [e for e in listed or [] if e.get("list") == list_id]
        title = next((e.get("title") for e in found if e.get("title")), None)
        partial = f" ({PARTIAL})" if m.group("partial") else ""
        about = [pieces[e["evidence"]] for e in found if e.get("evidence", -1) < len(pieces)]
        who = f"{_who(about[0].path, about[0].subject)} is " if about else ""
        was = "; ".join(
            dict.fromkeys(
                f"edition {e.get('edition')}, {listed_as(str(e.get('name')))}" for e in found
            )
        )
        said.append(
            f"{who}not in edition {m.group('edition')}{partial} of {list_named(list_id, title)}"
            + (f"; found in {was}" if was else "")
            + ": the finding stands as found until the committee decides"
        )
    return said


def evidence_sentence(
    path: str,
    test: str,
    actual: Any,
    subject: str | None = None,
    record: Mapping[str, Any] | None = None,
    entries: Entries | None = None,
) -> str:
    """One piece of evidence as a sentence; the technical form when no wording fits.

    ``record`` is the screened record as the store remembers it (``Store.subject``): with it,
    a list match names the edition and entry, a research area the words that matched, and an
    amount its currency. ``entries``: the list entries the evidence rested on when it was found
    (a stored finding keeps them), which a list match names instead of today's. Evidence about
    the country of a partner whose name reads as a person's says so
    (``screened_as_organisation``).
    """
    said = _evidence_sentence(path, test, actual, subject, record, entries)
    if path.rsplit(".", 1)[-1] not in _COUNTRY_FIELDS:
        return said
    org = _element(record, path, subject)
    if not (isinstance(org, Mapping) and org.get("read_as_person")):
        return said
    return f"{said}; {screened_as_organisation(str(org.get('name') or '?'), org.get('country'))}"


# The fields whose evidence is the organisation's country, screened as an organisation's
_COUNTRY_FIELDS = ("country", "country_signals", "foreign")


def _evidence_sentence(
    path: str,
    test: str,
    actual: Any,
    subject: str | None,
    record: Mapping[str, Any] | None,
    entries: Entries | None,
) -> str:
    field = path.rsplit(".", 1)[-1]
    quoted = _QUOTED.findall(test)
    negated = test.startswith("not")
    if subject is None:  # `funder.lists` names no list element: the record names the funder
        subject = _name(_element(record, path, None))
    if field in ("lists", "candidate_lists") and quoted:
        if negated:
            return f"{_who(path, subject)} is not on {list_named(quoted[0])}"
        candidate = field == "candidate_lists"
        element = _element(record, path, subject)
        if entries is None:
            entries = _matches(element, quoted[0], candidate)
        title = next((m.get("title") for m in entries if m.get("title")), None)
        listed = list_named(quoted[0], title) + designation_in_words(entries)
        where = _list_entry(entries)
        also = _also_on(actual, quoted[0], element, candidate)
        if not candidate:  # the subject names the source's country; a taken one is said here
            return f"{_who(path, subject)} is on {listed}{where}{country_taken(element)}{also}"
        return (
            f"{_who(path, subject)} may be on {listed}{where} (a possible match to confirm){also}"
        )
    if field == "country_signals" and quoted:
        signal = SIGNALS.get(quoted[0], quoted[0])
        said = f"{_who(path, subject)}: its country is {'not ' if negated else ''}{signal}"
        taken = country_taken(_element(record, path, subject))
        if negated:
            return said + taken
        return said + _signal_basis(_country_of(path, subject, record), quoted[0]) + taken
    if field == "sensitive_areas" and isinstance(actual, list) and not negated:
        areas = [str(a) for a in actual if a in quoted] or [str(a) for a in actual]
        words = (_element(record, path, None) or {}).get("area_words") or {}
        matched = any(words.get(a) for a in areas)  # a keyword match, not a code given
        return (
            "research area: "
            + "; ".join(area_in_words(a, words.get(a)) for a in areas)
            + (f" — {KEYWORD_MATCH_IS}" if matched else "")
        )
    if field == "country" and negated and _outside_the_eu(test) and actual is not None:
        taken = country_taken(_element(record, path, subject))
        return f"{_who(path, subject)} is outside the EU ({actual}){taken}"
    if field == "country" and test == "exists":
        return (
            f"{_who(path, subject)} is in {actual}{country_taken(_element(record, path, subject))}"
        )
    if field == "types" and quoted and not negated:
        return f"{_who(path, subject)} is of type {quoted[0]}"
    if field == "ror_lineage" and isinstance(actual, list) and quoted and not negated:
        found = [str(a) for a in actual if a in quoted]
        line = " → ".join(f"ror:{a}" for a in actual)
        within = ", ".join(f"ror:{a}" for a in found)
        parents = f" (its line of parents: {line})" if len(actual) > 1 else ""
        return f"{_who(path, subject)} is, or belongs in the ROR registry to, {within}{parents}"
    if field == "foreign" and isinstance(actual, bool):
        what = "a foreign funder" if "funder" in path else "based abroad"
        return f"{_who(path, subject)} is {'' if actual else 'not '}{what} ({FOREIGN_MEANS})"
    if field == "foreign_funding_share" and isinstance(actual, int | float):
        share = f"the unit's funding from abroad is {actual:.0%}"
        order = _ORDER.match(test)
        if order and order.group(1) in ("<", "<=", ">", ">=") and not negated:
            cap = _parse_literal(order.group(2))
            if isinstance(cap, int | float):
                return f"{share}, {THRESHOLD_ORDER[order.group(1)]} the {cap:.0%} cap"
        return share
    return _condition_sentence(path, test, actual, subject, record) or (
        f"{path}{f' ({subject})' if subject else ''} {test}: {actual!r}"
    )


def _also_on(actual: Any, tested: str, org: Mapping[str, Any] | None, candidate: bool) -> str:
    """ "; also on the Canadian Named Research Organizations list, edition 2025-06-01": the
    other lists the organisation was on when the test read its lists (``actual``). A rule
    reading several lists (``contains any vars.designation_lists``) is explained by the first
    that held, and a Canadian reader must still see the Canadian list named. The edition is
    the record's, where it still holds a match on that list."""
    others = [str(v) for v in actual if v != tested] if isinstance(actual, list) else []
    if not others:
        return ""
    named = []
    for list_id in others:
        matches = _matches(org, list_id, candidate)
        title = next((m.get("title") for m in matches if m.get("title")), None)
        best = max(matches, key=lambda m: m.get("score") or 0) if matches else None
        edition = f", edition {best['edition']}" if best and best.get("edition") else ""
        named.append(f"{list_named(list_id, title)}{edition}")
    joined = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"; it {'may also be' if candidate else 'is also'} on {joined}"


# -- every other test the rulebook language has (kvrules.engine.oracle.describe) -------------

_NEGATION = re.compile(r"^not \((.*)\)$", re.S)
_ORDER = re.compile(r"^(==|!=|<=|>=|<|>) (.+)$", re.S)
_MEMBERS = re.compile(r"^in \[(.*)\]$", re.S)
_CONTAINS = re.compile(r"^contains (.+)$", re.S)
_MATCHES = re.compile(r"^matches (.+)$", re.S)
_QUANTIFIER = re.compile(r"^(any|all) …$")
# What a record is called when a sentence names it (the event's own objects)
OWNERS = {
    "project": "the project",
    "output": "the publication",
    "visit": "the visit",
    "application": "the application",
    "partner": "the partner",
    "funder": "the funder",
}
LABELS = {
    "aliases": "other names",
    "ror": "ROR id",
    "parent": "parent organisation",
    "programme": "funding programme",
    "sensitive_areas": "research areas",
    "host_unit": "host unit",
    "workflow_step": "workflow step",
    "system": "source system",
    "record_id": "record id",
    "kind": "event kind",
    "lists": "reference lists",
    "start": "start date",
    "end": "end date",
    "published_on": "publication date",
    "signed_on": "signing date",
    "extended_on": "extension date",
    "submitted_on": "submission date",
    "occurred_at": "date",
    "candidate_lists": "possible reference-list matches",
    "country_signals": "country signals",
    "partners": "partners",
    "funders": "funders",
    "participants": "participants",
    "affiliations": "affiliations",
}
# A date read as what happened on it: "the publication was published on 2026-03-01"
DATE_VERBS = {
    "published_on": "was published on",
    "start": "starts on",
    "end": "ends on",
    "signed_on": "was signed on",
    "extended_on": "was extended on",
    "submitted_on": "was submitted on",
    "occurred_at": "happened on",
}
DATE_ORDER = {
    "==": "on",
    "!=": "not on",
    "<": "before",
    "<=": "on or before",
    ">": "after",
    ">=": "on or after",
}
NUMBER_ORDER = {
    "==": "exactly",
    "!=": "not",
    "<": "less than",
    "<=": "at most",
    ">": "more than",
    ">=": "at least",
}
THRESHOLD_ORDER = {**NUMBER_ORDER, "<=": "at or below", ">=": "at or above"}
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£"}
_CURRENCY_OF_SIGN = {sign: code for code, sign in CURRENCY_SIGNS.items()}
SHOWN_VALUES = 8  # a list in a sentence names this many, then "… (N in all)"


def _condition_sentence(
    path: str, test: str, actual: Any, subject: str | None, record: Mapping[str, Any] | None
) -> str | None:
    """Comparisons, membership, ``contains``, ``matches``, presence and quantifiers (each also
    negated) on any catalogue field, in words; None for a test this does not know."""
    from kvrules.fields import ROOT, FieldType, resolve

    names = [name for name, _ in _STEP.findall(path)]
    spec = resolve(ROOT, names)
    kind = spec.type if spec is not None else None
    negation = _NEGATION.match(test)
    inner = negation.group(1) if negation else test
    element = _element(record, path, subject)
    owner = _owner(names, subject, element)
    what = f"the {_label(names)} of {owner}"
    missing = actual is None
    shown = _shown(actual, kind, element)

    if inner == "exists":
        return f"{what} is not recorded" if negation else f"{what} is {shown}"
    if quantifier := _QUANTIFIER.match(inner):  # `not (any p in project.partners: …)`
        if missing:
            return f"{owner} has no {_label(names)} recorded"
        some = "none of" if quantifier.group(1) == "any" else "not all of"
        return f"{some} the {_label(names)} of {owner} meet the rule's test"
    if missing and negation:
        return f"{what} is not recorded"
    if order := _ORDER.match(inner):
        op, literal = order.group(1), _parse_literal(order.group(2))
        limit = _shown(literal, kind, element)
        if kind is FieldType.DATE and names[-1] in DATE_VERBS:
            happened = f"{_date_owner(names, owner)} {DATE_VERBS[names[-1]]} {shown}"
            return f"{happened}, {'not ' if negation else ''}{DATE_ORDER[op]} {limit}"
        if names[-1] == "amount" and op not in ("==", "!="):
            relation = ("not " if negation else "") + THRESHOLD_ORDER[op]
            return f"{owner} gives {shown}, {relation} the {limit} threshold"
        if op in ("==", "!=") and bool(negation) == (op == "!="):  # holds as equal
            return f"{what} is {shown}"
        if op in ("==", "!="):
            return f"{what} is {shown}, not {limit}"
        order_words = DATE_ORDER if kind is FieldType.DATE else NUMBER_ORDER
        return f"{what} is {shown}, {'not ' if negation else ''}{order_words[op]} {limit}"
    if members := _MEMBERS.match(inner):
        values = _value_list([_parse_literal(v) for v in _split_list(members.group(1))], kind)
        return f"{what} is {shown}, {'not ' if negation else ''}one of {values}"
    if contains := _CONTAINS.match(inner):
        value = _text(_parse_literal(contains.group(1)))
        if negation:
            return f"the {_label(names)} of {owner} do not include {value}"
        return f"the {_label(names)} of {owner} include {value}"
    if _MATCHES.match(inner):  # the pattern itself is a regular expression: technical detail
        verb = "does not match" if negation else "matches"
        return f"{what}, {shown}, {verb} the rule's pattern"
    return None


def _owner(names: list[str], subject: str | None, element: Any) -> str:
    """Whom or what the field belongs to: "partner Sichuan University (CN)", "the project"."""
    role = next((ROLES[n] for n in reversed(names[:-1]) if n in ROLES), None)
    if role is not None:
        return f"{role} {subject}" if subject else f"the {role}"
    owner = OWNERS.get(names[0], "the event")
    return f"{owner}'s contract" if "contract" in names[:-1] else owner


def _name(element: Any) -> str | None:
    return _identity(element) if isinstance(element, Mapping) and element.get("name") else None


def _date_owner(names: list[str], owner: str) -> str:
    return "the event" if names == ["occurred_at"] else owner


def _label(names: list[str]) -> str:
    if len(names) > 1 and names[-2] == "attributes":
        return f"attribute '{names[-1]}'"
    return LABELS.get(names[-1], names[-1].replace("_", " "))


def _parse_literal(text: str) -> Any:
    """A literal as ``oracle.describe`` writes it back: "text", a number, true/false."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _split_list(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r'"[^"]*"|[^,\s][^,]*', text)]


def _shown(value: Any, kind: Any, element: Any) -> str:
    """A value as people write it: dates as YYYY-MM-DD, amounts with their currency."""
    from kvrules.fields import FieldType

    if value is None:
        return "not recorded"
    if kind is FieldType.DATE and isinstance(value, int):
        return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
    if isinstance(value, list):
        return _value_list(value, kind)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        currency = element.get("currency") if isinstance(element, Mapping) else None
        if not currency:
            return _number(value)
        # the award as the record writes it ("1250000.00"), where the value is its amount
        written = element.get("amount") if isinstance(element, Mapping) else None
        same = written is not None and _as_float(written) == float(value)
        return money(written if same else value, currency)
    return _text(value)


def _value_list(values: list[Any], kind: Any) -> str:
    shown = [_shown(v, kind, None) for v in values[:SHOWN_VALUES]]
    more = f", … ({len(values)} in all)" if len(values) > SHOWN_VALUES else ""
    return ", ".join(shown) + more


def _text(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _number(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _outside_the_eu(test: str) -> bool:
    """``not (in [...])`` over every EU member state: the partner is outside the EU."""
    members = _MEMBERS.match(_NEGATION.match(test).group(1)) if _NEGATION.match(test) else None
    from kvrules.jurisdiction import EU_MEMBERS

    listed = {_parse_literal(v) for v in _split_list(members.group(1))} if members else set()
    return listed >= EU_MEMBERS


def area_in_words(
    code: str, words: list[str] | None = None, home_country: str | None = None
) -> str:
    """ "EU critical technology 'energy', matched words: 'battery', 'grid'"; the label alone
    without the words."""
    label = area_label(code, home_country)
    if not words:
        return label
    return f"{label}, matched words: " + ", ".join(f"'{w}'" for w in words)


def areas_not_screened_in_words(languages: Sequence[str]) -> str:
    """ "technology fields not screened in Polish (the area vocabulary has no terms in it)": a
    text in a language the sensitive-area glossaries do not cover (``Project.areas_not_screened``),
    said wherever its areas are, never "none found"; "technology fields not screened: language
    not recognised" for a text whose language no guess named but that is not English, German,
    Dutch or French."""
    from kvrules.enrich.language import NOT_RECOGNISED

    named = [language for language in languages if language != NOT_RECOGNISED]
    said = []
    if named:
        said.append(
            f"technology fields not screened in {', '.join(named)} "
            "(the area vocabulary has no terms in it)"
        )
    if len(named) < len(languages):
        said.append(f"technology fields not screened: {NOT_RECOGNISED}")
    return "; ".join(said)


# What a keyword match is, said beside the areas it found (reviewer: an officer read an area
# as the item's classification).
KEYWORD_MATCH_IS = (
    "a keyword match is an indication for the export-control officer's review, "
    "not a classification or licence decision"
)


def areas_said(areas: Sequence[str], not_screened: Sequence[str] = (), vocabulary: str = "") -> str:
    """A record's sensitive areas (already in words, or codes) in one line, with what a keyword
    match is: "none found" only when every language its text is in was screened, naming the
    vocabulary and its edition where known ("none found in the area vocabulary …"); else the
    areas and what was not."""
    said = [*areas, *([areas_not_screened_in_words(not_screened)] if not_screened else [])]
    if not said:
        return f"none found in {vocabulary}" if vocabulary else "none found"
    return "; ".join(said) + (f" — {KEYWORD_MATCH_IS}" if areas else "")


def _matches(
    org: Mapping[str, Any] | None, list_id: str, candidate: bool
) -> list[Mapping[str, Any]]:
    """The organisation's screening matches on ``list_id`` (confident, or candidates)."""
    return [
        m
        for m in (org or {}).get("screening") or []
        if m.get("list") == list_id and bool(m.get("candidate")) == candidate
    ]


def _list_entry(matches: Entries) -> str:
    """ ", edition FY25, listed as “Sichuan University”" from an organisation's screening
    matches on one list: the entry in the list's own spelling, marked as the list's wording,
    so that a misspelt entry ("Xi'an Jiatong University") is never read as the partner's
    name."""
    if not matches:
        return ""
    m = max(matches, key=lambda m: m.get("score") or 0)
    text = f", edition {m['edition']}, {listed_as(m['name'])}"
    if m.get("method") == "ror" and m.get("ror_id"):
        text = f"{text}, matched through its ROR id {m['ror_id']}"
    elif m.get("method") in ("fuzzy", "corrected spelling"):
        how = "a similar name" if m["method"] == "fuzzy" else "its name with the spelling corrected"
        text = f"{text} ({how}: {resemblance(m)})"
    else:
        text += _METHOD.get(m.get("method") or "", "")
    return text + match_provenance(m)


# What an entry of a component list of the US Consolidated Screening List means, by the
# abbreviation its source prints: said beside the component so that a hit is never overstated
# (an Entity List entry is a licence requirement for exports, not a ban on all dealings)
COMPONENT_MEANINGS = {
    "SDN": "blocked by OFAC: US persons are generally prohibited from dealing with it",
    "EL": (
        "a BIS licence is required to export, re-export or transfer items subject to the EAR to it"
    ),
    "MEU": (
        "a BIS licence is required to export, re-export or transfer certain items subject to "
        "the EAR to it"
    ),
}
_COMPONENT = re.compile(r"\(([A-Z][A-Z0-9-]{1,9})\)")


def designation_in_words(matches: Entries) -> str:
    """ " (component list: Entity List (EL) - Bureau of Industry and Security; a BIS licence
    is required …)" or " (designated under The Russia (Sanctions) (EU Exit) Regulations
    2019)": the component list or regime the best match's entry came from, as the import
    recorded it (``designated_under``); "" where it recorded none. An organisation listed
    under several parts of the list (the CSL's Entity List and CMIC rows, each an entry
    matched as surely as the best) is cited with every part."""
    if not matches:
        return ""
    m = max(matches, key=lambda m: m.get("score") or 0)
    parts = [
        under
        for other in matches
        if other.get("list") == m.get("list")
        and (other.get("score") or 0) == (m.get("score") or 0)
        and (under := other.get("designated_under"))
    ]
    if m.get("designated_under"):  # the best match's own part first
        parts.insert(0, m["designated_under"])
    parts = list(dict.fromkeys(parts))
    if not parts:
        return ""
    if m.get("list") != "us_csl":
        return f" (designated under {'; '.join(parts)})"
    said = []
    for under in parts:
        code = _COMPONENT.search(under)
        meaning = COMPONENT_MEANINGS.get(code.group(1)) if code else None
        said.append(f"{under}{f'; {meaning}' if meaning else ''}")
    label = "component list" if len(said) == 1 else "component lists"
    return f" ({label}: {'; and '.join(said)})"


KINDS = {
    "designation": "a designation",
    "assessment": "an assessment, not a designation",
    "commitment": "a political commitment, not a designation",
}
# An edition imported without --licence: whether its data may be used is not known here
NO_LICENCE = "licence not recorded"


def match_provenance(match: Mapping[str, Any]) -> str:
    """ "; a designation; source: US Department of Defense, https://…/FY26-Section-1286-List.pdf;
    licence: …": what the list is, where the edition that matched was published and under
    which licence, from the list's provenance (a match recorded before matches carried it:
    its kind only)."""
    said = [KINDS.get(str(match.get("kind")), "")]
    where = [str(v) for v in (match.get("publisher"), match.get("source_url")) if v]
    said.append(f"source: {', '.join(where)}" if where else "")
    if match.get("licence"):
        said.append(f"licence: {match['licence']}")
    else:
        from kvrules.refdata.models import PROVENANCE_KEYS

        # a match carrying its edition's provenance but no licence; one recorded before matches
        # carried provenance, or a registry's (no provenance: its keys absent or None), says
        # nothing of it
        if any(match.get(key) for key in PROVENANCE_KEYS):
            said.append(NO_LICENCE)
    return "".join(f"; {part}" for part in said if part)


def match_technical(match: Mapping[str, Any]) -> str:
    """A list match as ``--technical`` shows it: "us_dod_1286@FY25, entry harbin-… “Harbin
    Institute of Technology”, method exact, score 1.00, designation, licence: …"."""
    text = (
        f"{match.get('list')}@{match.get('edition')}, entry {match.get('entry')} "
        f"“{match.get('name')}”, method {match.get('method')}, "
        f"score {float(match.get('score') or 0):.2f}, {match.get('kind')}"
    )
    if match.get("candidate"):
        text += ", a candidate"
    extra = [
        f"{k}: {match[k]}" for k in ("designated_under", "licence", "source_url") if match.get(k)
    ]
    return ", ".join([text, *extra])


def technically(
    evidence: Iterable[Any], record: Mapping[str, Any] | None, listed: Entries | None = None
) -> list[str]:
    """The evidence's technical form (``str(evidence)``), each list test followed by the
    entries behind it: list edition, entry id and name, method, score, kind, licence (a stored
    finding's ``listed`` entries: as they were found)."""
    lines = []
    for i, e in enumerate(evidence):
        lines.append(str(e))
        behind = _behind(listed, i)
        entries = _entries_of(e, record) if behind is None else behind
        lines += [f"  {match_technical(m)}" for m in entries]
        if signal := signal_technical(e, record):
            lines.append(f"  {signal}")
    return lines


def _entries_of(e: Explained, record: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The screening matches in ``record`` behind a list test (none for another test)."""
    field = e.path.rsplit(".", 1)[-1]
    quoted = _QUOTED.findall(e.test)
    if field not in ("lists", "candidate_lists") or not quoted or e.test.startswith("not"):
        return []
    subject = e.subject or _name(_element(record, e.path, None))
    return _matches(_element(record, e.path, subject), quoted[0], field == "candidate_lists")


def listed_as(name: str) -> str:
    """ "listed as “Xi'an Jiatong University”": a list entry's name, as the list spells it."""
    return f"listed as “{name}”"


def _element(record: Mapping[str, Any] | None, path: str, subject: str | None) -> Any:
    """What ``path`` without its last field points at in the record: the partner of
    ``project.partners[2].lists``. When the record has changed since and the position now
    holds another organisation, the one of that list named as in the evidence (``subject``)."""
    steps = _STEP.findall(path)[:-1]
    if subject and steps and steps[0][0] in _ADDED_LISTS and not any(i for _, i in steps):
        return _added(record, steps, subject)
    names = subject.split(" / ") if subject else []
    if len(names) != sum(1 for _, index in steps if index):
        names = []  # cannot tell which name belongs to which position: trust positions
    node: Any = record
    for name, index in steps:
        node = node.get(name) if isinstance(node, Mapping) else None
        if index and isinstance(node, list):
            want = names.pop(0) if names else None
            node = _pick(node, int(index), want)
        if node is None:
            return None
    return node if isinstance(node, Mapping) else None


# The lists the one partner (funder) of a partner.added (funder.added) event is also in.
_ADDED_LISTS = {"partner": "partners", "funder": "funders"}


def _added(record: Mapping[str, Any] | None, steps: list[tuple[str, str]], subject: str) -> Any:
    """The organisation a ``partner.added`` / ``funder.added`` finding names (``subject``)
    in ``record``: the record's own ``partner`` when it is that one, else the one of that
    name in its project's (application's) list. The record may be a later event that added
    another partner, or none: the finding must still read, and be checked, as about its own."""
    root = steps[0][0]
    candidates: list[Any] = [(record or {}).get(root)]
    for key in ("project", "application"):
        held = (record or {}).get(key)
        if isinstance(held, Mapping) and isinstance(held.get(_ADDED_LISTS[root]), list):
            candidates += held[_ADDED_LISTS[root]]
    node = next((c for c in candidates if isinstance(c, Mapping) and _identity(c) == subject), None)
    for name, _ in steps[1:]:
        node = node.get(name) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else None


def _pick(elements: list[Any], position: int, name: str | None) -> Any:
    at = elements[position] if position < len(elements) else None
    if name is None or (isinstance(at, Mapping) and "name" not in at):
        return at  # a person is named by affiliation in evidence, not by a name: position
    if isinstance(at, Mapping) and _identity(at) == name:
        return at
    return next((e for e in elements if isinstance(e, Mapping) and _identity(e) == name), None)


def _identity(org: Mapping[str, Any]) -> str:
    """As the evaluator names a list element in evidence: "Name (CC)", the country only when
    the source gave it (``kvrules.engine.subjects.identity``)."""
    country = org.get("country") if org.get("country_from") is None else None
    return f"{org.get('name')} ({country})" if country else str(org.get("name"))


# A change's parts in the order they are said: (key, its words, how its values are joined).
_CHANGES = (
    ("named", "now also names ", "; "),
    ("named_again", "named again: ", "; "),
    ("no_longer_named", "no longer names ", "; "),
    ("severity", "severity ", " → "),
    ("rulebook_version", "rule version ", " → "),
    ("evidence_added", "evidence added: ", "; "),
    ("evidence_removed", "evidence no longer seen: ", "; "),
)
_EVIDENCE_CHANGED = ("evidence_added", "evidence_removed")


def reopened_in_words(
    why: Mapping[str, Any], case_id: int | None = None, tz: tzinfo | None = None
) -> str:
    """ "This reopens case 18, which the committee had decided on 2026-12-07 (approve with
    mitigations)." — a finding on a decided case, said where it is read (an alert), so the
    committee knows which of its decisions it is asked to look at again; the day as the
    institution's time zone ``tz`` has it (the server's when not given)."""
    case = f"case {case_id}" if case_id is not None else "its case"
    if not why.get("decision"):
        return f"This reopens {case}, which had been closed."
    decision = str(why["decision"]).replace("-", " ")
    return (
        f"This reopens {case}, which the committee had decided on "
        f"{decided_day(why, tz)} ({decision})."
    )


def decided_day(why: Mapping[str, Any], tz: tzinfo | None = None) -> str:
    """The day of a decision a reopening names, in ``tz`` (the server's zone when None)."""
    at = why.get("decided_at")
    if not at:
        return "an earlier day"
    try:
        return local_date(str(at), tz or zone())
    except ValueError:
        return str(at)[:10]


def what_changed(change: Mapping[str, Any], home_country: str | None = None) -> str:
    """What a finding updated in place changed ("now also names …; severity medium → high"),
    as an institution in ``home_country`` reads it: the evidence sentences a change keeps
    (``kvrules.store.cases``) are stored in the engine's words and go through ``for_home``
    here, as the finding's own evidence does (an EU measure said as one abroad)."""

    def words(key: str) -> list[str]:
        values = [str(v) for v in change[key]]
        return [for_home(v, home_country) for v in values] if key in _EVIDENCE_CHANGED else values

    said = [lead + joint.join(words(key)) for key, lead, joint in _CHANGES if change.get(key)]
    return "; ".join(said) or "the evidence was read again"
