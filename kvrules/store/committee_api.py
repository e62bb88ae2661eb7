"""The committee side of ``Store`` (mixed in): accounts, record subjects, triage, match
adjudications, decisions and mitigations. Every change writes its audit entry in the same
transaction, with the acting person as ``actor``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from kvrules.model import CollaborationEvent
from kvrules.records import Remembered
from kvrules.store import account_origins as _origins
from kvrules.store import adjudications as _adj
from kvrules.store import cases as _cases
from kvrules.store import committee as _committee
from kvrules.store import credential_origins as _credentials
from kvrules.store import subjects as _subjects
from kvrules.store import users as _users
from kvrules.store.account_origins import AccountOrigin
from kvrules.store.changes import repeated, require_unchanged
from kvrules.store.db import StorePart, parse_ts


class CommitteeStore(StorePart):
    # -- accounts --------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        role: str,
        password_hash: str | None,
        *,
        actor: str,
        keep_an_admin: bool = False,
        units: Sequence[str] | _users.Keep | None = _users.KEEP,
        set_by_admin: bool = False,
    ) -> bool:
        """Create or update an account; the hash is stored, never audited. True when new.
        A new role or password ends the account's sessions; a disabled account stays so.
        ``keep_an_admin``: ValueError rather than demote the last enabled admin. ``units``:
        the units whose cases it may see (None: every unit); not given, a new account sees
        every unit and an existing one keeps its scope. ``set_by_admin``: an admin typed the
        password in the web app: the account must set its own before it decides, and the
        committee is told when it is a committee account (``kvrules.store.credential_origins``)."""
        now = self.clock()
        with self._db.transaction() as c:
            if keep_an_admin and role != "admin":
                _users.require_another_admin(c, name)
            before = _users.get(c, name)
            new = _users.upsert(c, name, role, password_hash, now, units)
            details: dict[str, Any] = {"role": role, "local_login": password_hash is not None}
            if set_by_admin and password_hash is not None:
                details[_credentials.SET_BY_ADMIN] = True
            joins = role == "committee" and (before is None or before.role != "committee")
            if set_by_admin and role == "committee" and (password_hash is not None or joins):
                told = {"account": name, "new": new, "password_set": password_hash is not None}
                self._log(
                    actor, "committee.account-set-up", _credentials.COMMITTEE_SUBJECT, told, now
                )
            if not isinstance(units, _users.Keep):
                scope = _users.check_units(units)
                details["units"] = list(scope) if scope is not None else "all"
            self._log(actor, "user.added" if new else "user.updated", f"user:{name}", details, now)
            return new

    def must_set_own_password(self, name: str) -> bool:
        """Whether an admin set the account's password last (``credential_origins``)."""
        return _credentials.must_set_own_password(self._db.conn, name)

    def committee_accounts_set_up(self, since: datetime) -> list[Any]:
        """Committee accounts an admin created or set a password of since ``since``: the
        committee's notice (audit entries, oldest first)."""
        return [
            e
            for e in self.audit_entries(_credentials.COMMITTEE_SUBJECT)  # type: ignore[attr-defined]
            if parse_ts(e.at) >= since
        ]

    def set_user_password_hash(self, name: str, password_hash: str, *, actor: str) -> None:
        now = self.clock()
        with self._db.transaction() as c:
            _users.set_password_hash(c, name, password_hash, now)
            self._log(actor, "user.password-changed", f"user:{name}", {}, now)

    def disable_user(self, name: str, *, actor: str, keep_an_admin: bool = False) -> bool:
        """True when an enabled account was disabled. ``keep_an_admin``: ValueError rather
        than disable the last enabled admin (checked in this transaction)."""
        now = self.clock()
        with self._db.transaction() as c:
            if keep_an_admin:
                _users.require_another_admin(c, name)
            done = _users.disable(c, name, now)
            if done:
                self._log(actor, "user.disabled", f"user:{name}", {}, now)
            return done

    def enable_user(self, name: str, *, actor: str) -> bool:
        now = self.clock()
        with self._db.transaction() as c:
            done = _users.enable(c, name, now)
            if done:
                self._log(actor, "user.enabled", f"user:{name}", {}, now)
            return done

    def end_user_sessions(self, name: str, *, actor: str) -> None:
        """Sign the account out everywhere: every session cookie it has stops working."""
        now = self.clock()
        with self._db.transaction() as c:
            _users.end_sessions(c, name, now)
            self._log(actor, "user.signed-out", f"user:{name}", {}, now)

    def account_origins(self) -> dict[str, AccountOrigin]:
        """Who created each account and when (from the audit log)."""
        return _origins.origins(self._db.conn)

    def approval_concerns(self) -> dict[int, str]:
        """decision id -> why its second approval deserves a look: the approver's account was
        created shortly before by the proposer, or by whoever created the proposer's
        (``kvrules.store.account_origins``)."""
        known = _origins.origins(self._db.conn)
        concerns = {}
        for d in _committee.decisions(self._db.conn):
            if d.approval == "approved":
                said = _origins.approval_concern(d.actor, d.approved_by, d.approved_at, known)
                if said:
                    concerns[d.id] = said
        return concerns

    def user(self, name: str) -> _users.User | None:
        return _users.get(self._db.conn, name)

    def users(self) -> list[_users.User]:
        return _users.listing(self._db.conn)

    # -- what was screened -----------------------------------------------------------------

    def record_subject(self, event: CollaborationEvent, not_compared: str | None = None) -> None:
        """Remember an enriched event's subject (call after enrichment, for every record).
        ``not_compared``: the record's awards no threshold compared, in words
        (``kvrules.thresholds.note_for``), kept with it for its case page."""
        with self._db.transaction(savepoint=False) as c:  # one upsert
            _subjects.put(c, event, self.clock(), not_compared)

    def subject(self, source_system: str, record_id: str) -> Remembered | None:
        """The record as remembered: its body (a dict), and ``.kind`` as it was stored."""
        return _subjects.get(self._db.conn, source_system, record_id)

    def case_subjects(self, case_ids: Iterable[int]) -> dict[int, Remembered]:
        """The remembered record of each of these cases (by case id), in one statement: a
        page naming many cases does not read them one by one."""
        return _subjects.of_cases(self._db.conn, case_ids)

    def subjects(self, kind: str | None = None) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(source_system, record_id, kind, body) of every remembered record, streamed: a
        portfolio of any size is read in pages, never held whole."""
        return _subjects.every(self._db.conn, kind)

    def case_rulebooks(self, case_ids: Sequence[int] | None = None) -> dict[int, set[str]]:
        """The rulebooks whose rules fired on each case (on these cases only, if given)."""
        where, args = _only(case_ids)
        out: dict[int, set[str]] = {}
        rows = self._db.conn.execute(
            f"SELECT DISTINCT case_id, rulebook_id FROM findings f{where}", args
        )
        for r in rows:
            out.setdefault(r[0], set()).add(r[1])
        return out

    def case_risks(self, case_ids: Sequence[int] | None = None) -> dict[int, set[str]]:
        """The risk types named by the rules that fired on each case (these cases, if given)."""
        where, args = _only(case_ids)
        out: dict[int, set[str]] = {}
        rows = self._db.conn.execute(
            "SELECT DISTINCT f.case_id, r.value FROM findings f, json_each(f.body, '$.risks') r"
            + where,
            args,
        )
        for case_id, risk in rows:
            out.setdefault(case_id, set()).add(risk)
        return out

    # -- triage and adjudication -----------------------------------------------------------

    def set_triage(
        self,
        case_id: int,
        colour: str,
        *,
        actor: str,
        note: str | None = None,
        seen: int | None = None,
    ) -> _cases.Case:
        """Give a case its colour; an open case becomes 'triaged'. ``seen``: the case's
        version the page showed; ``CaseChanged`` if someone else changed it since. The
        member's own last triage again (the form posted twice) records nothing."""
        now = self.clock()
        with self._db.transaction() as c:
            _cases.require_case(c, case_id)
            require_unchanged(c, case_id, seen, actor)
            self._triage(c, case_id, colour, actor, note, now)
            return _cases.require_case(c, case_id)

    def _triage(
        self,
        c: sqlite3.Connection,
        case_id: int,
        colour: str,
        actor: str,
        note: str | None,
        now: datetime,
    ) -> bool:
        """Triage one case inside the caller's transaction; False (nothing recorded) when the
        case's newest entry is this very triage by this member: a repeat, not news."""
        said = {"colour": colour, "note": note}
        if repeated(c, f"case:{case_id}", "case.triaged", actor, said):
            return False
        case = _cases.require_case(c, case_id)
        _committee.set_triage(c, case_id, colour, actor, now)
        if case.status == "open":
            case = _cases.set_status(c, case_id, "triaged", now)
        details = {**said, "status": case.status}
        self._log(actor, "case.triaged", f"case:{case_id}", details, now)
        return True

    def triage_colours(self) -> dict[int, str]:
        return _committee.triage(self._db.conn)

    def adjudicate_match(
        self,
        *,
        list_id: str,
        entry: str,
        org_name: str,
        country: str | None,
        verdict: str,
        reason: str,
        actor: str,
        case_id: int | None = None,
        seen: int | None = None,
    ) -> _adj.Adjudication:
        """Record an adviser's verdict on a name match; 'not-same' suppresses it next time.
        ``seen``: the version of ``case_id`` the page showed; ``CaseChanged`` if someone else
        changed the case since (a colleague's verdict on the same match is not overwritten
        unseen)."""
        now = self.clock()
        with self._db.transaction() as c:
            subject = f"case:{case_id}" if case_id is not None else f"match:{list_id}/{entry}"
            if case_id is not None:
                require_unchanged(c, case_id, seen, actor)
            asked = {"list": list_id, "entry": entry, "organisation": org_name}
            asked |= {"country": country, "verdict": verdict, "reason": reason.strip()}
            kept = _adj.get(c, list_id, entry, org_name, country)
            if kept is not None and repeated(c, subject, "match.adjudicated", actor, asked):
                return kept  # the form posted twice: recorded once
            adj = _adj.put(
                c,
                list_id=list_id,
                entry=entry,
                org_name=org_name,
                country=country,
                verdict=verdict,
                reason=reason,
                actor=actor,
                now=now,
                case_id=case_id,
            )
            details = {
                "list": list_id,
                "entry": entry,
                "organisation": org_name,
                "country": country,
                "verdict": verdict,
                "reason": adj.reason,
            }
            self._log(actor, "match.adjudicated", subject, details, now)
            return adj

    def match_suppressed(
        self, list_id: str, entry: str, org_name: str, country: str | None
    ) -> bool:
        """True when an adviser said this organisation is not that list entry."""
        return _adj.suppressed(self._db.conn, list_id, entry, org_name, country)

    def adjudications(self, case_id: int | None = None) -> list[_adj.Adjudication]:
        return _adj.listing(self._db.conn, case_id)

    def adjudications_for(self, names: list[tuple[str, str | None]]):
        return _adj.for_names(self._db.conn, names)

    # -- decisions and mitigations ---------------------------------------------------------

    def decide(
        self,
        case_id: int,
        decision: str,
        rationale: str,
        *,
        actor: str,
        review_due: date | None = None,
        mitigations: Sequence[tuple[str, str, date | None]] = (),
        seen: int | None = None,
    ) -> _committee.Decision:
        """Record the committee's decision (with its mitigation items) and decide the case.

        Idempotent: the same decision by the same member on a case it already decides (the
        form posted twice, a retried request) records nothing and returns that decision
        with ``repeat`` set, for the caller to say so. ``seen``: as ``set_triage``."""
        now = self.clock()
        with self._db.transaction() as c:  # the write lock: a second post waits, then sees it
            _users.require_decider(c, actor)
            case = _cases.require_case(c, case_id)
            require_unchanged(c, case_id, seen, actor)
            same = _committee.repeated_decision(
                c, case_id, decision, rationale, review_due, mitigations, actor, None
            )
            if same is not None and case.status == "decided" and case.decision == decision:
                return same
            _, said = _committee.add_decision_with_mitigations(
                c, case_id, decision, rationale, review_due, mitigations, actor, now
            )
            _cases.set_status(c, case_id, "decided", now, decision)
            details = {"status": "decided", **said}
            self._log(actor, "case.decided", f"case:{case_id}", details, now)
            return _committee.decisions(c, case_id)[-1]

    def decisions(self, case_id: int | None = None) -> list[_committee.Decision]:
        return _committee.decisions(self._db.conn, case_id)

    def add_mitigation(
        self,
        case_id: int,
        action: str,
        owner: str,
        due_on: date | None,
        *,
        actor: str,
        seen: int | None = None,
    ) -> int:
        """A mitigation item on a case; its id. ``seen``: as ``set_triage``. The same item
        added again by the same member right after (the form posted twice) is not added twice:
        the first one's id is returned."""
        now = self.clock()
        with self._db.transaction() as c:
            _users.require_decider(c, actor)
            _cases.require_case(c, case_id)
            require_unchanged(c, case_id, seen, actor)
            item = {
                "action": action.strip(),
                "owner": owner.strip(),
                "due_on": due_on.isoformat() if due_on else None,
            }
            if same := repeated(c, f"case:{case_id}", "mitigation.added", actor, item):
                return int(same.details["mitigation"])
            row_id = _committee.add_mitigation(c, case_id, action, owner, due_on, None, now)
            self._log(
                actor, "mitigation.added", f"case:{case_id}", {"mitigation": row_id, **item}, now
            )
            return row_id

    def set_mitigation_status(
        self, mitigation_id: int, status: str, *, actor: str, seen: int | None = None
    ) -> _committee.Mitigation:
        """``seen``: the version of the mitigation's case the page showed; ``CaseChanged`` if
        someone else changed the case since (set the mitigation done, dropped it …). A
        mitigation already in ``status`` is left as it is, with no entry."""
        now = self.clock()
        with self._db.transaction() as c:
            was = _committee.mitigation(c, mitigation_id)
            require_unchanged(c, was.case_id, seen, actor)
            if was.status == status:
                return was  # already so (the form posted twice): nothing to record
            m = _committee.set_mitigation_status(c, mitigation_id, status, now)
            details = {"mitigation": m.id, "status": status}
            self._log(actor, "mitigation.updated", f"case:{m.case_id}", details, now)
            return m

    def mitigations(
        self, case_id: int | None = None, status: str | None = None
    ) -> list[_committee.Mitigation]:
        return _committee.mitigations(self._db.conn, case_id, status)

    def mitigation_case(self, mitigation_id: int) -> int | None:
        """The case a mitigation belongs to; None when there is no such mitigation."""
        try:
            return _committee.mitigation(self._db.conn, mitigation_id).case_id
        except KeyError:
            return None

    def reopen_due_reviews(self, today: date, *, actor: str) -> list[int]:
        """Reopen decided cases whose review (renewal) date has come; audited per case."""
        now = self.clock()
        with self._db.transaction() as c:
            due = _committee.reviews_due(c, today)
            for case_id in due:
                _cases.set_status(c, case_id, "open", now)
                details = {"status": "open", "reason": "review date reached"}
                self._log(actor, "case.review-due", f"case:{case_id}", details, now)
            return due


def _only(case_ids: Sequence[int] | None) -> tuple[str, list[int]]:
    """A WHERE clause keeping the findings of these cases (all when None)."""
    if case_ids is None:
        return "", []
    return f" WHERE f.case_id IN ({', '.join('?' * len(case_ids))})", list(case_ids)
