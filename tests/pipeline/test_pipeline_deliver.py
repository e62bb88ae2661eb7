"""`kvrules deliver`: alerts that could not go out are sent later without a scan, once each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from tests.alerts.smtp_helpers import free_port
from tests.pipeline.pipeline_helpers import System
from tests.pipeline.test_pipeline_scan import scan

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py


def _mail_port(system: System, port: int, **alerts: object) -> None:
    config = yaml.safe_load(system.config.read_text(encoding="utf-8"))
    config["alerts"]["channels"]["mail"]["settings"]["port"] = port
    config["alerts"].update(alerts)
    system.config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def deliver(system: System, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["deliver", "--config", str(system.config), "--json", *args])
    return result.exit_code, json.loads(result.stdout.strip().splitlines()[-1])


def test_mail_held_by_an_outage_goes_out_once_when_asked(system: System) -> None:
    real = int(
        yaml.safe_load(system.config.read_text())["alerts"]["channels"]["mail"]["settings"]["port"]
    )
    _mail_port(system, free_port())  # nothing listens there: the mail server is "down"
    summary = scan(system)
    assert summary["alerts_failed"] > 0 and system.mail_keys() == []
    waiting = summary["alerts_failed"] + summary["alerts_held"]

    _mail_port(system, real)  # the mail server is back
    code, early = deliver(system)
    assert (code, early["delivered"]) == (0, 0)  # they wait out their retry delay…
    code, now = deliver(system, "--now")  # …unless the operator says otherwise
    assert (code, now["expedited"], now["delivered"], now["retrying"]) == (0, waiting, waiting, 0)
    assert len(system.mail_keys()) == waiting == len(set(system.mail_keys()))
    assert deliver(system, "--now")[1]["delivered"] == 0  # nothing twice

    with system.store() as store:
        [entry] = [e for e in store.audit_entries("alerts") if e.action == "alerts.expedited"]
        assert len(entry.details["keys"]) == waiting and entry.actor.startswith("cli")


def test_a_dead_lettered_alert_is_requeued_by_id(system: System) -> None:
    # A mail server that is down is an outage: retried, never dead-lettered. A permanent
    # refusal is: a channel with no recipient for the route.
    original = system.config.read_text(encoding="utf-8")
    config = yaml.safe_load(original)
    config["alerts"]["channels"]["mail"]["settings"].update(to=[], routes={})
    system.config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    scan(system)
    with system.store() as store:
        dead = [a for a in store.alerts("dead") if a.channel == "mail"]
    assert dead and system.mail_keys() == []

    system.config.write_text(original, encoding="utf-8")
    code, summary = deliver(system, "--requeue", str(dead[0].id))
    assert (code, summary["requeued"], summary["delivered"]) == (0, 1, 1)
    assert system.mail_keys() == [dead[0].key]
    failed = CliRunner().invoke(
        cli, ["deliver", "--config", str(system.config), "--requeue", str(dead[0].id)]
    )
    assert failed.exit_code != 0 and f"alert {dead[0].id} is not dead-lettered" in failed.output


def test_deliver_sends_everything_due_not_only_the_first_batch(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """deliver_due works in batches (500); after a long outage more than one batch waits."""
    import kvrules.alerts

    real = int(
        yaml.safe_load(system.config.read_text())["alerts"]["channels"]["mail"]["settings"]["port"]
    )
    _mail_port(system, free_port())
    summary = scan(system)
    waiting = summary["alerts_failed"] + summary["alerts_held"]
    assert waiting > 2
    _mail_port(system, real)
    batch = kvrules.alerts.deliver_due
    monkeypatch.setattr(
        kvrules.alerts, "deliver_due", lambda *a, **kw: batch(*a, **{**kw, "limit": 2})
    )
    code, summary = deliver(system, "--now")
    assert (code, summary["delivered"], summary["retrying"]) == (0, waiting, 0)
    assert len(system.mail_keys()) == waiting


def test_deliver_never_creates_a_database(system: System, tmp_path: Path) -> None:
    """A mistyped --db must not leave an empty database behind and report 'nothing to send'."""
    missing = tmp_path / "typo" / "kvrules.db"
    result = CliRunner().invoke(
        cli, ["deliver", "--config", str(system.config), "--db", str(missing)]
    )
    assert result.exit_code != 0 and f"no folder {missing.parent}" in result.output
    assert not missing.parent.exists()
    missing = tmp_path / "kvrules-typo.db"  # a folder that exists: deliver never starts one
    result = CliRunner().invoke(
        cli, ["deliver", "--config", str(system.config), "--db", str(missing)]
    )
    assert result.exit_code != 0 and "no kvrules database" in result.output
    assert not missing.exists()


def test_requeueing_an_alert_that_does_not_exist_says_so(system: System) -> None:
    scan(system)
    with system.store() as store:
        missing = max(a.id for a in store.alerts()) + 1000
    result = CliRunner().invoke(
        cli, ["deliver", "--config", str(system.config), "--requeue", str(missing)]
    )
    assert result.exit_code == 2, result.output
    assert f"alert {missing} does not exist" in result.stderr
    assert "not dead-lettered" not in result.stderr


def test_the_scan_summary_tells_failed_messages_from_held_ones(system: System) -> None:
    """With the mail server down, a few messages are tried and fail; the rest are held, not
    tried (the channel kept failing): the summary says so, not that every one failed."""
    from kvrules.alerts import FAILURES_BEFORE_HOLD

    _mail_port(system, free_port())
    result = CliRunner().invoke(cli, ["scan", "--config", str(system.config)])
    assert result.exit_code == 0, result.output
    with system.store() as store:
        tried = [a for a in store.alerts("pending") if a.channel == "mail" and a.attempts]
    messages = len(set(system.hooks.keys))  # the webhook got one message per case and route
    held = messages - FAILURES_BEFORE_HOLD
    assert held > 0 and len(tried) >= FAILURES_BEFORE_HOLD
    assert f"{FAILURES_BEFORE_HOLD} failed, {held} held" in result.stdout
