"""The store side: migration, subjects without people, accounts, the enricher hook."""

from __future__ import annotations

from pathlib import Path

from kvrules.enrich.organisations import OrganisationScreen
from kvrules.model import Organisation
from kvrules.store import Store
from kvrules.store.migrations import MIGRATIONS
from tests.web.web_helpers import MATCH, event


def test_committee_migration_is_applied(db: Path) -> None:
    with Store.open(db) as store:
        assert store.schema_version == MIGRATIONS[-1].version >= 2


def test_subjects_keep_organisations_but_not_people(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.record_subject(event("p-9", "Some University", "CN", with_match=True))
        body = store.subject("pure", "p-9")
    assert body["project"]["partners"][0]["screening"][0]["entry"] == "1286-042"
    assert body["project"]["participants"] == [{"affiliations": []}]


def test_user_repr_hides_the_hash(tmp_path: Path) -> None:
    with Store.open(tmp_path / "u.db") as store:
        store.add_user("bob", "viewer", "$argon2id$secret", actor="t")
        user = store.user("bob")
        assert "argon2" not in repr(user)
        assert all("argon2" not in str(e.details) for e in store.audit_entries())


class _Resolver:
    threshold = 0.85

    def match(self, name, country, ror):
        from kvrules.refdata.models import Match

        return [Match(ror_id=None, **MATCH)]


def test_the_enricher_drops_suppressed_matches(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store:
        screen = OrganisationScreen(_Resolver(), suppressed=store.match_suppressed)  # type: ignore[arg-type]
        org = Organisation(name="Najing Univ. of Aeronautics & Astronautics", country="CN")
        screen(org)
        assert org.candidate_lists == ["us_dod_1286"]
        store.adjudicate_match(
            list_id="us_dod_1286",
            entry="1286-042",
            org_name=org.name,
            country="CN",
            verdict="not-same",
            reason="different institute",
            actor="adviser",
        )
        again = Organisation(name="Najing Univ. of Aeronautics & Astronautics", country="CN")
        screen(again)
        assert again.candidate_lists == [] and again.screening == []
