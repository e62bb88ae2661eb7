"""Risk types: a shipped, cited taxonomy; rules name them; findings, alerts and views show them."""

from __future__ import annotations

from kvrules import Evaluator, Finding, load_rulebook
from kvrules.cli import cli
from kvrules.rulebook.risks import risk_label, risk_types, taxonomy
from tests.conftest import rule_yaml
from tests.test_engine import partner_event


def test_the_taxonomy_has_the_three_risks_each_cited() -> None:
    assert list(risk_types()) == ["knowledge-transfer", "interference", "ethics"]
    for t in risk_types().values():
        assert t.label and t.label_nl and t.eu and len(t.description) > 60
    cites = {s["id"]: s for s in taxonomy()["sources"]}
    assert set(cites) == {"nl-leidraad-2022", "eu-research-security-2024"}
    assert all(s["url"].startswith("https://") and len(s["cite"]) > 60 for s in cites.values())
    assert taxonomy()["licence"]


def test_an_unknown_risk_type_is_an_error_at_its_position(runner, write_rulebook) -> None:
    path = write_rulebook(
        rule_yaml("a", 'partner.country == "CN"', extra="  risks: [ethics, knowlege-transfer]\n")
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code != 0
    assert result.stderr.strip() == (
        f"{path}:16:21: unknown risk type 'knowlege-transfer' (did you mean "
        "'knowledge-transfer'?); choose from knowledge-transfer, interference, ethics"
    )


def test_findings_carry_the_rule_s_risk_types_in_ids_and_words(write_rulebook) -> None:
    path = write_rulebook(
        rule_yaml(
            "a", 'partner.country == "CN"', extra="  risks: [ethics, knowledge-transfer, ethics]\n"
        )
    )
    evaluator = Evaluator([load_rulebook(path)])
    [finding] = evaluator.evaluate(partner_event(country="CN"))
    assert finding.risks == ["ethics", "knowledge-transfer"]
    assert finding.risk_labels == [
        "Ethical issues in cooperation",
        "Unwanted transfer of sensitive knowledge and technology",
    ]
    # a finding stored before risk types existed still loads, with none
    body = finding.to_dict()
    del body["risks"]
    assert Finding.from_dict(body).risks == []


def test_an_unknown_id_in_an_old_finding_reads_as_itself() -> None:
    assert risk_label("retired-risk") == "retired-risk"


def test_each_finding_owns_its_tags_and_risk_types(write_rulebook) -> None:
    """Findings reach plugins (alert channels, write-back): one finding's lists changed by a
    plugin must not change every other finding of the same rule."""
    path = write_rulebook(
        rule_yaml("a", 'partner.country == "CN"', extra="  risks: [ethics]\n  tags: [ks:review]\n")
    )
    evaluator = Evaluator([load_rulebook(path)])
    [first] = evaluator.evaluate(partner_event(country="CN"))
    [second] = evaluator.evaluate(partner_event(country="CN"))
    first.tags.append("changed by a plugin")
    first.risks.append("interference")
    assert second.tags == ["ks:review"] and second.risks == ["ethics"]
