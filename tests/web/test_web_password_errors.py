"""The password page says what is wrong at the field that is wrong (WCAG 1.3.1, 3.3.1): the
field is marked invalid, described by the message, and has the focus when the page comes
back. Review of 0.4.0's page for admin-set passwords: the message was a paragraph above the
form tied to no field, and the focus went back to "Current password" whichever was wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.web_helpers import PASSWORD, app_for, login, token

FIELDS = ("current", "new", "again")


def _input(page: str, field: str) -> str:
    found = re.search(rf'<input id="{field}"[^>]*>', page)
    assert found, f"no input #{field} on the page"
    return found.group(0)


def _described_by(page: str, field: str) -> str:
    """The text of the elements the field's aria-describedby names."""
    ids = re.search(r'aria-describedby="([^"]+)"', _input(page, field))
    assert ids, f"#{field} is described by nothing"
    texts = []
    for ident in ids.group(1).split():
        element = re.search(rf'id="{ident}"[^>]*>([^<]*)<', page)
        assert element, f"#{field} is described by #{ident}, which is not on the page"
        texts.append(element.group(1))
    return " ".join(texts)


@pytest.mark.parametrize(
    ("current", "new", "again", "wrong", "said"),
    [
        ("not my password", "a new password 1", "a new password 1", "current", "is wrong"),
        (PASSWORD, "a new password 1", "a new password 2", "again", "differ"),
        (PASSWORD, PASSWORD, PASSWORD, "new", "other than"),
        (PASSWORD, "short", "short", "new", "at least"),
    ],
)
def test_a_refused_password_is_said_at_its_field(
    db: Path, current: str, new: str, again: str, wrong: str, said: str
) -> None:
    client = app_for(db)
    login(client, "committee")
    form = {"current": current, "new": new, "again": again}
    page = client.post(
        "/account/password",
        data={**form, "csrf_token": token(client.get("/account/password").text)},
    )
    assert page.status_code == 400
    field = _input(page.text, wrong)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert said in _described_by(page.text, wrong)
    for other in FIELDS:
        if other != wrong:  # only the field that is wrong is marked, and has the focus
            assert "aria-invalid" not in _input(page.text, other)
            assert "autofocus" not in _input(page.text, other)
    # the message is still announced as the page comes back
    assert re.search(r'role="alert"[^>]*>[^<]*' + said, page.text)


def test_an_untouched_password_page_marks_nothing_and_focuses_the_first_field(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    page = client.get("/account/password").text
    assert "aria-invalid" not in page
    assert "autofocus" in _input(page, "current")
