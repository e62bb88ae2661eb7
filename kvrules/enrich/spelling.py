"""Spelling keys: the forms a glossary term and a text's word are compared in, per language.

A glossary lists a term once ("hypersoon*", "schweres Wasser", "Quantenkryptographie*"); a
text writes it inflected or spelt another way ("hypersone", "schwerem Wasser",
"Quantenkryptografie"). Both sides are brought to one key before they are compared:

- ``key``: a spelling key per language: a German umlaut is its e-spelling, "ß" is "ss"
  ("Künstliche"/"Kuenstliche"; not the bare vowel: "Drückwalzen" is flow forming,
  "Druckwalzen" printing rollers); "graphi" is "grafi" and "photo" "foto" in German and Dutch
  ("Quantenkryptographie"/"-grafie", "Photovoltaik"/"Fotovoltaik"; not every "ph": "Graphen"
  is graphene, "Grafen" counts); Dutch doubled letters fold to one, as Dutch spelling doubles
  a vowel in a closed syllable only ("hypersoon"/"hypersone", "zwaar"/"zware"); French and
  Dutch accents and diaereses fold ("nucléaire"/"NUCLEAIRE", "geïntegreerd");
- ``base``: a key less one inflection ending of the language (German -e, -en, -em, -er,
  -es, -n, -s; Dutch -e, -en, -er, -es, -s; French -e, -es, -s, -x), for a word of a term
  written without '*': "schweres"/"schwerem", "nucleaire"/"nucleaires".

No stemmer library: Snowball's Dutch stemmer (snowballstemmer 3.1.1, measured 2026-12-07)
leaves "hypersoon"/"hypersone", "zwaar"/"zware" and "zeldzaam"/"zeldzame" apart, the very
misses reviewers found, and a stemmer works on whole words, where a glossary term is often
the first part of a compound ("kernfusie*" in "kernfusiereactoren").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MIN_STEM = 4  # letters a base keeps: "eaux" is not "eau" + "x" (nor "laser" "las" + "er")

_ENDINGS = {
    "de": ("em", "en", "er", "es", "e", "n", "s"),
    "nl": ("en", "er", "es", "e", "s"),
    "fr": ("es", "e", "s", "x"),
}
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_DOUBLED = re.compile(r"(\w)\1+")


def _f_for_ph(word: str) -> str:
    return word.replace("graphi", "grafi").replace("photo", "foto")


def _without_accents(word: str) -> str:
    if word.isascii():  # most words: nothing to fold
        return word
    decomposed = unicodedata.normalize("NFD", word.replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def key(word: str, language: str) -> str:
    """The spelling key of a case-folded word in ``language`` (the word itself for a language
    with no rule, English among them)."""
    if language == "de":
        return _f_for_ph(word.translate(_GERMAN))
    if language == "nl":
        return _DOUBLED.sub(r"\1", _f_for_ph(_without_accents(word)))
    if language == "fr":
        return _without_accents(word)
    return word


def base(keyed: str, language: str) -> str:
    """``keyed`` (a key) less its longest inflection ending in ``language``, if at least
    MIN_STEM letters stay."""
    for ending in _ENDINGS.get(language, ()):
        if keyed.endswith(ending) and len(keyed) - len(ending) >= MIN_STEM:
            return keyed[: -len(ending)]
    return keyed
