"""The data subject's requests as ``Store`` methods (mixed in): see ``kvrules.store.privacy``."""

from __future__ import annotations

from dataclasses import dataclass

from kvrules.store import audit as _audit
from kvrules.store import privacy as _privacy
from kvrules.store import retention as _retention
from kvrules.store.db import StorePart, ts


@dataclass(frozen=True)
class ErasureLeft:
    """An erasure made by a release that left the audit entries quoting the name (0.3.0: its
    ``privacy.erased`` entry has no seals), not re-run since under the same pseudonym."""

    at: str  # the erasure's audit time, ts() text
    pseudonym: str
    request: str | None


@dataclass(frozen=True)
class Erasure:
    pseudonym: str
    found: _privacy.Held
    applied: bool
    audit_id: int | None = None


class PrivacyStore(StorePart):
    def person_data(self, name: str, *, actor: str, reference: str | None = None) -> _privacy.Held:
        """What the store holds about ``name`` (an access request's answer); audited with
        the counts and the request's reference, never the name."""
        if not _privacy.normal(name):
            raise ValueError("name the person whose data to export")
        now = self.clock()
        with self._db.transaction() as c:
            found = _privacy.held(c, name)
            details = {"request": reference, **found.counts()}
            self._log(actor, _privacy.EXPORTED_ACTION, "privacy:access", details, now)
            return found

    def erase_person(
        self,
        name: str,
        *,
        actor: str,
        apply: bool = False,
        reference: str | None = None,
        single_word: bool = False,
    ) -> Erasure:
        """Replace ``name`` by a pseudonym wherever the store holds it (dry run unless
        ``apply``; a one-word name only with ``single_word``, ``privacy.is_full_name``), audit
        entries quoting it included; audited as ``privacy.erased`` with the
        pseudonym, counts and the seals of the rewritten entries, never the name. Deleted
        text is zeroed in its pages; call ``compact`` afterwards, as after ``purge``."""
        if not _privacy.normal(name):
            raise ValueError("name the person whose data to erase")
        if apply and not single_word and not _privacy.is_full_name(name):
            raise ValueError(
                f"{name!r} is one word, which may also be a common word or another person's "
                'name part ("Will" is in "We will review it"): give the full name as the '
                "RIS writes it, or read the dry run and pass --single-word"
            )
        # one person, one pseudonym: erasing again (an erasure made under 0.3.0, which left
        # the audit entries quoting the name, re-run) keeps the one the name was erased to
        pseudonym = _privacy.erased_pseudonym(self._db.conn, name) or _privacy.new_pseudonym()
        if not apply:
            return Erasure(pseudonym, _privacy.held(self._db.conn, name), applied=False)
        now = self.clock()
        with _retention.secure_delete(self._db.conn), self._db.transaction() as c:
            found, seals = _privacy.erase(c, name, pseudonym, ts(now))
            details = {
                "request": reference,
                "pseudonym": pseudonym,
                **found.counts(),
                # the entries that quoted the name, rewritten: each sealed by the SHA-256 of
                # its new content, so `audit verify` checks them (kvrules.store.audit.verify)
                _privacy.SEALS: seals,
            }
            self._log(actor, _privacy.ERASED_ACTION, f"privacy:{pseudonym}", details, now)
            entry = c.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
        return Erasure(pseudonym, found, applied=True, audit_id=entry)

    def erasures_leaving_audit(self) -> list[ErasureLeft]:
        """The erasures to re-run now that erasure rewrites the audit log: made without seals
        (before 0.4.0) and not erased again since (a re-run keeps the pseudonym)."""
        left: dict[str, ErasureLeft] = {}
        for entry in _audit.entries_of_action(self._db.conn, _privacy.ERASED_ACTION):
            pseudonym = entry.details.get("pseudonym")
            if not isinstance(pseudonym, str):
                continue
            if _privacy.SEALS in entry.details:
                left.pop(pseudonym, None)
            else:
                left[pseudonym] = ErasureLeft(entry.at, pseudonym, entry.details.get("request"))
        return list(left.values())
