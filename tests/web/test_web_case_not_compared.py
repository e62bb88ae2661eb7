"""The case page says which awards no threshold compared, in the sentence the scan's report
(and `check`, `evaluate`, the pre-screens) says: "Not compared: no threshold for GBP …". Before,
the page said nothing of it (it has no rulebooks to hand): a committee member reading the case
of a GBP 3,000,000 award from a funder in a signalled country saw a medium finding and no word
that the sizeable-award rule never compared the amount. The scan keeps the sentence with the
record; a pre-screen sent to the committee keeps its own."""

from __future__ import annotations

import html
import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.scan_helpers import file_export_config, json_report, project_event, scanned
from tests.web.test_web_not_compared import GBP
from tests.web.test_web_prescreen import prescreen_id, submit
from tests.web.web_helpers import app_for, login, scanned_case, token

FUNDER = {"name": "Example Industrial Group", "country": "CN", "amount": 3000000,
          "currency": "GBP"}  # fmt: skip


def _said(client, case: int) -> str | None:
    page = html.unescape(client.get(f"/cases/{case}").text)
    if 'id="not-compared">' not in page:
        return None
    return " ".join(page.split('id="not-compared">', 1)[1].split("</p>", 1)[0].split())


def test_the_case_page_of_a_scanned_record_says_it(tmp_path: Path, db: Path) -> None:
    event = project_event("P1", title="Battery recycling", funders=[FUNDER])
    config = file_export_config(tmp_path, event, reference_data=False)
    assert Path(db) == tmp_path / "kvrules.db"  # the scan's database is the web app's
    report = scanned(config).stdout
    assert GBP in " ".join(report.split())  # the scan says it
    with Store.open(db) as store:
        case = store.case_for("file", "P1")
        assert case is not None
        rules = {s.finding.rule_id for s in store.case_findings(case.id)}
    assert "funder-country-of-concern" in rules  # a case, but the amount was never compared
    client = app_for(db)
    assert login(client, "adviser").status_code in (200, 303)
    assert _said(client, case.id) == GBP
    shown = CliRunner().invoke(cli, ["show", str(case.id), "--config", str(config), "--json"])
    assert json.loads(shown.stdout)["not_compared"] == GBP  # `kvrules show` says it too
    # The institution adds GBP thresholds: the next scan screens the remembered record anew
    # (nothing refetched), compares the award, and the page no longer says it
    with config.open("a", encoding="utf-8") as text:
        text.write(
            "rulebook_vars: {funding-dependency: {large_award: {add: {GBP: 860000}},"
            " sizeable_award: {add: {GBP: 215000}}}}\n"
        )
    assert json_report(scanned(config, "--json"))["rescreened"] >= 1
    with Store.open(db) as store:
        rules = {s.finding.rule_id for s in store.case_findings(case.id)}
    assert "large-funding-country-of-concern" in rules
    assert _said(client, case.id) is None


def test_a_case_whose_awards_were_all_compared_says_nothing(tmp_path: Path, db: Path) -> None:
    event = project_event("P1", title="Battery recycling", funders=[{**FUNDER, "currency": "EUR"}])
    client, case_id = scanned_case(tmp_path, db, event)
    assert _said(client, case_id) is None


def test_the_case_of_a_sent_pre_screen_says_it(db: Path, screener: Screener) -> None:
    officer = app_for(db, screener=screener)
    assert login(officer, "grant-officer").status_code in (200, 303)
    fields = {"topic": "battery recycling", "funder0_name": FUNDER["name"],
              "funder0_country": "CN", "funder0_amount": "3000000", "funder0_currency": "GBP"}  # fmt: skip
    pid = prescreen_id(submit(officer, fields))
    t = token(officer.get(f"/prescreen/{pid}").text)
    officer.post(f"/prescreen/{pid}/send", data={"csrf_token": t})
    with Store.open(db) as store:
        case = store.prescreen(pid).case_id
    adviser = app_for(db)
    assert login(adviser, "adviser").status_code in (200, 303)
    assert _said(adviser, case) == GBP
