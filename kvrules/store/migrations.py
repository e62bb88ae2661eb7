"""Numbered schema migrations, applied in order; never edit one that has shipped, add a new one.

Each migration is a tuple of single statements (not a script) so that it runs inside the
caller's transaction: ``executescript`` would commit on its own and could leave a half-applied
migration behind. A migration whose rows need more than SQL to fill in names a step (``then``),
run after its statements in the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import NamedTuple

from kvrules.findings import Finding
from kvrules.plain import entries_behind
from kvrules.store.folding import fold_stored


class Migration(NamedTuple):
    version: int
    name: str
    statements: tuple[str, ...]
    then: Callable[[sqlite3.Connection], None] | None = None


# A person's erasure alone lifts it, inside its own transaction (kvrules.store.privacy.erase).
AUDIT_NO_UPDATE = """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""

_INITIAL = (
    # Sources and their resume points; the cursor is an opaque adapter string.
    """CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        adapter TEXT,
        cursor TEXT,
        cursor_updated_at TEXT,
        created_at TEXT NOT NULL
    )""",
    # Hash of the material part of each source record, to tell a real change from noise.
    """CREATE TABLE record_snapshots (
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        last_changed TEXT NOT NULL,
        PRIMARY KEY (source, record_id)
    ) WITHOUT ROWID""",
    # One case per source record: what the committee works on.
    """CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'triaged', 'decided', 'closed')),
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        decision TEXT,
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        decided_at TEXT,
        UNIQUE (source_system, record_id)
    )""",
    """CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        rule_id TEXT NOT NULL,
        rulebook_id TEXT NOT NULL,
        rulebook_version TEXT NOT NULL,
        severity TEXT NOT NULL,
        event_id TEXT NOT NULL,
        body TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    )""",
    "CREATE INDEX findings_case ON findings(case_id)",
    # The transactional outbox: rows are written with the finding that caused them.
    """CREATE TABLE alert_outbox (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        route TEXT NOT NULL,
        case_id INTEGER REFERENCES cases(id),
        finding_id INTEGER REFERENCES findings(id),
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        leased_until TEXT,
        delivered_at TEXT,
        dead_at TEXT,
        last_error TEXT
    )""",
    """CREATE INDEX alert_outbox_due ON alert_outbox(next_attempt_at)
        WHERE delivered_at IS NULL AND dead_at IS NULL""",
    # Tags wanted on a source record; the newest wish replaces an undelivered older one.
    """CREATE TABLE writeback_queue (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        tags TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (source, record_id)
    )""",
    """CREATE TABLE quarantine (
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        excerpt TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        times_seen INTEGER NOT NULL DEFAULT 1,
        released_at TEXT,
        PRIMARY KEY (source, record_id)
    ) WITHOUT ROWID""",
    # Append-only, hash-chained. AUTOINCREMENT: a deleted tail id is never reused.
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    # Triggers stop accidents; the hash chain catches whoever drops them first.
    AUDIT_NO_UPDATE,
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
)

