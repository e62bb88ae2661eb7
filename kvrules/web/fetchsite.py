"""Pages that change the store on a GET open only from kvrules' own pages.

The session cookie is SameSite=Lax: a browser sends it with a top-level GET from any site, so
a link elsewhere could make a signed-in user's browser fetch ``/cases.csv`` and add an export
entry to the audit log (penetration test, 2026-12-07). Browsers say where a request came from
in ``Sec-Fetch-Site`` (Chromium, Firefox, Safari 16.4+): a link in the app is ``same-origin``,
a bookmark or a typed address ``none``. Anything else is refused. A client that sends no such
header (curl, a script, an old browser) is let through: it is no cross-site link in a modern
browser, and the export links keep working everywhere without a token in the address.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import Response

from kvrules.web.auth import error_page

FROM_THIS_SITE = frozenset({"same-origin", "none"})  # a link in the app; a bookmark, typed
CROSS_SITE = (
    "This download opens from kvrules' own pages only (a link from another site cannot add "
    "to the audit log): open it from the case list."
)

Endpoint = Callable[[Request], Awaitable[Response]]


def from_this_site(endpoint: Endpoint) -> Endpoint:
    """``endpoint``, refused (403, before anything is read or audited) when the browser says
    the request came from another site."""

    @wraps(endpoint)
    async def checked(request: Request) -> Response:
        site = request.headers.get("sec-fetch-site")
        if site is not None and site.strip().lower() not in FROM_THIS_SITE:
            return error_page(request, 403, CROSS_SITE)
        return await endpoint(request)

    return checked
