"""A person's name found as a whole name in a text, in every script: the matching behind a data
subject's requests (``kvrules.store.privacy``).

The text and the name are compared folded (``kvrules.store.folding.fold``: NFKC, casefold,
Turkish dotted and dotless i as i), the name's words separated by any spacing. A match counts
only when it is not part of a longer word: the character before and the one after must not be
a letter, digit or combining mark, nor a hyphen or apostrophe joining it to one ("Chen Li" is
not in "Chen Lingyun", "Ali" not in "valid", "Rashid" not in "al-Rashid"). That holds for
scripts written without spaces too: "陈丽" is not in "陈丽华" (another name: a longer run of Han
characters), while "张伟 (Zhang Wei)" holds "张伟". A possessive "'s" after the name is no
joining ("Chen Li's decision" names Chen Li). Nor may a capitalised word or a particle of
names stand next to it, separated by spacing alone: "Ali" is not in "Ali Khamenei" nor in
"Mohammad Ali", "Abdullah" not in "Ahmad bin Abdullah" (a title ending in a full stop may:
"Dr. Reza Ahmadi" holds "Reza Ahmadi"); in free text, a sentence's first word may ("Brief
Ольга Смирнова on export control"). The price: a name after a capitalised word inside a
sentence that is not a name ("met Professor Ali") is not found, and a surname alone after a
given name opening a sentence is; ``privacy export`` lists what was found, to be read before
an erasure.

Positions are found in the folded text and mapped back to the text as written, one character
(with its combining marks) at a time, so a replacement changes the name and nothing around it,
in whatever normalisation form the text was stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kvrules.store.folding import fold

# A hyphen or apostrophe between letters joins them into one name ("al-Rashid", "O'Brien").
_JOINERS = "-'\u2019\u2010\u2011"
# Lower-case words that are part of a name when next to it ("Jan van der Berg").
_PARTICLES = frozenset(
    [
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "dos",
        "das",
        "von",
        "zu",
        "ter",
        "ten",
        "la",
        "le",
        "bin",
        "binti",
        "ibn",
        "bint",
        "al",
        "el",
        "abu",
    ]
)


def name_words(name: str) -> list[str]:
    """The name's words, folded."""
    return (fold(name) or "").split()


