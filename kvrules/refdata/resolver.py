"""Organisation resolver: partner/funder name → list entries, with the method and a score.

Order of evidence (strongest first):
1. ROR id (given, or the query is a ROR id/URL);
2. exact normalised name or alias, filtered by country when known (ambiguous without one);
3. a comma/parenthesis segment ("School of Astronautics, Harbin Institute of Technology" →
   HIT, method ``exact``, or ``abbreviation`` for "Harbin Inst. of Tech.") or a trailing
   organisation inside a sub-unit name ("School of Computer Science Harbin Institute of
   Technology", method ``subunit``);
4. fuzzy, on the distinctive tokens only, with a small edit budget and the organisation-class
   skeleton ("university", "institute of technology" …) required to agree — always a
   ``candidate`` for a person to confirm.
A name that meets a stored one only once misspelt class words are corrected ("Harbin Institue
of Technlogy") is no exact match: method ``corrected spelling``, a score below the fuzzy cap
less what the edits cost, the corrected words in the explanation, and a ``candidate`` on a
list (designation, assessment); a registry (ROR) record is still resolved, as the name of an
organisation is not an accusation.
Generic class-word-only names are never matched, a bare acronym or short name ("BUAA",
"Beihang") is only a candidate, and nothing matches on a substring: a name has to equal a
stored name, a comma segment, or a tail after a sub-unit word. A ROR unit named by a generic
unit's name ("Institute of Fluid Physics") is confident only when the string agrees with it
(its parent, city or country).

Lists are read as they are written: an entry listed for its "select affiliates" only (attribute
``scope``) is a confident hit only on a listed affiliate; its institution's own name, a sub-unit
of it or a ROR record linked to it gives at most a candidate marked "parent listed for select
affiliates only". A designation's long official name also matches the short forms people write
(see :func:`short_forms`), as a confident hit only in the entry's country. Given a country, a
name is ambiguous only when two entries of one list in that country carry it.

Entries of different lists that share a ROR id (or whose name+country equal one registry entry)
form one cluster, so matching a ROR label reports the 1286 entry too (``via``), and a ROR
``parent`` relationship carries a listing to sub-units (method ``parent``).
The index is built once; :meth:`Resolver.match` does dict look-ups and a blocked rapidfuzz scan.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from kvrules.refdata.affiliations import (
    STATE_ABBREVIATIONS,
    UNIT_OPENERS,
    OrganisationMatch,
    Part,
    Span,
    _without_number,
    acronyms_with_a_name,
    joined_names,
    leading_country,
    leading_runs,
    parse,
    trailing_runs,
)
from kvrules.refdata.countries import as_country, is_region_code, to_country
from kvrules.refdata.models import (
    Entry,
    ListInfo,
    Match,
    designated_under,
    is_ror_id,
    ror_id,
)
from kvrules.refdata.normalise import (
    CLASS_WORDS,
    GENERIC_WORDS,
    HAN,
    HAN_COUNTRIES,
    LOGOGRAPHIC,
    SELECT_AFFILIATES,
    STOP_WORDS,
    UNIT_WORDS,
    Analysed,
    abbreviated,
    analyse,
    corrections,
    han_endings,
    han_text,
    in_case_of,
    is_acronym,
    latin_acronym,
    name_initials,
    named_after_key,
    native_variants,
    pinyin_with_places,
    script_of,
    surface_key,
    without_script,
    written_words,
)
from kvrules.refdata.romanised import ROMANISED_COUNTRIES, romanised_key
from kvrules.refdata.store import Store
from kvrules.refdata.ukrainian_places import UKRAINIAN_SPELLING
from kvrules.refdata.wade_giles import as_pinyin

_KIND_ORDER = {"designation": 0, "assessment": 1, "registry": 2}

# Scores by evidence; fuzzy scores are computed and capped below the exact ones.
EXACT, EXACT_NO_COUNTRY, QUALIFIED, SUBUNIT, AMBIGUOUS, FUZZY_CAP = 1.0, 0.95, 0.97, 0.9, 0.5, 0.94
SHORT_FORM, SELECT_PARENT = 0.93, 0.6
COUNTRY_CONFLICT = 0.6  # the name as written, but the list names it in another country
GUESS = 0.6  # a bare acronym or short name of one organisation: a person confirms which
MAX_GUESSES = 5  # organisations a bare acronym or short name is shown for; more say nothing
# A word in the names of registry records in this many countries or more says what an
# organisation does ("fluid", "physics", "biological"), not which one it is ("Monod", "Zagreb")
GENERIC_SPREAD = 5
# how firmly a record carries a name it shares with others, firmest first: its own name, an
# alias or its name in its own language; any other (less its city or place, a short form) after
_CARRIED = {"primary": 0, "alias": 1, "native": 1}
WITHOUT_CITY = "name without its city"
WITHOUT_COUNTRY = "name without its country"  # "Genentech" of "Genentech (United States)"
WITHOUT_RESEARCH = "name without its research centre"  # of "Wageningen University & Research"
WITHOUT_PLACE = "name without its place"  # "Queens College" of "Queens College, CUNY"
# "国防科技大学" of "中国人民解放军国防科学技术大学": normalise.native_variants
NATIVE_VARIANT = "usual short form of the name"
# "Harbin Gongye Daxue" of "哈尔滨工业大学": normalise.pinyin_with_places
PINYIN_PLACE = "pinyin of the name, its place spelt as the English name spells it"
MAX_NAME = 500  # longer text is an affiliation string, never one organisation's name
SELECT_NOTE = "parent listed for select affiliates only"
SYSTEM_NOTE = "a university system: the string may name one of its campuses"
SHORT_NOTE = "short form of a listed name: confirm the country"
PLACELESS_NOTE = "the listed name without its place, a name others may have: confirm which"
ALIAS_NOTE = "lists this name among its aliases; another entry is named so"
CORRECTED = "corrected spelling"
ABBREVIATION = "abbreviation"
SUBUNIT_METHOD = "subunit"  # the organisation a unit's name ends with or is named after
# A Chinese organisation's name and a unit's written after it without a comma: the endings
# of an organisation's name (university, college, academy, institute) where the unit may begin,
# and the endings of a unit's name (school, department, institute, laboratory, centre, hospital,
# faculty, graduate school).
_HAN_ORGANISATION_END = re.compile(r"(?:大学|学院|研究院|科学院|研究所)(?=[\u4e00-\u9fff])")
_HAN_UNIT_ENDINGS = (
    "学院",
    "系",
    "研究所",
    "研究院",
    "实验室",
    "中心",
    "医院",
    "学部",
    "部",
    "研究生院",
    "所",
)
SHORT_NAME = "short name"
# "Moskovskij aviacionnyj institut" of "Moskovskiy aviatsionnyy institut": romanised.romanised_key
TRANSLITERATION = "transliteration"
TRANSLITERATED_NOTE = "the name in another romanisation of Russian: confirm the country"
WADE_NOTE = "the name in Wade-Giles, read as pinyin"
# Words a short name written a syllable a word may have ("Bei Hang", "Ha Er Bin"): joined, they
# are read as the name written in one word; longer runs of words are a phrase, not a name.
_MAX_SPACED_SYLLABLES = 3
_MAX_ACRONYMS = 4  # Cyrillic acronyms one query may string together: "ФГАОУ НИУ ВШЭ"
_QUOTES = re.compile(r"[«»\"“”„]")
_MAX_HAN_ACRONYM = 6  # characters: "大艺", "國科會"; a longer Han name is a name
GUESS_NOTE = "an acronym or short name alone: confirm which organisation is meant"
WORD_ORDER = "word order"
ACRONYM = "acronym"
INITIALS = "initials"
NAMESAKE_AND_INITIALS = "initials and namesake"  # "МГУ им. Ломоносова"
INITIALS_OF = "initialled"  # the kind of name matched: the name whose initials the query is
_NON_LETTER = re.compile(r"[^\w]+")
CITY_NOTE = "its city is named in the string"
AMBIGUOUS_NOTE = "same name in several organisations: give a country"
GENERIC_NOTE = "a name any organisation's unit may have"
UNIT_NOTE = "a unit of {}; the string names neither it nor the unit's city or country"
CITYLESS_NOTE = "the end of a unit's name, and this name without its city: confirm which"

# Qualifiers official names carry and people leave out (Russian names mostly): a leading
# "P.N." (the namesake's initials), a trailing "of the [Siberian] [Branch of the] Russian Academy
# of Sciences", and "X named after [initials] Y", written "Y X".
_INITIALS = re.compile(r"^(?P<initials>(?:[A-Z]\.\s?){1,3})\s*(?=(?P<next>[A-Z][a-z][\w'-]*))")
# Dotted capitals that abbreviate a state, not a person's names: "U.S. Naval University of
# Engineering" is not "Naval University of Engineering" named after someone (code review 2).
_STATE_ABBREVIATIONS = STATE_ABBREVIATIONS
# Words names of organisations are made of: initials before one are not a namesake's
_NOT_A_SURNAME = CLASS_WORDS | GENERIC_WORDS | STOP_WORDS
NAMESAKE_INITIALS = "namesake initials"
# "Kharkov National University" of "Kharkiv National University": ukrainian_places
SPELLING_VARIANT = "spelling variant"
NAMESAKE_NOTE = "read without {}, taken for the initials of the person it is named after"
STATE_NOTE = "read without {}, a state's abbreviation that names no one country: confirm it"
_ACADEMY = re.compile(
    r"(?:,\s*|\s+of\s+(?:the\s+)?)(?:[\w-]+\s+branch\s+of\s+(?:the\s+)?)?"
    r"russian\s+academy\s+of\s+sciences$|\s*\((?:RAS|SB RAS|UB RAS|FEB RAS)\)$",
    re.IGNORECASE,
)
_NAMED_AFTER = re.compile(
    r"^(?P<what>.+?),?\s+named\s+after\s+(?:(?:[A-Z]\.\s?){1,3}\s*)?(?P<who>[A-Z][\w'-]+)"
    r"(?:,\s+the\s+[^,]+)?$"  # "…, the First President of Russia"
)
# "Center for X of Tsinghua University", written "Tsinghua University Center for X".
_UNIT_OF = re.compile(
    r"^(?P<unit>(?:Center|Centre|Institute|School|Department|Laboratory)\s.+?)\s+of\s+"
    r"(?:the\s+)?(?P<org>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s+University)$"
)


def _namesake_initials(text: str) -> str | None:
    """The initials (with their spacing) opening ``text`` when they are a person's, as in "N.E.
    Bauman Moscow State Technical University": before a word that may be a surname, not a
    state's abbreviation ("U.S.", "P.R.") nor before a word names of organisations are made of
    ("A.B. University of …")."""
    m = _INITIALS.match(text)
    if not m or re.sub(r"[.\s]", "", m["initials"]) in _STATE_ABBREVIATIONS:
        return None
    if m["next"].casefold() in _NOT_A_SURNAME:
        return None
    return text[: m.start("next")]


def _state_abbreviated_before(text: str) -> str | None:
    """The country a dotted abbreviation opening ``text`` names ("U.S. Naval University of
    Engineering" → "US"), read as a country after the name is; None for any other opening."""
    m = _INITIALS.match(text)
    if not m or re.sub(r"[.\s]", "", m["initials"]) not in _STATE_ABBREVIATIONS:
        return None
    return as_country(m["initials"].strip())


def _ukrainian_spellings(written: str, matched: str) -> list[tuple[str, str]]:
    """The words of ``written`` that meet a word of ``matched`` only through the Ukrainian city
    table ("Kharkov" / "Kharkiv", "Mykolaiv" / "Nikolaev"), as (written, matched) pairs."""
    ours, theirs = written_words(written), written_words(matched)
    pairs = []
    for word in ours.keys() - theirs.keys():
        city = UKRAINIAN_SPELLING.get(word, word)
        pairs += [
            (ours[word], theirs[other])
            for other in theirs.keys() - ours.keys()
            if UKRAINIAN_SPELLING.get(other, other) == city
        ]
    return pairs


def _token_budget(token: str) -> int:
    """Edits a distinctive token may differ by: none for short tokens, where one letter separates
    different organisations (Hunan/Henan, Pavia/Padova), one up to 12 letters, then two."""
    n = len(token)
    return 0 if n <= 5 else 1 if n <= 12 else 2


def _typo_only(query: tuple[str, ...], other: str) -> bool:
    """True if ``other`` differs from ``query`` token by token within each token's budget, so a
    changed or missing word ("Beijing"/"Nanjing", "Harbin"/"Harbin Medical") never passes."""
    tokens = other.split()
    if len(tokens) != len(query):
        return False
    for q, t in zip(query, tokens, strict=True):
        if q != t and OSA.distance(q, t, score_cutoff=_token_budget(q)) > _token_budget(q):
            return False
    return True


@dataclass(slots=True)
class _Rec:
    list_id: str
    edition: str
    kind: str
    entry_id: str
    name: str
    country: str | None
    ror_id: str | None
    parent_ror: str | None
    cluster: int = -1
    select_only: bool = False  # listed for its select affiliates only
    system: bool = False  # a registry's university system ("University of California System")
    city: str = ""  # a registry record's city, as an exact-match key ("newcastleupontyne")
    education: bool = False  # a registry's university, college …: ROR type "education"
    inactive: bool = False  # a registry record ROR marks inactive (the organisation closed)
    # a registry record of an older edition, for a listed entry the screening edition lacks
    # (Store.carried_records): its names are screened, and a match says which edition they are
    carried: bool = False


_REC_FIELDS = tuple(f.name for f in fields(_Rec))


@dataclass(frozen=True, slots=True)
class _Hit:
    rec: int
    matched: str
    method: str
    score: float
    candidate: bool = False
    note: str | None = None
    ntype: str = "primary"  # the matched name's type: primary, alias, affiliate, short …
    span: str | None = None  # the stretch of the query that matched
    corrected: str | None = None  # the words corrected to reach the name: "Institue" → …
    with_unit: bool = False  # the string names a unit of it too (a ROR child), dropped
    owner: bool = False  # named after "corporate member of": the owner of the organisation before


class _PartView:
    """What the rules read of a part's segments apart from the stretch they weigh: each
    segment's city key (:func:`_place`) and whether it only qualifies a name
    (:func:`_locationish`), worked out once per part, when first asked, instead of once per
    stretch (an affiliation's stretches overlap: the city segments are read for every one)."""

    __slots__ = ("_keys", "_qualifiers", "segments")

    def __init__(self, segments: tuple[str, ...]) -> None:
        self.segments = segments
        self._keys: list[str | None] = [None] * len(segments)
        self._qualifiers: list[bool | None] = [None] * len(segments)

    def place(self, i: int) -> str:
        """Segment ``i`` as a city's exact-match key, without its numbers ("" for none)."""
        key = self._keys[i]
        if key is None:
            key = self._keys[i] = _place(self.segments[i])
        return key

    def places(self, *besides: int) -> set[str]:
        """The city keys of the segments other than ``besides`` (a postcode alone names none)."""
        keys = {self.place(i) for i in range(len(self.segments)) if i not in besides}
        keys.discard("")
        return keys

    def qualifiers_after(self, last: int) -> bool:
        """Every segment after ``last`` is a city, postcode, campus or acronym."""
        for i in range(last + 1, len(self.segments)):
            qualifies = self._qualifiers[i]
            if qualifies is None:
                qualifies = self._qualifiers[i] = _locationish(self.segments[i])
            if not qualifies:
                return False
        return True


class Resolver:
    """Resolve organisation names against every list in a store (latest edition of each).

    ``threshold`` is the minimum score of a fuzzy candidate. Build once and reuse: building
    reads the whole store; matching is read-only and thread-safe.
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        threshold: float = 0.85,
        records: Iterable[tuple[ListInfo, Entry]] | None = None,
    ) -> None:
        if records is None:
            if store is None:
                raise ValueError("Resolver needs a store or records")
            records = store.iter_latest()
        self.threshold = threshold
        self._recs: list[_Rec] = []
        self._exact: dict[str, list[tuple[int, str, str]]] = {}
        # the same words in another order ("Moscow State Lomonosov University"): sorted words →
        self._reordered: dict[str, list[tuple[int, str, str]]] = {}
        self._acronyms: dict[str, list[tuple[int, str]]] = {}
        # a list's own acronyms ("NUDT"), for a query that is one: never read into a string
        self._listed_acronyms: dict[str, list[tuple[int, str]]] = {}
        # the initials of names (normalise.name_initials): "МГУ" of a record's "Московский
        # государственный университет", "BMSTU" of a list's "Bauman Moscow State Technical
        # University" → (entry, the name initialled), for a query that is an acronym alone
        self._initialled: dict[str, list[tuple[int, str]]] = {}
        # a Cyrillic name's initials and namesake (normalise.named_after_key: "МГУ им.
        # Ломоносова") → (entry, the name so keyed)
        self._named_after: dict[str, list[tuple[int, str]]] = {}
        # a listed name without its possessive place ("Higher School of Economics" of
        # "Moscow's Higher School of Economics") that is too generic to name it alone: read
        # only in the entry's country, given or named in the string, as a candidate
        self._placeless: dict[str, list[tuple[int, str]]] = {}
        # a listed name's distinctive words less the cities the registry knows ("bauman" of
        # "Bauman Moscow State Technical University") → (entry, name, kind of name): what
        # people shorten such a name to ("Bauman University"), a guess to confirm
        self._namesake_short: dict[str, list[tuple[int, str, str]]] = {}
        # the words of registry names in GENERIC_SPREAD countries or more → how many countries
        self._generic_words: dict[str, int] = {}
        self._f_dist: list[str] = []
        self._f_skel: list[str] = []
        self._f_ref: list[tuple[int, str, str]] = []
        self._block: dict[tuple[int, int, str], list[int]] = {}
        self._by_ror: dict[str, int] = {}
        self._clusters: list[list[int]] = []
        self._cluster_ror: dict[int, str] = {}  # a list entry linked by name reports this ROR id
        self._searched: dict[str, bool] = {}  # "list@edition" -> partial
        self._registries: dict[str, bool] = {}  # the registry editions searched -> partial
        # "list@edition" → the scripts other than Latin its names are written in ("Han"): a
        # name in a script a list holds no name in is not screened against that list by name
        self._scripts: dict[str, set[str]] = {}
        # a Russian name's spelling in any common romanisation (romanised.romanised_key) → the
        # names of organisations in ROMANISED_COUNTRIES spelt so (entry, name, kind of name)
        self._romanised: dict[str, list[tuple[int, str, str]]] = {}
        # a registry city's key → the one country its records are in ("" if several)
        self._city_country: dict[str, str] = {}
        # a name registry records carry before a place ("Queens College, CUNY", "Royal Botanic
        # Gardens Melbourne") → (entry, name without the place): other organisations so named
        self._placed: dict[str, list[tuple[int, str]]] = {}
        # a list entry → the component list or regime it was designated under, as the import
        # recorded it (``designated_under``): a match names it, so a hit on the US CSL says
        # whether it is the OFAC SDN list (a prohibition) or the BIS Entity List (a licence)
        self._under: dict[int, str] = {}
        # a registry record ROR marks inactive → what a match on it says ("inactive in ROR;
        # successor: Exail (France) (ror:01sh68675)"): the organisation closed or was renamed
        self._inactive_said: dict[int, str] = {}
        self._build(records)

    # -- the built index as plain values (kvrules.refdata.cache keeps it on disk) -------------

    def export_index(self) -> dict[str, object]:
        """The built index as plain values (str, int, float, bool, None, tuples, lists, dicts),
        for :mod:`kvrules.refdata.cache` to store so that a run need not rebuild it. Every
        attribute but the threshold is the index, so what is added to the index is kept too."""
        state = {k: v for k, v in vars(self).items() if k != "threshold"}
        state["_recs"] = [tuple(getattr(rec, f) for f in _REC_FIELDS) for rec in self._recs]
        return state

    @classmethod
    def from_index(cls, state: dict[str, object], *, threshold: float = 0.85) -> Resolver:
        """A resolver from :meth:`export_index`'s values, without reading the store."""
        resolver = cls.__new__(cls)
        resolver.__dict__.update(state)
        resolver.threshold = threshold
        resolver._recs = [_Rec(*values) for values in state["_recs"]]  # type: ignore[attr-defined]
        return resolver

    # -- index ------------------------------------------------------------------------------

    @property
    def searched(self) -> list[str]:
        """The list editions names are matched against, e.g. "us_dod_1286@FY25 (partial)": a
        name found in none of them is not found there, which is not the same as safe."""
        return [
            k + (" (partial)" if partial else "") for k, partial in sorted(self._searched.items())
        ]

    def lists_without_script(self, name: str) -> tuple[str, list[str], bool] | None:
        """The script other than Latin ``name`` is written in, the list editions searched (as
        :attr:`searched` names them) that hold no name written in it, and whether a registry
        searched does (a list entry linked to its record is then found through it): a name not
        found was not screened by name against those lists, as none of their names could meet
        it. None for a name in Latin letters, or when every list searched holds names in its
        script (``without_script`` on :meth:`scripts_held`)."""
        if script_of(name) is None:  # most names: no need to say what the lists hold
            return None
        return without_script(name, self.scripts_held())

    def scripts_held(self) -> dict[str, Any]:
        """The scripts other than Latin the names searched are written in: ``lists`` maps
        each list edition searched (as :attr:`searched` names it) to its scripts,
        ``registry`` those a complete registry searched holds. Plain values, kept by a scan
        (``Store.remember_screening``) for a case page, which has no resolver to ask."""
        return {
            "lists": {
                k + (" (partial)" if partial else ""): sorted(self._scripts.get(k, ()))
                for k, partial in sorted(self._searched.items())
            },
            "registry": sorted(
                {
                    script
                    for k, partial in self._registries.items()
                    if not partial
                    for script in self._scripts.get(k, ())
                }
            ),
        }

    @property
    def registry_complete(self) -> bool:
        """Whether the organisation registry (ROR) screened is a complete edition: only then
        does "not in the registry" say something of a name (the shipped sample, a partial
        import: it does not)."""
        return bool(self._registries) and not any(self._registries.values())

    @property
    def size(self) -> dict[str, int]:
        return {
            "entries": len(self._recs),
            "names": sum(len(v) for v in self._exact.values()),
            "keys": len(self._exact),
            "fuzzy_names": len(self._f_dist),
        }

    def _build(self, records: Iterable[tuple[ListInfo, Entry]]) -> None:
        """One pass over the records, holding none of them: a full ROR import is 120,000
        entries, and only the list entries (a few thousand) are kept for the crosswalk."""
        listed: dict[int, Entry] = {}
        without_city: list[tuple[str, int, str]] = []
        without_country: list[tuple[str, int, str]] = []
        before_research: list[tuple[str, int, str]] = []
        variants: list[tuple[str, int, str, str]] = []  # a Chinese name's usual short forms
        # Han names and whose they are: their endings are read after the pass, only those that
        # are some name's usual short form (a full ROR import's Han names have 940,000 endings,
        # which held as keys with their owners took 340 MB while the index was built)
        han_names: list[tuple[str, str]] = []
        places: list[tuple[str, int, str]] = []  # pinyin keys with a place spelt in English
        spread: dict[str, set[str]] = {}
        screening: dict[str, str] = {}  # list → its screening edition, the first one read
        for info, entry in records:
            if entry.entity_type == "country":
                continue  # country signals are looked up by code, not by name
            carried = screening.setdefault(info.list_id, info.edition) != info.edition
            if not carried:  # a carried record's edition was not searched, only that record
                self._searched[f"{info.list_id}@{info.edition}"] = bool(info.partial)
                if info.kind == "registry":
                    self._registries[f"{info.list_id}@{info.edition}"] = bool(info.partial)
            self._recs.append(
                _Rec(
                    info.list_id,
                    info.edition,
                    info.kind,
                    entry.entry_id,
                    entry.name,
                    entry.country,
                    entry.ror_id,
                    entry.parent_ror_id,
                    select_only=entry.attributes.get("scope") == SELECT_AFFILIATES,
                    system=info.kind == "registry" and _is_system(entry),
                )
            )
            idx = len(self._recs) - 1
            self._recs[idx].carried = carried
            if info.kind != "registry" and (under := designated_under(entry.attributes)):
                self._under[idx] = under
            city = entry.attributes.get("city") if info.kind == "registry" else None
            city_tokens = _analysed(city).tokens if isinstance(city, str) and city.strip() else ()
            self._recs[idx].city = "".join(city_tokens)
            if city_tokens and entry.country:
                seen = self._city_country.setdefault(self._recs[idx].city, entry.country)
                if seen != entry.country:
                    self._city_country[self._recs[idx].city] = ""
            types = entry.attributes.get("types") if info.kind == "registry" else None
            self._recs[idx].education = isinstance(types, list) and "education" in types
            self._recs[idx].inactive = info.kind == "registry" and (
                entry.attributes.get("status") == "inactive"
            )
            if self._recs[idx].inactive:
                self._inactive_said[idx] = _inactive_in_words(entry.attributes.get("successors"))
            if not carried:
                held = self._scripts.setdefault(f"{info.list_id}@{info.edition}", set())
                held.update(filter(None, (script_of(name) for name, _ in entry.all_names())))
            keys: set[str] = set()
            english = _english_words(entry) if entry.country in HAN_COUNTRIES else frozenset()
            for name, ntype in entry.all_names():
                if ntype == "acronym" or _IS_ACRONYM_UNCACHED(name):
                    acronyms = self._acronyms if info.kind == "registry" else self._listed_acronyms
                    acronyms.setdefault(_analysed(name).key, []).append((idx, name))
                    continue
                if ntype != "affiliate" and entry.entity_type == "organisation":
                    self._add_initials(idx, name, info.kind == "registry")
                a = _analysed(name)
                if not a.key or not a.distinct:
                    continue  # "National Research University" alone identifies nobody
                keys.add(a.key)
                # one tuple for the exact, reordered and fuzzy look-ups, not three equal ones:
                # 260,000 names with a full ROR import, 64 bytes each saved twice (and kept so:
                # the kept index stores a shared value once and loads it shared)
                ref = (idx, name, ntype)
                self._exact.setdefault(a.key, []).append(ref)
                if entry.country in ROMANISED_COUNTRIES and len(a.tokens) >= 2:
                    self._romanised.setdefault(romanised_key(name), []).append(ref)
                if made := _NATIVE_VARIANTS_UNCACHED(name):
                    variants += [(_analysed(v).key, idx, name, v) for v in made]
                if english:
                    places += [(key, idx, name) for key in pinyin_with_places(name, english)]
                if HAN.search(name):
                    han_names.append((name, entry.ror_id or f"#{idx}"))
                if info.kind == "registry" and entry.country:
                    for token in a.distinct:
                        spread.setdefault(token, set()).add(entry.country)
                if len(a.distinct) >= 2:
                    self._reordered.setdefault(_word_set(a), []).append(ref)
                self._add_fuzzy(ref, a.distinct_text, a.skeleton_text)
                if city_tokens and ntype in ("primary", "alias"):
                    rest = _without_city(a.tokens, city_tokens)
                    if rest:
                        without_city.append((rest, idx, name))
                        self._placed.setdefault(rest, []).append((idx, _leading(name, rest)))
                if info.kind == "registry" and (bare := _without_country(name, entry.country)):
                    without_country.append((_analysed(bare).key, idx, name))
                if info.kind == "registry" and (bare := _before_research(name)):
                    before_research.append((_analysed(bare).key, idx, name))
                if info.kind == "registry" and (head := _before_place(name)):
                    self._placed.setdefault(_analysed(head).key, []).append((idx, head))
            if info.kind != "registry":  # registries carry their own short names as aliases
                self._add_short_forms(idx, entry, keys)
                for name, ntype in entry.all_names():
                    if ntype in ("primary", "alias") and (rest := _without_possessive(name)):
                        self._placeless.setdefault(_analysed(rest).key, []).append((idx, rest))
                listed[idx] = entry
        self._add_without_city(self._not_the_parents(without_city))
        self._add_without_city(without_country, WITHOUT_COUNTRY)
        self._add_without_city(before_research, WITHOUT_RESEARCH)
        # never a key another name holds, nor the ending of another organisation's name
        endings = _owners_of_endings(han_names, {form for *_, form in variants})
        del han_names
        usual = [
            (key, idx, name)
            for key, idx, name, form in variants
            if not endings.get(form, set()) - {self._recs[idx].ror_id or f"#{idx}"}
        ]
        self._add_without_city(usual, NATIVE_VARIANT)
        self._add_without_city(places, PINYIN_PLACE)
        self._generic_words = {t: len(c) for t, c in spread.items() if len(c) >= GENERIC_SPREAD}
        self._add_namesake_short()
        self._cluster(listed)

    def _add_namesake_short(self) -> None:
        """The listed names whose distinctive words include a city the registry knows, keyed
        by the others ("Bauman Moscow State Technical University" → "bauman"): the namesake
        or subject people shorten the name to ("Bauman University", "Bauman")."""
        cities, recs = self._city_country, self._recs
        if not cities:
            return
        registry: list[tuple[str, tuple[int, str, str]]] = []
        for pos, distinct in enumerate(self._f_dist):
            words = distinct.split()
            if len(words) < 2:
                continue
            kept = [w for w in words if w not in cities]
            if kept and len(kept) < len(words):
                ref = self._f_ref[pos]
                if recs[ref[0]].kind == "registry":
                    registry.append((" ".join(kept), ref))
                else:
                    self._namesake_short.setdefault(" ".join(kept), []).append(ref)
        # registry organisations shortened alike make the guess ambiguous ("Jiaotong
        # University": Xi'an's, Shanghai's, Beijing's …), and are kept only for that
        for key, ref in registry:
            if key in self._namesake_short:
                self._namesake_short[key].append(ref)

    def _add_without_city(self, found: list[tuple[str, int, str]], ntype: str = "") -> None:
        """A registry name that ends with its city ("Adam Mickiewicz University in Poznań",
        "Purdue University West Lafayette") is written without it in affiliations: the name less
        the city (``found``: key, entry, name) is a key too, unless some organisation is named
        so (then the city decides: "University of California, Berkeley" never becomes
        "University of California"). ``ntype``: what was left out, when not the city (a
        company's country: :func:`_without_country`)."""
        taken = set(self._exact)
        added: dict[str, list[tuple[int, str, str]]] = {}
        for key, idx, name in found:
            if key not in taken:
                added.setdefault(key, []).append((idx, name, ntype or WITHOUT_CITY))
        for key, names in added.items():
            self._exact.setdefault(key, []).extend(dict.fromkeys(names))

    def _not_the_parents(self, found: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
        """The names less their city (``found``: key, entry, name) that are not the record's ROR
        parent's own name followed by the parent's acronym: "German Center for Neurodegenerative
        Diseases (DZNE) Dresden" is a site of the German Center for Neurodegenerative Diseases
        (DZNE), and without its city it names the centre, which carries that name, not the site.
        (The parent's name alone is already a key, which a name less its city never replaces.)"""
        recs = self._recs
        wanted = {recs[idx].parent_ror for _, idx, _ in found} - {None}
        if not wanted:
            return found
        parent_of = {
            rec.ror_id: i
            for i, rec in enumerate(recs)
            if rec.kind == "registry" and rec.ror_id in wanted
        }
        acronyms: dict[int, list[str]] = {}
        parents = set(parent_of.values())
        for key, owners in self._acronyms.items():
            for i, _ in owners:
                if i in parents:
                    acronyms.setdefault(i, []).append(key)

        def parents_name(key: str, parent: int) -> bool:
            return any(
                key.endswith(acronym)
                and any(i == parent for i, _, _ in self._exact.get(key[: -len(acronym)], ()))
                for acronym in acronyms.get(parent, ())
            )

        return [
            (key, idx, name)
            for key, idx, name in found
            if (parent := parent_of.get(recs[idx].parent_ror or "")) is None
            or not parents_name(key, parent)
        ]

    def _add_short_forms(self, idx: int, entry: Entry, keys: set[str]) -> None:
        for name, ntype in entry.all_names():
            if ntype not in ("primary", "alias"):
                continue
            named = _NAMED_AFTER.match(name.strip())
            for short in short_forms(name):
                a = analyse(short)
                # stripping a qualifier must leave a name that still identifies: two or more
                # distinctive words ("Lebedev Physical"), never "Institute of Physics"; the name
                # before "named after …" is the organisation's own ("Ural Federal University")
                own = named is not None and short == named.group("what")
                if a.key in keys or len(a.distinct) < (1 if own else 2):
                    continue
                keys.add(a.key)
                self._exact.setdefault(a.key, []).append((idx, short, "short"))

    def _add_initials(self, idx: int, name: str, registry: bool) -> None:
        """``name``'s initials as an acronym of its entry (a list's names, and a registry's
        Cyrillic ones: a registry carries its own Latin acronyms), and a Cyrillic name's
        initials with its namesake ("МГУ им. Ломоносова"): the forms Russian names are written
        in, read from the names themselves."""
        if registry and name.isascii():
            return  # most of a registry's names: no Cyrillic, and its acronyms are its own
        cyrillic = script_of(name) == "Cyrillic"
        if (cyrillic or not registry) and (initials := name_initials(name)):
            key = _analysed(latin_acronym(initials) or initials).key
            self._initialled.setdefault(key, []).append((idx, name))
        if cyrillic and (key := named_after_key(name)):
            self._named_after.setdefault(key, []).append((idx, name))

    def _add_fuzzy(self, ref: tuple[int, str, str], distinct: str, skeleton: str) -> None:
        """``ref`` (entry, name, name type) in the fuzzy scan, by its distinctive words and
        class words."""
        pos = len(self._f_dist)
        self._f_dist.append(distinct)
        self._f_skel.append(skeleton)
        self._f_ref.append(ref)
        for key in _block_keys(distinct):
            self._block.setdefault(key, []).append(pos)

    def _cluster(self, listed: dict[int, Entry]) -> None:
        parent = list(range(len(self._recs)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        first_by_ror: dict[str, int] = {}
        for i, rec in enumerate(self._recs):
            if rec.ror_id:
                j = first_by_ror.setdefault(rec.ror_id, i)
                parent[find(i)] = find(j)
        # One organisation listed under several parts of one list (the US CSL's Entity List and
        # CMIC rows, a sanctions list's regimes): the same primary name in the same country is
        # one organisation, so a match cites every part instead of calling them namesakes.
        # Namesakes in different countries (or with no country) stay apart.
        first_listed: dict[tuple[str, str, str], int] = {}
        for i, rec in enumerate(self._recs):
            if rec.kind == "registry" or not rec.country or rec.carried:
                continue
            key = analyse(rec.name).key
            if key:
                j = first_listed.setdefault((rec.list_id, rec.country, key), i)
                parent[find(i)] = find(j)
        # A list entry without a ROR id joins the one registry organisation with its exact
        # name or alias in the same country (the documented list-to-ROR matching rule), or with
        # the short form of its long official name: then the record's names, labels and aliases
        # find the entry too, and it reports the record's ROR id (the crosswalk).
        for i, rec in enumerate(self._recs):
            if rec.ror_id or rec.kind == "registry" or not rec.country:
                continue
            targets: set[int] = set()
            for name in linking_names(listed[i]):
                for j, _, _ in self._exact.get(analyse(name).key, ()):
                    other = self._recs[j]
                    if other.kind == "registry" and other.country == rec.country:
                        targets.add(find(j))
            if len(targets) == 1:
                parent[find(i)] = targets.pop()
        ids: dict[int, int] = {}
        for i, rec in enumerate(self._recs):
            root = find(i)
            if root not in ids:
                ids[root] = len(self._clusters)
                self._clusters.append([])
            rec.cluster = ids[root]
            self._clusters[rec.cluster].append(i)
            if rec.ror_id:
                self._by_ror.setdefault(rec.ror_id, rec.cluster)
                self._cluster_ror.setdefault(rec.cluster, rec.ror_id)

    def ror_lineage(self, value: str) -> list[str]:
        """The ROR id ``value`` and its ancestors by ROR's ``parent`` relationships, nearest
        first ("011e9bt93" AFOSR → "02e2egq70" AFRL → …): as far as the registry imported here
        holds the records; a parent it does not hold is named and ends the line."""
        try:
            current: str | None = ror_id(value)
        except ValueError:
            return []
        line: list[str] = []
        while current and current not in line:
            line.append(current)
            cluster = self._by_ror.get(current)
            if cluster is None:
                break
            current = next(
                (
                    rec.parent_ror
                    for rec in (self._recs[i] for i in self._clusters[cluster])
                    if rec.kind == "registry" and rec.ror_id == current and rec.parent_ror
                ),
                None,
            )
        return line

    def ror_coverage(self) -> dict[str, tuple[int, int]]:
        """Per list (registries left out): (entries with a ROR id, own or by the crosswalk,
        entries) — how much of the list the ROR record names and ids reach."""
        coverage: dict[str, tuple[int, int]] = {}
        for rec in self._recs:
            if rec.kind == "registry":
                continue
            linked, total = coverage.get(rec.list_id, (0, 0))
            has_ror = bool(rec.ror_id or self._cluster_ror.get(rec.cluster))
            coverage[rec.list_id] = (linked + has_ror, total + 1)
        return coverage

    # -- matching ---------------------------------------------------------------------------

    def match(
        self, name: str, country: str | None = None, ror_id: str | None = None
    ) -> list[Match]:
        """Candidate list entries for one organisation name or affiliation string, best first
        (every organisation an affiliation string names, merged)."""
        cc = to_country(country) if country else None
        if ror_id or is_ror_id(name):
            hits = self._by_ror_id(ror_id or name)
            if hits:
                return self._expand(hits)
        return self._expand([hit for org in self._organisations(name, cc) for hit in org])

    def match_affiliation(self, text: str, country: str | None = None) -> list[OrganisationMatch]:
        """Each organisation an affiliation string names, in the order it names them, with its
        candidate entries best first: "Dept. of Physics, Univ. A; State Key Lab of B, Univ. C"
        gives Univ. A and Univ. C (a lab only when the lab itself is listed)."""
        cc = to_country(country) if country else None
        out = []
        for hits in self._organisations(text, cc):
            span = hits[0].span or text
            with_unit = any(h.with_unit for h in hits)
            owner = all(h.owner for h in hits)
            out.append(OrganisationMatch(span, self._expand(hits), with_unit, owner))
        return out

    def resolve(self, text: str, country: str | None = None) -> Match | None:
        """The one organisation an affiliation string names, if it names one for certain (its
        top match is confident; any other it names is only a candidate) and no ROR unit of it
        beside it: a string naming several ("Inserm U1109, CNRS, Université de Strasbourg",
        "A; B") or an organisation and its unit ("The Jenner Institute, University of Oxford")
        has no single organisation, though each of them is screened."""
        return the_organisation(self.match_affiliation(text, country), self.threshold)

    def country_named(self, text: str) -> str | None:
        """The country an affiliation string names: the one its first affiliation ends with
        ("…, PR China"), else the one country of the cities it names after the organisation
        that the registry knows in one country only ("Harbin Institute of Technology, Harbin")."""
        parts = parse(text)
        if not parts or parts[0].country:
            return parts[0].country if parts else None
        named = {self._city_country.get(_place(seg)) for seg in parts[0].segments[1:]}
        named.discard(None)
        named.discard("")
        return named.pop() if len(named) == 1 else None

    def best(
        self, name: str, country: str | None = None, ror_id: str | None = None
    ) -> Match | None:
        """The top match if it is confident enough to act on (not ambiguous, above threshold)."""
        found = self.match(name, country, ror_id)
        if found and found[0].score >= self.threshold:
            return found[0]
        return None

    def _organisations(self, name: str, cc: str | None) -> list[list[_Hit]]:
        """The hits of each organisation the text names (one list per organisation)."""
        if not name or not name.strip():
            return []
        text = " ".join(name[: 4 * MAX_NAME].split())
        if LOGOGRAPHIC.search(text) and (han := self._han_acronym(text, cc)):
            return [han]  # "大艺": an acronym a record carries in Han script
        if several := self._cyrillic_acronyms(text, cc):
            return [several]  # "НИУ ВШЭ": a status's initials before the organisation's
        acronym, named_country = _acronym_asked(text)
        if acronym:  # HIT, NEU, HUST, МФТИ: never decided on an acronym
            hits = self._bare_acronym(acronym, cc or named_country, written=text)
            return [hits] if hits else []
        if cc is None and (stated := _state_abbreviated_before(text)):
            cc = stated  # "U.S. Naval University of Engineering": not the Chinese one
        if len(text) <= MAX_NAME:
            hits = (
                self._lookup(text, cc, EXACT)
                or self._after_country(text, cc)
                or self._after_state_abbreviation(text, cc)
                or self._named_after_initials(text, cc)
                or self._as_usually_shortened(text, cc)
                or self._without_namesake_initials(text, cc)
                or self._as_romanised(text, cc)
                or self._from_wade_giles(text, cc)
                or self._before_its_unit(text, cc)
            )
            if hits:
                whole = [self._unconfirmed_units(hits, cc, set(), set())]
                if "," in text:  # a name read over commas may hide a listed one
                    segments = tuple(seg for part in parse(text) for seg in part.segments)
                    whole += self._listed_outright(segments, cc, hits)
                    whole = self._parent_named_last(hits, segments, cc) or whole
                return whole
        orgs: list[list[_Hit]] = []
        for part in parse(text):
            orgs.extend(self._part(part, cc or part.country))
        named = [hits for hits in orgs if hits[0].method != ACRONYM]
        if not orgs and (placeless := self._without_its_place(text, cc)):
            return [placeless]
        if not orgs and (short := self._short_name(text, cc) or self._without_city(text, cc)):
            return [short]
        # the organisations named by acronym ("UVSQ, INSERM") are screened after the others
        return named + [hits for hits in orgs if hits[0].method == ACRONYM] if named else orgs

    def _after_state_abbreviation(self, text: str, cc: str | None) -> list[_Hit]:
        """A name after a state's dotted abbreviation ("P.R. Naval University of Engineering",
        "U.S. …") read as the name it opens: the abbreviation is no unit of it nor a namesake's
        initials. One that names no one country ("P.R.": the People's Republic of China, of
        Korea, or Puerto Rico) says nothing of where: the name is then a candidate to confirm,
        unless the country is given."""
        m = _INITIALS.match(text)
        if not m or re.sub(r"[.\s]", "", m["initials"]) not in _STATE_ABBREVIATIONS:
            return []
        rest = text[m.start("next") :]
        if analyse(rest).key not in self._exact:
            return []
        said = STATE_NOTE.format(f'"{m["initials"].strip()}"')
        hits = []
        for hit in self._lookup(rest, cc, EXACT, written=text):
            unsure = cc is None and not hit.candidate
            hits.append(
                replace(
                    hit,
                    span=text,
                    score=min(hit.score, SHORT_FORM) if unsure else hit.score,
                    candidate=hit.candidate or unsure,
                    note="; ".join(filter(None, [hit.note, said if unsure else None])),
                )
            )
        return hits

    def _without_its_place(self, text: str, cc: str | None) -> list[_Hit]:
        """A listed name written without the place it opens with ("Higher School of
        Economics" for "Moscow's Higher School of Economics"), read only in the entry's
        country, given or named at the end of the string ("…, Moscow, Russia"): a name many
        organisations may have, so a candidate to confirm, never the answer; without a
        country, nothing."""
        for part in parse(text):
            country = cc or part.country
            found = self._placeless.get(analyse(part.segments[0]).key, []) if country else []
            found = [f for f in found if self._recs[f[0]].country == country]
            if found:
                return [
                    self._scoped(
                        _Hit(i, name, SHORT_NAME, SHORT_FORM, True, PLACELESS_NOTE, "short", text)
                    )
                    for i, name in found
                ]
        return []

    def _as_usually_shortened(self, text: str, cc: str | None) -> list[_Hit]:
        """A Chinese name in one of the forms people write for a longer one ("中国国防科技大学":
        normalise.native_variants), read as that form, which the index holds for the names it
        was made from ("国防科技大学" of "中国人民解放军国防科学技术大学")."""
        for variant in native_variants(text):
            if analyse(variant).key in self._exact and (hits := self._lookup(variant, cc, EXACT)):
                return hits
        return []

    def _without_namesake_initials(self, text: str, cc: str | None) -> list[_Hit]:
        """A name opening with its namesake's initials ("N.E. Bauman Moscow State Technical
        University", "M.V. Lomonosov Moscow State University") read without them, as the name
        the list prints ("Bauman Moscow State Technical University"): the initials are part of
        the namesake's name, not another organisation's, so the rest is the name as written
        (not a unit read at the end of a string, as it was)."""
        initials = _namesake_initials(text)
        if initials is None:
            return []
        rest = text[len(initials) :]
        if analyse(rest).key not in self._exact:
            return []
        # not "exact": the name written is not the name listed, and the initials are a guess
        said = NAMESAKE_NOTE.format(f'"{initials.strip()}"')
        return [
            replace(
                hit,
                span=text,
                method=NAMESAKE_INITIALS if hit.method in ("exact", "alias") else hit.method,
                note="; ".join(filter(None, [hit.note, said])),
            )
            for hit in self._lookup(rest, cc, EXACT, written=text)
        ]

    def _as_romanised(self, text: str, cc: str | None) -> list[_Hit]:
        """A Russian name in another romanisation than the one the index holds, or in Cyrillic
        ("Moskovskij aviacionnyj institut", "Moskowski Awiazionny Institut" for the record's
        "Moskovskiy aviatsionnyy institut"): the names of organisations in the countries that
        write Russian names whose romanised key (romanised.romanised_key) is the text's. The key
        is lossy, so a hit is confident only in the organisation's country, given; several
        organisations spelt so are candidates."""
        if not self._romanised or (cc and cc not in ROMANISED_COUNTRIES) or "," in text:
            return []  # a name, not an affiliation string (its segments are read as names)
        if len(analyse(text).tokens) < 2:
            return []
        found = self._romanised.get(romanised_key(text), [])
        recs = self._recs
        if cc:
            found = [f for f in found if recs[f[0]].country == cc]
        clusters = {recs[i].cluster for i, _, _ in found}
        if not clusters:
            return []
        several = len(clusters) > 1
        hits = []
        for idx, name, ntype in found:
            sure = not several and cc is not None
            score = AMBIGUOUS if several else SHORT_FORM
            note = AMBIGUOUS_NOTE if several else None if sure else TRANSLITERATED_NOTE
            hit = _Hit(idx, name, TRANSLITERATION, score, not sure, note, ntype, text)
            hits.append(self._scoped(hit))
        return hits

    def _from_wade_giles(self, text: str, cc: str | None) -> list[_Hit]:
        """A Chinese name in Wade-Giles ("Hsi-an Chiao-t'ung Ta-hsüeh", "Fu-tan University")
        read in pinyin (wade_giles.as_pinyin), which the index holds: a transliteration, so
        confident only in the country given, at the transliteration score."""
        if (cc and cc not in HAN_COUNTRIES) or "-" not in text or "," in text:
            return []
        pinyin = as_pinyin(text)
        if pinyin is None or analyse(pinyin).key not in self._exact:
            return []
        hits = self._lookup(pinyin, cc, SHORT_FORM, TRANSLITERATION)
        return [
            replace(h, span=text, candidate=h.candidate or cc is None, note=h.note or WADE_NOTE)
            for h in hits
        ]

    def _before_its_unit(self, text: str, cc: str | None) -> list[_Hit]:
        """A Chinese name followed by one of its units, with or without a space
        ("哈尔滨工业大学航天学院", "清华大学自动化系"), read as the organisation before the unit,
        as "Harbin Inst. of Tech., School of Astronautics" is: only where the rest ends as a
        unit's name does and the part before it is, whole, a name the index holds (the
        string whole is looked up first: a unit with a record of its own is found as such)."""
        compact = text.replace(" ", "")
        if not HAN.search(compact) or not compact.endswith(_HAN_UNIT_ENDINGS):
            return []
        ends = [found.end() for found in _HAN_ORGANISATION_END.finditer(compact)]
        for end in reversed(ends):  # the longest head first: 中国科学院大学 before 中国科学院
            if analyse(compact[:end]).key in self._exact:
                return self._lookup(compact[:end], cc, SUBUNIT, SUBUNIT_METHOD)
        return []

    def _after_country(self, text: str, cc: str | None) -> list[_Hit]:
        """A name after its country ("中国哈尔滨工业大学", "中国 哈尔滨工业大学"), read as the
        name before it is ("哈尔滨工业大学, 中国"): only when the rest is, word for word, a name
        the index holds for one organisation ("中国科学院" is a name of its own, found whole
        before this; "China Academy of Engineering Physics, China" is no "Academy of
        Engineering Physics" in another word order)."""
        lead = leading_country(text)
        if lead is None or analyse(lead[1]).key not in self._exact:
            return []
        country, rest = lead
        hits = self._lookup(rest, cc or country, QUALIFIED)
        return hits if hits and not hits[0].candidate else []

    def _part(self, part: Part, cc: str | None) -> list[list[_Hit]]:
        """'Unit, Organisation[, City]': the organisations among the part's spans; a unit (a
        department, a lab) only when nothing else in the part is an organisation."""
        part = self._split_joined(part)
        covered: set[int] = set()
        found: list[tuple[bool, list[_Hit]]] = []
        segments = part.segments
        view = _PartView(segments)  # the segments' places, read once for every stretch
        cut_hits: list[str] = []  # organisations cut out of one segment ("A and B")
        acronyms: list[list[_Hit]] = []
        owners = _owner_segments(segments)
        for span in part.spans():
            if span.first in covered or span.last in covered:
                continue
            acronym = _leading_acronym(span.text) if span.first == span.last else ""
            if acronym and span.first and is_region_code(acronym):
                continue  # "Berkeley, CA 94720": a state after a city, not an organisation
            if acronym and not span.inner:
                hits = self._acronym(acronym, cc, view.places(span.first))
                if hits:
                    acronyms.append([replace(h, span=span.text) for h in hits])
                    covered.add(span.first)
                continue
            if is_acronym(span.text):
                continue
            if span.inner and any(span.text in hit or hit in span.text for hit in cut_hits):
                continue
            if span.first == 0 and not span.inner and view.qualifiers_after(span.last):
                hits = self._lookup(span.text, cc, QUALIFIED)
            else:
                hits = self._lookup(span.text, cc, SUBUNIT, inner=span.inner)
            if not hits and not span.inner and span.first == span.last:
                hits = self._after_state_abbreviation(span.text, cc)  # "P.R. … University"
            if not hits and not span.inner and span.first == span.last:
                for owner in _school_owners(span.text):
                    hits = self._lookup(owner, cc, SUBUNIT, SUBUNIT_METHOD, written=span.text)
                    if hits:
                        break
            if not hits and not span.inner and (university := _acronym_university(span.text)):
                hits = self._acronym(university, cc, set(), university=True)
            one_segment = span.first == span.last and not span.inner
            if not hits and one_segment and (at_city := self._acronym_at_city(span.text, cc)):
                # "FMI Basel": screened as an acronym is ("INSERM U1163, Paris"), confidently
                acronyms.append([replace(h, span=span.text) for h in at_city])
                covered.add(span.first)
                continue
            if hits and all(h.ntype == WITHOUT_CITY for h in hits):
                hits = self._unit_without_its_city(hits, span, view)
            if hits and hits[0].note == AMBIGUOUS_NOTE:
                hits = self._by_city(hits, view.places(*range(span.first, span.last + 1)))
            if hits and hits[0].note == AMBIGUOUS_NOTE:
                hits = self._by_place_named(hits, span, segments)
            if hits and not cc:
                hits = self._against_city(hits, view, span)
            hits = self._unit_named_with_parent(hits, span, segments, cc)
            if hits and span.first in owners:
                hits = [replace(h, owner=True) for h in hits]
            if hits:
                found.append((span.unit, [replace(h, span=span.text) for h in hits]))
                if span.last > span.first and not span.inner:
                    also = self._also_named(hits, segments[span.last], cc)
                    found.extend(also)
                    pair = segments[span.first : span.last + 1]
                    read = hits + [h for _, named_too in also for h in named_too]
                    found.extend((False, h) for h in self._listed_outright(pair, cc, read))
                if span.inner:
                    cut_hits.append(span.text)
                else:
                    covered.update(range(span.first, span.last + 1))
        if found:
            named = {self._recs[h.rec].cluster for _, hits in found for h in hits}
            named.update(self._acronymed(segments))
            places = view.places()
            found = [(u, self._unconfirmed_units(hits, cc, places, named)) for u, hits in found]
            # a unit is an organisation of its own only when a list (not a registry) names it
            orgs = [hits for unit, hits in found if not unit or self._listed(hits)]
            orgs = orgs or [found[0][1]]
            orgs = self._without_namesakes(self._without_children(self._without_repeats(orgs)))
            orgs = self._abroad_as_candidates(self._principal_first(orgs))
            orgs = self._units_last(_confident_first(orgs), named)
            # the organisations a "corporate member of" names come after the one it belongs to
            orgs = sorted(orgs, key=lambda hits: all(h.owner for h in hits))
            return orgs + _besides(acronyms, orgs)
        if acronyms:
            return self._principal_first(self._without_children(acronyms))
        initialled = next(filter(None, (self._initials(seg, cc) for seg in reversed(segments))), [])
        if initialled:
            return [initialled]
        joined = " ".join(segments)
        hits = self._subunit(joined, cc) or self._segment_ends(segments, cc)
        if not hits and (apart := self._named_apart(segments, cc)):
            return apart
        hits = hits or self._fuzzy(joined, cc)
        if not hits and len(segments) > 1:
            hits = self._fuzzy(segments[0], cc)
        hits = hits or self._acronym_with_a_name(segments, cc)
        return [[replace(h, span=h.span or joined) for h in hits]] if hits else []

    def _acronym_with_a_name(self, segments: tuple[str, ...], cc: str | None) -> list[_Hit]:
        """A part that names no organisation otherwise: the one organisation known by an
        acronym written with a unit's name ("UCL Queen Square Institute of Neurology", "CNR
        Neuroscience Institute", "Whitehead Institute/MIT"), as a candidate to confirm: the
        unit may be an organisation of its own the registry lacks, or the acronym another
        organisation's (affiliations.acronyms_with_a_name)."""
        for segment in segments:
            for acronym in acronyms_with_a_name(segment):
                hits = self._acronym(acronym, cc, set())
                if hits:
                    return [
                        replace(h, candidate=True, span=segment, note=h.note or GUESS_NOTE)
                        for h in hits
                    ]
        return []

    def _also_named(
        self, hits: list[_Hit], segment: str, cc: str | None
    ) -> list[tuple[bool, list[_Hit]]]:
        """The organisation a pair's second segment names on its own, when the pair names
        another that is not a university ("West China Hospital, Sichuan University" is the
        hospital's name, and "Sichuan University" the university's): a hospital named with its
        university names both, and the university is screened in its own right."""
        recs = self._recs
        if any(recs[h.rec].education for h in hits):
            return []  # a campus named with its system ("University at Buffalo, SUNY") is one
        also = self._lookup(segment, cc, SUBUNIT, "parent")
        if not also or also[0].candidate:
            return []
        if {recs[h.rec].cluster for h in also} & {recs[h.rec].cluster for h in hits}:
            return []
        return [(False, [replace(h, span=segment) for h in also])]

    def _parent_named_last(
        self, hits: list[_Hit], segments: tuple[str, ...], cc: str | None
    ) -> list[list[_Hit]]:
        """A unit's ROR name written "Unit, Parent" ("Klarman Cell Observatory, Broad
        Institute", "Lineberger Comprehensive Cancer Center, University of North Carolina at
        Chapel Hill" in another order) whose last segment names the unit's ROR parent on its
        own: read as the parent with its unit, as when the two are named apart ("The Jenner
        Institute, University of Oxford"): the string does not say which of the two the author
        is counted under. [] if the last segment names no parent of the unit, or for a college
        or campus named with its university or system ("Birkbeck, University of London",
        "University at Buffalo, State University of New York"), which is one organisation."""
        recs = self._recs
        if len(segments) < 2 or any(h.candidate or h.ntype == "primary" for h in hits):
            return []  # a record's own name, "Unit, Parent" included, names that record
        if any(recs[h.rec].education or self._listed_cluster(recs[h.rec].cluster) for h in hits):
            return []
        parents = {self._by_ror.get(recs[h.rec].parent_ror or "") for h in hits}
        named = self._lookup(segments[-1], cc, SUBUNIT, "parent")
        if not named or named[0].candidate:
            return []
        if not {recs[h.rec].cluster for h in named} <= parents and not _named_after(
            hits, segments[-1]
        ):
            return []
        return [[replace(h, span=segments[-1], with_unit=True) for h in named]]

    def _unit_named_with_parent(
        self, hits: list[_Hit], span: Span, segments: tuple[str, ...], cc: str | None
    ) -> list[_Hit]:
        """A pair of segments read as a unit's alias or reordered name that ends with the unit's
        ROR parent ("BIO5 Institute, University of Arizona 9", "Lombardi Comprehensive Cancer
        Center, Georgetown University 5": the footnote number left the pair to be read whole)
        is the parent with its unit, as the whole string is (:meth:`_parent_named_last`)."""
        if not hits or span.inner or span.last == span.first:
            return hits
        pair = (*segments[span.first : span.last], _without_number(segments[span.last]))
        named = self._parent_named_last(hits, pair, cc)
        return named[0] if named else hits

    def _split_joined(self, part: Part) -> Part:
        """A segment "X and Y" cut in two where both sides name organisations ("University of
        California, Berkeley and Tsinghua University"): X read with the segment before it, each
        side a name the index holds, so "and" inside a name ("Department of Science and
        Technology", "Texas A and M") cuts nothing."""
        segments = list(part.segments)
        for i in range(len(segments) - 1, -1, -1):
            words = segments[i].split()
            k = next((j for j, w in enumerate(words) if w.lower() in ("and", "&")), 0)
            left, right = " ".join(words[:k]), " ".join(words[k + 1 :])
            if not (k and right) or not self._names(right):
                continue
            if self._names(left) or (i and self._names(f"{segments[i - 1]}, {left}")):
                segments[i : i + 1] = [left, right]
        return (
            part if len(segments) == len(part.segments) else replace(part, segments=tuple(segments))
        )

    def _names(self, text: str) -> bool:
        """The index holds ``text`` as an organisation's name (any country)."""
        a = analyse(text)
        return bool(a.distinct) and a.key in self._exact

    def _acronym(
        self, acronym: str, cc: str | None, places: set[str], university: bool = False
    ) -> list[_Hit]:
        """The one registry organisation known by ``acronym`` ("INSERM", "UCLA"), weighed only
        when the part names no organisation otherwise: confident when the string names the
        organisation's city ("INSERM U1163, Paris"), else a candidate. Two organisations known
        so (CEU, UNIL …) give nothing. ``university``: the string says "<acronym> University"
        ("HSE University"), a name of its own, confident when one university is known so: a
        registry's (ROR type education) or a list's own acronym ("HSE", from the 1286's
        Notes), the latter confident only where the country given is the entry's."""
        key = analyse(acronym).key
        found = self._acronyms.get(key, [])
        recs = self._recs
        if university:  # a list gives no type: its acronym names what the string says it is
            found = [f for f in found if recs[f[0]].education]
            found += self._listed_acronyms.get(key, [])
        if cc:
            found = [f for f in found if recs[f[0]].country in (cc, None)]
        if len({recs[i].cluster for i, _ in found}) != 1:
            return []
        hits = []
        for idx, name in found:
            city = CITY_NOTE if recs[idx].city in places else None
            listed = recs[idx].kind != "registry"
            sure = (university and (not listed or recs[idx].country == cc)) or city is not None
            hits.append(_Hit(idx, name, ACRONYM, SUBUNIT, not sure, city, "acronym"))
        return [self._scoped(hit) for hit in hits]

    def _acronym_at_city(self, segment: str, cc: str | None) -> list[_Hit]:
        """A segment that is an acronym and a city, in either order ("FMI Basel", "Kiel
        CAU"): the one registry organisation known by the acronym in that city, as when the
        city is a segment of its own ("INSERM U1163, Paris"); [] when the acronym names none
        there, or several (the segment is then read as any other)."""
        words = segment.split()
        if len(words) < 2:
            return []
        if is_acronym(words[0]) and not is_acronym(words[1]):
            acronym, city = words[0], _place(" ".join(words[1:]))
        elif is_acronym(words[-1]) and not is_acronym(words[-2]):
            acronym, city = words[-1], _place(" ".join(words[:-1]))
        else:
            return []
        if city not in self._city_country:
            return []
        recs = self._recs
        # the city decides between the organisations known so ("FMI" is two, one in Basel)
        found = [
            (i, name)
            for i, name in self._acronyms.get(analyse(acronym).key, [])
            if recs[i].city == city and (not cc or recs[i].country in (cc, None))
        ]
        if len({recs[i].cluster for i, _ in found}) != 1:
            return []
        return [
            self._scoped(_Hit(i, name, ACRONYM, SUBUNIT, False, CITY_NOTE, "acronym"))
            for i, name in found
        ]

    def _bare_acronym(
        self, text: str, cc: str | None, written: str | None = None, strict: bool = False
    ) -> list[_Hit]:
        """A query that is an acronym alone ("BUAA", "NUDT", "UCLA"): each organisation a
        registry or a list knows by it (in the country given), a candidate to confirm, never a
        verdict; an acronym more than :data:`MAX_GUESSES` organisations share says nothing."""
        key = analyse(text).key
        found = self._acronyms.get(key, []) + self._listed_acronyms.get(key, [])
        found_as = [(i, name, "acronym") for i, name in found]
        carried = {i for i, _ in found}
        found_as += [
            (i, name, INITIALS_OF) for i, name in self._initialled.get(key, []) if i not in carried
        ]
        if script_of(written or text) == "Cyrillic":
            # written in Cyrillic: an organisation whose names are ("МГУ" is not Mahatma Gandhi
            # University's MGU), where one is known so
            russian = [f for f in found_as if self._writes_cyrillic(f[0], f[1])]
            found_as = russian if russian or strict else found_as
        hits = self._guesses(found_as, cc, ACRONYM, written or text)  # as written: "МФТИ"
        return [replace(h, method=INITIALS) if h.ntype == INITIALS_OF else h for h in hits]

    def _cyrillic_acronyms(self, text: str, cc: str | None) -> list[_Hit]:
        """A query of several Cyrillic acronyms, as Russian names are written with their
        status's initials first ("НИУ ВШЭ": национальный исследовательский университет, then
        the Higher School of Economics; "ФГБОУ МГУ"): the one organisation one of them
        names among those whose names are in Cyrillic, when the others name none, a guess to
        confirm as an acronym is."""
        words = _QUOTES.sub(" ", text).split()
        if not 2 <= len(words) <= _MAX_ACRONYMS or not all(latin_acronym(w) for w in words):
            return []
        named = [
            hits
            for word in words
            if (hits := self._bare_acronym(latin_acronym(word) or word, cc, word, strict=True))
        ]
        if len(named) != 1:
            return []
        return [replace(hit, span=text) for hit in named[0]]

    def _han_acronym(self, text: str, cc: str | None) -> list[_Hit]:
        """A query that is, character for character, an acronym a list or registry carries in
        Han script ("大艺" of Dalian Art College): a candidate to confirm, as a Latin acronym
        is. The index keys acronyms by their romanisation, which a query in Han script never
        reached (it is no Latin acronym). Abbreviations no record carries (哈工大, 北理工) are
        not made up."""
        compact = han_text(text)
        if len(compact) > _MAX_HAN_ACRONYM:
            return []
        key = analyse(compact).key
        found = self._acronyms.get(key, []) + self._listed_acronyms.get(key, [])
        same = [(i, name, "acronym") for i, name in found if han_text(name) == compact]
        return self._guesses(same, cc, ACRONYM, text) if same else []

    def _writes_cyrillic(self, idx: int, name: str) -> bool:
        """Whether entry ``idx`` (reached by ``name``) is an organisation whose names are
        written in Cyrillic: the name is, or the entry is in a country that writes Russian."""
        return script_of(name) == "Cyrillic" or self._recs[idx].country in ROMANISED_COUNTRIES

    def _named_after_initials(self, text: str, cc: str | None) -> list[_Hit]:
        """A Cyrillic name written as its initials and whom it is named after ("МГУ им.
        Ломоносова", "МГТУ им. Баумана"): the organisation a list or registry names so
        in full ("Московский государственный университет имени Ломоносова"), when it is
        one; in another country than the one given, nothing."""
        key = named_after_key(text)
        found = self._named_after.get(key, []) if key else []
        recs = self._recs
        if cc:
            found = [f for f in found if recs[f[0]].country in (cc, None)]
        if len({recs[i].cluster for i, _ in found}) != 1:
            return []
        return [
            self._scoped(
                _Hit(i, name, NAMESAKE_AND_INITIALS, SHORT_FORM, False, None, INITIALS_OF, text)
            )
            for i, name in found
        ]

    def _short_name(self, text: str, cc: str | None) -> list[_Hit]:
        """A query that is an organisation's name without its class words ("Beihang" for
        "Beihang University"), a candidate to confirm: the names whose distinctive words are
        the query's, read from the fuzzy index's block of the query's first word."""
        a = analyse(text)
        if not a.distinct or a.skeleton or len(text) > MAX_NAME:
            return []
        found = self._named_without_class_words(a.distinct)
        if not found and 1 < len(a.distinct) <= _MAX_SPACED_SYLLABLES:
            # a romanised name written a syllable a word ("Bei Hang", "Fu Dan", "Amir Kabir")
            # as its own name writes it in one ("Beihang University"): the same words joined
            found = self._named_without_class_words(("".join(a.distinct),))
        return self._guesses(found, cc, SHORT_NAME, text)

    def _without_city(self, text: str, cc: str | None) -> list[_Hit]:
        """A query that is a listed name's distinctive words less its city, alone or with some
        of its class words ("Bauman", "Bauman University" of "Bauman Moscow State Technical
        University"): a guess to confirm, as a short name is."""
        a = analyse(text)
        if not a.distinct or len(text) > MAX_NAME:
            return []
        found = [
            ref
            for ref in self._namesake_short.get(a.distinct_text, ())
            if set(a.skeleton) <= set(analyse(ref[1]).skeleton)
        ]
        return self._guesses(found, cc, SHORT_NAME, text)

    def _named_without_class_words(self, distinct: tuple[str, ...]) -> list[tuple[int, str, str]]:
        """The names (entry, name, kind) whose distinctive words are ``distinct`` and that carry
        class words besides, from the fuzzy index's block of the first word."""
        query, first = " ".join(distinct), distinct[0]
        block = self._block.get((len(distinct), 0, "p" + first[:3]), ())
        return [self._f_ref[p] for p in block if self._f_dist[p] == query and self._f_skel[p]]

    def _guesses(
        self, found: list[tuple[int, str, str]], cc: str | None, method: str, text: str
    ) -> list[_Hit]:
        """``found`` (entry, name, kind of name) as candidates: one organisation at
        :data:`GUESS`, several (at most :data:`MAX_GUESSES`) as ambiguous."""
        recs = self._recs
        if cc:
            found = [f for f in found if recs[f[0]].country in (cc, None)]
        clusters = {recs[i].cluster for i, _, _ in found}
        if not clusters or len(clusters) > MAX_GUESSES:
            return []
        score, note = (GUESS, GUESS_NOTE) if len(clusters) == 1 else (AMBIGUOUS, AMBIGUOUS_NOTE)
        return [
            self._scoped(_Hit(i, name, method, score, True, note, ntype, text))
            for i, name, ntype in dict.fromkeys(found)
        ]

    def _initials(self, segment: str, cc: str | None) -> list[_Hit]:
        """A name whose initials are the acronym of one registry organisation that shares two
        distinctive words with it ("Fred Hutchinson Cancer Research Center" → FHCRC, "Fred Hutch
        Cancer Center"): two pieces of evidence that agree, enough for a registry's id, never
        for a list's verdict (a listed entry reached so is a candidate)."""
        words = [w for w in _NON_LETTER.split(segment) if w and w.lower() not in STOP_WORDS]
        if len(words) < 3 or not all(w[0].isupper() for w in words):
            return []
        found = self._acronyms.get("".join(w[0] for w in words).lower(), [])
        recs = self._recs
        if cc:
            found = [f for f in found if recs[f[0]].country in (cc, None)]
        if len({recs[i].cluster for i, _ in found}) != 1:
            return []
        own, theirs = analyse(segment), analyse(recs[found[0][0]].name)
        if len(set(own.distinct) & set(theirs.distinct)) < 2 or _spelled_otherwise(own, theirs):
            return []
        return [
            self._scoped(_Hit(idx, name, INITIALS, SUBUNIT, False, None, "acronym", segment))
            for idx, name in found
        ]

    def _unit_without_its_city(self, hits: list[_Hit], span: Span, view: _PartView) -> list[_Hit]:
        """A name that reads as a unit's ("Instituto de Biotecnología", "Institute of
        Physics") reached only as a record's name less its city ("Instituto de Biotecnología de
        León") is a candidate when the string names no city of those records: any university
        may have an institute so named ("Instituto de Biotecnologia, UNAM"). A city the part
        names anywhere, as a place or inside another name, keeps the record."""
        tokens = analyse(span.text).tokens
        if not tokens or tokens[0] not in UNIT_WORDS:
            return hits
        # the city anywhere in the part, a word of another name too ("Université de Montpellier")
        words = set(analyse(" ".join(view.segments)).tokens) | view.places()
        if any(self._recs[h.rec].city in words for h in hits):
            return hits
        return [replace(h, candidate=True, note=h.note or CITYLESS_NOTE) for h in hits]

    def _by_city(self, hits: list[_Hit], places: set[str]) -> list[_Hit]:
        """Of the organisations a name is ambiguous between, the one whose city the string names
        ("Newcastle University, Newcastle upon Tyne"): a city is strong evidence, a country
        (thousands of organisations) is not."""
        recs = self._recs
        named = {recs[h.rec].cluster for h in hits if recs[h.rec].city in places}
        if len(named) != 1:
            return hits
        return [
            replace(h, score=SUBUNIT, candidate=False, note=CITY_NOTE)
            for h in hits
            if recs[h.rec].cluster in named
        ]

    def _by_place_named(
        self, hits: list[_Hit], span: Span, segments: tuple[str, ...]
    ) -> list[_Hit]:
        """Of the organisations a name is ambiguous between, the one whose full name is the name
        and a place the string names after it ("University of Maryland School of Medicine,
        Baltimore" → "University of Maryland, Baltimore", not its Baltimore County campus)."""
        recs = self._recs
        ours = {recs[h.rec].cluster for h in hits}
        named: set[int] = set()
        for seg in segments[span.last + 1 :]:
            if not (place := " ".join(w for w in seg.split() if not any(c.isdigit() for c in w))):
                continue
            full = self._exact.get(analyse(f"{span.text} {place}").key, ())
            named |= {recs[i].cluster for i, _, _ in full} & ours
        if len(named) != 1:
            return hits
        note = f"the string names its place: {recs[self._clusters[next(iter(named))][0]].name}"
        return [
            replace(h, score=SUBUNIT, candidate=False, note=note)
            for h in hits
            if recs[h.rec].cluster in named
        ]

    def _against_city(self, hits: list[_Hit], view: _PartView, span: Span) -> list[_Hit]:
        """A record in another country than the one city the string names ("Institute of
        Physics, Beijing" is not the London one) is a candidate, never a confident answer: the
        city's country is the one country the registry's records in that city have."""
        named = {}
        for i, seg in enumerate(view.segments):
            if not span.first <= i <= span.last and (cc := self._city_country.get(view.place(i))):
                named[cc] = seg
        if len(named) != 1:
            return hits
        country, place = next(iter(named.items()))
        recs, says = self._recs, f"the string names {place} ({country})"
        return [
            replace(h, candidate=True, note=f"{says}; the record is in {recs[h.rec].country}")
            if recs[h.rec].country not in (country, None)
            else h
            for h in hits
        ]

    def _unconfirmed_units(
        self, hits: list[_Hit], cc: str | None, places: set[str], named: set[int]
    ) -> list[_Hit]:
        """A ROR child matched by a unit's name ("Institute of Fluid Physics", "Department of
        Biological Sciences": what units of many organisations are called) is confident only
        when the string agrees with it: it names the child's parent, city or country. Else it
        is a candidate, and so is the parent it reaches: "Institute of Fluid Physics, University
        of Zagreb" is no institute of the China Academy of Engineering Physics."""
        recs, out = self._recs, []
        for hit in hits:
            rec = recs[hit.rec]
            parent = self._by_ror.get(rec.parent_ror) if rec.parent_ror else None
            agrees = (
                hit.candidate
                or parent is None
                or rec.kind != "registry"
                or not self._generic_unit(hit.matched)
                or (cc is not None and rec.country == cc)
                or (bool(rec.city) and rec.city in places)
                or parent in named
            )
            if not agrees:
                note = UNIT_NOTE.format(recs[self._clusters[parent][0]].name)  # type: ignore[index]
                hit = replace(hit, candidate=True, note=hit.note or note)
            out.append(hit)
        return out

    def _generic_unit(self, name: str) -> bool:
        """A unit's name made of words many countries' organisations use ("Institute of Fluid
        Physics", "Department of Biological Sciences"), not a name of its own ("Institut
        Jacques Monod", "Institute Pasteur Shanghai")."""
        a = analyse(name)
        generic = self._generic_words
        return (
            bool(a.tokens) and a.tokens[0] in UNIT_WORDS and all(t in generic for t in a.distinct)
        )

    def _listed_outright(
        self, segments: tuple[str, ...], cc: str | None, read: list[_Hit]
    ) -> list[list[_Hit]]:
        """Each of ``segments`` that names a listed organisation on its own, confidently, other
        than the one a longer name ``read`` over them found ("West China Hospital, Sichuan
        University" is the hospital's ROR name, and Sichuan University is listed): a hospital,
        school or unit named with it never hides a listed institution."""
        if len(segments) < 2:
            return []
        recs, out = self._recs, []
        seen = {recs[h.rec].cluster for h in read}
        for segment in segments:
            hits = self._lookup(segment, cc, SUBUNIT)
            clusters = {recs[h.rec].cluster for h in hits if not h.candidate}
            if clusters - seen and any(self._listed_cluster(c) for c in clusters - seen):
                out.append([replace(h, span=segment) for h in hits])
                seen |= clusters
        return out

    def _units_last(self, orgs: list[list[_Hit]], named: set[int]) -> list[list[_Hit]]:
        """A unit whose ROR parent the part names too (by acronym: "UVSQ, …, Infection et
        inflammation") after the other organisations: the lab is not the principal one."""
        recs = self._recs

        def of_named(hits: list[_Hit]) -> bool:
            parents = {self._by_ror.get(recs[h.rec].parent_ror or "") for h in hits}
            return bool(parents & named)

        return sorted(orgs, key=of_named)

    def _acronymed(self, segments: tuple[str, ...]) -> set[int]:
        """The organisations a segment opening with an acronym may name ("CSIC", "CEA Saclay"),
        however many share it: evidence that agrees with a unit's parent, not an answer."""
        recs, out = self._recs, set()
        for segment in segments:
            first = segment.split()[0] if segment.split() else ""
            if is_acronym(first):
                out.update(recs[i].cluster for i, _ in self._acronyms.get(analyse(first).key, ()))
        return out

    def _listed(self, hits: list[_Hit]) -> bool:
        return any(self._recs[h.rec].kind != "registry" for h in hits)

    @staticmethod
    def _principal_first(orgs: list[list[_Hit]]) -> list[list[_Hit]]:
        """Affiliations run from the smallest unit to the institution ("Klarman Cell Observatory,
        Broad Institute"), so the last organisation a part names is taken for the one the
        author belongs to; the others follow in the order written."""
        return orgs[-1:] + orgs[:-1]

    def _without_children(self, orgs: list[list[_Hit]]) -> list[list[_Hit]]:
        """Drop an organisation whose ROR parent the same part names too (the institute of a
        university named beside it): the lists name institutions at the level they list."""
        recs = self._recs
        clusters = [{recs[h.rec].cluster for h in hits} for hits in orgs]
        named = set().union(*clusters)
        kept, with_unit = [], set()
        for hits, own in zip(orgs, clusters, strict=True):
            parents = {
                self._by_ror.get(recs[i].parent_ror)  # type: ignore[arg-type]
                for c in own
                for i in self._clusters[c]
                if recs[i].parent_ror
            }
            if not (parents - {None}) & (named - own):
                kept.append(hits)
            else:
                with_unit |= parents
        if not kept:
            return orgs[:1]
        # the organisation stands for its unit too: which of the two the author is counted
        # under is not written in the string (Resolver.resolve gives no single id for it)
        return [
            [replace(h, with_unit=True) for h in hits] if own & with_unit else hits
            for hits, own in ((hits, {recs[h.rec].cluster for h in hits}) for hits in kept)
        ]

    def _without_repeats(self, orgs: list[list[_Hit]]) -> list[list[_Hit]]:
        """One organisation named twice is one ("Swiss Federal Institute of Technology", which
        two organisations are called, beside "ETH Zurich", one of them; "Queen Mary University of
        London" in two segments): an organisation whose every candidate is named confidently
        elsewhere in the part is dropped, the last named of equals kept. Never one a list names
        confidently: a listed affiliate is another verdict than its parent's name."""
        recs = self._recs
        named = [{recs[h.rec].cluster for h in hits} for hits in orgs]
        sure = [{recs[h.rec].cluster for h in hits if not h.candidate} for hits in orgs]
        kept = []
        for i, (hits, mine) in enumerate(zip(orgs, named, strict=True)):
            if any(not h.candidate and recs[h.rec].kind != "registry" for h in hits):
                kept.append(hits)
                continue
            if mine in named[i + 1 :]:
                continue  # named again later: the last time counts
            others = set().union(*(s for s, n in zip(sure, named, strict=True) if n != mine))
            guessed = all(h.candidate for h in hits)
            if not (mine <= others or (guessed and mine & others)):
                kept.append(hits)
        return kept or orgs[-1:]

    def _abroad_as_candidates(self, orgs: list[list[_Hit]]) -> list[list[_Hit]]:
        """A unit's name that a registry organisation in another country carries ("Institute of
        Virology, Philipps-University Marburg" is not the Slovak Academy's institute): beside a
        principal organisation named confidently, an organisation whose records are all in
        other countries than the principal's is a candidate. Never a list's entry: it is
        screened in its own right."""
        recs = self._recs
        principal = [h for h in orgs[0] if not h.candidate] if orgs else []
        home = {recs[h.rec].country for h in principal} - {None}
        if len(orgs) < 2 or len(home) != 1:
            return orgs
        (country,) = home
        out = orgs[:1]
        for hits in orgs[1:]:
            places = {recs[h.rec].country for h in hits}
            if self._listed(hits) or None in places or country in places:
                out.append(hits)
                continue
            note = f"in another country than {recs[principal[0].rec].name} ({country})"
            out.append([replace(h, candidate=True, note=h.note or note) for h in hits])
        return out

    def _without_namesakes(self, orgs: list[list[_Hit]]) -> list[list[_Hit]]:
        """Drop an organisation named after another the same part names ("Stanford Diabetes
        Research Center, Stanford University School of Medicine", "CHU de Limoges … Université
        de Limoges"): the author's organisation is the one whose name the other builds on. Never
        one a list (not a registry) names: it is screened in its own right."""
        if len(orgs) < 2:
            return orgs
        words = [set(analyse(self._recs[hits[0].rec].name).distinct) for hits in orgs]
        # a university is never the unit of a hospital or institute named after its city
        # ("Friedrich Schiller University Jena" beside "Jena University Hospital")
        schools = [self._recs[hits[0].rec].education for hits in orgs]
        kept = [
            hits
            for hits, own, school in zip(orgs, words, schools, strict=True)
            if self._listed(hits)
            or not any(
                other and other < own and (schools[k] or not school)
                for k, other in enumerate(words)
            )
        ]
        return kept or orgs

    def _by_ror_id(self, value: str) -> list[_Hit]:
        try:
            cluster = self._by_ror.get(ror_id(value))
        except ValueError:
            return []
        if cluster is None:
            return []
        return [
            _Hit(i, self._recs[i].name, "ror", EXACT)
            for i in self._clusters[cluster]
            if self._recs[i].ror_id
        ]

    def _lookup(
        self,
        text: str,
        cc: str | None,
        score: float,
        method: str | None = None,
        written: str | None = None,
        inner: bool = False,
    ) -> list[_Hit]:
        """Exact key look-up, filtered by country; ambiguous across organisations → candidates.
        ``written``: the text as the person wrote it, when ``text`` is already normalised;
        ``inner``: ``text`` is cut out of a longer name ("University of Maryland" of "University
        of Maryland School of Medicine")."""
        hits = self._exact_lookup(text, cc, score, method, inner)
        typos = corrections(written or text) if hits else ()
        hits = [_with_corrections(hit, typos) for hit in hits] if typos else hits
        hits = [_as_the_name_spells(hit, written or text) for hit in hits]
        return [
            told
            for hit in hits
            if (told := self._as_a_ukrainian_spelling(hit, written or text, cc)) is not None
        ]

    def _as_a_ukrainian_spelling(self, hit: _Hit, written: str, cc: str | None) -> _Hit | None:
        """``hit`` as reached through a city's other spelling (ukrainian_places: "Kharkov" is
        "Kharkiv"), which the analysis reads alike everywhere: a spelling variant in Ukraine
        (the country given, else the organisation's); None elsewhere, where "Nikolaev" is a
        surname, not Mykolaiv ("Nikolaev Institute of Inorganic Chemistry", Novosibirsk)."""
        if written.casefold() == hit.matched.casefold():
            return hit  # the name as the list writes it: most exact hits, checked cheaply
        pairs = _ukrainian_spellings(written, hit.matched)
        if not pairs:
            return hit
        if (self._recs[hit.rec].country or cc) != "UA":
            return None
        said = "; ".join(f'"{a}" is "{b}"' for a, b in pairs)
        note = f"the city's other spelling: {said}"
        method = SPELLING_VARIANT if hit.method in ("exact", "alias") else hit.method
        return replace(hit, method=method, note="; ".join(filter(None, [hit.note, note])))

    def _exact_lookup(
        self, text: str, cc: str | None, score: float, method: str | None, inner: bool = False
    ) -> list[_Hit]:
        a = analyse(text)
        found = self._exact.get(a.key)
        if not found:
            return self._reordered_lookup(a, text, cc, score)
        if not a.distinct:
            return []
        recs = self._recs
        namesakes = self._placed_namesakes(a.key, found, inner) if a.key in self._placed else []
        found = found + namesakes
        if cc:
            here = [f for f in found if recs[f[0]].country in (cc, None)]
            if not here:
                return self._elsewhere(found, cc, text)
            found = here
        ambiguous = self._ambiguous(found, cc)
        if ambiguous and (active := self._active_only(found)):
            found, ambiguous = active, self._ambiguous(active, cc)
        if ambiguous and not namesakes and (own := self._named_so(found)):
            found, ambiguous = own, False
        if ambiguous and not namesakes:
            # "Institut Pasteur" is not "Instituto Pasteur", though both read "institute pasteur":
            # the spelling as written decides when it names one organisation only (not between
            # names that others complete with a place: "Queen's College", "Queens College, CUNY")
            surface = surface_key(text)
            same = [f for f in found if surface_key(f[1]) == surface]
            if same and not self._ambiguous(same, cc):
                found, ambiguous = same, False
        named = {recs[i].list_id for i, _, t in found if t == "primary"}
        if ambiguous:
            score, note = AMBIGUOUS, AMBIGUOUS_NOTE
        else:
            score, note = (score if cc else min(score, EXACT_NO_COUNTRY)), None
        # the words written short are read only where they name the method
        hits, short = [], abbreviated(text) if method is None else frozenset()
        for idx, matched, ntype in found:
            hit = _Hit(
                idx,
                matched,
                method or _how_named(short, matched, ntype),
                score,
                ambiguous,
                note,
                ntype,
                text,
            )
            if not ambiguous and ntype == "alias" and recs[idx].list_id in named:
                # the list names this organisation itself; this entry lists it among its
                # aliases (NRO aliases are often subsidiaries): related, not the same entry
                hit = replace(hit, score=min(score, SUBUNIT), note=ALIAS_NOTE)
            if ntype == "short" and not (cc and recs[idx].country == cc):
                hit = replace(hit, score=min(score, SHORT_FORM), candidate=True, note=SHORT_NOTE)
            hits.append(self._scoped(hit))
        return self._generic(a, hits)

    def _generic(self, a: Analysed, hits: list[_Hit]) -> list[_Hit]:
        """A name that says only what an organisation does ("Medical School", "Medical
        Center"): a registry record carrying it as an alias is a candidate, never the answer
        (its own name, "National Institutes of Health", is its name); a list's entry named so is
        still its verdict."""
        if not all(t in GENERIC_WORDS for t in a.distinct):
            return hits
        recs = self._recs
        return [
            replace(h, candidate=True, note=h.note or GENERIC_NOTE)
            if recs[h.rec].kind == "registry" and h.ntype != "primary"
            else h
            for h in hits
        ]

    def _placed_namesakes(
        self, key: str, found: list[tuple[int, str, str]], inner: bool
    ) -> list[tuple[int, str, str]]:
        """Other organisations that carry the name ``key`` before a place ("Queens College,
        CUNY", "Royal Botanic Gardens, Kew"), when the organisations found carry it less firmly:
        not as their own name ("Institut Pasteur", "Cleveland Clinic" are the ones their
        branches are named after), nor as an alias beside a name that completes it with their
        place ("University of Nevada", "University of Nevada, Reno") unless the name was cut out
        of a school's or unit's ("University of Maryland School of Medicine": which campus?). A
        name many organisations carry so is ambiguous (Acadia University's former name "Queen's
        College"; "Royal Botanic Gardens" of "… Melbourne") until the string says which (its
        city, its country, the place that completes the name). Not the parent or a unit of an
        organisation found: that is the same institution."""
        recs, clusters = self._recs, self._clusters
        own = {recs[i].cluster for i, _, _ in found}
        placed = {recs[i].cluster for i, _ in self._placed[key]}
        if any(
            t == "primary"
            or recs[i].kind != "registry"
            or (not inner and t != WITHOUT_CITY and recs[i].cluster in placed)
            for i, _, t in found
        ):
            return []
        related = {self._by_ror.get(recs[j].parent_ror or "") for c in own for j in clusters[c]}
        out, others = [], False
        for idx, head in self._placed[key]:
            rec = recs[idx]
            if rec.cluster in related or rec.inactive:
                continue
            if own & {self._by_ror.get(recs[j].parent_ror or "") for j in clusters[rec.cluster]}:
                continue
            # its own record's name so shortened too, so that the spelling as written decides
            # nothing between them ("Royal Botanic Gardens [Melbourne]" vs "…, Kew")
            out.append((idx, head, WITHOUT_PLACE))
            others = others or rec.cluster not in own
        return out if others else []

    def _named_so(self, found: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """Of the registry organisations a name is shared by, the one whose own name it is,
        when every other carries it as an alias only ("Newcastle University" is the GB
        university's name, and an alias of the University of Newcastle Australia): [] if that
        does not decide. Never past a list's entry: a listed organisation's alias
        ("Northwestern Polytechnic University") is for a person to weigh against a namesake."""
        recs = self._recs
        own = {recs[i].cluster for i, _, t in found if t == "primary"}
        if len(own) != 1 or any(
            t not in ("primary", "alias") or recs[i].kind != "registry" for i, _, t in found
        ):
            return []
        cluster = own.pop()
        return [f for f in found if recs[f[0]].cluster == cluster]

    def _active_only(self, found: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """Of the organisations a name is shared by, the one that still exists, when all the
        others are registry records ROR marks inactive (University College London's closed
        namesake, Concordia University Portland): [] if that does not decide."""
        recs, clusters = self._recs, self._clusters
        live = {
            recs[i].cluster
            for i, _, _ in found
            if not all(recs[j].inactive for j in clusters[recs[i].cluster])
        }
        return [f for f in found if recs[f[0]].cluster in live] if len(live) == 1 else []

    def _elsewhere(self, found: list[tuple[int, str, str]], cc: str, text: str) -> list[_Hit]:
        """A name one listed organisation carries, in another country than the one given: a wrong
        or conflicting country must not hide it, so it is a candidate for a person to judge,
        saying which country the list names ("Beihang University (NL)")."""
        recs = self._recs
        clusters = {recs[i].cluster for i, _, _ in found}
        if len(clusters) != 1 or not self._listed_cluster(clusters.pop()):
            return []  # a registry's namesake abroad ("Materials Science and Engineering")
        hits = []
        for idx, matched, ntype in found:
            note = f"the name is on the list for {recs[idx].country}; the record says {cc}"
            method = "exact" if ntype == "primary" else "alias"
            hits.append(_Hit(idx, matched, method, COUNTRY_CONFLICT, True, note, ntype, text))
        return [self._scoped(hit) for hit in hits]

    def _listed_cluster(self, cluster: int) -> bool:
        """A list (not only a registry) names the organisation."""
        return any(self._recs[i].kind != "registry" for i in self._clusters[cluster])

    def _reordered_lookup(self, a: Analysed, text: str, cc: str | None, score: float) -> list[_Hit]:
        """A name of one organisation with its words in another order ("Moscow State Lomonosov
        University", "Vienna Medical University"): two distinctive words or more, never a unit's
        name ("Institute of Stem Cell Biology …" is not "Stem Cell Biology Institute"), and only
        when one organisation carries those words."""
        if len(a.distinct) < 2 or a.tokens[0] in UNIT_WORDS or self._says_what_only(a):
            return []
        found = self._reordered.get(_word_set(a), [])
        recs = self._recs
        if cc:
            found = [f for f in found if recs[f[0]].country in (cc, None)]
        if len({recs[i].cluster for i, _, _ in found}) != 1:
            return []
        score = min(score if cc else EXACT_NO_COUNTRY, SUBUNIT)
        return [
            self._scoped(_Hit(idx, matched, WORD_ORDER, score, ntype=ntype, span=text))
            for idx, matched, ntype in found
        ]

    def _says_what_only(self, a: Analysed) -> bool:
        """Every distinctive word says what an organisation does, none which one it is
        ("Life Sciences and Chemistry"): such words in another order are no organisation's name
        ("Chemistry for Life Sciences", an alias of a French lab)."""
        generic = self._generic_words
        return all(t in GENERIC_WORDS or t in generic for t in a.distinct)

    def _ambiguous(self, found: list[tuple[int, str, str]], cc: str | None) -> bool:
        """Several organisations carry the name. With a country, the entries of different lists
        that carry it there are taken for one organisation, and within a list the entry named
        so is that organisation (others list it as an alias): only two entries of one list in
        that country (or with no country) carrying it the same way make it ambiguous."""
        recs = self._recs
        if len({recs[i].cluster for i, _, _ in found}) <= 1:
            return False
        if not cc:
            return True
        carrying: dict[str, set[int]] = {}
        named: dict[str, set[int]] = {}
        for i, _, ntype in found:
            carrying.setdefault(recs[i].list_id, set()).add(recs[i].cluster)
            if ntype == "primary":
                named.setdefault(recs[i].list_id, set()).add(recs[i].cluster)
        return any(
            len(clusters) > 1 and len(named.get(lid, ())) != 1 for lid, clusters in carrying.items()
        )

    def _scoped(self, hit: _Hit) -> _Hit:
        """An entry listed for its select affiliates only is a confident hit on those alone; a
        university system only when the name says "system" ("University of California" is
        written for one of its campuses far more often than for the system)."""
        rec = self._recs[hit.rec]
        if rec.system and "system" not in analyse(hit.matched).tokens:
            return replace(hit, candidate=True, note=hit.note or SYSTEM_NOTE)
        if not rec.select_only or hit.ntype == "affiliate":
            return hit
        score = min(hit.score, SELECT_PARENT)
        return replace(hit, score=score, candidate=True, note=SELECT_NOTE)

    def _subunit(self, text: str, cc: str | None) -> list[_Hit]:
        """'School of Computer Science Harbin Institute of Technology' → the trailing organisation,
        tried only after a leading unit word and longest tail first; never a tail after a city
        the registry knows ("Jiaxing Center for Disease Control and Prevention" is the city's
        centre, not the US one: the name less its city is another organisation's)."""
        tokens = analyse(text).tokens
        if len(tokens) < 3 or tokens[0] not in UNIT_WORDS:
            return []
        for start in range(1, len(tokens) - 1):
            tail = tokens[start:]
            if not any(t not in CLASS_WORDS for t in tail):
                break
            if tokens[start - 1] in self._city_country:
                continue
            found = self._exact.get("".join(tail))
            if found:
                hits = self._lookup(" ".join(tail), cc, SUBUNIT, SUBUNIT_METHOD, written=text)
                return _cityless_tail(hits)
        return []

    def _segment_ends(self, segments: tuple[str, ...], cc: str | None) -> list[_Hit]:
        """A part that names no organisation otherwise: the first organisation named by the
        words that end one of its segments after a unit's name or an acronym ("Department of
        Petroleum Engineering Abubakar Tafawa Balewa University, P.M.B 0248, Bauchi", "CNRS
        Université de Bordeaux"; :func:`~kvrules.refdata.affiliations.trailing_runs`)."""
        for segment in segments:
            for run in trailing_runs(segment) + leading_runs(segment):
                hits = self._lookup(run, cc, SUBUNIT, SUBUNIT_METHOD)
                if hits:
                    return _cityless_tail(hits)
        return []

    def _named_apart(self, segments: tuple[str, ...], cc: str | None) -> list[list[_Hit]]:
        """A part that names no organisation otherwise: the organisations the first segment
        that joins names with an unspaced hyphen or slash names, one each ("University of
        Zurich/ETH Zurich" names two, so no single one;
        :func:`~kvrules.refdata.affiliations.joined_names`)."""
        for segment in segments:
            found = [
                self._lookup(name, cc, SUBUNIT, SUBUNIT_METHOD) for name in joined_names(segment)
            ]
            orgs = [[replace(h, span=h.span or segment) for h in hits] for hits in found if hits]
            if orgs:
                return orgs
        return []

    def _fuzzy(self, text: str, cc: str | None) -> list[_Hit]:
        if LOGOGRAPHIC.search(text):
            return []  # a changed Han character is another word, not a typo (LOGOGRAPHIC)
        a = analyse(text)
        if not a.distinct or is_acronym(text):
            return []
        query = a.distinct_text
        budget = min(3, sum(_token_budget(t) for t in a.distinct))
        if budget == 0:
            return []
        # Candidates share, at every token position, the token's prefix or suffix: read the
        # names blocked under the rarest position and check the other positions on each name
        # itself (no union or intersection of the large blocks a full ROR import makes).
        block, n = self._block, len(a.distinct)
        ends = [(t[:3], t[-3:]) for t in a.distinct]
        blocks = [
            (block.get((n, i, "p" + pre), ()), block.get((n, i, "s" + suf), ()))
            for i, (pre, suf) in enumerate(ends)
        ]
        rarest = min(range(n), key=lambda i: len(blocks[i][0]) + len(blocks[i][1]))
        f_dist = self._f_dist
        pool = sorted({*blocks[rarest][0], *blocks[rarest][1]})
        if not pool:
            return []
        others = [(i, pre, suf) for i, (pre, suf) in enumerate(ends) if i != rarest]
        # the whole block scored in C, then the other positions checked on the few names within
        # the budget (checking every name of the block first, in Python, cost more); equal
        # distances stay in block order, so the first 64 are those a check first would keep
        near = process.extract(
            query,
            [f_dist[pos] for pos in pool],
            scorer=OSA.distance,
            score_cutoff=budget,
            limit=None,
        )
        found = [
            (choice, dist, pool[k])
            for choice, dist, k in near
            if not others or _shares_ends(choice.split(), others)
        ][:64]
        skel = a.skeleton_text
        recs = self._recs
        scored: list[tuple[float, int, int, str]] = []
        for choice, dist, pos in found:
            skel_sim = (
                fuzz.ratio(skel, self._f_skel[pos]) / 100 if (skel or self._f_skel[pos]) else 1
            )
            if skel_sim < 0.9 or not _typo_only(a.distinct, choice):
                continue  # "Harbin University" is not "Harbin Institute of Technology"
            idx, matched, ntype = self._f_ref[pos]
            if cc and recs[idx].country not in (cc, None):
                continue
            if LOGOGRAPHIC.search(matched):
                continue  # its key is a romanisation: one letter off crosses a character
            dist_sim = 1 - dist / max(len(query), len(choice))
            score = min(FUZZY_CAP, round(0.8 * dist_sim + 0.2 * skel_sim, 3))
            if score >= self.threshold:
                scored.append((score, int(dist), idx, matched, ntype))
        if not scored:
            return []
        scored.sort(key=lambda s: -s[0])
        top = scored[0][0]
        tied = {recs[s[2]].cluster for s in scored if s[0] == top}
        note = None
        if len(tied) > 1 or not cc:
            # two organisations equally close, or no country to confirm: a weaker suggestion
            note = "close spelling of several organisations" if len(tied) > 1 else None
            penalty = 0.1 if len(tied) > 1 else 0.02
            scored = [(round(s - penalty, 3), d, i, m, t) for s, d, i, m, t in scored]
        return [
            self._across_countries(
                self._scoped(
                    _Hit(idx, matched, "fuzzy", s, True, note, ntype, text, _changed(text, matched))
                ),
                cc,
            )
            for s, _, idx, matched, ntype in scored
        ]

    def _across_countries(self, hit: _Hit, cc: str | None) -> _Hit:
        """A close spelling that is a Ukrainian city's other spelling (ukrainian_places: the
        analysis reads "Mykolaiv" and "Nikolaev" alike) of an organisation outside Ukraine,
        where the word is no such city ("Nikolaev Institute of Inorganic Chemistry", named
        after a person, Novosibirsk): said as a spelling variant across countries, and without
        the organisation's country given, a guess to confirm, not a 0.92 close spelling."""
        pairs = _ukrainian_spellings(hit.span or "", hit.matched)
        country = self._recs[hit.rec].country
        if not pairs or country == "UA":
            return hit
        said = "; ".join(f'"{a}" is "{b}"' for a, b in pairs)
        place = f"the organisation is in {country}" if country else "no country is known"
        note = (
            f"a spelling variant across countries: {said} only as the Ukrainian and Russian "
            f"spellings of a city in Ukraine; {place}"
        )
        score = hit.score if cc and cc == country else min(hit.score, GUESS)
        return replace(hit, method=SPELLING_VARIANT, score=score, candidate=True, note=note)

    def _expand(self, hits: list[_Hit]) -> list[Match]:
        """Add the other entries of each hit's cluster (via ROR id) and its parent's entries."""
        recs, best = self._recs, {}
        for hit in hits:
            rec = recs[hit.rec]
            via_ror = f"ror:{rec.ror_id}" if rec.ror_id else f"{rec.list_id}:{rec.entry_id}"
            # names of a record the screening edition lacks: which edition they come from, on
            # every way they reach an entry (its cluster, and its parent's)
            from_edition = f" (names from {rec.list_id}@{rec.edition})" if rec.carried else ""
            via_said = f"{via_ror}{from_edition}"
            parent_said = f"parent of {rec.name}{from_edition}"
            members = self._clusters[rec.cluster]
            for i in members:
                if i == hit.rec:
                    _keep(best, hit, via_said if rec.carried else None, None)
                else:
                    # reached through another record's name: never one of i's listed affiliates
                    linked = _Hit(
                        i,
                        hit.matched,
                        hit.method,
                        hit.score,
                        hit.candidate,
                        hit.note,
                        hit.ntype,
                        span=hit.span,
                        corrected=hit.corrected,
                    )
                    _keep(best, self._scoped(linked), via_said, via_ror)
            parents = {recs[i].parent_ror for i in members if recs[i].parent_ror}
            for pr in parents:
                pc = self._by_ror.get(pr)  # type: ignore[arg-type]
                if pc is None or pc == rec.cluster:
                    continue
                for i in self._clusters[pc]:
                    up = _Hit(
                        i,
                        hit.matched,  # the sub-unit's name, which the string named
                        "parent",
                        round(hit.score * 0.95, 3),
                        hit.candidate,
                        ntype=hit.ntype,
                        span=hit.span,
                        corrected=hit.corrected,
                    )
                    _keep(best, self._scoped(up), parent_said, via_ror)
        # a superseded registry edition is never screened: its record lends its names to the
        # listed entry (whose match names the edition), and is no match of its own
        out = [
            self._to_match(h, via, linked)
            for h, via, linked in best.values()
            if not recs[h.rec].carried
        ]
        # best first; at equal scores a verdict before a candidate, then the lists before registries
        # equal candidates: the records that carry the name themselves before those whose name
        # it is only less a place or city ("Université de Paris": Université Paris Cité's former
        # name, Université Paris Nanterre's less "Nanterre")
        out.sort(
            key=lambda m: (
                -m.score,
                m.candidate,
                _KIND_ORDER.get(m.kind, 3),
                _CARRIED.get(m.name_type or "", len(_CARRIED)) if m.candidate else 0,
                m.list,
                m.entry,
            )
        )
        return out

    def _to_match(self, hit: _Hit, via: str | None, linked: str | None) -> Match:
        rec = self._recs[hit.rec]
        if via and hit.note == SELECT_NOTE:
            via = f"{via}; {SELECT_NOTE}"  # how it was reached, and why it is only a candidate
        inactive = self._inactive_said.get(hit.rec)
        how = "; ".join(filter(None, [via or hit.note, hit.corrected, inactive])) or None
        # a listed organisation reached only through a corrected spelling is for a person to
        # confirm: a confident "listed" that is wrong accuses someone
        listed = rec.kind != "registry"
        guessed = hit.method == INITIALS  # a registry's acronym read into a name: no verdict
        return Match(
            list=rec.list_id,
            edition=rec.edition,
            entry=rec.entry_id,
            name=rec.name,
            ror_id=rec.ror_id or self._cluster_ror.get(rec.cluster),
            method=hit.method,
            score=hit.score,
            candidate=hit.candidate or (listed and (hit.corrected is not None or guessed)),
            kind=rec.kind,
            via=how,
            matched=hit.matched,
            part=hit.span,
            name_type=hit.ntype,
            linked=linked,
            country=rec.country,
            designated_under=self._under.get(hit.rec),
        )


def _inactive_in_words(successors: object) -> str:
    """ "inactive in ROR; successor: Exail (France) (ror:01sh68675)", or without the successor
    where the record names none (or was imported before kvrules kept it)."""
    named = [str(s) for s in successors] if isinstance(successors, list) else []
    if not named:
        return "inactive in ROR"
    label = "successor" if len(named) == 1 else "successors"
    return f"inactive in ROR; {label}: {', '.join(named)}"


def _spelled_otherwise(own: Analysed, theirs: Analysed) -> bool:
    """Whether a word of ``own`` stands where the record spells another word with the same
    initial ("Norwegian Institute of Public Health" is not the "National Institute of Public
    Health", NIPH both): initials agree, the words do not. A shortened or mistyped word
    ("Hutch", "Hitchock"), a word the record lacks ("Research") or a record word the string
    has elsewhere ("Biology … Bioinformatics") is no contradiction."""
    missing = {other[0] for other in theirs.tokens if not _same_word(other, own.tokens)}
    return any(word[0] in missing and not _same_word(word, theirs.tokens) for word in own.tokens)


def _same_word(word: str, words: tuple[str, ...]) -> bool:
    """Whether ``word`` is one of ``words``, shortened, lengthened or with one typo."""
    return any(
        other.startswith(word)
        or word.startswith(other)
        or (min(len(word), len(other)) >= 5 and OSA.distance(word, other) <= 1)
        for other in words
    )


def _named_after(hits: list[_Hit], segment: str) -> bool:
    """``hits`` read a unit's alias in another word order whose alias opens with the name
    ``segment`` writes after it ("Rogel Cancer Center, University of Michigan" is U-M Rogel
    Cancer Center's alias "University of Michigan Rogel Cancer Center"): the unit named with
    the organisation it is named after, whatever ROR relates them by (the centre's ROR
    parent is Michigan Medicine, not the university)."""
    written = analyse(_without_number(segment)).tokens
    return bool(written) and all(
        h.method == WORD_ORDER and analyse(h.matched).tokens[: len(written)] == written
        for h in hits
    )


def _cityless_tail(hits: list[_Hit]) -> list[_Hit]:
    """The trailing words of a unit's name that name an organisation only without its city or
    place ("IRCCS San Raffaele Scientific Institute" ends with "Scientific Institute", the
    Scientific Institute of Rabat less its city): a candidate, as the string names no place."""
    if not hits or any(h.ntype not in (WITHOUT_CITY, WITHOUT_PLACE) for h in hits):
        return hits
    return [replace(h, candidate=True, note=h.note or CITYLESS_NOTE) for h in hits]


def _with_corrections(hit: _Hit, typos: tuple[tuple[str, str], ...]) -> _Hit:
    """``hit`` as reached through the corrected spellings ``typos``, unless the matched name is
    itself spelt so (a list that misspells a name is matched as it is written)."""
    as_written = set(surface_key(hit.matched).split())
    wanted = set(analyse(hit.matched).tokens)
    used = [
        (word, right)
        for word, right in typos
        if word.lower() not in as_written and analyse(right).key in wanted
    ]
    if not used:
        return hit
    edits = sum(OSA.distance(word.lower(), right.lower()) for word, right in used)
    # each typing error (a swap is one, as in the correction) costs its share of the name,
    # below the fuzzy cap like any inexact match
    cost = edits / max(len(surface_key(hit.span or hit.matched)), 1)
    score = round(min(FUZZY_CAP, hit.score) - cost, 3)
    return replace(hit, method=CORRECTED, score=score, corrected=_spelling_note(used))


def _as_the_name_spells(hit: _Hit, written: str) -> _Hit:
    """``hit`` as reached through a spelling of the matched name's own that the query does not
    write ("PZU Medical Center" meets "PZU Medical Centar": the analysis reads "Centar" as
    "Center" on both sides), told as a corrected spelling like a misspelt query."""
    if hit.method == CORRECTED:
        return hit  # already told and scored as a corrected spelling
    own = corrections(hit.matched)  # () for most names, from their cached analysis
    if not own:
        return hit
    as_written = set(surface_key(written).split())
    differ = [(right, word) for word, right in own if word.lower() not in as_written]
    if not differ:
        return hit
    edits = sum(OSA.distance(word.lower(), right.lower()) for word, right in differ)
    score = round(min(FUZZY_CAP, hit.score) - edits / max(len(surface_key(written)), 1), 3)
    return replace(hit, method=CORRECTED, score=score, corrected=_spelling_note(differ))


def _changed(text: str, matched: str) -> str | None:
    """The words of ``text`` a fuzzy match to the name ``matched`` reads as others: misspelt
    class words, and distinctive words that differ from the name's ("Tsinghau" → "Tsinghua")."""
    as_written = written_words(text)
    changed = [
        (as_written.get(q, q), in_case_of(as_written.get(q, q), t))
        for q, t in zip(analyse(text).distinct, analyse(matched).distinct, strict=False)
        if q != t
    ]
    return _spelling_note([*corrections(text), *changed])


def _spelling_note(changed: Iterable[tuple[str, str]]) -> str | None:
    """'spelling corrected: "Institue" → "Institute"' for the words a match changed."""
    words = ", ".join(f'"{word}" → "{right}"' for word, right in changed)
    return f"spelling corrected: {words}" if words else None


def _keep(
    best: dict[int, tuple[_Hit, str | None, str | None]],
    hit: _Hit,
    via: str | None,
    linked: str | None,
) -> None:
    """The best way an entry was found (``linked``: the record whose name matched, when not
    the entry's own); at equal scores a confident way wins over a candidate (the short form of
    a listed name is a candidate, but the ROR record linked to the entry carries it as its own
    name), then its own name over a linked record's, so the explanation names what the entry
    itself is called."""
    old = best.get(hit.rec)
    if (
        old is None
        or hit.score > old[0].score
        or (hit.score == old[0].score and _surer(hit, via, old[0], old[1]))
    ):
        best[hit.rec] = (hit, via, linked)


def _surer(hit: _Hit, via: str | None, old: _Hit, old_via: str | None) -> bool:
    """At an equal score: a confident hit over a candidate, else its own name over a link."""
    if hit.candidate != old.candidate:
        return not hit.candidate
    return via is None and old_via is not None


def the_organisation(found: list[OrganisationMatch], threshold: float) -> Match | None:
    """The confident top match of the one organisation ``found`` names for certain; None if
    it names none, several, or one with its unit (see :meth:`Resolver.resolve`)."""
    named = [org for org in found if org.matches]
    if named and all(org.owner for org in named):
        return None  # "X, corporate member of A and B" where X is not found: A and B are not X
    # the owners a "corporate member of" names are screened, not rival answers
    named = [org for org in named if not org.owner]
    # an acronym beside a named organisation is screened, not a rival answer ("…, INSERM",
    # "…, INSERM, Paris"); one written with what makes it certain ("LMU Munich") is a rival
    named = [org for org in named if not _acronym_only(org.matches[0])] or named
    if not named or named[0].with_unit:
        return None  # none, or an organisation and its unit: the string does not say which
    top = named[0].matches[0]
    if top.candidate or top.score < threshold:
        return None
    # the principal organisation (the last a part names) is the one when the others are named
    # only as candidates: an ambiguous unit name ("Institute of Biochemistry"), a namesake
    # abroad; a university system may be the campus the author meant, so it still counts
    others = [org.matches[0] for org in named[1:]]
    if any(not m.candidate or m.via == SYSTEM_NOTE for m in others):
        return None
    return top


def _acronym_only(match: Match) -> bool:
    """An organisation named by an acronym alone ("INSERM", confirmed or not by the string's
    city) or with a unit code ("CNRS UMR 9004"), not by an acronym its own words complete
    ("LMU Munich", "PSL University"): screened beside a named organisation, no rival to it."""
    if match.method != ACRONYM:
        return False
    return match.candidate or is_acronym(match.part or "")


_MEMBER_OF = ("corporate member of ", "member of ", "a member of ")


def _owner_segments(segments: tuple[str, ...]) -> frozenset[int]:
    """The segments that name the owners of the organisation before them ("Charité -
    Universitätsmedizin Berlin, corporate member of Freie Universität Berlin and
    Humboldt-Universität zu Berlin, and Berlin Institute of Health"): from the one that opens
    with "(corporate) member of" to the first unit after it ("Department of …") or the end.
    None when the part opens with it ("Member of the Cardio-Pulmonary Institute"): that names
    the author's own organisation."""
    start = next((i for i, seg in enumerate(segments) if seg.lower().startswith(_MEMBER_OF)), None)
    if not start:
        return frozenset()
    end = next(
        (
            j
            for j in range(start + 1, len(segments))
            if (tokens := analyse(segments[j]).tokens) and tokens[0] in UNIT_OPENERS
        ),
        len(segments),
    )
    return frozenset(range(start, end))


def _how_named(short: frozenset[str], matched: str, ntype: str) -> str:
    """The method of an exact look-up: "abbreviation" when the query abbreviates words the
    matched name writes out ("Harbin Inst. of Tech."), else "exact" or "alias"."""
    if short and not short <= written_words(matched).keys():
        return ABBREVIATION
    return "exact" if ntype == "primary" else "alias"


def _besides(acronyms: list[list[_Hit]], orgs: list[list[_Hit]]) -> list[list[_Hit]]:
    """The organisations the part names by acronym only ("UVSQ", "INSERM"), each once."""
    named = {hit.rec for hits in orgs for hit in hits}
    return [hits for hits in acronyms if not {hit.rec for hit in hits} & named]


def _confident_first(orgs: list[list[_Hit]]) -> list[list[_Hit]]:
    """The organisations a part names confidently before those it only may name (a unit's
    namesake elsewhere), each group in its order."""
    return sorted(orgs, key=lambda hits: all(hit.candidate for hit in hits))


def _is_system(entry: Entry) -> bool:
    """A registry record for a university system: "University of Texas System", "University
    System of Maryland" (an education organisation named a system)."""
    types = entry.attributes.get("types")
    if not (isinstance(types, list) and "education" in types and "system" in entry.name.lower()):
        return False
    return "system" in _analysed(entry.name).tokens  # analysed uncached: see _analysed


def _block_keys(distinct: str) -> list[tuple[int, int, str]]:
    """Blocking keys: (token count, position, 3-letter prefix or suffix). A typo changes one
    token and rarely both its ends, so the right name shares a key at every position, while
    names with another word count or other words are never scored."""
    tokens = distinct.split()
    n = len(tokens)
    return [
        (n, i, k + end) for i, t in enumerate(tokens) for k, end in (("p", t[:3]), ("s", t[-3:]))
    ]


_BRACKETED = re.compile(r"^(?P<head>.+?)\s*\((?P<inside>[^()]+)\)$")


def _acronym_asked(text: str) -> tuple[str, str | None]:
    """The acronym a query is, in Latin letters, and the country in brackets after it, if any:
    "МФТИ" → ("MFTI", None), "MFTI (RU)" → ("MFTI", "RU"), "MIPT (SU)" → ("MIPT (SU)", None)
    (a bracket that is no country is the acronym's own); ("", None) for a query that is none,
    and for an acronym with its organisation's name in brackets ("HIT (Harbin Institute of
    Technology)"): that is read as the name it holds, as "Harbin Institute of Technology (HIT)"
    is."""
    head, country = unicodedata.normalize("NFKC", text).strip(), None
    found = _BRACKETED.match(head)
    if found and (code := as_country(found["inside"].strip())):
        head, country = found["head"], code
    elif found and len(found["inside"].split()) > 1:
        return "", None
    head = latin_acronym(head) or head
    return (head, country) if is_acronym(head) else ("", None)


def _english_words(entry: Entry) -> frozenset[str]:
    """The distinctive words of an entry's names not in Han script ("harbin" of "Harbin
    Institute of Technology"): the places its pinyin may be spelt with."""
    return frozenset(
        word
        for name, _ in entry.all_names()
        if not _HAN_CHAR.search(name)
        for word in analyse(name).distinct
    )


_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def _leading_acronym(text: str) -> str:
    """The acronym a segment is, or opens followed by unit codes only ("CNRS UMR 5251",
    "INSERM U1154"); "" for anything else."""
    words = text.split()
    if not words or not is_acronym(words[0]):
        return ""
    codes = words[1:]
    if all(any(c.isdigit() for c in w) or (is_acronym(w) and len(w) <= 4) for w in codes):
        return words[0]
    return ""


def _acronym_university(text: str) -> str:
    """The acronym of "<acronym> University" ("HSE University"), of the university a school
    is "at" or "of" ("David Geffen School of Medicine at UCLA", "Keck School of Medicine of
    USC") or of one that opens its school's name ("NYU School of Medicine"), or ""."""
    words = text.split()
    if len(words) == 2 and words[1] == "University" and is_acronym(words[0]):
        return words[0]
    schools = any(w in ("School", "Faculty", "College") for w in words[:-3])
    if schools and words[-2] in ("at", "of") and is_acronym(words[-1]):
        return words[-1]
    return _acronym_before_school(words)


def _acronym_before_school(words: list[str]) -> str:
    """The acronym of a university that opens the name of one of its schools ("NYU School of
    Medicine", "UCLA School of Dentistry", "NYU College of Dentistry"), or ""."""
    if len(words) >= 4 and is_acronym(words[0]) and words[1] in ("School", "College"):
        return words[0] if words[2] == "of" else ""
    return ""


def _school_owners(text: str) -> list[str]:
    """The universities a school may be named after, longest name first ("Yale School of
    Medicine" → "Yale University", "Harvard T.H. Chan School of Public Health" → "Harvard T.H.
    Chan University", …, "Harvard University"), or none: only when what precedes "School of" is
    a name and nothing else (not "Graduate School of …", nor "Barts and The London School of
    …"). The resolver takes the first the index holds."""
    words = text.split()
    k = next((i for i, w in enumerate(words) if w == "School"), 0)
    if k == 0 or words[k + 1 : k + 2] != ["of"]:
        return []
    if any(not (a := analyse(w)).tokens or a.skeleton or "," in w for w in words[:k]):
        return []  # a unit or another segment before the school's name: no owner named
    return [" ".join(words[:j]) + " University" for j in range(k, 0, -1)]


def _owners_of_endings(names: list[tuple[str, str]], forms: set[str]) -> dict[str, set[str]]:
    """Of the endings of the Han ``names`` (:func:`han_endings`; name, owner), those in
    ``forms`` → the owners of the names that end so."""
    owners: dict[str, set[str]] = {}
    for name, owner in names:
        for ending in han_endings(name):
            if ending in forms:
                owners.setdefault(ending, set()).add(owner)
    return owners


def _place(segment: str) -> str:
    """A segment as a city's exact-match key, without its numbers ("Harbin 150001")."""
    return analyse(" ".join(w for w in segment.split() if not any(c.isdigit() for c in w))).key


def _word_set(a: Analysed) -> str:
    """A name's words in alphabetical order: equal for the same words in any order."""
    return " ".join(sorted(a.tokens))


def _shares_ends(tokens: list[str], ends: list[tuple[int, str, str]]) -> bool:
    """True if each (position, prefix, suffix) is the prefix or the suffix of that token."""
    return all(tokens[i][:3] == pre or tokens[i][-3:] == suf for i, pre, suf in ends)


def _analysed(name: str) -> Analysed:
    """:func:`analyse` without its cache, for building the index: 300,000 names analysed once
    each must not fill the cache that queries rely on, nor stay in memory through it."""
    return _ANALYSE_UNCACHED(name)


_ANALYSE_UNCACHED = analyse.__wrapped__
# The same for the acronym test and a Chinese name's usual short forms: 270,000 names read
# once each by a build left 65,536 of them in each cache (about 8 MB each), of no use to queries
_IS_ACRONYM_UNCACHED = is_acronym.__wrapped__
_NATIVE_VARIANTS_UNCACHED = native_variants.__wrapped__


def _without_city(tokens: tuple[str, ...], city: tuple[str, ...]) -> str:
    """The key of a name less its trailing city, if what is left still names something
    ("Adam Mickiewicz University" of "… University in Poznań"), else ""."""
    k = len(city)
    if len(tokens) <= k + 1 or tokens[-k:] != city:
        return ""
    rest = tokens[:-k]
    return "".join(rest) if any(t not in CLASS_WORDS for t in rest) else ""


def _without_country(name: str, country: str | None) -> str:
    """A registry name less the country ROR writes after a company's name in brackets
    ("Genentech" of "Genentech (United States)", "UCB Pharma" of "UCB Pharma (Belgium)"), when
    that is the record's own country; else ""."""
    head, bracket, rest = name.rpartition("(")
    if not (bracket and country and rest.endswith(")") and head.strip()):
        return ""
    if as_country(rest[:-1].strip()) != country or not _analysed(head).distinct:
        return ""
    return head.strip()


_AND_RESEARCH = re.compile(r"^(?P<head>.+?)\s+(?:&|and)\s+research(?:\s+cent(?:er|re))?$", re.I)
_NAMED_BEFORE_RESEARCH = frozenset({"university", "institute", "hospital", "college"})


def _before_research(name: str) -> str:
    """A registry name less its "& Research" or "and Research Centre", when what is left is an
    organisation's name of its own ("Wageningen University" of "Wageningen University &
    Research", "Jaslok Hospital" of "Jaslok Hospital and Research Centre"): affiliations write
    it so. Else ""."""
    found = _AND_RESEARCH.match(name.strip())
    head = _analysed(found.group("head")) if found else None
    if head is None or not head.distinct or head.tokens[-1] not in _NAMED_BEFORE_RESEARCH:
        return ""
    return found.group("head")  # type: ignore[union-attr]


def _before_place(name: str) -> str:
    """A registry name's part before a place or an acronym after its comma ("Queens College" of
    "Queens College, CUNY", "University of Maryland" of "University of Maryland, Baltimore
    County"), when that part is a name of its own; else ""."""
    head, _, place = name.partition(",")
    if not place.strip() or "," in place:
        return ""
    words = _analysed(place).tokens
    placeish = is_acronym(place.strip()) or (
        0 < len(words) <= 2 and not any(t in CLASS_WORDS or t in UNIT_WORDS for t in words)
    )
    named = _analysed(head)
    return head.strip() if placeish and named.distinct and len(named.tokens) >= 2 else ""


def _leading(name: str, key: str) -> str:
    """The leading words of ``name`` whose key is ``key`` ("Royal Botanic Gardens" of "Royal
    Botanic Gardens Melbourne"), else ``name``."""
    words = name.split()
    for k in range(1, len(words)):
        if _analysed(" ".join(words[:k])).key == key:
            return " ".join(words[:k]).strip(" ,")
    return name


def _locationish(segment: str) -> bool:
    """A qualifier after an organisation name: a city, postcode, campus or acronym."""
    if is_acronym(segment) or as_country(segment):
        return True
    tokens = analyse(segment).tokens
    return len(tokens) <= 2 and not any(t in CLASS_WORDS or t in UNIT_WORDS for t in tokens)


def short_forms(name: str) -> list[str]:
    """The short names people write for a long official name, e.g. "P.N. Lebedev Physical
    Institute of the Russian Academy of Sciences" → "Lebedev Physical Institute of the Russian
    Academy of Sciences", "Lebedev Physical Institute"; "Moscow State Technical University named
    after N.E. Bauman" → "Bauman Moscow State Technical University", "Moscow State Technical
    University"; "Center for X of Tsinghua University" → "Tsinghua University Center for X"."""
    forms: list[str] = []
    text = name.strip()
    named = _NAMED_AFTER.match(text)
    if named:
        text = f"{named.group('who')} {named.group('what')}"
        forms += [text, named.group("what")]  # "Bauman MSTU"; "Ural Federal University"
    unit = _UNIT_OF.match(text)
    if unit:
        forms.append(f"{unit.group('org')} {unit.group('unit')}")
    initials = _namesake_initials(text)
    without_initials = text[len(initials) :] if initials else text
    if without_initials != text:
        forms.append(without_initials)
    for form in [text, without_initials]:
        stripped = _ACADEMY.sub("", form).strip(" ,")
        if stripped != form:
            forms.append(stripped)
    return list(dict.fromkeys(f for f in forms if f and f != name))


_POSSESSIVE = re.compile(r"^[A-Z][\w-]*['’]s\s+(?P<rest>.+)$")


def _without_possessive(name: str) -> str | None:
    """A name that opens with its place in the possessive, without it ("Moscow's Higher School
    of Economics" → "Higher School of Economics"), or None."""
    found = _POSSESSIVE.match(name.strip())
    return found["rest"] if found and analyse(found["rest"]).distinct else None


def linking_names(entry: Entry) -> list[str]:
    """The names that link a list entry to a registry record: its own names as printed (not
    acronyms, nor its affiliates' names: the entry is not its affiliate), then the short forms of
    its long official names."""
    names = [name for name, ntype in entry.all_names() if ntype not in ("acronym", "affiliate")]
    printed = [entry.name, *entry.aliases]
    return names + [short for name in printed for short in short_forms(name)]
