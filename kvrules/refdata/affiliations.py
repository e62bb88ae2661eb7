"""Affiliation strings cut into the organisations they name.

A real affiliation string names one or more organisations with their departments, labs,
addresses, postcodes and country around them: "Dept. of Mech. Eng., Harbin Inst. of Tech.,
92 West Dazhi St., Harbin 150001, PR China; State Key Lab of …". :func:`parse` cuts it into
parts (one per ``;`` or line), each part into segments (commas, brackets, spaced dashes and
slashes), reads the country from the trailing segments, and :meth:`Part.spans` lists the
stretches of text worth looking up as organisation names, in the order the resolver tries them:
two neighbouring segments joined first (so "University of California, Berkeley" is read whole,
never as the University of California), then each segment, then cuts inside a segment
("Stanford University School of Medicine" → "Stanford University").

Everything here is linear in the length of the input and looks at its first
:data:`MAX_CHARS` characters only: no real affiliation is longer, and a 10 MB line must cost no
more than a short one. No regular expression is used.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kvrules.refdata import countries, normalise
from kvrules.refdata.countries import as_country
from kvrules.refdata.models import Match
from kvrules.refdata.normalise import CLASS_WORDS, GENERIC_WORDS, analyse, is_acronym

MAX_CHARS = 2000  # the longest real affiliation strings are a few hundred characters
MAX_SEGMENTS = 24  # segments per part looked at: the rest is address
MAX_WORDS = 16  # words of a segment cut into stretches (the cuts grow with its square)
_CONNECTIVES = frozenset(
    {"of", "the", "and", "&", "for", "at", "in", "de", "du", "des", "la", "le"}
)
# Words after an organisation's name that make a new organisation, not a unit of it: an
# affiliated hospital or cancer centre is listed (or not) in its own right.
_ORGANISATION_WORDS = frozenset(
    {"hospital", "hospitals", "affiliated", "cancer", "health", "healthcare", "clinic", "clinics"}
    | {"center", "institute", "laboratory", "medical"}
)
# …unless a hospital follows ("… School of Medicine-Affiliated Renji Hospital")
_HOSPITAL_WORDS = frozenset({"hospital", "hospitals", "affiliated", "clinic", "clinics", "cancer"})
# a company's legal form after its name ("Xenon Pharmaceuticals Inc"), which ROR leaves out
_LEGAL_FORMS = frozenset({"inc", "ltd", "llc", "gmbh", "plc", "corp"})
_NAMED_HOSPITAL = frozenset({"hospital", "hospitals", "affiliated"})
_CLINICAL_WORDS = _HOSPITAL_WORDS | {"medical", "health", "healthcare", "clinical"}
_SCHOOL_WORDS = frozenset({"school", "faculty", "college"})
# Dotted capitals that abbreviate a state ("U.S.", "P.R." of "P.R. China"), not an
# organisation: "P.R. Naval University of Engineering" names no unit of anything
STATE_ABBREVIATIONS = frozenset(
    "US USA UK GB PR PRC ROC RF USSR UAE EU UN DPR DPRK ROK NZ SA".split()  # noqa: SIM905
)
# regions the registry files under a code of their own, written before their country
_REGIONS = {"CN": frozenset({"HK", "MO", "TW"})}
_BREAKS = ",()[]{}"
_SPACED_BREAKS = "-–—/|"  # separators only when spaced: "Paris-Saclay" is a name
_PARTS = ";\n"
_CUT = "\x00"  # every separator becomes this, then one str.split cuts at all of them
_TO_CUT = {chars: str.maketrans(dict.fromkeys(chars, _CUT)) for chars in (_BREAKS, _PARTS)}
# Quotation marks around an organisation's name ('FSEI of HPE "Lomonosov Moscow State
# University"', «…», „…“): the quoted stretch is looked up on its own.
_OPEN_QUOTES, _CLOSE_QUOTES = frozenset('"“«„'), frozenset('"”»“')
# A unit (department, lab …) opens with one of these: a hit on it yields to an organisation.
UNIT_OPENERS = frozenset(
    {
        "department",
        "school",
        "faculty",
        "division",
        "laboratory",
        "program",
        "programme",
        "office",
        "graduate",
        "key",
        "state",
        "center",
        "college",
        "chair",
        "group",
        "section",
        "unit",
        "service",
        "clinic",
    }
)


# A unit's name opens with one of these, and an organisation's name may end the segment after
# it ("Department of Petroleum Engineering Abubakar Tafawa Balewa University")
_RUN_AFTER = frozenset(
    {"department", "school", "faculty", "division", "laboratory", "program", "programme"}
    | {"graduate", "chair", "group", "section", "unit", "service", "institute", "center"}
)


# "<unit> of|at <organisation>" ("Research Center of Fudan University", "Unit at the University
# of Oxford"): the words that make the stretch before "of" a unit.
_UNIT_HEADS = UNIT_OPENERS | {"institute", "unit"}


@dataclass(frozen=True, slots=True)
class OrganisationMatch:
    """One organisation an affiliation string names: the stretch naming it, and its candidate
    list entries best first (empty: named, but on no list)."""

    span: str
    matches: list[Match]
    # the string names a unit of it too (its ROR child: "Jenner Institute, University of
    # Oxford"), read as this organisation, the level lists name; which of the two the author
    # is counted under is not said, so it is no single answer (Resolver.resolve)
    with_unit: bool = False
    # named only as the owner of the organisation before it ("…, corporate member of Freie
    # Universität Berlin"): screened, never the string's single answer
    owner: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a part to look up as an organisation name."""

    text: str
    first: int  # index of its first segment
    last: int  # index of its last segment
    inner: bool = False  # cut out of one segment, not whole segments

    @property
    def unit(self) -> bool:
        """Opens like a department or lab ("Department of …", "State Key Lab of …")."""
        tokens = analyse(self.text).tokens
        return bool(tokens) and tokens[0] in UNIT_OPENERS


