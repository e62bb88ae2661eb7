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


def test_one_organisation_in_two_strings_is_rendered_once_each_quoting_its_own_text(
    shipped_resolver: Resolver,
) -> None:
    rendered = RenderedMatches(shipped_resolver)
    first = rendered.match("Harbin Institute of Technology", "CN", None)
    kept = len(rendered._kept)
    second = rendered.match("Harbin Inst. of Tech.", "CN", None)
    assert len(rendered._kept) == kept  # the same hits: nothing rendered anew
    assert first[0]["part"] == "Harbin Institute of Technology"
    assert second[0]["part"] == "Harbin Inst. of Tech."
    assert second[0]["explanation"].startswith('"Harbin Inst. of Tech." → Harbin Institute')
    assert second == [m.as_dict() for m in rendered.resolver.match("Harbin Inst. of Tech.", "CN")]


def test_a_full_cache_forgets_the_oldest_and_answers_the_same(shipped_resolver: Resolver) -> None:
    rendered = RenderedMatches(shipped_resolver, size=2)
    for name, country, ror in ROWS:
        expected = [m.as_dict() for m in shipped_resolver.match(name, country, ror)]
        assert rendered.match(name, country, ror) == expected, name
        assert len(rendered._kept) <= 2
