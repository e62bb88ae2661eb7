"""Remembered subjects are streamed: a scan's memory must not grow with the stored portfolio."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.store.subjects import PAGE

RECORDS = 4 * PAGE + 7  # several pages, the last one partial


def project_event(n: int, title: str = "") -> CollaborationEvent:
    return CollaborationEvent.model_validate(
        {
            "id": f"ev-{n}",
            "kind": "project.created",
            "source": {"system": "pure", "record_id": f"p-{n:05d}"},
            "occurred_at": "2026-01-05T10:00:00Z",
            "project": {
                "id": f"p-{n:05d}",
                "title": title or f"Project {n} " + "x" * 2000,  # a body worth keeping track of
                "units": ["Faculty of Physics"],
                "funders": [{"name": "Fund", "country": "CN", "amount": "1000", "currency": "EUR"}],
            },
        }
    )


def fill(store: Store) -> None:
    with store.transaction():
        for n in range(RECORDS):
            store.record_subject(project_event(n))


def peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_subjects_are_streamed_not_listed(store: Store) -> None:
    fill(store)

    def stream() -> None:
        for _subject in store.subjects():
            pass

    held = peak_bytes(lambda: list(store.subjects()))
    streamed = peak_bytes(stream)
    # Streaming holds one page of rows at a time, a list holds all of them.
    assert streamed < held / 2, (streamed, held)


def test_every_subject_is_read_once_even_when_rewritten_while_streaming(store: Store) -> None:
    fill(store)
    seen = []
    with store.transaction():
        for system, record_id, kind, _body in store.subjects("project"):
            seen.append(record_id)
            # What a re-screen does: rewrite the record being read (and another one ahead).
            store.record_subject(project_event(int(record_id[2:]), title="re-screened"))
            store.record_subject(project_event(RECORDS - 1, title="re-screened"))
            assert (system, kind) == ("pure", "project")
    assert seen == [f"p-{n:05d}" for n in range(RECORDS)]
    assert {body["project"]["title"] for *_, body in store.subjects()} == {"re-screened"}
    assert list(store.subjects("output")) == []


def test_an_application_is_remembered_as_an_application_not_a_project(tmp_path) -> None:
    """A funding application's proposal travels as a project, but it is no project of the
    portfolio: the funding shares (subjects of kind 'project') must not count it twice."""
    application = CollaborationEvent.model_validate(
        {
            **project_event(1).model_dump(mode="json"),
            "kind": "application.submitted",
            "source": {"system": "pure", "record_id": "applications/a-1"},
            "application": {"id": "a-1", "status": "submitted"},
        }
    )
    with Store.open(tmp_path / "kvrules.db") as store:
        store.record_subject(project_event(2))
        store.record_subject(application)
        assert [r for _, r, _, _ in store.subjects("project")] == ["p-00002"]
        assert [r for _, r, _, _ in store.subjects("application")] == ["applications/a-1"]
        assert store.subject("pure", "applications/a-1")["application"]["status"] == "submitted"


def test_a_proposal_sent_to_the_committee_is_no_project_of_the_portfolio(store) -> None:
    # A pre-screened proposal becomes a case's subject; its funders must not move any unit's
    # foreign-funding share, and the portfolio must not count it as a project.
    proposal = {
        "id": "prescreen:ps-1:project.created",
        "kind": "project.created",
        "source": {"system": "prescreen", "record_id": "ps-1"},
        "occurred_at": "2026-12-01T10:00:00Z",
        "project": {
            "id": "ps-1",
            "title": "Hypersonic test",
            "units": ["Aerospace"],
            "funders": [{"name": "A foreign fund", "country": "CN", "amount": "9000000"}],
        },
    }
    screened = store.record_prescreen(
        proposal={"title": "Hypersonic test"},
        result={
            "reference": "ps-1",
            "triage": {"colour": "red"},
            "findings": [],
            "screened_against": [],
        },
        events=[CollaborationEvent.model_validate(proposal)],
        actor="grant-officer",
        via="web",
    )
    store.send_prescreen(screened, actor="grant-officer")
    assert [s[:3] for s in store.subjects("project")] == []
    assert [s[:3] for s in store.subjects("proposal")] == [("prescreen", "ps-1", "proposal")]


def test_proposals_remembered_as_projects_before_are_set_right_on_upgrade(db_path) -> None:
    import sqlite3

    with Store.open(db_path) as store:
        store.record_subject(
            CollaborationEvent.model_validate(
                {
                    "id": "e1",
                    "kind": "project.created",
                    "source": {"system": "prescreen", "record_id": "ps-1"},
                    "occurred_at": "2026-12-01T10:00:00Z",
                    "project": {"id": "ps-1", "title": "Hypersonic test"},
                }
            )
        )
    with sqlite3.connect(db_path) as conn:  # as an older kvrules left it
        conn.execute("UPDATE record_subjects SET kind = 'project'")
        # A database at version 6: what later migrations added goes too.
        conn.execute("DELETE FROM schema_version WHERE version >= 7")
        conn.execute("DROP TABLE adapter_state")
        conn.execute("ALTER TABLE findings DROP COLUMN listed")
        conn.execute("ALTER TABLE findings DROP COLUMN lapsed")
        conn.execute("ALTER TABLE writeback_queue DROP COLUMN planned_tags")
        conn.execute("DROP TABLE erased_people")  # migration 14
        conn.execute("DROP TABLE privacy_key")
        conn.execute("ALTER TABLE users DROP COLUMN units")  # migration 15
        conn.execute("ALTER TABLE alert_outbox DROP COLUMN unreachable_since")  # migration 16
        conn.execute("ALTER TABLE findings DROP COLUMN changes")  # migration 17
        conn.execute("ALTER TABLE cases DROP COLUMN findings_changed_at")  # migration 19
    conn.close()  # `with` commits only: an upgrade refuses while a connection has it open
    with Store.open(db_path) as store:
        assert [s[2] for s in store.subjects()] == ["proposal"]
