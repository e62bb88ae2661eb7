"""STRAC's "not fundable" rule knows the four agencies in both official languages.

The reviewer's defect: ``stra-nro-on-canadian-federal-grant`` matched only the English names
and acronyms, so a grant from the "Conseil de recherches en sciences naturelles et en génie du
Canada (CRSNG)", the "Instituts de recherche en santé du Canada (IRSC)", the "Conseil de
recherches en sciences humaines (CRSH)" or the FCI was not recognised as a federal grant.
"""

from __future__ import annotations

import pytest

from tests.scan_helpers import shipped_rules_fired

NOT_FUNDABLE = "stra-nro-on-canadian-federal-grant"


def _fires(funder: dict) -> bool:
    fired = shipped_rules_fired(
        "ca-strac",
        title="Quantum sensing",
        sensitive_areas=["stra:quantum-science"],
        partners=[{"name": "Example Defence University", "country": "CN", "lists": ["ca_nro"]}],
        funders=[funder],
    )
    return NOT_FUNDABLE in fired


@pytest.mark.parametrize(
    "name",
    [
        "Conseil de recherches en sciences naturelles et en génie du Canada (CRSNG)",
        "Conseil de recherches en sciences naturelles et en genie du Canada",
        "CRSNG",
        "Instituts de recherche en santé du Canada (IRSC)",
        "IRSC",
        "Conseil de recherches en sciences humaines (CRSH)",
        "Conseil de recherches en sciences humaines du Canada",
        "CRSH",
        "Fondation canadienne pour l'innovation",
        "Fondation canadienne pour l’innovation (FCI)",
        "FCI",
        "CFI",
        "Canada Foundation for Innovation",
        "Natural Sciences and Engineering Research Council of Canada (NSERC)",
        "NSERC Discovery Grant RGPIN-2026-00001",
        "Canadian Institutes of Health Research",
        "SSHRC Insight Grant",
    ],
)
def test_each_agency_in_either_language_makes_the_grant_not_fundable(name: str):
    assert _fires({"name": name, "country": "CA"})
    assert _fires({"name": name})  # country not given


@pytest.mark.parametrize(
    "funder",
    [
        {"name": "FCI", "country": "IT"},  # another body's acronym abroad
        {"name": "Fonds de recherche du Québec", "country": "CA"},  # provincial, not STRAC's
        {"name": "Mitacs", "country": "CA"},
        {"name": "CFIS Foundation", "country": "CA"},  # whole words only
    ],
)
def test_other_funders_are_not_the_agencies(funder: dict):
    assert not _fires(funder)