@dataclass(frozen=True, slots=True)
class Part:
    """One organisation's share of an affiliation string (the text between semicolons)."""

    text: str
    segments: tuple[str, ...]
    country: str | None  # ISO alpha-2 read from the trailing segments, if they name one

    def spans(self) -> Iterator[Span]:
        segs = self.segments
        for i, seg in enumerate(segs):
            if i + 1 < len(segs):
                pair = f"{seg}, {segs[i + 1]}"
                yield Span(pair, i, i + 1)
                if (bare := _without_number(pair)) != pair:
                    yield Span(bare, i, i + 1)  # "University of California, San Diego 3"
                yield from self._names_over_comma(i)
            yield Span(seg, i, i)
            for cut in _cuts(seg):
                yield Span(cut, i, i, inner=True)

    def _names_over_comma(self, i: int) -> Iterator[Span]:
        """A name with a comma ("University of California, Los Angeles") whose place opens the
        next segment before a unit or a footnote number ("…, Los Angeles School of Dentistry",
        "…, Davis 2 Department of …"), or whose first half ends a unit's name ("David Geffen
        School of Medicine at University of California, Los Angeles"): the pair is read with
        the place alone and with the unit's tail, as "University of California" alone would be
        the system, not the campus the string names."""
        seg, nxt = self.segments[i], self.segments[i + 1]
        place = _place_before_unit(nxt)
        if place:
            yield Span(f"{seg}, {place}", i, i + 1)
        for tail in _named_tails(seg):
            for second in filter(None, (nxt, place)):
                yield Span(f"{tail}, {second}", i, i + 1)


def clear_caches() -> None:
    """Forget every per-name cache of the matching code (name analyses and their words' typo
    corrections, acronym checks, country readings, segment cuts), for a benchmark that times
    names as new to the process."""
    for cached in (
        analyse,
        is_acronym,
        _cuts,
        trailing_runs,
        leading_runs,
        joined_names,
        _place_before_unit,
        acronyms_with_a_name,
        _named_tails,
        *normalise.WORD_CACHES,
        *countries.NAME_CACHES,
    ):
        cached.cache_clear()


def bounded(text: str) -> str:
    """The first :data:`MAX_CHARS` characters, whitespace runs collapsed to one space."""
    return " ".join(text[:MAX_CHARS].split())


def parse(text: str) -> list[Part]:
    """Cut an affiliation string into parts; a part with no segment left is dropped."""
    parts = []
    for raw in _split(bounded_lines(typeset(text[:MAX_CHARS])), _PARTS):
        for segments in _affiliations([s for s in _segments(raw) if s]):
            country, segments = _country(segments)
            if segments:
                parts.append(Part(raw, tuple(segments[:MAX_SEGMENTS]), country))
    return parts


