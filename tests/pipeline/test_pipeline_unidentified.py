"""A scan follows pre-screening's ethics line (README, "Where a country counts"): a visitor's
institution that nothing identifies, or a name that is no organisation ("Private individual"),
is not screened on its country — that country would in effect be the visitor's nationality.
An identified institution is screened as before, on its lists and its country.

End to end: a Pure visit (real HTTP, the simulator) hosted by one of the university's own units,
with three visitors: one from a listed institution the registry knows, one from an institution
nothing knows, one who is a private individual — the latter two in the same country."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from tests.conftest import HEADER, rule_yaml
from tests.pipeline.pipeline_helpers import System, start_system

UNKNOWN = "Institute of Applied Optics and Fine Mechanics Qingdao"
PERSON = "Private individual"
# One rule per kind a shipped rulebook has on a visitor: a country signal, a country outside the
# EU, and a list; each fires once per visitor's institution it holds for.
RULES = [
    rule_yaml(
        "visitor-country-signal",
        """'any a in visit.visitor.affiliations: a.country_signals contains "us-country-of-concern"'""",
        on="visit.requested",
    ),
    rule_yaml(
        "visitor-outside-eu",
        """'any a in visit.visitor.affiliations: a.country exists and a.country not in ["NL"]'""",
        on="visit.requested",
    ),
    rule_yaml(
        "visitor-listed",
        """'any a in visit.visitor.affiliations: a.lists contains "us_dod_1286"'""",
        on="visit.requested",
    ),
]


def _organisation(system: System, name: str, like: dict, uuid: str) -> dict:
    """An external organisation in ``like``'s country, without identifiers (no ROR id)."""
    org = {k: v for k, v in copy.deepcopy(like).items() if k != "identifiers"}
    org.update(
        uuid=uuid,
        name={"en_GB": name},
        alternativeNames=[],
        acronym=None,
        previousUuids=[],
    )
    system.sim.store.collection("external-organizations").add(org)
    return {"systemName": "ExternalOrganization", "uuid": uuid}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[System, dict, str]]:
    workdir = tmp_path_factory.mktemp("unidentified")
    system = start_system(workdir, projects=10)
    try:
        orgs = system.sim.store.collection("external-organizations")
        listed = orgs.get(orgs.source.uuid_at(0))  # Beihang University (CN), with its ROR id
        assert listed is not None and listed["name"]["en_GB"] == "Beihang University"
        activities = system.sim.store.collection("activities")
        visit = copy.deepcopy(activities.get(activities.source.uuid_at(0)))
        visit["uuid"] = "11111111-2222-4333-8444-555555555555"
        visit["visitors"] = [
            {"externalOrganizations": [{"systemName": "ExternalOrganization", "uuid": uuid}]}
            for uuid in (
                listed["uuid"],
                _organisation(system, UNKNOWN, listed, "11111111-2222-4333-8444-000000000001")[
                    "uuid"
                ],
                _organisation(system, PERSON, listed, "11111111-2222-4333-8444-000000000002")[
                    "uuid"
                ],
            )
        ]
        activities.add(visit)
        (workdir / "rb.yaml").write_text(HEADER + "".join(RULES))
        config = yaml.safe_load(system.config.read_text())
        config["sources"]["pure"]["settings"]["activities"] = True
        config["rulebooks"] = [str(workdir / "rb.yaml")]
        system.config.write_text(yaml.safe_dump(config))
        result = CliRunner().invoke(cli, ["scan", "--config", str(system.config)])
        assert result.exit_code == 0, result.output
        yield system, visit, result.output
    finally:
        system.stop()


def _fired(system: System, visit: dict) -> dict[str, set[str]]:
    """Rule id → the visitor's institutions its evidence names, for the visit's findings."""
    result = CliRunner().invoke(
        cli, ["findings", "--config", str(system.config), "--json", "--status", "all"]
    )
    assert result.exit_code == 0, result.output
    fired: dict[str, set[str]] = {}
    for text in result.output.splitlines():  # a finding per line
        if visit["uuid"] not in text:
            continue
        finding = json.loads(text)
        evidence = json.dumps([finding["evidence"], finding["evidence_technical"]])
        names = {n for n in ("Beihang University", UNKNOWN, PERSON) if n in evidence}
        fired.setdefault(finding["rule"].split("/")[1], set()).update(names)
    return fired


def test_an_identified_visitors_institution_is_screened_on_its_lists_and_country(
    scanned: tuple[System, dict, str],
) -> None:
    system, visit, _ = scanned
    fired = _fired(system, visit)
    assert fired.get("visitor-listed") == {"Beihang University"}
    assert fired.get("visitor-country-signal") == {"Beihang University"}
    assert fired.get("visitor-outside-eu") == {"Beihang University"}


def test_an_unidentified_institution_or_a_private_individual_raises_nothing_on_its_country(
    scanned: tuple[System, dict, str],
) -> None:
    system, visit, _ = scanned
    named = set().union(*_fired(system, visit).values())
    assert UNKNOWN not in named and PERSON not in named
    # nor is its country kept with the visit as the case pages show it
    with system.store() as store:
        kept = [body for _, record, _, body in store.subjects() if visit["uuid"] in record]
    affiliations = [a for body in kept for a in body["visit"]["visitor"]["affiliations"]]
    assert affiliations
    assert all(a.get("country") is None for a in affiliations if a["name"] in (UNKNOWN, PERSON))


def test_the_scan_reports_them_as_not_identified(scanned: tuple[System, dict, str]) -> None:
    _, _, output = scanned
    line = next(line for line in output.splitlines() if UNKNOWN in line)
    assert "of a person (a visitor's, a participant's or a co-author's) not identified" in line
    assert (
        PERSON in line and "name of a person or of no organisation given as an institution" in line
    )
    assert "its country alone is not screened (it would be a person's)" in line
