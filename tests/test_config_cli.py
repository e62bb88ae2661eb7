"""kvrules init / config check: a commented template, and precise errors."""

from __future__ import annotations

import json

import pytest

from kvrules.cli import cli


def test_init_writes_a_template_whose_check_names_only_what_the_admin_must_supply(
    runner, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init"]).exit_code == 0
    text = (tmp_path / "kvrules.yaml").read_text()
    assert "Secrets never go in this file" in text
    assert runner.invoke(cli, ["init"]).exit_code == 1  # never overwrites
    monkeypatch.delenv("KVRULES_SMTP_PASSWORD", raising=False)
    result = runner.invoke(cli, ["config", "check"])
    # What a scan would die on is named up front: the key file and the SMTP password variable,
    # and nothing else (every alert target of the shipped rulebooks has a route).
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert result.exit_code == 1
    # (the SMTP password once per channel: the committee's digest channel has its own)
    assert len(errors) == 3, result.output
    assert (
        "sources.pure.api_key_file: the file given for api_key_file does not exist; the value "
        "is not shown"
    ) in errors[0]
    assert all("KVRULES_SMTP_PASSWORD is not set" in error for error in errors[1:])
    key = tmp_path / "pure-api-key"
    key.write_text("pure-key-k")
    (tmp_path / "kvrules.yaml").write_text(text.replace("/etc/kvrules/pure-api-key", str(key)))
    monkeypatch.setenv("KVRULES_SMTP_PASSWORD", "smtp-pw-s")
    result = runner.invoke(cli, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "ok: 1 source(s), 2 alert channel(s)" in result.output


def test_check_names_alert_targets_without_a_route(runner, tmp_path):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources: {f: {adapter: file, settings: {path: .}}}\n"
        "alerts:\n"
        "  channels: {m: {plugin: email, settings: {host: 127.0.0.1, security: none, "
        "sender: k@localhost, to: [c@localhost]}}}\n"
        "  routes: {committee: []}\n"
    )
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1
    assert "rule(s) alert 'adviser'" in result.stderr
    assert "rule(s) alert 'export-control'" in result.stderr
    assert "alert 'committee'" not in result.stderr  # routed (to nobody, on purpose)


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
        own = next(b for b in shipped.program.rulebooks if b.id == "funding-dependency").version
    overrides = {"funding-dependency": {"foreign_share_cap": 0.35}}
    with build_evaluator([], overrides) as local:
        assert "unit-foreign-funding-above-cap" not in {f.rule_id for f in local.evaluate(event)}
        book = next(b for b in local.program.rulebooks if b.id == "funding-dependency")
        assert book.version.startswith(f"{own}+local.")
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
    from kvrules.engine import load_rulebook
    from kvrules.rulebook.discovery import shipped_rulebooks
    from kvrules.rulebook.loader import RulebookError

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


def test_config_show_says_where_each_value_comes_from_and_masks_secrets(
    runner, tmp_path, monkeypatch
):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "database: state.db\n"
        "sources:\n  pure:\n    adapter: pure\n"
        "    settings: {base_url: 'https://pure.example.edu/ws/api', page_size: 50}\n"
    )
    monkeypatch.setenv("KVRULES_PURE_API_KEY", "supersecret-key")
    monkeypatch.setenv("KVRULES_PURE_PAGE_SIZE", "70")
    result = runner.invoke(cli, ["config", "show", "--config", str(cfg), "--json"])
    assert result.exit_code == 0, result.output
    assert "supersecret-key" not in result.output
    doc = json.loads(result.stdout)
    assert doc["database"] == {"value": str(tmp_path / "state.db"), "origin": f"file {cfg}"}
    assert doc["interval"]["origin"] == "default"
    assert doc["reference_data"]["origin"] == "env KVRULES_REFDATA"
    pure = doc["sources"]["pure"]["settings"]
    assert pure["api_key"] == ["********", "env KVRULES_PURE_API_KEY"]
    assert pure["page_size"] == [70, "env KVRULES_PURE_PAGE_SIZE"]  # environment > file
    assert pure["base_url"] == ["https://pure.example.edu/ws/api", "file"]
    flags = runner.invoke(cli, ["config", "show", "--config", str(cfg), "--db", "x.db", "--json"])
    assert json.loads(flags.stdout)["database"] == {"value": "x.db", "origin": "flag --db"}
    text = runner.invoke(cli, ["config", "show", "--config", str(cfg)]).stdout
    assert "rulebooks = the shipped rulebooks (" in text  # not "[]": they are what runs


