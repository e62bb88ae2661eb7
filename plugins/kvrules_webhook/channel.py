"""The webhook channel: a signed JSON POST per alert."""

from __future__ import annotations

import ipaddress
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, Field, model_validator

from kvrules import Alert, AlertChannel, DeliveryError
from kvrules_webhook.payloads import STYLES
from kvrules_webhook.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

RETRYABLE = {408, 425, 429}


class WebhookConfig(BaseModel):
    """Where and how to POST. Secrets come from the environment or a file, never inline."""

    url: str | None = Field(default=None, description="receiver URL (https; http only to loopback)")
    url_env: str | None = Field(
        default=None, description="env var holding the URL (Slack/Teams URLs are secrets)"
    )
    style: Literal["generic", "teams", "slack"] = "generic"
    secret_env: str | None = Field(default=None, description="env var with the HMAC secret")
    secret_file: Path | None = Field(default=None, description="file with the HMAC secret")
    case_base_url: str | None = Field(default=None, description="case links: {base}/cases/{id}")
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    ca_bundle: Path | None = Field(
        default=None, description="extra CA bundle; TLS verification itself cannot be turned off"
    )

    @model_validator(mode="after")
    def _one_url(self) -> WebhookConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("set exactly one of url, url_env")
        return self


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class WebhookChannel(AlertChannel):
    name = "webhook"
    Config = WebhookConfig
    config: WebhookConfig

    def __init__(self, config: WebhookConfig, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(config)
        self._clock = clock
        self._session = requests.Session()
        self._url = self._resolve_url()
        self._secret = self._resolve_secret()

    def _resolve_url(self) -> str:
        cfg = self.config
        url = cfg.url if cfg.url is not None else os.environ.get(cfg.url_env or "", "")
        if not url:
            raise ValueError(f"webhook URL: environment variable {cfg.url_env} is not set")
        parts = urlsplit(url)
        # The payload names partners and findings: plain HTTP only where it cannot leave the host.
        if parts.scheme != "https" and not (
            parts.scheme == "http" and _is_loopback(parts.hostname)
        ):
            raise ValueError("webhook URL must use https (http is allowed only to loopback)")
        return url

    def _resolve_secret(self) -> str | None:
        cfg = self.config
        if cfg.secret_file is not None:
            return cfg.secret_file.read_text().strip()
        if cfg.secret_env is not None:
            secret = os.environ.get(cfg.secret_env)
            if not secret:
                raise ValueError(
                    f"webhook secret: environment variable {cfg.secret_env} is not set"
                )
            return secret
        return None

    def secrets(self) -> list[str]:
        parts = urlsplit(self._url)
        # Slack/Teams embed their credential in the path or query; errors must not echo it.
        return [s for s in (self._secret, self._url, parts.path, parts.query) if s and s != "/"]

    def body(self, alert: Alert) -> bytes:
        payload = STYLES[self.config.style](alert, self.config.case_base_url)
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def send(self, alert: Alert) -> None:
        body = self.body(alert)
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "kvrules-webhook/1",
            "Idempotency-Key": alert.key,
            TIMESTAMP_HEADER: str(timestamp),
        }
        if self._secret:
            headers[SIGNATURE_HEADER] = sign(self._secret, timestamp, body)
        try:
            response = self._session.post(
                self._url,
                data=body,
                headers=headers,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
                verify=str(self.config.ca_bundle) if self.config.ca_bundle else True,
                allow_redirects=False,  # never carry a signed payload to an address not configured
            )
        except requests.RequestException as exc:
            raise DeliveryError(self.scrub(f"{type(exc).__name__}: {exc}")) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        excerpt = self.scrub(response.text[:200])
        retry = status >= 500 or status in RETRYABLE
        raise DeliveryError(f"HTTP {status} from webhook: {excerpt}", permanent=not retry)

    def close(self) -> None:
        self._session.close()
