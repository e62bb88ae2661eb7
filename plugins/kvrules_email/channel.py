"""The e-mail channel: one multipart (text + HTML) message per alert over SMTP."""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
from collections.abc import Iterator
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from kvrules import (
    Alert,
    AlertChannel,
    DeliveryError,
    SecretMissing,
    is_transient,
    read_secret,
    secret_file_setting,
    unreachable,
)
from kvrules.http import Deadline, is_loopback
from kvrules_email.render import render

NO_STARTTLS = (
    "the SMTP server at {where} does not offer STARTTLS: use its TLS port with `security: tls`, "
    "or, for a relay on this machine, `security: none`"
)


class EmailConfig(BaseModel):
    """SMTP settings. The password comes from an env var or a file, never from this config."""

    host: str
    port: int = 587
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="'none' is accepted only for a loopback relay"
    )
    username: str | None = None
    password_env: str | None = None
    password_file: Path | None = secret_file_setting(
        "file holding the SMTP password (read when password_env's variable is not set)"
    )
    sender: str
    to: list[str] = Field(default_factory=list, description="recipients of every route")
    routes: dict[str, list[str]] = Field(
        default_factory=dict, description="recipients per alert route, overriding `to`"
    )
    case_base_url: str | None = None
    ca_file: Path | None = Field(default=None, description="extra CA for the SMTP server")
    timeout: float = 30.0
    request_deadline: float = Field(
        default=120.0,
        gt=0,
        description="seconds for one message in total: connect, TLS, login and sending "
        "(`timeout` bounds each read; a server dripping its replies never trips it)",
    )
    message_id_domain: str | None = Field(
        default=None, description="right-hand side of Message-IDs; default: the sender's domain"
    )

    @model_validator(mode="after")
    def _check(self) -> EmailConfig:
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError("security 'none' (plain SMTP) is allowed only to a loopback host")
        if self.username and not (self.password_env or self.password_file):
            raise ValueError("username set: give password_env or password_file")
        return self


def message_id(key: str, domain: str) -> str:
    """Stable per idempotency key: a re-sent alert is recognisably the same message."""
    return f"<kvrules.{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


