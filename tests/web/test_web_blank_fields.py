"""A required field typed as spaces passes the browser's ``required`` check; the server
refused it with a bare "400" page and everything typed was lost ("Add a mitigation" with an
owner of spaces; an adjudication with a reason of spaces; WCAG 3.3.1, 3.3.3). Now the case
page comes back, as for the decision form: a summary linked to the field, the field marked
invalid and described by the problem, what was typed kept."""

from __future__ import annotations

import html
import re
from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_form, case_id, login


def _tag(page: str, element_id: str) -> str:
    found = re.search(
        rf"<(?:input|select|textarea)[^>]*\bid=\"{re.escape(element_id)}\"[^>]*>", page
    )
    assert found, f"no field {element_id}"
    return found.group(0)


def _summary_links(page: str) -> list[str]:
    summary = re.search(r'<div class="error" role="alert" id="form-errors">(.*?)</div>', page)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">', summary.group(1))


def test_an_owner_of_spaces_is_named_on_the_case_page_with_the_action_kept(db: Path) -> None:
    client = app_for(db)
    login(client, "committee")
    cid = case_id(db)
    typed = {**case_form(client, cid), "form": "mitigate", "action": "Limit lab access"}
    page = client.post(f"/cases/{cid}/mitigations", data={**typed, "owner": "   "})

    assert page.status_code == 400
    assert f"Case #{cid}" in page.text  # the case page, not a bare error page
    assert _summary_links(page.text) == ["na-owner"]
    owner = _tag(page.text, "na-owner")
    assert 'aria-invalid="true"' in owner and 'aria-describedby="err-owner"' in owner
    assert 'id="err-owner">name who owns this mitigation' in page.text
    assert 'value="Limit lab access"' in _tag(page.text, "na-action")
    with Store.open(db) as store:
        assert not store.mitigations(cid)

    blank_action = client.post(
        f"/cases/{cid}/mitigations", data={**typed, "action": " ", "owner": "Ana"}
    )
    assert blank_action.status_code == 400 and _summary_links(blank_action.text) == ["na-action"]
    assert 'value="Ana"' in _tag(blank_action.text, "na-owner")


def test_a_reason_of_spaces_is_named_beside_that_match_with_the_verdict_kept(db: Path) -> None:
    client = app_for(db)
    login(client, "adviser")
    cid = case_id(db)
    opened = client.get(f"/cases/{cid}").text
    match = html.unescape(re.search(r'name="match" value="([^"]+)"', opened).group(1))
    hidden = dict(
        (name, html.unescape(value))
        for name, value in re.findall(
            r'<input type="hidden" name="(list|entry|organisation|country)" value="([^"]*)">',
            opened,
        )
    )
    typed = {**case_form(client, cid), **hidden, "form": "adjudicate", "match": match}
    page = client.post(
        f"/cases/{cid}/adjudicate", data={**typed, "verdict": "same", "reason": "  "}
    )

    assert page.status_code == 400
    assert f"Case #{cid}" in page.text
    assert _summary_links(page.text) == [f"r-{match}"]
    reason = _tag(page.text, f"r-{match}")
    assert 'aria-invalid="true"' in reason and 'aria-describedby="err-reason"' in reason
    assert 'id="err-reason">give the reason for the verdict' in page.text
    verdict = re.search(rf'<select id="v-{re.escape(match)}".*?</select>', page.text).group(0)
    assert '<option value="same" selected>' in verdict  # the verdict chosen, kept
    assert page.text.count('aria-invalid="true"') == 1  # only this match's form is marked
    with Store.open(db) as store:
        assert not store.adjudications()
