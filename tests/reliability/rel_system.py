"""A running system on 127.0.0.1 for end-to-end reliability tests: Pure simulator (optionally
with fault injection), an SMTP server with AUTH, a webhook receiver, and a config file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result
from kvrules_pure.simulator import Faults, SimulatorHandle, start_simulator

from kvrules.cli import cli
from tests.alerts.smtp_helpers import MailSink, free_port
from tests.pipeline.pipeline_helpers import WebhookSink, start_webhook_sink, write_config

ROUTES = ("committee", "adviser", "export-control")
SMTP_USER = "kvrules-alerts"


@dataclass
class Rig:
    sim: SimulatorHandle
    mail: MailSink
    hooks: WebhookSink
    workdir: Path
    config: Path
    database: Path

    def scan(self, *args: str, config: Path | None = None) -> Result:
        return CliRunner().invoke(
            cli, ["scan", "--config", str(config or self.config), "--json", *args]
        )

    def summary(self, *args: str) -> dict:
        result = self.scan(*args)
        assert result.exit_code == 0, result.output + str(result.exception)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def write_config(self, name: str, **changes: object) -> Path:
        data = yaml.safe_load(self.config.read_text("utf-8"))
        for dotted, value in changes.items():
            node = data
            *parents, last = dotted.split("__")
            for key in parents:
                node = node[key]
            node[last] = value
        path = self.workdir / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path


@contextmanager
def running_system(
    workdir: Path,
    *,
    api_key: str,
    projects: int = 60,
    seed: int = 11,
    faults: Faults | None = None,
    smtp_users: dict[str, str] | None = None,
    smtp_password_env: str | None = None,
    pure_settings: dict | None = None,
) -> Iterator[Rig]:
    workdir.mkdir(parents=True, exist_ok=True)
    stops: list = []
    try:
        sim = start_simulator(projects=projects, seed=seed, api_key=api_key, faults=faults)
        stops.append(sim.stop)
        mail = MailSink(users=dict(smtp_users or {}))
        extra = {"authenticator": mail, "auth_require_tls": False} if smtp_users else {}
        controller = Controller(mail, hostname="127.0.0.1", port=free_port(), **extra)
        controller.start()
        stops.append(controller.stop)
        hooks, server = start_webhook_sink()
        stops += [server.server_close, server.shutdown]
        extra_mail = (
            {"username": SMTP_USER, "password_env": smtp_password_env} if smtp_password_env else {}
        )
        path = write_config(
            workdir,
            base_url=sim.base_url,
            api_key=api_key,
            smtp_port=controller.port,
            webhook_url=hooks.url,
            mail_settings=extra_mail,
            pure_settings=pure_settings,
        )
        yield Rig(sim, mail, hooks, workdir, path, workdir / "kvrules.db")
    finally:
        for stop in reversed(stops):
            stop()
