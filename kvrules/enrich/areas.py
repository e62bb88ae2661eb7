"""Sensitive-area classification: keywords, title and classification codes → taxonomy areas.

One YAML file per taxonomy in ``data/areas/`` (EU dual-use Annex I, Canada STRA, EU critical
technologies, NL clusters). Each area lists:

- ``keywords``: phrases, matched case-insensitively as whole words ("nuclear" matches
  "Nuclear reactor" but never "antinuclear"); words are runs of letters and digits, so a phrase's
  spaces also match '-', '_' and '/'; the last word may take a plural 's'/'es'; a phrase never
  spans punctuation such as '.', ',' or ';';
- ``acronyms``: one word, matched case-SENSITIVELY as a whole word (plural 's' allowed), so "AI"
  matches "AI-based" but not "Haiti", "ai" (Italian "to the") or "Thai"; an acronym may be
  written ``{term: INS, unless: [beta cell, insulin]}`` as a keyword is ("INS-1 beta cells");
- ``exclude``: phrases that cancel this area's keyword matches lying inside them, so
  "nuclear magnetic resonance" does not count as "nuclear";
- a keyword written ``{term: drone, unless: [bee, beekeeping]}``: the term, not counted where
  one of its ``unless`` phrases (matched as keywords are) stands in the same sentence, across
  ':' and ',' but not past '.', '!', '?' or ';' ("The Radar Girls: oral history …" is history;
  "drone swarms. honey bee colonies" is two topics), so a word with another sense ("drone",
  the male honey bee; "radar" in a social history of its operators) is declared in the data,
  sense by sense, never in code;
- ``codes``: regular expressions matched against the whole "scheme:code" (case-insensitive).

Keywords are English. Glossaries in ``data/areas/languages/`` (one per language: German, Dutch,
French) give each English keyword's terms in that language, and every area the English
rendering reaches when matched as English text matches them too ("kernfusie" is Category 0
as "nuclear fusion" is, by "nuclear"), in shipped and own taxonomies alike. A word of a
glossary term ending in ``*`` may continue, and one starting with ``*`` may be preceded by
more letters: German and Dutch join words, so "hyperschall*" meets "Hyperschallantriebe" and
"*triebwerk" meets "Staustrahltriebwerk". Terms and text are compared in each language's
spelling keys (``kvrules.enrich.spelling``: "hypersoon*" meets "hypersone", "schweres"
"schwerem"). A glossary's ``unless`` gives, per English keyword, that language's phrases for
its other senses ("Radargeschichte"), and its ``exclude`` the English exclusions' terms
("Kernspinresonanz"): a term keeps the English keyword's senses in every language. A glossary
counts only in a field (title, keyword) of its language, or with no sign of any where its
match cannot be an English word (``_in_language``): "gradiometers" is English.
``Classifier.languages`` names the languages covered, so a text in
another one is said to be not screened (``kvrules.enrich.language``) rather than "none found".

Everything is indexed once per process (word → phrases), so classifying is linear in the number
of words; each hit carries the reasons it matched. This is a
screening aid: a hit asks a person to look, it is not a legal classification.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from kvrules.enrich import spelling
from kvrules.enrich.language import ends_as_english, is_english, lean
from kvrules.errors import KvrulesError

DATA_DIR = Path(__file__).parent / "data" / "areas"
AREA_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class AreaDataError(KvrulesError, ValueError):
    """A taxonomy file is malformed; the message names the file and the area."""


@dataclass(frozen=True)
class Reason:
    """Why an area was hit: which input value matched which configured term."""

    field: str  # "keyword" | "title" | "classification"
    value: str  # the input as given
    matched: str  # the configured keyword, acronym or code pattern

    def __str__(self) -> str:
        return f'{self.field} "{self.value}" matches "{self.matched}"'


@dataclass(frozen=True)
class AreaHit:
    area: str  # "<taxonomy>:<area>", e.g. "stra:quantum-science"
    taxonomy: str
    label: str
    because: tuple[Reason, ...]
    cite: str = ""  # the taxonomy's source

    def explain(self) -> str:
        return f"{self.label} ({self.area}): " + "; ".join(map(str, self.because))

    @property
    def words(self) -> list[str]:
        """What matched, once each: the configured words found in the text, or the code."""
        return list(
            dict.fromkeys(
                r.value if r.field == "classification" else r.matched for r in self.because
            )
        )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


# Phrases never span punctuation such as ".,;:()"; inside a segment, words are runs of letters
# and digits, so '-', '_', '/' and spaces all separate words ("machine-learning").
_SEGMENT = re.compile(r"[^\w\s\-/]+")
_WORD = re.compile(r"[^\W_]+")


def _segments(text: str) -> list[list[str]]:
    return [words for seg in _SEGMENT.split(text) if (words := _WORD.findall(seg))]


def _words(term: str, fold: bool = True) -> tuple[str, ...]:
    segs = _segments(_fold(term) if fold else unicodedata.normalize("NFKC", term))
    if len(segs) != 1:
        raise ValueError(f"{term!r} must be words separated by spaces, '-' or '/'")
    return tuple(segs[0])


@dataclass(frozen=True)
class _Term:
    text: str  # as written in the data file (shown in explanations)
    words: tuple[str, ...]
    plural: bool  # a final 's'/'es' is allowed on the last word
    # phrases (folded words) that, in the same segment, mean the term is used in another sense
    unless: tuple[tuple[str, ...], ...] = ()
    # per word: it may continue ("hyperschall*"); the first word may also end a longer one
    # ("*triebwerk"): compounds of languages that join words (glossary terms only)
    open_end: tuple[bool, ...] = ()
    open_start: bool = False
    # glossary terms: phrases of their own language that, in the same segment, mean another
    # sense ("Radargeschichte", "Feuerwerksraketen"), matched as glossary terms are
    unless_said: tuple[_Term, ...] = ()
    language: str = ""  # the glossary's ISO 639-1 code; "" for the taxonomy's own terms


MIN_STEM = spelling.MIN_STEM  # letters of a compound part: shorter ones meet unrelated words
GLOSSARY_DIR = DATA_DIR / "languages"


def _compound_term(text: str, label: str, language: str = "") -> _Term:
    """A glossary term; ``*`` marks where a word may join others (see the module docstring).
    Its words are kept as ``language``'s spelling keys (``kvrules.enrich.spelling``): a word
    that may continue as its key, one that may not as its base (its key less an ending)."""
    raw = text.strip()
    open_start = raw.startswith("*")
    words: list[str] = []
    open_flags: list[bool] = []
    for part in raw.lstrip("*").split():
        if "*" in part.rstrip("*"):
            raise ValueError(f"{text!r}: '*' only starts the first word or ends a word")
        found = _words(part.rstrip("*"))  # "fusie-energie": two words, the last may be open
        words += found
        open_flags += [False] * (len(found) - 1) + [part.endswith("*")]
    if not words:
        raise ValueError(f"{text!r} holds no word")
    open_end = tuple(open_flags)
    short = [w for w, o in zip(words, open_end, strict=True) if o] + words[:1] * open_start
    if any(len(w) < MIN_STEM for w in short):
        raise ValueError(f"{text!r}: a word marked '*' needs {MIN_STEM} letters or more")
    keyed = [spelling.key(w, language) for w in words]
    words_ = tuple(
        k if o else spelling.base(k, language) for k, o in zip(keyed, open_end, strict=True)
    )
    return _Term(label, words_, False, (), open_end, open_start, (), language)


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` stands in ``words``; its last word may take a plural 's'/'es'."""
    n = len(phrase)
    for i in range(len(words) - n + 1):
        last = words[i + n - 1]
        if list(words[i : i + n - 1]) == list(phrase[:-1]) and last in (
            phrase[-1],
            phrase[-1] + "s",
            phrase[-1] + "es",
        ):
            return True
    return False


