"""A country's entry may be of another kind than its signal's: the EU arms embargo is a set of
Council decisions, but for China it is the European Council's 1989 declaration, a political
commitment (reviewer, 2026-12-07: the evidence said "a political commitment …; a designation")."""

from __future__ import annotations

import pytest

from kvrules.enrich.countries import ProfileError, default_profiles, parse_profiles

SIGNAL = {"label": "Embargo", "kind": "designation", "cite": "x", "rationale": "y"}


def test_china_s_arms_embargo_is_a_political_commitment_russia_s_a_designation():
    profiles = default_profiles()
    assert profiles.explain("CN", "eu-arms-embargo").kind == "commitment"
    assert profiles.explain("RU", "eu-arms-embargo").kind == "designation"
    assert "Council Decision" not in profiles.explain("CN", "eu-arms-embargo").rationale


def test_a_kind_of_its_own_is_checked_and_named_in_the_error():
    data = {
        "signals": {"embargo": SIGNAL},
        "countries": {"CN": {"name": "China", "signals": {"embargo": {"basis": "b", "kind": "x"}}}},
    }
    with pytest.raises(ProfileError, match=r"country 'CN' signal 'embargo'.*designation, "):
        parse_profiles(data, "p.yaml")
