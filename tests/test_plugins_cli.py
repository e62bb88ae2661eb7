"""``kvrules plugins`` with throwaway distributions on sys.path: broken ones are reported and
the others still load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import plugins
from kvrules.cli import cli

GOOD = """
from kvrules import Adapter, AlertChannel, hookimpl
from pydantic import BaseModel

class ElementsAdapter(Adapter):
    name = "elements"
    Config = BaseModel
    def fetch(self, cursor=None):
        return iter(())
    def write_tags(self, record_id, tags, *, dry_run=True):
        raise LookupError(record_id)

class TopdeskChannel(AlertChannel):
    name = "topdesk"
    Config = BaseModel
    def send(self, alert):
        pass

@hookimpl
def register_adapters(register):
    register(ElementsAdapter)

@hookimpl
def register_alert_channels(register):
    register(TopdeskChannel)

@hookimpl
def register_reference_importers(register):
    register("inhouse", lambda path, options: None)
"""


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """install(dist, module_source, entry_points={name: value}): a distribution on sys.path."""
    modules: list[str] = []

    def install_(dist: str, source: str, entry_points: dict[str, str], version: str = "1.0"):
        info = tmp_path / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
        (info / "entry_points.txt").write_text(f"[kvrules]\n{lines}")
        module = next(iter(entry_points.values())).split(":")[0]
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        modules.append(module)
        plugins.reset()

    monkeypatch.syspath_prepend(str(tmp_path))
    yield install_
    for module in modules:
        sys.modules.pop(module, None)
    monkeypatch.undo()
    plugins.reset()


def listing() -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_lists_adapters_alert_channels_and_importers_with_distribution(install) -> None:
    install("kvrules-elements", GOOD, {"elements": "kvrules_tp_elements"}, version="0.3.1")
    rows = listing()
    row = rows["elements"]
    assert (row["distribution"], row["version"], row["entry_point"]) == (
        "kvrules-elements",
        "0.3.1",
        "kvrules_tp_elements",
    )
    assert (row["adapters"], row["alert_channels"], row["importers"]) == (
        ["elements"],
        ["topdesk"],
        ["inhouse"],
    )
    assert row["error"] is None and row["clashes"] == []
    assert rows["email"]["alert_channels"] == ["email"]
    assert rows["pure"]["adapters"] == ["pure"] and rows["pure"]["distribution"] == "kvrules"


def test_plugin_failing_at_import_is_reported_and_others_still_load(install, monkeypatch) -> None:
    install(
        "kvrules-broken", "raise RuntimeError('boom at import')\n", {"broken": "kvrules_tp_broken"}
    )
    install("kvrules-elements", GOOD, {"elements": "kvrules_tp_elements"})
    rows = listing()
    assert rows["broken"]["error"] == "RuntimeError: boom at import"
    assert rows["broken"]["distribution"] == "kvrules-broken"
    assert rows["elements"]["error"] is None and rows["file"]["error"] is None
    assert {"elements", "file", "pure"} <= set(plugins.get_adapters())
    monkeypatch.setenv("COLUMNS", "250")  # rich's table width
    text = CliRunner().invoke(cli, ["plugins"])
    assert text.exit_code == 0 and "boom at import" in text.stdout


def test_missing_module_and_raising_hook_are_charged_to_their_plugin(install, tmp_path) -> None:
    raising = """
    from kvrules import hookimpl

    @hookimpl
    def register_adapters(register):
        raise ValueError("no settings")
    """
    install("kvrules-raises", raising, {"raises": "kvrules_tp_raises"})
    install("kvrules-gone", "", {"gone": "kvrules_tp_not_there_at_all"})
    (tmp_path / "kvrules_tp_not_there_at_all.py").unlink()
    rows = listing()
    assert rows["raises"]["error"] == "register_adapters raised ValueError: no settings"
    assert rows["gone"]["error"].startswith("ModuleNotFoundError")
    assert rows["file"]["adapters"] == ["file"] and rows["file"]["error"] is None


def test_name_clash_is_flagged_on_both_plugins(install) -> None:
    clash = GOOD.replace('name = "elements"', 'name = "file"')
    install("kvrules-clash", clash, {"clash": "kvrules_tp_clash"})
    rows = listing()
    assert rows["clash"]["clashes"] == ["adapters 'file' also registered by file (built in)"]
    assert rows["file"]["clashes"] == ["adapters 'file' also registered by clash"]


def test_fetch_still_works_with_a_broken_plugin_installed(install, tmp_path: Path) -> None:
    install("kvrules-broken", "import no_such_dependency\n", {"broken": "kvrules_tp_broken2"})
    data = tmp_path / "p.csv"
    data.write_text("project_id,title\np-1,Quantum sensing\n")
    result = CliRunner().invoke(cli, ["fetch", "--source", "file", "--path", str(data)])
    assert result.exit_code == 0 and "p-1  Quantum sensing" in result.stdout


IMPORTER = """
from kvrules import hookimpl
from kvrules.refdata.importers.base import Parsed, RowError, add_entry, slug

