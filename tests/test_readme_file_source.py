"""The README's setup for a scan of file exports, run as written.

A reviewer found no `sources:` example with `adapter: file` and `settings: {path: …}`, and
`kvrules init --source` offered only pure or converis. The README's block is taken as written
(its path pointed at a folder of this test), and `init --source file` writes one that checks."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
DOCUMENTED_PATH = "/srv/kvrules/exports/"


def readme_block() -> str:
    section = README.read_text(encoding="utf-8").split("**A university whose RIS exports files**")
    return re.findall(r"```yaml\n(.*?)```", section[1], re.S)[0]


def export(folder: Path) -> Path:
    """A CSV export in the documented columns: one row per partner or funder."""
    folder.mkdir()
    with (folder / "projects.csv").open("w", newline="", encoding="utf-8") as fh:
        rows = csv.writer(fh)
        rows.writerow(["project_id", "title", "keywords", "partner_name", "partner_country",
                       "funder_name", "funder_country", "amount", "currency"])  # fmt: skip
        rows.writerow(["p-1", "Hypersonic flow", "hypersonic;scramjet", "Beihang University",
                       "CN", "", "", "", ""])  # fmt: skip
        rows.writerow(["p-1", "Hypersonic flow", "hypersonic;scramjet", "", "",
                       "Dutch Research Council", "NL", "250000", "EUR"])  # fmt: skip
    return folder


def test_the_readme_source_block_scans_a_folder_of_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    block = readme_block()
    assert DOCUMENTED_PATH in block and yaml.safe_load(block)["sources"]["exports"]["adapter"]
    folder = export(tmp_path / "exports")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "home_country: NL\ndatabase: kvrules.db\n" + block.replace(DOCUMENTED_PATH, f"{folder}/"),
        encoding="utf-8",
    )
    runner = CliRunner()
    checked = runner.invoke(cli, ["config", "check"])
    assert checked.exit_code == 0 and "ok: 1 source(s)" in checked.output, checked.output
    fetched = runner.invoke(cli, ["fetch", "--source", "exports", "--json"])
    assert fetched.exit_code == 0, fetched.output
    [record] = [json.loads(line) for line in fetched.stdout.splitlines() if line.strip()]
    assert "Beihang University" in json.dumps(record)
    scanned = runner.invoke(cli, ["scan", "--apply"])
    assert scanned.exit_code == 0, scanned.output
    findings = runner.invoke(cli, ["findings", "--json"])
    rules = {json.loads(line)["rule"] for line in findings.stdout.splitlines() if line}
    assert "us-dod-1286/project-partner-on-1286" in rules
    tags = (folder / "kvrules-tags.csv").read_text(encoding="utf-8")  # beside the exports
    assert tags.startswith("record_id,tags,updated_at") and "p-1" in tags


def test_init_source_file_writes_the_same_source_and_it_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--source", "file", "--home-country", "NL"]).exit_code == 0
    text = (tmp_path / "kvrules.yaml").read_text(encoding="utf-8")
    assert "adapter: pure" not in text and "adapter: converis" not in text
    written = yaml.safe_load(text)["sources"]
    assert written == yaml.safe_load(readme_block())["sources"]  # the README's, as written
    folder = export(tmp_path / "exports")
    (tmp_path / "kvrules.yaml").write_text(text.replace(DOCUMENTED_PATH, f"{folder}/"))
    monkeypatch.setenv("KVRULES_SMTP_PASSWORD", "smtp-pw-s")
    checked = runner.invoke(cli, ["config", "check"])
    assert checked.exit_code == 0, checked.output
    assert "ok: 1 source(s)" in checked.output
