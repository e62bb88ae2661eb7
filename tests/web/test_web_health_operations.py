"""``/healthz`` tells a monitor what it needs about operations, counts and times only: each
source's last scan, the alert outbox's backlog, and ``degraded`` when a source has not been read
within the expected interval (`watch` stopped) or alerts have stayed undeliverable too long (the
mail server down). Before, it answered ``{"status": "ok", "schema": 19}`` with 35 alerts held
and after `watch` had stopped (operations review, 2026-12-07).

Real parts: `kvrules scan` run on a file source with mail alerts to a port nothing listens on
(every delivery refused), then the web app reading the same database. Time is the health
check's clock set ahead, never slept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.config import load_config
from kvrules.web import health
from tests.alerts.smtp_helpers import free_port
from tests.conftest import committee_mail_config
from tests.web.web_helpers import app_for

LIMITS = (timedelta(hours=1), timedelta(hours=2))  # source overdue after, alerts stuck after


@pytest.fixture
def scanned(tmp_path: Path) -> Path:
    """A site scanned once, its two alerts held: the mail server refuses every connection."""
    config = committee_mail_config(tmp_path, "127.0.0.1", free_port())
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code in (0, 2), result.output
    return tmp_path / "state.db"


def _health(db: Path, monkeypatch: pytest.MonkeyPatch, later: timedelta) -> dict:
    now = datetime.now(UTC) + later
    monkeypatch.setattr(health, "utcnow", lambda: now)
    answer = app_for(db, sources=("f",), health_limits=LIMITS).get("/healthz")
    assert answer.status_code == 200  # the web pages still work: degraded, not unavailable
    return answer.json()


def test_right_after_a_scan_it_is_ok_and_says_the_scan_and_the_backlog(
    scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _health(scanned, monkeypatch, timedelta(0))
    assert body["status"] == "ok" and body["problems"] == []
    assert body["sources"]["f"]["last_scan_outcome"] == "ok"
    assert body["sources"]["f"]["last_read_at"] == body["sources"]["f"]["last_scan_at"]
    assert body["alerts"]["pending"] >= 1 and body["alerts"]["dead"] == 0
    assert body["alerts"]["oldest_pending_age_seconds"] >= 0


def test_alerts_held_too_long_and_no_scan_since_make_it_degraded(
    scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _health(scanned, monkeypatch, timedelta(hours=3))  # `watch` stopped, mail still down
    assert body["status"] == "degraded"
    said = " | ".join(body["problems"])
    assert "source 'f' not read since" in said and "expected within 1 h 0 min" in said
    assert "alerts undelivered for 3 h" in said
    assert body["alerts"]["oldest_pending_age_seconds"] >= 3 * 3600


def test_a_source_never_scanned_is_said(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = _health(db, monkeypatch, timedelta(0))
    assert body["status"] == "degraded"
    assert body["problems"] == [
        "source 'f' not read ever (expected within 1 h 0 min: is `kvrules watch` running, "
        "is the source up?)"
    ]


def test_a_failed_scan_is_its_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "kvrules.yaml"  # Pure where nothing listens: every scan fails
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'ref.db'}\n"
        "sources: {f: {adapter: pure, settings: "
        f'{{base_url: "http://127.0.0.1:{free_port()}/ws/api", retries: 0}}}}}}\n',
        encoding="utf-8",
    )
    runner = CliRunner(env={"KVRULES_PURE_API_KEY": "health-test-key"})
    result = runner.invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 1, result.output
    body = _health(tmp_path / "state.db", monkeypatch, timedelta(0))
    assert body["sources"]["f"]["last_scan_outcome"] == "failed"
    assert body["sources"]["f"]["last_read_at"] is None
    assert body["status"] == "degraded" and "source 'f' not read ever" in body["problems"][0]


def test_the_answer_holds_counts_and_times_only(
    scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = json.dumps(_health(scanned, monkeypatch, timedelta(hours=3)))
    for private in ("P1", "P2", "Acme", "committee@uni.example", str(scanned.parent)):
        assert private not in text


def test_the_limits_come_from_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "kvrules.yaml"
    path.write_text("interval: 20m\n")
    assert load_config(path).health_limits() == (timedelta(minutes=60), timedelta(hours=1))
    path.write_text("health: {scan_overdue_after: 2h, alerts_undelivered_after: 30m}\n")
    assert load_config(path).health_limits() == (timedelta(hours=2), timedelta(minutes=30))