Keyed = Callable[[str], list[list[str]]]  # language -> the text's segments in its keys


# A sentence ends at '.', '!', '?' or ';' followed by a space (or the end): "1.5 GHz" goes on.
_SENTENCE_END = re.compile(r"[.!?;]+(?:\s+|$)")


def _sentence_of_segments(text: str) -> list[int]:
    """Per segment of ``text`` (``_segments``), the number of its sentence. A word's other
    sense is read in the whole sentence, across ':' and ',' ("The Radar Girls: oral history of
    women operators"; "Drones, queens and workers: caste determination in Apis mellifera"),
    never past a full stop ("drone swarms. honey bee colonies" is two topics)."""
    out: list[int] = []
    for n, sentence in enumerate(_SENTENCE_END.split(text)):
        out += [n] * len(_segments(sentence))
    count = len(_segments(text))
    # sentence ends always end a segment too, so the counts agree; were they ever not to,
    # each segment stands alone (the narrower reading: no sense is taken from elsewhere)
    return out if len(out) == count else list(range(count))


def _other_sense(term: _Term, seg_no: int, keyed: Keyed, sentence_of: list[int]) -> bool:
    """Whether the segment's sentence holds one of the term's ``unless`` phrases (English or
    its own), each phrase within one segment."""
    if seg_no >= len(sentence_of):
        return False
    same = [k for k, s in enumerate(sentence_of) if s == sentence_of[seg_no]]
    english = keyed("")
    if any(_has_phrase(english[k], u) for k in same for u in term.unless):
        return True
    return any(
        _compound_at(u, words, i)
        for u in term.unless_said
        for k in same
        for words in (keyed(u.language)[k],)
        for i in range(len(words))
    )


_SEGMENT_SPAN = 100_000  # a match's position: its segment's number times this, plus its word's
_SEEN_WORDS = 65_536  # words an index remembers its candidate terms for (``_candidates``)


