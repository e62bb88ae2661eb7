"""Issue #17 item 7: a board-ready report. `kvrules report` (and the page `kvrules serve`
shows) groups partners by the organisation they resolve to, lists severities in severity
order, draws charts with axis titles and scales, has a table of critical cases and of the
decisions taken in the period, and reads home country, cap, rates and RIS links from the
config."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.enrich import Enricher
from kvrules.rulebook.cases import event_from_given
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from tests.store.store_helpers import FakeClock, make_finding

BELGIAN = ("p5", "p6", "p7", "p8")
RIS = "https://pure.example.edu/admin/projecteditor.xhtml?id={id}"
SINCE = "2026-06-01"
PASSWORD = "board report password 1"
# (record, partner as the RIS spells it, severity of its case)
PROJECTS = [
    ("p1", "BEIJING INSTITUTE OF TECHNOLOGY", Severity.CRITICAL),  # decided in the period
    ("p2", "Beijing Inst. of Technology", Severity.MEDIUM),  # a misspelling is a candidate
    ("p3", "Beijing Institute of Technology", Severity.MEDIUM),
    ("p4", "Sichuan University", Severity.HIGH),
    ("p5", "KU Leuven", Severity.LOW),  # decided before the period
    ("p6", "Ghent University", Severity.LOW),
    ("p7", "KU Leuven", Severity.LOW),
    ("p8", "Ghent University", Severity.LOW),
    ("p9", "Sichuan University", Severity.CRITICAL),  # open
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config file and a state database with screened projects, cases and decisions."""
    folder = tmp_path_factory.mktemp("board")
    enrich = Enricher.from_store(folder / "refdata.db")
    clock = FakeClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    with Store.open(folder / "kvrules.db", clock=clock) as store:
        for record, partner, severity in PROJECTS:
            event = event_from_given(
                {
                    "kind": "project.created",
                    "source": {"system": "pure", "record_id": record},
                    "project": {
                        "id": record,
                        "title": f"Project {record}",
                        "units": ["Faculty of Aerospace"],
                        "participants": [
                            {"role": "Principal Investigator", "display_name": "An Lee"}
                        ],
                        "partners": [
                            {"name": partner, "country": "BE" if record in BELGIAN else "CN"}
                        ],
                    },
                }
            )
            store.record_subject(enrich(event))
            store.record_finding(make_finding(record_id=record, severity=severity, partner=partner))
        old = store.case_for("pure", "p5")
        store.decide(old.id, "approve", "Decided before the period", actor="chair")  # type: ignore[union-attr]
        clock.now = datetime(2026, 11, 2, 10, tzinfo=UTC)
        critical = store.case_for("pure", "p1")
        store.decide(
            critical.id,  # type: ignore[union-attr]
            "approve-with-mitigations",
            "No export-controlled data",
            actor="chair",
            mitigations=[("Data management plan", "pi", None)],
        )
    config = {
        "database": "kvrules.db",
        "home_country": "BE",
        "rulebook_vars": {"funding-dependency": {"foreign_share_cap": 0.4}},
        "sources": {
            "pure": {
                "adapter": "pure",
                "settings": {"base_url": "https://pure.example.edu/ws/api"},
                "ris_url": RIS,
            }
        },
    }
    (folder / "kvrules.yaml").write_text(yaml.safe_dump(config))
    return folder