# The committee side (web app): people, what they decided, and what the pipeline must remember.
_COMMITTEE = (
    # Local accounts; password_hash is NULL for reverse-proxy (SSO) users, who never log in here.
    """CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'adviser', 'committee', 'admin')),
        password_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        disabled_at TEXT
    ) WITHOUT ROWID""",
    # What each screened record was, as enriched (no people): the case page and the portfolio
    # report read it. Keyed by record, not case, so records without findings count too.
    """CREATE TABLE record_subjects (
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source_system, record_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE case_triage (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        colour TEXT NOT NULL CHECK (colour IN ('green', 'amber', 'red')),
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    # An adviser's verdict on one name match; 'not-same' suppresses it in later scans.
    """CREATE TABLE adjudications (
        id INTEGER PRIMARY KEY,
        list_id TEXT NOT NULL,
        entry TEXT NOT NULL,
        org_key TEXT NOT NULL,
        country TEXT NOT NULL DEFAULT '',
        org_name TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('not-same', 'same')),
        reason TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        case_id INTEGER REFERENCES cases(id),
        UNIQUE (list_id, entry, org_key, country)
    )""",
    # Every committee decision (a case may be decided again after it reopens).
    """CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        decision TEXT NOT NULL
            CHECK (decision IN ('approve', 'approve-with-mitigations', 'reject')),
        rationale TEXT NOT NULL,
        review_due TEXT,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX decisions_case ON decisions(case_id)",
    """CREATE TABLE mitigations (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        decision_id INTEGER REFERENCES decisions(id),
        action TEXT NOT NULL,
        owner TEXT NOT NULL,
        due_on TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX mitigations_case ON mitigations(case_id)",
)

_OWNERSHIP_AND_ATTEMPTS = (
    # What kvrules itself last wrote to a record (JSON list; NULL: never): it owns only that,
    # and leaves any other value, set by a person, as it is.
    "ALTER TABLE writeback_queue ADD COLUMN written_tags TEXT",
    # A write about to be made: if kvrules dies before recording the outcome, the value found
    # next time may be this one, and it is then kvrules' own.
    "ALTER TABLE writeback_queue ADD COLUMN attempted_tags TEXT",
    # Why the wish was not written (someone else's value); the row is then done until the wish
    # changes.
    "ALTER TABLE writeback_queue ADD COLUMN skipped_reason TEXT",
    # Set (durably) right before an alert is handed to its channel, cleared when the outcome is
    # recorded: still set on the next attempt means a sender died mid-send, so that attempt
    # may have reached the recipient and the next send says it may be a repeat.
    "ALTER TABLE alert_outbox ADD COLUMN sending_since TEXT",
    "ALTER TABLE alert_outbox ADD COLUMN possible_repeat INTEGER NOT NULL DEFAULT 0",
)

_SESSION_GENERATION = (
    # Web sessions carry the account's generation; raising it ends every session of the
    # account at once (logout, password reset, role change, disabling).
    "ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0",
)

_PRESCREEN = (
    # The grant-officer role (pre-screens their own proposals, sees nothing else): SQLite cannot
    # change a CHECK constraint in place, so the table is rebuilt with the same rows.
    """CREATE TABLE users_v5 (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL
            CHECK (role IN ('viewer', 'adviser', 'committee', 'admin', 'grant-officer')),
        password_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        disabled_at TEXT,
        session_generation INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    "INSERT INTO users_v5 (name, role, password_hash, created_at, updated_at, disabled_at,"
    " session_generation) SELECT name, role, password_hash, created_at, updated_at, disabled_at,"
    " session_generation FROM users",
    "DROP TABLE users",
    "ALTER TABLE users_v5 RENAME TO users",
    # Every pre-screen (web form or API): who asked, what they described, what the answer was,
    # and the case it became once sent to the committee.
    """CREATE TABLE prescreens (
        id INTEGER PRIMARY KEY,
        reference TEXT NOT NULL,
        actor TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('web', 'api')),
        at TEXT NOT NULL,
        proposal TEXT NOT NULL,
        result TEXT NOT NULL,
        events TEXT NOT NULL,
        triage TEXT NOT NULL CHECK (triage IN ('green', 'amber', 'red')),
        case_id INTEGER REFERENCES cases(id)
    )""",
    "CREATE INDEX prescreens_actor ON prescreens(actor)",
    # API clients' tokens: only the SHA-256 of each token (a random 256-bit secret) is kept.
    """CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        client TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
    )""",
    # One live token per client: issuing a new one means revoking the old one first.
    "CREATE UNIQUE INDEX api_tokens_live ON api_tokens(client) WHERE revoked_at IS NULL",
)


# What the case list's free-text search reads of a remembered record: titles, organisation
# names (partners, funders, affiliations, listed names), the name the RIS gives the project's
# lead (``display_name``, the PI), units, ids, lower-cased in one line.
# Kept by triggers, so every writer (scans, pre-screens, retention) keeps it right without
# knowing of it, and purged content leaves it with the record.
def _search_text(body: str) -> str:
    return (
        "SELECT lower(group_concat(j.value, ' ')) FROM json_tree("
        + body
        + ") j WHERE j.type = 'text' AND (j.key IN ('title', 'name', 'display_name', 'purpose',"
        " 'host_unit', 'id') OR j.path LIKE '%.units' OR j.path LIKE '%.aliases')"
    )


def _index_subject(row: str, source: str = "") -> tuple[str, str]:
    """Statements filling the search text and the facets (units, countries) of ``row``'s
    record; ``source`` is the FROM clause when ``row`` is a table alias, not a trigger's row."""
    keys, body = f"{row}.source_system, {row}.record_id", f"{row}.body"
    also = f"{source}, " if source else ""
    only = f"FROM {source} " if source else ""
    facets = (
        f"SELECT {keys}, 'unit', u.value FROM {also}json_each({body}, '$.project.units') u",
        f"SELECT {keys}, 'unit', {body} ->> '$.visit.host_unit' {only}"
        f"WHERE {body} ->> '$.visit.host_unit' IS NOT NULL",
        f"SELECT {keys}, 'country', j.value FROM {also}json_tree({body}) j"
        " WHERE j.key = 'country' AND j.type = 'text'",
    )
    return (
        f"INSERT OR REPLACE INTO subject_search (source_system, record_id, text)"
        f" SELECT {keys}, coalesce(({_search_text(body)}), '') {only}",
        "INSERT OR IGNORE INTO subject_facets (source_system, record_id, facet, value) "
        + " UNION ".join(facets),
    )


