# ruff: noqa: RUF002, RUF003  (the Cyrillic letters in the table and comments are meant)
"""Russian names romanised in different systems, keyed so that the spellings meet.

A Russian name reaches a list in whichever system its writer used: "Moskovskiy aviatsionnyy
institut" (BGN/PCGN), "Moskovskij aviacionnyj institut" (ISO 9 / the scholarly system),
"Moskowski Awiazionny Institut" (the German Duden transcription), or in Cyrillic. The exact key
(:func:`kvrules.refdata.normalise.analyse`) keeps them apart, and the letter-by-letter fuzzy
scan reaches few of them (two or three letters differ in each word). :func:`romanised_key`
writes each Cyrillic letter's renderings in those systems as one: the letters' correspondences
below, from the systems' published tables -

- BGN/PCGN 1947 romanisation of Russian (US Board on Geographic Names / UK Permanent Committee
  on Geographical Names, "Romanization of Russian", 2021 edition of the BGN/PCGN tables);
- ISO 9:1995 and its ASCII form GOST 7.79-2000 system B (Interstate Council for
  Standardization, Metrology and Certification);
- the scholarly (linguistic) transliteration;
- the German transcription (Duden, "Transkription des Russischen").

======  =======  ==============  ============  =======  ========
letter  BGN      ISO 9           GOST 7.79 B   scholar  German
======  =======  ==============  ============  =======  ========
в       v        v               v             v        w
ж       zh       ž               zh            ž        sch / sh
з       z        z               z             z        s
й       y        j               j             j        j / i
х       kh       h               x             x / ch   ch
ц       ts       c               cz / c        c        z
ч       ch       č               ch            č        tsch
ш       sh       š               sh            š        sch
щ       shch     ŝ               shh           šč       schtsch
ы       y        y               y'            y        y
ь / ъ   ' / "    ʹ / ʺ           ` / ``        ʹ / ʺ    (none)
я / ю   ya / yu  â / û           ya / yu       ja / ju  ja / ju
======  =======  ==============  ============  =======  ========

Where the systems write one letter alike and another letter differently (German "s" for з,
"ch" for х; BGN "ch" for ч), the key keeps the more common reading and the rarer spelling is not
met. The key is lossy (ц and з meet, so do и, й and ы), so it is only compared between names of
organisations in the countries that write Russian names (:data:`ROMANISED_COUNTRIES`), never as
proof: a match through it is said as a transliteration.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from kvrules.refdata.normalise import STOP_WORDS

# Countries whose organisations' names are written in Russian (or romanised as Russian is)
ROMANISED_COUNTRIES = frozenset(
    {"RU", "BY", "UA", "KZ", "KG", "TJ", "UZ", "TM", "AM", "AZ", "GE", "MD"}
)

# ISO 9 / scholarly letters with a caron or circumflex, read before they lose the mark
_MARKED = str.maketrans({"č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "â": "ya", "û": "yu"})
# The renderings of one letter, longest first, as one spelling (upper-case placeholders so that
# a replacement is never read again as another letter's rendering)
_LETTERS: tuple[tuple[str, str], ...] = (
    ("schtsch", "Q"),  # щ, German
    ("shch", "Q"),  # щ, BGN
    ("shh", "Q"),  # щ, GOST B
    ("tsch", "C"),  # ч, German
    ("sch", "S"),  # ш, German
    ("sh", "S"),  # ш
    ("ch", "C"),  # ч (BGN, GOST B); German х is not met
    ("zh", "Z"),  # ж
    ("kh", "H"),  # х, BGN
    ("cz", "T"),  # ц, GOST B
    ("ts", "T"),  # ц, BGN
    ("tz", "T"),  # ц, older German
    ("c", "T"),  # ц, ISO 9 / scholarly
    ("z", "T"),  # ц, German (з, BGN "z", meets it: the key is lossy)
    ("x", "H"),  # х, GOST B / scholarly
    ("h", "H"),  # х, ISO 9
    ("w", "v"),  # в, German
    ("j", "i"),  # й, ISO 9 / scholarly / German
    ("y", "i"),  # й, ы (BGN): -yy, -iy, -yj, -ij all end in "i"
)
_REPEATED = re.compile(r"(.)\1+")
_WORDS = re.compile(r"[a-z]+")


def romanised_key(name: str) -> str:
    """``name``'s words as one spelling across the systems above (a Cyrillic name through its
    romanisation): "Moskovskij aviacionnyj institut", "Moskowski Awiazionny Institut",
    "Moskovskiy aviatsionnyy institut" and "Московский авиационный институт" give one key."""
    text = unicodedata.normalize("NFC", name).lower().translate(_MARKED)
    words = _WORDS.findall(anyascii(text).lower().replace("'", ""))
    return "".join(_folded(word) for word in words if word not in STOP_WORDS)


def _folded(word: str) -> str:
    for written, letter in _LETTERS:
        word = word.replace(written, letter)
    word = word.lower().replace("ie", "e")  # е written "ye", "je", "ie" at a word's start
    return _REPEATED.sub(r"\1", word)  # "-nnyy", "ss": doubled letters are written single