def country_of(text: str) -> str | None:
    """The country an affiliation string names at the end of its first affiliation ("…,
    Harbin 150001, PR China", "…, P.R. China"), as ISO alpha-2; None if it names none."""
    return next((part.country for part in parse(text) if part.country), None)


def leading_country(text: str) -> tuple[str, str] | None:
    """A country named before an organisation's name, as its trailing one is read: ("CN",
    "哈尔滨工业大学") for "中国 哈尔滨工业大学", "中国哈尔滨工业大学" (a script written without
    spaces) or "China, Harbin Institute of Technology"; None when the text opens with none.
    Whether the rest names an organisation is the caller's to check ("中国科学院" is a name,
    not China's "科学院")."""
    text = typeset(bounded(text)).strip()
    words = text.split()
    for n in range(1, min(3, len(words) - 1) + 1):  # "China", "South Korea", "P R China"
        if code := as_country(" ".join(words[:n]).rstrip(",:")):
            return code, " ".join(words[n:]).lstrip(",: ")
    if text[:1].isascii():
        return None
    # no space after a country written in a script without spaces (Chinese, Japanese)
    for k in range(2, min(_LONGEST_LEADING, len(text) - 1) + 1):
        head = text[:k]
        if not head.isascii() and " " not in head and (code := as_country(head)):
            return code, text[k:].lstrip(",: ")
    return None


_LONGEST_LEADING = 8  # characters: "中华人民共和国" is 7


def _affiliations(segments: list[str]) -> list[list[str]]:
    """A part's segments cut where " and " joins two affiliations: after a country or a
    postcode ("…, Beijing, China and Beihang University, …", "…, Beijing 100871 and …"), so each
    keeps its own country. "and" inside a name ("University of Science and Technology of China",
    "Texas A and M") follows no country and cuts nothing."""
    out: list[list[str]] = [[]]
    for seg in segments:
        words = seg.split()
        k = next((i for i, w in enumerate(words) if w.lower() in ("and", "&")), 0)
        left, right = " ".join(words[:k]), " ".join(words[k + 1 :])
        if k and right and len(out[-1]) and _ends_an_address(left):
            out[-1].append(left)
            out.append([right])
        else:
            out[-1].append(seg)
    return out


def _ends_an_address(text: str) -> bool:
    """A country, or a postcode with or without its city ("Beijing 100871")."""
    words = text.split()
    return bool(words) and (words[-1].isdigit() or as_country(text) is not None)


def typeset(text: str) -> str:
    """HTML entities decoded ("&quot;", "&amp;": some publishers deposit escaped text) and
    compatibility forms folded (NFKC: the full-width comma, semicolon and brackets of CJK
    typesetting, U+FF0C, U+FF1B, U+FF08), so that they separate as their ASCII forms do."""
    if "&" in text:
        text = html.unescape(text)
    return unicodedata.normalize("NFKC", text)


def bounded_lines(text: str) -> str:
    """Like :func:`bounded` but keeping line breaks, which separate organisations."""
    return "\n".join(" ".join(line.split()) for line in text[:MAX_CHARS].splitlines())


def _split(text: str, breaks: str) -> list[str]:
    pieces = (s.strip() for s in text.translate(_TO_CUT[breaks]).split(_CUT))
    return [s for s in pieces if s]


def _segments(part: str) -> list[str]:
    """Split on commas and brackets, and on dashes and slashes with a space on both sides.
    (str methods, not a loop over characters: this runs for every name a spreadsheet holds.)"""
    for char in _SPACED_BREAKS:
        spaced = f" {char} "
        while spaced in part:  # twice for " - - ": the first replace consumes a shared space
            part = part.replace(spaced, f" {_CUT} ")
    return [s.strip(" :") for s in part.translate(_TO_CUT[_BREAKS]).split(_CUT)]


def _country(segments: list[str]) -> tuple[str | None, list[str]]:
    """The country named by the last segment (digits dropped: "Harbin 150001"), and the segments
    without it. Two-letter segments are states more often than countries ("…, Evanston, IL")."""
    if len(segments) < 2:
        return None, segments
    last = " ".join(t for t in segments[-1].split() if not t.isdigit())
    # "中国", "伊朗": a country in a script without letters' case is two or three characters
    if len(last) > 3 or (last.isupper() and len(last) == 3) or not last.isascii():
        country = as_country(last)
        if country:
            return _region_before(country, segments[:-1])
    return None, segments