def _unindex_subject(row: str) -> tuple[str, str]:
    where = f"source_system = {row}.source_system AND record_id = {row}.record_id"
    return (
        f"DELETE FROM subject_search WHERE {where}",
        f"DELETE FROM subject_facets WHERE {where}",
    )


def _trigger(name: str, when: str, statements: tuple[str, ...]) -> str:
    return f"CREATE TRIGGER {name} {when} BEGIN " + "; ".join(statements) + "; END"


_CASEWORK = (
    # Who works a case: an adviser account, set one case at a time or in bulk (audited).
    """CREATE TABLE case_assignments (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        assignee TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX case_assignments_assignee ON case_assignments(assignee)",
    # Four-eyes: NULL = no second approval asked; 'pending' until a different committee member
    # approves; 'superseded' when a newer decision replaced a pending one.
    "ALTER TABLE decisions ADD COLUMN approval TEXT"
    " CHECK (approval IN ('pending', 'approved', 'superseded'))",
    "ALTER TABLE decisions ADD COLUMN approved_by TEXT",
    "ALTER TABLE decisions ADD COLUMN approved_at TEXT",
    # The case list's search and filters at thousands of cases (kvrules/store/casesearch.py):
    # one short text and a few facet rows per record, so a page parses no JSON but its own.
    """CREATE TABLE subject_search (
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (source_system, record_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE subject_facets (
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        facet TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source_system, record_id, facet, value)
    ) WITHOUT ROWID""",
    "CREATE INDEX subject_facets_value ON subject_facets(facet, value)",
    _trigger("subject_search_insert", "AFTER INSERT ON record_subjects", _index_subject("new")),
    _trigger(
        "subject_search_update",
        # a re-screen often writes the same body again: nothing to re-index then
        "AFTER UPDATE OF body ON record_subjects WHEN old.body IS NOT new.body",
        (*_unindex_subject("old"), *_index_subject("new")),
    ),
    _trigger("subject_search_delete", "AFTER DELETE ON record_subjects", _unindex_subject("old")),
    *_index_subject("s", "record_subjects s"),  # records remembered before this migration
    "CREATE INDEX findings_rulebook ON findings(rulebook_id, case_id)",
    # The risk types each case's findings name (the risk filter), so that filtering does not
    # read every finding's body; findings are never deleted nor moved to another case.
    """CREATE TABLE case_risk_types (
        risk TEXT NOT NULL,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        PRIMARY KEY (risk, case_id)
    ) WITHOUT ROWID""",
    _trigger(
        "case_risk_types_insert",
        "AFTER INSERT ON findings",
        (
            "INSERT OR IGNORE INTO case_risk_types (risk, case_id)"
            " SELECT value, new.case_id FROM json_each(new.body, '$.risks')",
        ),
    ),
    "INSERT OR IGNORE INTO case_risk_types (risk, case_id)"
    " SELECT r.value, f.case_id FROM findings f, json_each(f.body, '$.risks') r",
    "CREATE INDEX findings_route ON findings(json_extract(body, '$.alert'), case_id)",
    # The list's order (most severe, longest open first) read from an index, page by page.
    "CREATE INDEX cases_list ON cases(severity_rank DESC, opened_at, id)",
)

# A proposal sent to the committee from a pre-screen was remembered as a project: its funders
# moved units' foreign-funding shares and the portfolio counted it (kvrules.store.subjects).
_PROPOSALS = ("UPDATE record_subjects SET kind = 'proposal' WHERE source_system = 'prescreen'",)

# What adapters keep between scans beside their cursor (kvrules.AdapterState): Pure's reverse
# index and version map were packed into its cursor, rewritten whole at every page.
_ADAPTER_STATE = (
    """CREATE TABLE adapter_state (
        source TEXT NOT NULL,
        space TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source, space, key)
    ) WITHOUT ROWID""",
)

# A finding keeps the list entries it rests on as they were found (edition, entry, the list's
# spelling, kind, licence: ``kvrules.plain.entries_behind``), so a later edition never rewrites
# its evidence; ``lapsed`` says which later editions no longer list them (a re-screen notes it).
_FINDINGS_AS_FOUND = (
    "ALTER TABLE findings ADD COLUMN listed TEXT",
    "ALTER TABLE findings ADD COLUMN lapsed TEXT",
)


def _fill_listed(conn: sqlite3.Connection) -> None:
    """Findings made before migration 10 kept no list entries (``listed`` NULL), so a later
    edition could rewrite their evidence and lower their tag: they get the entries of the
    record as remembered now, the closest there is to how it was found. A database upgraded
    with migration 10 alone has such rows too, hence a migration of its own."""
    rows = conn.execute(
        "SELECT f.id, f.body AS finding, s.body AS subject FROM findings f"
        " JOIN record_subjects s ON s.source_system = f.body ->> '$.source_system'"
        " AND s.record_id = f.body ->> '$.source_record_id' WHERE f.listed IS NULL"
    ).fetchall()
    for r in rows:
        finding = Finding.from_dict(json.loads(r["finding"]))
        listed = entries_behind(finding.evidence, json.loads(r["subject"]))
        conn.execute(
            "UPDATE findings SET listed = ? WHERE id = ?",
            (json.dumps(listed, ensure_ascii=False), r["id"]),
        )


def _fold_search_text(conn: sqlite3.Connection) -> None:
    """The case search compared ``kv_fold(text)`` with the folded words, calling the fold (a
    Python function) on every case's text at every query: the text is now stored folded
    (``kvrules.store.folding.fold_stored``, also called after each record is written), so a
    query reads it as it is."""
    fold_stored(conn)


# A person's erasure (kvrules.store.privacy): a keyed digest of each erased name, never the
# name, so a scan reading the record again from the RIS stores the pseudonym in its place; the
# key is the database's own, made on first use.
_PRIVACY = (
    """CREATE TABLE erased_people (
        digest TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL,
        erased_at TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE TABLE privacy_key (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL)",
)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", _INITIAL),
    Migration(2, "committee", _COMMITTEE),
    Migration(3, "write-back ownership, send attempts", _OWNERSHIP_AND_ATTEMPTS),
    Migration(4, "session generation", _SESSION_GENERATION),
    Migration(5, "pre-screens, API tokens, grant officers", _PRESCREEN),
    Migration(6, "case work: assignments, four-eyes, search", _CASEWORK),
    Migration(7, "pre-screened proposals are no projects", _PROPOSALS),
    # The audit page reads one subject's entries a page at a time (kvrules.store.audit.page)
    Migration(
        8,
        "audit log by subject",
        ("CREATE INDEX IF NOT EXISTS audit_log_subject ON audit_log(subject, id)",),
    ),
    Migration(9, "adapter state rows", _ADAPTER_STATE),
    Migration(10, "findings keep the list entries they rest on", _FINDINGS_AS_FOUND),
    Migration(11, "findings made before keep their list entries too", (), _fill_listed),
    Migration(12, "case search text stored folded", (), _fold_search_text),
    # The tags a dry run last planned for the record (JSON list; NULL: none since the wish):
    # a plan unchanged since is not planned again (no read of the record, no audit row).
    Migration(
        13,
        "dry runs remember their plan",
        ("ALTER TABLE writeback_queue ADD COLUMN planned_tags TEXT",),
    ),
    Migration(14, "erased people", _PRIVACY),
    # An account limited to some units (JSON list of unit names as the RIS gives them): it
    # sees only the cases of records in them. NULL: every unit, as before.
    Migration(15, "accounts scoped to units", ("ALTER TABLE users ADD COLUMN units TEXT",)),
    # Since when an alert's channel could not be reached (NULL: it could, or no attempt yet):
    # such an alert is retried for as long as the outage lasts, never dead-lettered for it,
    # and `kvrules alerts` and `watch` say since when.
    Migration(
        16,
        "alerts remember an unreachable channel",
        ("ALTER TABLE alert_outbox ADD COLUMN unreachable_since TEXT",),
    ),
    # What changed in a finding updated in place since it was found (JSON list, oldest first:
    # when, which scan, what it now names or no longer names, severity, evidence). NULL:
    # nothing changed. Findings keep their ids and fingerprints: nothing else moves.
    Migration(17, "findings keep their history", ("ALTER TABLE findings ADD COLUMN changes TEXT",)),
    # The fold reads the Turkish dotless i as "i" (kvrules.store.folding): texts holding one
    # are folded again, a name in capitals and the same in lower case find each other.
    Migration(18, "case search text folds the dotless i", (), _fold_search_text),
    # When a scan last changed one of the case's findings (NULL: never): the case page's
    # "updated" time. Apart from cases.updated_at, which retention reads as committee activity.
    Migration(
        19,
        "cases remember when their findings changed",
        ("ALTER TABLE cases ADD COLUMN findings_changed_at TEXT",),
    ),
    # Stored records (``record_subjects.body``) may hold ``areas_not_screened`` (the language
    # of a text the area vocabulary has no terms in), which 0.4.0's model refuses: its scan
    # stopped with exit 70 on every re-screen of a file this release had scanned. No table
    # changes; the number does: 0.4.0 refuses a newer schema in one line, and the upgrade
    # keeps its ``.schema-19.bak`` (README, "Rolling back").
    Migration(20, "stored records say which text was not screened for areas", ()),
)
