"""The Starlette application: routes, templates (autoescaped), sessions and security headers."""

from __future__ import annotations

from importlib.resources import files

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kvrules.store.db import StoreBusy, StoreError
from kvrules.store.storage import StorageError
from kvrules.web import (
    account,
    admin,
    api,
    auditpage,
    cases,
    export,
    health,
    login,
    prescreen,
    reportpage,
    sessionage,
)
from kvrules.web.auth import busy_page, csrf_token, error_page, log
from kvrules.web.fetchsite import from_this_site
from kvrules.web.forwarded import ForwardedHeaders, SessionBySchema
from kvrules.web.security import PasswordWork
from kvrules.web.sessionage import SESSION_COOKIE, session_ends_in, warn_before
from kvrules.web.settings import WebSettings
from kvrules.web.templating import css, environment
from kvrules.web.throttle import Throttle

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    # connect: session.js asks this site (only) how long the session has left, and renews it
    "connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),  # case data must not linger in shared caches
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _context(request: Request) -> dict:
    user = getattr(request.state, "user", None)
    return {
        "user": user,
        "csrf_token": csrf_token(request),
        "flash": request.session.pop("flash", None),
        # every time on a page is shown in the institution's zone (kvrules.timezone)
        "time_zone": request.app.state.settings.time_zone,
        # amounts shown as people here write them (config ``decimal_separator``)
        "decimal_separator": request.app.state.settings.decimal_separator,
        # what is left of a local session (none for a proxy's SSO user): the page warns
        # before it ends (session.js); after the lines above, which may sign it anew
        "session_ends_in": session_ends_in(request),
        "session_max_age": request.app.state.settings.session_max_age,
        "session_warn_before": warn_before(request.app.state.settings.session_max_age),
    }


async def stylesheet(request: Request) -> Response:
    return Response(css(), media_type="text/css")


async def prescreen_script(request: Request) -> Response:
    """The pre-screen form's one script: it adds rows in the page (the form works without)."""
    text = files("kvrules.web").joinpath("static/prescreen.js").read_text(encoding="utf-8")
    return Response(text, media_type="text/javascript")


async def session_script(request: Request) -> Response:
    """Every signed-in page's warning before its session ends (pages work without)."""
    text = files("kvrules.web").joinpath("static/session.js").read_text(encoding="utf-8")
    return Response(text, media_type="text/javascript")


async def http_error(request: Request, exc: Exception) -> Response:
    """Not found, method not allowed, ...: the site's own error page, not a bare text."""
    if not isinstance(exc, HTTPException):
        raise exc
    response = error_page(request, exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})
    return response


BUSY = (
    "A scan is writing to the database right now, so this could not be saved yet: "
    "nothing was changed. Try again in a moment."
)


async def store_busy(request: Request, exc: Exception) -> Response:
    """A scan held the write lock longer than a page waits: one clear page (JSON for the
    API), never a 500."""
    log.warning("%s %s: %s", request.method, request.url.path, exc)
    if health.is_api(request):
        return JSONResponse({"error": BUSY}, status_code=503, headers={"Retry-After": "5"})
    return busy_page(request, BUSY)


async def home(request: Request) -> Response:
    return RedirectResponse("/cases", status_code=303)


def create_app(settings: WebSettings) -> Starlette:
    routes = [
        Route("/", home),
        Route("/healthz", health.healthz),
        Route("/static/app.css", stylesheet),
        Route("/static/prescreen.js", prescreen_script),
        Route("/static/session.js", session_script),
        Route("/session", sessionage.session_status),
        Route("/session/renew", sessionage.renew_session, methods=["POST"]),
        Route("/login", login.login, methods=["GET", "POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/account/password", account.password_form),
        Route("/account/password", account.set_password, methods=["POST"]),
        Route("/cases", cases.case_list),
        Route("/cases/bulk", cases.bulk_change, methods=["POST"]),
        # exports are audited: only from the app's own pages (kvrules.web.fetchsite)
        Route("/cases.csv", from_this_site(export.export_csv)),
        Route("/cases.xlsx", from_this_site(export.export_xlsx)),
        Route("/cases/{case_id:int}", cases.case_page),
        Route("/cases/{case_id:int}/triage", cases.triage, methods=["POST"]),
        Route("/cases/{case_id:int}/adjudicate", cases.adjudicate, methods=["POST"]),
        Route("/cases/{case_id:int}/decide", cases.decide, methods=["POST"]),
        Route("/cases/{case_id:int}/mitigations", cases.add_mitigation, methods=["POST"]),
        Route("/decisions/{decision_id:int}/approve", cases.approve_decision, methods=["POST"]),
        Route("/mitigations", cases.mitigation_list),
        Route("/mitigations/{mitigation_id:int}/status", cases.mitigation_status, methods=["POST"]),
        Route("/adjudications", cases.adjudication_list),
        Route("/audit", auditpage.audit_log),
        Route("/audit.csv", from_this_site(auditpage.audit_csv)),
        Route("/admin/users", admin.account_list),
        Route("/admin/users", admin.save_account, methods=["POST"]),
        Route("/admin/users/{name}/disable", admin.disable_account, methods=["POST"]),
        Route("/admin/users/{name}/enable", admin.enable_account, methods=["POST"]),
        Route("/admin/tokens", admin.issue_token, methods=["POST"]),
        Route("/admin/tokens/{client}/revoke", admin.revoke_token, methods=["POST"]),
        Route("/report", reportpage.portfolio_page),
        Route("/report.html", from_this_site(reportpage.portfolio_download)),
        Route("/prescreen", prescreen.prescreen_form),
        Route("/prescreen", prescreen.prescreen_submit, methods=["POST"]),
        Route("/prescreen/{prescreen_id:int}", prescreen.prescreen_page),
        Route(
            "/prescreen/{prescreen_id:int}.md", from_this_site(prescreen.prescreen_markdown_file)
        ),
        Route("/prescreen/{prescreen_id:int}/send", prescreen.prescreen_send, methods=["POST"]),
        Route("/api/v1/screen", api.screen, methods=["POST"]),
        Route("/api/v1/openapi.json", api.openapi),
    ]
    # behind a TLS proxy: its X-Forwarded-Proto, from the addresses trusted for it only
    forwarded = (
        [Middleware(ForwardedHeaders, trusted=settings.forwarded_allow_ips)]
        if settings.forwarded_allow_ips
        else []
    )
    middleware = [
        *forwarded,
        Middleware(SecurityHeaders),
        Middleware(
            SessionBySchema,  # Secure on every https request; plain http as configured
            secret_key=settings.secret_key,
            session_cookie=SESSION_COOKIE,
            max_age=settings.session_max_age,
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            HTTPException: http_error,
            StoreBusy: store_busy,
            StoreError: health.store_unusable,
            StorageError: health.store_unusable,
        },
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(env=environment(), context_processors=[_context])
    app.state.throttle = Throttle()
    app.state.api_throttle = api.api_throttle()
    app.state.passwords = PasswordWork()
    return app
