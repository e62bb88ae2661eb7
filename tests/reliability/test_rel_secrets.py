"""Secrets never leak: the Pure API key, the SMTP password (from the environment) and the
webhook signing secret are recognisable strings; a real scan with a failing SMTP login and a
401 from the simulator must not show them in logs (DEBUG), error messages, `--json` output,
`kvrules alerts`/`findings`/`audit` output, the audit log, or the database bytes (incl. -wal)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.pipeline.pipeline_helpers import HMAC_SECRET
from tests.reliability.rel_system import SMTP_USER, running_system

PURE_KEY = "kvr-PURE-APIKEY-5d1e9c7b-NEVER-LOG"
WRONG_KEY = "kvr-WRONG-APIKEY-0a4f2e61-NEVER-LOG"
SMTP_PASSWORD = "kvr-SMTP-PASSWORD-8c2d4b19-NEVER-LOG"
SECRETS = (PURE_KEY, WRONG_KEY, SMTP_PASSWORD, HMAC_SECRET)


def _leaks(blob: bytes | str, where: str) -> list[str]:
    data = blob.encode("utf-8", "replace") if isinstance(blob, str) else blob
    found = []
    for secret in SECRETS:
        for form in {secret, secret.encode().hex(), secret[8:24]}:  # also hex, or a fragment
            if form.encode() in data:
                found.append(f"{secret!r} in {where}")
    return found


def test_no_secret_in_logs_errors_output_audit_or_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("KVRULES_REL_SMTP_PASSWORD", SMTP_PASSWORD)
    seen: list[tuple[str, bytes | str]] = []
    with running_system(
        tmp_path / "run",
        api_key=PURE_KEY,
        projects=60,
        smtp_users={SMTP_USER: "a-different-password"},  # the login fails
        smtp_password_env="KVRULES_REL_SMTP_PASSWORD",
    ) as rig:
        # 1. A scan with the right key: SMTP login fails, the webhook delivers.
        ok = rig.scan()
        assert ok.exit_code == 0, ok.output
        summary = json.loads(ok.stdout.strip().splitlines()[-1])
        assert summary["records"] == 60 and summary["alerts_failed"] > 0
        assert rig.mail.auth_attempts and not rig.mail.mails  # a real, refused AUTH
        assert rig.hooks.posts
        seen += [("scan stdout", ok.stdout), ("scan stderr", ok.stderr)]

        # 2. A wrong API key: the simulator answers 401.
        (rig.workdir / "wrong-key").write_text(WRONG_KEY, encoding="utf-8")
        bad = rig.write_config(
            "bad.yaml", sources__pure__settings__api_key_file=str(rig.workdir / "wrong-key")
        )
        denied = rig.scan("--full", config=bad)
        assert denied.exit_code != 0
        assert any(r.status == 401 for r in rig.sim.requests)
        message = f"{denied.output}\n{denied.exception!r}\n{denied.exception}"
        assert "401" in message or "unauthor" in message.lower() or "denied" in message.lower()
        seen += [("401 output + exception", message)]

        # 3. What an operator sees afterwards.
        runner = CliRunner()
        for args in (
            ["alerts", "--db", str(rig.database), "--json", "--status", "all"],
            ["findings", "--db", str(rig.database), "--json", "--status", "all"],
            ["audit", "verify", "--db", str(rig.database)],
            ["config", "check", str(rig.config)],
        ):
            shown = runner.invoke(cli, args)
            seen.append((" ".join(args[:2]), shown.output + repr(shown.exception)))
        # The audit log itself, entry by entry.
        from kvrules.store import Store

        with Store.open(rig.database) as store:
            outbox_errors = [a.last_error or "" for a in store.alerts()]
            assert any("auth" in e.lower() or "535" in e for e in outbox_errors), outbox_errors
            audit = "\n".join(repr(e) for e in store.audit_entries())
            seen += [("outbox errors", "\n".join(outbox_errors)), ("audit log", audit)]
            # The database bytes while it is open (WAL and shared memory still present) ...
            for f in sorted(rig.workdir.glob("kvrules.db*")):
                seen.append((f.name + " (open)", f.read_bytes()))
        for f in sorted(rig.workdir.glob("kvrules.db*")):  # ... and after closing
            seen.append((f.name, f.read_bytes()))
        seen.append(("simulator request log", repr(rig.sim.requests[-50:])))

    seen.append(("logs at DEBUG", caplog.text))
    seen.append(("log records", "\n".join(repr(r.__dict__) for r in caplog.records)))
    assert caplog.records, "the scan logged nothing at DEBUG: the log check would be empty"
    leaks = [leak for where, blob in seen for leak in _leaks(blob, where)]
    assert leaks == []
