"""A name or title carrying bidirectional controls cannot reorder the text after it.

Security review: a partner named with U+202E (RIGHT-TO-LEFT OVERRIDE) or U+202B and left
unterminated reached the pages as it was, and every character after it up to the end of the
block (the next partner, the record's kind, "(part of …)") was shown reversed: one
organisation's name could make another's read as something else. Each name and title from
outside is isolated (``<bdi>``), each partner in an element of its own. Read from the real
pages of a real store: every text holding a bidi control sits inside a ``<bdi>``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from kvrules.model import CollaborationEvent
from kvrules.prescreen import Screener
from kvrules.rulebook.ir import Severity
from kvrules.store import Store
from kvrules.web.bidi import isolated, isolated_in
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import PASSWORD_HASH, app_for, finding, login

RLO, RLE, PDF = "\u202e", "\u202b", "\u202c"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


# Elements a browser shows as text alone, never beside another's (a <bdi> cannot be in them)
TEXT_ALONE = {"bdi", "title", "option", "textarea"}


class _Unisolated(HTMLParser):
    """The texts of a page that hold a bidi control outside any ``<bdi>`` (or an element
    shown as text alone: ``TEXT_ALONE``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        inside = set(self.open)
        if any(c in BIDI_CONTROLS for c in data) and not inside & TEXT_ALONE:
            self.found.append(f"{'/'.join(self.open[-3:])}: {data.strip()!r}")


def unisolated(html: str) -> list[str]:
    parser = _Unisolated()
    parser.feed(html)
    parser.close()
    return parser.found


def _org(name: str, country: str, **more: object) -> dict:
    return {"name": name, "country": country, "role": "collaborator", **more}


TITLE = f"Sensing {RLO}lanif{PDF} and {RLO}unterminated"
FIRST = f"{RLO}ytisrevinU"  # unterminated: reads "University" reversed, and all after it
SECOND = f"Second {RLE}Institute"


def _store(path: Path) -> Path:
    with Store.open(path) as store:
        store.record_subject(
            CollaborationEvent.model_validate(
                {
                    "id": "ev-p-1",
                    "kind": "project.created",
                    "source": {"system": "pure", "record_id": "p-1"},
                    "occurred_at": "2026-01-05T10:00:00Z",
                    "project": {
                        "id": "p-1",
                        "title": TITLE,
                        "start": "2025-03-01",
                        "units": [f"Faculty {RLO}of Physics"],
                        "partners": [
                            _org(FIRST, "CN", candidate_lists=["us_dod_1286"]),
                            _org(SECOND, "DE", parent=f"{RLO}Parent"),
                            _org("Third University", "BE"),
                        ],
                        "funders": [{"name": f"{RLO}Fund", "country": "CN"}],
                    },
                }
            )
        )
        store.record_findings([finding("p-1", Severity.CRITICAL)], {})
        for role in ("adviser", "committee"):
            store.add_user(role, role, PASSWORD_HASH, actor="test")
    return path


def test_names_and_titles_are_isolated_on_every_page_showing_them(tmp_path: Path) -> None:
    db = _store(tmp_path / "kvrules.db")
    client = app_for(db)
    assert login(client, "committee").status_code == 200
    with Store.open(db, read_only=True) as store:
        case = store.case_for("pure", "p-1")
        assert case is not None
    found = {}
    since = "?since=2025-01-01"  # the period holding the case (critical: on the board list)
    for path in ("/cases", f"/cases/{case.id}", f"/report{since}", f"/report.html{since}"):
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert RLO in page.text, path  # the names are there (else this proves nothing)
        found[path] = unisolated(page.text)
    assert found == {path: [] for path in found}


def test_each_partner_is_an_element_of_its_own_and_a_sentence_isolates_its_name(
    tmp_path: Path,
) -> None:
    db = _store(tmp_path / "kvrules.db")
    client = app_for(db)
    assert login(client, "committee").status_code == 200
    board = client.get("/report?since=2025-01-01").text
    # each in its own element (a name of Latin letters alone needs none: it moves nothing)
    assert f"<bdi>{FIRST} (CN)</bdi>; <bdi>{SECOND} (DE)</bdi>; Third University (BE)" in board
    with Store.open(db, read_only=True) as store:
        case = store.case_for("pure", "p-1")
        assert case is not None
    page = client.get(f"/cases/{case.id}").text
    # the sentence kvrules writes around the name: the name alone isolated, the rest in order
    assert f"partner <bdi>{FIRST}</bdi> (CN) may be on the US DoD Section 1286 list" in page
    assert f'<td><bdi>{SECOND}</bdi> <span class="muted">(part of <bdi>{RLO}Parent</bdi>)' in page


def test_right_to_left_script_is_isolated_and_latin_text_left_as_it_is() -> None:
    assert isolated("جامعة طهران") == "<bdi>جامعة طهران</bdi>"  # Arabic script
    assert isolated("אוניברסיטת תל אביב") == "<bdi>אוניברסיטת תל אביב</bdi>"  # Hebrew
    assert isolated("Université <Libre>") == "Université &lt;Libre&gt;"
    assert isolated_in(f"partner {FIRST} (CN) and {RLO}unknown", [FIRST]) == (
        f"<bdi>partner {FIRST} (CN) and {RLO}unknown</bdi>"  # a control no name explains
    )


def test_the_checker_finds_an_unisolated_control() -> None:
    assert unisolated(f"<td>{FIRST}; {SECOND}</td>") == [f"td: {FIRST + '; ' + SECOND!r}"]
    assert unisolated(f"<td><bdi>{FIRST}</bdi>; <bdi>{SECOND}</bdi></td>") == []


def test_a_pre_screens_title_and_partners_are_isolated(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    fields = {
        "title": TITLE,
        "topic": "hypersonic propulsion",
        "partner0_name": FIRST,
        "partner0_country": "CN",
        "partner1_name": SECOND,
        "partner1_country": "DE",
    }
    pid = prescreen_id(submit(client, fields))
    page = client.get(f"/prescreen/{pid}").text
    assert f"<h1>Pre-screen #{pid}: <bdi>{TITLE}</bdi></h1>" in page
    assert f"<bdi>{FIRST}</bdi> (CN); <bdi>{SECOND}</bdi> (DE)" in page
    assert unisolated(page) == []
    assert unisolated(client.get("/prescreen").text) == []  # the list of pre-screens


def test_an_outputs_authors_and_units_are_each_isolated(tmp_path: Path) -> None:
    """Review of 2026-12-07: an output's units had no ``<bdi>`` at all, and its authors were
    wrapped in one together, so one author's override reversed the next author's name."""
    author, unit = f"{RLO}enaJ eoD", f"Dept {RLO}of Physics"
    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        store.record_subject(CollaborationEvent.model_validate({
            "id": "ev-o-1", "kind": "output.published",
            "source": {"system": "pure", "record_id": "o-1"},
            "occurred_at": "2026-01-05T10:00:00Z",
            "output": {"id": "o-1", "title": "Plain title",
                       "units": [unit, "Dept of Chemistry"],
                       "authors": [{"display_name": author, "role": "author"},
                                   {"display_name": "John Smith", "role": "author"}],
                       "affiliations": [{"name": "Third University", "country": "BE"}]},
        }))  # fmt: skip
        store.record_findings([finding("o-1", Severity.CRITICAL)], {})
        store.add_user("committee", "committee", PASSWORD_HASH, actor="test")
        case = store.case_for("pure", "o-1")
        assert case is not None
    client = app_for(db)
    assert login(client, "committee").status_code == 200
    page = client.get(f"/cases/{case.id}").text
    assert unisolated(page) == []
    assert f"<dt>Units</dt><dd><bdi>{unit}</bdi>; Dept of Chemistry</dd>" in page
    assert f"<dt>Authors</dt><dd><bdi>{author} (author)</bdi>; John Smith (author)</dd>" in page