def parse(path, options):
    parsed = Parsed(info={"list_id": "inhouse", "kind": "assessment", "title": "In-house list"})
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        name, _, country = line.partition("|")
        if not country:
            parsed.errors.append(RowError(n, "expected NAME|COUNTRY"))
            continue
        add_entry(parsed, n, entry_id=slug(name), name=name, country=country)
    return parsed

@hookimpl
def register_reference_importers(register):
    register("inhouse", parse)
    register("ror", lambda path, options: 1 / 0)  # cannot replace a built-in format
"""


def test_a_plugin_importer_is_offered_by_refdata_import(install, tmp_path: Path) -> None:
    install("kvrules-inhouse", IMPORTER, {"inhouse": "kvrules_tp_inhouse"})
    data, db = tmp_path / "list.txt", tmp_path / "kv.db"
    data.write_text("Example Institute of Technology|CN\nSecond Academy|RU\n")
    runner = CliRunner()
    ok = runner.invoke(cli, ["refdata", "import", "inhouse", str(data), "--refdata", str(db),
                             "--edition", "2026-11"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "imported 2 entries into inhouse edition 2026-11" in ok.output
    data.write_text("No country here\n")
    bad = runner.invoke(cli, ["refdata", "import", "inhouse", str(data), "--refdata", str(db),
                              "--edition", "2026-12"])  # fmt: skip
    assert bad.exit_code != 0 and "line 1: expected NAME|COUNTRY" in bad.output
    ror = Path(__file__).parent / "refdata" / "fixtures" / "ror_bad.json"
    builtin = runner.invoke(cli, ["refdata", "import", "ror", str(ror), "--refdata", str(db)])
    assert "ZeroDivisionError" not in builtin.output and "nothing imported" in builtin.output
    unknown = runner.invoke(cli, ["refdata", "import", "nosuch", str(data), "--refdata", str(db)])
    assert "unknown import format 'nosuch'; choose from" in unknown.output
    assert "inhouse" in unknown.output


COMMANDS = """
from pathlib import Path

import click
from kvrules import hookimpl

Path(__file__).with_name("loaded.txt").write_text("loaded")  # marks that kvrules loaded it


@click.command("elements-check")
def elements_check():
    \"\"\"Check the connection to Symplectic Elements.\"\"\"
    click.echo("elements: reachable")


@hookimpl
def register_commands(cli):
    cli.add_command(elements_check)
