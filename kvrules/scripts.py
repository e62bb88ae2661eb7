"""Which script a text is written in: one detector for the organisation resolver (names in
other scripts, kvrules.refdata.normalise) and the language guess (kvrules.enrich.language).
Was two, with different Han ranges (the language guess missed the CJK compatibility
ideographs U+F900-U+FAFF)."""

from __future__ import annotations

import re
import unicodedata

# Scripts whose characters are words or syllables, not letters (Han, kana): their romanisation
# runs one character's syllable into the next, so a typing error's edit budget spent on it
# changes a character, which is another word: 西南 (Xinan, "south-west") and 西安 (Xi'an) are one
# letter apart and different cities. Such names are never compared letter by letter.
LOGOGRAPHIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# Letters outside the Latin blocks (Basic Latin to Latin Extended-B, IPA, Latin Extended
# Additional): a name holding none is written in Latin script, as most are.
_NOT_LATIN = re.compile(r"[^\x00-\u02af\u1e00-\u1eff\u2000-\u206f]")
# The scripts a name may be written in other than Latin, by the first word of their letters'
# Unicode names ("CJK UNIFIED IDEOGRAPH-4E2D", "CYRILLIC SMALL LETTER A"), as people call them.
_SCRIPTS = {
    "CJK": "Han",
    "CYRILLIC": "Cyrillic",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "GREEK": "Greek",
    "HANGUL": "Hangul (Korean)",
    "HIRAGANA": "Japanese kana",
    "KATAKANA": "Japanese kana",
    "THAI": "Thai",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengali",
    "TAMIL": "Tamil",
    "ARMENIAN": "Armenian",
    "GEORGIAN": "Georgian",
    "ETHIOPIC": "Ethiopic",
}


def script_counts(text: str) -> dict[str, int]:
    """How many letters of ``text`` each script of :data:`_SCRIPTS` holds (Latin not counted)."""
    counts: dict[str, int] = {}
    if not _NOT_LATIN.search(text):
        return counts
    for char in text:
        if char.isalpha() and _NOT_LATIN.match(char):
            script = _SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0])
            if script:
                counts[script] = counts.get(script, 0) + 1
    return counts


def script_of(name: str) -> str | None:
    """The script other than Latin the letters of ``name`` are written in ("中山大学" → "Han",
    "МГУ" → "Cyrillic", "دانشگاه شریف" → "Arabic"): the one most of them are in; None for a
    name in Latin letters (accented or not) or in a script not named in :data:`_SCRIPTS`."""
    counts = script_counts(name)
    return max(counts, key=counts.__getitem__) if counts else None