def _region_before(country: str, segments: list[str]) -> tuple[str, list[str]]:
    """A region with a country code of its own named before the country ("…, Hong Kong,
    China"): the registry files its organisations under the region's code (HK, MO, TW), so
    the region is the string's country (its name stays, as the city it also is)."""
    regions = _REGIONS.get(country)
    if regions and segments:
        before = " ".join(t for t in segments[-1].split() if not t.isdigit())
        if (region := as_country(before)) in regions:
            return region, segments  # type: ignore[return-value]
    return country, segments


def _without_number(text: str) -> str:
    """Without a trailing footnote number ("…, San Diego 3")."""
    words = text.split()
    while len(words) > 1 and words[-1].isdigit() and len(words[-1]) <= 2:
        words.pop()
    return " ".join(words)


@lru_cache(maxsize=32768)
def _cuts(segment: str) -> tuple[str, ...]:
    """Stretches of a segment that may be the organisation, longest first: each side of an
    "and" joining two organisations ("Charité Universitätsmedizin Berlin and Humboldt
    Universität"), then its leading words ("Stanford University School of Medicine",
    "Tsinghua University 1", "University of Miami Miller School of Medicine"). Cached: segments
    recur from row to row ("Department of Physics", "Chinese Academy of Sciences")."""
    words = segment.split()[:MAX_WORDS]
    cuts = _quoted(segment)
    for k, word in enumerate(words):
        if word.lower() in ("and", "&") and 1 < k < len(words) - 2:
            cuts += [" ".join(words[:k]), " ".join(words[k + 1 :])]
    cuts += _tails_after_unit(words)
    # what follows a school's name is the school's ("… School of Medicine and Public Health")
    school = next((j for j in range(2, len(words)) if _school_of(words[j:])), len(words))
    hospital = any(_HOSPITAL_WORDS.intersection(analyse(w).tokens) for w in words[school:])
    for k in range(len(words) - 1, 1, -1):
        if words[k - 1].lower() in _CONNECTIVES or words[k].lower() in _CONNECTIVES:
            continue  # "Tianjin University | of Science and Technology" is one name
        if _initial(words[k]) or _initial(words[k - 1]):
            continue  # "The George | S. Wise Faculty": a person's name is not cut
        if any(analyse(w).key in _ORGANISATION_WORDS for w in words[k:school]) or hospital:
            break  # "Sun Yat-sen University Cancer Center" is an organisation of its own
        cuts.append(" ".join(words[:k]))
    # the words before a footnote number ("University of Cambridge | 3 Department of Clinical
    # Neuroscience and National Institute …"), whatever organisation words follow it
    cuts += [" ".join(words[:k]) for k in range(2, len(words)) if _footnote(words[k])][:1]
    if len(words) > 1 and words[-1].strip(".").lower() in _LEGAL_FORMS:
        cuts.append(" ".join(words[:-1]))  # "Genentech Inc": ROR names the company alone
    return tuple(dict.fromkeys(cuts))


@lru_cache(maxsize=32768)
def trailing_runs(segment: str) -> tuple[str, ...]:
    """The runs of words that end a segment after a unit's name or an acronym, longest first:
    an organisation usually ends its segment ("Department of Petroleum Engineering Abubakar
    Tafawa Balewa University", "CNRS Université de Bordeaux", "Graduate Program in … Stony
    Brook University 1"). Only after those: "Sun Yat-sen University" of "National Sun Yat-sen
    University", "University Chicago" of "Loyola University Chicago" are other names. A run
    opens with a capitalised word that follows no connective ("Space Studies" of "Laboratory
    of Space Studies" is the lab's subject), holds two words at least and a word that says
    which organisation, not only what it does."""
    words = segment.split()[:MAX_WORDS]
    while words and _footnote(words[-1]):
        words = words[:-1]
    if len(words) < 3:
        return ()
    unit = analyse(words[0]).key in _RUN_AFTER
    runs = []
    for k in range(1, len(words) - 1):
        word, before = words[k], words[k - 1].lower()
        if not (unit or all(_organisation_acronym(w) for w in words[:k])):
            break
        if not word[:1].isupper() or before in _CONNECTIVES or word.lower() in _CONNECTIVES:
            continue
        distinct = analyse(" ".join(words[k:])).distinct
        if any(t not in GENERIC_WORDS for t in distinct):
            runs.append(" ".join(words[k:]))
    return tuple(runs)


