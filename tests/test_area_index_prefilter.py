"""The glossary indexes skip a word whose first and last letters start or end no term
(``_Index._may_start``, a speed-up): no term is lost by it. Every first word of every term
of the shipped taxonomies and glossaries, alone, inflected, continued and preceded, is offered
the same terms with the skip as without it."""

from __future__ import annotations

import pytest

from kvrules.enrich.areas import Classifier, _Index


def _words(index: _Index) -> list[str]:
    out = ["radar", "nuclear", "sarcopenia", "dronedarone", "ab", "abcdefgh"]
    for key in index.by_first:
        out += [key, key + "s", key + "es", key + "en", key + "e", key[:-1]]
    for key in index.stems:
        out += [key, key + "forschung", key + "en", key[:-1]]
    for key in index.tails:
        out += [key, "kampf" + key, "kampf" + key + "en", "anti" + key + "s", key[1:]]
    return out


def _offered(index: _Index, words: list[str]) -> list[tuple[object, ...]]:
    index._seen.clear()
    return [index._candidates(w) for w in words]


def test_no_term_is_lost_to_the_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    classifier = Classifier.from_dir()  # its own: the patched indexes are not shared
    checked = 0
    for index in classifier._terms.values():
        words = _words(index)
        with_skip = _offered(index, words)
        monkeypatch.setattr(index, "_may_start", lambda word: True)
        assert _offered(index, words) == with_skip
        checked += sum(1 for found in with_skip if found)
    assert checked > 500  # words that start a term were among them
