"""Before a session ends, the page warns (WCAG 2.1 2.2.1: a warning, and a simple way to extend
it); a file chosen on the pre-screen form, which no page can carry through signing in, is asked
for again by name instead of being silently dropped.

Last session: text typed in an expired session was kept (0.3.0), but nothing warned before it
expired, and the pre-screen's partners file vanished: after signing in, "Send it again"
screened the proposal without the file's partners and said nothing of it."""

from __future__ import annotations

import dataclasses
import html
import logging
import re
import time
from pathlib import Path

import itsdangerous

from kvrules.prescreen import Screener
from kvrules.web.sessionage import SESSION_COOKIE, warn_before
from tests.web.test_web_prescreen import _stored_proposal, prescreen_id, signed_in
from tests.web.web_helpers import PASSWORD, SECRET, app_for, login, token

OUR_PAGE = {"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "same-origin"}
CSV = b"name,country\nKU Leuven,BE\nBeihang University,CN\n"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _hidden(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def _partners(db: Path) -> list[str]:
    """The partners of the last pre-screen stored, as the screener read them."""
    return [p["name"] for p in _stored_proposal(db)["partners"]]


def test_a_chosen_file_is_asked_for_again_by_name_after_signing_in(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    form = {"csrf_token": token(client.get("/prescreen").text), "topic": "hypersonic propulsion"}
    client.cookies.clear()  # the session expired while the form was filled in
    expired = client.post(
        "/prescreen",
        data={**form, "partner0_name": "TU Delft"},
        files={"partners_file": ("partners.csv", CSV, "text/csv")},
        headers=OUR_PAGE,
    )
    assert expired.status_code == 401
    said = "The file you chose (partners.csv) was not kept: choose the file again after signing in."
    assert said in html.unescape(expired.text), expired.text
    kept = _hidden(expired.text)
    assert kept["kept_file:partners_file"] == "partners.csv"
    assert kept["kept:partner0_name"] == "TU Delft"

    again = client.post("/login", data={**kept, "username": "grant-officer", "password": PASSWORD})
    assert again.status_code == 200
    page = again.text
    assert "choose the file again below before sending it." in page, page
    assert 'enctype="multipart/form-data"' in page  # the file can be sent from this page
    assert re.search(r'<input type="file" id="again-1" name="partners_file" required>', page)
    assert "Choose the file again: partners.csv" in page  # the control's label names it

    resend = _hidden(page)
    sent = client.post(
        "/prescreen",
        data=resend,
        files={"partners_file": ("partners.csv", CSV, "text/csv")},
        follow_redirects=False,
    )
    prescreen_id(sent)
    assert _partners(db) == ["TU Delft", "KU Leuven", "Beihang University"]


def test_without_a_file_nothing_is_said_of_files(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    form = {"csrf_token": token(client.get("/prescreen").text), "partner0_name": "TU Delft"}
    client.cookies.clear()
    expired = client.post("/prescreen", data=form, headers=OUR_PAGE)
    assert expired.status_code == 401
    assert "Your session expired: sign in again, your text is kept below.</p>" in expired.text
    assert "kept_file:" not in expired.text and "choose the file" not in expired.text


class _Clock:
    """The wall clock the session's signature and its age are read by (``time.time``: both
    itsdangerous and ``kvrules.web.sessionage`` read it), held still, moved by the test: what
    a session has left is then exact, however loaded the machine (a renewal read 598 s, the
    signature counting whole seconds; a 5 s window for what was left)."""

    def __init__(self, monkeypatch) -> None:
        self.now = 1_800_000_000.0
        monkeypatch.setattr(time, "time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _aged(client, seconds: int) -> None:
    """The client's session cookie as if it had been signed ``seconds`` ago (its content and
    signature real: the app's own key)."""

    class Then(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds

    payload = itsdangerous.TimestampSigner(SECRET).unsign(client.cookies[SESSION_COOKIE])
    client.cookies.set(SESSION_COOKIE, Then(SECRET).sign(payload).decode(), domain="127.0.0.1")


def test_every_signed_in_page_says_what_its_session_has_left(db: Path, monkeypatch) -> None:
    clock = _Clock(monkeypatch)
    client = app_for(db, session_max_age=600)
    assert 'id="session-timer"' not in client.get("/login").text  # nobody signed in
    login(client, "committee")
    client.get("/cases")  # the first page after signing in (its flash, if any, read)
    _aged(client, 550)  # signed in 550 s ago, pages read since: reading extends nothing
    page = client.get("/cases").text
    timer = re.search(
        r'<div id="session-timer" data-ends-in="(\d+)" data-max-age="600" '
        r'data-warn-before="(\d+)" data-csrf="([^"]+)">\s*'
        r'<div id="session-warning" class="session-warning" role="alert" '
        r'aria-live="assertive"></div>',
        page,
    )
    assert timer, page
    assert int(timer[1]) == 50, timer[1]  # what is left, not the full 600
    assert int(timer[2]) == warn_before(600) == 200  # at least 20 s to extend (2.2.1)
    assert '<script src="/static/session.js" defer></script>' in page
    script = client.get("/static/session.js")
    assert script.status_code == 200 and "Stay signed in" in script.text
    clock.advance(10)
    status = client.get("/session")
    assert status.status_code == 200 and status.json()["ends_in"] == 40
    assert "set-cookie" not in status.headers  # asking extends nothing

    renewed = client.post("/session/renew", data={"csrf_token": timer[3]})
    assert renewed.status_code == 200 and renewed.json() == {"ends_in": 600}
    assert "max-age=600" in renewed.headers["set-cookie"].lower()  # signed anew
    clock.advance(100)
    assert client.get("/session").json()["ends_in"] == 500  # counted from the renewal

    _aged(client, 601)  # past its age: ended, and the renewal cannot bring it back
    assert client.get("/session").status_code == 401
    assert client.post("/session/renew", data={"csrf_token": timer[3]}).status_code == 401


def test_stay_signed_in_after_the_end_says_sign_in_again_and_logs_no_csrf_failure(
    db: Path, caplog
) -> None:
    """Review: "Stay signed in" clicked after the session ended found no session, so no CSRF
    token to match: a "CSRF check failed" security line for a harmless click, and the
    sign-in page as the answer to the script's request."""
    client = app_for(db, session_max_age=600)
    login(client, "committee")
    csrf = token(client.get("/cases").text)
    _aged(client, 601)
    with caplog.at_level(logging.INFO):
        ended = client.post("/session/renew", data={"csrf_token": csrf})
    assert ended.status_code == 401
    assert ended.json() == {"ends_in": 0, "error": "Your session has ended: sign in again."}
    assert "CSRF" not in caplog.text
    assert "set-cookie" not in ended.headers or "max-age=600" not in ended.headers["set-cookie"]


def test_a_proxy_signed_in_user_has_no_session_to_warn_of(db: Path) -> None:
    client = app_for(db, proxy_header="X-Remote-User")
    page = client.get("/cases", headers={"X-Remote-User": "committee"})
    assert page.status_code == 200 and 'id="session-timer"' not in page.text


def test_the_warning_leaves_at_least_20_seconds_and_at_most_5_minutes() -> None:
    assert [warn_before(s) for s in (30, 60, 600, 8 * 3600)] == [20, 20, 200, 300]


def test_a_busy_store_asks_for_the_chosen_file_again_too(db: Path, screener: Screener) -> None:
    """The same loss beside a scan holding the write lock: "Try again" sent the pre-screen
    without its partners file."""
    from tests.web.test_web_busy_store import write_lock_held

    client = signed_in(db, screener, "grant-officer")
    client.app.state.settings = dataclasses.replace(client.app.state.settings, busy_wait=0.05)
    form = {"csrf_token": token(client.get("/prescreen").text), "partner0_name": "TU Delft"}
    with write_lock_held(db):
        busy = client.post(
            "/prescreen", data=form, files={"partners_file": ("partners.csv", CSV, "text/csv")}
        )
    assert busy.status_code == 503, busy.text[:300]
    assert "choose the file again below." in html.unescape(busy.text)
    assert 'enctype="multipart/form-data"' in busy.text
    assert '<input type="file" id="again-1" name="partners_file" required>' in busy.text
    sent = client.post(
        "/prescreen",
        data=_hidden(busy.text),
        files={"partners_file": ("partners.csv", CSV, "text/csv")},
        follow_redirects=False,
    )
    prescreen_id(sent)
    assert _partners(db) == ["TU Delft", "KU Leuven", "Beihang University"]
