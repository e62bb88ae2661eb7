"""A partner's country in brackets that hold brackets of their own (reviewer, 2026-12-07).

Before: ``--partner "Tehran Institute of Optics (Iran (Islamic Republic of))"`` was GREEN "no
country given … so no country check ran", while "(IR)" and the YAML ``country: "Iran (Islamic
Republic of)"`` were read as Iran: the 'NAME (COUNTRY)' reader took only a bracket without
brackets inside, so ISO's and the UN's forms of a name fell through to the name. The web
paste box reads its lines with the same reader, and was wrong the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Proposal, organisation_from_text
from tests.test_prescreen import check

TEHRAN = "Tehran Institute of Optics"


@pytest.mark.parametrize(
    ("written", "name", "country"),
    [
        (f"{TEHRAN} (Iran (Islamic Republic of))", TEHRAN, "IR"),
        ("Korea Optics Lab (Korea (Democratic People's Republic of))", "Korea Optics Lab", "KP"),
        ("La Paz Lab (Bolivia (Plurinational State of))", "La Paz Lab", "BO"),
        # an acronym in the name before the country stays the name's own
        ("Institute of Physics (IOP) (CN)", "Institute of Physics (IOP)", "CN"),
    ],
)
def test_a_bracketed_country_with_brackets_of_its_own_is_read_whole(
    written: str, name: str, country: str
) -> None:
    assert organisation_from_text(written) == {"name": name, "country": country}


def test_brackets_that_are_no_country_are_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^'Optics \(Applied\)' is not a country: write"):
        organisation_from_text("Tehran Lab (Optics (Applied))")
    result = CliRunner().invoke(cli, ["check", "--partner", "Tehran Lab (Optics (Applied))"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'Optics (Applied)' is not a country" in result.output


def test_check_gives_the_same_answer_as_the_iso_code_and_the_yaml_field(tmp_path: Path) -> None:
    topic = ("--topic", "drone swarm navigation")
    bracketed = check("--partner", f"{TEHRAN} (Iran (Islamic Republic of))", *topic)
    coded = check("--partner", f"{TEHRAN} (IR)", *topic)
    proposal = tmp_path / "p.yaml"
    proposal.write_text(
        f'partners:\n  - {{name: {TEHRAN}, country: "Iran (Islamic Republic of)"}}\n'
    )
    field = check(str(proposal), *topic)
    assert bracketed["triage"] == coded["triage"] == field["triage"]
    assert "no country given" not in bracketed["triage"]["reason"]
    assert bracketed["triage"]["colour"] != "green"
    assert not bracketed["in_words"]["not_checked"]


def test_the_api_and_the_web_paste_box_read_the_same_text() -> None:
    # the paste box's lines and the API's strings are read by the model, as --partner is
    proposal = Proposal.model_validate(
        {"partners": ["Korea Optics Lab (Korea (Democratic People's Republic of))"]}
    )
    assert (proposal.partners[0].name, proposal.partners[0].country) == ("Korea Optics Lab", "KP")
