"""Name normalisation shared by the store (history look-ups) and the resolver.

One function, :func:`analyse`, turns an organisation name into
- ``key``: the exact-match key (ASCII, lower case, stop words dropped, spaces removed), so that
  "Xi'an Jiao Tong University", "Xian Jiaotong University" and "西安交通大学"-style spellings of the
  same name meet in one dict bucket;
- ``distinct``: the tokens that identify the organisation (city, founder, subject …);
- ``skeleton``: the organisation-class tokens (university, institute, technology …), which
  fuzzy scoring down-weights because they are shared by thousands of unrelated organisations.

Index and query go through the same code, so whatever it does to a spelling it does to both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from kvrules.refdata.ukrainian_places import UKRAINIAN_SPELLING

# the script detectors, shared with the language guess (kvrules.scripts): one set of ranges
from kvrules.scripts import LOGOGRAPHIC as LOGOGRAPHIC
from kvrules.scripts import script_of as script_of

# Abbreviations and foreign-language class words mapped to one English spelling.
_CANONICAL: dict[str, str] = {
    "univ": "university",
    "uni": "university",
    "u": "university",
    "universitat": "university",
    "universitaet": "university",
    "universite": "university",
    "universiteit": "university",
    "universidad": "university",
    "universidade": "university",
    "universita": "university",
    "universitas": "university",
    "universitet": "university",
    "uniwersytet": "university",
    "inst": "institute",
    "institut": "institute",
    "instituto": "institute",
    "istituto": "institute",
    "tech": "technology",
    "techn": "technology",
    "technol": "technology",
    "technische": "technical",
    "technischen": "technical",
    "technisch": "technical",
    "technicheskiy": "technical",
    "sci": "science",
    "sciences": "science",
    "natl": "national",
    "nat": "national",
    "acad": "academy",
    "academie": "academy",
    "akademie": "academy",
    "academia": "academy",
    "dept": "department",
    "lab": "laboratory",
    "labs": "laboratory",
    "ctr": "center",
    "centre": "center",
    "coll": "college",
    "eng": "engineering",
    "engn": "engineering",
    "engr": "engineering",
    "polytech": "polytechnic",
    "politecnico": "polytechnic",
    "med": "medical",
    "defence": "defense",
    "organisation": "organization",
    "gosudarstvennyy": "state",
    "natsionalnyy": "national",
    "issledovatelskiy": "research",
    "hochschule": "college",
    "hogeschool": "college",
}

# Organisation-class words: present in most names, so they say little about identity.
CLASS_WORDS: frozenset[str] = frozenset(
    {
        "university",
        "institute",
        "technology",
        "technical",
        "technological",
        "science",
        "engineering",
        "academy",
        "college",
        "school",
        "polytechnic",
        "polytechnical",
        "national",
        "state",
        "federal",
        "research",
        "center",
        "laboratory",
        "faculty",
        "department",
        "studies",
        "studi",
        "foundation",
        "society",
        "hospital",
        "graduate",
        "higher",
        "applied",
    }
)

# Words that say what an organisation does, not which one it is: a name of these and class
# words only ("Medical School", "Medical Center", "Health Sciences Centre", "Department of
# Agriculture") is what a unit of any organisation is called, and a registry record's alias
# so named is no evidence that the string names that record.
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "medical",
        "medicine",
        "health",
        "clinical",
        "biomedical",
        "cancer",
        "children",
        "international",
        "education",
        "development",
        "agriculture",
        "agricultural",
        "management",
        "general",
        "public",
        "social",
        "central",
        "regional",
        "community",
        "city",
        "advanced",
        "environmental",
        "environment",
        "experimental",
        "basic",
        "life",
        "natural",
        "physics",
        "chemistry",
        "biology",
        "biological",
        "materials",
        "information",
        "innovation",
        "energy",
        "nuclear",
    }
)

# Dropped entirely (connectives in the languages ROR names mostly use).
STOP_WORDS: frozenset[str] = frozenset(
    [
        "of",
        "the",
        "and",
        "for",
        "at",
        "in",
        "on",
        "de",
        "del",
        "della",
        "delle",
        "degli",
        "dei",
        "di",
        "des",
        "du",
        "la",
        "le",
        "les",
        "l",
        "d",
        "der",
        "die",
        "das",
        "fur",
        "und",
        "y",
        "e",
        "van",
        "voor",
        "en",
        "zu",
        "zur",
        "im",
        "a",
        "an",
        "per",
    ]
)

# Typos in class words ("Insitute", "Technolgy") are corrected against this vocabulary so that a
# typo does not turn a class word into a spurious distinctive token.
_VOCAB: tuple[str, ...] = tuple(
    sorted(
        CLASS_WORDS
        | {
            "medical",
            "normal",
            "aeronautics",
            "astronautics",
            "electronic",
            "agricultural",
            "chinese",
            "international",
            "military",
            "physics",
            "chemistry",
            "telecommunications",
        }
    )
)
_KNOWN = frozenset(_VOCAB) | frozenset(_CANONICAL) | STOP_WORDS
# Typo targets: the vocabulary plus the longer foreign spellings ("politecnico", "universidade").
_TARGETS: dict[str, str] = (
    {"": ""} | {w: w for w in _VOCAB} | {k: v for k, v in sorted(_CANONICAL.items()) if len(k) >= 6}
)
_TARGET_WORDS = [word for word in _TARGETS if word]
# The targets a word of each length may misspell, in their order: a word further off in length
# than its edit budget (1, or 2 from 9 letters) is further off in edits too (each edit adds or
# drops one letter at most), so the scan finds the same target among these alone, in half the
# time; a longer word than any of these has none.
_TARGETS_NEAR: dict[int, tuple[str, ...]] = {
    n: tuple(w for w in _TARGET_WORDS if abs(len(w) - n) <= (1 if n < 9 else 2))
    for n in range(6, max(map(len, _TARGET_WORDS)) + 3)
}

# Unit words that open a sub-unit name ("School of …, Harbin Institute of Technology").
UNIT_WORDS: frozenset[str] = frozenset(
    {
        "school",
        "faculty",
        "department",
        "college",
        "laboratory",
        "center",
        "institute",
        "division",
        "graduate",
        "key",
        "state",
        "office",
        "program",
        "programme",
    }
)

_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_ALNUM_CASED = re.compile(r"[^A-Za-z0-9]+")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9/&.\-]{1,9}$")
_BRACKETS = re.compile(r"\s*\([^)]*\)\s*")


@lru_cache(maxsize=65536)
def _typo_of(token: str) -> str:
    """The word a long token misspells by one or two typing errors ("institue" → "institute",
    "universidde" → "universidade"), or "" if it is no such misspelling."""
    if token in _KNOWN or len(token) < 6 or not token.isalpha():
        return ""
    limit = 1 if len(token) < 9 else 2
    # one C-level scan of the targets (the closest, the first of equals): every token a run has
    # not seen yet comes here, so a Python loop over the targets would dominate a batch
    near = _TARGETS_NEAR.get(len(token), ())
    found = process.extractOne(token, near, scorer=OSA.distance, score_cutoff=limit)
    return found[0] if found else ""


def _correct(token: str) -> str:
    """Map a token to its canonical class word, fixing one or two typing errors in long words.
    Not cached itself: :func:`_read` caches what it says of each word (one cache, not two)."""
    token = _CANONICAL.get(token, token)
    return _TARGETS[_typo_of(token)] or token


def corrections(name: str) -> tuple[tuple[str, str], ...]:
    """The words of ``name`` that :func:`analyse` reads as another word because they are
    misspelt, as written and as corrected, in the writer's case: "Harbin Institue of Technlogy"
    → (("Institue", "Institute"), ("Technlogy", "Technology")). A name matched only through
    these is not the name as the list writes it, and a person should be told so."""
    misspelt = analyse(name).misspelt
    if not misspelt:  # the common case, from the cached analysis
        return ()
    return tuple(
        (word, in_case_of(word, _typo_of(low)))
        for low, word in written_words(name).items()
        if low in misspelt
    )


def abbreviated(name: str) -> frozenset[str]:
    """The words of ``name`` that abbreviate a longer word, as the writer wrote them (lower
    case): "Harbin Inst. of Tech." → {"inst", "tech"}; a foreign spelling ("Institut",
    "Universität") or a variant ("Centre") is no abbreviation."""
    return frozenset(
        word
        for word in written_words(name)
        if word in _CANONICAL and len(word) <= len(_CANONICAL[word]) - 2
    )


def written_words(name: str) -> dict[str, str]:
    """Each word of ``name`` as :func:`analyse` reads it before correction (ASCII, lower case)
    → as the writer wrote it (ASCII), for telling a person which of their words changed."""
    text = anyascii(_APOSTROPHES.sub("", unicodedata.normalize("NFKC", name)))
    return {word.lower(): word for word in _NON_ALNUM_CASED.split(text) if word}


def in_case_of(written: str, word: str) -> str:
    """``word`` in the case ``written`` is in: "Institute" for "Institue"."""
    if written.isupper():
        return word.upper()
    return word.capitalize() if written[:1].isupper() else word


@dataclass(frozen=True, slots=True)
class Analysed:
    """A name cut into what the matcher needs."""

    key: str
    tokens: tuple[str, ...]
    distinct: tuple[str, ...]
    skeleton: tuple[str, ...]
    misspelt: tuple[str, ...] = ()  # words as written that were read as another word

    @property
    def distinct_text(self) -> str:
        return " ".join(self.distinct)

    @property
    def skeleton_text(self) -> str:
        return " ".join(self.skeleton)


def ascii_fold(text: str) -> str:
    """NFKC, transliterate any script to ASCII (CJK, Cyrillic, Arabic …), lower-case."""
    if text.isascii():  # NFKC and anyascii leave ASCII as it is; its apostrophes are ' and `
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
        return text.lower().replace("&", " and ")
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("", text)
    return anyascii(text).lower().replace("&", " and ")


_STOP, _CLASS, _DISTINCT = 0, 1, 2  # what a word is to a name's key (:func:`_read`)


@lru_cache(maxsize=65536)
def _read(raw: str) -> tuple[str, int, bool]:
    """One folded word as :func:`analyse` reads it: the word it stands for (:func:`_correct`),
    whether that is a stop word, a class word or a distinctive one, and whether the word as
    written is a misspelling. Cached per word: the stretches of a string share their words."""
    token = _correct(raw)
    token = UKRAINIAN_SPELLING.get(token, token)  # "Kiev" is "Kyiv": both spellings meet
    role = _STOP if token in STOP_WORDS else _CLASS if token in CLASS_WORDS else _DISTINCT
    return token, role, bool(_typo_of(raw))


@lru_cache(maxsize=131072)
def analyse(name: str) -> Analysed:
    """Normalise one name; cached because enrichment sees the same partner names repeatedly."""
    tokens: list[str] = []
    distinct: list[str] = []
    skeleton: list[str] = []
    misspelt: list[str] = []
    for raw in _NON_ALNUM.split(ascii_fold(name)):
        if not raw:
            continue
        token, role, typo = _read(raw)
        if typo:
            misspelt.append(raw)
        if role != _STOP:
            tokens.append(token)
            (distinct if role == _DISTINCT else skeleton).append(token)
    return Analysed(
        "".join(tokens), tuple(tokens), tuple(distinct), tuple(skeleton), tuple(misspelt)
    )


def surface_key(name: str) -> str:
    """The name as written, ASCII-folded, words only: no abbreviation or class word is mapped,
    so "Institut Pasteur" and "Instituto Pasteur" differ here though their keys are equal."""
    return " ".join(_NON_ALNUM.split(ascii_fold(name))).strip()


def name_key(name: str) -> str:
    """The exact-match key of a name."""
    return analyse(name).key


def bulk_name_key(name: str) -> str:
    """:func:`name_key` without the cache: importing a 120k-record dump must neither fill the
    cache enrichment relies on nor hold 130k analysed names in memory."""
    return analyse.__wrapped__(name).key


@lru_cache(maxsize=65536)
def is_acronym(name: str) -> bool:
    """True for acronym-like strings (HIT, NEU, TU/e, UvA, MIPT (SU)): never matched alone.
    Cached: an affiliation string asks it of every stretch it cuts, and segments recur."""
    # most stretches hold no bracket: the pattern, compiled once, runs only on those that do
    text = (_BRACKETS.sub("", name) if "(" in name else name).strip()
    if not text or " " in text or not text.isascii():
        return False
    upper = sum(c.isupper() for c in text)
    return bool(_ACRONYM.match(text)) and (text.isupper() or (upper >= 2 and len(text) <= 6))


def without_script(name: str, held: Mapping[str, Any]) -> tuple[str, list[str], bool] | None:
    """The script other than Latin ``name`` is written in, the lists in ``held["lists"]``
    (list edition → the scripts its names are written in: ``Resolver.scripts_held``) that
    hold no name written in it, and whether a complete registry does (``held["registry"]``).
    None for a name in Latin letters, or when every list holds names in its script. The
    resolver asks it of its own index; a case page of what a scan remembered of it."""
    script = script_of(name)
    if script is None:
        return None
    lists: Mapping[str, Iterable[str]] = held.get("lists") or {}
    lacking = [edition for edition, scripts in lists.items() if script not in scripts]
    return (script, lacking, script in (held.get("registry") or ())) if lacking else None


# Chinese institution names have standard, generic contractions that people write for the
# full name: 科学技术 ("science and technology") → 科技 (中国科学技术大学 / 中国科技大学), and the
# prefixes 中国人民解放军 (PLA) and 中国 (China) left out (中国人民解放军国防科学技术大学 /
# 国防科技大学). Rules, not an alias table: applied to every name in Han script.
HAN = re.compile(r"[\u4e00-\u9fff]")
_CONTRACTIONS: tuple[tuple[str, str], ...] = (("科学技术", "科技"),)
_LEFT_OUT_PREFIXES: tuple[str, ...] = ("中国人民解放军", "中国")
# Characters a name must keep once a prefix is left out: "中国农业大学" is never "农业大学"
# (agricultural university, what hundreds are called), "中国科学院大学" may be "科学院大学".
_MIN_LEFT = 5


@lru_cache(maxsize=65536)
def native_variants(name: str) -> tuple[str, ...]:
    """The forms of a Chinese name people write for it (:data:`_CONTRACTIONS`, prefixes left
    out), the name itself not among them; () for a name not in Han script.
    "中国人民解放军国防科学技术大学" → (…, "国防科学技术大学", "国防科技大学", …)."""
    if not HAN.search(name):
        return ()
    text = han_text(name)
    forms = {text}
    for long, short in _CONTRACTIONS:
        forms |= {form.replace(long, short) for form in forms}
    for prefix in _LEFT_OUT_PREFIXES:
        forms |= {
            form[len(prefix) :]
            for form in forms
            if form.startswith(prefix) and len(form) - len(prefix) >= _MIN_LEFT
        }
    forms.discard(text)
    return tuple(sorted(forms))


def han_text(name: str) -> str:
    """A Han-script name as :func:`native_variants` compares it: NFKC, without spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def han_endings(name: str) -> tuple[str, ...]:
    """The endings of a Han-script name a left-out prefix could leave ("江苏省农业科学院" →
    "苏省农业科学院", "省农业科学院", "农业科学院"): a form that is the ending of another
    organisation's name ("农业科学院" of "中国农业科学院") is what many are called, never one."""
    if not HAN.search(name):
        return ()
    text = han_text(name)
    return tuple(text[k:] for k in range(1, len(text) - _MIN_LEFT + 1))


