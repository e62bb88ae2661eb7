"""The peer: ROR's published affiliation-matching approach, reimplemented from its documentation
(ror.readme.io "Match organization names to ROR IDs" / the ``affiliation`` API parameter), not from
its code. Summary of what the documentation describes and this file does:

1. normalise the string (lower case, ASCII, punctuation to spaces) and read a country from it;
2. take substrings: the whole string and each comma/semicolon-separated chunk;
3. per substring, gather candidates by matching type: PHRASE (a registry name occurs in the
   substring as a phrase), COMMON TERMS / FUZZY (names sharing words, scored by fuzzy ratio),
   HEURISTICS ("University of X" ~ "X University");
4. score each candidate by string similarity to the substring (0..1), drop those below 0.5 and
   those outside the string's country when it names one;
5. ``chosen`` is the top candidate when its score is at least 0.9 and no other organisation ties.
"""

from __future__ import annotations

import re
from collections import defaultdict

from anyascii import anyascii
from rapidfuzz import fuzz

from kvrules.refdata import Store
from kvrules.refdata.countries import as_country

_NON_WORD = re.compile(r"[^a-z0-9]+")
_CHUNK = re.compile(r"[,;]")
_UNIVERSITY_OF = re.compile(r"^university of (.+)$")
CHOSEN, KEEP = 0.9, 0.5


def _norm(text: str) -> str:
    return _NON_WORD.sub(" ", anyascii(text).lower()).strip()


class RorStyleMatcher:
    def __init__(self, store: Store) -> None:
        self.names: list[tuple[str, str, str | None]] = []  # normalised name, ROR id, country
        self.by_token: dict[str, list[int]] = defaultdict(list)
        self.phrases: dict[str, list[int]] = defaultdict(list)
        for info, entry in store.iter_latest():
            if info.kind != "registry" or not entry.ror_id:
                continue
            for name, ntype in entry.all_names():
                if ntype == "acronym":
                    continue
                norm = _norm(name)
                if not norm:
                    continue
                pos = len(self.names)
                self.names.append((norm, entry.ror_id, entry.country))
                self.phrases[norm].append(pos)
                for token in set(norm.split()):
                    self.by_token[token].append(pos)
        # very common words ("university") do not narrow anything: block on the rarer ones
        self.common = {t for t, ps in self.by_token.items() if len(ps) > 300}

    def candidates(self, chunk: str) -> set[int]:
        tokens = [t for t in set(chunk.split()) if t not in self.common]
        found: set[int] = set()
        for token in tokens:
            found.update(self.by_token.get(token, ()))
        return found

    def __call__(self, text: str) -> tuple[str | None, float, bool]:
        """(top ROR id, its score, chosen)."""
        chunks = [_norm(c) for c in _CHUNK.split(text)]
        chunks = [c for c in chunks if c]
        country = next((cc for c in reversed(_CHUNK.split(text)) if (cc := as_country(c))), None)
        whole = _norm(text)
        best: dict[str, float] = {}
        for chunk in {whole, *chunks}:
            heuristic = _UNIVERSITY_OF.match(chunk)
            variants = [chunk] + ([f"{heuristic.group(1)} university"] if heuristic else [])
            for variant in variants:
                for pos in self.candidates(variant):
                    norm, rid, cc = self.names[pos]
                    if country and cc and cc != country:
                        continue
                    padded = f" {variant} "
                    if f" {norm} " in padded and len(norm.split()) >= 2:
                        score = 0.9 + 0.1 * len(norm) / len(variant)  # PHRASE, longer names first
                    else:
                        score = fuzz.ratio(variant, norm) / 100  # COMMON TERMS / FUZZY
                    if score >= KEEP and score > best.get(rid, 0):
                        best[rid] = score
        if not best:
            return None, 0.0, False
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        top_id, top = ranked[0]
        tied = len(ranked) > 1 and ranked[1][1] == top
        return top_id, top, top >= CHOSEN and not tied
