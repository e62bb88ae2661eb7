"""A pre-screen that is NOT COMPLETE is said so wherever it is shown or recorded, never by its
colour (reviewer, a grant officer's pre-award screening, 2026-12-07).

Before: the result page said NOT COMPLETE, but the "Your pre-screens" table said ``green``,
and after "Send to the committee" the case history read "(triaged green at pre-screen)"; the
audit entries behind both (and so the audit page and its CSV export) held ``triage: green``.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_prescreen import prescreen_id, submit
from tests.web.web_helpers import app_for, login, token

# nothing sensitive, and no finding: GREEN, but the test store lacks lists the rules read
QUIET = {"topic": "medieval manuscripts", "partner0_name": "KU Leuven", "partner0_country": "BE"}


def test_not_complete_is_said_in_the_table_the_history_and_the_audit(
    db: Path, screener: Screener
) -> None:
    client = app_for(db, screener=screener)
    assert login(client, "grant-officer").status_code in (200, 303)
    pid = prescreen_id(submit(client, QUIET))
    with Store.open(db) as store:
        kept = store.prescreen(pid)
        assert kept is not None
        assert (kept.result["triage"]["colour"], kept.result["triage"]["complete"]) == (
            "green",
            False,
        )
        [screened] = store.audit_entries(f"prescreen:{pid}")
        assert screened.details["triage"] == "not complete"

    listed = client.get("/prescreen").text
    [row] = [
        r for r in re.findall(r"<tr>.*?</tr>", listed, re.S) if f'href="/prescreen/{pid}"' in r
    ]
    assert '<span class="tri tri-incomplete">not complete</span>' in row
    assert "green" not in row

    t = token(client.get(f"/prescreen/{pid}").text)
    client.post(f"/prescreen/{pid}/send", data={"csrf_token": t})
    with Store.open(db) as store:
        case_id = store.prescreen(pid).case_id
        sent = [e for e in store.audit_entries(f"case:{case_id}") if e.action == "prescreen.sent"]
        assert [e.details["triage"] for e in sent] == ["not complete"]
        assert case_id not in store.triage_colours()  # no colour carried, as before

    assert login(client, "adviser").status_code in (200, 303)
    page = " ".join(html.unescape(client.get(f"/cases/{case_id}").text).split())
    assert f"sent pre-screen {pid} to the committee (not complete at pre-screen)" in page
    assert "triaged green" not in page

    assert login(client, "admin").status_code in (200, 303)
    exported = client.get(
        f"/audit.csv?subject=case:{case_id}", headers={"sec-fetch-site": "same-origin"}
    )
    assert exported.status_code == 200, exported.text[:300]
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    said = [cell for row in rows for cell in row if "at pre-screen" in cell]
    assert said and all("not complete at pre-screen" in cell for cell in said), said
    assert not [cell for row in rows for cell in row if '"triage":"green"' in cell]


def test_a_colour_not_complete_keeps_both_words() -> None:
    from kvrules.history import SENTENCES

    sent = SENTENCES["prescreen.sent"]
    assert sent({"prescreen": 3, "triage": "red"}).endswith("(triaged red at pre-screen)")
    said = sent({"prescreen": 3, "triage": "amber, not complete"})
    assert said.endswith("(amber, not complete at pre-screen)")
