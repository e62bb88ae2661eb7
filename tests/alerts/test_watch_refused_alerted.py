"""A running `watch` tells, once, that it runs on old settings: on its line and by mail.

Left from the last session: a configuration edited into one that does not validate was said
on `watch`'s line before every scan, a refused rulebook once, and neither reached anyone but
the service's stdout. Now both are said once and mailed once to the route a source outage
alerts (here admin). Driven in-process: the file adapter, a real SMTP server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import watch_refusals
from kvrules.cli import cli
from kvrules.store.db import StoreBusy
from tests.alerts.conftest import SmtpServer
from tests.conftest import HEADER, file_source_site, mail_alerts, rule_yaml

TITLED = rule_yaml("titled", "project.title exists", on="project.created")


def _config(tmp_path: Path, smtp: SmtpServer) -> tuple[Path, Path]:
    alerts = mail_alerts(smtp.host, smtp.port, "admin", "ops@uni.example")
    return file_source_site(tmp_path, ["P1"], TITLED, alerts)


def _watch(config: Path, times: int) -> list[str]:
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", str(times), "--interval", "1s"]
    )
    assert res.exit_code == 0, res.output
    return res.stdout.splitlines()


def _mails(smtp: SmtpServer) -> list[tuple[str, str]]:
    return [
        (m.message["Subject"], m.message.get_body(("plain",)).get_content())
        for m in smtp.sink.mails  # type: ignore[attr-defined]
    ]


def test_a_refused_configuration_is_said_once_and_alerted_once_until_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_plain: SmtpServer
) -> None:
    config, _ = _config(tmp_path, smtp_plain)
    good = config.read_text(encoding="utf-8")
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:  # a typo: a setting that does not exist, on line 17
            config.write_text(good + "interval_: 5m\n", encoding="utf-8")
        elif len(pauses) == 4:  # fixed
            config.write_text(good + "interval: 5m\n", encoding="utf-8")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    lines = _watch(config, 6)
    refused = [line for line in lines if "still running" in line]
    assert len(refused) == 1, lines  # it was said before each of the 3 scans until fixed
    assert re.search(
        r"kvrules\.yaml:17:1: interval_: unknown setting 'interval_'; still running with the "
        r"configuration read at \d\d:\d\d; admin alerted$",
        refused[0],
    ), refused[0]
    assert sum(" records in " in line for line in lines) == 6, lines
    assert any(line.endswith("configuration read again (kvrules.yaml changed)") for line in lines)
    (mail,) = _mails(smtp_plain)  # once, not once a scan
    subject, body = mail
    assert subject.startswith(
        "[high] kvrules watch: a change to its configuration was not taken; it runs with the "
        "configuration read at "
    ), subject
    assert "interval_: unknown setting 'interval_'" in body, body
    assert "goes on scanning with the configuration read at" in body, body


def test_a_refused_rulebook_is_alerted_once_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_plain: SmtpServer
) -> None:
    config, book = _config(tmp_path, smtp_plain)
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:  # a half-edited rulebook: YAML that does not parse
            book.write_text(HEADER + TITLED + "  - id: [unclosed\n", encoding="utf-8")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    lines = _watch(config, 4)
    refused = [line for line in lines if "not taken" in line]
    assert len(refused) == 1, lines
    assert refused[0].endswith("; admin alerted"), refused[0]
    (mail,) = _mails(smtp_plain)
    subject, body = mail
    assert subject.startswith(
        "[high] kvrules watch: a change to its rulebooks was not taken; it runs with the rulebooks "
        "compiled at "
    ), subject
    assert "rb.yaml:" in body, body


def test_a_refusal_whose_alert_could_not_be_queued_is_alerted_at_the_next_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_plain: SmtpServer
) -> None:
    """Reviewer: the refusal was recorded as told before its alert was queued; the state
    database busy at that moment (StoreBusy, raised here once where the store would), it was
    never alerted."""
    config, _ = _config(tmp_path, smtp_plain)
    good = config.read_text(encoding="utf-8")
    queue, attempts = watch_refusals.queue_refusal, []

    def busy_once(*args: object, **kwargs: object) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise StoreBusy("the state database is busy (another kvrules is writing)")
        return queue(*args, **kwargs)  # type: ignore[arg-type]

    def between_scans(seconds: float) -> None:
        if not attempts:
            config.write_text(good + "interval_: 5m\n", encoding="utf-8")

    monkeypatch.setattr(watch_refusals, "queue_refusal", busy_once)
    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    lines = _watch(config, 4)
    said = [line for line in lines if "still running" in line]
    assert len(said) == 2, lines
    assert "nobody alerted yet: the state database is busy" in said[0], said[0]
    assert said[1].endswith("; admin alerted"), said[1]
    assert len(attempts) == 2, lines  # tried again once, then told
    (mail,) = _mails(smtp_plain)
    assert "interval_: unknown setting 'interval_'" in mail[1]


def test_a_configuration_edited_while_a_rulebook_is_refused_is_taken_once_it_compiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_plain: SmtpServer
) -> None:
    """Reviewer: break the rulebook, set ``interval: 7m``, fix the rulebook: the rulebook was
    compiled again and the interval never taken; and the rulebook and the configuration were
    both refused and alerted for one broken rulebook."""
    config, book = _config(tmp_path, smtp_plain)
    good = config.read_text(encoding="utf-8")
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:  # a half-edited rulebook
            book.write_text(HEADER + TITLED + "  - id: [unclosed\n", encoding="utf-8")
        elif len(pauses) == 2:  # a valid configuration change meanwhile
            config.write_text(good + "interval: 7m\n", encoding="utf-8")
        elif len(pauses) == 3:  # the rulebook fixed
            book.write_text(HEADER + TITLED, encoding="utf-8")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    res = CliRunner().invoke(cli, ["watch", "--config", str(config), "--times", "5"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert pauses[3] > 400, (pauses, lines)  # 7 minutes, less the scan: taken
    assert any(line.endswith("configuration read again (kvrules.yaml changed)") for line in lines)
    assert not [line for line in lines if "still running with the configuration" in line], lines
    (mail,) = _mails(smtp_plain)  # the rulebook's, once
    assert "a change to its rulebooks was not taken" in mail[0], mail
