"""The faster name analysis answers exactly as the straightforward one (issue #16 item 3).

A speed change must not move an answer. The functions the per-row path was made faster in
are kept here as they were before (commit 450a225): the name analysis (each word folded,
corrected and classed one by one), its ASCII folding, the typo check of a word against every
target, the acronym check and the comparison of a hit's own spellings. Every row of a small sample is matched through ``kvrules match
--file``'s code (``batch.match_rows``, ``batch.write_jsonl``) with the current functions and
again with those references put in their place: the JSON lines must be the same, byte for byte.

Rows: real affiliation strings (``fixtures/crossref_train_sample.csv``: every 20th of the
Crossref publisher-asserted train split, MIT, see fixtures/README.md) and a spreadsheet of
mixed rows ``bench/matching/full_ror.py`` writes from the registry's records (exact names,
typo'd names, "unit, organisation, city", unknown organisations). Registry: the shipped lists
and the real ROR records of the fixtures (CC0), or, in a slow run, the shared snapshot's 13,503.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from itertools import compress
from pathlib import Path

import pytest
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kvrules.refdata import Resolver, Store, affiliations, batch, normalise, resolver
from kvrules.refdata.affiliations import parse
from kvrules.refdata.importers import import_file
from kvrules.refdata.shipped import load_shipped

from .conftest import FIXTURES
from .test_part_view import _registry

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "matching"))

from full_ror import spreadsheet

SAMPLE = FIXTURES / "crossref_train_sample.csv"


# -- the references: the functions as they were before they were made faster -----------------


def _ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = normalise._APOSTROPHES.sub("", text)
    return anyascii(text).lower().replace("&", " and ")


@functools.lru_cache(maxsize=65536)
def _typo_of(token: str) -> str:
    if token in normalise._KNOWN or len(token) < 6 or not token.isalpha():
        return ""
    limit = 1 if len(token) < 9 else 2
    targets = normalise._TARGET_WORDS
    found = process.extractOne(token, targets, scorer=OSA.distance, score_cutoff=limit)
    return found[0] if found else ""


@functools.lru_cache(maxsize=65536)
def _correct(token: str) -> str:
    token = normalise._CANONICAL.get(token, token)
    return normalise._TARGETS[_typo_of(token)] or token


@functools.lru_cache(maxsize=131072)
def _analyse(name: str) -> normalise.Analysed:
    raw = list(filter(None, normalise._NON_ALNUM.split(_ascii_fold(name))))
    tokens = tuple(t for t in map(_correct, raw) if t not in normalise.STOP_WORDS)
    distinct = tuple(t for t in tokens if t not in normalise.CLASS_WORDS)
    skeleton = tuple(t for t in tokens if t in normalise.CLASS_WORDS)
    misspelt = tuple(compress(raw, map(_typo_of, raw)))
    return normalise.Analysed("".join(tokens), tokens, distinct, skeleton, misspelt)


@functools.lru_cache(maxsize=65536)
def _is_acronym(name: str) -> bool:
    text = re.sub(r"\s*\([^)]*\)\s*", "", name).strip()
    if not text or " " in text or not text.isascii():
        return False
    upper = sum(c.isupper() for c in text)
    return bool(normalise._ACRONYM.match(text)) and (
        text.isupper() or (upper >= 2 and len(text) <= 6)
    )


def _as_the_name_spells(hit: resolver._Hit, written: str) -> resolver._Hit:
    if hit.method == resolver.CORRECTED:
        return hit
    as_written = set(normalise.surface_key(written).split())
    differ = [
        (right, word)
        for word, right in normalise.corrections(hit.matched)
        if word.lower() not in as_written
    ]
    if not differ:
        return hit
    edits = sum(resolver.OSA.distance(word.lower(), right.lower()) for word, right in differ)
    cap = min(resolver.FUZZY_CAP, hit.score)
    score = round(cap - edits / max(len(normalise.surface_key(written)), 1), 3)
    note = resolver._spelling_note(differ)
    return resolver.replace(hit, method=resolver.CORRECTED, score=score, corrected=note)


def _use_references(monkeypatch: pytest.MonkeyPatch) -> None:
    """The references in place of the current functions, wherever the matching code reads them."""
    monkeypatch.setattr(normalise, "ascii_fold", _ascii_fold)
    monkeypatch.setattr(normalise, "_typo_of", _typo_of)  # corrections() reads it too
    for module in (normalise, resolver, affiliations):
        monkeypatch.setattr(module, "analyse", _analyse)
        monkeypatch.setattr(module, "is_acronym", _is_acronym)
    monkeypatch.setattr(resolver, "_as_the_name_spells", _as_the_name_spells)


# -- the rows and the registry ---------------------------------------------------------------


def _sample() -> list[str]:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        return [row["affiliation"] for row in csv.DictReader(fh)]


@pytest.fixture(
    scope="module",
    params=["fixtures", pytest.param("snapshot", marks=pytest.mark.slow)],
)
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Resolver, Path]]:
    """The resolver over the shipped lists and real ROR records, and the spreadsheet of mixed
    rows written from those records."""
    where = tmp_path_factory.mktemp("differential")
    dump = _registry(where, request.param)
    opener = gzip.open if dump.suffix == ".gz" else open
    with opener(dump, "rt", encoding="utf-8") as fh:
        records = [r for r in json.load(fh) if r.get("status") == "active"]
    spreadsheet(records, where / "names.csv", 400)
    with Store(where / "kv.db") as store:
        load_shipped(store)
        store.delete_edition("ror", "sample-v2.9")
        import_file(store, "ror", dump, edition="real")
        yield Resolver(store), where / "names.csv"


def _rows(names: Path) -> list[batch.Row]:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["name"])
    writer.writerows([s] for s in _sample())
    strings = list(batch.Input(io.BytesIO(text.getvalue().encode("utf-8"))))
    with names.open("rb") as fh:
        return strings + list(batch.Input(fh))


def _written(found: Resolver, rows: list[batch.Row]) -> list[str]:
    """``kvrules match --file``'s JSON lines, every name new to the process."""
    affiliations.clear_caches()
    for cached in (_analyse, _is_acronym, _typo_of, _correct):
        cached.cache_clear()
    out = io.StringIO()
    batch.write_jsonl(batch.match_rows(found, rows, remember=0), out, [])
    return out.getvalue().splitlines()


