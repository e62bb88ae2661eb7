"""The case page shows the RIS's status on its own line, not beside the project period as if
it were the project's state (a reviewer: "2024-01-01 to 2025-12-31 · Validiert")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login


def test_the_status_is_labelled_as_the_ris_status_apart_from_the_period(db: Path) -> None:
    ev = event("p-1", "Harbin Institute of Technology", "CN", with_match=True)
    ev.project.start, ev.project.end = date(2024, 1, 1), date(2025, 12, 31)
    ev.project.status = "Validiert"
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    assert "<dt>Period</dt><dd>2024-01-01 – 2025-12-31</dd>" in page
    assert "<dt>Status in the RIS</dt><dd>Validiert</dd>" in page