def test_a_setting_the_file_cannot_set_is_refused(runner, tmp_path):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text("written: [database]\n")
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1 and "unknown setting 'written'" in result.output


def test_ris_url_is_checked_and_shown(runner, tmp_path):
    """The link to a record in the RIS (issue #17): a pattern per source, refused with its
    position when it cannot make a link, and shown by `config check`."""
    cfg = tmp_path / "kvrules.yaml"
    head = "sources:\n  f:\n    adapter: file\n    settings: {path: .}\n"
    cfg.write_text(head + "    ris_url: 'https://pure.example.edu/projects/{uuid}'\n")
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1
    assert f"{cfg}:5:" in result.stderr and "unknown placeholder(s) uuid" in result.stderr
    assert "Traceback" not in result.output
    cfg.write_text(head + "    ris_url: 'javascript:alert(1)//{id}'\n")
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert result.exit_code == 1 and "expected an https:// address" in result.stderr
    cfg.write_text(
        head + "    ris_url: {project: 'https://r.example.edu/en/projects/{id}', "
        "output: 'https://r.example.edu/en/publications/{id}'}\n"
    )
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert (
        "ok: sources.f.ris_url: alerts, `kvrules show` and reports link project records to "
        "https://r.example.edu/en/projects/{id} and output records to "
        "https://r.example.edu/en/publications/{id}\n" in result.output
    )


def test_one_ris_url_pattern_is_shown_as_a_sentence(runner, tmp_path):
    """Reviewer's defect 13: one pattern for every record read "link records to every record:
    URL"; it is one sentence."""
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources:\n  f:\n    adapter: file\n    settings: {path: .}\n"
        "    ris_url: 'https://pure.example.edu/admin/projecteditor.xhtml?id={id}'\n"
    )
    result = runner.invoke(cli, ["config", "check", str(cfg)])
    assert (
        "ok: sources.f.ris_url: alerts, `kvrules show` and reports link every record to "
        "https://pure.example.edu/admin/projecteditor.xhtml?id={id}\n" in result.output
    )


def test_a_refused_setting_reads_as_a_sentence_not_as_pydantic(runner, tmp_path, monkeypatch):
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "sources:\n  pure:\n    adapter: pure\n    settings:\n"
        "      base_url: http://pure.example.edu/ws/api\n      api_key_env: PURE_KEY\n"
    )
    monkeypatch.setenv("PURE_KEY", "s3cret")
    result = runner.invoke(cli, ["fetch", "--config", str(config), "--source", "pure"])
    assert result.exit_code == 1
    message = result.output.strip()
    assert "base_url: plain http:// to pure.example.edu" in message
    assert "api_key_env: unknown setting" in message
    assert "Value error" not in message and "Extra inputs" not in message
    assert len(message.splitlines()) == 1 and "s3cret" not in message


def test_the_init_template_sends_the_committee_one_digest_per_scan(runner, tmp_path, monkeypatch):
    # What `kvrules init` writes, pointed at a simulated Pure and a loopback mail server: the
    # committee reads one digest for the scan (plus one message per critical case), never a
    # message per case.
    import mailbox
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox
    from kvrules_pure.simulator import start_simulator

    from kvrules.store import Store

    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init"]).exit_code == 0
    (tmp_path / "pure-api-key").write_text("demo-key")
    maildir = tmp_path / "mail"
    mailbox.Maildir(str(maildir), create=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Mailbox(str(maildir)), hostname="127.0.0.1", port=port)
    smtp.start()
    sim = start_simulator(projects=60, seed=3, api_key="demo-key", portfolio="stress")
    try:
        text = (
            (tmp_path / "kvrules.yaml")
            .read_text()
            .replace("https://pure.example.edu/ws/api", sim.base_url)
            .replace("/etc/kvrules/pure-api-key", str(tmp_path / "pure-api-key"))
            .replace("host: smtp.example.edu", "host: 127.0.0.1")
            .replace("port: 587", f"port: {port}\n        security: none")
            .replace("username: kvrules", "")
            .replace("password_env: KVRULES_SMTP_PASSWORD", "")
        )
        (tmp_path / "kvrules.yaml").write_text(text)
        checked = runner.invoke(cli, ["config", "check"])
        assert checked.exit_code == 0, checked.output
        scanned = runner.invoke(cli, ["scan", "--full"])
        assert scanned.exit_code == 0, scanned.output
    finally:
        smtp.stop()
        sim.stop()
    with Store.open(tmp_path / "kvrules.db") as store:
        committee = [a for a in store.alerts("delivered") if a.route == "committee"]
    critical = {a.case_id for a in committee if a.payload["severity"] == "critical"}
    assert len(committee) > len(critical) + 1  # enough cases that per-case mail would show
    to_committee = [
        m for m in mailbox.Maildir(str(maildir), create=False) if "research-security@" in m["To"]
    ]
    assert len(to_committee) == len(critical) + 1