# -- the checks ------------------------------------------------------------------------------


def test_each_word_read_once_analyses_every_stretch_as_before(
    registry: tuple[Resolver, Path],
) -> None:
    """Every stretch of the sample's strings and rows, and every word of them, analyses, folds
    and reads as an acronym or not as the references do (non-ASCII strings included), and
    every folded word is read as the same misspelling, or none."""
    _, names = registry
    texts = [row.fields["name"] for row in _rows(names)]
    stretches = {
        span.text for text in texts for part in parse(text) for span in part.spans()
    } | set(texts)
    stretches |= {word for text in stretches for word in text.split()}
    assert sum(not text.isascii() for text in stretches) >= 100
    normalise.analyse.cache_clear()
    differing = [
        text
        for text in sorted(stretches)
        if normalise.analyse(text) != _analyse(text)
        or normalise.ascii_fold(text) != _ascii_fold(text)
        or normalise.is_acronym(text) != _is_acronym(text)
    ]
    assert not differing, differing[:5]
    words = {w for text in stretches for w in normalise._NON_ALNUM.split(_ascii_fold(text)) if w}
    assert sum(bool(_typo_of(word)) for word in words) >= 20
    assert [w for w in sorted(words) if normalise._typo_of(w) != _typo_of(w)] == []


def test_match_file_answers_as_before(
    registry: tuple[Resolver, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    found, names = registry
    rows = _rows(names)
    now = _written(found, rows)
    _use_references(monkeypatch)
    before = _written(found, rows)
    monkeypatch.undo()
    assert len(now) == len(before) == len(rows) == len(_sample()) + 400
    differing = [(a, b) for a, b in zip(before, now, strict=True) if a != b]
    assert not differing, differing[:3]
    # the sample reaches the paths that changed: rows with hits (each hit's own spellings
    # compared with the text) and corrected spellings (the words read as misspelt)
    assert sum('"matches": []' not in line for line in now) >= 250
    assert sum('"method": "corrected spelling"' in line for line in now) >= 20
