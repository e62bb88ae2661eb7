"""The case list's search: free text and filters in SQL, a page at a time.

The text searched (titles, organisation names, units, ids) and the facets filtered on (units,
countries) are kept by triggers in ``subject_search`` / ``subject_facets`` (migration 6), so
a query reads short rows and the JSON of the page it returns, never every record's body.
Measured on 10,000 cases (a shared 2-core machine, under load; /tmp script in the commit
message): the first page 0.1-0.3 ms, a two-word text search 60 ms, text with a country 26-55 ms,
a route filter 18-45 ms, a risk filter 0.1 ms, the filter menus 45-150 ms, the page's 100 rows
40 ms; the list used to build every case's row on each request (2.7-8 s). A plain ``LIKE`` over
the short text is enough at this size, so no FTS index is kept (FTS5's trigram tokenizer would
also miss one- and two-letter terms such as a country code or a case number).
Words and stored text are compared folded alike (``kvrules.store.folding``: NFKC + casefold, so
"московский" finds "Московский", "école" "ÉCOLE"). The text is stored folded (migration 12,
``folding.fold_stored``): folding every row at each query made a text search over 50,000
cases 2.5-9x slower than reading the stored text (median 4.8x; same process, same file, load
6-7 on 2 cores: 76-240 ms against 23-56 ms per count).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kvrules.store.db import ts
from kvrules.store.folding import SQL_FUNCTION, fold

# A finding's alert route, spelled as the index on it (migration 6) is, so queries use it.
ROUTE = "json_extract(body, '$.alert')"
PENDING_APPROVAL = "pending-approval"  # a status filter: a decision waits for its second approver


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""  # every word must appear (title, partner, unit, PI, record id) or be the id
    severity_rank: int | None = None  # at least
    status: str = ""  # a case status, or PENDING_APPROVAL
    triage: str = ""  # a colour or "untriaged"
    unit: str = ""
    country: str = ""
    rulebook: str = ""
    risk: str = ""
    route: str = ""  # the alert route of one of the case's findings
    assignee: str = ""  # an account name, or "unassigned"
    opened_before: datetime | None = None
    # the units an account is limited to (``User.units``): only cases of a record in one of
    # them; None: every case
    scope: tuple[str, ...] | None = None


# A case is in a scope when its record names one of the units (the unit facets: a project's
# units, a visit's host unit), as the RIS names them.
IN_SCOPE = (
    "EXISTS (SELECT 1 FROM subject_facets f WHERE f.source_system = c.source_system"
    " AND f.record_id = c.record_id AND f.facet = 'unit'"
    " AND f.value IN (SELECT value FROM json_each(?)))"
)


# The record id as the search compares it: folded only when it is not ASCII (more bytes than
# characters); an ASCII id is compared as it is, which LIKE folds exactly as ``fold`` would.
_RECORD_ID = (
    "CASE WHEN length(CAST(c.record_id AS BLOB)) > length(c.record_id)"
    f" THEN {SQL_FUNCTION}(c.record_id) ELSE c.record_id END"
)


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(q: CaseQuery) -> tuple[str, list]:
    clauses, args = [], []

    def add(sql: str, *values) -> None:
        clauses.append(sql)
        args.extend(values)

    # both sides folded alike (SQLite's LIKE and lower() fold ASCII letters only): the words
    # here, the text when it is stored (migration 12), the record id as ``_RECORD_ID`` says
    for word in (fold(q.text) or "").split():
        number = word.removeprefix("#")
        by_id = " OR c.id = ?" if number.isascii() and number.isdigit() and len(number) < 19 else ""
        add(
            f"(t.text LIKE ? ESCAPE '\\' OR {_RECORD_ID} LIKE ? ESCAPE '\\'{by_id})",
            _like(word),
            _like(word),
            *([int(number)] if by_id else []),
        )
    if q.severity_rank is not None:
        add("c.severity_rank >= ?", q.severity_rank)
    if q.status == PENDING_APPROVAL:
        add("EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id AND d.approval = 'pending')")
    elif q.status:
        add("c.status = ?", q.status)
    if q.triage == "untriaged":
        add("tr.colour IS NULL")
    elif q.triage:
        add("tr.colour = ?", q.triage)
    for facet, value in (("unit", q.unit), ("country", q.country)):
        if value:
            add(
                "EXISTS (SELECT 1 FROM subject_facets f WHERE f.source_system = c.source_system"
                " AND f.record_id = c.record_id AND f.facet = ? AND f.value = ?)",
                facet,
                value,
            )
    if q.rulebook:
        add(
            "EXISTS (SELECT 1 FROM findings f WHERE f.case_id = c.id AND f.rulebook_id = ?)",
            q.rulebook,
        )
    if q.risk:
        add("c.id IN (SELECT case_id FROM case_risk_types WHERE risk = ?)", q.risk)
    if q.route:
        add(
            f"c.id IN (SELECT case_id FROM findings WHERE {ROUTE} = ?)",
            q.route,
        )
    if q.assignee == "unassigned":
        add("a.assignee IS NULL")
    elif q.assignee:
        add("a.assignee = ?", q.assignee)
    if q.opened_before is not None:
        add("c.opened_at <= ?", ts(q.opened_before))
    if q.scope is not None:
        add(IN_SCOPE, json.dumps(list(q.scope)))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


# Joined only when a query needs them: counting every case stays one index scan.
_JOINS = {
    "t.": " LEFT JOIN subject_search t ON t.source_system = c.source_system"
    " AND t.record_id = c.record_id",
    "tr.": " LEFT JOIN case_triage tr ON tr.case_id = c.id",
    "a.": " LEFT JOIN case_assignments a ON a.case_id = c.id",
}


def _from(where: str) -> str:
    return " FROM cases c" + "".join(
        join for alias, join in _JOINS.items() if f" {alias}" in where or f"({alias}" in where
    )


# Most severe first, then the longest open: what the committee should look at next.
ORDER = " ORDER BY c.severity_rank DESC, c.opened_at, c.id"


def search(
    conn: sqlite3.Connection, q: CaseQuery, *, limit: int | None = None, offset: int = 0
) -> tuple[list[int], int]:
    """The ids of the matching cases (a page of them when ``limit`` is given) and how many
    match in all."""
    where, args = _where(q)
    frm = _from(where)
    total = conn.execute("SELECT count(*)" + frm + where, args).fetchone()[0]
    page = " LIMIT ? OFFSET ?" if limit is not None else ""
    page_args = [limit, offset] if limit is not None else []
    rows = conn.execute("SELECT c.id" + frm + where + ORDER + page, [*args, *page_args])
    return [r[0] for r in rows], total


def facet_values(
    conn: sqlite3.Connection, facet: str, scope: tuple[str, ...] | None = None
) -> list[str]:
    """Every unit or country among the records that have a case (for the filter menus); of
    the cases in ``scope`` only, when given."""
    within = f" AND {IN_SCOPE}" if scope is not None else ""
    rows = conn.execute(
        "SELECT DISTINCT g.value FROM subject_facets g JOIN cases c"
        " ON c.source_system = g.source_system AND c.record_id = g.record_id"
        f" WHERE g.facet = ?{within} ORDER BY g.value",
        (facet, *([json.dumps(list(scope))] if scope is not None else [])),
    )
    return [r[0] for r in rows]


def in_scope(conn: sqlite3.Connection, case_ids: list[int], scope: tuple[str, ...]) -> set[int]:
    """Those of ``case_ids`` whose record names a unit of ``scope``."""
    rows = conn.execute(
        f"SELECT c.id FROM cases c WHERE c.id IN (SELECT value FROM json_each(?)) AND {IN_SCOPE}",
        (json.dumps(case_ids), json.dumps(list(scope))),
    )
    return {r[0] for r in rows}


def rulebooks(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT rulebook_id FROM findings ORDER BY 1")]


def routes(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        f"SELECT DISTINCT {ROUTE} FROM findings WHERE {ROUTE} IS NOT NULL ORDER BY 1"
    )
    return [r[0] for r in rows]


def assignees(conn: sqlite3.Connection) -> dict[int, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT case_id, assignee FROM case_assignments")}


def assign(conn: sqlite3.Connection, case_id: int, assignee: str, actor: str, now: datetime):
    conn.execute(
        "INSERT INTO case_assignments (case_id, assignee, actor, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (case_id) DO UPDATE SET assignee = excluded.assignee,"
        " actor = excluded.actor, at = excluded.at",
        (case_id, assignee, actor, ts(now)),
    )


def opened_before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
