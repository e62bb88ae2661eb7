"""One finding card (``_finding.html``) for the case page and the pre-screen result: the case
page's extras (when seen, risk chips, adjudication) are options of the same macro."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from kvrules.store import Store
from tests.verdicts import set_1286_entry_aside
from tests.web.web_helpers import app_for, case_id, login

TEMPLATES = files("kvrules.web").joinpath("templates")


def test_the_finding_card_is_written_once() -> None:
    holders = [
        t.name for t in TEMPLATES.iterdir() if "Why it matters" in t.read_text(encoding="utf-8")
    ]
    assert holders == ["_finding.html"]
    for page in ("case.html", "prescreen_result.html"):
        assert "import finding_card" in TEMPLATES.joinpath(page).read_text(encoding="utf-8")


def test_case_page_card_keeps_its_extras(db: Path) -> None:
    cid = case_id(db)
    with Store.open(db) as store:
        set_1286_entry_aside(
            store,
            "1286-042",
            "Najing Univ. of Aeronautics & Astronautics",
            "a private college",
            case_id=cid,
        )
    client = app_for(db)
    login(client, "adviser")
    page = client.get(f"/cases/{cid}").text
    card = page.split('<article class="card finding"', 1)[1].split("</article>", 1)[0]
    assert "first seen" in card and '<span class="chip">' in card  # seen, risk chips
    assert "<strong>not the same organisation</strong> — a private college" in card
    assert f'action="/cases/{cid}/adjudicate"' in card and 'name="csrf_token"' in card
    assert '<th scope="col">Kind</th>' in card


def test_list_matches_are_in_words_with_their_ids_one_click_away(db: Path) -> None:
    """The match table names the list and how the name matched in words; the list and entry
    ids, the method's code and the matcher's explanation sit in its technical detail."""
    cid = case_id(db)
    client = app_for(db)
    login(client, "adviser")
    page = client.get(f"/cases/{cid}").text
    table = page.split("List matches behind this evidence", 1)[1].split("</table>", 1)[0]
    row = table.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    seen, technical = row.split('<details class="technical">', 1)
    assert "US DoD Section 1286 list" in seen
    assert "us_dod_1286" not in seen and "1286-042" not in seen
    assert (
        "entry <code>1286-042</code>" in technical and "list <code>us_dod_1286</code>" in technical
    )
