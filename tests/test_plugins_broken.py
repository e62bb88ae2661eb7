"""Plugins that break in ways a plain ``except Exception`` misses, or that register what their
hook does not ask for: each is reported against its plugin and every other plugin still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import plugins
from kvrules.cli import cli
from tests.test_plugins_cli import GOOD, install, listing

__all__ = ["install"]  # the fixture, shared with test_plugins_cli

EXITS_AT_IMPORT = 'raise SystemExit("run me as a script")\n'

EXITS_IN_HOOK = """
from kvrules import hookimpl

@hookimpl
def register_alert_channels(register):
    raise SystemExit(3)
"""

INTERRUPTED_IN_HOOK = """
from kvrules import hookimpl

@hookimpl
def register_adapters(register):
    raise KeyboardInterrupt
"""


def fetch_file(tmp_path: Path):
    data = tmp_path / "p.csv"
    data.write_text("project_id,title\np-1,Quantum sensing\n")
    return CliRunner().invoke(cli, ["fetch", "--source", "file", "--path", str(data)])


def test_a_plugin_raising_system_exit_is_a_broken_plugin_not_the_end_of_kvrules(
    install, tmp_path: Path
) -> None:
    install("kvrules-exit", EXITS_AT_IMPORT, {"exits": "kvrules_tp_exits"})
    install("kvrules-exit-hook", EXITS_IN_HOOK, {"exits_hook": "kvrules_tp_exits_hook"})
    install("kvrules-elements", GOOD, {"elements": "kvrules_tp_elements_ok"})
    rows = listing()
    assert rows["exits"]["error"] == "SystemExit: run me as a script"
    assert "SystemExit: 3" in rows["exits_hook"]["error"]
    assert rows["elements"]["error"] is None and rows["elements"]["adapters"] == ["elements"]
    assert rows["file"]["error"] is None
    help_ = CliRunner().invoke(cli, ["--help"])
    assert help_.exit_code == 0 and "fetch" in help_.stdout, help_.output
    fetched = fetch_file(tmp_path)
    assert fetched.exit_code == 0 and "p-1  Quantum sensing" in fetched.stdout, fetched.output


def test_ctrl_c_inside_a_plugin_still_stops_the_run(install) -> None:
    """KeyboardInterrupt is the user's, wherever it lands: never swallowed as a plugin error."""
    install("kvrules-ctrlc", INTERRUPTED_IN_HOOK, {"ctrlc": "kvrules_tp_ctrlc"})
    with pytest.raises(KeyboardInterrupt):
        plugins.get_adapters()


NOT_A_CLASS = """
from kvrules import hookimpl

@hookimpl
def register_adapters(register):
    register("elements")  # a string, not an Adapter class

@hookimpl
def register_alert_channels(register):
    register(object)

@hookimpl
def register_reference_importers(register):
    register("inhouse", "not a function")
    register(None, len)
"""


def test_a_registration_that_is_not_what_the_hook_asks_for_is_refused_and_named(
    install, tmp_path: Path
) -> None:
    """`register("elements")` made every `fetch` an internal error (AttributeError: 'str'
    object has no attribute 'name'), for every source, without naming the plugin."""
    install("kvrules-notaclass", NOT_A_CLASS, {"notaclass": "kvrules_tp_notaclass"})
    install("kvrules-elements", GOOD, {"elements": "kvrules_tp_elements_ok2"})
    fetched = fetch_file(tmp_path)
    assert fetched.exit_code == 0 and "p-1  Quantum sensing" in fetched.stdout, fetched.output
    assert {"elements", "file", "pure"} <= set(plugins.get_adapters())
    assert "topdesk" in plugins.get_alert_channels()
    importers = plugins.get_reference_importers()  # elements' "inhouse", not notaclass's
    assert list(importers) == ["inhouse"] and callable(importers["inhouse"])
    error = listing()["notaclass"]["error"]
    assert "register_adapters: registered 'elements' (str), not a subclass of kvrules.Adapter" in (
        error
    )
    elsewhere = CliRunner().invoke(cli, ["fetch", "--source", "notaclass"])
    assert elsewhere.exit_code == 1 and "internal error" not in elsewhere.output
    assert (
        "adapter 'notaclass': its plugin is installed but failed to load (register_adapters: "
        "registered 'elements' (str), not a subclass of kvrules.Adapter; left out)"
        in elsewhere.output
    )
