"""match --file renders each distinct set of hits once (kvrules.refdata.fastpath): every row
still gets exactly what ``kvrules match --json`` gives for it, with its own stretch of text."""

from __future__ import annotations

from kvrules.refdata import Resolver
from kvrules.refdata.fastpath import RenderedMatches

# (name, country, ROR id): the same organisations found in different stretches of different
# strings, several organisations in one string, corrections, fuzzy, ROR ids, nothing found
ROWS = [
    ("Harbin Institute of Technology", "CN", None),
    ("School of Astronautics, Harbin Institute of Technology, Harbin, China", None, None),
    ("Dept. of Physics, Harbin Institute of Technology, Harbin 150001, PR China", None, None),
    ("Harbin Institute of Technology", "CN", None),
    ("Harbin Institute of Technology", None, None),
    ("Harbin Institue of Technlogy", None, None),
    ("Harbin Institue of Technlogy", "CN", None),
    ("Harbin Inst. of Tech.", "CN", None),
    ("Beihang Univrsity", "CN", None),
    ("Beihang University", "CN", None),
    ("Beihang University (NL)", None, None),
    ("Beihang University, Paris, France", None, None),
    ("Tsinghua University, Beijing, China and Beihang University, Beijing, China", None, None),
    ("State Key Lab of Optics, Beihang University; Tsinghua University", None, None),
    ("Beihang University", None, "https://ror.org/00wk2mp56"),
    ("https://ror.org/00wk2mp56", None, None),
    ("University of California, Berkeley", "US", None),
    ("Department of Physics, University of California", None, None),
    ("Nonexistent Foundation for Applied Studies", None, None),
    ("HIT", None, None),
]


def test_each_row_gets_what_match_json_gives_with_its_own_stretch(
    shipped_resolver: Resolver,
) -> None:
    rendered = RenderedMatches(shipped_resolver)
    for name, country, ror in ROWS * 2:  # the second time every set of hits is kept
        expected = [m.as_dict() for m in shipped_resolver.match(name, country, ror)]
        assert rendered.match(name, country, ror) == expected, name


def test_one_organisation_in_three_strings_is_rendered_once_kept_each_quoting_its_own_text(
    shipped_resolver: Resolver,
) -> None:
    rendered = RenderedMatches(shipped_resolver)
    names = ["Harbin Institute of Technology", "Harbin Inst. of Tech.", "Harbin Institute of Tech"]
    found = [rendered.match(name, "CN", None) for name in names]
    assert len(rendered._kept) == 1  # the same hits: kept once, filled in for the third
    assert next(iter(rendered._kept.values())) is not None
    for name, matches in zip(names, found, strict=True):
        assert matches == [m.as_dict() for m in shipped_resolver.match(name, "CN")]
        assert matches[0]["part"] == name
        assert matches[0]["explanation"].startswith(f'"{name}" → Harbin Institute of Technology')


def test_a_full_cache_forgets_the_oldest_and_answers_the_same(shipped_resolver: Resolver) -> None:
    rendered = RenderedMatches(shipped_resolver, size=2)
    for name, country, ror in ROWS:
        expected = [m.as_dict() for m in shipped_resolver.match(name, country, ror)]
        assert rendered.match(name, country, ror) == expected, name
        assert len(rendered._kept) <= 2


def test_ascii_names_fold_as_the_full_unicode_path_folds_them() -> None:
    # the ASCII shortcut of ascii_fold must give what NFKC + transliteration give
    import unicodedata

    from anyascii import anyascii

    from kvrules.refdata.normalise import _APOSTROPHES, ascii_fold

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
