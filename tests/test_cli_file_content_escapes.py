"""A file's content quoted in an error line is shown, never run by the terminal.

Review of 2026-12-07: PyYAML decodes ``%XX`` in a tag, so ``version: !<%1b%5d0;pwned%07> 1``
made the refusal of the tag print ESC ] 0 ; … BEL (set the terminal's title); a key written
``"\\e]0;…\\a"`` did the same through "duplicate key", "unknown setting" and ``config
check``'s lines. Every line that quotes a configuration or a rulebook goes through
``kvrules.terminal``, as stored text does (tests/test_cli_terminal_escapes.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.rulebook.yamlsource import YamlError, load

# what a terminal runs: C0 but tab and newline, DEL, C1, bidi overrides
RUNS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SOURCE = "sources: {f: {adapter: file, settings: {path: .}}}\n"
FILES = {
    "tag": "version: !<%1b%5d0;pwned%07> 1\n",
    "duplicate-key": 'a: 1\n"\\e]0;pwned\\a": 1\n"\\e]0;pwned\\a": 2\n',
    "unknown-setting": SOURCE + '"\\e]0;pwned\\a": 1\n',
    "adapter": 'sources: {f: {adapter: "\\e]0;pwned\\a", settings: {path: .}}}\n',
    "adapter-setting": 'sources: {f: {adapter: file, settings: {path: ., "\\e]0;pwned\\a": 2}}}\n',
}


def test_a_refused_tag_is_shown_not_run() -> None:
    with pytest.raises(YamlError) as refused:
        load(FILES["tag"])
    assert str(refused.value).startswith("the tag \\x1b]0;pwned\\x07 is not allowed")
    assert refused.value.message == str(refused.value)


# Which commands quote each file: every one a YAML problem; a setting's problem, those that
# read the settings (config check all of them; findings not the adapters'); validate none.
QUOTED_BY = {
    "config check": set(FILES),
    "findings": {"tag", "duplicate-key", "unknown-setting"},
    "validate": {"tag", "duplicate-key"},
}


@pytest.mark.parametrize("command", QUOTED_BY)
@pytest.mark.parametrize("name", FILES)
def test_an_error_quoting_a_file_is_shown_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "kvrules.yaml"
    file.write_text(FILES[name])
    where = [str(file)] if command == "validate" else ["--config", str(file)]
    result = CliRunner().invoke(cli, [*command.split(), *where], env={"COLUMNS": "400"})
    assert result.exit_code != 0 or command == "validate", result.output
    assert not RUNS.search(result.output), RUNS.findall(result.output)
    if name in QUOTED_BY[command]:  # the text is still there, written as escapes
        assert "\\x1b]0;pwned\\x07" in result.output, result.output


def test_config_show_writes_a_settings_value_as_escapes(tmp_path: Path) -> None:
    file = tmp_path / "kvrules.yaml"
    file.write_text('sources: {"\\e]0;x\\a": {adapter: file, settings: {path: "\\e]2;y\\a"}}}\n')
    result = CliRunner().invoke(cli, ["config", "show", "--config", str(file)])
    assert result.exit_code == 0, result.output
    assert not RUNS.search(result.output), RUNS.findall(result.output)
    assert "sources.\\x1b]0;x\\x07: adapter file" in result.output
    assert "  path = \\x1b]2;y\\x07  [file]" in result.output
