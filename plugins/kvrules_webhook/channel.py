"""The webhook channel: a signed JSON POST per alert."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, model_validator

from kvrules import (
    Alert,
    AlertChannel,
    DeliveryError,
    SecretMissing,
    is_transient,
    masked_setting,
    read_secret,
    secret_file_setting,
)
from kvrules.http import (
    InsecureUrl,
    check_url,
    make_session,
    retry_after_seconds,
    send,
    tls_verify,
)
from kvrules_webhook.payloads import STYLES
from kvrules_webhook.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

if TYPE_CHECKING:
    import requests

RETRYABLE = {408, 425, 429}
# "Try later" answers: the receiver or the proxy before it is down or busy for now. An alert is
# held through such an outage (as through a refused connection), never dead-lettered for it; a
# 500 is the receiver failing on this alert, retried for the policy's attempts only.
TRY_LATER = {408, 425, 429, 502, 503, 504}


class WebhookConfig(BaseModel):
    """Where and how to POST. Secrets come from the environment or a file, never inline."""

    # A Slack or Teams URL holds its token in its path: masked wherever settings are shown
    url: str | None = masked_setting("receiver URL (https; http only to loopback)")
    url_env: str | None = Field(
        default=None, description="env var holding the URL (Slack/Teams URLs are secrets)"
    )
    style: Literal["generic", "teams", "slack"] = "generic"
    secret_env: str | None = Field(
        default=None, description="env var with the HMAC secret (wins over secret_file)"
    )
    secret_file: Path | None = secret_file_setting("file with the HMAC secret")
    case_base_url: str | None = Field(default=None, description="case links: {base}/cases/{id}")
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    request_deadline: float = Field(
        default=60.0, gt=0, description="seconds for one POST in total, answer included"
    )
    max_response_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="largest answer body read from the receiver"
    )
    allow_insecure_http: bool = Field(
        default=False,
        description="allow a plain http:// URL to a host that is not loopback "
        "(alerts then travel unencrypted; `kvrules config check` warns)",
    )
    ca_bundle: Path | None = Field(
        default=None, description="extra CA bundle; TLS verification itself cannot be turned off"
    )

    @model_validator(mode="after")
    def _one_url(self) -> WebhookConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("set exactly one of url, url_env")
        return self


class WebhookChannel(AlertChannel):
    name = "webhook"
    Config = WebhookConfig
    config: WebhookConfig

    def __init__(self, config: WebhookConfig, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(config)
        self._clock = clock
        # No retries here: the outbox retries with its own policy. kvrules.http refuses
        # redirects (a signed payload goes to the configured address only), bounds the whole
        # POST by a deadline and the answer by a size.
        self._session = make_session(0, pool_maxsize=1, verify=tls_verify(config.ca_bundle))
        self._url = self._resolve_url()
        self._secret = self._resolve_secret()
        # How a receiver that cannot be reached is named: host and port, never the path or
        # query (Slack and Teams put their credential there).
        parts = urlsplit(self._url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self._server = f"the webhook receiver at {parts.hostname}:{port}"

    def _resolve_url(self) -> str:
        cfg = self.config
        url = cfg.url if cfg.url is not None else os.environ.get(cfg.url_env or "", "")
        if not url:
            raise ValueError(f"webhook URL: environment variable {cfg.url_env} is not set")
        # The payload names partners and findings: plain HTTP only where it cannot leave the host.
        try:
            check_url(url, allow_insecure_http=cfg.allow_insecure_http)
        except InsecureUrl as exc:
            raise ValueError(f"webhook URL: {exc}") from None
        return url

    def _resolve_secret(self) -> str | None:
        cfg = self.config
        try:  # the environment first, then the file: as every kvrules secret
            return read_secret("webhook secret", env=cfg.secret_env, file=cfg.secret_file)
        except SecretMissing as exc:
            raise ValueError(str(exc)) from None

    def probe(self) -> str:
        """A verified TLS connection to the receiver (host and port only); nothing is posted."""
        from kvrules_webhook.probe import probe

        return probe(self._url, self.config.connect_timeout, self.config.ca_bundle)

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
            response = self._post(body, headers)
        except DeliveryError as exc:
            if not exc.permanent and is_transient(exc.not_reached):
                exc.transient = True  # down (refused, no connection): held while it lasts
            raise
        status = response.status_code
        if 200 <= status < 300:
            return
        excerpt = self.scrub(response.text[:200])
        retry = status >= 500 or status in RETRYABLE
        raise DeliveryError(
            f"HTTP {status} from webhook: {excerpt}",
            permanent=not retry,
            transient=status in TRY_LATER,
            # A receiver throttling us (429) or down for maintenance (503) says when to come
            # back: the outbox waits that long (capped), not its own 1 min, 2 min, ...
            retry_after=retry_after_seconds(response.headers.get("Retry-After")) if retry else None,
        )

    def _post(self, body: bytes, headers: dict[str, str]) -> requests.Response:
        return send(
            self._session,
            "POST",
            self._url,
            path="webhook",  # the URL's path may be the credential (Slack, Teams)
            timeout=(self.config.connect_timeout, self.config.read_timeout),
            error=self._error,
            deadline=self.config.request_deadline,
            max_body=self.config.max_response_bytes,
            data=body,
            headers=headers,
            server=self._server,
        )

    def _error(self, method: str, path: str, status: int | None, detail: str) -> DeliveryError:
        """A failed POST: a redirect is permanent (never followed); anything else is retried."""
        if status is None:  # no answer: an unreachable receiver is named by host and port
            said = detail if detail.startswith(self._server) else f"webhook: {detail}"
            return DeliveryError(self.scrub(said))
        redirect = 300 <= status < 400
        return DeliveryError(
            self.scrub(f"HTTP {status} from webhook: {detail}"), permanent=redirect
        )

    def close(self) -> None:
        self._session.close()
