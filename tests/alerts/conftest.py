"""A real HTTP receiver on 127.0.0.1 that records requests and deduplicates by idempotency key."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# The store fixtures (clock, db_path, store) are shared with the store tests.
from tests.store.conftest import clock, db_path, store  # noqa: F401


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # next responses; 200 once exhausted
    redirect_to: str | None = None
    retry_after: str | None = None  # sent with every answer that is not a 2xx
    processed: dict[str, bytes] = field(default_factory=dict)  # key -> body, first one wins

    @property
    def keys(self) -> list[str]:
        return [r.headers["Idempotency-Key"] for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            if state.redirect_to:
                self.send_response(302)
                self.send_header("Location", state.redirect_to)
            else:
                self.send_response(status)
            if status < 300 and not state.redirect_to:
                # What a well-behaved receiver does: act once per idempotency key.
                state.processed.setdefault(self.headers["Idempotency-Key"], body)
            reply = b'{"ok": true}' if status < 300 else b"receiver unhappy"
            if status >= 300 and state.retry_after is not None:
                self.send_header("Retry-After", state.retry_after)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/kvrules"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: object
    cert: Path | None = None


def _smtp_server(tmp_path: Path, starttls: bool) -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    from tests.alerts.smtp_helpers import MailSink, free_port, self_signed_cert, server_tls_context

    sink = MailSink(users={"ks-alerts": "Corr3ct-Horse-PASSWORD-4711"})
    kwargs: dict = {}
    cert = None
    if starttls:
        cert, key = self_signed_cert(tmp_path)
        kwargs = dict(
            tls_context=server_tls_context(cert, key),
            require_starttls=True,
            authenticator=sink,
            auth_require_tls=True,
        )
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, sink, cert)
    finally:
        controller.stop()


@pytest.fixture
def smtp_plain(tmp_path: Path) -> Iterator[SmtpServer]:
    yield from _smtp_server(tmp_path, starttls=False)


@pytest.fixture
def smtp_tls(tmp_path: Path) -> Iterator[SmtpServer]:
    yield from _smtp_server(tmp_path, starttls=True)
