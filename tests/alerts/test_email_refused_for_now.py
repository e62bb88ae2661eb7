"""A mail server refusing every recipient with a 4xx ("mailbox busy", greylisting) says "try
later", not "wrong address": the alert is held and retried as through any mail outage, never
dead-lettered at once as a 5xx refusal is. (SMTP has no Retry-After: the outbox's backoff
applies.) Real parts: the e-mail channel against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import pytest

from kvrules import DeliveryError
from tests.alerts.conftest import SmtpServer
from tests.alerts.test_email_channel import _alert, _plain


@pytest.mark.parametrize(
    ("reply", "later"),
    [
        ("450 4.2.1 mailbox busy, try again later", True),
        ("451 4.7.1 greylisted", True),
        ("550 5.1.1 no such user", False),
    ],
)
def test_a_recipient_refused_for_now_is_held_not_dead_lettered(
    smtp_plain: SmtpServer, reply: str, later: bool
) -> None:
    smtp_plain.sink.rcpt_reply = reply  # type: ignore[attr-defined]
    with pytest.raises(DeliveryError) as exc:
        _plain(smtp_plain).send(_alert())
    assert exc.value.permanent is not later  # before: permanent (dead-lettered) for a 4xx too
    assert exc.value.transient is later
    assert smtp_plain.sink.mails == []  # type: ignore[attr-defined]