def _organisation_acronym(word: str) -> bool:
    """An acronym that may name an organisation ("CNRS"), not a state's ("P.R.", "U.S.")."""
    return is_acronym(word) and len(word) > 2 and word.replace(".", "") not in STATE_ABBREVIATIONS


@lru_cache(maxsize=32768)
def leading_runs(segment: str) -> tuple[str, ...]:
    """The runs of words that open a segment which opens with a name, longest first, past a
    unit named after it that :func:`_cuts` stops at: "Harvard University" of "Harvard
    University Center for Brain Science", "Cleveland Clinic" of "Cleveland Clinic Lerner
    Research Institute". Never before a hospital, a clinic or a cancer or medical centre
    ("Aarhus University Hospital", "University of Mississippi Medical Center"): that is an
    organisation of its own, which the registry may lack."""
    words = segment.split()[:MAX_WORDS]
    if len(words) < 3 or analyse(words[0]).key in UNIT_OPENERS | _RUN_AFTER:
        return ()
    runs = []
    for k in range(len(words) - 1, 1, -1):
        if _NAMED_HOSPITAL.intersection(analyse(" ".join(words[k:])).tokens):
            break  # "… School of Medicine-Affiliated Renji Hospital": the hospital's name
        if _at_another(words, k):
            runs.append(" ".join(words[:k]))
            continue
        if words[k - 1].lower() in _CONNECTIVES or words[k].lower() in _CONNECTIVES:
            continue
        if _initial(words[k]) or _initial(words[k - 1]):
            continue
        # what the rest says it is: its words before a connective ("Center" of "Center for …")
        rest = next(
            (words[k:j] for j in range(k, len(words)) if words[j].lower() in _CONNECTIVES),
            words[k:],
        )
        if not any(_CLINICAL_WORDS.intersection(analyse(w).tokens) for w in rest):
            runs.append(" ".join(words[:k]))
    return tuple(runs)


def _at_another(words: list[str], k: int) -> bool:
    """``words[k]`` is the "at the" of an organisation housed at another ("The University of
    Melbourne at the Doherty Institute for Infection and Immunity"): a name before it and a
    capitalised name after it. Never "at" alone: "University of North Carolina at Chapel Hill",
    "University of Maine at Farmington" are campuses, not their system."""
    return (
        words[k] == "at"
        and words[k + 1 : k + 2] == ["the"]
        and words[k - 1].lower() not in _CONNECTIVES
        and words[k + 2 : k + 3] != []
        and words[k + 2][:1].isupper()
    )


@lru_cache(maxsize=32768)
def joined_names(segment: str) -> tuple[str, ...]:
    """The names of the organisations a segment joins with an unspaced hyphen or slash where a
    capital follows ("University of Zurich/ETH Zurich", "Carnegie Institution for
    Science/Howard Hughes Medical Institute", "Universidad Nacional del Litoral" of
    "Universidad Nacional del Litoral-CONICET"): only when each side holds two words or is an
    acronym. One word of another kind makes the join part of a name ("Winston-Salem State
    University", "University of Milan-Bicocca", "Weill Cornell Medicine-Qatar"), and "Sun
    Yat-sen" is never cut. Acronyms are left out: read alone, they would be bare acronyms."""
    text = " ".join(segment.split()[:MAX_WORDS])
    cuts = [
        i
        for i in range(1, len(text) - 1)
        if text[i] in "-/" and text[i - 1].isalpha() and text[i + 1].isupper()
    ]
    if not cuts:
        return ()
    pieces = [text[a + 1 : b].strip() for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True)]
    if any(len(p.split()) < 2 and not is_acronym(p) for p in pieces):
        return ()
    return tuple(p for p in pieces if not is_acronym(p))


@lru_cache(maxsize=32768)
def _named_tails(segment: str) -> tuple[str, ...]:
    """The organisations after "of"/"at" in a unit's name (:func:`_tails_after_unit`) that open
    with an organisation-class word ("University of California" of "David Geffen School of
    Medicine at University of California"; not "Medical Sciences" of a graduate school's name,
    which "…, Kyushu University" would make another organisation's name in another word order).
    Cached: every pair of segments asks it of its first."""
    tails = _tails_after_unit(segment.split()[:MAX_WORDS])
    return tuple(tail for tail in tails if analyse(tail).tokens[0] in CLASS_WORDS)


