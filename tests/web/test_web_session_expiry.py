"""A session that expires while someone types (WCAG 2.2.1, and "nothing lost"): the review
typed a rationale, waited past the session's age and pressed "Record decision": a bare 403
page, the rationale gone. Now the sign-in form comes back with one line saying so and the
text kept, and after signing in the text is sent again with one button. A post from another
site gets no such page: a kept form must never carry a forged post through (CSRF)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import PASSWORD, app_for, case_form, case_id, login

OUR_PAGE = {"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "same-origin"}
RATIONALE = "Listed partner in a sensitive area;\nno mitigation fits. <b>Typed for an hour.</b>"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _hidden(page: str) -> list[tuple[str, str]]:
    return [(name, html.unescape(value)) for name, value in HIDDEN.findall(page)]


def test_an_expired_session_keeps_the_typed_rationale_through_signing_in(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    form = case_form(client, cid)
    # the browser drops the session cookie once its Max-Age has passed
    client.cookies.clear()
    typed = {**form, "form": "decide", "decision": "reject", "rationale": RATIONALE}
    expired = client.post(f"/cases/{cid}/decide", data=typed, headers=OUR_PAGE)

    assert expired.status_code == 401
    page = expired.text
    assert "Your session expired: sign in again, your text is kept below." in page
    assert html.escape(RATIONALE, quote=False) in page  # shown, as typed, never as markup
    fields = dict(_hidden(page))
    assert fields["kept:rationale"] == RATIONALE and fields["kept:decision"] == "reject"
    assert fields["kept_action"] == f"/cases/{cid}/decide"
    with Store.open(db) as store:
        assert not store.decisions(cid)  # nothing happened without a session

    # wrong password first: the text is still there
    again = client.post(
        "/login", data={**fields, "username": "committee", "password": "wrong wrong wrong"}
    )
    assert again.status_code == 401 and dict(_hidden(again.text))["kept:rationale"] == RATIONALE

    signed_in = client.post(
        "/login", data={**dict(_hidden(again.text)), "username": "committee", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    assert "Your text is kept below: send it again." in signed_in.text
    resend = dict(_hidden(signed_in.text))
    assert resend["rationale"] == RATIONALE and resend["version"] == form["version"]
    assert f'action="/cases/{cid}/decide"' in signed_in.text

    sent = client.post(f"/cases/{cid}/decide", data=resend, follow_redirects=False)
    assert sent.status_code == 303, sent.text[:500]
    with Store.open(db) as store:
        (decision,) = store.decisions(cid)
        assert decision.rationale == RATIONALE.strip() and decision.actor == "committee"


def test_a_form_opened_before_signing_in_again_is_kept_to_send_again(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    form = case_form(client, cid)
    login(client, "committee")  # signed in again (another window): a new CSRF token
    typed = {**form, "form": "decide", "decision": "reject", "rationale": RATIONALE}
    stale = client.post(f"/cases/{cid}/decide", data=typed, headers=OUR_PAGE)
    assert stale.status_code == 403
    assert dict(_hidden(stale.text))["rationale"] == RATIONALE
    assert "your text is kept below" in stale.text


def test_a_post_from_another_site_is_refused_without_keeping_anything(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    form = case_form(client, cid)
    del client.headers["Sec-Fetch-Site"]  # the forged posts name no origin of this site
    forged = {**form, "csrf_token": "forged", "decision": "approve", "rationale": "forged"}
    for headers in ({"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, {}):
        refused = client.post(f"/cases/{cid}/decide", data=forged, headers=headers)
        assert refused.status_code == 403 and "CSRF check failed" in refused.text
        assert "forged" not in refused.text and "Send it again" not in refused.text


def test_signing_out_after_the_session_expired_lands_on_the_sign_in_page(db: Path) -> None:
    """ "Sign out" pressed on a page whose session had expired answered "Not allowed: CSRF
    check failed": the person is signed out already, so the sign-in page it is."""
    client = app_for(db)
    login(client, "committee")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/cases").text)
    assert csrf
    client.cookies.clear()
    out = client.post("/logout", data={"csrf_token": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    # still signed in, a forged sign-out is refused as before
    login(client, "committee")
    forged = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/cases", follow_redirects=False).status_code == 200
