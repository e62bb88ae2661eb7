"""A light guess of the language a record's text is written in, so that a text in a language
the sensitive-area vocabulary has no terms in is said to be not screened, never "none found".

Script first (Han, kana, Hangul, Cyrillic, Arabic, …), then, for Latin script, the commonest
function words and the letters only some languages use. Titles are short: no guess (None)
unless two signs agree, and none where two languages tie. No library: the well-kept detectors
carry models of megabytes for a question a few dozen words answer well enough here; a wrong
"no guess" costs only the note, never a screening.

``unscreened`` says when a text is not in a language the glossaries cover: a guessed one, or
"not recognised" when a title without function words still bears other languages' endings,
letter groups or letters ("Propulsione ipersonica per razzi riutilizzabili"). It is kept
from what English titles hold besides English words (species names, formulae, acronyms, place
names: tests/test_language_guess_english.py) and from English scientific words (an English
word, by the list ``english_words`` reads, bears no ending or letter-group sign: "eczema",
"schizophrenia"; nor does a coinage ending as English words do: "sarcopenia"); a sign is a
sign, not proof.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import pycountry

from kvrules.scripts import script_counts

# Scripts (kvrules.scripts, shared with the organisation resolver) -> the language that writes
# them (the commonest one where several do); kana before Han: Japanese mixes both.
_LANGUAGE_OF_SCRIPT = {
    "Han": "zh",
    "Hangul (Korean)": "ko",
    "Cyrillic": "ru",
    "Arabic": "ar",
    "Hebrew": "he",
    "Greek": "el",
    "Thai": "th",
    "Devanagari": "hi",
}
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
# Function words that are rarely anything else in a research title (not "de", "la", "in":
# shared by many languages, they would only tie; no single letters: "W boson", "Vitamin E").
_WORDS = {
    "en": [
        "the",
        "and",
        "of",
        "for",
        "with",
        "from",
        "towards",
        "on",
        "by",
        "an",
        "its",
        "their",
        "using",
    ],
    "de": [
        "der",
        "die",
        "das",
        "und",
        "für",
        "mit",
        "von",
        "zur",
        "zum",
        "über",
        "eine",
        "einer",
        "eines",
        "im",
        "auf",
        "bei",
        "durch",
    ],
    "nl": [
        "het",
        "een",
        "voor",
        "met",
        "van",
        "naar",
        "bij",
        "door",
        "ontwikkeling",
        "onderzoek",
        "en",
        "op",
    ],
    # "en" is French as much as Dutch ("La séparation isotopique en France" was leant Dutch,
    # keeping the French terms out); "au", "aux" are French alone
    "fr": [
        "le",
        "les",
        "des",
        "du",
        "pour",
        "avec",
        "une",
        "sur",
        "dans",
        "et",
        "par",
        "vers",
        "en",
        "au",
        "aux",
    ],
    "es": [
        "el",
        "los",
        "las",
        "del",
        "para",
        "con",
        "una",
        "sobre",
        "por",
        "hacia",
        "desarrollo",
    ],
    "it": [
        "il",
        "gli",
        "della",
        "delle",
        "dei",
        "per",
        "con",
        "una",
        "sullo",
        "nella",
        "sviluppo",
    ],
    "pt": ["os", "das", "dos", "para", "com", "uma", "sobre", "em", "pelo", "desenvolvimento"],
    "pl": ["na", "dla", "oraz", "przez", "ze", "do", "badania"],
    "sv": ["och", "för", "med", "av", "på", "till", "från", "utveckling"],
    "da": ["og", "for", "med", "af", "til", "fra", "udvikling"],
    "fi": ["ja", "sekä", "kanssa", "tutkimus", "kehittäminen"],
    "cs": ["pro", "se", "na", "od", "výzkum", "vývoj"],
    "tr": ["ve", "ile", "için", "bir", "üzerine", "araştırma"],
    "hu": ["és", "az", "egy", "kutatás", "fejlesztése"],
}
_LETTERS = {
    "de": "ß", "es": "ñ¿¡", "pt": "ãõ", "pl": "ąęłńśźż", "cs": "řůě", "hu": "őű", "tr": "şğı",
    "fr": "œ", "nl": "ĳ", "da": "ø", "sv": "",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
# letter → its language, and every letter in one pattern: a text's letters found in one pass
# (no letter is listed for two languages), not counted once per letter of every language
_LANGUAGE_OF_LETTER = {letter: code for code, letters in _LETTERS.items() for letter in letters}
_LETTER = re.compile("[" + re.escape("".join(_LANGUAGE_OF_LETTER)) + "]")
# word → the languages listing it: a record's words looked up once each, not once a language
# (the scan guesses every record's language: 100 µs a record by the lists, 2026-12-07)
_LANGUAGES_OF_WORD: dict[str, tuple[str, ...]] = {}
for _code, _common in _WORDS.items():
    for _word in dict.fromkeys(_common):
        _LANGUAGES_OF_WORD[_word] = (*_LANGUAGES_OF_WORD.get(_word, ()), _code)


def guess(texts: Iterable[str | None]) -> str | None:
    """The ISO 639-1 code of the language ``texts`` are most likely in, or None (no guess)."""
    return _guess(texts, 2)


def lean(texts: Iterable[str | None]) -> str | None:
    """The language ``texts`` lean to on a single sign ("Ordinateurs quantiques et
    cryptographie": French, by "et"), or None where there is none or two tie: too little to say
    a text is not screened, enough to keep another language's glossary out of it."""
    return _guess(texts, 1)


class _Reading(NamedTuple):
    """What the guesses read of one text; a record's texts are read once each, and a
    portfolio's keywords and names recur (the scan guesses every record)."""

    blank: bool  # no letter, digit or sign but white space
    scripts: dict[str, int]  # letters per script other than Latin (kvrules.scripts)
    ukrainian: int  # letters only Ukrainian writes in Cyrillic
    function: tuple[str, ...]  # words that may be function words (``_function_words``)
    spelt: tuple[str, ...]  # words whose letters tell a language (``_spelt_words``)
    score: dict[str, int]  # language -> points of its function words and letters (``_guess``)
    every: frozenset[str]  # each word, folded
    covered_endings: int  # spelt words with an ending of English, German, Dutch or French


_LETTER_LANGUAGE = {c: code for code, letters in _LETTERS.items() for c in letters}
_LETTER_SET = frozenset(_LETTER_LANGUAGE)


@lru_cache(maxsize=16384)
def _read(text: str) -> _Reading:
    found = _WORD.findall(text)
    # letters of a text's first word and of words in lower case: a name inside a title keeps
    # its letters in English ("El Niño", "Łódź"); a first word's are weighed by ``unscreened``
    points: Counter[str] = Counter()
    if not _LETTER_SET.isdisjoint(text.casefold()):  # most texts have none of these letters
        for i, word in enumerate(found):
            if i == 0 or not word[0].isupper():
                points.update(_LETTER_LANGUAGE[c] for c in word.casefold() if c in _LETTER_SET)
    function = _function_words_of(found)
    spelt = _spelt_words_of(found)
    score = {code: 2 * n for code, n in points.items()}
    for word in function:
        for code in _LANGUAGES_OF_WORD.get(word, ()):
            score[code] = score.get(code, 0) + 1
    return _Reading(
        not text.strip(),
        script_counts(text),
        len(_UKRAINIAN.findall(text)),
        function,
        spelt,
        score,
        frozenset(w.casefold() for w in found),
        sum(1 for w in spelt if w.endswith(_COVERED_ENDINGS)),
    )


def _guess(texts: Iterable[str | None], signs: int) -> str | None:
    readings = [_read(t) for t in texts if t]
    if all(r.blank for r in readings):
        return None
    counts: Counter[str] = Counter()
    for r in readings:
        if r.scripts:
            counts.update(r.scripts)
    if counts.get("Japanese kana", 0) >= 2:
        return "ja"
    for script, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n >= 2 and script in _LANGUAGE_OF_SCRIPT:
            if script == "Cyrillic" and sum(r.ukrainian for r in readings) >= 2:
                return "uk"
            return _LANGUAGE_OF_SCRIPT[script]
    score: Counter[str] = Counter()
    for r in readings:
        score.update(r.score)
    ranked = score.most_common(2)
    if not ranked or ranked[0][1] < signs or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    top, points = ranked[0]
    if top != "en" and score["en"] > 0 and points - score["en"] < 2:
        return None  # English words stand beside: not clearly another language
    return top


def _spelt_words(texts: Iterable[str]) -> list[str]:
    """The words of ``texts`` whose letters tell a language, folded: those in lower case and a
    text's first word (alone, or before one in lower case). A name keeps its letters in an
    English title ("El Niño", "Łódź", "São Paulo urban growth")."""
    return [w for text in texts for w in _read(text).spelt]


def _spelt_words_of(found: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for i, word in enumerate(found):
        first = i == 0 and (len(found) == 1 or found[1].islower())
        if first or not word[0].isupper():
            out.append(word.casefold())
    return tuple(out)


def _function_words(texts: Iterable[str]) -> list[str]:
    """The words of ``texts`` that may be function words, folded. One written with a capital
    counts only before a word in lower case: names and terms ("Con A", "Del Rio", "Los
    Alamos", "El Niño", "Van Allen belts") are not Spanish or Dutch."""
    return [w for text in texts for w in _read(text).function]


def _function_words_of(found: list[str]) -> tuple[str, ...]:
    # each word with the one after it ("" after the last; a text of digits has none)
    return tuple(
        word.casefold()
        for word, following in zip(found, [*found[1:], ""][: len(found)], strict=True)
        if word.islower() or following.islower()
    )


# A text no guess names, but whose words are not English, German, Dutch or French: the code
# ISO 639-2 gives an undetermined language, and what a person is told.
UNRECOGNISED = "und"
NOT_RECOGNISED = "language not recognised"
# Word endings and letter groups that English, German, Dutch and French words (almost) never
# have, per language: a Spanish, Italian or Polish title without two function words still shows
# its language ("Propulsione ipersonica per razzi riutilizzabili", "Rozpoznawanie twarzy w
# przestrzeni publicznej"). Not Latin endings (-ae, -us, -um, -i: species names are English
# titles' words), nor "rz" alone (German "Herz", "kurz").
_ENDINGS = {
    "es": ("ción", "ciones", "sión", "siones", "idad", "idades"),
    "it": ("zione", "zioni", "sione", "sioni", "abili", "ibili", "abile", "ibile", "ità"),
    "pt": ("ção", "ções", "ões", "dade", "dades"),
    "pl": ("anie", "enie", "aniu", "eniu", "ania", "enia", "ość", "ości", "owej", "owych", "nych"),
    "cs": ("ování", "ých"),
}
_GROUPS = {"pl": ("prz", "szcz", "cz", "rzy", "ść", "dzi")}
# Letters none of English, German, Dutch and French writes (Dutch "één" aside): a sign of a
# language the glossaries do not cover, whichever it is.
_FOREIGN_LETTERS = frozenset("áíóúñãõąęłńśźżćřůěščžďťňőűşğıøåýțșăđ")
_COVERED = ("en", "de", "nl", "fr")
# Endings of English, German, Dutch and French words no other language's words have often
# (not "-al", "-ive", "-able": Spanish and Italian words end so too).
_COVERED_ENDINGS = (
    "ics", "ing", "ings", "tion", "tions", "ness", "ment", "ments", "ity", "ities", "ies", "ers",
    "ory", "ogy", "ism", "isms", "ship", "ous", "ung", "ungen", "heit", "keit", "lijk", "heid",
    "ique", "iques", "eur", "eurs",
)  # fmt: skip
_SCRIPT_LANGUAGES = frozenset({*_LANGUAGE_OF_SCRIPT.values(), "ja", "uk"})
_ALL_ENDINGS = tuple(e for endings in _ENDINGS.values() for e in endings)
_ALL_GROUPS = tuple(g for groups in _GROUPS.values() for g in groups)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of Webster's Second International (public domain, the "web2" list of the
    english-words package), folded: what an English word is, for the signs here and for the
    glossaries' matches in a field of no language (``kvrules.enrich.areas``). Read once, on the
    first word that needs it (0.05 s)."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


# An ending sign is not counted on a word whose last letters end English words too: Greek and
# Latin terms coined after the list keep the endings of those in it ("neutropenia" ends as
# "leukopenia", "sarcopenia" as "thrombocytopenia"), where a Polish "rozpoznawania" or an
# Italian "riutilizzabile" ends as no English word does. Six letters, three words: one or two
# are borrowings ("cantabile").
_SIGN_TAIL = (6, 3)
# English inflections a word may carry beyond the list's form ("eczemas", "czars")
_ENGLISH_INFLECTIONS = ("s", "es", "ed", "ing")


@lru_cache(maxsize=4)
def _english_tails(letters: int, words: int) -> frozenset[str]:
    """The last ``letters`` letters that at least ``words`` English words end with."""
    counts = Counter(w[-letters:] for w in english_words() if len(w) > letters)
    return frozenset(t for t, n in counts.items() if n >= words)


def ends_as_english(word: str, letters: int, words: int) -> bool:
    """Whether a folded word longer than ``letters`` ends in the last ``letters`` letters of
    ``words`` English words or more: an English coinage or chemical name shares them
    ("dronedarone" ends as "coumarone" and "asarone"), a word of another language seldom."""
    return len(word) > letters and word[-letters:] in _english_tails(letters, words)


@lru_cache(maxsize=65536)
def is_english(word: str) -> bool:
    """Whether a folded word is an English word: listed, or listed less an inflection."""
    listed = english_words()
    return word in listed or any(
        word.endswith(e) and word[: -len(e)] in listed for e in _ENGLISH_INFLECTIONS
    )


@lru_cache(maxsize=65536)
def _signs(word: str) -> frozenset[str]:
    """The languages not covered whose endings or letter groups a folded word bears; none for
    an English word ("schizophrenia", "eczema") and no ending sign where English words end
    alike ("sarcopenia"). Cached: a portfolio's words recur."""
    found = {
        code
        for code, endings in _ENDINGS.items()
        if any(word.endswith(e) and len(word) > len(e) + 2 for e in endings)
    } | {code for code, groups in _GROUPS.items() if any(g in word for g in groups)}
    if not found or is_english(word):
        return frozenset()
    if ends_as_english(word, *_SIGN_TAIL):
        found = {c for c in found if any(g in word for g in _GROUPS.get(c, ()))}
    return frozenset(found)


def _marked(word: str) -> bool:
    """Whether a folded word bears any sign of a language the glossaries do not cover."""
    return bool(_signs(word)) or not _FOREIGN_LETTERS.isdisjoint(word)


def unscreened(texts: Iterable[str | None], covered: Iterable[str] = _COVERED) -> str | None:
    """The language of ``texts`` when it is not one of ``covered``: its ISO 639-1 code when
    guessed, UNRECOGNISED when the words carry two signs or more of other languages than the
    covered ones (endings, letter groups, letters) and more than of the covered ones; None when
    the text reads as a covered language or there is too little to tell (an acronym, a formula,
    a species name, a short English title). Cached: a portfolio's keywords recur."""
    return _unscreened(tuple(t for t in texts if t), frozenset(covered))


@lru_cache(maxsize=8192)
def _unscreened(given: tuple[str, ...], covered: frozenset[str]) -> str | None:
    code = guess(given)
    if code in _SCRIPT_LANGUAGES or (code is not None and code in covered):
        return None if code in covered else code
    spelt, function = _spelt_words(given), _function_words(given)
    # words that read as a covered language: its function words and its common endings
    looks_covered = sum(1 for w in function if covered.intersection(_LANGUAGES_OF_WORD.get(w, ())))
    looks_covered += sum(_read(t).covered_endings for t in given)
    if code is not None:  # a guess on letters: "Piñata economics", "jalapeño peppers" are English
        every = frozenset().union(*(_read(t).every for t in given))  # "Wyższa Szkoła"
        signed = sum(1 for w in every | set(function) if _sign_of(code, w))
        return code if signed >= 2 and signed > looks_covered else None
    words = [w for w in spelt if _marked(w)]
    if len(words) < 2:
        return None
    foreign: Counter[str] = Counter()
    marked = 0
    for word in words:
        signs = _signs(word)
        foreign.update(signs)
        marked += bool(signs) or any(c in _FOREIGN_LETTERS for c in word)
    if marked < 2 or marked <= looks_covered:
        return None
    for word in function:  # "per", "para": a language's function words
        foreign.update(c for c in _LANGUAGES_OF_WORD.get(word, ()) if c not in covered)
    ranked = foreign.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        return ranked[0][0]
    return UNRECOGNISED


def _sign_of(code: str, word: str) -> bool:
    """Whether a folded word bears a sign of language ``code``: a function word, a letter,
    an ending or a letter group of it (not an English word's: ``_signs``)."""
    return (
        code in _LANGUAGES_OF_WORD.get(word, ())
        or any(c in word for c in _LETTERS.get(code, ""))
        or code in _signs(word)
    )


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("pl" -> "Polish"); NOT_RECOGNISED for
    UNRECOGNISED."""
    if code == UNRECOGNISED:
        return NOT_RECOGNISED
    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found is not None else code
