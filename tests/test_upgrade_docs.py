"""The upgrade notes an administrator follows (reviewer, upgrading a running site from
2c1c373: the README's "Upgrading" had no procedure, did not name the new funder rules, mixed
what this release changed with what 2c1c373 already had, and the rollback note did not say
that tags the new release wrote stay in the RIS). Checked against the code, not by wording:
the rules it names exist in the shipped rulebooks, the commands it gives parse, the
changelog has this release."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click
import pytest

from kvrules.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
UPGRADING = README[README.index("\n## Upgrading\n") : README.index("\n## How it works")]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
NEW_FUNDER_RULES = ("funder-on-1286", "funder-on-designation-list", "funder-on-assessment-list")


def test_the_changelog_has_this_release_and_the_readme_links_it() -> None:
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    assert re.search(rf"^## {re.escape(version)} — ", CHANGELOG, re.MULTILINE)
    assert "](CHANGELOG.md)" in UPGRADING


def test_the_new_funder_rules_it_names_are_shipped_and_tag_listed_funders() -> None:
    shipped = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "rulebooks").glob("*.yaml"))
    for rule in NEW_FUNDER_RULES:
        assert f"- id: {rule}\n" in shipped, rule
        assert f"`{rule}`" in UPGRADING and f"`{rule}`" in CHANGELOG, rule
    assert shipped.count("ks:listed-funder") >= len(NEW_FUNDER_RULES)
    assert "`ks:listed-funder`" in UPGRADING


def test_the_procedure_and_the_rollback_say_what_an_administrator_must_know() -> None:
    steps = UPGRADING[UPGRADING.index("### The procedure") :]
    order = ["Stop what writes", "Back up", "Install", "`kvrules db upgrade`", "config check"]
    at = [steps.index(step) for step in order]
    assert at == sorted(at), at
    # what a previous release's serve left running does: 503, not 500 (review of the 0.4.0
    # upgrade: the page it answers is 503, nothing written)
    assert "answers 503" in steps and "answers 500" not in steps
    rollback = UPGRADING[UPGRADING.index("### Rolling back") :]
    assert "stay in the RIS" in rollback and "kvrules writebacks" in rollback
    # what 2c1c373 already had is said apart from this release's changes
    older = UPGRADING.index("Older, already in 0.1.0")
    assert UPGRADING.index("home_country", older) > older
    assert "home_country" not in UPGRADING[:older].split("### 0.1.0", 1)[1]


COMMANDS = sorted(set(re.findall(r"`(kvrules [a-z][^`]*)`", UPGRADING.replace("\n   ", " "))))


@pytest.mark.parametrize("line", COMMANDS)
def test_every_command_it_gives_exists_with_its_options(line: str) -> None:
    words = line.split()[1:]
    command: click.Command | None = cli
    while isinstance(command, click.Group) and words:
        sub = command.get_command(click.Context(command), words[0])  # commands load lazily
        if sub is None:
            break
        command = sub
        words.pop(0)
    assert command is not None and command is not cli, line
    options = {o for p in command.params for o in getattr(p, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word in options, f"{line}: {word} is not an option of {command.name}"
