"""The accounts page's tables (axe ``empty-table-header``): every column has a header that
says what it holds, and the row saying a table is empty spans all of its columns ("No
accounts." spanned 6 of 7)."""

from __future__ import annotations

import re
from pathlib import Path

from kvrules.store import Store
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import SECRET, app_for, login


def _tables(page: str) -> list[str]:
    return re.findall(r"<table>.*?</table>", page, re.DOTALL)


def _headers(table: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]


def test_every_column_of_the_accounts_page_has_a_header_in_words(db: Path) -> None:
    client = app_for(db)
    login(client, "admin")
    page = client.get("/admin/users").text
    tables = _tables(page)
    assert len(tables) == 2
    for table in tables:
        headers = _headers(table)
        assert headers and all(headers), headers
        assert headers[-1] == "Action"


def test_the_empty_rows_span_every_column(db: Path) -> None:
    """Rendered with no account and no API client listed (a page no signed-in admin sees:
    they hold an account), with the app's own template environment."""
    app = create_app(WebSettings(db=db, secret_key=SECRET))
    with Store.open(db) as store:
        admin = store.user("admin")
    page = app.state.templates.get_template("admin_users.html").render(
        user=admin,
        csrf_token="t",
        accounts=[],
        tokens=[],
        roles=["admin"],
        min_password=12,
        new_token=None,
        flash=None,
        time_zone=app.state.settings.time_zone,
    )
    tables = _tables(page)
    assert len(tables) == 2
    for table in tables:
        span = re.search(r'<td colspan="(\d+)" class="empty">', table)
        assert span and int(span.group(1)) == len(_headers(table)), table[:200]
