"""Countries in a rulebook are ISO 3166-1 alpha-2 codes in capitals, as country fields hold
them: a name ("China", "Netherlands", in any language CLDR knows) or "cn" would make a rule,
or a whole rulebook, silently never apply. Each is refused at file:line:col with the code
meant; the institution's own rulebook is checked before any scan runs it."""

from __future__ import annotations

import pytest

from kvrules.rulebook.loader import RulebookError, load_text
from tests.conftest import HEADER, rule_yaml

NEVER = "country fields hold two-letter codes in capitals, so the rule would never apply"


def _problems(text: str) -> list[str]:
    with pytest.raises(RulebookError) as e:
        load_text(text, "own.yaml")
    return [str(d) for d in e.value.diagnostics]


@pytest.mark.parametrize(
    ("when", "col", "written", "meant"),
    [
        ('partner.country == "China"', 30, "China", "CN"),
        ('partner.country == "cn"', 30, "cn", "CN"),
        ('partner.country != "Chine"', 30, "Chine", "CN"),  # French, as CLDR has it
        ('partner.country in ["CN", "Russia"]', 37, "Russia", "RU"),
        ('partner.country == "UK"', 30, "UK", "GB"),
    ],
)
def test_a_country_literal_that_is_no_code_is_refused_with_the_code(when, col, written, meant):
    assert _problems(HEADER + rule_yaml("r", when)) == [
        f"own.yaml:12:{col}: '{written}' is not an ISO 3166-1 country code "
        f"(did you mean {meant}?); {NEVER}"
    ]


def test_a_country_in_a_quantifier_and_in_a_variable_list_is_refused():
    header = HEADER.replace("sources:", "vars:\n  watch: [KP, Iran]\nsources:")
    rule = rule_yaml("r", "any p in project.partners: p.country in vars.watch", on="x")
    rule = rule.replace("when: any", "when: 'any").replace("vars.watch\n", "vars.watch'\n")
    rule = rule.replace("on: x", "on: project.created")
    [problem] = _problems(header + rule)
    assert problem.endswith(
        "vars.watch holds 'Iran', which is not an ISO 3166-1 country code (did you mean IR?); "
        + NEVER
    )


def test_codes_in_capitals_and_kosovo_are_taken():
    when = 'partner.country in ["CN", "XK"] and funder.country != "IR"'
    book = load_text(HEADER + rule_yaml("r", when, on="[partner.added, funder.added]"))
    assert [r.id for r in book.rules] == ["r"]
