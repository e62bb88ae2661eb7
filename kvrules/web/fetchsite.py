"""Pages that change the store on a GET open only from kvrules' own pages.

The session cookie is SameSite=Lax: a browser sends it with a top-level GET from any site, so
a link elsewhere could make a signed-in user's browser fetch ``/cases.csv`` and add an export
entry to the audit log (penetration test, 2026-12-07). Browsers say where a request came from
in ``Sec-Fetch-Site`` (Chromium, Firefox, Safari 16.4+): a link in the app is ``same-origin``,
a bookmark or a typed address ``none``. Anything else is refused.

A request without that header (an older browser, curl, a script) must show it came from here
another way: a ``Referer`` on this host (the app sends one to itself: ``Referrer-Policy:
same-origin``), or the export token of the session (``export_token``, a keyed digest of its
CSRF token, which no other site can know). Without either nothing is read or audited: a page
says so and offers the same download with the token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from kvrules.web.auth import csrf_token, error_page

FROM_THIS_SITE = frozenset({"same-origin", "none"})  # a link in the app; a bookmark, typed
CROSS_SITE = (
    "This download opens from kvrules' own pages only (a link from another site cannot add "
    "to the audit log): open it from the case list."
)
TOKEN_PARAM = "export_token"

Endpoint = Callable[[Request], Awaitable[Response]]


def export_token(request: Request) -> str:
    """The session's export token: shown only in kvrules' own pages."""
    key = csrf_token(request).encode()
    return hmac.new(key, b"kvrules export", hashlib.sha256).hexdigest()[:32]


def _referred_from_here(request: Request) -> bool:
    referer = request.headers.get("referer")
    if not referer:
        return False
    # The host only: behind a proxy that ends TLS the scheme and port the app sees may differ.
    return (urlsplit(referer).hostname or "").lower() == (request.url.hostname or "").lower()


def _with_token(request: Request) -> bool:
    given = request.query_params.get(TOKEN_PARAM, "")
    return bool(given) and hmac.compare_digest(given, export_token(request))


def from_this_site(endpoint: Endpoint) -> Endpoint:
    """``endpoint``, refused (403, before anything is read or audited) when the browser says
    the request came from another site, or cannot show it came from here."""

    @wraps(endpoint)
    async def checked(request: Request) -> Response:
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            if site.strip().lower() not in FROM_THIS_SITE:
                return error_page(request, 403, CROSS_SITE)
        elif not (_referred_from_here(request) or _with_token(request)):
            return _confirm_page(request)
        return await endpoint(request)

    return checked


def _confirm_page(request: Request) -> Response:
    """Nothing exported: the same download offered with the session's token (403 for scripts)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_PARAM]
    query.append((TOKEN_PARAM, export_token(request)))
    link = f"{request.url.path}?{urlencode(query)}"
    return request.app.state.templates.TemplateResponse(
        request, "export_confirm.html", {"link": link}, status_code=403
    )
