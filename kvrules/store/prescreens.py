"""Pre-screens and the API clients that may ask for them (mixed into ``Store``).

Every pre-screen is kept with who asked (an account, or ``api:<client>``), what they described
and the answer, and is audited in the same transaction. Sending one to the committee opens a
case for source system ``prescreen`` and the proposal's reference, with the proposal as the
case's subject and the findings it had.

An API token is a random 256-bit secret shown once when issued; only its SHA-256 is stored (a
slow hash adds nothing for a secret that cannot be guessed), so the database never holds one.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from kvrules.actors import SYSTEM_ACTOR
from kvrules.findings import Finding
from kvrules.model import CollaborationEvent
from kvrules.records import PRESCREEN_SYSTEM
from kvrules.rulebook.ir import Severity
from kvrules.store import cases as _cases
from kvrules.store import committee as _committee
from kvrules.store import subjects as _subjects
from kvrules.store.db import StorePart, parse_ts, ts

SOURCE_SYSTEM = PRESCREEN_SYSTEM
TOKEN_PREFIX = "kvr_"
API_ACTOR = "api:"  # an API client acts as "api:<client>"
CLIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def verdict_of(triage: Mapping[str, Any]) -> str:
    """A pre-screen's triage as shown and recorded beside its result: "red", "amber", "green",
    "not complete" (a green that is not complete is no green), "amber, not complete". The
    ``triage`` column keeps the colour alone (its CHECK allows the three), so a table, an audit
    entry or a case's history says this instead (reviewer, 2026-12-07: "Your pre-screens" and
    the case history said "green" for a NOT COMPLETE). A pre-screen stored before the headline
    existed has its colour."""
    headline = triage.get("headline") or str(triage.get("colour") or "")
    return str(headline).lower()


@dataclass(frozen=True)
class Prescreen:
    id: int
    reference: str
    actor: str
    via: Literal["web", "api"]
    at: datetime
    proposal: dict[str, Any]
    result: dict[str, Any]
    events: list[dict[str, Any]]
    triage: str  # the colour alone: read ``verdict`` wherever it is shown
    case_id: int | None

    @property
    def verdict(self) -> str:
        """ "red", "not complete", "amber, not complete" … (``verdict_of``)."""
        return verdict_of(self.result.get("triage") or {"colour": self.triage})


@dataclass(frozen=True)
class ApiToken:
    id: int
    client: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _prescreen(r: sqlite3.Row) -> Prescreen:
    return Prescreen(
        r["id"],
        r["reference"],
        r["actor"],
        r["via"],
        parse_ts(r["at"]),
        json.loads(r["proposal"]),
        json.loads(r["result"]),
        json.loads(r["events"]),
        r["triage"],
        r["case_id"],
    )


def _token(r: sqlite3.Row) -> ApiToken:
    used, revoked = r["last_used_at"], r["revoked_at"]
    return ApiToken(
        r["id"],
        r["client"],
        r["created_by"],
        parse_ts(r["created_at"]),
        parse_ts(used) if used else None,
        parse_ts(revoked) if revoked else None,
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PrescreenStore(StorePart):
    # -- pre-screens -----------------------------------------------------------------------

    def record_prescreen(
        self,
        *,
        proposal: dict[str, Any],
        result: dict[str, Any],
        events: list[CollaborationEvent],
        actor: str,
        via: Literal["web", "api"],
    ) -> int:
        """Keep one pre-screen (``result``: ``Screening.as_dict()``) and audit it; its id."""
        now = self.clock()
        triage = result["triage"]["colour"]
        with self._db.transaction() as c:
            cur = c.execute(
                "INSERT INTO prescreens (reference, actor, via, at, proposal, result, events,"
                " triage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result["reference"],
                    actor,
                    via,
                    ts(now),
                    json.dumps(proposal, ensure_ascii=False, default=str),
                    json.dumps(result, ensure_ascii=False, default=str),
                    json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False),
                    triage,
                ),
            )
            row_id = cur.lastrowid or 0
            details = {
                "via": via,
                "reference": result["reference"],
                "triage": verdict_of(result["triage"]),
                "findings": sorted({f["rule_id"] for f in result["findings"]}),
                "screened_against": result["screened_against"],
            }
            self._log(actor, "prescreen.screened", f"prescreen:{row_id}", details, now)
            return row_id

    def prescreen(self, prescreen_id: int) -> Prescreen | None:
        r = self._db.conn.execute("SELECT * FROM prescreens WHERE id = ?", (prescreen_id,))
        row = r.fetchone()
        return _prescreen(row) if row else None

    def prescreens(self, actor: str | None = None) -> list[Prescreen]:
        """Newest first; only ``actor``'s when given."""
        sql, args = "SELECT * FROM prescreens", ()
        if actor is not None:
            sql, args = sql + " WHERE actor = ?", (actor,)
        return [_prescreen(r) for r in self._db.conn.execute(sql + " ORDER BY id DESC", args)]

    def send_prescreen(
        self,
        prescreen_id: int,
        *,
        actor: str,
        routes: Mapping[str, Sequence[str]] | None = None,
    ) -> int:
        """Open (or join) the committee's case for a pre-screen: the proposal becomes the case's
        subject, its findings the case's findings. ``actor`` sent it; kvrules opens the case
        and records the findings, queuing their alerts along ``routes`` exactly as a scan does
        (``record_findings``). Returns the case id; KeyError if unknown."""
        now = self.clock()
        with self._db.transaction() as c:
            screened = self.prescreen(prescreen_id)
            if screened is None:
                raise KeyError(prescreen_id)
            note = screened.result.get("not_compared")  # said on the case page as on the form
            for body in screened.events:
                _subjects.put(c, CollaborationEvent.model_validate(body), now, note)
            findings = [Finding.from_dict(f) for f in screened.result["findings"]]
            severity = max(
                (Severity(f.severity) for f in findings),
                default=Severity.INFO,
                key=lambda s: s.rank,
            )
            case, event = _cases.upsert_case(c, SOURCE_SYSTEM, screened.reference, severity, now)
            subject = f"case:{case.id}"
            details = {"case": case.id, "prescreen": prescreen_id, "triage": screened.verdict}
            # who sent it, and from where, in the case's own history first
            self._log(actor, "prescreen.sent", subject, details, now)
            if event:
                record = f"{SOURCE_SYSTEM}:{screened.reference}"
                opened = {"record": record, "prescreen": prescreen_id}
                self._log(SYSTEM_ACTOR, f"case.{event}", subject, opened, now)
            self.record_findings(findings, routes or {})  # type: ignore[attr-defined]
            self._carry_triage(c, case.id, prescreen_id, screened.result.get("triage") or {}, now)
            c.execute("UPDATE prescreens SET case_id = ? WHERE id = ?", (case.id, prescreen_id))
            self._log(actor, "prescreen.sent", f"prescreen:{prescreen_id}", details, now)
            return case.id

    def _carry_triage(
        self,
        c: sqlite3.Connection,
        case_id: int,
        prescreen_id: int,
        triage: Mapping[str, Any],
        now: datetime,
    ) -> None:
        """The pre-screen's colour is the case's first triage, with why, in kvrules' name: the
        committee opening a case from a RED pre-screen read "not yet triaged" and nowhere
        that, nor why, it was red. Only the colour and its reason are carried: the findings
        that set it are the case's findings already (a factor is never counted twice), and
        the case stays open for an adviser to triage. An adviser's colour (or an earlier
        pre-screen's) stands; a green that is NOT COMPLETE is no colour."""
        colour = triage.get("colour")
        if colour not in _committee.TRIAGE or case_id in _committee.triage(c):
            return
        if colour == "green" and triage.get("complete") is False:
            return
        headline = triage.get("headline") or str(colour).upper()
        details = {
            "colour": colour,
            "note": f"pre-screen {prescreen_id} was {headline}: {triage.get('reason')}",
            "prescreen": prescreen_id,
            "rule": triage.get("rule"),
        }
        _committee.set_triage(c, case_id, colour, SYSTEM_ACTOR, now)
        self._log(SYSTEM_ACTOR, "case.triaged", f"case:{case_id}", details, now)

    # -- API tokens ------------------------------------------------------------------------

    def issue_api_token(self, client: str, *, actor: str) -> str:
        """A new token for ``client`` (shown once, stored as its hash); ValueError when the
        client already has a live one (revoke it first) or the name is unusable."""
        if not CLIENT_NAME.fullmatch(client):
            raise ValueError(
                "an API client's name is one word of letters, digits, '.', '_' or '-', "
                "e.g. grants-portal"
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        with self._db.transaction() as c:
            try:
                c.execute(
                    "INSERT INTO api_tokens (client, token_sha256, created_by, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (client, token_digest(token), actor, ts(now)),
                )
            except sqlite3.IntegrityError:
                raise ValueError(
                    f"{client} already has a token: revoke it first (kvrules tokens revoke)"
                ) from None
            self._log(actor, "api-token.issued", f"api-client:{client}", {}, now)
        return token

    def revoke_api_token(self, client: str, *, actor: str) -> bool:
        """Revoke the client's live token at once; False when it has none."""
        now = self.clock()
        with self._db.transaction() as c:
            cur = c.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE client = ? AND revoked_at IS NULL",
                (ts(now), client),
            )
            if cur.rowcount:
                self._log(actor, "api-token.revoked", f"api-client:{client}", {}, now)
            return cur.rowcount > 0

    def api_tokens(self) -> list[ApiToken]:
        rows = self._db.conn.execute("SELECT * FROM api_tokens ORDER BY client, id")
        return [_token(r) for r in rows]

    def api_client(self, token: str) -> str | None:
        """The client a live token belongs to (and note its use), else None."""
        now = self.clock()
        with self._db.transaction() as c:
            row = c.execute(
                "SELECT client FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL",
                (token_digest(token),),
            ).fetchone()
            if row is None:
                return None
            c.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE token_sha256 = ?",
                (ts(now), token_digest(token)),
            )
            return row["client"]
