"""A rulebook's jurisdiction is EU or an ISO 3166-1 country code: written as a name
("Netherlands", "Nederland") it covers no institution's home_country, so the rulebook would
silently never run. Refused at file:line:col with the code meant."""

from __future__ import annotations

import pytest

from kvrules.cli import cli
from kvrules.rulebook.loader import RulebookError, load_text
from tests.conftest import HEADER, rule_yaml


def _problems(text: str) -> list[str]:
    with pytest.raises(RulebookError) as e:
        load_text(text, "own.yaml")
    return [str(d) for d in e.value.diagnostics]


def test_a_jurisdiction_in_lower_case_applies_and_is_taken():
    header = HEADER.replace("jurisdiction: NL", "jurisdiction: nl")
    assert load_text(header + rule_yaml("r", 'partner.country == "CN"')).rules


def test_a_jurisdiction_written_as_a_name_is_refused_with_the_code():
    header = HEADER.replace("jurisdiction: NL", "jurisdiction: Netherlands")
    assert _problems(header + rule_yaml("r", 'partner.country == "CN"')) == [
        "own.yaml:4:15: jurisdiction 'Netherlands' is neither EU nor an ISO 3166-1 country code "
        "(did you mean NL?): the rulebook would apply to no institution's home_country"
    ]
    header = HEADER.replace("jurisdiction: NL", "jurisdiction: Nederland")
    assert "(did you mean NL?)" in _problems(header + rule_yaml("r", 'partner.country == "CN"'))[0]


def test_a_country_under_applies_to_says_where_it_goes():
    header = HEADER.replace("jurisdiction: NL", "jurisdiction: NL\napplies_to: Netherlands")
    assert _problems(header + rule_yaml("r", 'partner.country == "CN"')) == [
        "own.yaml:5:13: applies_to: 'Netherlands' is not one of jurisdiction, everywhere: "
        "a country goes under jurisdiction: (NL)"
    ]


def test_validate_refuses_the_rulebook_a_scan_would_silently_leave_out(runner, tmp_path):
    header = HEADER.replace("jurisdiction: NL", "jurisdiction: Netherlands")
    path = tmp_path / "own.yaml"
    path.write_text(header + rule_yaml("r", 'partner.country == "CN"'))
    (tmp_path / "kvrules.yaml").write_text("home_country: NL\n")
    result = runner.invoke(cli, ["validate", "--config", str(tmp_path / "kvrules.yaml"), str(path)])
    assert result.exit_code == 1
    assert f"{path}:4:15: jurisdiction 'Netherlands'" in result.stderr
