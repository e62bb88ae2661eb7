"""Chinese names in Wade-Giles read as pinyin: "Hsi-an Chiao-t'ung Ta-hsüeh" → "Xian Jiaotong
Daxue", "Fu-tan University" → "Fudan University".

Older and Taiwanese spellings of Chinese names are in Wade-Giles, which writes a word's
syllables joined by hyphens and an aspirated initial with an apostrophe; the index holds pinyin
(ROR's labels, and the Han names' romanisation). A hyphenated word whose every syllable is a
Wade-Giles syllable is rewritten syllable by syllable; any other word is left as written, so an
English name keeps its hyphens ("Kyiv-Mohyla", "Sun Yat-sen": "yat" is no syllable).

The correspondences are those of the standard conversion tables: Library of Congress,
"Pinyin Conversion Project: New Chinese Romanization Guidelines" (2000), table of Wade-Giles
and pinyin initials and finals; the same as ISO 7098:2015, annex (Wade-Giles equivalents).
"""

from __future__ import annotations

import re
import unicodedata

# Wade-Giles initial → pinyin initial; "ch"/"ch'" depend on the final (see :func:`_syllable`)
_INITIALS: dict[str, str] = {
    "ch'": "ch",
    "ch": "zh",
    "hs": "x",
    "k'": "k",
    "k": "g",
    "p'": "p",
    "p": "b",
    "t'": "t",
    "t": "d",
    "ts'": "c",
    "ts": "z",
    "tz'": "c",
    "tz": "z",
    "ss": "s",
    "sz": "s",
    "sh": "sh",
    "j": "r",
    **{c: c for c in "mfnlhswy"},
    "": "",
}
_ALIKE = ("a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "i", "ia", "iang", "iao", "in")
_ALIKE += ("ing", "iu", "o", "ou", "u", "ua", "uai", "uan", "uang", "ui", "un", "uo")
# Wade-Giles final → pinyin final (the finals both write alike map to themselves)
_FINALS: dict[str, str] = {
    **{f: f for f in _ALIKE},
    "erh": "er",
    "ieh": "ie",
    "ien": "ian",
    "ih": "i",  # chih, shih, jih: zhi, shi, ri
    "io": "io",
    "iung": "iong",
    "ung": "ong",
    "uei": "ui",
    "ü": "ü",
    "üan": "üan",
    "üeh": "üe",
    "ueh": "üe",
    "ün": "ün",
}
_SYLLABLE = re.compile(
    r"^(ch'|ch|hs|k'|k|p'|p|t'|t|ts'|ts|tz'|tz|ss|sz|sh|j|[mfnlhswy]|)([a-zü]+)$"
)
_HYPHENATED = re.compile(r"^[A-Za-zÜüÊêŬŭ'’ʻ]+(?:-[A-Za-zÜüÊêŬŭ'’ʻ]+)+$")


def _syllable(written: str) -> str | None:
    """One Wade-Giles syllable in pinyin ("hsüeh" → "xue", "t'ung" → "tong", "chiao" → "jiao"),
    or None for what is no syllable."""
    text = written.lower().replace("’", "'").replace("ʻ", "'").replace("ê", "e").replace("ŭ", "u")
    found = _SYLLABLE.match(text)
    if not found:
        return None
    initial, final = found.groups()
    if final not in _FINALS or (initial == "" and final in ("ih", "ien", "ieh")):
        return None
    if initial in ("tz", "tz'", "ts", "ts'", "ss", "sz") and final == "u":
        final = "i"  # tzu, ssu: zi, si
    elif final == "ih" and initial not in ("ch", "ch'", "sh", "j"):
        return None
    pinyin_initial = _INITIALS[initial]
    if initial in ("ch", "ch'") and final[0] in "iü" and final != "ih":
        pinyin_initial = "j" if initial == "ch" else "q"  # chiao → jiao, ch'ing → qing
    if initial in ("k", "k'", "h") and final == "o":
        final = "e"  # ko, k'o, ho: ge, ke, he
    pinyin_final = _FINALS[final]
    if pinyin_initial in ("j", "q", "x", "y"):
        pinyin_final = pinyin_final.replace("ü", "u")  # xue, ju, yun: the ü is written u
    return pinyin_initial + pinyin_final


def as_pinyin(name: str) -> str | None:
    """``name`` with each hyphenated Wade-Giles word written in pinyin, its syllables joined
    ("Hsi-an Chiao-t'ung Ta-hsüeh" → "Xian Jiaotong Daxue"); None when no word is one."""
    words = unicodedata.normalize("NFC", name).split()
    changed = False
    out = []
    for word in words:
        core = word.strip(",.;()")
        if _HYPHENATED.match(core):
            syllables = [_syllable(part) for part in core.split("-")]
            if all(syllables):
                out.append(word.replace(core, "".join(syllables).capitalize()))  # type: ignore[arg-type]
                changed = True
                continue
        out.append(word)
    return " ".join(out) if changed else None
