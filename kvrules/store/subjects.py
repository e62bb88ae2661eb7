"""What each screened record was, as enriched: the project (or output, or visit) with its
partners, funders and their list screening, so a case page can show the partner behind
``project.partners[1].lists`` and the portfolio report can count collaborations.

People are reduced to their affiliations (organisations), no attributes; only the project's
lead (its principal investigator) and a research output's own authors keep the name and role
the RIS gives (the role as rules read it, and as given: ``kvrules.roles``), so a case says
whose project (or output) it is
(``kvrules.records``), and a visitor keeps the role if it is a known one
(``kvrules.roles.known_role``; never the name, nor the text as given).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from kvrules.intake import with_notes
from kvrules.model import CollaborationEvent
from kvrules.records import PRESCREEN_SYSTEM, Remembered, lead_participant
from kvrules.roles import UNKNOWN_ROLE, known_role
from kvrules.store.db import ts
from kvrules.store.folding import fold_stored
from kvrules.store.privacy import keep_erased_out
from kvrules.thresholds import NOTE


def event_body(body: dict[str, Any]) -> dict[str, Any]:
    """A remembered body as its event's fields alone: without what was kept beside them (the
    note of awards not compared, ``kvrules.thresholds.NOTE``)."""
    return {k: v for k, v in body.items() if k != NOTE}


def _people(people: list[dict[str, Any]], *, lead_named: bool = True) -> list[dict[str, Any]]:
    # Keep list positions (evidence paths index them); the lead alone keeps role and name: the
    # role as rules read it (``kvrules.roles``) and, if a known role, as given.
    lead = lead_participant(people) if lead_named else None
    return [
        {"affiliations": p.get("affiliations", [])} | (_lead_kept(p) if p is lead else {})
        for p in people
    ]


def _lead_kept(person: dict[str, Any]) -> dict[str, Any]:
    """The lead's name, role as rules read it and, only when it is a known role, as given
    ("Principal Investigator"): free text ("PI, Iranian national") is never stored."""
    kept = {k: person[k] for k in ("role", "display_name") if person.get(k) is not None}
    if (given := person.get("role_given")) and known_role(given):
        kept["role_given"] = given
    return kept


def subject_body(event: CollaborationEvent) -> dict[str, Any]:
    body = event.model_dump(mode="json", exclude={"id", "source"}, exclude_none=True)
    # A partner that kept its country only because the registry is partial: its case page says
    # so, as the scan did (the field is left out of every dump of the event, so put back here).
    body = with_notes(event, body)
    if project := body.get("project"):
        project["participants"] = _people(project.get("participants", []))
    if output := body.get("output"):
        # its own authors name whose output it is, as a project's lead does: name and role
        # as the lead keeps them (a role of free text is never stored as given)
        output["authors"] = [_lead_kept(a) for a in output.get("authors", [])]
    if visit := body.get("visit"):
        # the visitor's role ("visiting researcher") says what the visit is, so the case page
        # shows it; never a name, nor an attribute. The RIS's role is free text that may hold
        # a nationality ("Iranian PhD student"): only a known role is kept (``known_role``).
        role = (visit.get("visitor") or {}).get("role")
        visit["visitor"] = _people([visit.get("visitor", {})], lead_named=False)[0] | (
            {"role": known_role(role) or UNKNOWN_ROLE} if role else {}
        )
    return body


def subject_kind(event: CollaborationEvent) -> str:
    # Before "project": an application's proposal, and a proposal pre-screened outside the RIS,
    # are no projects of the portfolio (funding shares are computed from the projects alone).
    if event.source.system == PRESCREEN_SYSTEM:
        return "proposal"
    if event.application is not None:
        return "application"
    if event.project is not None:
        return "project"
    if event.output is not None:
        return "output"
    return "visit" if event.visit is not None else str(event.kind)


def put(
    conn: sqlite3.Connection,
    event: CollaborationEvent,
    now: datetime,
    not_compared: str | None = None,
) -> None:
    remembered = subject_body(event)
    if not_compared:  # beside the event's own fields; read back without it (``event_body``)
        remembered[NOTE] = not_compared
    # a lead, partner or affiliation whose erasure was asked for (``kvrules privacy erase``)
    # keeps the pseudonym given then, however often the RIS still sends the name
    keep_erased_out(conn, remembered)
    body = json.dumps(remembered, ensure_ascii=False)
    conn.execute(
        "INSERT INTO record_subjects (source_system, record_id, kind, body, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_system, record_id) DO UPDATE SET"
        " kind = excluded.kind, body = excluded.body, updated_at = excluded.updated_at",
        (event.source.system, event.source.record_id, subject_kind(event), body, ts(now)),
    )
    if not body.isascii():  # the search text the triggers kept: lower-cased, ASCII only
        fold_stored(conn, event.source.system, event.source.record_id)


def touch(conn: sqlite3.Connection, source_system: str, record_id: str, now: datetime) -> None:
    """A scan read the record again, unchanged: it is still in the source (retention counts
    a record without findings from the last time a scan saw it). No-op when not remembered."""
    conn.execute(
        "UPDATE record_subjects SET updated_at = ? WHERE source_system = ? AND record_id = ?",
        (ts(now), source_system, record_id),
    )


def get(conn: sqlite3.Connection, source_system: str, record_id: str) -> Remembered | None:
    """The record's body with the kind it was stored as (``subject_kind``)."""
    r = conn.execute(
        "SELECT kind, body FROM record_subjects WHERE source_system = ? AND record_id = ?",
        (source_system, record_id),
    ).fetchone()
    return Remembered(json.loads(r["body"]), r["kind"]) if r else None


def of_cases(conn: sqlite3.Connection, case_ids: Iterable[int]) -> dict[int, Remembered]:
    """case id -> its record's body and kind, for the cases that have a remembered record."""
    rows = conn.execute(
        "SELECT c.id, s.kind, s.body FROM cases c JOIN record_subjects s"
        " ON s.source_system = c.source_system AND s.record_id = c.record_id"
        " WHERE c.id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(case_ids))),),
    )
    return {r["id"]: Remembered(json.loads(r["body"]), r["kind"]) for r in rows}


# Rows read per query while streaming: bounded memory, and a short read each time, so the
# caller may write to the same connection between rows (a re-screen updates what it reads).
PAGE = 500


def every(
    conn: sqlite3.Connection, kind: str | None = None
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(source_system, record_id, kind, body) of every remembered record, streamed in key order.

    Read in pages by key (never one open SELECT across the caller's writes, whose effect on a
    running statement SQLite leaves undefined), so memory stays flat however many are stored.
    """
    where, args = ("kind = ? AND ", [kind]) if kind is not None else ("", [])
    after: tuple[str, str] = ("", "")
    while True:
        rows = conn.execute(
            "SELECT source_system, record_id, kind, body FROM record_subjects"
            f" WHERE {where}(source_system, record_id) > (?, ?)"
            " ORDER BY source_system, record_id LIMIT ?",
            (*args, *after, PAGE),
        ).fetchall()
        for r in rows:
            yield r["source_system"], r["record_id"], r["kind"], json.loads(r["body"])
        if len(rows) < PAGE:
            return
        after = (rows[-1]["source_system"], rows[-1]["record_id"])
