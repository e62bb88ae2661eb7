"""Escape sequences in RIS data are shown, never run by the operator's terminal. Penetration
test, 2026-12-07 (/tmp/rev-revsec/hostile.jsonl, x-3): a title with ``ESC[31m`` colours, an
OSC 8 hyperlink, a right-to-left override and a carriage return, and a partner name ending in
``ESC[2K`` (erase the line), were printed raw by ``kvrules show case:N`` and ``kvrules
findings`` (piped too), and ``show`` printed a title with line breaks over several lines.
Everything the CLI prints from the store goes through ``kvrules.cli.output.terminal_text``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.cli.output import json_line, terminal_text
from tests.scan_helpers import file_export_config

NUDT = "National University of Defense Technology"
TITLE = (  # the tester's title, a C1 CSI (0x9b), DEL, a bell, and a line break
    "ESC\u001b[31mRED\u001b[0m OSC\u001b]8;;http://evil.example/\u0007link\u001b]8;;\u0007 "
    "RTL\u202egnp.exe CR\rOVERWRITE C1\u009b2J DEL\u007f\nsecond line"
)
EVENT = {
    "id": "pure:x-3:created",
    "kind": "project.created",
    "source": {"system": "file", "record_id": "x-3"},
    "occurred_at": "2026-03-02T09:00:00Z",
    "project": {
        "id": "x-3",
        "title": TITLE,
        "status": "running",
        "keywords": ["hypersonics"],
        "units": ["Aero\u001b[2K"],
        "partners": [{"name": f"{NUDT}\u001b[2K", "country": "CN"}],
    },
}
# what a terminal runs: C0 but tab and newline (the layout's own), DEL, C1, bidi overrides
RUNS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("escapes")
    config = file_export_config(tmp_path, EVENT, home="NL")
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert not RUNS.search(result.output), RUNS.findall(result.output)
    return config


def _run(config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--config", str(config)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    "args",
    [
        ("show", "case:1"),
        ("show", "case:1", "--technical"),
        ("show", "case:1", "--json"),
        ("findings",),
        ("findings", "--json"),
    ],
)
def test_stored_text_is_shown_not_run(config: Path, args: tuple[str, ...]):
    output = _run(config, *args)
    assert not RUNS.search(output), RUNS.findall(output)
    if "--json" in args:  # still the stored text, as JSON escapes it
        assert any(TITLE in text for text in _strings(output)), output
    elif args[0] in ("show", "findings"):
        assert "ESC\\x1b[31mRED" in output and "RTL\\u202egnp.exe" in output
        assert f"{NUDT}\\x1b[2K" in output


def _strings(output: str) -> list[str]:
    """Every string value in the JSON lines of ``output``."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            list(map(walk, value.values()))
        elif isinstance(value, list):
            list(map(walk, value))

    for line in output.splitlines():
        walk(json.loads(line))
    return found


def test_show_prints_a_title_on_one_line(config: Path):
    first = _run(config, "show", "case:1").splitlines()[0]
    assert first.startswith("Case 1 ESC\\x1b[31mRED") and "DEL\\x7f second line" in first


def test_terminal_text_and_json_line():
    assert terminal_text("a\u001b[2Kb\tc\r\nd") == "a\\x1b[2Kb\tc d"
    assert terminal_text("\u009b\u202e\u2066") == "\\x9b\\u202e\\u2066"
    line = json_line({"t": "x\u009by\u202ez\u001b"})
    assert not RUNS.search(line) and json.loads(line) == {"t": "x\u009by\u202ez\u001b"}


def test_fetch_prints_source_text_shown_not_run(tmp_path: Path):
    """Review of 2026-12-07: plain `kvrules fetch` printed titles and record ids (and the
    quarantine line) as the source wrote them, while `--explain` escaped them."""
    bad = {  # quarantined: its record id and the reason are printed
        "id": "b", "kind": "project.created", "occurred_at": "not a date",
        "source": {"system": "file", "record_id": "b\u001b]0;pwned\u0007"},
    }  # fmt: skip
    config = file_export_config(tmp_path, EVENT, bad, home="NL")
    for flags in ([], ["--raw"], ["--explain"]):
        result = CliRunner().invoke(cli, ["fetch", "--source", "file", "--config", str(config),
                                          *flags])  # fmt: skip
        assert result.exit_code == 2, result.output  # one quarantined
        assert not RUNS.search(result.output), (flags, RUNS.findall(result.output))
        assert "ESC\\x1b[31mRED" in result.stdout and "RTL\\u202egnp.exe" in result.stdout
        assert "quarantined b\\x1b]0;pwned\\x07: " in result.stderr
