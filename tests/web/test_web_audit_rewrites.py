"""The web audit page lists the entries a person's erasure rewrote, as `kvrules audit verify`
does (left from the last session: the CLI said "row N rewritten by erasure M", the page the
committee reads said nothing, so a rewritten entry looked as it was written). Who erased and
when, which entry, that its details were rewritten; never the text erased."""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from tests.web.web_helpers import app_for, login


def _searched_then_erased(db: Path) -> tuple[int, int]:
    """A committee member searched the cases for a person; the person asked for erasure.
    (the search entry's id, the erasure's)"""
    client = app_for(db)
    login(client, "viewer")
    assert client.get("/cases", params={"q": "Anna Kim"}).status_code == 200
    with Store.open(db) as store:
        (search,) = [e for e in store.audit_entries() if e.action == "cases.searched"]
        done = store.erase_person("Anna Kim", actor="dpo", apply=True)
    assert done.audit_id is not None
    return search.id, done.audit_id


def _text(page: str) -> str:
    return " ".join(html.unescape(page).split())


def test_the_audit_page_lists_each_rewrite_as_audit_verify_says_it(db: Path) -> None:
    search, erasure = _searched_then_erased(db)
    verified = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db)])
    assert verified.exit_code == 0, verified.output
    (cli_line,) = [line for line in verified.output.splitlines() if "rewritten by" in line]
    assert cli_line == f"row {search} rewritten by erasure {erasure} (a person's erasure, sealed)"
    client = app_for(db)
    login(client, "viewer")
    for url in ("/audit", "/audit?verify=1"):  # said without the walk, and after it
        page = client.get(url)
        assert page.status_code == 200
        text = _text(page.text)
        assert "Entries a person's erasure rewrote" in text, url
        assert re.search(re.escape(cli_line) + r": by dpo, \d{4}-\d\d-\d\d \d\d:\d\d", text), text
        # on the entry's own row too, that its details were rewritten
        assert f"(details rewritten: {cli_line}, by dpo," in text, url
        assert "Anna Kim" not in html.unescape(page.text), url  # never the erased text
    assert "Hash chain intact" in _text(client.get("/audit?verify=1").text)


def test_a_log_no_erasure_rewrote_has_no_such_list(db: Path) -> None:
    client = app_for(db)
    login(client, "viewer")
    for url in ("/audit", "/audit?verify=1"):
        assert "erasure rewrote" not in client.get(url).text