# Where Chinese names are written in Han script: pinyin is read for them (a Japanese name's
# kanji read as pinyin would be no one's spelling).
HAN_COUNTRIES = frozenset({"CN", "TW", "HK", "MO", "SG"})
_PLACE_RUN = (2, 4)  # characters of a place's name: 重庆, 哈尔滨, 乌鲁木齐


def pinyin_with_places(name: str, english_words: Iterable[str]) -> tuple[str, ...]:
    """The pinyin key of a Han name with a place's pinyin replaced by the English spelling the
    record's own English name uses when the two differ by one letter: 哈尔滨工业大学 with
    "Harbin" → "harbingongyedaxue" (the pinyin is "haerbin…"); 重庆大学 with "Chongqing" →
    "chongqingdaxue" (anyascii reads 重 as "zhong"). People write the name in pinyin with the
    place as they know it; the generated pinyin lacks that spelling."""
    if not HAN.search(name):
        return ()
    words = {w for w in english_words if len(w) >= 4 and w.isalpha()}
    text = han_text(name)
    syllables = [anyascii(char).lower() for char in text]
    low, high = _PLACE_RUN
    out: set[str] = set()
    for i in range(len(text)):
        if not HAN.fullmatch(text[i]):
            continue
        for j in range(i + low, min(i + high, len(text)) + 1):
            if not HAN.fullmatch(text[j - 1]):
                break
            run = "".join(syllables[i:j])
            for word in words:
                if run != word and Levenshtein.distance(run, word, score_cutoff=1) <= 1:
                    out.add("".join(syllables[:i]) + word + "".join(syllables[j:]))
    return tuple(sorted(_NON_ALNUM.sub("", key) for key in out))


