BEGIN TRANSACTION;
CREATE TABLE adapter_state (
        source TEXT NOT NULL,
        space TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source, space, key)
    ) WITHOUT ROWID;
CREATE TABLE adjudications (
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
    );
CREATE TABLE alert_outbox (
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
    , sending_since TEXT, possible_repeat INTEGER NOT NULL DEFAULT 0, unreachable_since TEXT);
CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        client TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
    );
CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
INSERT INTO "audit_log" VALUES(1,'2026-12-07T15:51:29.292647Z','dpo','privacy.erased','privacy:(erased person f854a786)','{"account":0,"audit_entries_kept":0,"audit_entries_quoting":[],"pseudonym":"(erased person f854a786)","records":1,"request":null,"texts":0}','0000000000000000000000000000000000000000000000000000000000000000','a451999e39afdb6c4e936d2b14fb8c226c2a1bb25ad5022a5189a879632fbe64');
CREATE TABLE case_assignments (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        assignee TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
CREATE TABLE case_risk_types (
        risk TEXT NOT NULL,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        PRIMARY KEY (risk, case_id)
    ) WITHOUT ROWID;
CREATE TABLE case_triage (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        colour TEXT NOT NULL CHECK (colour IN ('green', 'amber', 'red')),
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
CREATE TABLE cases (
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
    );
CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        decision TEXT NOT NULL
            CHECK (decision IN ('approve', 'approve-with-mitigations', 'reject')),
        rationale TEXT NOT NULL,
        review_due TEXT,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    , approval TEXT CHECK (approval IN ('pending', 'approved', 'superseded')), approved_by TEXT, approved_at TEXT);
CREATE TABLE erased_people (
        digest TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL,
        erased_at TEXT NOT NULL
    ) WITHOUT ROWID;
INSERT INTO "erased_people" VALUES('6e4f51e548578f9061648345cee2cc433ff9e47a96355b3654759177ec7ad5d5','(erased person f854a786)','2026-12-07T15:51:29.292647Z');
CREATE TABLE findings (
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
    , listed TEXT, lapsed TEXT, changes TEXT);
CREATE TABLE mitigations (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        decision_id INTEGER REFERENCES decisions(id),
        action TEXT NOT NULL,
        owner TEXT NOT NULL,
        due_on TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
CREATE TABLE prescreens (
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
    );
CREATE TABLE privacy_key (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
INSERT INTO "privacy_key" VALUES(1,'cefe7b6c8a3c532d7587a452c0e33a1dfe5fada15d1a95f6ebdd001b44f03423');
CREATE TABLE quarantine (
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        excerpt TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        times_seen INTEGER NOT NULL DEFAULT 1,
        released_at TEXT,
        PRIMARY KEY (source, record_id)
    ) WITHOUT ROWID;
CREATE TABLE record_snapshots (
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        last_changed TEXT NOT NULL,
        PRIMARY KEY (source, record_id)
    ) WITHOUT ROWID;
CREATE TABLE record_subjects (
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source_system, record_id)
    ) WITHOUT ROWID;
INSERT INTO "record_subjects" VALUES('pure','p-1','project','{"kind": "project.created", "occurred_at": "2026-01-05T10:00:00Z", "project": {"id": "p-1", "title": "Quantum sensing <b>p-1</b>", "start": "2025-03-01", "units": ["Faculty of Physics"], "keywords": [], "classifications": [], "partners": [{"name": "Beihang University", "aliases": [], "country": "CN", "identifiers": [], "types": [], "lists": [], "candidate_lists": ["us_dod_1286"], "country_signals": [], "ror_lineage": [], "screening": [{"list": "us_dod_1286", "edition": "FY25", "entry": "1286-042", "name": "Nanjing University of Aeronautics and Astronautics", "method": "fuzzy", "score": 0.88, "candidate": true, "kind": "designation"}], "role": "collaborator"}], "funders": [{"name": "Foreign Science Fund", "aliases": [], "country": "CN", "identifiers": [], "types": [], "lists": [], "candidate_lists": [], "country_signals": [], "ror_lineage": [], "screening": [], "amount": "250000", "currency": "EUR"}], "participants": [{"affiliations": [], "role": "pi", "display_name": "(erased person f854a786)"}], "applications": [], "sensitive_areas": [], "area_words": {}}}','2026-12-07T15:51:29.291896Z');
INSERT INTO "record_subjects" VALUES('pure','p-2','project','{"kind": "project.created", "occurred_at": "2026-01-05T10:00:00Z", "project": {"id": "p-2", "title": "Quantum sensing <b>p-2</b>", "start": "2025-03-01", "units": ["Faculty of Physics"], "keywords": [], "classifications": [], "partners": [{"name": "Beihang University", "aliases": [], "country": "CN", "identifiers": [], "types": [], "lists": [], "candidate_lists": ["us_dod_1286"], "country_signals": [], "ror_lineage": [], "screening": [{"list": "us_dod_1286", "edition": "FY25", "entry": "1286-042", "name": "Nanjing University of Aeronautics and Astronautics", "method": "fuzzy", "score": 0.88, "candidate": true, "kind": "designation"}], "role": "collaborator"}], "funders": [{"name": "Foreign Science Fund", "aliases": [], "country": "CN", "identifiers": [], "types": [], "lists": [], "candidate_lists": [], "country_signals": [], "ror_lineage": [], "screening": [], "amount": "250000", "currency": "EUR"}], "participants": [{"affiliations": [], "role": "pi", "display_name": "Ayşe Kılıç"}], "applications": [], "sensitive_areas": [], "area_words": {}}}','2026-12-07T15:51:29.292473Z');
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO "schema_version" VALUES(1,'initial','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(2,'committee','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(3,'write-back ownership, send attempts','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(4,'session generation','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(5,'pre-screens, API tokens, grant officers','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(6,'case work: assignments, four-eyes, search','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(7,'pre-screened proposals are no projects','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(8,'audit log by subject','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(9,'adapter state rows','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(10,'findings keep the list entries they rest on','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(11,'findings made before keep their list entries too','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(12,'case search text stored folded','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(13,'dry runs remember their plan','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(14,'erased people','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(15,'accounts scoped to units','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(16,'alerts remember an unreachable channel','2026-12-07T15:51:29.258447Z');
INSERT INTO "schema_version" VALUES(17,'findings keep their history','2026-12-07T15:51:29.258447Z');
CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        adapter TEXT,
        cursor TEXT,
        cursor_updated_at TEXT,
        created_at TEXT NOT NULL
    );
CREATE TABLE subject_facets (
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        facet TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source_system, record_id, facet, value)
    ) WITHOUT ROWID;
INSERT INTO "subject_facets" VALUES('pure','p-1','country','CN');
INSERT INTO "subject_facets" VALUES('pure','p-2','country','CN');
INSERT INTO "subject_facets" VALUES('pure','p-1','unit','Faculty of Physics');
INSERT INTO "subject_facets" VALUES('pure','p-2','unit','Faculty of Physics');
CREATE TABLE subject_search (
        source_system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (source_system, record_id)
    ) WITHOUT ROWID;
INSERT INTO "subject_search" VALUES('pure','p-1','p-1 quantum sensing <b>p-1</b> faculty of physics beihang university nanjing university of aeronautics and astronautics foreign science fund (erased person f854a786)');
INSERT INTO "subject_search" VALUES('pure','p-2','p-2 quantum sensing <b>p-2</b> faculty of physics beihang university nanjing university of aeronautics and astronautics foreign science fund ayşe kılıç');
CREATE TABLE "users" (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL
            CHECK (role IN ('viewer', 'adviser', 'committee', 'admin', 'grant-officer')),
        password_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        disabled_at TEXT,
        session_generation INTEGER NOT NULL DEFAULT 0
    , units TEXT) WITHOUT ROWID;
CREATE TABLE writeback_queue (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        record_id TEXT NOT NULL,
        tags TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, written_tags TEXT, attempted_tags TEXT, skipped_reason TEXT, planned_tags TEXT,
        UNIQUE (source, record_id)
    );
CREATE INDEX findings_case ON findings(case_id);
CREATE INDEX alert_outbox_due ON alert_outbox(next_attempt_at)
        WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX decisions_case ON decisions(case_id);
CREATE INDEX mitigations_case ON mitigations(case_id);
CREATE INDEX prescreens_actor ON prescreens(actor);
CREATE UNIQUE INDEX api_tokens_live ON api_tokens(client) WHERE revoked_at IS NULL;
CREATE INDEX case_assignments_assignee ON case_assignments(assignee);
CREATE INDEX subject_facets_value ON subject_facets(facet, value);
CREATE TRIGGER subject_search_insert AFTER INSERT ON record_subjects BEGIN INSERT OR REPLACE INTO subject_search (source_system, record_id, text) SELECT new.source_system, new.record_id, coalesce((SELECT lower(group_concat(j.value, ' ')) FROM json_tree(new.body) j WHERE j.type = 'text' AND (j.key IN ('title', 'name', 'display_name', 'purpose', 'host_unit', 'id') OR j.path LIKE '%.units' OR j.path LIKE '%.aliases')), '') ; INSERT OR IGNORE INTO subject_facets (source_system, record_id, facet, value) SELECT new.source_system, new.record_id, 'unit', u.value FROM json_each(new.body, '$.project.units') u UNION SELECT new.source_system, new.record_id, 'unit', new.body ->> '$.visit.host_unit' WHERE new.body ->> '$.visit.host_unit' IS NOT NULL UNION SELECT new.source_system, new.record_id, 'country', j.value FROM json_tree(new.body) j WHERE j.key = 'country' AND j.type = 'text'; END;
CREATE TRIGGER subject_search_update AFTER UPDATE OF body ON record_subjects WHEN old.body IS NOT new.body BEGIN DELETE FROM subject_search WHERE source_system = old.source_system AND record_id = old.record_id; DELETE FROM subject_facets WHERE source_system = old.source_system AND record_id = old.record_id; INSERT OR REPLACE INTO subject_search (source_system, record_id, text) SELECT new.source_system, new.record_id, coalesce((SELECT lower(group_concat(j.value, ' ')) FROM json_tree(new.body) j WHERE j.type = 'text' AND (j.key IN ('title', 'name', 'display_name', 'purpose', 'host_unit', 'id') OR j.path LIKE '%.units' OR j.path LIKE '%.aliases')), '') ; INSERT OR IGNORE INTO subject_facets (source_system, record_id, facet, value) SELECT new.source_system, new.record_id, 'unit', u.value FROM json_each(new.body, '$.project.units') u UNION SELECT new.source_system, new.record_id, 'unit', new.body ->> '$.visit.host_unit' WHERE new.body ->> '$.visit.host_unit' IS NOT NULL UNION SELECT new.source_system, new.record_id, 'country', j.value FROM json_tree(new.body) j WHERE j.key = 'country' AND j.type = 'text'; END;
CREATE TRIGGER subject_search_delete AFTER DELETE ON record_subjects BEGIN DELETE FROM subject_search WHERE source_system = old.source_system AND record_id = old.record_id; DELETE FROM subject_facets WHERE source_system = old.source_system AND record_id = old.record_id; END;
CREATE INDEX findings_rulebook ON findings(rulebook_id, case_id);
CREATE TRIGGER case_risk_types_insert AFTER INSERT ON findings BEGIN INSERT OR IGNORE INTO case_risk_types (risk, case_id) SELECT value, new.case_id FROM json_each(new.body, '$.risks'); END;
CREATE INDEX findings_route ON findings(json_extract(body, '$.alert'), case_id);
CREATE INDEX cases_list ON cases(severity_rank DESC, opened_at, id);
CREATE INDEX audit_log_subject ON audit_log(subject, id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('audit_log',1);
COMMIT;
