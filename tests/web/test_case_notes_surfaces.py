"""A case says of its stored record what ``check`` says of the same partners. Reviewer,
2026-12-07 (setup "S": a ``file`` source over the events below, written for the review):
``check``, the web pre-screen and the API said "These 3 partners are one organisation …";
for the same partners from a scan ``kvrules show case:1``, ``/cases/1`` and ``report.md``
did not."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.report import md_text
from kvrules.store import Store
from tests.scan_helpers import file_export_config, scanned
from tests.web.web_helpers import app_for, login

HARBIN = {
    "id": "file:r-1:created", "kind": "project.created",
    "source": {"system": "file", "record_id": "r-1"}, "occurred_at": "2026-11-02T09:00:00Z",
    "project": {
        "id": "r-1", "title": "Scramjet inlet study", "units": ["Faculty of Physics"],
        "keywords": ["hypersonic propulsion"],
        "partners": [{"name": "Harbin Institute of Technology"},
                     {"name": "Harbin Inst. of Tech."}, {"name": "HIT", "country": "CN"},
                     {"name": "Delft University of Technology", "country": "NL"}],
        "funders": [{"name": "UK Research and Innovation", "country": "GB", "amount": "800000",
                     "currency": "GBP"}],
    },
}  # fmt: skip
PARTNERS = ["Harbin Institute of Technology", "Harbin Inst. of Tech.", "HIT (CN)"]


@pytest.fixture
def scanned_case(db: Path, tmp_path: Path) -> tuple[Path, int, str]:
    """The record scanned into the web tests' database (``file_export_config`` names it
    kvrules.db, as the ``db`` fixture does); its case, and what ``check`` says of the same
    partners: the sentence each case surface must repeat."""
    config = file_export_config(tmp_path, HARBIN, home="NL")
    scanned(config)
    with Store.open(db) as store:
        case = store.case_for("file", "r-1")
    assert case is not None
    args = ["check", "--json", "--config", str(config)]
    for partner in PARTNERS:
        args += ["--partner", partner]
    answer = json.loads(CliRunner().invoke(cli, args).stdout)
    [line] = answer["in_words"]["one_organisation"]
    assert line.startswith("These 3 partners are one organisation"), line
    return config, case.id, line.replace("HIT (CN)", "HIT")


def test_show_the_case_page_and_the_report_say_they_are_one_organisation(
    db: Path, tmp_path: Path, scanned_case: tuple[Path, int, str]
) -> None:
    config, case, line = scanned_case
    shown = CliRunner().invoke(cli, ["show", f"case:{case}", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert line in " ".join(shown.stdout.split()), shown.stdout
    as_json = CliRunner().invoke(cli, ["show", f"case:{case}", "--config", str(config), "--json"])
    assert json.loads(as_json.stdout)["one_organisation"] == [line]
    client = app_for(db)
    login(client, "viewer")
    page = html.unescape(client.get(f"/cases/{case}").text)
    assert page.split('id="one-organisation"><li>', 1)[1].split("</li>", 1)[0] == line
    report = tmp_path / "report.md"
    done = CliRunner().invoke(cli, ["report", "--config", str(config), "--out", str(report)])
    assert done.exit_code == 0, done.output
    assert f"- {md_text(line)}" in report.read_text(encoding="utf-8")


# Reviewer's record r-2 of setup "S": a partner named by a given and family name alone, kept
# its country (IR) only because the shipped organisation registry is partial
DRONES = {
    "id": "file:r-2:created", "kind": "project.created",
    "source": {"system": "file", "record_id": "r-2"}, "occurred_at": "2026-11-02T09:00:00Z",
    "project": {
        "id": "r-2", "title": "Drone swarm control", "units": ["Institute X"],
        "keywords": ["hypersonic propulsion"],
        "partners": [{"name": "Ali Rezaei", "country": "IR"},
                     {"name": "Delft University of Technology", "country": "NL"}],
    },
}  # fmt: skip
NOTE = (
    "Ali Rezaei reads as a person's name: with a complete organisation registry imported it "
    "would not be screened on its country; identify the institution"
)


def test_show_and_the_report_say_a_partner_reads_as_a_person_and_the_board_leaves_it_out(
    db: Path, tmp_path: Path
) -> None:
    """Reviewer, 2026-12-07: /cases/2 said "Ali Rezaei reads as a person's name …"; `show
    case:2` and report.md did not, and the board report counted Ali Rezaei under IR."""
    from kvrules.web.portfolio import build

    config = file_export_config(tmp_path, DRONES, home="NL")
    scanned(config)
    with Store.open(db) as store:
        case = store.case_for("file", "r-2")
        assert case is not None
        board = build(store, home_country="NL")
    shown = CliRunner().invoke(cli, ["show", f"case:{case.id}", "--config", str(config)])
    assert NOTE in " ".join(shown.stdout.split()), shown.stdout
    report = tmp_path / "report.md"
    CliRunner().invoke(cli, ["report", "--config", str(config), "--out", str(report)])
    assert f"- {md_text(NOTE)}" in report.read_text(encoding="utf-8")
    # left out of the partner countries (a person's country is in effect their nationality),
    # and said under the chart
    assert "IR" not in board.collab_by_country and board.read_as_person == {"Ali Rezaei": 1}
    page = tmp_path / "board.html"
    CliRunner().invoke(cli, ["report", "--config", str(config), "--out", str(page)])
    said = html.unescape(page.read_text(encoding="utf-8"))
    assert (
        "1 partner left out of the partner countries, as its name reads as a person's (the "
        "country would in effect be that person's; identify the institution): Ali Rezaei"
    ) in said
