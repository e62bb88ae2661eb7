"""A pre-screen for the grant file. Reviewer, 2026-12-07: `check` had no --output and no
Markdown; its text had no title, date, reference or versions, did not repeat the topic, and was
hard-wrapped at 80 columns when redirected to a file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli

NUDT = "National University of Defense Technology"
ARGS = ["--title", "Hypersonics consortium", "--partner", "TU Delft (NL)", "--funder", NUDT]
ARGS += ["--topic", "hypersonic propulsion"]


def _config(tmp_path: Path, zone: str) -> Path:
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"time_zone: {zone}\nreference_data: {tmp_path / 'refdata.db'}\n"
        f"database: {tmp_path / 'kvrules.db'}\n",
        encoding="utf-8",
    )
    return config


def test_check_writes_markdown_for_the_grant_file(tmp_path: Path):
    out = tmp_path / "prescreen.md"
    config = _config(tmp_path, "Pacific/Auckland")
    result = CliRunner().invoke(
        cli, ["check", *ARGS, "--config", str(config), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(
        CliRunner().invoke(cli, ["check", *ARGS, "--config", str(config), "--json"]).stdout
    )
    assert result.stdout == ""  # the answer is in the file; one line on stderr says so
    written = f"pre-screen {answer['reference']}: AMBER, NOT COMPLETE, written to {out} (Markdown)"
    assert written in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Pre-screen: Hypersonics consortium\n")
    # the date in the configured zone, named
    assert "- Date: 2026-" in text or "- Date: 20" in text
    assert " NZDT\n" in text or " NZST\n" in text
    assert f"- Reference: `{answer['reference']}`" in text
    assert "- Result: **AMBER, NOT COMPLETE** — A funder is on the Section 1286 list" in text
    # what was screened, as described
    assert "- Topic: hypersonic propulsion" in text
    assert "- Partners (1): TU Delft (NL)" in text
    assert f"- Funders (1): {NUDT}" in text
    # each finding with its evidence in words and its source
    assert "### A funder is on the Section 1286 list (high)" in text
    # named as the proposal names it; the country its list entry gives, said as taken from it
    assert f"- Evidence: funder {NUDT} is on the US DoD Section 1286 list, edition FY25" in text
    assert "; country CN taken from its entry on the US DoD Section 1286 list, edition FY25" in text
    assert "- Source: Section 1286 of the John S. McCain NDAA" in text
    # the lists and editions, "not found in", never "safe"
    assert "TU Delft: not found in the US DoD Section 1286 list, edition FY25" in text
    assert "not that a partner is safe" in text
    # the versions the answer rests on
    assert "## Screened with" in text and "- kvrules " in text
    assert "us-dod-1286 2026.11" in text and "nl-leidraad " in text


def test_the_text_names_title_date_reference_topic_and_versions_and_is_not_wrapped(
    tmp_path: Path,
):
    config = _config(tmp_path, "Europe/Amsterdam")
    long_topic = "hypersonic propulsion " + "and a long description of the work " * 5
    result = CliRunner().invoke(cli, ["check", *ARGS[:-1], long_topic, "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("AMBER, NOT COMPLETE — ")
    assert lines[1].startswith("Pre-screen: Hypersonics consortium, 20")
    assert " CET, reference " in lines[1] or " CEST, reference " in lines[1]
    assert f"Topic: {long_topic.strip()}" in lines  # one line, however long: not hard-wrapped
    assert f"Funders (1): {NUDT}" in lines
    assert any(len(line) > 200 for line in lines)
    assert lines[-1].startswith("Screened with kvrules ") and "us-dod-1286 2026.11" in lines[-1]


def test_output_writes_the_text_or_json_by_the_flags(tmp_path: Path):
    text_file, json_file = tmp_path / "p.txt", tmp_path / "p.json"
    assert CliRunner().invoke(cli, ["check", *ARGS, "--output", str(text_file)]).exit_code == 0
    assert text_file.read_text(encoding="utf-8").startswith("AMBER, NOT COMPLETE — ")
    run = CliRunner().invoke(cli, ["check", *ARGS, "--json", "--output", str(json_file)])
    assert run.exit_code == 0, run.output
    assert json.loads(json_file.read_text(encoding="utf-8"))["triage"]["colour"] == "amber"


def test_an_output_that_cannot_be_written_is_one_line(tmp_path: Path):
    where = tmp_path / "missing" / "p.md"
    result = CliRunner().invoke(cli, ["check", *ARGS, "--output", str(where)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert f"{where}: cannot write the pre-screen" in result.output
