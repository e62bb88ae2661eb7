"""Award thresholds in any currency (``funding-dependency``'s amounts by currency in vars,
``kvrules.thresholds``): the large-award rules knew EUR and USD only, and a GBP, CHF or CNY
award was compared with nothing, silently. Each award is compared with the threshold for its
own currency (never converted); an institution adds a currency's with ``rulebook_vars``; an
award in a currency with no threshold is said: "Not compared: no threshold for CNY …"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.rulebook.loader import RulebookError, load_text
from tests.scan_helpers import file_export_config, json_report, project_event, scanned

SHIPPED = Path(__file__).resolve().parents[1] / "rulebooks" / "funding-dependency.yaml"


def _award(record_id: str, funder: str, country: str, amount: int, currency: str) -> dict:
    return project_event(
        record_id,
        occurred_at="2026-03-01T09:00:00Z",
        title=f"Project {record_id}",
        funders=[{"name": funder, "country": country, "amount": amount, "currency": currency}],
    )


AWARDS = [
    _award("P-GBP", "Wellcome Trust", "GB", 900_000, "GBP"),
    _award("P-CHF", "Swiss National Science Foundation", "CH", 2_000_000, "CHF"),
    _award("P-CNY", "National Natural Science Foundation of China", "CN", 9_000_000, "CNY"),
    _award("P-EUR", "Research Council of Norway", "NO", 1_500_000, "EUR"),  # EEA grants
    _award("P-USD", "National Science Foundation", "US", 1_500_000, "USD"),
]


def _evaluate(tmp_path: Path, rulebook_vars: str = "") -> tuple[set[tuple[str, str]], str]:
    records = tmp_path / "awards.jsonl"
    records.write_text("".join(json.dumps(a) + "\n" for a in AWARDS), encoding="utf-8")
    config = tmp_path / "kvrules.yaml"
    config.write_text(f'home_country: "NL"\nrulebooks: [{SHIPPED}]\n{rulebook_vars}')
    found = CliRunner().invoke(cli, ["evaluate", "--config", str(config), str(records), "--json"])
    assert found.exit_code == 0, found.output
    fired = {
        (f["source_record_id"], f["rule_id"])
        for f in map(json.loads, found.stdout.splitlines())
        if f["rule_id"].startswith("large")
    }
    said = CliRunner().invoke(cli, ["evaluate", "--config", str(config), str(records)])
    assert said.exit_code == 0, said.output
    return fired, " ".join(said.stdout.split())


def test_an_award_in_a_currency_without_a_threshold_is_said_not_compared(tmp_path: Path) -> None:
    fired, said = _evaluate(tmp_path)
    assert fired == {("P-EUR", "large-foreign-funding"), ("P-USD", "large-foreign-funding")}
    assert (
        "Not compared: no threshold for GBP (1 award), CHF (1 award) or CNY (1 award) in "
        "“Large award (>= EUR 1,000,000 or USD 1,100,000) from a foreign funder”, "
        "“Sizeable award (>= EUR 250,000 or USD 275,000) from a funder in a country with risk signals”; an institution declares its own "
        "per currency in the rulebook's vars (rulebook_vars in kvrules.yaml)."
    ) in said, said


def test_an_institution_adds_thresholds_in_its_own_currencies(tmp_path: Path) -> None:
    """GBP and CHF thresholds added through rulebook_vars (the rulebook's own kept): a
    GBP 900,000 and a CHF 2,000,000 award are compared and large; CNY is still said."""
    added = (
        "rulebook_vars:\n  funding-dependency:\n"
        "    large_award: {add: {GBP: 860000, CHF: 940000}}\n"
    )
    fired, said = _evaluate(tmp_path, added)
    assert fired == {
        ("P-GBP", "large-foreign-funding"),
        ("P-CHF", "large-foreign-funding"),
        ("P-EUR", "large-foreign-funding"),
        ("P-USD", "large-foreign-funding"),
    }
    # the sizeable-award rule has no GBP or CHF threshold yet: those awards it did not compare
    assert (
        "Not compared: no threshold for GBP (1 award), CHF (1 award) or CNY (1 award) in "
        "“Sizeable award (>= EUR 250,000 or USD 275,000) from a funder in a country with risk signals”, "
        # the title names the thresholds in effect (reviewer: it named EUR and USD alone)
        "“Large award (>= EUR 1,000,000, USD 1,100,000, GBP 860,000 or CHF 940,000) from a "
        "foreign funder”;"
    ) in said, said


def test_the_scan_says_it_in_the_same_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    config = file_export_config(tmp_path, *AWARDS, home="NL")
    said = " ".join(scanned(config).stdout.split())
    assert "Not compared: no threshold for GBP (1 award), CHF (1 award) or CNY (1 award) in " in (
        said
    ), said
    apart = file_export_config(tmp_path, *AWARDS, home="NL", name="as-json")  # a state of its own
    report = json_report(scanned(apart, "--json"))
    assert report["awards_not_compared"] == {"GBP": 1, "CHF": 1, "CNY": 1}, report
    # the ids are for the technical view (reviewer, 2026-12-07: plain text named rules by id)
    assert "funding-dependency/" not in said, said
    assert report["rules_without_threshold"] == [
        "funding-dependency/large-foreign-funding",
        "funding-dependency/large-funding-country-of-concern",
    ], report


HEADER = """\
rulebook: t
version: "1"
title: T
jurisdiction: NL
vars:
  large: {EUR: 1000000, pounds: 860000}
sources:
  - id: s1
    cite: c
rules:
  - id: big
    title: big
    on: [project.created]
    when: 'any f in project.funders: f.amount >= vars.large'
    severity: low
    rationale: r
    cite: s1
"""


def test_amounts_by_currency_are_checked_where_they_are_written() -> None:
    with pytest.raises(RulebookError) as bad_key:
        load_text(HEADER, "t.yaml")
    assert "t.yaml:6:" in str(bad_key.value) and "'pounds' is not an ISO 4217 code" in str(
        bad_key.value
    ), bad_key.value
    text = HEADER.replace("pounds", "GBP").replace("f.amount >= vars.large", "f.name == vars.large")
    with pytest.raises(RulebookError) as not_an_amount:
        load_text(text, "t.yaml")
    assert "vars.large holds amounts by currency: compare a funder's amount with it" in str(
        not_an_amount.value
    ), not_an_amount.value


def test_a_bad_amount_in_rulebook_vars_is_said_once(tmp_path: Path) -> None:
    """Reviewer, 2026-12-07: `large_award: {add: {GBP: -5}}` gave the right error, then
    "rulebook_vars names rulebook 'funding-dependency', which is not loaded": the rulebook is
    there, its vars were refused. One line says it."""
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"home_country: NL\ndatabase: {tmp_path / 'kvrules.db'}\n"
        "rulebook_vars:\n  funding-dependency:\n    large_award: {add: {GBP: -5}}\n"
    )
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 1
    said = [line for line in result.output.splitlines() if "funding-dependency" in line]
    assert len(said) == 1, said
    assert "vars.large_award: amounts by currency: GBP: -5 is not a positive number" in said[0]
    # the loader says the same: one diagnostic, no rulebook "not loaded"
    from kvrules.rulebook.discovery import load_all

    books, problems = load_all([], {"funding-dependency": {"large_award": {"add": {"GBP": -5}}}})
    assert [p.message for p in problems if "not loaded" in p.message] == []
    assert len(problems) == 1 and "funding-dependency" not in {b.id for b in books}
