"""kvrules init / config check: a commented template, and precise errors."""

from __future__ import annotations

import pytest

from kvrules.cli import cli


def test_init_writes_a_template_that_checks(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init"]).exit_code == 0
    text = (tmp_path / "kvrules.yaml").read_text()
    assert "Secrets never go in this file" in text
    assert runner.invoke(cli, ["init"]).exit_code == 1  # never overwrites
    result = runner.invoke(cli, ["config", "check"])
    # The template names an SMTP password variable that is not set here: only that may fail.
    assert result.exit_code == 0, result.output
    assert "1 source(s), 1 alert channel(s)" in result.output


def test_inline_secrets_and_unknown_settings_are_refused(runner, tmp_path):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "database: state.db\n"
        "sources:\n"
        "  pure:\n"
        "    adapter: pure\n"
        "    settings: {base_url: 'https://pure.example.edu/ws/api', api_key: hunter2}\n"
        "writeback: {aply: true}\n"
    )
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(
        line.startswith(f"{cfg}:5:") and "'api_key' looks like an inline secret" in line
        for line in lines
    ), lines
    assert any(f"{cfg}:6:13: writeback.aply: unknown setting 'aply'" in line for line in lines)
    assert "hunter2" not in result.output


def test_unknown_adapter_and_channel(runner, tmp_path):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources: {x: {adapter: nosuch}}\n"
        "alerts:\n  channels: {m: {plugin: pigeon}}\n  routes: {committee: [m]}\n"
    )
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1
    assert "no adapter 'nosuch' installed" in result.stderr
    assert "no plugin 'pigeon' installed" in result.stderr


def test_rulebook_vars_from_the_config_replace_the_rulebooks_own(tmp_path):
    from kvrules.assembly import build_evaluator
    from kvrules.rulebook.cases import event_from_given
    from kvrules.rulebook.loader import RulebookError

    event = event_from_given(
        {"kind": "project.created", "project": {"units": ["Physics"], "foreign_funding_share": 0.3}}
    )
    with build_evaluator([]) as shipped:
        assert "unit-foreign-funding-above-cap" in {f.rule_id for f in shipped.evaluate(event)}
    overrides = {"funding-dependency": {"foreign_share_cap": 0.35}}
    with build_evaluator([], overrides) as local:
        assert "unit-foreign-funding-above-cap" not in {f.rule_id for f in local.evaluate(event)}
        book = next(b for b in local.program.rulebooks if b.id == "funding-dependency")
        assert book.version.startswith("2026.3+local.")
    for bad in (
        {"funding-dependency": {"foreign_share_cap": "high"}},
        {"funding-dependency": {"nope": 1}},
        {"no-such-rulebook": {"x": 1}},
    ):
        try:
            build_evaluator([], bad)
        except RulebookError as e:
            assert e.diagnostics
        else:
            raise AssertionError(f"{bad} was accepted")


def test_a_vars_override_durable_cannot_compare_exactly_is_refused() -> None:
    from kvrules.cli import shipped_rulebooks
    from kvrules.rulebook.loader import RulebookError, load_rulebook

    with pytest.raises(RulebookError, match=r"vars.foreign_share_cap: 1e-05 is out of range"):
        load_rulebook(
            shipped_rulebooks() / "funding-dependency.yaml",
            vars_override={"foreign_share_cap": 0.00001},
        )


def test_scan_with_a_bad_rulebook_prints_its_diagnostics(tmp_path) -> None:
    from click.testing import CliRunner

    book = tmp_path / "bad.yaml"
    book.write_text("rulebook: x\nversion: '1'\n", encoding="utf-8")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"rulebooks: [{book}]\nsources: {{f: {{adapter: file, settings: {{path: {tmp_path}}}}}}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{book}:1:1:" in result.stderr