"""


def test_a_plugins_command_runs_and_a_built_in_one_starts_without_loading_plugins(
    install, tmp_path: Path
) -> None:
    """Built-in commands are loaded when asked for and the plugins' commands only when the
    name is not built in (or the commands are listed): loading every plugin cost `check`
    about 0.2 s of CPU at each start. A plugin's command still runs and is listed."""
    install("kvrules-elements", COMMANDS, {"elements": "kvrules_tp_commands"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    marker = tmp_path / "loaded.txt"

    def kvrules(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "kvrules", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)

    schema = kvrules("schema")
    assert schema.returncode == 0, schema.stderr
    assert not marker.exists()  # a built-in command did not load the plugins
    ran = kvrules("elements-check")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "elements: reachable\n" and marker.exists()
    assert "elements-check" in kvrules("--help").stdout
    unknown = kvrules("no-such-command")
    assert unknown.returncode == 2 and "No such command 'no-such-command'" in unknown.stderr


def test_a_long_plugin_error_is_shown_whole_at_80_columns(install, monkeypatch) -> None:
    """The error column was cut off at 80 columns: the whole error is one line below the table."""
    message = "boom at import: the settings file /etc/kvrules/some/long/path.yaml could not be read"
    install("kvrules-broken", f"raise RuntimeError({message!r})\n", {"broken": "kvrules_tp_broken"})
    monkeypatch.setenv("COLUMNS", "80")
    text = CliRunner().invoke(cli, ["plugins"])
    assert text.exit_code == 0
    assert f"broken: RuntimeError: {message}" in text.stdout


DSPACE_RAISING = """
from kvrules import hookimpl
from kvrules_file import FileAdapter

class DspaceAdapter(FileAdapter):
    name = "dspace"

    def fetch(self, cursor=None):
        for record in super().fetch(cursor):
            yield record
            if record.events:
                raise ZeroDivisionError("boom in fetch")

@hookimpl
def register_adapters(register):
    register(DspaceAdapter)
"""


def two_sources(tmp_path: Path) -> Path:
    """Source 'aaa' on the dspace adapter, 'zzz' on the file adapter, both on real exports."""
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "p.csv").write_text("project_id,title\np-1,Quantum sensing\np-2,Soil carbon\n")
    config = tmp_path / "two.yaml"
    config.write_text(
        f"database: {tmp_path / 'two.db'}\n"
        "sources:\n"
        f"  aaa:\n    adapter: dspace\n    settings: {{path: {exports}}}\n"
        f"  zzz:\n    adapter: file\n    settings: {{path: {exports}}}\n"
    )
    return config


def scanned(result) -> dict[str, int]:
    """Records read per source, from the --json reports of the sources that were scanned."""
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {r["source"]: r["records"] for r in reports}


def test_a_source_whose_fetch_raises_is_reported_and_the_others_are_scanned(
    install, tmp_path: Path
) -> None:
    install("kvrules-dspace", DSPACE_RAISING, {"dspace": "kvrules_tp_dspace"})
    result = CliRunner().invoke(cli, ["scan", "--config", str(two_sources(tmp_path)), "--json"])
    assert result.exit_code == 1, result.output
    assert scanned(result) == {"zzz": 2}
    lines = result.stderr.splitlines()
    assert (
        lines[-1] == "scan failed for source(s) 'aaa' (see above); the other sources were scanned"
    )
    [failure] = [line for line in lines if line.startswith("source 'aaa'")]
    assert "plugin 'dspace': fetch raised ZeroDivisionError: boom in fetch" in failure
    assert "internal error" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("raise RuntimeError('boom at import')\n", "RuntimeError: boom at import"),
        (
            "from kvrules import hookimpl\n\n@hookimpl\ndef register_adapters(register):\n"
            "    raise ValueError('no settings')\n",
            "register_adapters raised ValueError: no settings",
        ),
    ],
    ids=["import", "hook"],
)
def test_a_source_whose_plugin_is_broken_says_so_and_the_others_are_scanned(
    install, tmp_path: Path, source: str, error: str
) -> None:
    install("kvrules-dspace", source, {"dspace": "kvrules_tp_dspace_broken"})
    config = two_sources(tmp_path)
    truth = (
        f"adapter 'dspace': its plugin is installed but failed to load ({error}); "
        "`kvrules plugins` shows it: fix or reinstall the plugin"
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--json"])
    assert result.exit_code == 1, result.output
    assert scanned(result) == {"zzz": 2}
    assert f"source 'aaa' not scanned: {truth}" in result.stderr.splitlines()
    assert "no adapter 'dspace' installed" not in result.output
    check = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert truth in " ".join(check.output.split()), check.output
    assert listing()["dspace"]["error"] == error  # where `kvrules plugins` shows it


def test_fetch_names_the_plugin_whose_fetch_raises(install, tmp_path: Path) -> None:
    install("kvrules-dspace", DSPACE_RAISING, {"dspace": "kvrules_tp_dspace_fetch"})
    exports = two_sources(tmp_path).parent / "exports"
    result = CliRunner().invoke(cli, ["fetch", "--source", "dspace", "--path", str(exports)])
    assert result.exit_code == 1, result.output
    assert "p-1  Quantum sensing" in result.stdout  # what was read before is shown
    assert result.stderr.strip().endswith(
        "plugin 'dspace': fetch raised ZeroDivisionError: boom in fetch"
    ), result.stderr
    assert "internal error" not in result.output
