"""A `legal_basis` written as the law's text (the form documented until this release).

The reviewer's defect: since legal_basis must name a source id, a rulebook that wrote the law
itself (`legal_basis: "EU Council Regulation 267/2012, Art. 23"`) was refused, and a refused
rulebook stops every scan. A text equal to one of the rulebook's sources' `cite:` is accepted
with a deprecation warning naming the id to write; any other text is refused with the ids the
rulebook has and how to declare the law as a source.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LAW = "EU Council Regulation 267/2012, Art. 23"
RULEBOOK = """\
rulebook: sanctions
version: "1"
title: Sanctions designation of a visitor
jurisdiction: NL
sources:
  - id: eu-267
    cite: "{law}"
  - id: internal-policy
    cite: "University research-security policy"
rules:
  - id: designated-visitor
    title: Visitor designated under EU sanctions
    on: [visit.requested]
    when: visit.visitor.attributes.sanctions_designation == "listed"
    severity: high
    alert: committee
    rationale: A law requires it.
    cite: eu-267
    legal_basis: "{basis}"
tests:
  - name: a designated visitor
    given: {{kind: visit.requested, visit: {{visitor: {{attributes: {{sanctions_designation: listed}}}}}}}}
    expect: [designated-visitor]
"""


def _run(tmp_path: Path, basis: str, command: str) -> tuple[Path, subprocess.CompletedProcess]:
    """``kvrules COMMAND`` in its own process: stderr as a user sees it (the warning is a
    log record, which the test process's log capture would take)."""
    book = tmp_path / "sanctions.yaml"
    book.write_text(RULEBOOK.format(law=LAW, basis=basis), encoding="utf-8")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "home_country: NL\nreadable_attributes: [visit.visitor.attributes.sanctions_designation]\n",
        encoding="utf-8",
    )
    args = [sys.executable, "-m", "kvrules", command, "--config", str(config), str(book)]
    return book, subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_the_laws_text_of_a_declared_source_is_accepted_with_the_id_to_write(tmp_path: Path):
    for command in ("validate", "test"):
        book, result = _run(tmp_path, LAW, command)
        assert result.returncode == 0, result.stderr
        warned = [line for line in result.stderr.splitlines() if "deprecated" in line]
        assert warned == [
            f"{book}:19:18: deprecated: legal_basis is the id of a source, not the law's text: "
            "write `legal_basis: eu-267` (the source whose cite: this is); the text is accepted "
            "for now"
        ], result.stderr
    # spacing and case as a person retypes a law do not matter
    _, result = _run(tmp_path, "eu council regulation  267/2012, art. 23", "validate")
    assert result.returncode == 0 and "`legal_basis: eu-267`" in result.stderr


def test_the_finding_cites_the_law_as_with_the_source_id(tmp_path: Path):
    from kvrules.engine import load_rulebooks

    book, _ = _run(tmp_path, LAW, "validate")
    readable = ["visit.visitor.attributes.sanctions_designation"]
    (by_text,), problems = load_rulebooks([book], readable_attributes=readable)
    assert not problems
    book.write_text(RULEBOOK.format(law=LAW, basis="eu-267"), encoding="utf-8")
    (by_id,), _ = load_rulebooks([book], readable_attributes=readable)
    assert by_text.rules[0].legal_basis == by_id.rules[0].legal_basis == LAW


def test_another_text_is_refused_naming_the_sources_and_how_to_declare_one(tmp_path: Path):
    book, result = _run(tmp_path, "the Iran sanctions", "validate")
    assert result.returncode == 1
    (said,) = [line for line in result.stderr.splitlines() if "legal basis" in line]
    assert said.startswith(
        f"{book}:19:18: legal basis 'the Iran sanctions' is not a source of this rulebook "
        "(its sources: eu-267, internal-policy): "
    )
    assert "declare it, e.g. `sources: [{id: eu-267-2012, cite:" in said
    assert "Traceback" not in result.stderr