def test_init_source_converis_writes_a_converis_source_that_validates(
    runner, tmp_path, monkeypatch
):
    """A Converis university setting kvrules up from the docs found only a Pure source in
    `kvrules init`'s template (a reviewer's Converis round)."""
    monkeypatch.chdir(tmp_path)
    for name in ("BASE_URL", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"KVRULES_CONVERIS_{name}", raising=False)
    assert runner.invoke(cli, ["init", "--source", "converis"]).exit_code == 0
    text = (tmp_path / "kvrules.yaml").read_text()
    assert "adapter: pure" not in text and "projects only" not in text.split("converis:")[0]
    token = tmp_path / "converis-token"
    token.write_text("converis-t")
    (tmp_path / "kvrules.yaml").write_text(text.replace("/etc/kvrules/converis-token", str(token)))
    monkeypatch.setenv("KVRULES_SMTP_PASSWORD", "smtp-pw-s")
    result = runner.invoke(cli, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "ok: 1 source(s)" in result.output
    shown = runner.invoke(cli, ["config", "show", "--json"])
    settings = json.loads(shown.stdout)["sources"]["converis"]["settings"]
    assert settings["cud_url"][0] == "https://converis.example.edu/converis/ws/v2/dataobject"
    # The Pure template names Converis as a commented example, and what it does not read.
    (tmp_path / "pure").mkdir()
    monkeypatch.chdir(tmp_path / "pure")
    assert runner.invoke(cli, ["init"]).exit_code == 0
    pure = (tmp_path / "pure" / "kvrules.yaml").read_text()
    assert "# converis:" in pure and "no co-publications, visits or applications" in pure


def test_a_mail_server_that_is_down_is_said_to_hold_its_alerts(runner, tmp_path):
    """config check --connect: a channel that cannot be reached keeps its alerts, retried."""
    from tests.alerts.smtp_helpers import free_port

    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources: {f: {adapter: file, settings: {path: .}}}\n"
        "alerts:\n"
        f"  channels: {{m: {{plugin: email, settings: {{host: 127.0.0.1, port: {free_port()}, "
        "security: none, sender: k@localhost, to: [c@localhost]}}}\n"
        "  routes: {committee: [m], adviser: [m], export-control: [m]}\n"
    )
    result = runner.invoke(cli, ["config", "check", "--connect", str(cfg)])
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "alerts.channels.m: not reachable: " in said, result.stderr
    assert "retried until it answers, never dead-lettered for an outage" in said


def test_config_show_a_channel_named_like_a_secret(runner, tmp_path):
    """Review: a channel named "export_key" was masked whole by its name ("********"), and
    masking what its plugin declares secret then failed on it (an internal error, TypeError).
    A channel is shown with its settings; its URL is masked because the plugin declares it."""
    secret = "https://hooks.slack.com/services/T0000/B0000/XXSECRETTOKENXX"
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "alerts:\n  channels:\n"
        f"    export_key: {{plugin: webhook, settings: {{url: '{secret}', style: slack}}}}\n"
        "  routes: {committee: [export_key]}\n"
    )
    result = runner.invoke(cli, ["config", "show", "--config", str(cfg), "--json"])
    assert result.exit_code == 0, result.output
    assert "XXSECRETTOKENXX" not in result.output
    channel = json.loads(result.stdout)["alerts"]["value"]["channels"]["export_key"]
    assert channel["plugin"] == "webhook"
    assert channel["settings"]["url"] == "********" and channel["settings"]["style"] == "slack"
    text = runner.invoke(cli, ["config", "show", "--config", str(cfg)])
    assert text.exit_code == 0, text.output
    assert "XXSECRETTOKENXX" not in text.output and '"export_key": {"plugin"' in text.output
