"""One distribution, one package, several entry points (as an integrator's ``kvrules-broken``
had): an error is charged to the entry point whose hook registered the adapter, not to the
package's first entry point; an adapter without a pydantic ``Config`` is refused at
registration, named, and every other source is still scanned."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import plugins
from kvrules.cli import cli
from tests.test_plugins_cli import DSPACE_RAISING, listing, scanned

FIRST = """
from kvrules import hookimpl

@hookimpl
def register_reference_importers(register):
    register("inhouse", lambda path, options: None)
"""

# the third-party adapter that raises mid-fetch (tests.test_plugins_cli), under its own name
RAISING = DSPACE_RAISING.replace('name = "dspace"', 'name = "raising"')

NO_CONFIG = """
from kvrules import hookimpl
from kvrules_file import FileAdapter


class NoConfig(FileAdapter):
    name = "noconfig"
    Config = dict


@hookimpl
def register_adapters(register):
    register(NoConfig)
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """package({entry point: module source}): one distribution ``kvrules-multi`` whose package
    ``kvrules_tp_multi`` has a module per entry point, all in the ``kvrules`` group."""
    root = tmp_path / "site"
    (root / "kvrules_tp_multi").mkdir(parents=True)
    (root / "kvrules_tp_multi" / "__init__.py").write_text("")

    def install(modules: dict[str, str]) -> None:
        info = root / "kvrules_multi-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kvrules-multi\nVersion: 1.0\n")
        lines = "".join(f"{name} = kvrules_tp_multi.{name}\n" for name in modules)
        (info / "entry_points.txt").write_text(f"[kvrules]\n{lines}")
        for name, source in modules.items():
            (root / "kvrules_tp_multi" / f"{name}.py").write_text(textwrap.dedent(source))
        plugins.reset()

    monkeypatch.syspath_prepend(str(root))
    yield install
    for name in [m for m in sys.modules if m.split(".")[0] == "kvrules_tp_multi"]:
        sys.modules.pop(name)
    monkeypatch.undo()
    plugins.reset()


def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    (folder / "p.csv").write_text("project_id,title\np-1,Quantum sensing\np-2,Soil carbon\n")
    return folder


def test_an_error_names_the_entry_point_that_registered_the_adapter(
    package, tmp_path: Path
) -> None:
    package({"first": FIRST, "raising": RAISING})
    result = CliRunner().invoke(
        cli, ["fetch", "--source", "raising", "--path", str(exports(tmp_path))]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().endswith(
        "plugin 'raising': fetch raised ZeroDivisionError: boom in fetch"
    ), result.stderr
    assert "plugin 'first'" not in result.output


def test_an_adapter_without_a_pydantic_config_is_left_out_and_the_others_are_scanned(
    package, tmp_path: Path
) -> None:
    package({"first": FIRST, "noconfig": NO_CONFIG})
    rows = listing()
    assert rows["noconfig"]["adapters"] == []
    assert rows["noconfig"]["error"] == (
        "register_adapters: registered NoConfig whose Config is <class 'dict'>, not a pydantic "
        "model (a class attribute subclassing pydantic.BaseModel or BaseSettings); left out"
    )
    assert rows["first"]["error"] is None
    folder = exports(tmp_path)
    config = tmp_path / "two.yaml"
    config.write_text(
        f"database: {tmp_path / 'two.db'}\n"
        "sources:\n"
        f"  aaa:\n    adapter: noconfig\n    settings: {{path: {folder}}}\n"
        f"  zzz:\n    adapter: file\n    settings: {{path: {folder}}}\n"
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json"])
    assert result.exit_code == 1, result.output
    assert scanned(result) == {"zzz": 2}
    assert (
        "source 'aaa' not scanned: adapter 'noconfig': its plugin is installed but failed to "
        "load (register_adapters: registered NoConfig whose Config is <class 'dict'>"
    ) in result.stderr, result.stderr
    assert "internal error" not in result.output and "Traceback" not in result.output


PRINTS = """
from kvrules import hookimpl
from kvrules_file import FileAdapter

print("imported the chatty plugin")


class Chatty(FileAdapter):
    name = "chatty"

    def fetch(self, cursor=None):
        print("fetching, page 1")
        yield from super().fetch(cursor)


@hookimpl
def register_adapters(register):
    print("registering chatty")
    register(Chatty)
"""

LEAKY = """
import os
from kvrules import hookimpl

@hookimpl
def register_alert_channels(register):
    key = os.environ.get("KVRULES_ELEMENTS_API_KEY", "")
    raise RuntimeError(f"could not log in with key {key}")
"""


def test_what_a_plugin_prints_goes_to_stderr_not_into_fetch_json(package, tmp_path) -> None:
    """A print() at import, in a hook, or in fetch (of this plugin or another) would make
    ``kvrules fetch --json`` stdout lines that are not JSON."""
    package({"first": FIRST, "chatty": PRINTS})
    result = CliRunner().invoke(
        cli, ["fetch", "--source", "file", "--path", str(exports(tmp_path)), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["project"]["id"] for line in result.stdout.splitlines()] == [
        "p-1",
        "p-2",
    ]
    assert "imported the chatty plugin" in result.stderr
    assert "registering chatty" in result.stderr
    chatty = CliRunner().invoke(
        cli, ["fetch", "--source", "chatty", "--path", str(exports(tmp_path)), "--json"]
    )
    assert chatty.exit_code == 0, chatty.output
    assert len([json.loads(line) for line in chatty.stdout.splitlines()]) == 2
    assert "fetching, page 1" in chatty.stderr


def test_a_configured_secret_quoted_by_a_plugin_error_is_masked(
    package, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KVRULES_ELEMENTS_API_KEY", "sekrit-123")
    package({"first": FIRST, "leaky": LEAKY})
    rows = listing()
    assert rows["leaky"]["error"] == (
        "register_alert_channels raised RuntimeError: could not log in with key ***"
    )
    shown = CliRunner().invoke(cli, ["plugins"])
    assert "could not log in with key ***" in shown.output
    assert "sekrit-123" not in shown.output
