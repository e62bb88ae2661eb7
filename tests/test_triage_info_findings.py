"""A finding for information never colours a pre-screen, whoever it informs. Code review,
2026-12-07: a site's own rule of severity `info` alerting the committee made `check` say
"RED — … (goes to the committee)", while the CHANGELOG says an info finding sets no colour
(the shipped one, STRAC's attestation, informs the grant office)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli

OWN = """\
rulebook: own
version: "1"
title: Own rules
jurisdiction: NL
sources: [{id: board, cite: "Board decision 2026-14"}]
rules:
  - id: note-quantum
    title: Quantum project, for the committee's information
    on: [project.created, project.updated]
    when: 'project.title matches ".*quantum.*"'
    severity: info
    alert: committee
    rationale: The board likes to know.
    cite: board
"""


def test_an_info_finding_for_the_committee_leaves_the_pre_screen_green(tmp_path: Path) -> None:
    book = tmp_path / "own.yaml"
    book.write_text(OWN, encoding="utf-8")
    said = CliRunner().invoke(cli, ["check", "--rulebook", str(book), "--title", "quantum sensing"])
    assert said.exit_code == 0, said.output
    headline = next(line for line in said.stdout.splitlines() if line.strip())
    assert headline.startswith("GREEN"), said.stdout
    assert "for information: Quantum project, for the committee's information" in said.output
