"""Units are named one after another with the separator partners have: a unit's name holds
commas ("Department of Physics, Chemistry and Biology"), so "Department of Physics, Chemistry
and Biology, Faculty of Science" read as three units where there were two. Every place a
person reads units (``kvrules show``, the case page and list, the export, the report, the
e-mails and webhooks) lists them through ``RecordLabel.unit_list`` / ``records.name_list``."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_email.render import render
from kvrules_webhook.payloads import _record_facts

from kvrules.alerting import Alert
from kvrules.cli import cli
from kvrules.records import Remembered, describe
from kvrules.report import markdown_report
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, finding, login

UNITS = ["Department of Physics, Chemistry and Biology", "Faculty of Science"]
LISTED = "Department of Physics, Chemistry and Biology; Faculty of Science"


@pytest.fixture
def two_units(db: Path) -> Path:
    """p-1 of the web database, remembered with two units, one with a comma in its name."""
    ev = event("p-1", "Najing Univ. of Aeronautics & Astronautics", "CN", with_match=True)
    assert ev.project is not None
    ev.project.units = list(UNITS)
    ev.project.partners.append(
        ev.project.partners[0].model_copy(update={"name": "TUM", "country": "DE"})
    )
    with Store.open(db) as store:
        store.record_subject(ev)
    return db


def test_a_label_lists_units_with_semicolons() -> None:
    label = describe(
        Remembered({"project": {"title": "T", "units": UNITS}}, "project"), "pure", "p"
    )
    assert label.unit_list() == LISTED
    assert str(label) == f"T — {LISTED}"


def test_show_and_the_report_list_units_with_semicolons(two_units: Path) -> None:
    shown = CliRunner().invoke(cli, ["show", f"case:{case_id(two_units)}", "--db", str(two_units)])
    assert shown.exit_code == 0, shown.output
    assert f"unit: {LISTED}" in " ".join(shown.output.split())
    with Store.open(two_units) as store:
        assert f"- Unit: {LISTED}" in markdown_report(store)


def test_the_case_page_the_list_and_the_export_list_units_with_semicolons(
    two_units: Path,
) -> None:
    client = app_for(two_units)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(two_units)}").text
    assert re.search(r"<dt>Units</dt><dd>" + re.escape(LISTED) + "</dd>", page)
    assert LISTED in client.get("/cases").text
    rows = list(csv.DictReader(io.StringIO(client.get("/cases.csv?table=cases").text)))
    (row,) = [r for r in rows if r["record id"] == "p-1"]
    assert row["units"] == LISTED
    # every list-valued column of the export has the same separator
    assert row["countries"] == "CN; DE"


def test_e_mails_and_webhooks_list_units_with_semicolons(two_units: Path) -> None:
    with Store.open(two_units) as store:
        subject = store.subject("pure", "p-1")
    alert = Alert.for_finding(
        finding("p-1"), key="k", case_id=1, created_at=datetime(2026, 3, 2, tzinfo=UTC)
    )
    alert = alert.model_copy(update={"items": [i.named(subject, None) for i in alert.items]})
    text, html = render(alert, None)
    assert f"Unit:      {LISTED}" in text
    assert f"<td>{LISTED}</td>" in html
    assert ("Unit", LISTED) in _record_facts(alert.items[0])
