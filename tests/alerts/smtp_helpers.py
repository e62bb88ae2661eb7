"""A real SMTP server (aiosmtpd) on 127.0.0.1, optionally with STARTTLS and AUTH."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway server certificate for 127.0.0.1 / localhost: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kvrules test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class MailSink:
    """aiosmtpd handler and authenticator in one; collects every accepted message."""

    users: dict[str, str] = field(default_factory=dict)
    mails: list[Mail] = field(default_factory=list)
    auth_attempts: list[str] = field(default_factory=list)
    # Called with each accepted message before the server answers "250": a test can kill the
    # sender right there, between its send and its bookkeeping.
    on_message: Callable[[Mail], None] | None = None
    rcpt_reply: str | None = None  # an answer to every RCPT TO instead of accepting it

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        login = session.auth_data if session.authenticated else None  # set by __call__ below
        mail = Mail(
            envelope.mail_from, list(envelope.rcpt_tos), message, session.ssl is not None, login
        )  # type: ignore[arg-type]
        self.mails.append(mail)
        if self.on_message is not None:
            self.on_message(mail)
        return "250 Message accepted for delivery"

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.auth_attempts.append(login)
        return AuthResult(success=self.users.get(login) == password, handled=False, auth_data=login)


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx
