"""kvrules alert channel: signed JSON webhooks (generic, Microsoft Teams, Slack).

Built only on kvrules' public API, like any third-party plugin. Receivers check
``X-Kvrules-Signature`` with ``kvrules_webhook.verify_signature`` and drop repeats of the
``Idempotency-Key`` header (a crash between send and mark re-sends with the same key).
"""

from __future__ import annotations

from kvrules import hookimpl
from kvrules_webhook.channel import WebhookChannel, WebhookConfig
from kvrules_webhook.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify_signature

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookChannel",
    "WebhookConfig",
    "sign",
    "verify_signature",
]


@hookimpl
def register_alert_channels(register):
    register(WebhookChannel)