@lru_cache(maxsize=32768)
def _place_before_unit(segment: str) -> str:
    """The capitalised words (three at most) that open a segment before a unit's name or a
    footnote number ("Los Angeles" of "Los Angeles School of Dentistry", "Davis" of "Davis 2
    Department of …"), or ""."""
    words = segment.split()[:MAX_WORDS]
    for k, word in enumerate(words[:4]):
        if k and (_footnote(word) or analyse(word).key in UNIT_OPENERS):
            return " ".join(words[:k])
        if not word[:1].isupper() or word.lower() in _CONNECTIVES:
            return ""
    return ""


@lru_cache(maxsize=32768)
def acronyms_with_a_name(segment: str) -> tuple[str, ...]:
    """The acronyms that open a segment before a name ("UCL" of "UCL Queen Square Institute of
    Neurology", "CSIR" of "CSIR-Central Drug Research Institute") or end it after a name
    joined by an unspaced slash or hyphen ("MIT" of "Whitehead Institute/MIT", "CONICET" of
    "IBYME-CONICET"): the organisation a unit's name is written with, or none."""
    words = segment.split()[:MAX_WORDS]
    if not words:
        return ()
    first = _joined_pieces(words[0])
    last = _joined_pieces(words[-1])
    found = []
    if (len(words) > 1 or len(first) > 1) and is_acronym(first[0]):
        found.append(first[0])
    if len(last) > 1 and is_acronym(last[-1]) and last[-1] not in found:
        found.append(last[-1])
    return tuple(a for a in found if len(a) >= 3)


def _joined_pieces(word: str) -> list[str]:
    """A word cut at its unspaced slashes and hyphens that a capital follows ("NCI/NIH",
    "CSIR-Central"), not inside a name ("Paris-Saclay" stays whole: no capital after)."""
    cuts = [i for i in range(1, len(word) - 1) if word[i] in "-/" and word[i + 1].isupper()]
    bounds = zip([-1, *cuts], [*cuts, len(word)], strict=True)
    return [piece for a, b in bounds if (piece := word[a + 1 : b])]


def _footnote(word: str) -> bool:
    """A footnote number typeset into the string ("University of Cambridge 3 Department of
    Clinical Neuroscience and …"): what follows is another affiliation's text."""
    return word.isdigit() and len(word) <= 2


def _initial(word: str) -> bool:
    """A person's initials ("S.", "T.H.", "N."), inside a name given after a person; not "U."
    ("U. Pittsburgh School of Medicine": the university's)."""
    parts = word[:-1].split(".")
    return word.endswith(".") and word != "U." and all(len(p) == 1 for p in parts)


def _school_of(words: list[str]) -> bool:
    """A university's school or faculty, whatever it teaches ("School of Medicine and Public
    Health", "Medical School", "Faculty of Medicine"): part of the university, never an
    organisation of its own as a hospital or a cancer centre after the name is."""
    keys = [analyse(w).key for w in words[:2]]
    return bool(keys) and (
        keys[0] in _SCHOOL_WORDS or (keys[0] == "medical" and keys[1:] in (["school"], ["college"]))
    )


def _quoted(segment: str) -> list[str]:
    """The first quoted stretch of a segment, if any."""
    start = next((i for i, c in enumerate(segment) if c in _OPEN_QUOTES), -1)
    if start < 0:
        return []
    end = next((i for i in range(start + 1, len(segment)) if segment[i] in _CLOSE_QUOTES), -1)
    quoted = segment[start + 1 : end].strip() if end > start else ""
    return [quoted] if quoted and quoted != segment.strip() else []


def _tails_after_unit(words: list[str]) -> list[str]:
    """The organisations after "of"/"at" in a unit's name ("Research Center of Fudan University"
    → "Fudan University"), longest first: only after a unit word, and only a name that carries
    an organisation-class word and more ("University of California" is never cut)."""
    tails = []
    for k, word in enumerate(words):
        if word.lower() not in ("of", "at"):
            continue
        if not any(analyse(w).key in _UNIT_HEADS for w in words[:k]):
            continue
        tail = words[k + 2 :] if words[k + 1 : k + 2] == ["the"] else words[k + 1 :]
        tokens = analyse(" ".join(tail)).tokens
        named = any(t in CLASS_WORDS for t in tokens) and any(t not in CLASS_WORDS for t in tokens)
        if len(tail) >= 2 and named:
            tails.append(" ".join(tail))
    return tails