def may_hold(text: str, words: list[str]) -> bool:
    """Whether every word of a name (``name_words``) is somewhere in ``text``, folded: the
    cheap test before the exact one. Text holding JSON's \\u escapes (a body stored ASCII
    only) may hold anything until it is read."""
    if "\\u" in text:
        return True
    folded = fold(text) or ""
    return all(w in folded for w in words)


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each character of ``text`` with the combining marks after it."""
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if spans and unicodedata.combining(ch):
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


@dataclass(frozen=True)
class _Folded:
    text: str
    # folded offset -> offset in the text as written, at the boundaries of its characters only
    to_original: dict[int, int]


def _fold_mapped(text: str) -> _Folded:
    parts: list[str] = []
    to_original: dict[int, int] = {}
    at = 0
    for start, end in _clusters(text):
        to_original[at] = start
        piece = fold(text[start:end]) or ""
        parts.append(piece)
        at += len(piece)
    to_original[at] = len(text)
    return _Folded("".join(parts), to_original)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or bool(unicodedata.combining(ch)) or ch == "_"


def _joined_before(text: str, start: int) -> bool:
    if start == 0:
        return False
    before = text[start - 1]
    if _word_char(before):
        return True
    return before in _JOINERS and start >= 2 and _word_char(text[start - 2])


def _joined_after(text: str, end: int) -> bool:
    if end >= len(text):
        return False
    after = text[end]
    if _word_char(after):
        return True
    if after in _JOINERS and end + 1 < len(text) and _word_char(text[end + 1]):
        # "Chen Li's": a possessive, not another name ("O'Brien" is matched as its own word)
        ends = end + 2 >= len(text) or not _word_char(text[end + 2])
        possessive = after != "-" and text[end + 1] == "s" and ends
        return not possessive
    return False


def _word_before(text: str, start: int) -> str:
    """The word just before ``start``, when only spacing separates them ("" otherwise)."""
    i = start
    while i > 0 and text[i - 1] in " \t\u00a0":
        i -= 1
    if i == start:
        return ""
    j = i
    while j > 0 and (_word_char(text[j - 1]) or text[j - 1] in _JOINERS + "."):
        j -= 1
    return text[j:i]


def _word_after(text: str, end: int) -> str:
    """The word just after ``end``, when only spacing separates them ("" otherwise)."""
    i = end
    while i < len(text) and text[i] in " \t\u00a0":
        i += 1
    if i == end:
        return ""
    j = i
    while j < len(text) and (_word_char(text[j]) or text[j] in _JOINERS):
        j += 1
    return text[i:j]


def _longer_name(word: str) -> bool:
    """Whether ``word``, next to a match, makes it part of a longer name: a capitalised word
    ("Ali" in "Ali Khamenei", "Mohammad Ali") or a particle of names ("Abdullah" in "Ahmad bin
    Abdullah"); not a title or abbreviation ending in a full stop ("Dr. Reza Ahmadi")."""
    if not word or word.endswith("."):
        return False
    return word[0].isupper() or word.casefold() in _PARTICLES


# Words that, after a comma, make the name before them an organisation's ("Li Ning, Inc."):
# common legal forms (a few of ISO 20275's entity legal forms, as written in names) and the
# words organisations' names end in. Folded, without their full stop.
_ORGANISATION_WORDS = frozenset(
    [
        "inc",
        "ltd",
        "llc",
        "llp",
        "co",
        "corp",
        "corporation",
        "company",
        "limited",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "ab",
        "kk",
        "pte",
        "pty",
        "group",
        "holdings",
        "university",
        "institute",
        "foundation",
    ]
)


def _continues_after(text: str, end: int) -> bool:
    """Whether the text after ``end``, past a comma or a bracketed part, goes on with the
    same organisation's name: "Li Ning, Inc.", "Li Ning (China) Sports Goods Co., Ltd.".
    A bracket ending the text ("张伟 (Zhang Wei)") or a comma before another name ("Zhang
    Wei, Li Ning") does not."""
    rest = text[end:].lstrip(" \t\u00a0")
    if rest.startswith(","):
        word = _word_after(" " + rest[1:].lstrip(" \t\u00a0"), 0)
        return (fold(word) or "") in _ORGANISATION_WORDS
    if rest.startswith("("):
        close = rest.find(")")
        if close < 0:
            return False
        after = rest[close + 1 :]
        word = _word_after(" " + after.lstrip(" \t\u00a0"), 0) if after.strip() else ""
        return _longer_name(word) or (fold(word) or "") in _ORGANISATION_WORDS
    return False


def _pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _starts_sentence(text: str, start: int, before: str) -> bool:
    """Whether ``before``, the word just before ``start``, begins the text or a sentence."""
    head = text[:start].rstrip()[: -len(before)].rstrip()
    return not head or head[-1] in ".!?;:\n"


def find_name(text: str, name: str, *, whole_value: bool = False) -> list[tuple[int, int]]:
    """(start, end) in ``text`` as written of each whole-name occurrence of ``name``.
    ``whole_value``: ``text`` is a name (a partner's, a lead's), so a capitalised word beside
    the match is always part of it; in free text, a sentence's first word is not."""
    words = name_words(name)
    if not words or not text:
        return []
    if not may_hold(text, words):
        return []  # the usual case, cheaply
    folded = _fold_mapped(text)
    found = []
    for m in _pattern(words).finditer(folded.text):
        start = folded.to_original.get(m.start())
        end = folded.to_original.get(m.end())
        if start is None or end is None:
            continue  # inside a character that folds to several ("ß" → "ss")
        if _joined_before(text, start) or _joined_after(text, end):
            continue
        before = _word_before(text, start)
        if not whole_value and before and _starts_sentence(text, start, before):
            before = before.casefold()  # capitalised as a sentence's first word ("Brief …")
        if _longer_name(before) or _longer_name(_word_after(text, end)):
            continue
        if _continues_after(text, end):
            continue  # an organisation named after the person ("Li Ning, Inc.")
        found.append((start, end))
    return found


def names(text: str, name: str, *, whole_value: bool = False) -> bool:
    """Whether ``text`` holds ``name`` as a whole name (``find_name``)."""
    return bool(find_name(text, name, whole_value=whole_value))


def replace_name(text: str, name: str, replacement: str) -> str:
    """``text`` with each whole-name occurrence of ``name`` replaced, nothing else changed."""
    spans = find_name(text, name)
    for start, end in reversed(spans):
        text = text[:start] + replacement + text[end:]
    return text
