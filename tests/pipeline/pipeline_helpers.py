"""The running system on 127.0.0.1: Pure simulator, SMTP server, webhook receiver, config file."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
import yaml
from aiosmtpd.controller import Controller
from kvrules_pure.config import KS_URI
from kvrules_pure.simulator import SimulatorHandle, start_simulator
from kvrules_pure.writeback import current_uris
from kvrules_webhook.signing import SIGNATURE_HEADER, verify_signature

from kvrules.store import Store
from tests.alerts.smtp_helpers import MailSink, free_port

API_KEY = "pipeline-test-api-key"
HMAC_SECRET = "pipeline-test-hmac-secret"
ROUTES = ("committee", "adviser", "export-control")
RISK_GROUP = "knowledgeSecurityRisk"


@dataclass
class Post:
    key: str
    body: bytes
    signed: bool


@dataclass
class WebhookSink:
    """A real HTTP receiver: records every POST, checks its HMAC signature."""

    url: str = ""
    posts: list[Post] = field(default_factory=list)
    aborted: int = 0  # requests cut off by a killed sender (not acted on)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_post: Callable[[Post], None] | None = None  # called before answering "200"

    @property
    def keys(self) -> list[str]:
        with self.lock:
            return [p.key for p in self.posts]


def start_webhook_sink() -> tuple[WebhookSink, ThreadingHTTPServer]:
    sink = WebhookSink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-request: nothing was received
                with sink.lock:
                    sink.aborted += 1
                return
            signed = verify_signature(HMAC_SECRET, self.headers.get(SIGNATURE_HEADER, ""), body)
            post = Post(self.headers.get("Idempotency-Key", ""), body, signed)
            with sink.lock:
                sink.posts.append(post)
            if sink.on_post is not None:
                sink.on_post(post)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a sender killed mid-request resets the connection; that is expected

    server = Server(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/kvrules"
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    return sink, server


@dataclass
class System:
    """Everything a scan talks to, plus the config file that points at it."""

    sim: SimulatorHandle
    mail: MailSink
    hooks: WebhookSink
    config: Path
    database: Path
    _stop: list = field(default_factory=list)

    # -- what the receivers saw ----------------------------------------------------------
    def mail_keys(self) -> list[str]:
        return [str(m.message["X-Kvrules-Idempotency-Key"]) for m in list(self.mail.mails)]

    def message_ids(self) -> dict[str, set[str]]:
        ids: dict[str, set[str]] = {}
        for m in list(self.mail.mails):
            key = str(m.message["X-Kvrules-Idempotency-Key"])
            ids.setdefault(key, set()).add(str(m.message["Message-ID"]))
        return ids

    def methods(self) -> Counter:
        return Counter(r.method for r in self.sim.requests)

    def puts(self) -> list[str]:
        return [r.path for r in self.sim.requests if r.method == "PUT"]

    # -- the simulator's projects --------------------------------------------------------
    def project_uuids(self) -> list[str]:
        projects = self.sim.store.collection("projects")
        return [projects.source.uuid_at(i) for i in range(len(projects))]

    def risk_uris(self) -> dict[str, list[str]]:
        """Risk classification URIs per project, read from the simulator's store."""
        out = {}
        for uuid in self.project_uuids():
            rec = self.sim.store.get("projects", uuid)
            out[uuid] = sorted(current_uris(rec, RISK_GROUP)) if rec else []
        return out

    def get_project(self, uuid: str) -> dict:
        """A project as the Pure API serves it (a real GET)."""
        response = requests.get(
            f"{self.sim.base_url}/projects/{uuid}", headers=self.sim.headers, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def store(self) -> Store:
        return Store.open(self.database)

    def stop(self) -> None:
        for stop in reversed(self._stop):
            stop()


def start_system(
    workdir: Path,
    *,
    projects: int = 60,
    seed: int = 11,
    page_size: int = 500,
    pure_settings: dict | None = None,
) -> System:
    workdir.mkdir(parents=True, exist_ok=True)
    stops: list = []
    try:
        # The stress portfolio: these scenarios need many findings and tags on few projects.
        sim = start_simulator(projects=projects, seed=seed, api_key=API_KEY, portfolio="stress")
        stops.append(sim.stop)
        mail = MailSink()
        controller = Controller(mail, hostname="127.0.0.1", port=free_port())
        controller.start()
        stops.append(controller.stop)
        hooks, server = start_webhook_sink()
        stops.append(server.server_close)
        stops.append(server.shutdown)
    except BaseException:
        for stop in reversed(stops):
            stop()
        raise
    path = write_config(
        workdir,
        base_url=sim.base_url,
        api_key=API_KEY,
        smtp_port=controller.port,
        webhook_url=hooks.url,
        pure_settings={"page_size": page_size, **(pure_settings or {})},
    )
    return System(sim, mail, hooks, path, workdir / "kvrules.db", stops)


def write_config(
    workdir: Path,
    *,
    base_url: str,
    api_key: str,
    smtp_port: int,
    webhook_url: str,
    mail_settings: dict | None = None,
    pure_settings: dict | None = None,
) -> Path:
    """kvrules.yaml for a scan of the simulator, alerting by mail and webhook on every route.

    The API key and the webhook secret go to files beside it, never into the config.
    """
    (workdir / "pure-api-key").write_text(api_key + "\n", encoding="utf-8")
    (workdir / "webhook-secret").write_text(HMAC_SECRET + "\n", encoding="utf-8")
    mail = {
        "host": "127.0.0.1",
        "port": smtp_port,
        "security": "none",
        "sender": "kvrules@university.localhost",
        "to": ["research-security@university.localhost"],
        "timeout": 10,
        **(mail_settings or {}),
    }
    hook = {"url": webhook_url, "secret_file": str(workdir / "webhook-secret"), "read_timeout": 10}
    config = {
        "database": "kvrules.db",
        "sources": {
            "pure": {
                "adapter": "pure",
                "settings": {
                    "base_url": base_url,
                    "api_key_file": str(workdir / "pure-api-key"),
                    "page_size": 500,
                    "retries": 2,
                    **(pure_settings or {}),
                },
            }
        },
        "alerts": {
            "channels": {
                "mail": {"plugin": "email", "settings": mail},
                "hook": {"plugin": "webhook", "settings": hook},
            },
            "routes": {route: ["mail", "hook"] for route in ROUTES},
        },
        "writeback": {"apply": False},
        # the simulated portfolio's projects ended years back as often as not: these tests
        # are about alerts, hand-over and write-back, so every risky project opens its case
        # (a long-ended one's quiet: tests/test_ended_projects.py)
        "ended_projects_quiet_after": None,
    }
    path = workdir / "kvrules.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def level_uri(severity: str) -> str:
    """The Pure risk classification a case of this severity gets (info→low, critical→high)."""
    return KS_URI + {"info": "low", "critical": "high"}.get(severity, severity)