_MAX_TRANSLITERATED_ACRONYM = 6  # letters: "МФТИ", "ЦАГИ", "НИЯУ" (longer is a word in capitals)


def latin_acronym(text: str) -> str | None:
    """A Cyrillic acronym in Latin letters, by the transliteration the keys use (anyascii, as
    lists' transliterated names and acronyms have it): "МФТИ" → "MFTI", "ЦАГИ" → "TsAGI";
    None for anything else (a word, a name in lower case, a Latin acronym)."""
    word = unicodedata.normalize("NFKC", text).strip()
    if not (2 <= len(word) <= _MAX_TRANSLITERATED_ACRONYM and word.isalpha() and word.isupper()):
        return None
    if not all("CYRILLIC" in unicodedata.name(char, "") for char in word):
        return None
    return anyascii(word)


# Russian names are shortened to their words' initials (МГУ, МФТИ, ВШЭ) and say whom an
# organisation is named after with "имени" (abbreviated "им."): "МГУ им. Ломоносова" is
# "Московский государственный университет имени Ломоносова". Rules, not a table of
# organisations: read from the names a list or a registry record carries.
_NAMED_AFTER_RU = re.compile(r"\s+(?:им\.|имени)\s*", re.IGNORECASE)
_INITIALLED_WORDS = re.compile(r"[^\W\d_]+")
# words an initialism leaves out: English connectives (STOP_WORDS) and Russian ones
_NOT_INITIALLED = STOP_WORDS | frozenset("и в во на по при для с со о об из".split())  # noqa: SIM905
_INITIALS_LENGTH = (3, 6)  # letters: "МГУ", "BMSTU"; fewer say nothing, more is no acronym


