"""The case page's history: the audit trail as sentences, never JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kvrules.store import Store
from tests.verdicts import set_1286_entry_aside
from tests.web.web_helpers import app_for, case_id, login


def _history(page: str) -> str:
    return page.split('id="history"', 1)[1].split("</ol>", 1)[0]


def test_history_reads_as_sentences(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.set_triage(cid, "amber", actor="adviser", note="partner unclear")
        store.assign_cases([cid], "adviser", actor="committee")
        set_1286_entry_aside(store, "1286-042", "Najing Univ.", "different city", case_id=cid)
        store.decide(
            cid,
            "approve-with-mitigations",
            "Civil research; keep the lab closed.",
            actor="committee",
            review_due=date(2027, 1, 1),
            mitigations=[("No lab access", "PI", None)],
        )
        mitigation = store.mitigations(cid)[0].id
        store.set_mitigation_status(mitigation, "done", actor="adviser")
        store.set_cases_status([cid], "closed", actor="committee")
    client = app_for(db)
    login(client, "viewer")
    history = _history(client.get(f"/cases/{cid}").text)
    for sentence in (
        "<strong>kvrules</strong> opened the case.",
        "found a high signal: A partner possibly matches a reference list.",  # its title
        "<strong>adviser</strong> triaged the case amber — “partner unclear”",
        "<strong>committee</strong> assigned the case to adviser",
        # the entry as the list spells it (the record's list match), not its id
        "recorded that Najing Univ. is not “Nanjing University of Aeronautics and Astronautics”"
        " on the US DoD Section 1286 list — “different city”",
        "decided: approve with mitigations — “Civil research; keep the lab closed.”;"
        " review on 2027-01-01; 1 mitigation(s) set",
        "marked the mitigation “No lab access” as done",
        "closed the case — “bulk status change”",
    ):
        assert sentence in history, sentence
    assert "{" not in history and "recorded “" not in history  # no JSON, no unknown action
    # the rule and the list by id: the technical detail of their lines, not the sentences
    technical = history.split('<details class="technical">')
    assert all("nl-leidraad@" not in part.split("</details>")[-1] for part in technical)
    assert (
        "technical detail</summary>rule nl-leidraad@2026.1/partner-possible-list-match" in history
    )
    assert "technical detail</summary>list us_dod_1286, entry 1286-042" in history
    assert "1286-042" not in "".join(p.split("</details>")[-1] for p in technical)
    assert f"mitigation {mitigation} " not in history
    page = client.get(f"/cases/{cid}").text
    assert "last decision: approve with mitigations" in page and "approve-with-" not in page
    assert f'href="/audit?subject=case:{cid}"' in client.get(f"/cases/{cid}").text


def test_the_audit_page_says_each_entry_in_words_with_the_json_behind_technical_detail(
    db: Path,
) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.decide(cid, "reject", "Dual-use lab access.", actor="committee")
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/audit?subject=case:{cid}").text
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "decided: reject — “Dual-use lab access.”" in rows
    assert "opened the case" in rows
    # the entry's own record (JSON) is one click away, never in the sentence
    in_words = "".join(part.split("</details>", 1)[-1] for part in rows.split("<details"))
    assert "{" not in in_words and "case.decided" not in in_words
    assert "technical detail</summary><code>case.decided</code> <code>case:" in rows


def test_the_audit_page_is_paged_newest_first_and_verifies_the_chain_on_demand(
    db: Path, tmp_path: Path
) -> None:
    """A large log: the page shows one page of entries, newest first, with links to older and
    newer ones (the subject filter too), and checks the hash chain only when asked — saying
    so — instead of re-reading every entry on every view."""
    import re
    import sqlite3

    from kvrules.web.auditpage import AUDIT_PAGE

    with Store.open(db) as store:
        for n in range(AUDIT_PAGE + 5):
            store.audit("committee", "user.signed-in", "user:committee", {"n": n})
        newest = store.audit_head()[0]
    client = app_for(db)
    login(client, "viewer")
    page = client.get("/audit").text
    ids = [int(i) for i in re.findall(r"<tr><td>(\d+)</td>", page)]
    assert len(ids) == AUDIT_PAGE and ids == sorted(ids, reverse=True)
    assert ids[0] >= newest  # signing in as viewer added one more
    older = re.search(r'<a rel="next" href="([^"]+)"', page)
    assert older, "no link to older entries"
    rest = client.get(older.group(1).replace("&amp;", "&")).text
    rest_ids = [int(i) for i in re.findall(r"<tr><td>(\d+)</td>", rest)]
    assert rest_ids and max(rest_ids) < min(ids) and 1 in rest_ids
    assert re.search(r'<a rel="prev" href="[^"]+"', rest)
    # the hash chain: not claimed intact by a view that did not check it
    assert "Hash chain intact" not in page and 'href="/audit?verify=1"' in page
    assert "Hash chain intact" in client.get("/audit?verify=1").text
    # the subject filter pages too
    one = client.get(f"/audit?subject=case:{case_id(db)}").text
    assert re.findall(r"<tr><td>(\d+)</td>", one) and 'rel="next"' not in one
    # a tampered row is found when the chain is checked
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 3")
    conn.commit()
    conn.close()
    assert "The hash chain is broken: audit row 3" in client.get("/audit?verify=1").text


def test_the_audit_and_adjudications_pages_name_things_in_words(db: Path) -> None:
    """No action ids ("recorded “user.signed in”"), no subjects as ids ("record:pure/…"), a
    finding by its rule's title; adjudications by list title, listed name and verdict in words;
    the ids stay in the technical detail."""
    cid = case_id(db)
    with Store.open(db) as store:
        store.audit("kvrules", "writeback.written", "record:pure/p-1", {"tags": ["risk:high"]})
        set_1286_entry_aside(store, "1286-042", "Najing Univ.", "different city", case_id=cid)
    client = app_for(db)
    login(client, "viewer")
    rows = client.get("/audit").text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    in_words = "".join(part.split("</details>", 1)[-1] for part in rows.split("<details"))
    assert "recorded “" not in in_words and "record:pure/" not in in_words
    assert "signed in" in in_words and "wrote the risk tags “risk:high” to the record" in in_words
    assert "<td>Quantum sensing &lt;b&gt;p-1&lt;/b&gt;</td>" in rows  # the record by its title
    assert "the account viewer" in in_words
    assert "found a high signal: A partner possibly matches a reference list" in in_words
    assert "“Nanjing University of Aeronautics and Astronautics” on the US DoD" in in_words
    table = client.get("/adjudications").text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    shown = "".join(part.split("</details>", 1)[-1] for part in table.split("<details"))
    assert "US DoD Section 1286 list" in shown and "not the same organisation" in shown
    assert "“Nanjing University of Aeronautics and Astronautics”" in shown
    assert "us_dod_1286" not in shown and "1286-042" not in shown and "not-same" not in shown
    assert "1286-042" in table  # one click away


def test_the_cases_list_names_rulebooks_by_title_and_filters_by_id(db: Path) -> None:
    """The rulebook column and filter showed ids ("nl-leidraad"): titles now, the id stays the
    filter's value."""
    import re

    from kvrules.web.settings import rulebook_titles

    titles = rulebook_titles([])  # the shipped rulebooks
    title = titles["nl-leidraad"]
    assert title and title != "nl-leidraad"
    client = app_for(db, rulebook_titles=titles)
    login(client, "viewer")
    page = client.get("/cases").text
    option = re.search(r'<option value="nl-leidraad"[^>]*>([^<]*)</option>', page)
    assert option and option.group(1) == title
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert f'<span title="nl-leidraad">{title}</span>' in rows and ">nl-leidraad<" not in rows