class _Index:
    """Phrase lookup by first word: linear in the number of words of the text. A glossary
    language's index is given its words as that language's spelling keys."""

    def __init__(self, language: str = "") -> None:
        self.language = language
        self.by_first: dict[str, list[tuple[_Term, int]]] = {}
        # compound terms by their first word's stem (it may continue) or tail (it may follow)
        self.stems: dict[str, list[tuple[_Term, int]]] = {}
        self.tails: dict[str, list[tuple[_Term, int]]] = {}
        self._seen: dict[str, tuple[tuple[_Term, int, bool], ...]] = {}  # see _candidates
        self._stem_lengths: list[int] = []  # the lengths of stems' and tails' keys, ascending
        self._tail_lengths: list[int] = []
        self._heads: set[str] = set()  # the first and last MIN_STEM letters of first words
        self._ends: set[str] = set()

    def add(self, term: _Term, owner: int) -> None:
        if term.open_start:
            table = self.tails
        elif term.open_end and term.open_end[0]:
            table = self.stems
        else:
            table = self.by_first
        table.setdefault(term.words[0], []).append((term, owner))
        self._seen.clear()
        self._stem_lengths = sorted({len(k) for k in self.stems})
        self._tail_lengths = sorted({len(k) for k in self.tails})
        self._heads.add(term.words[0][:MIN_STEM])  # see _may_start
        self._ends.add(term.words[0][-MIN_STEM:])

    def __bool__(self) -> bool:
        return bool(self.by_first or self.stems or self.tails)

    def _compounds(self, word: str) -> list[tuple[_Term, int]]:
        """Compound terms whose first word starts or ends ``word``: a lookup per length a
        stem or tail of the index has."""
        found: list[tuple[_Term, int]] = []
        n = len(word)
        for k in self._stem_lengths:
            if k > n:
                break
            found += self.stems.get(word[:k], ())
        for k in self._tail_lengths:
            if k > n:
                break
            found += self.tails.get(word[-k:], ())
        if self.tails and self.language:  # "*drohne" in "Kampfdrohnen": its base ends so
            stem = spelling.base(word, self.language)
            if stem != word:
                found += [
                    t
                    for k in self._tail_lengths
                    if k <= len(stem)
                    for t in self.tails.get(stem[-k:], ())
                ]
        return found

    def _may_start(self, word: str) -> bool:
        """False where no term can start at ``word``: a word of more than MIN_STEM + 2 letters
        meets a term only through its first MIN_STEM letters (a word, its base, its stem less
        a plural) or its last ones (a tail), and most words share them with none."""
        if len(word) <= MIN_STEM + 2 or word[:MIN_STEM] in self._heads:
            return True
        if not self.tails:
            return False
        return word[-MIN_STEM:] in self._ends or (
            spelling.base(word, self.language)[-MIN_STEM:] in self._ends
        )

    def _candidates(self, word: str) -> tuple[tuple[_Term, int, bool], ...]:
        """(term, owner, stripped) for every term that may start at ``word``, in the order
        they are tried; ``stripped``: met by the word less an ending. Cached per word: a
        portfolio's words recur, and each costs a base and a lookup per length otherwise."""
        cached = self._seen.get(word)
        if cached is not None:
            return cached
        if not self._may_start(word):
            return ()
        keys = [word]
        if self.language:  # a closed first word is indexed by its base
            keys = list(dict.fromkeys([word, spelling.base(word, self.language)]))
        elif word.endswith("s"):
            keys.append(word[:-1])
            if word.endswith("es"):
                keys.append(word[:-2])
        found = [
            (term, owner, key != word) for key in keys for term, owner in self.by_first.get(key, ())
        ]
        if self.stems or self.tails:
            found += [(term, owner, False) for term, owner in self._compounds(word)]
        out = tuple(found)
        if len(self._seen) >= _SEEN_WORDS:  # bounded: a long-running scan meets new words
            self._seen.clear()
        self._seen[word] = out
        return out

    def find(self, segments: list[list[str]]) -> list[tuple[_Term, int, int, int]]:
        """(term, owner, start, end) for every match, overlapping ones included."""
        found = []
        for seg_no, words in enumerate(segments):
            base = seg_no * _SEGMENT_SPAN  # positions never compare across segments
            for i, word in enumerate(words):
                for term, owner, stripped in self._candidates(word):
                    if _matches_at(term, words, i, stripped):
                        found.append((term, owner, base + i, base + i + len(term.words)))
        return found


def _matches_at(term: _Term, words: list[str], i: int, stripped: bool) -> bool:
    if term.open_end or term.open_start:
        return _compound_at(term, words, i)
    n = len(term.words)
    if n == 1:
        return not stripped or term.plural
    if stripped or i + n > len(words):
        return False  # only the last word may carry a plural ending
    for k in range(1, n - 1):
        if words[i + k] != term.words[k]:
            return False
    last, want = words[i + n - 1], term.words[-1]
    return last == want or (term.plural and last in (want + "s", want + "es"))


def _compound_at(term: _Term, words: list[str], i: int) -> bool:
    """Whether a glossary term stands at ``words[i]``, its open words joined to others."""
    if i + len(term.words) > len(words):
        return False
    for k, want in enumerate(term.words):
        got = words[i + k]  # in the term's language's spelling keys
        tail = k == 0 and term.open_start
        if term.open_end[k]:
            if want in got if tail else got.startswith(want):
                continue
            return False
        stem = spelling.base(got, term.language)  # "schwerem" for "schweres"
        if want in (got, stem) or (tail and (got.endswith(want) or stem.endswith(want))):
            continue
        return False
    return True