def name_initials(name: str) -> str | None:
    """The initials of ``name``'s words, as acronyms are made ("Московский государственный
    университет имени Ломоносова" → "МГУ", "Московский физико-технический институт" →
    "МФТИ", "Bauman Moscow State Technical University" → "BMSTU"): connectives left out, a
    hyphenated word's parts each, the words before "имени" (the namesake is not initialled).
    None for fewer than three or more than six initials, or a name that is an acronym."""
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", name))
    text = _NAMED_AFTER_RU.split(text, 1)[0]
    if is_acronym(text) or latin_acronym(text):
        return None
    words = _INITIALLED_WORDS.findall(text)
    letters = [w[0] for w in words if w.casefold() not in _NOT_INITIALLED]
    low, high = _INITIALS_LENGTH
    return "".join(letters).upper() if low <= len(letters) <= high else None


def named_after_key(name: str) -> str | None:
    """A Cyrillic name that says whom it is named after, keyed as its initials and the
    namesake's surname: "МГУ им. Ломоносова", "МГУ имени Ломоносова" and "Московский
    государственный университет имени Ломоносова" → "mgulomonosova". None for a name
    that is not Cyrillic or says no namesake."""
    if script_of(name) != "Cyrillic":
        return None
    parts = _NAMED_AFTER_RU.split(unicodedata.normalize("NFKC", name).strip(' «»"'), 1)
    if len(parts) != 2:
        return None
    what, who = parts
    surname = _INITIALLED_WORDS.findall(who)
    initials = latin_acronym(what) or (anyascii(found) if (found := name_initials(what)) else None)
    if not initials or not surname or len(surname[-1]) < 3:
        return None
    return analyse(f"{initials} {surname[-1]}").key or None


# An entry listed for select affiliates only ("…, select affiliates:"): Entry.attributes["scope"].
SELECT_AFFILIATES = "select_affiliates"
SCOPE_SUFFIX = re.compile(
    r",?\s*(and\s+(its\s+)?(select\s+)?affiliates|select\s+affiliates)\s*:?\s*$", re.IGNORECASE
)


def name_and_scope(printed: str, scope_cell: str = "") -> tuple[str, str | None]:
    """The institution's name without a printed "…, select affiliates:" and the entry's scope."""
    suffix = SCOPE_SUFFIX.search(printed)
    select = "select" in scope_cell.lower() or bool(suffix and "select" in suffix.group(0).lower())
    name = SCOPE_SUFFIX.sub("", printed).strip(" ,:") if suffix else printed.strip()
    return name, SELECT_AFFILIATES if select else None


# the per-word caches behind analyse(): affiliations.clear_caches() forgets them with it
WORD_CACHES = (_typo_of, _read, native_variants)
