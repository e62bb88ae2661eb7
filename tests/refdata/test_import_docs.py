"""`kvrules refdata import` as the documentation writes it, and what it says when an option
is missing.

A reviewer followed ``kvrules refdata import nro FILE`` (rulebooks/ca-strac.yaml) with a CSV and
was told "provenance incomplete or invalid (edition): pass --list-id, --edition …": the
documented command lacked ``--edition`` and the error named an option that was not missing."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt

from kvrules.cli.refdata import refdata

ROOT = Path(__file__).resolve().parents[2]
# formats whose file names its own edition (the NRO page: only when it is the page, in HTML)
_NAMES_EDITION = {"ror", "fh"}


def _shipped(pattern: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return [ROOT / name for name in listed.stdout.split()]


def documented_imports() -> list[tuple[str, str]]:
    """(where, command) for every ``kvrules refdata import`` written as code in the Markdown
    files and the shipped rulebooks' descriptions."""
    found = []
    for path in _shipped("*.md"):
        for token in MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8")):
            if token.type == "fence":
                found += [
                    (path.name, line) for line in token.content.replace("\\\n", " ").splitlines()
                ]
            for child in token.children or []:
                if child.type == "code_inline":
                    found.append((str(path.relative_to(ROOT)), child.content))
    for path in (ROOT / "rulebooks").glob("*.yaml"):
        text = yaml.safe_load(path.read_text(encoding="utf-8")).get("description") or ""
        found += [(str(path.relative_to(ROOT)), code) for code in re.findall(r"`([^`]+)`", text)]
    return [(where, c) for where, c in found if c.startswith("kvrules refdata import ")]


def test_every_documented_import_gives_the_options_its_file_cannot() -> None:
    commands = documented_imports()
    assert len(commands) >= 10  # the scan found the commands at all
    lacking = []
    for where, command in commands:
        words = shlex.split(command.split("#")[0])
        kind, file = words[3], (words[4] if len(words) > 4 else "")
        if kind.isupper() or "…" in command:  # "KIND FILE", "FILE …": a shape, not a command
            continue
        names_edition = kind in _NAMES_EDITION or (kind == "nro" and file.endswith(".html"))
        needs = ["--edition"] * (not names_edition) + ["--list-id"] * (kind == "csv")
        if missing := [option for option in needs if option not in words]:
            lacking.append(f"{where}: {command!r} lacks {', '.join(missing)}")
    assert lacking == []


def test_a_missing_edition_is_the_one_option_named(tmp_path: Path) -> None:
    listed = tmp_path / "nro.csv"
    listed.write_text("Name,Country,Known alias(es)\nExample Institute,China,\n", encoding="utf-8")
    db = str(tmp_path / "r.db")
    result = CliRunner().invoke(refdata, ["import", "nro", str(listed), "--refdata", db])
    assert result.exit_code == 1
    assert (
        result.output == "Error: pass --edition: the nro file does not say it; nothing imported\n"
    )

    own = tmp_path / "own.csv"
    own.write_text("name\nExample Institute\n", encoding="utf-8")
    result = CliRunner().invoke(refdata, ["import", "csv", str(own), "--refdata", db])
    assert result.output.startswith("Error: pass --list-id and --edition: the csv file does not")

    bad = ["import", "csv", str(own), "--list-id", "Watch", "--edition", "1", "--refdata", db]
    result = CliRunner().invoke(refdata, bad)
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1
    assert result.output.startswith("Error: invalid --list-id 'Watch': String should match")
