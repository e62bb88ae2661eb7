"""A finding is shown under its rule's title as the rulebooks say it now.

Left from 0.4.0: a US site applying ``eu-dual-use`` had its findings made under 2026.5 ("…
with a partner outside the EU") kept under that title after the upgrade to 2026.6 ("… with a
partner abroad") until a scan re-screened the record; a record no scan reads again kept it
for good. The rulebook of 2026.5 is the shipped one without its ``title_abroad`` lines (what
2026.6 added), scanned by the real CLI from a file source; then the site's configuration names
the shipped rulebook, and no scan runs. What was said then stays stored: the finding's body,
its audit entries, the alert as queued.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.alerting import Alert, AlertChannel
from kvrules.alerts import deliver_due
from kvrules.cli import cli
from kvrules.config import load_config
from kvrules.rulebook.discovery import shipped_rulebooks
from kvrules.ruletitles import RuleTitle, config_rule_titles
from kvrules.store import Store
from kvrules.store.cases import StoredFinding
from kvrules.web.export import tables
from tests.conftest import HEADER, rule_yaml
from tests.scan_helpers import file_export_config, project_event, scanned
from tests.web.web_helpers import PASSWORD_HASH, app_for, login

RULE = "annex-i-partner-outside-eu"
OLD = "Annex I research area with a partner outside the EU; check whether an export"
NOW = "Annex I research area with a partner abroad; check whether an export"
PROJECT = project_event(
    "p-1",
    title="Hypersonic inlet tests",
    keywords=["hypersonic propulsion"],
    partners=[{"name": "Beihang University", "country": "CN"}],
)


class Kept(AlertChannel):
    """An alert channel that keeps what it is given (a real channel's part: ``send``)."""

    name = "kept"

    def __init__(self) -> None:
        self.sent: list[Alert] = []

    def send(self, alert: Alert) -> None:
        self.sent.append(alert)


def _site(folder: Path, rulebook: Path) -> Path:
    config = file_export_config(folder, PROJECT, home="US", reference_data=False)
    with config.open("a", encoding="utf-8") as f:
        f.write(f"apply_outside_jurisdiction: [eu-dual-use]\nrulebooks: [{rulebook}]\n")
    return config


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[Path, Path]:
    """(the configuration now, its database): scanned under 2026.5, not since."""
    shipped = shipped_rulebooks() / "eu-dual-use.yaml"
    text = shipped.read_text(encoding="utf-8")
    # 2026.6 added title_abroad; a later version (2026.7: the intra-EU rule) keeps it
    shipped_version = re.search(r'^version: "([^"]+)"', text, re.MULTILINE)
    assert shipped_version
    assert tuple(map(int, shipped_version[1].split("."))) >= (2026, 6)
    before = tmp_path / "eu-dual-use-2026.5.yaml"
    before.write_text(
        "\n".join(
            line
            for line in text.replace(
                f'version: "{shipped_version[1]}"', 'version: "2026.5"'
            ).splitlines()
            if not line.lstrip().startswith("title_abroad:")
        )
        + "\n",
        encoding="utf-8",
    )
    then = _site(tmp_path, before)
    scanned(then)
    # upgraded: the same site, database and source, the rulebook of 2026.6
    config = tmp_path / "now.yaml"
    config.write_text(
        then.read_text(encoding="utf-8").replace(str(before), str(shipped)), encoding="utf-8"
    )
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        (case,) = store.cases()
        assert _ours(store.case_findings(case.id)).finding.rule_title.startswith(OLD)
    return config, db


def _ours(stored: list[StoredFinding]) -> StoredFinding:
    """The finding of the rule whose title 2026.6 changed."""
    (ours,) = [s for s in stored if s.finding.rule_id == RULE]
    return ours


def _stored_as_found(db: Path) -> None:
    """Nothing stored was rewritten: the finding's body and its audit entries say 2026.5's."""
    with Store.open(db) as store:
        (case,) = store.cases()
        stored = _ours(store.case_findings(case.id))
        assert stored.finding.rule_title.startswith(OLD)
        assert stored.finding.rulebook.version == "2026.5" and stored.changes == []
        actions = [e.action for e in store.audit_entries(f"case:{case.id}")]
        assert "finding.updated" not in actions and "finding.changed" not in actions


def test_show_and_findings_say_the_title_now(upgraded: tuple[Path, Path]) -> None:
    config, db = upgraded
    run = CliRunner()
    shown = run.invoke(cli, ["show", "1", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    finding, history = " ".join(shown.output.split()).split(" History ", 1)
    assert NOW in finding and "partner outside the EU" not in finding
    assert OLD in history  # the history says what was said then
    as_json = run.invoke(cli, ["show", "1", "--json", "--config", str(config)])
    findings_json = json.dumps(json.loads(as_json.stdout)["findings"])
    assert NOW in findings_json and OLD not in findings_json
    assert OLD in json.dumps(json.loads(as_json.stdout)["history"])
    listed = run.invoke(cli, ["findings", "--json", "--config", str(config)])
    assert listed.exit_code == 0, listed.output
    (row,) = [
        r for r in map(json.loads, listed.stdout.splitlines()) if r["rule"] == f"eu-dual-use/{RULE}"
    ]
    assert row["title"].startswith(NOW)
    report = config.parent / "report.md"
    written = run.invoke(cli, ["report", "--out", str(report), "--config", str(config)])
    assert written.exit_code == 0, written.output
    assert NOW in report.read_text(encoding="utf-8")
    _stored_as_found(db)


def test_the_case_page_and_the_export_say_the_title_now(upgraded: tuple[Path, Path]) -> None:
    config, db = upgraded
    titles = config_rule_titles(load_config(config))
    with Store.open(db) as store:
        store.add_user("adviser", "adviser", PASSWORD_HASH, actor="test")
    client = app_for(db, rule_titles=titles)
    assert login(client, "adviser").status_code in (200, 303)
    page = client.get("/cases/1")
    assert page.status_code == 200, page.text
    finding, history = page.text.split('id="h-history"', 1)
    assert NOW in finding and "partner outside the EU" not in finding
    assert OLD in history  # the history says what was said then
    with Store.open(db) as store:
        rows = tables(store, [1], rule_titles=titles)["findings"].rows
        said = [str(cell) for row in rows for cell in row]
        assert any(cell.startswith(NOW) for cell in said)
        assert not any(cell.startswith(OLD) for cell in said)
    _stored_as_found(db)


def test_an_alert_queued_before_is_sent_under_the_title_now(upgraded: tuple[Path, Path]) -> None:
    config, db = upgraded
    titles = config_rule_titles(load_config(config))
    with Store.open(db) as store:
        (case,) = store.cases()
        stored = _ours(store.case_findings(case.id))
    channel = Kept()
    # the finding of 2026.5 queued before the upgrade, sent after it
    with Store.open(db.parent / "alerts.db") as store:
        store.record_finding(stored.finding, channels=["kept"])
        report = deliver_due(store, {"kept": channel}, rule_titles=titles)
        assert len(report.delivered) == 1
        (queued,) = store.alerts("delivered")
    (alert,) = channel.sent
    assert alert.title.startswith(f"[medium] {NOW}")
    assert alert.items[0].heading.startswith(NOW)
    # the outbox keeps the alert as it was queued
    assert OLD in json.dumps(queued.payload) and NOW not in json.dumps(queued.payload)


def test_titles_are_read_without_repeating_the_rulebooks_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`show` and `findings` read the rulebooks for their titles: a warning of the site's own
    rulebook (an amount with no currency) is `config check`'s and the scan's to say, not said
    again by every `show`."""
    own = tmp_path / "own.yaml"
    own.write_text(
        HEADER
        + rule_yaml("big", "'any f in project.funders: f.amount >= 1000000'", "project.created"),
        encoding="utf-8",
    )
    config = tmp_path / "kvrules.yaml"
    config.write_text(f"home_country: NL\nrulebooks: [{own}]\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        titles = config_rule_titles(load_config(config))
    assert titles == {"t/big": RuleTitle("big", "big")}
    assert not [r for r in caplog.records if "names no currency" in r.getMessage()]