def _report(site: Path) -> str:
    out = site / "report.html"
    result = CliRunner().invoke(
        cli,
        ["report", "--config", str(site / "kvrules.yaml"), "--since", SINCE, "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_partners_are_grouped_by_the_organisation_they_resolve_to(site: Path) -> None:
    html = _report(site)
    section = html[html.index('id="h-listed"') : html.index('id="h-funding"')]
    rows = re.findall(r"<tr><td>(.*?)</tr>", section, re.S)
    bit = [r for r in rows if "Beijing Institute of Technology" in r]
    assert len(bit) == 1, rows  # three spellings, one organisation (its ROR record)
    assert "ROR 01skt4w74" in bit[0] and "<td>3</td>" in bit[0]
    assert "Beijing Institute of Technology (1)" in bit[0]
    for spelling in ("BEIJING INSTITUTE OF TECHNOLOGY (1)", "Beijing Inst. of Technology (1)"):
        assert spelling in bit[0]
    assert "US DoD Section 1286 list (FY25)" in bit[0]  # the list in words, with its edition


def test_a_listed_partner_is_named_as_the_ris_names_it_not_by_the_lists_spelling(
    tmp_path: Path,
) -> None:
    """The 1286 list spells Xi'an Jiaotong University "Xi'an Jiatong University"; matched
    through its ROR id, the row named the organisation by that misspelling. The row names it
    as the RIS does and gives the list's spelling as the list's wording."""
    ris_name = "Xi'an Jiaotong University"
    event = event_from_given(
        {
            "kind": "project.created",
            "source": {"system": "pure", "record_id": "x1"},
            "project": {
                "id": "x1",
                "title": "Turbine blades",
                "partners": [
                    {
                        "name": ris_name,
                        "country": "CN",
                        "identifiers": [{"scheme": "ror", "value": "https://ror.org/017zhmm22"}],
                    }
                ],
            },
        }
    )
    with Store.open(tmp_path / "kvrules.db") as store:
        store.record_subject(Enricher.from_store(tmp_path / "refdata.db")(event))
    (tmp_path / "kvrules.yaml").write_text(yaml.safe_dump({"database": "kvrules.db"}))
    section = _report(tmp_path)
    section = html.unescape(
        section[section.index('id="h-listed"') : section.index('id="h-funding"')]
    )
    rows = re.findall(r"<tr><td>(.*?)</tr>", section, re.S)
    assert len(rows) == 1, rows
    organisation, _country, lists, *_ = re.findall(r"<td>(.*?)</td>", f"<td>{rows[0]}", re.S)
    assert organisation.startswith(ris_name), organisation
    assert "Jiatong" not in organisation
    assert "US DoD Section 1286 list (FY25), listed as “Xi’an Jiatong University”" in lists


def test_severities_are_in_severity_order_not_by_count(site: Path) -> None:
    html = _report(site)
    overview = html[html.index('id="h-overview"') : html.index('id="h-collab"')]
    badges = re.findall(r'class="sev sev-(\w+)">(\d+) ', overview)
    # by count it would read "3 low, 2 medium, 1 critical, 1 high"
    assert badges == [("critical", "1"), ("high", "1"), ("medium", "2"), ("low", "3")]


def test_charts_have_axis_titles_and_scales(site: Path) -> None:
    html = _report(site)
    titles = re.findall(r'class="axis-title">([^<]+)<', html)
    assert {"year opened", "cases", "open cases", "severity"} <= set(titles)
    open_chart = html[html.index('aria-label="Open cases by severity"') :]
    open_chart = open_chart[: open_chart.index("</svg>")]
    scale = re.findall(r'text-anchor="middle">(\d+)</text>', open_chart)
    assert scale[0] == "0" and int(scale[-1]) >= 3  # a scale from 0 past the longest bar


def test_critical_cases_and_decisions_of_the_period(site: Path) -> None:
    html = _report(site)
    critical = html[html.index('id="h-critical"') : html.index('id="h-decided"')]
    assert f'<a href="{RIS.format(id="p1")}">Project p1</a>' in critical
    assert "An Lee (Principal Investigator)" in critical
    assert "approve with mitigations (2026-11-02)" in critical
    assert "Project p9" in critical and "none yet" in critical  # open, not decided
    assert "Project p4" not in critical  # high, not critical
    decided = html[html.index('id="h-decided"') :]
    assert f"Decisions taken from {SINCE}" in decided
    assert "No export-controlled data" in decided
    assert "Decided before the period" not in decided


def test_report_reads_home_country_and_cap_from_the_config(site: Path) -> None:
    html = _report(site)
    assert "home country BE" in html and "above the cap of 40%" in html


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """`kvrules serve` itself, on a free loopback port, with a viewer account."""
    env = {**os.environ, "KVRULES_PASSWORD": PASSWORD}
    config = str(site / "kvrules.yaml")
    added = CliRunner().invoke(
        cli, ["users", "add", "board", "--role", "viewer", "--config", config], env=env
    )
    assert added.exit_code == 0, added.output
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kvrules", "serve", "--config", config, "--port", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/login", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_shows_the_report_with_the_configs_cap_and_links(served: str) -> None:
    session = requests.Session()
    page = session.get(f"{served}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    session.post(
        f"{served}/login",
        data={"username": "board", "password": PASSWORD, "csrf_token": token, "next": "/report"},
        timeout=10,
    )
    report = session.get(f"{served}/report", timeout=30).text
    assert "above the cap of 40%" in report and "home country BE" in report
    assert f'href="{RIS.format(id="p1")}"' in report
