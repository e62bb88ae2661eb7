"""The first example of docs/rulebook-language.md, pasted as an institution's rulebook, fires
in a scan of the Pure simulator and in `kvrules check`; a rule that reads `partner.*` on a
project kind (which no source fills) is named at file:line:col by `kvrules validate`.

A reviewer wrote a rule as the docs showed it (`on: [partner.added, project.created]`, `when:
partner.lists contains …`): validate, test and config check passed, and it fired on no record
of a scan and in no pre-screen, because the sources emit project events only."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from tests.pipeline.pipeline_helpers import System, start_system

pytestmark = pytest.mark.heavy  # a simulator: started first, see tests/conftest.py

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rulebook-language.md"


def first_example() -> str:
    """The first YAML block of the rulebook docs, as a reader copies it."""
    found = re.search(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[System, Path]]:
    """The Pure simulator, and a configuration whose only rulebook is the docs' example."""
    workdir = tmp_path_factory.mktemp("docs-example")
    running = start_system(workdir / "run")
    try:
        books = workdir / "site"
        books.mkdir()
        (books / "first.yaml").write_text(first_example(), encoding="utf-8")
        config = yaml.safe_load(running.config.read_text(encoding="utf-8"))
        config["rulebooks"] = [str(books)]
        running.config.write_text(yaml.safe_dump(config), encoding="utf-8")
        yield running, books
    finally:
        running.stop()


def test_the_docs_example_fires_in_a_scan_of_the_simulator(site: tuple[System, Path]) -> None:
    system, _ = site
    result = CliRunner().invoke(cli, ["scan", "--config", str(system.config), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["findings"] > 0
    with system.store() as store:
        fired = {f.finding.rule_id for case in store.cases() for f in store.case_findings(case.id)}
    assert fired == {"partner-on-1286"}


def test_the_docs_example_fires_in_check(site: tuple[System, Path]) -> None:
    system, _ = site
    args = ["check", "--config", str(system.config), "--json"]
    result = CliRunner().invoke(cli, [*args, "--partner", "Harbin Institute of Technology (CN)"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [f["rule_id"] for f in out["findings"]] == ["partner-on-1286"]
    assert out["triage"]["colour"] != "green"


def test_the_docs_example_passes_its_own_test(site: tuple[System, Path]) -> None:
    _, books = site
    result = CliRunner().invoke(cli, ["test", "--config", "/dev/null", str(books)])
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output


OLD_FORM = """\
rulebook: uni2-own
version: "1"
title: own rules
jurisdiction: NL
sources: [{id: board, cite: "Board decision 2026-14"}]
rules:
  - id: own-list-partner
    title: Partner is on the watch list
    on: [partner.added, project.created]
    when: partner.lists contains "uni2_watch"
    severity: high
    risks: [knowledge-transfer]
    rationale: Under review.
    cite: board
  - id: listed-funder
    title: A funder read either way
    on: [funder.added, project.created]
    when:
      any:
        - funder.lists contains "uni2_watch"
        - any f in project.funders: f.lists contains "uni2_watch"
    severity: high
    risks: [knowledge-transfer]
    rationale: Under review.
    cite: board
"""


def validate(*paths: Path) -> subprocess.CompletedProcess:
    """``kvrules validate`` in its own process: stderr as a user sees it (the warning is a
    log record, which the test process's log capture would take)."""
    args = [sys.executable, "-m", "kvrules", "validate", "--config", "/dev/null", *map(str, paths)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def test_validate_names_a_kind_a_partner_rule_never_fires_on(tmp_path: Path) -> None:
    book = tmp_path / "uni2.yaml"
    book.write_text(OLD_FORM, encoding="utf-8")
    result = validate(book)
    assert result.returncode == 0, result.stderr  # the rule still fires on partner.added
    warned = [line for line in result.stderr.splitlines() if "never fires" in line]
    # one line, at the kind in on: (line 9, column 25), naming the field and the way to read
    # every partner; not the funder rule, which reads project.funders too
    assert len(warned) == 1, result.stderr
    assert warned[0].startswith(
        f"{book}:9:25: warning: rule 'own-list-partner' never fires on project.created: "
        "it holds only through 'partner.lists', which only a partner.added event fills"
    )
    assert "any p in project.partners: p.lists" in warned[0]


def test_no_shipped_rule_names_a_kind_it_never_fires_on() -> None:
    result = validate()
    assert result.returncode == 0, result.stderr
    assert "never fires" not in result.stderr
