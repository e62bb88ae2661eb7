"""Every command, hostile arguments: one line that names the thing, a documented exit status,
never a traceback (kvrules.cli module docstring)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kvrules.cli import cli, run

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

DOCUMENTED = {0, 1, 2, 130}  # 70 is a bug: it must never be reached here
# Commands that would do real, long work when their arguments happen to be valid.
LONG_RUNNING = {("demo",), ("serve",), ("watch",)}


def leaf_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    context = click.Context(group)  # commands are loaded when asked for: ask as click does
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from leaf_commands(command, path)
        else:
            yield path, command


def option_names(command: click.Command) -> set[str]:
    return {opt for p in command.params for opt in getattr(p, "opts", [])}


@pytest.fixture
def hostile_files(tmp_path: Path) -> dict[str, Path]:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\xffnot yaml: [\n\x89PNG" * 50)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("sources: [unclosed\n  - {{{\n", encoding="utf-8")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    return {
        "missing": tmp_path / "missing" / "nothing.db",
        "garbage": garbage,
        "bad_yaml": bad_yaml,
        "folder": folder,
    }


def argument_sets(path: tuple[str, ...], command: click.Command, files: dict[str, Path]):
    options = option_names(command)
    positional = [p for p in command.params if isinstance(p, click.Argument)]
    yield []
    for value in files.values():
        for option in ("--db", "--refdata", "--config"):
            if option in options:
                yield [option, str(value)]
        if positional:
            yield [str(value)] * max(1, sum(1 for p in positional if p.required))
    if "--limit" in options:
        yield ["--limit", "-5"]


def test_no_command_prints_a_traceback(hostile_files, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # nothing lands in the checkout
    monkeypatch.setenv("KVRULES_PASSWORD", "a long enough password for argon2")
    tried = 0
    for path, command in leaf_commands():
        if path in LONG_RUNNING:
            continue
        for args in argument_sets(path, command, hostile_files):
            status = run([*path, *args])
            out, err = capsys.readouterr()
            tried += 1
            where = f"kvrules {' '.join([*path, *args])}"
            assert "Traceback" not in out + err, where
            assert "internal error" not in err, f"{where}: {err}"
            assert status in DOCUMENTED, f"{where}: exit {status}: {err}"
            if status not in (0, 2) and command.name not in ("test", "validate"):
                assert err.strip(), f"{where}: failed without saying why"
    assert tried > 100


@pytest.mark.parametrize("command", [["demo", "--projects", "-1"], ["watch", "--times", "0"]])
def test_long_running_commands_refuse_bad_numbers(command, capsys):
    assert run(command) == 2
    assert "Traceback" not in "".join(capsys.readouterr())


def test_unreachable_source_names_the_host(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", "http://127.0.0.1:9/ws/api")  # discard port
    monkeypatch.setenv("KVRULES_PURE_API_KEY", "k")
    monkeypatch.setenv("KVRULES_PURE_RETRIES", "0")
    monkeypatch.chdir(tmp_path)
    status = run(["scan", "--db", str(tmp_path / "state.db")])
    err = capsys.readouterr().err
    assert status == 1
    assert "source 'pure' (http://127.0.0.1:9)" in err, err
    # the error in one line; beside it only the shipped rules' lists not imported yet and the
    # note that home_country is not set (no kvrules.yaml here)
    said = [
        line
        for line in err.strip().splitlines()
        if "no edition imported" not in line and "home_country is not set" not in line
    ]
    assert "Traceback" not in err and len(said) == 1


def test_a_missing_key_file_is_one_line(capsys, tmp_path):
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "sources:\n  pure:\n    adapter: pure\n    settings:\n"
        "      base_url: http://127.0.0.1:9/ws/api\n"
        f"      api_key_file: {tmp_path / 'no-such-key'}\n"
    )
    status = run(["scan", "--config", str(config), "--db", str(tmp_path / "s.db")])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    # the folder, which exists; never the value, which names no file (it may be the key)
    said = f"the file given for api_key_file does not exist (no such file in {tmp_path})"
    assert said in err and "no-such-key" not in err, err


def test_every_status_filter_takes_only_its_values(tmp_path):
    """Reviewer (committee week), 2026-12-07: `kvrules findings --status decidd` printed
    "0 findings" and exited 0: a typo read as an empty answer. Every --status filter is a
    choice; a value outside it is one line naming the valid ones, exit 2."""
    filters = [
        (path, param)
        for path, command in leaf_commands()
        for param in command.params
        if "--status" in getattr(param, "opts", [])
    ]
    assert filters, "no command has a --status filter"
    for path, param in filters:
        assert isinstance(param.type, click.Choice), f"{' '.join(path)} --status is free text"
    result = CliRunner().invoke(cli, ["findings", "--status", "decidd", "--db", str(tmp_path)])
    assert result.exit_code == 2
    assert "'decidd' is not one of 'open', 'triaged', 'decided', 'closed', 'all'" in result.output
