"""The re-screen of a sent pre-screen's case finds what `check` found (reviewer's defect,
upgrading from 2c1c373: a pre-screen case already Red got a "new" Amber finding,
nl-leidraad/triage-amber, and an adviser e-mail on its first re-screen; `check` on the same
proposal gives no Amber). Both triage rules fire where red does; the pre-screen shows one
colour and sends those findings, and a re-screen recorded the amber it had left out."""

from __future__ import annotations

from pathlib import Path

from kvrules.assembly import config_enricher, config_evaluator
from kvrules.config import Config
from kvrules.pipeline import Scanner, ScanReport
from kvrules.plugins import get_adapters
from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_prescreen import BEIHANG, prescreen_id, submit
from tests.web.web_helpers import app_for, login, token

ROUTES = {"committee": ["mail"], "adviser": ["mail"]}


def test_a_red_pre_screen_case_gets_no_new_amber_on_its_re_screen(
    tmp_path: Path, db: Path, screener: Screener
) -> None:
    officer = app_for(db, screener=screener, routes=ROUTES)
    assert login(officer, "grant-officer").status_code in (200, 303)
    pid = prescreen_id(submit(officer, BEIHANG))
    t = token(officer.get(f"/prescreen/{pid}").text)
    officer.post(f"/prescreen/{pid}/send", data={"csrf_token": t})
    with Store.open(db) as store:
        case_id = store.prescreen(pid).case_id
        sent = sorted(s.finding.rule_id for s in store.case_findings(case_id))
        alerts = [a.id for a in store.alerts("pending") if a.case_id == case_id]
        recorded = len(store.audit_entries(f"case:{case_id}"))
    assert "triage-red" in sent and "triage-amber" not in sent  # one colour, as `check` says

    config = Config(reference_data=tmp_path / "refdata.sqlite")
    adapter_cls = get_adapters()["file"]
    (tmp_path / "exports").mkdir()
    adapter = adapter_cls(adapter_cls.Config(path=tmp_path / "exports"))
    with Store.open(db) as store, config_evaluator(config) as evaluator:
        enricher = config_enricher(config)
        enricher.screen.suppressed = store.match_suppressed  # as a scan's assembly does
        report = ScanReport("file")
        scanner = Scanner(store, "file", adapter, evaluator, enricher, routes=ROUTES)
        assert scanner.rescreen(everything=True, report=report) >= 1
        again = sorted(s.finding.rule_id for s in store.case_findings(case_id))
        assert again == sent, again
        # nothing new on the case: no finding recorded, no alert queued for the adviser
        assert len(store.audit_entries(f"case:{case_id}")) == recorded, [
            (e.action, e.details) for e in store.audit_entries(f"case:{case_id}")[recorded:]
        ]
        assert [a.id for a in store.alerts("pending") if a.case_id == case_id] == alerts
