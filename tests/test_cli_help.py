"""Every command says what its options and arguments are: `--help` is the documentation a
person at the terminal has.

A reviewer set kvrules up from its documentation alone and found `refdata import --help` with
no text for six options, `init --help` silent on PATH and on an existing file, and the
`kvrules plugins` table cutting its entry points off at 80 columns."""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner

from kvrules.cli import cli

LEFT_TO_THE_WEB_COMMANDS: set[tuple[str, str]] = set()  # every option has its help now


def commands(
    command: click.Command, path: str, ctx: click.Context
) -> Iterator[tuple[str, click.Command]]:
    """Every command in the tree under ``command`` (plugins' commands included), by path."""
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                sub_ctx = click.Context(sub, parent=ctx, info_name=name)
                yield from commands(sub, f"{path} {name}", sub_ctx)


def test_every_option_of_every_command_has_help_text() -> None:
    tree = list(commands(cli, "kvrules", click.Context(cli, info_name="kvrules")))
    assert len(tree) > 30 and any(path == "kvrules refdata import" for path, _ in tree)
    silent = [
        f"{path} {param.opts[0]}"
        for path, command in tree
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        and not (param.help or "").strip()
        and (path, param.opts[0]) not in LEFT_TO_THE_WEB_COMMANDS
    ]  # fmt: skip
    assert silent == []


def test_init_help_says_what_path_is_and_that_nothing_is_overwritten() -> None:
    said = " ".join(CliRunner().invoke(cli, ["init", "--help"]).output.split())
    assert "template to PATH (default: ./kvrules.yaml)" in said
    assert "An existing file at PATH is never overwritten" in said


def test_the_plugins_table_wraps_at_80_columns_and_cuts_nothing() -> None:
    from kvrules.plugins import registry

    result = CliRunner().invoke(cli, ["plugins"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output
    # each cell of the entry-point column, put back together from its wrapped lines
    body = [line.split("│") for line in lines if line.startswith("│")]
    cells: list[list[str]] = []
    for row in body:
        if row[1].strip():  # a plugin's name starts its row
            cells.append([])
        cells[-1].append(row[2].strip())
    points = ["".join(parts) for parts in cells]
    assert points == [info.entry_point for info in registry().plugins]
