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
    # said without the walk, and after it; the list of every rewrite when asked
    for url in ("/audit?rewrites=all", "/audit?verify=1&rewrites=all"):
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


def test_a_page_lists_only_its_own_rewrites_and_counts_the_others(db: Path) -> None:
    """Reviewer: every page listed every rewrite (3,000 rewrites: 33 KB -> 594 KB a page). A
    page marks its own entries, counts them all and links to the list."""
    with Store.open(db) as store:
        for _ in range(120):  # more than a page of entries, each naming the person
            store.audit("viewer", "cases.searched", "cases", {"q": "Anna Kim"})
        done = store.erase_person("Anna Kim", actor="dpo", apply=True)
    assert done.audit_id is not None
    client = app_for(db)
    login(client, "viewer")
    text = _text(client.get("/audit").text)
    assert "120 entries rewritten; those on this page are marked on their rows." in text
    assert "List every rewrite" in text
    on_page = text.count("(details rewritten: ")
    assert 0 < on_page < 120, on_page  # the page's own rows, not the whole log's
    assert text.count(f"rewritten by erasure {done.audit_id}") == on_page  # not listed again
    listed = _text(client.get("/audit?rewrites=all").text)
    assert (
        listed.count(f"rewritten by erasure {done.audit_id} (a person's erasure, sealed): by")
        == 120
    )
