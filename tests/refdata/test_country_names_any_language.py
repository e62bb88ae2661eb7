"""Country names in other languages are countries (reviewer's defect 6).

Before: ``--country 中国``, ``Россия``, ``ایران``, ``Chine``, ``Volksrepublik China`` and a
full-width ``CN`` (U+FF23 U+FF2E) were refused ("not an ISO 3166-1 country"), and in ``match --file`` a row
``Beihang University,中国`` was an error, not screened at all. Now CLDR's names (a shipped
table generated through Babel) and pycountry's translations of the official names are read; a
country still unread is said as the row's warning, and the row is matched without it.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.countrynames import TABLE
from kvrules.model import country_code
from kvrules.prescreen import organisation_from_text
from kvrules.refdata.countries import as_country, to_country

WRITTEN = {
    "中国": "CN",
    "Россия": "RU",
    "ایران": "IR",
    "Chine": "CN",
    "Volksrepublik China": "CN",  # pycountry's German official name: CLDR has only "China"
    "ＣＮ": "CN",  # full-width letters, as a CJK keyboard types them
    "Deutschland": "DE",
    "Corée du Sud": "KR",
    # Inverted, as catalogues sort them (a Converis reviewer's "China, Volksrepublik" label
    # was dropped as no country at all).
    "China, Volksrepublik": "CN",
    "Kongo, Demokratische Republik": "CD",
    # Bracketed, as sanctions lists and UN M49 write them (the UK sanctions list's "Congo
    # (Democratic Republic)" and "Korea (North)" were read as no country at all).
    "Congo (Democratic Republic)": "CD",
    "Congo (Republic)": "CG",
    "Korea (North)": "KP",
    "Korea (Democratic People's Republic of)": "KP",
    "Iran (Islamic Republic of)": "IR",
    "Virgin Islands (British)": "VG",
}


@pytest.mark.parametrize(("written", "code"), WRITTEN.items())
def test_a_country_named_in_another_language_is_read(written: str, code: str) -> None:
    assert country_code(written) == code
    assert to_country(written) == code


def test_a_name_two_countries_share_in_some_language_says_neither() -> None:
    # "Kongo" is CD in some languages and CG in others: it names no country for certain
    with pytest.raises(ValueError, match="not an ISO 3166-1 country"):
        country_code("Kongo")
    with pytest.raises(ValueError, match="not an ISO 3166-1 country"):
        country_code("Kongo (Narnia)")
    assert as_country("Narnia") is None


def test_the_shipped_table_is_what_cldr_says_today() -> None:
    """When a Babel release brings new CLDR names, this fails (tests/country_names_source.py
    writes the table to ship)."""
    source = pytest.importorskip("tests.country_names_source")
    assert TABLE.read_text(encoding="utf-8") == source.table()


def test_a_partner_with_its_country_in_chinese_is_read() -> None:
    assert organisation_from_text("Beihang University (中国)") == {
        "name": "Beihang University",
        "country": "CN",
    }


@pytest.mark.parametrize("written", ["中国", "Россия", "ایران", "Chine", "ＣＮ"])
def test_match_takes_the_country_as_it_is_written(written: str) -> None:
    result = CliRunner().invoke(
        cli, ["match", "Beihang University", "--country", written, "--json"]
    )
    assert result.exit_code == 0, result.output
    top = json.loads(result.stdout)["matches"][0]
    expected = 1.0 if WRITTEN[written] == "CN" else 0.6  # in Russia it is not the listed one
    assert (top["entry"], top["score"]) == ("beihang-university", expected)


def test_a_row_whose_country_cannot_be_read_is_screened_without_it_and_says_so() -> None:
    rows = "name,country\nBeihang University,中国\nBeihang University,Narnia\n"
    result = CliRunner().invoke(cli, ["match", "--file", "-", "--format", "csv"], input=rows)
    assert result.exit_code == 0, result.output
    chinese, narnia = csv.DictReader(io.StringIO(result.stdout))
    assert (chinese["match_entry"], chinese["match_score"], chinese["warning"]) == (
        "beihang-university", "1.0", ""
    )  # fmt: skip
    assert narnia["match_entry"] == "beihang-university" and narnia["error"] == ""
    assert narnia["warning"] == ("not an ISO 3166-1 country: 'Narnia'; matched without a country")
    assert "-: row 3: not an ISO 3166-1 country: 'Narnia'; matched" in result.stderr
    jsonl = CliRunner().invoke(cli, ["match", "--file", "-"], input=rows)
    second = json.loads(jsonl.stdout.splitlines()[1])
    assert second["matches"] and second["warning"].endswith("matched without a country")
