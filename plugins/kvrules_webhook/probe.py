"""``kvrules config check --connect`` for the webhook channel: open a verified TLS connection
to the receiver without posting (receivers accept only alerts, and a test alert would be one)."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit


def probe(url: str, timeout: float, ca_bundle: Path | None = None) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with socket.create_connection((host, port), timeout=timeout) as raw:
        if parts.scheme != "https":
            return f"{host}:{port} accepted a connection (plain http)"
        context = ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return (
                f"{host}:{port} accepted a TLS connection ({tls.version()}, certificate verified)"
            )