@dataclass
class _Area:
    taxonomy: str
    id: str
    label: str
    cite: str
    terms: list[_Term] = field(default_factory=list)  # matched on case-folded text
    acronyms: list[_Term] = field(default_factory=list)  # matched case-sensitively
    exclude: list[_Term] = field(default_factory=list)
    codes: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)

    @property
    def full_id(self) -> str:
        return f"{self.taxonomy}:{self.id}"


def _strings(value: Any, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AreaDataError(f"{where}: '{name}' must be a list of non-empty texts")
    return value


KEYWORD_KEYS = {"term", "unless"}


def _keywords(value: Any, where: str, name: str = "keywords") -> list[_Term]:
    """An area's keywords: each a phrase, or ``{term: PHRASE, unless: [PHRASE, …]}``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise AreaDataError(f"{where}: '{name}' must be a list")
    terms = []
    for item in value:
        unless: list[str] = []
        if isinstance(item, dict):
            if set(item) - KEYWORD_KEYS or "term" not in item:
                raise AreaDataError(
                    f"{where}: a keyword is a phrase or {{term: PHRASE, unless: [PHRASE, …]}}, "
                    f"got keys {', '.join(map(str, item))}"
                )
            unless = _strings(item.get("unless"), where, "unless")
            if not unless:
                raise AreaDataError(f"{where}: 'unless' of {item['term']!r} lists no phrase")
            item = item["term"]
        if not isinstance(item, str) or not item.strip():
            raise AreaDataError(f"{where}: '{name}' must be a list of non-empty texts")
        words = _words(item)
        terms.append(_Term(item, words, words[-1][-1:].isalpha(), tuple(_words(u) for u in unless)))
    return terms


def _acronyms(value: Any, where: str) -> list[_Term]:
    """An area's acronyms: each one word, or ``{term: WORD, unless: [PHRASE, …]}`` ("INS" is
    also the insulin gene and its cell line, "INS-1"); matched case-sensitively, the ``unless``
    phrases as keywords are."""
    spelled = _keywords(value, where, "acronyms")
    return [_Term(t.text, _words(t.text, fold=False), True, t.unless) for t in spelled]


def parse_taxonomy(data: Any, path: str = "<taxonomy>") -> list[_Area]:
    if not isinstance(data, dict):
        raise AreaDataError(f"{path}: expected a mapping with taxonomy, source and areas")
    taxonomy = data.get("taxonomy")
    if not isinstance(taxonomy, str) or not AREA_ID.match(taxonomy):
        raise AreaDataError(f"{path}: 'taxonomy' must be a lower-case id")
    source = data.get("source")
    if not isinstance(source, dict) or not str(source.get("cite", "")).strip():
        raise AreaDataError(f"{path}: 'source' needs a 'cite' (taxonomies must be cited)")
    cite = " ".join(str(source["cite"]).split())
    # how sentences name the taxonomy ("UK NSIA 'synthetic biology'"): its `name`, else its
    # `title` (reviewer: an institution's own taxonomy was said by its id, "uk-nsia")
    named = data.get("name") or data.get("title")
    if isinstance(named, str) and named.strip():
        from kvrules.plain import name_area_scheme

        name_area_scheme(taxonomy, " ".join(named.split()))
    raw_areas = data.get("areas")
    if not isinstance(raw_areas, list) or not raw_areas:
        raise AreaDataError(f"{path}: 'areas' must be a non-empty list")
    areas: list[_Area] = []
    seen: set[str] = set()
    for i, spec in enumerate(raw_areas):
        where = f"{path}: areas[{i}]"
        if not isinstance(spec, dict):
            raise AreaDataError(f"{where}: expected a mapping")
        aid, label = spec.get("id"), spec.get("label")
        if not isinstance(aid, str) or not AREA_ID.match(aid) or aid in seen:
            raise AreaDataError(f"{where}: 'id' must be a new lower-case id, got {aid!r}")
        if not isinstance(label, str) or not label.strip():
            raise AreaDataError(f"{where} ({aid}): 'label' is required")
        seen.add(aid)
        area = _Area(taxonomy, aid, " ".join(label.split()), cite)
        where = f"{path}: area {aid!r}"
        try:
            area.terms = _keywords(spec.get("keywords"), where)
            area.acronyms = _acronyms(spec.get("acronyms"), where)
            area.exclude = [
                _Term(t, _words(t), True) for t in _strings(spec.get("exclude"), where, "exclude")
            ]
            area.codes = [
                (c, re.compile(c, re.IGNORECASE))
                for c in _strings(spec.get("codes"), where, "codes")
            ]
        except (re.error, ValueError) as e:
            raise AreaDataError(f"{where}: bad term: {e}") from None
        if any(len(a.words) != 1 for a in area.acronyms):
            raise AreaDataError(f"{where}: an acronym is a single word")
        if not (area.terms or area.acronyms or area.codes):
            raise AreaDataError(f"{where}: give at least one keyword, acronym or code")
        areas.append(area)
    return areas


@dataclass(frozen=True)
class Glossary:
    """One language's terms for the English keywords (``data/areas/languages/<code>.yaml``)."""

    language: str  # ISO 639-1, e.g. "de"
    name: str  # in English, e.g. "German"
    terms: dict[str, tuple[str, ...]]  # English keyword (folded) -> terms as written
    # English keyword -> this language's phrases that mean another sense of its terms (what
    # the keyword's English ``unless`` says; both apply to the terms)
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # English ``exclude`` phrase -> its terms here: they cancel glossary matches they cover
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_glossary(data: Any, path: str = "<glossary>") -> Glossary:
    if not isinstance(data, dict):
        raise AreaDataError(f"{path}: expected a mapping with language, name, source and terms")
    code, name = data.get("language"), data.get("name")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2}", code):
        raise AreaDataError(f"{path}: 'language' must be an ISO 639-1 code such as de")
    if not isinstance(name, str) or not name.strip():
        raise AreaDataError(f"{path}: 'name' (the language, in English) is required")
    source = data.get("source")
    if not isinstance(source, dict) or not str(source.get("cite", "")).strip():
        raise AreaDataError(f"{path}: 'source' needs a 'cite' (glossaries must be cited)")
    sections = [_glossary_section(data, key, path) for key in ("terms", "unless", "exclude")]
    return Glossary(code, name.strip(), *sections)


