"""``kvrules config check --connect`` for the e-mail channel: reach the SMTP server, negotiate
TLS and log in as a send would, then quit without sending anything."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable

from kvrules import DeliveryError

NO_STARTTLS_HINT = (
    "the server at {where} does not offer STARTTLS; use its TLS port with `security: tls`, "
    "or, for a relay on this machine, `security: none`"
)


def open_smtp(
    host: str,
    port: int,
    security: str,
    timeout: float,
    context: Callable[[], ssl.SSLContext],
) -> smtplib.SMTP:
    """A connected SMTP session after EHLO and, with ``starttls``, after the TLS upgrade; a
    server without STARTTLS is refused with a hint instead of smtplib's bare error."""
    if security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if security == "starttls":
            if not smtp.has_extn("starttls"):
                raise DeliveryError(NO_STARTTLS_HINT.format(where=f"{host}:{port}"), permanent=True)
            smtp.starttls(context=context())  # verifies the chain and the host name
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def probe(
    host: str,
    port: int,
    security: str,
    timeout: float,
    context: Callable[[], ssl.SSLContext],
    login: Callable[[smtplib.SMTP], None],
) -> str:
    """What answered: host, banner, TLS and login state."""
    smtp = open_smtp(host, port, security, timeout, context)
    with smtp:
        login(smtp)
        code, _ = smtp.noop()
        tls = {"tls": "TLS", "starttls": "STARTTLS", "none": "no TLS (loopback)"}[security]
        return f"{host}:{port} answered {code} ({tls}, {'logged in' if smtp.does_esmtp else 'ok'})"
