"""Matching's shortcuts for speed (issue #16 item 3) give what the full path gives."""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

from kvrules.refdata.normalise import _APOSTROPHES, ascii_fold


def test_ascii_names_fold_as_the_full_unicode_path_folds_them() -> None:
    # the ASCII shortcut of ascii_fold must give what NFKC + transliteration give
    def unicode_path(text: str) -> str:
        text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text))
        return anyascii(text).lower().replace("&", " and ")

    names = [chr(c) for c in range(128)] + [
        "Xi'an Jiao Tong University",
        "Texas A&M University",
        "`Quoted` Institute  of Tech.",
        "ÉCOLE Polytechnique",  # not ASCII: the full path, for comparison
    ]
    for name in names:
        assert ascii_fold(name) == unicode_path(name), repr(name)


def test_clear_caches_forgets_the_resolvers_per_segment_caches(shipped_resolver) -> None:
    from kvrules.refdata.resolver import _locationish, _place, clear_caches

    shipped_resolver.match("School of Astronautics, Harbin Institute of Technology, Harbin, China")
    assert _locationish.cache_info().currsize and _place.cache_info().currsize
    clear_caches()
    assert not _locationish.cache_info().currsize and not _place.cache_info().currsize
