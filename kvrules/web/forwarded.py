"""Behind a TLS-terminating reverse proxy: trust its ``X-Forwarded-Proto``/``-For`` (only from
the addresses ``forwarded_allow_ips`` names, with uvicorn's own middleware) and mark the
session cookie ``Secure`` on every request that reached the proxy over https.

Without the setting the headers are ignored (anyone could send them), and the cookie is
``Secure`` as ``secure_cookies`` says (yes unless the app listens on loopback only).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

PEER = "kvrules.peer"  # the scope key of the address that connected (the proxy, if any)


class ForwardedHeaders:
    """uvicorn's ProxyHeadersMiddleware (scheme and client from the trusted proxy's
    headers), keeping the address that connected in ``scope[PEER]``: the SSO header is
    trusted by that address (``trusted_proxies``), not by the client the proxy names."""

    def __init__(self, app: ASGIApp, trusted: Sequence[str]) -> None:
        self.proxied = ProxyHeadersMiddleware(app, trusted_hosts=list(trusted))  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            scope[PEER] = (scope.get("client") or (None,))[0]
        await self.proxied(scope, receive, send)  # type: ignore[arg-type]


class SessionBySchema:
    """Starlette's session middleware, twice: the cookie of a request made over https is
    marked ``Secure`` whatever ``https_only`` says for plain http (loopback development)."""

    def __init__(self, app: ASGIApp, *, https_only: bool, **options: Any) -> None:
        self.plain = SessionMiddleware(app, https_only=https_only, **options)
        self.secure = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") in ("https", "wss")
        await (self.secure if https else self.plain)(scope, receive, send)


def peer(scope: Scope) -> str | None:
    """The address that connected to kvrules (the proxy's, behind one)."""
    client = scope.get("client")
    return scope.get(PEER, client[0] if client else None)
