"""Risk types in the committee app: labels from old findings are escaped, and the portfolio
counts open cases per risk type without loading every case's findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.store import Store
from kvrules.web import portfolio
from tests.web.web_helpers import app_for, case_id, event, finding, login

RETIRED = "<b>retired-risk</b>"  # an id no rule names any more, as an old finding may carry


def _with_retired_risk(db: Path) -> int:
    with Store.open(db) as store:
        ev = event("p-9", "Example Old University", "CN", with_match=True)
        store.record_subject(ev)
        store.record_findings([finding("p-9", risks=(RETIRED, "ethics"))], {})
    return case_id(db, "p-9")


def test_an_unknown_risk_id_from_an_old_finding_is_shown_escaped(db: Path) -> None:
    case = _with_retired_risk(db)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case}").text
    assert '<span class="chip">&lt;b&gt;retired-risk&lt;/b&gt;</span>' in page
    assert '<span class="chip">Ethical issues in cooperation</span>' in page
    assert RETIRED not in page
    report = client.get("/report").text
    assert "1 ethical issues in cooperation; 1 no risk type named; " in report
    assert "1 &lt;b&gt;retired-risk&lt;/b&gt;" in report and RETIRED not in report


def test_the_portfolio_reads_risk_types_without_loading_each_case(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_retired_risk(db)

    def per_case(self: Store, case_id: int) -> list:
        raise AssertionError("one query per open case: use the store's case_risks()")

    monkeypatch.setattr(Store, "case_findings", per_case)
    with Store.open(db) as store:
        p = portfolio.build(store)
    assert p.open_by_risk == {
        "knowledge-transfer": 1,
        "ethics": 1,
        RETIRED: 1,
        "no risk type named": 1,
    }
