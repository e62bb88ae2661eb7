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
from tests.pipeline.pipeline_helpers import HMAC_SECRET, WebhookSink, start_webhook_sink

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
        (workdir / "pure-api-key").write_text(api_key + "\n", encoding="utf-8")
        (workdir / "webhook-secret").write_text(HMAC_SECRET + "\n", encoding="utf-8")
        mail_settings: dict = {
            "host": "127.0.0.1",
            "port": controller.port,
            "security": "none",
            "sender": "kvrules@university.localhost",
            "to": ["research-security@university.localhost"],
            "timeout": 10,
        }
        if smtp_password_env:
            mail_settings |= {"username": SMTP_USER, "password_env": smtp_password_env}
        config = {
            "database": "kvrules.db",
            "sources": {
                "pure": {
                    "adapter": "pure",
                    "settings": {
                        "base_url": sim.base_url,
                        "api_key_file": str(workdir / "pure-api-key"),
                        "page_size": 500,
                        "retries": 2,
                        **(pure_settings or {}),
                    },
                }
            },
            "alerts": {
                "channels": {
                    "mail": {"plugin": "email", "settings": mail_settings},
                    "hook": {
                        "plugin": "webhook",
                        "settings": {
                            "url": hooks.url,
                            "secret_file": str(workdir / "webhook-secret"),
                            "read_timeout": 10,
                        },
                    },
                },
                "routes": {route: ["mail", "hook"] for route in ROUTES},
            },
            "writeback": {"apply": False},
        }
        path = workdir / "kvrules.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        yield Rig(sim, mail, hooks, workdir, path, workdir / "kvrules.db")
    finally:
        for stop in reversed(stops):
            stop()
