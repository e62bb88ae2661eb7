"""A small committee database for the web tests: two cases with remembered subjects."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kvrules.findings import CitationRef, Evidence, Finding, RulebookRef
from kvrules.model import CollaborationEvent
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings

PASSWORD = "correct horse battery staple"
SECRET = "test-secret-" + "x" * 40
ROLES = ("viewer", "adviser", "committee", "admin", "grant-officer")
# The accounts' stored hash: argon2id at the lowest cost argon2 allows, not the product's
# (64 MiB, t=3: a sixth of a second of a core per sign-in, and the suite signs in hundreds of
# times). A sign-in still verifies a real argon2id hash through kvrules.web.security (argon2
# reads the cost from the hash); a hash the app makes itself (a password set or reset in the
# web app, `kvrules users`) still has the product's cost.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)

MATCH = {
    "list": "us_dod_1286",
    "edition": "FY25",
    "entry": "1286-042",
    "name": "Nanjing University of Aeronautics and Astronautics",
    "method": "fuzzy",
    "score": 0.88,
    "candidate": True,
    "kind": "designation",
}


def event(record_id: str, partner: str, country: str, *, with_match: bool) -> CollaborationEvent:
    org = {
        "name": partner,
        "country": country,
        "role": "collaborator",
        "candidate_lists": ["us_dod_1286"] if with_match else [],
        "screening": [MATCH] if with_match else [],
    }
    return CollaborationEvent.model_validate(
        {
            "id": f"ev-{record_id}",
            "kind": "project.created",
            "source": {"system": "pure", "record_id": record_id},
            "occurred_at": "2026-01-05T10:00:00Z",
            "project": {
                "id": record_id,
                "title": f"Quantum sensing <b>{record_id}</b>",
                "start": "2025-03-01",
                "units": ["Faculty of Physics"],
                "partners": [org],
                "funders": [
                    {
                        "name": "Foreign Science Fund",
                        "country": country,
                        "amount": "250000",
                        "currency": "EUR",
                    }
                ],
                "participants": [{"role": "pi", "attributes": {"secret_note": "x"}}],
            },
        }
    )


def finding(
    record_id: str, severity: Severity = Severity.HIGH, risks: tuple[str, ...] = ()
) -> Finding:
    return Finding(
        rule_id="partner-possible-list-match",
        rule_title="A partner possibly matches a reference list",
        rulebook=RulebookRef(id="nl-leidraad", version="2026.1", sha256="ab" * 32),
        severity=severity,
        tags=["ks:confirm-match"],
        alert="adviser",
        rationale="A fuzzy match is a suggestion, not a fact.",
        citation=CitationRef(
            id="loket", cite="Loket Kennisveiligheid, Risicoprofiel", url="javascript:alert(1)"
        ),
        legal_basis=None,
        event_id=f"ev-{record_id}",
        event_kind="project.created",
        source_system="pure",
        source_record_id=record_id,
        evidence=[
            Evidence(
                path="project.partners[0].candidate_lists",
                test='contains "us_dod_1286"',
                actual=["us_dod_1286"],
            )
        ],
        risks=list(risks),
    )


def build_db(path: Path) -> Path:
    with Store.open(path) as store:
        for rid, partner, country, sev in (
            ("p-1", "Najing Univ. of Aeronautics & Astronautics", "CN", Severity.HIGH),
            ("p-2", "Technische Universität Beispiel", "DE", Severity.MEDIUM),
        ):
            ev = event(rid, partner, country, with_match=True)
            store.record_subject(ev)
            risks = ("knowledge-transfer",) if sev is Severity.HIGH else ()
            store.record_findings([finding(rid, sev, risks)], {})
        store.record_subject(event("p-3", "Université Libre", "BE", with_match=False))
        hashed = PASSWORD_HASH
        for role in ROLES:
            store.add_user(role, role, hashed, actor="test")
        store.add_user("sso-user", "committee", None, actor="test")
        # a second committee member: the four-eyes approver (an admin does not decide)
        store.add_user("chair", "committee", hashed, actor="test")
        store.add_user("other-officer", "grant-officer", hashed, actor="test")
    return path


def app_for(db: Path, **kw) -> TestClient:
    settings = WebSettings(db=db, secret_key=SECRET, **kw)
    # As a browser following the app's own links says (kvrules.web.fetchsite).
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    client.headers["Sec-Fetch-Site"] = "same-origin"
    return client


def token(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def case_form(client, cid: int) -> dict[str, str]:
    """What a form on case ``cid``'s page carries, as the client opens it now: its CSRF token
    and the case's version (a TestClient, or an httpx.Client on a served app)."""
    page = client.get(f"/cases/{cid}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the case page's forms carry no version"
    return {"csrf_token": token(page), "version": version.group(1)}


def login(client: TestClient, name: str, password: str = PASSWORD):
    t = token(client.get("/login").text)
    return client.post(
        "/login", data={"username": name, "password": password, "csrf_token": t, "next": "/cases"}
    )


def case_id(db: Path, record_id: str = "p-1") -> int:
    with Store.open(db) as store:
        case = store.case_for("pure", record_id)
        assert case is not None
        return case.id


NOW = datetime(2026, 3, 2, tzinfo=UTC)

# The browser tests drive Debian's Chromium through Playwright (never `playwright install`).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def served(app: Starlette) -> Iterator[tuple[str, uvicorn.Server]]:
    """Run ``app`` in a real uvicorn server on a free 127.0.0.1 port; yields its base URL and
    the server (whose ``server_state`` shows the requests in progress).
    Clients may connect from any 127.x.y.z source address: different "client addresses"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", srv
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def signed_in(browser_context, server: str, name: str):
    """A new browser page, in a context of its own, signed in as ``name`` with the keyboard
    (Enter in the password field), as a member would."""
    page = browser_context(base_url=server).new_page()
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    return page


def scanned_case(tmp_path: Path, db: Path, event: dict) -> tuple[TestClient, int]:
    """``event`` (a ``tests.scan_helpers.project_event`` of record P1) scanned from a file
    source into ``db`` by the real CLI, and an adviser signed in: (the client, P1's case id)."""
    from tests.scan_helpers import file_export_config, scanned

    scanned(file_export_config(tmp_path, event, reference_data=False))
    with Store.open(db) as store:
        case = store.case_for("file", "P1")
        assert case is not None
    client = app_for(db)
    assert login(client, "adviser").status_code in (200, 303)
    return client, case.id
