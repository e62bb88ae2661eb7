"""The data subject's requests as ``Store`` methods (mixed in): see ``kvrules.store.privacy``."""

from __future__ import annotations

from dataclasses import dataclass

from kvrules.store import privacy as _privacy
from kvrules.store import retention as _retention
from kvrules.store.db import StorePart, ts


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
        pseudonym = _privacy.new_pseudonym()
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
