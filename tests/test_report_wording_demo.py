"""The board report's wording on an empty store and on the demo's (reviewer, one year in):
report.md had no date; it stopped at 50 cases with no way to list them all; a never-scanned
store said "Open cases: none"; the empty HTML report named an internal call
(Store.record_subject), "no known currency for None", and "None found in the lists screened"
though no list was screened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kvrules.cli import cli, main  # noqa: F401  (main registers plugin commands)
from kvrules.plugins import call_each
from kvrules.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kvrules demo` at a small scale (real HTTP to its simulated Pure, real SQLite): the
    config file of a screened store with more than 50 open cases (300 projects: those that
    ended over a year ago open none, ``ended_projects_quiet_after``)."""
    from click.testing import CliRunner

    call_each("register_commands", cli=cli)
    workdir = tmp_path_factory.mktemp("demo") / "kvrules-demo"
    args = ["demo", "--projects", "300", "--portfolio", "stress", "--workdir", str(workdir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    config = workdir / "kvrules.yaml"
    settings = yaml.safe_load(config.read_text()) | {"time_zone": "Europe/Amsterdam"}
    config.write_text(yaml.safe_dump(settings))
    return config


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A store kvrules created and never scanned into, without a home country."""
    Store.open(tmp_path / "kvrules.db").close()
    (tmp_path / "kvrules.yaml").write_text(yaml.safe_dump({"database": "kvrules.db"}))
    return tmp_path / "kvrules.yaml"


def _report(runner, config: Path, name: str, *more: str) -> str:
    out = config.parent / name
    result = runner.invoke(cli, ["report", "--config", str(config), "--out", str(out), *more])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_an_empty_store_says_nothing_was_screened_yet(runner, empty) -> None:
    md = _report(runner, empty, "r.md")
    assert re.search(r"^Generated \d{4}-\d\d-\d\d \d\d:\d\d \S+\.$", md, re.M)
    assert "Nothing has been screened yet" in md and "Open cases" not in md
    html = _report(runner, empty, "r.html")
    assert "record_subject" not in html and "Store." not in html
    assert "None" not in re.sub(r"<[^>]+>", " ", html).split()  # no Python None in the text
    assert "no home country configured" in html
    assert "No partner has been screened against a reference list yet." in html
    assert "None found in the lists screened" not in html


def test_the_demo_markdown_report_is_dated_and_lists_every_case_when_asked(runner, demo) -> None:
    with Store.open(demo.parent / "kvrules.db") as store:
        open_cases = len(store.cases("open"))
    assert open_cases > 50  # enough for the default to stop short
    md = _report(runner, demo, "r.md")
    assert re.search(r"^Generated \d{4}-\d\d-\d\d \d\d:\d\d CES?T\.$", md, re.M)
    assert "Open cases as of then, whenever opened:" in md and "the oldest opened" in md
    assert len(re.findall(r"^## Case \d+ ", md, re.M)) == 50
    assert f"… and {open_cases - 50} more open cases" in md and "--all-cases" in md
    everything = _report(runner, demo, "all.md", "--all-cases")
    assert len(re.findall(r"^## Case \d+ ", everything, re.M)) == open_cases
    assert "more open cases" not in everything


def test_the_demo_html_report_keeps_its_screened_wording(runner, demo) -> None:
    html = _report(runner, demo, "r.html")
    assert "record_subject" not in html and "No record has been screened yet" not in html
    assert 'id="lists-screened"' in html
    assert "No partner has been screened against a reference list yet." not in html
