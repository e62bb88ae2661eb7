"""Issue #14 (1, 5, 10, 12): the webhook channel against a hostile receiver on 127.0.0.1, and
``kvrules config check`` warning about plain http allowed off loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest
from click.testing import CliRunner
from kvrules_email import EmailChannel, EmailConfig
from kvrules_webhook import WebhookChannel, WebhookConfig

from kvrules import Alert, DeliveryError
from kvrules.cli import cli
from kvrules.testing.hostile import Drip, Giant, HostileServer, Json, Redirect
from tests.store.store_helpers import T0, make_finding

SECRET = "kvr-HOOK-SECRET-31c9"


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def _alert() -> Alert:
    return Alert.for_finding(make_finding(), key="fp1.hook", case_id=3, created_at=T0)


def _channel(url: str, tmp_path: Path, **kw: object) -> WebhookChannel:
    secret = tmp_path / "hook.secret"
    secret.write_text(SECRET)
    return WebhookChannel(WebhookConfig(url=url, secret_file=secret, **kw))  # type: ignore[arg-type]


def test_webhook_refuses_a_redirect_naming_where_it_pointed(
    hostile: HostileServer, tmp_path: Path
) -> None:
    with HostileServer() as elsewhere:
        elsewhere.script("/", Json({}))
        hostile.script("/hook", Redirect(elsewhere.url("/hook", host="localhost"), status=307))
        with pytest.raises(DeliveryError) as exc:
            _channel(hostile.url("/hook"), tmp_path).send(_alert())
        assert elsewhere.requests == []
    assert f"redirect to http://localhost:{elsewhere.port} refused" in str(exc.value)
    assert exc.value.permanent  # re-sending would meet the same redirect


def test_webhook_post_has_a_total_deadline(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.script("/hook", Drip(b'{"ok": true}' + b" " * 40, every=0.3))
    channel = _channel(hostile.url("/hook"), tmp_path, request_deadline=1.0)
    with pytest.raises(DeliveryError, match="total deadline of 1 s passed") as exc:
        channel.send(_alert())
    assert not exc.value.permanent  # the outbox tries again later
    assert hostile.wait_for_hangup("/hook")


def test_webhook_reads_a_bounded_answer(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.script("/hook", Giant(4 * 1024 * 1024, declare_length=False))
    channel = _channel(hostile.url("/hook"), tmp_path, max_response_bytes=64 * 1024)
    with pytest.raises(DeliveryError, match="response body larger than 65536 bytes"):
        channel.send(_alert())


class DripSmtp:
    """A TCP server on 127.0.0.1 dripping an SMTP greeting, a byte every 0.3 s (about 20 s),
    each byte well within smtplib's read timeout."""

    GREETING = b"220-kvrules drip\r\n" * 4

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.hung_up, self._stop = threading.Event(), threading.Event()
        threading.Thread(target=self._serve, name="drip-smtp", daemon=True).start()

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:  # closed before anyone connected
            return
        with conn:
            for i in range(len(self.GREETING)):
                try:
                    conn.sendall(self.GREETING[i : i + 1])
                except OSError:  # the client gave up
                    self.hung_up.set()
                    return
                if self._stop.wait(0.3):
                    return

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()


def test_smtp_delivery_has_a_total_deadline() -> None:
    with DripSmtp() as smtp:
        config = EmailConfig(
            host="127.0.0.1",
            port=smtp.port,
            security="none",
            sender="kvrules@uni.example",
            to=["committee@uni.example"],
            request_deadline=1.0,
        )
        with pytest.raises(DeliveryError, match="total deadline of 1 s passed") as exc:
            EmailChannel(config).send(_alert())
        assert not exc.value.permanent  # the outbox tries again later
        assert smtp.hung_up.wait(10)  # cut off by the watchdog, not read to the end


def test_plain_http_webhook_off_loopback_only_when_allowed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        _channel("http://hooks.example.org/x", tmp_path)
    _channel("http://hooks.example.org/x", tmp_path, allow_insecure_http=True)


def test_config_check_warns_about_allow_insecure_http(tmp_path: Path) -> None:
    key = tmp_path / "pure.key"
    key.write_text("pure-key-k")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"""\
database: {tmp_path / "k.db"}
sources:
  pure:
    adapter: pure
    settings:
      base_url: http://pure.example.edu/ws/api
      api_key_file: {key}
      allow_insecure_http: true
alerts:
  channels:
    hook:
      plugin: webhook
      settings: {{url: "http://hooks.example.org/x", allow_insecure_http: true}}
  routes: {{committee: [hook], adviser: [hook], export-control: [hook]}}
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if "allow_insecure_http" in ln]
    assert len(warnings) == 2
    assert "sources.pure: allow_insecure_http is on" in warnings[0]
    assert "alerts.channels.hook: allow_insecure_http is on" in warnings[1]