def _glossary_section(data: dict[str, Any], key: str, path: str) -> dict[str, tuple[str, ...]]:
    """English phrase (folded) -> this language's terms, each checked once: a bad one names
    its file. ``terms`` is required; ``unless`` and ``exclude`` may be left out."""
    section = data.get(key)
    if section is None and key != "terms":
        return {}
    if not isinstance(section, dict) or not section:
        raise AreaDataError(f"{path}: '{key}' must map English phrases to lists of terms")
    out: dict[str, tuple[str, ...]] = {}
    for english, found in section.items():
        listed = _strings(found, f"{path}: {key}[{english!r}]", key)
        for t in listed:
            try:
                _compound_term(t, t)
            except ValueError as e:
                raise AreaDataError(f"{path}: {key}[{english!r}]: {e}") from None
        out[" ".join(_words(str(english)))] = tuple(listed)
    return out


def read_glossaries(directory: Path = GLOSSARY_DIR) -> list[Glossary]:
    out = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            with path.open(encoding="utf-8") as fh:
                out.append(parse_glossary(yaml.safe_load(fh), str(path)))
        except (OSError, yaml.YAMLError) as exc:
            raise AreaDataError(f"{path}: cannot read the glossary: {exc}") from None
    return out


class _Hit(NamedTuple):
    text: str  # the term as written (a glossary term with its language and English keyword)
    owner: int  # the area's number
    start: int  # word positions (see _SEGMENT_SPAN)
    end: int
    language: str  # the glossary's, "" for the taxonomy's own terms
    unmistakable: bool  # not also an English word: see _unmistakable


# A longer word an open English word ("drone*", "laser*") meets reads as English where it ends
# as four English words do or more: five letters (a German or Dutch compound's last word seldom
# ends so: "Laserwaffen", "dronezwermen"; "dronedarone" does, as "coumarone" and "asarone")
_OPEN_ENGLISH_TAIL = (5, 4)


def _compound_of_words(got: str, want: str) -> bool:
    """Whether ``got`` is ``want`` joined to a word of its own ("tritiumpermeation": tritium +
    permeation, a German compound whose last word happens to end as English words do), not a
    longer word that merely starts so ("dronedarone": drone + "darone")."""
    rest = got[len(want) :] if got.startswith(want) else ""
    return len(rest) >= 4 and (is_english(rest) or is_english(rest[1:]))  # a linking "s"


def _unmistakable(
    term: _Term,
    keyed: list[list[str]],
    folded: list[list[str]],
    start: int,
    english: frozenset[str] = frozenset(),
) -> bool:
    """Whether a glossary term's match could not be English words, decided by an English word
    list (``language.is_english``) rather than the term's form: not where every word it met is
    an English word ("pathogenesis", "pathogenetic" for the French "pathogène*"); not where a
    word it met is its term's word plus an English plural ("gradiometer*" in "gradiometers",
    the Dutch "pathogenen" not in "pathogenes") — where ``english`` (the words of the English
    keywords), if given, holds that word: the Dutch plural "kernwapens" is no English word
    ("Kernwapens in Europa"), as "kernwapen" is none of the keywords' words; not where an open
    word that is itself an English word meets a longer word shaped as English words are
    ("drone*" in "dronedarone", a drug; "Laserwaffen" is not)."""
    if not term.language:
        return True
    seg, at = divmod(start, _SEGMENT_SPAN)
    met = list(zip(folded[seg][at:], keyed[seg][at:], term.words, term.open_end, strict=False))
    if all(is_english(word) for word, _, _, _ in met):
        return False
    return not any(
        (got in (want + "s", want + "es") and (not english or want in english))
        or (
            open_
            and got != want
            and is_english(want)
            and ends_as_english(word, *_OPEN_ENGLISH_TAIL)
            and not _compound_of_words(got, want)
        )
        for word, got, want, open_ in met
    )


