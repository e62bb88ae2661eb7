"""docs/operations.md's systemd units run commands that exist, with options kvrules takes: the
operations review (2026-12-07) found no service setup documented at all; a unit that names an
option kvrules does not have would fail at the first start."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from kvrules.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def test_every_unit_command_parses() -> None:
    commands = re.findall(r"^ExecStart=\S+/kvrules (.+)$", DOC.read_text(), re.MULTILINE)
    assert len(commands) == 2
    for command in commands:
        name, *args = shlex.split(command)
        parent = cli.make_context("kvrules", [name])
        # Parsed as a start would parse them, nothing run: an unknown option or a value of
        # the wrong type (a port that is no number, an interval that is no duration) fails.
        cli.get_command(parent, name).make_context(name, args, parent=parent)


def test_a_bad_value_in_a_unit_would_be_caught() -> None:
    parent = cli.make_context("kvrules", ["watch"])
    with pytest.raises(click.BadParameter):
        cli.get_command(parent, "watch").make_context("watch", ["--interval", "x"], parent=parent)


def test_the_health_route_it_names_exists() -> None:
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    paths = {route.path for route in create_app(WebSettings(db=DOC, secret_key="x")).routes}
    assert "/healthz" in paths and "/healthz" in DOC.read_text()