class _SubjectPolicy(EmailPolicy):
    """``email.policy.SMTP``, but a non-ASCII Subject is encoded whole by ``email.header``.

    The policy's own folder (Python 3.11) mangles subjects that mix words and encoded words
    once folded: "(+1 more) — Réseau …" was read as "(+1 more)— Réseau" (the space before
    the dash dropped, as clients decode it), "de détection" as "dedétection", and some folds
    split an encoded word in two. The record title and rule title make such subjects daily.
    Encoded whole (``Header``: encoded words of at most 75 characters, folded between
    them), a subject reads back exactly as it was written in every decoder."""

    def _subject(self, name: str, value: str) -> str | None:
        if name.lower() != "subject" or str(value).isascii():
            return None  # ASCII folds without encoded words: nothing to mangle
        words = Header(str(value), "utf-8", header_name=name)
        encoded = words.encode(linesep=self.linesep, maxlinelen=self.max_line_length)
        return f"{name}: {encoded}{self.linesep}"

    def fold(self, name: str, value: str) -> str:
        return self._subject(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        folded = self._subject(name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


SMTP_POLICY = _SubjectPolicy() + SMTP  # SMTP's settings (CRLF), this class's folding


def _header(text: str) -> str:
    return " ".join(text.split())  # no CR/LF: header values come partly from rulebook text


class EmailChannel(AlertChannel):
    name = "email"
    Config = EmailConfig
    config: EmailConfig

    def _password(self) -> str | None:
        cfg = self.config
        try:  # the environment first, then the file: as every kvrules secret
            return read_secret("SMTP password", env=cfg.password_env, file=cfg.password_file)
        except SecretMissing as exc:
            raise DeliveryError(str(exc)) from None

    def secrets(self) -> list[str]:
        try:
            password = self._password()
        except (OSError, DeliveryError):
            return []
        return [password] if password else []

    def recipients(self, alert: Alert) -> list[str]:
        return self.config.routes.get(alert.route) or self.config.to

    def build(self, alert: Alert) -> EmailMessage:
        cfg = self.config
        recipients = self.recipients(alert)
        if not recipients:
            raise DeliveryError(f"no recipients for route {alert.route!r}", permanent=True)
        text, html = render(alert, cfg.case_base_url)
        domain = cfg.message_id_domain or cfg.sender.rpartition("@")[2] or "kvrules.invalid"
        msg = EmailMessage(policy=SMTP_POLICY)
        msg["From"] = cfg.sender
        msg["To"] = ", ".join(recipients)
        msg["Subject"] = _header(alert.title)
        msg["Date"] = format_datetime(alert.created_at)
        msg["Message-ID"] = message_id(alert.key, domain)
        msg["X-Kvrules-Idempotency-Key"] = _header(alert.key)
        msg["X-Kvrules-Severity"] = alert.severity.value
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to alerts
        if alert.possible_repeat:  # same Message-ID as the first attempt, which may have arrived
            msg["X-Kvrules-Possible-Repeat"] = "yes"
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        return msg

    def _context(self) -> ssl.SSLContext:
        cafile = str(self.config.ca_file) if self.config.ca_file else None
        return ssl.create_default_context(cafile=cafile)  # verifies chain and host name

    def send(self, alert: Alert) -> None:
        cfg = self.config
        msg = self.build(alert)
        deadline = Deadline(cfg.request_deadline)
        try:
            with deadline:
                self._send(msg, alert, deadline)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            # 5xx: the address is wrong (dead-lettered now); 4xx only: "not now" (a full
            # mailbox, greylisting): held and retried as any try-later answer.
            later = _refused_for_now(exc)
            raise DeliveryError(
                self.scrub(f"{type(exc).__name__}: {exc}"), permanent=not later, transient=later
            ) from None
        except (OSError, smtplib.SMTPException) as exc:  # network, TLS and SMTP errors: retry
            if deadline.expired:  # the watchdog cut the connection
                late = f"total deadline of {cfg.request_deadline:g} s passed (request_deadline)"
                raise DeliveryError(f"SMTP {cfg.host}: {late}", transient=True) from None
            raise DeliveryError(
                self.scrub(self._in_words(exc)), transient=_try_later(exc)
            ) from None

    def _in_words(self, exc: OSError | smtplib.SMTPException) -> str:
        """What went wrong with the mail server, as the person fixing it needs it said."""
        server = f"the mail server at {self.config.host}:{self.config.port}"
        return unreachable(exc, server) or f"{server}: {type(exc).__name__}: {exc}"

    def _send(self, msg: EmailMessage, alert: Alert, deadline: Deadline) -> None:
        cfg = self.config
        with self._session(deadline) as smtp:
            smtp.send_message(msg, from_addr=cfg.sender, to_addrs=self.recipients(alert))

    @contextlib.contextmanager
    def _session(self, deadline: Deadline) -> Iterator[smtplib.SMTP]:
        """Connected, TLS negotiated as configured, logged in: as every send starts."""
        cfg = self.config
        # Built unconnected and attached first: the greeting is read inside connect().
        if cfg.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(timeout=cfg.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(timeout=cfg.timeout)
        smtp._host = cfg.host  # as SMTP(host) sets it: TLS checks the certificate against it
        deadline.attach(smtp)
        try:
            smtp.connect(cfg.host, cfg.port)
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):  # say what to change, once, not per alert
                    raise DeliveryError(NO_STARTTLS.format(where=f"{cfg.host}:{cfg.port}"))
                smtp.starttls(context=self._context())  # verifies chain and host name
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, self._password() or "")
            yield smtp
        except BaseException:
            # No QUIT after a failure or a stop (smtplib's ``with`` sends one): its answer may be
            # the reply to the interrupted DATA ("250 OK"), which smtplib then raises in place
            # of the stop — a SIGTERM mid-send was swallowed and the sent mail marked failed,
            # then sent again (operations review, 2026-12-07).
            smtp.close()
            raise
        else:
            # The message was accepted: a goodbye that fails changes nothing about it.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
            smtp.close()

    def probe(self) -> str:
        """Connect, negotiate TLS and log in as a send would, then quit without sending."""
        cfg = self.config
        deadline = Deadline(cfg.request_deadline)
        try:
            with deadline, self._session(deadline) as smtp:
                code, _ = smtp.noop()
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                self.scrub(f"SMTP {cfg.host}:{cfg.port}: {exc}"), transient=_try_later(exc)
            ) from None
        tls = {"tls": "TLS", "starttls": "STARTTLS", "none": "no TLS (loopback)"}[cfg.security]
        login = ", logged in" if cfg.username else ""
        return f"SMTP {cfg.host}:{cfg.port} answered {code} ({tls}{login}); nothing was sent"


def _refused_for_now(exc: smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused) -> bool:
    """Every refusal a 4xx (SMTP's "try again later"; it has no Retry-After to honour)."""
    if isinstance(exc, smtplib.SMTPSenderRefused):
        codes = [exc.smtp_code]
    else:
        codes = [code for code, _ in exc.recipients.values()]
    return bool(codes) and all(400 <= code < 500 for code in codes)


def _try_later(exc: OSError | smtplib.SMTPException) -> bool:
    """The mail server is down, unreachable or said "try again later" (a 4xx reply, a dropped
    connection): retried for as long as that lasts, never dead-lettered for it."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return is_transient(exc)
