"""kvrules alert channel: e-mail over SMTP (STARTTLS by default), text + HTML.

Built only on kvrules' public API, like any third-party plugin. The Message-ID is derived from
the alert's idempotency key, so a re-send after a crash is the same message to mail systems.
"""

from __future__ import annotations

from kvrules import hookimpl
from kvrules_email.channel import EmailChannel, EmailConfig, message_id

__all__ = ["EmailChannel", "EmailConfig", "message_id"]


@hookimpl
def register_alert_channels(register):
    register(EmailChannel)
