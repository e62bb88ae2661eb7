"""The realistic portfolio (the simulator's and the demo's default) keeps the documented rates,
and knows which projects it made risky; the stress portfolio stays the old high-risk one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kvrules_pure.simulator import SimulatorConfig, realism
from kvrules_pure.simulator.projectgen import ProjectCore, ProjectFactory
from kvrules_pure.simulator.synthetic import University

DOCS = Path(__file__).resolve().parents[3] / "docs" / "simulator-realism.md"
PROJECTS = 3000


def cores(portfolio: str) -> tuple[University, list[ProjectCore], ProjectFactory]:
    uni = University(SimulatorConfig(projects=PROJECTS, portfolio=portfolio))
    factory = ProjectFactory(uni, PROJECTS)
    return uni, [factory.core(i) for i in range(PROJECTS)], factory


def share(cs: list[ProjectCore], test) -> float:
    return sum(map(test, cs)) / len(cs)


def test_the_realistic_portfolio_is_the_default_and_keeps_its_rates() -> None:
    assert SimulatorConfig().portfolio == "realistic"
    uni, cs, _ = cores("realistic")
    in_china = share(cs, lambda c: any(uni.ext_country.get(p) == "cn" for p in c.partners))
    assert 0.05 < in_china < 0.09  # 6.8% (Rathenau), sampled
    assert 0.11 < share(cs, lambda c: c.topic.sensitive) < 0.19  # 15%
    concern = realism.CONCERN_FUNDERS
    assert share(cs, lambda c: bool(concern & set(c.funders))) < 0.01
    eu = [uni.ext_country.get(p) in realism.EU for c in cs for p in c.partners]
    assert 0.6 < sum(eu) / len(eu) < 0.8  # mostly EU partners (plus the few of concern)


def test_the_stress_portfolio_is_the_old_high_risk_one() -> None:
    uni, cs, factory = cores("stress")
    assert share(cs, lambda c: any(uni.ext_country.get(p) == "cn" for p in c.partners)) > 0.15
    assert factory.planted() == {}  # risk everywhere by design: no ground truth to check


def test_the_ground_truth_names_what_the_generator_planted() -> None:
    uni, cs, factory = cores("realistic")
    planted = factory.planted()
    assert planted and all(re.match(r"^(committee|adviser): ", why) for why in planted.values())
    for c in cs:
        why = planted.get(c.uuid, "")
        listed = [p for p in c.partners if uni.real_org_of.get(p, None) and p in uni.real_org_of]
        listed = [p for p in listed if uni.real_org_of[p].group in realism.CONCERN_GROUPS]
        assert ("listed partner" in why) == bool(listed and c.topic.sensitive)


@pytest.mark.parametrize(
    "rate",
    [
        realism.CHINA_PARTNER,
        realism.OTHER_CONCERN_PARTNER,
        realism.LISTED_AMONG_CONCERN,
        realism.SENSITIVE_TOPIC,
        realism.EU_PARTNER,
    ],
)
def test_every_rate_is_written_down_in_the_docs(rate: float) -> None:
    assert f"| {rate * 100:.{0 if (rate * 100).is_integer() else 1}f}% |" in DOCS.read_text()


def test_an_unknown_portfolio_is_refused() -> None:
    with pytest.raises(ValueError, match="realistic, stress"):
        SimulatorConfig(portfolio="mild")


@pytest.mark.parametrize("portfolio", ["realistic", "stress"])
def test_a_project_is_run_by_a_unit_of_its_field(portfolio: str) -> None:
    """'Plasma-facing materials for fusion reactors' came from the Department of Education,
    'Healthy ageing in rural communities' from Aerospace Engineering: a project's unit is one
    whose field covers the project's topic (when some unit covers it), the same on every run."""
    uni, cs, _ = cores(portfolio)
    covered = {key for unit in uni.research_units for key in unit.topics}
    misplaced = [
        (c.title, c.unit.name)
        for c in cs
        if c.topic.key in covered and c.topic.key not in c.unit.topics
    ]
    assert misplaced == []
    again = ProjectFactory(uni, PROJECTS)
    assert [again.core(i).unit.name for i in range(50)] == [c.unit.name for c in cs[:50]]
