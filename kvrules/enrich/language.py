"""A light guess of the language a record's text is written in, so that a text in a language
the sensitive-area vocabulary has no terms in is said to be not screened, never "none found".

Script first (Han, kana, Hangul, Cyrillic, Arabic, …), then, for Latin script, the commonest
function words and the letters only some languages use. Titles are short: no guess (None)
unless two signs agree, and none where two languages tie. No library: the well-kept detectors
carry models of megabytes for a question a few dozen words answer well enough here; a wrong
"no guess" costs only the note, never a screening.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

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
    "fr": ["le", "les", "des", "du", "pour", "avec", "une", "sur", "dans", "et", "par", "vers"],
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


def _guess(texts: Iterable[str | None], signs: int) -> str | None:
    given = [t for t in texts if t]
    text = " ".join(given)
    if not text.strip():
        return None
    counts = script_counts(text)
    if counts.get("Japanese kana", 0) >= 2:
        return "ja"
    for script, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n >= 2 and script in _LANGUAGE_OF_SCRIPT:
            if script == "Cyrillic" and len(_UKRAINIAN.findall(text)) >= 2:
                return "uk"
            return _LANGUAGE_OF_SCRIPT[script]
    score: Counter[str] = Counter()
    for word in _function_words(given):
        for code in _LANGUAGES_OF_WORD.get(word, ()):
            score[code] += 1
    # letters of a text's first word and of words in lower case: a name inside a title keeps
    # its letters in English ("El Niño", "Łódź")
    lowered = " ".join(
        w.casefold()
        for t in given
        for i, w in enumerate(_WORD.findall(t))
        if i == 0 or not w[0].isupper()
    )
    for letter in _LETTER.findall(lowered):
        score[_LANGUAGE_OF_LETTER[letter]] += 2
    ranked = score.most_common(2)
    if not ranked or ranked[0][1] < signs or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    top, points = ranked[0]
    if top != "en" and score["en"] > 0 and points - score["en"] < 2:
        return None  # English words stand beside: not clearly another language
    return top


def _function_words(texts: Iterable[str]) -> list[str]:
    """The words of ``texts`` that may be function words, folded. One written with a capital
    counts only before a word in lower case: names and terms ("Con A", "Del Rio", "Los
    Alamos", "El Niño", "Van Allen belts") are not Spanish or Dutch."""
    out: list[str] = []
    for text in texts:
        found = _WORD.findall(text)
        # each word with the one after it ("" after the last; a text of digits has none)
        for word, following in zip(found, [*found[1:], ""][: len(found)], strict=True):
            if word.islower() or following.islower():
                out.append(word.casefold())
    return out


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("pl" -> "Polish")."""
    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found is not None else code