def _in_language(hits: tuple[_Hit, ...], language: str | None) -> list[_Hit]:
    """A glossary term counts in text of its language ("gradiometer*" meets the English
    "gradiometers"); where the language is not known, only where its match cannot be an English
    word (a record of German keywords alone tells no language). A word the
    taxonomy's own keyword, or another glossary term, already matched gives no second reason
    (one word, one reason per area)."""
    kept = [
        h
        for h in hits
        if not h.language or h.language == language or (language is None and h.unmistakable)
    ]
    taken = [(h.owner, h.start, h.end) for h in kept if not h.language]
    out = []
    for h in kept:
        if h.language:
            if any(o == h.owner and s <= h.start and h.end <= e for o, s, e in taken):
                continue
            taken.append((h.owner, h.start, h.end))
        out.append(h)
    return out


class Classifier:
    """Compiled taxonomies; ``classify`` is pure and thread-safe."""

    def __init__(
        self, areas: Sequence[_Area], digest: str = "", glossaries: Sequence[Glossary] = ()
    ) -> None:
        self.digest = digest  # of the taxonomy files: a change re-screens stored records
        # the same, file by file ("taxonomy eu-dual-use", "glossary de" → digest): a re-screen
        # names the files that changed (``from_paths``; empty when built otherwise)
        self.parts: dict[str, str] = {}
        # ISO 639-1 code -> name of every language the keywords are matched in
        self.languages = {"en": "English"} | {g.language: g.name for g in glossaries}
        ids = [a.full_id for a in areas]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise AreaDataError(f"area ids defined twice: {', '.join(dupes)}")
        self._areas = list(areas)
        # every word of the English keywords: a glossary match that is one of them plus an
        # English plural may be English (``_unmistakable``)
        self._english_words = frozenset(
            w for a in self._areas for t in (*a.terms, *a.exclude) for w in t.words
        ) | frozenset(w.casefold() for a in self._areas for t in a.acronyms for w in t.words)
        # One word index per language for all areas (owner = area number; "" is the
        # taxonomies' own English); exclusions are indexed too and cancel only matches of their
        # own area that they cover.
        self._terms: dict[str, _Index] = {"": _Index()}
        self._exclude: dict[str, _Index] = {"": _Index()}
        self._acronyms = _Index()
        for n, area in enumerate(self._areas):
            for term in area.terms:  # radar in "Histoire du radar" is history too
                said = tuple(
                    _compound_term(u, u, g.language)
                    for g in glossaries
                    for u in g.unless.get(" ".join(term.words), ())
                )
                self._terms[""].add(replace(term, unless_said=said) if said else term, n)
            for term in area.acronyms:
                self._acronyms.add(term, n)
            for term in area.exclude:
                self._exclude[""].add(term, n)
        for glossary in glossaries:
            self._add_glossary(glossary, glossaries)
        coded = [f"(?:{p.pattern})" for a in self._areas for _, p in a.codes]
        self._any_code = re.compile("|".join(coded), re.IGNORECASE) if coded else None
        self._seen: dict[str, tuple[tuple[str, _Term, int, bool], ...]] = {}  # _candidates
        # A portfolio's keywords come from a vocabulary: most were matched a record before.
        self._cached_hits = lru_cache(maxsize=8192)(self._text_hits)

    def _rendered(self, english: str) -> dict[int, list[_Term]]:
        """Area number -> the English terms that match the phrase ``english`` (exclusions
        applied): what a glossary term rendered by it must give. "nuclear fusion" is Category
        0 by "nuclear" as well as energy by "nuclear fusion"."""
        segments = _segments(english)
        covered = self._exclude[""].find(segments)
        out: dict[int, list[_Term]] = {}
        for term, owner, start, end in self._terms[""].find(segments):
            if not any(o == owner and s <= start and end <= e for _, o, s, e in covered):
                out.setdefault(owner, []).append(term)
        return out

    def _add_glossary(self, glossary: Glossary, every: Sequence[Glossary] = ()) -> None:
        """Index a glossary's terms for every area their English rendering reaches, each
        keeping the senses of the English terms it reaches: their ``unless`` phrases (a text
        may mix languages) and every glossary's for the rendering and for them (a text leant
        to no language: the German "lithografie*" met "Lithografie en drukcultuur …", whose
        other sense is said in Dutch)."""
        language = glossary.language
        terms = self._terms.setdefault(language, _Index(language))
        added: set[tuple[int, str]] = set()  # a term two renderings share is added once
        for english, said_terms in glossary.terms.items():
            for owner, matched in self._rendered(english).items():
                unless = tuple(dict.fromkeys(u for t in matched for u in t.unless))
                renderings = dict.fromkeys([english, *(" ".join(t.words) for t in matched)])
                unless_said = tuple(
                    _compound_term(u, u, g.language)
                    for g in (every or [glossary])
                    for u in dict.fromkeys(u for r in renderings for u in g.unless.get(r, ()))
                )
                for said in said_terms:
                    if (owner, said) in added:
                        continue
                    added.add((owner, said))
                    found = _compound_term(said, f"{said} ({language}: {english})", language)
                    terms.add(replace(found, unless=unless, unless_said=unless_said), owner)
        exclude = self._exclude.setdefault(language, _Index(language))
        for n, area in enumerate(self._areas):
            for phrase in area.exclude:  # "Kernspinresonanz" is not Category 0 either
                for said in glossary.exclude.get(" ".join(phrase.words), ()):
                    exclude.add(_compound_term(said, said, language), n)

    @classmethod
    def from_dir(cls, directory: str | Path = DATA_DIR) -> Classifier:
        return cls.from_paths([], shipped=directory)

    @classmethod
    def from_paths(
        cls, extra: Sequence[str | Path], *, shipped: str | Path = DATA_DIR
    ) -> Classifier:
        """The shipped taxonomies plus an institution's own files (``extra``: YAML files or
        folders of them), e.g. its "crown jewels" or the enacted NL annex. An own taxonomy with
        a shipped one's id replaces it; two own files with one id are an error."""
        by_id: dict[str, tuple[list[_Area], Path]] = {}
        for path in sorted(Path(shipped).glob("*.yaml")):
            areas = _read_taxonomy(path)
            by_id[areas[0].taxonomy] = (areas, path)
        own: dict[str, Path] = {}
        for path in _yaml_files(extra):
            areas = _read_taxonomy(path)
            taxonomy = areas[0].taxonomy
            if taxonomy in own:
                raise AreaDataError(
                    f"{path}: taxonomy '{taxonomy}' is also defined in {own[taxonomy]}"
                )
            own[taxonomy] = path
            by_id[taxonomy] = (areas, path)
        digest = hashlib.sha256()
        parts: dict[str, str] = {}
        for taxonomy, (_, path) in sorted(by_id.items()):
            digest.update(taxonomy.encode() + b"\0" + path.read_bytes() + b"\0")
            parts[f"taxonomy {taxonomy}"] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        glossary_dir = Path(shipped) / "languages"
        for path in sorted(glossary_dir.glob("*.yaml")):  # a new term re-screens too
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
            parts[f"glossary {path.stem}"] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        areas = [a for group, _ in by_id.values() for a in group]
        classifier = cls(areas, digest.hexdigest()[:16], read_glossaries(glossary_dir))
        classifier.parts = parts
        return classifier

    def in_words(self) -> str:
        """ "the area vocabulary 1a2b3c4d5e6f7a8b (taxonomies eu-critical-tech, eu-dual-use,
        nl-clusters, stra; terms in English, German, Dutch, French)": what "none found" was
        looked for in, its edition the digest of its files (an own taxonomy changes it)."""
        return (
            f"the area vocabulary {self.digest or 'as built'} (taxonomies "
            f"{', '.join(sorted(self.taxonomies))}; terms in {', '.join(self.languages.values())})"
        )

    @property
    def area_ids(self) -> list[str]:
        return [a.full_id for a in self._areas]

    @property
    def taxonomies(self) -> list[str]:
        return list(dict.fromkeys(a.taxonomy for a in self._areas))

    def label(self, area_id: str) -> str:
        return next(a.label for a in self._areas if a.full_id == area_id)

    def _text_hits(self, raw: str) -> tuple[_Hit, ...]:
        """Every match in ``raw``, in order, glossary terms kept to the field's own language
        (``_in_language``); cached per text, the field's language with it."""
        folded = _segments(_fold(raw))
        keyed_in: dict[str, list[list[str]]] = {"": folded}

        def keyed(language: str) -> list[list[str]]:
            """The text's segments in ``language``'s spelling keys, word for word (a match's
            position is the same in every language)."""
            if language not in keyed_in:
                keyed_in[language] = [[spelling.key(w, language) for w in s] for s in folded]
            return keyed_in[language]

        hits = self._find(folded, keyed)
        if hits:
            excluded = [x for lang, ix in self._exclude.items() if ix for x in ix.find(keyed(lang))]
            hits = [
                h
                for h in hits
                if not any(x[1] == h[1] and x[2] <= h[2] and h[3] <= x[3] for x in excluded)
            ]
        if self._acronyms:  # "INS-1 beta cells": an acronym may have other senses too
            hits += self._acronyms.find(_segments(unicodedata.normalize("NFKC", raw)))
        if any(h[0].unless or h[0].unless_said for h in hits):  # another sense, same sentence
            sentence_of = _sentence_of_segments(_fold(raw))
            hits = [
                h for h in hits if not _other_sense(h[0], h[2] // _SEGMENT_SPAN, keyed, sentence_of)
            ]
        if not any(term.language for term, _, _, _ in hits):
            return tuple(_Hit(t.text, o, s, e, "", True) for t, o, s, e in hits)
        # each field leans on its own, and only if a glossary term matched in it: a Dutch
        # title beside a German keyword ("Quantenkryptographie") must not keep the German term
        # out; a field with no sign (a one-word keyword) keeps every glossary's terms whose
        # match cannot be an English word (asked only then: it reads a word list)
        language = lean([raw])
        return tuple(
            _in_language(
                tuple(
                    _Hit(
                        term.text,
                        owner,
                        start,
                        end,
                        term.language,
                        language is None
                        and _unmistakable(
                            term, keyed(term.language), folded, start, self._english_words
                        ),
                    )
                    for term, owner, start, end in hits
                ),
                language,
            )
        )

    def _find(self, folded: list[list[str]], keyed: Keyed) -> list[tuple[_Term, int, int, int]]:
        """What every language's index finds in a text, language by language (the order a
        reason is given in), each word's candidate terms looked up once for all languages: most
        words start none, and a text none of whose words do is never put in other keys."""
        found: dict[str, list[tuple[_Term, int, int, int]]] = {lang: [] for lang in self._terms}
        for seg_no, words in enumerate(folded):
            base = seg_no * _SEGMENT_SPAN  # positions never compare across segments
            for i, word in enumerate(words):
                for lang, term, owner, stripped in self._candidates(word):
                    if _matches_at(term, keyed(lang)[seg_no], i, stripped):
                        found[lang].append((term, owner, base + i, base + i + len(term.words)))
        return [hit for hits in found.values() for hit in hits]

    def _candidates(self, word: str) -> tuple[tuple[str, _Term, int, bool], ...]:
        """(language, term, owner, stripped) that may start at a folded word, every language's
        index asked with the word in its spelling key (``_Index._candidates``); cached."""
        cached = self._seen.get(word)
        if cached is None:
            cached = tuple(
                (lang, *candidate)
                for lang, index in self._terms.items()
                for candidate in index._candidates(spelling.key(word, lang))
            )
            if len(self._seen) >= _SEEN_WORDS:
                self._seen.clear()
            self._seen[word] = cached
        return cached

    def _text_reasons(self, kind: str, raw: str, out: dict[int, list[Reason]]) -> None:
        for hit in self._cached_hits(raw):
            reason = Reason(kind, raw, hit.text)
            bucket = out.setdefault(hit.owner, [])
            if reason not in bucket:
                bucket.append(reason)

    def classify(
        self,
        keywords: Iterable[str],
        classifications: Iterable[str],
        title: str | None = None,
    ) -> list[AreaHit]:
        reasons: dict[int, list[Reason]] = {}
        keywords = [k for k in keywords if k and k.strip()]
        # Each keyword is matched on its own: adjacent keywords "quantum", "computing" must not
        # join into the phrase "quantum computing".
        for keyword in keywords:
            self._text_reasons("keyword", keyword, reasons)
        if title and title.strip():
            self._text_reasons("title", title, reasons)
        if self._any_code is not None:
            for raw in classifications:
                code = raw.strip() if raw else ""
                if not code or not self._any_code.fullmatch(code):
                    continue
                for n, area in enumerate(self._areas):
                    for pattern, rx in area.codes:
                        if rx.fullmatch(code):
                            reasons.setdefault(n, []).append(Reason("classification", raw, pattern))
        return [
            AreaHit(a.full_id, a.taxonomy, a.label, tuple(reasons[n]), a.cite)
            for n, a in enumerate(self._areas)
            if n in reasons
        ]


def _read_taxonomy(path: Path) -> list[_Area]:
    try:
        with path.open(encoding="utf-8") as fh:
            return parse_taxonomy(yaml.safe_load(fh), str(path))
    except (OSError, yaml.YAMLError) as exc:
        raise AreaDataError(f"{path}: cannot read the taxonomy: {exc}") from None


def name_own_taxonomies(paths: Iterable[str | Path]) -> None:
    """Name an institution's own taxonomies for sentences (``parse_taxonomy`` does as it reads
    them), where no classifier is built: `show`, `report` and the case pages read stored
    findings. A file that cannot be read is the classifier's to report: skipped here."""
    try:
        files = _yaml_files(paths)
    except AreaDataError:
        return
    for path in files:
        try:
            _read_taxonomy(path)
        except AreaDataError:
            continue


def _yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    files: dict[str, Path] = {}  # by real path: a folder and a file in it are read once
    for path in map(Path, paths):
        found = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        if not found:  # e.g. files named *.yml: the areas would be left out without a word
            raise AreaDataError(f"{path}: no taxonomy files (*.yaml) in this folder")
        for file in found:
            files.setdefault(os.path.realpath(file), file)  # realpath: no error on a link loop
    return list(files.values())


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    return Classifier.from_dir(DATA_DIR)


def classify(
    keywords: list[str], classifications: list[str], title: str | None = None
) -> list[AreaHit]:
    """Sensitive areas for a project, output or visit, each hit with its reasons."""
    return default_classifier().classify(keywords, classifications, title)


def area_ids(hits: Iterable[AreaHit]) -> list[str]:
    """The ids to store in ``sensitive_areas`` (order kept, no duplicates)."""
    return list(dict.fromkeys(h.area for h in hits))


def known_areas() -> list[str]:
    """Every area id the shipped taxonomies define (rulebooks may only name these)."""
    return default_classifier().area_ids
