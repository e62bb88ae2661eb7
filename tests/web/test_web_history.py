"""The case page's history: the audit trail as sentences, never JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login


def _history(page: str) -> str:
    return page.split('id="history"', 1)[1].split("</ol>", 1)[0]


def test_history_reads_as_sentences(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        store.set_triage(cid, "amber", actor="adviser", note="partner unclear")
        store.assign_cases([cid], "adviser", actor="committee")
        store.adjudicate_match(
            list_id="us_dod_1286",
            entry="1286-042",
            org_name="Najing Univ.",
            country="CN",
            verdict="not-same",
            reason="different city",
            actor="adviser",
            case_id=cid,
        )
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
        "recorded that Najing Univ. is not the entry 1286-042 of the US DoD Section 1286 list"
        " — “different city”",
        "decided: approve with mitigations — “Civil research; keep the lab closed.”;"
        " review on 2027-01-01; 1 mitigation(s) set",
        f"marked mitigation {mitigation} as done",
        "closed the case — “bulk status change”",
    ):
        assert sentence in history, sentence
    assert "{" not in history and "recorded “" not in history  # no JSON, no unknown action
    # the rule and the list by id: the technical detail of their lines, not the sentences
    technical = history.split('<details class="technical">')
    assert all("nl-leidraad@" not in part.split("</details>")[-1] for part in technical)
    assert (
        "<summary>technical detail</summary>rule nl-leidraad@2026.1/partner-possible-list-match"
        in history
    )
    assert "<summary>technical detail</summary>list us_dod_1286" in history
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
    assert "<summary>technical detail</summary><code>case.decided</code> <code>{" in rows
