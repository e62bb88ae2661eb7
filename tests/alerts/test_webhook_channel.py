from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_webhook import (
    SIGNATURE_HEADER,
    WebhookChannel,
    WebhookConfig,
    sign,
    verify_signature,
)

from kvrules import Alert, DeliveryError
from kvrules.alerts import deliver_due
from kvrules.cli import cli
from kvrules.findings import Evidence
from kvrules.plugins import get_alert_channels
from kvrules.store import Store
from tests.alerts.conftest import Receiver
from tests.alerts.smtp_helpers import free_port
from tests.store.store_helpers import T0, FakeClock, make_finding

SECRET = "whsec-test-9f2b"
NOW = 1_770_000_000


def _alert(partner: str = "Harbin Institute of Technology", **kw: object) -> Alert:
    # Evidence as the evaluator writes it: the list element it runs through is named.
    listed = Evidence(
        "project.partners[0].lists", 'contains "us_dod_1286"', ["us_dod_1286"], partner
    )
    finding = replace(make_finding(partner=partner, **kw), evidence=[listed])  # type: ignore[arg-type]
    return Alert.for_finding(finding, key="fp123.hook", case_id=7, created_at=T0)


def _channel(url: str, tmp_path: Path, **kw: object) -> WebhookChannel:
    secret_file = tmp_path / "hook.secret"
    secret_file.write_text(SECRET + "\n")
    cfg = WebhookConfig(
        url=url, secret_file=secret_file, case_base_url="https://ks.uni.example/", **kw
    )
    return WebhookChannel(cfg, clock=lambda: NOW)


def test_registered_through_the_entry_point() -> None:
    assert get_alert_channels()["webhook"] is WebhookChannel


def test_generic_post_is_signed_and_carries_the_key(receiver: Receiver, tmp_path: Path) -> None:
    _channel(receiver.url, tmp_path).send(_alert())
    (req,) = receiver.requests
    assert req.path == "/hooks/kvrules"
    assert req.headers["Idempotency-Key"] == "fp123.hook"
    assert req.headers["X-Kvrules-Timestamp"] == str(NOW)
    assert req.headers[SIGNATURE_HEADER].startswith(f"t={NOW},v1=")
    assert verify_signature(SECRET, req.headers[SIGNATURE_HEADER], req.body, now=NOW)
    payload = json.loads(req.body)
    item = payload["items"][0]
    assert payload["key"] == "fp123.hook" and payload["severity"] == "high"
    assert item["case_url"] == "https://ks.uni.example/cases/7"
    assert item["finding"]["evidence"][0]["subject"] == "Harbin Institute of Technology"
    assert item["evidence_in_words"] == [
        "partner Harbin Institute of Technology is on the US DoD Section 1286 list"
    ]
    assert item["record"]["record_id"] == "proj-1"  # named by id: nothing remembered of it
    assert item["finding"]["citation"]["cite"].startswith("US DoD")
    assert item["finding"]["rationale"].startswith("DoD funds")
    assert item["finding"]["risks"] == ["knowledge-transfer"]


def test_signature_rejects_tampering_and_replay() -> None:
    body = b'{"a":1}'
    header = sign(SECRET, NOW, body)
    assert verify_signature(SECRET, header, body, now=NOW + 10)
    assert not verify_signature(SECRET, header, b'{"a":2}', now=NOW)
    assert not verify_signature("other", header, body, now=NOW)
    assert not verify_signature(SECRET, header, body, now=NOW + 3600)  # too old
    forged = header.replace(f"t={NOW}", f"t={NOW + 3600}")  # fresh timestamp, old MAC
    assert not verify_signature(SECRET, forged, body, now=NOW + 3600)
    assert not verify_signature(SECRET, "garbage", body, now=NOW)


def test_teams_adaptive_card(receiver: Receiver, tmp_path: Path) -> None:
    _channel(receiver.url, tmp_path, style="teams").send(_alert())
    payload = json.loads(receiver.requests[0].body)
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    texts = json.dumps(card)
    assert "Harbin Institute of Technology" in texts and "US DoD" in texts
    assert {
        "title": "Risk",
        "value": "Unwanted transfer of sensitive knowledge and technology",
    } in [fact for b in card["body"] if b["type"] == "FactSet" for fact in b["facts"]]
    assert {
        "type": "Action.OpenUrl",
        "title": "Open case",
        "url": "https://ks.uni.example/cases/7",
    } in [a for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]]


def test_slack_blocks_escape_control_characters(receiver: Receiver, tmp_path: Path) -> None:
    alert = _alert(partner="<https://evil.example|Click me> & co")
    _channel(receiver.url, tmp_path, style="slack").send(alert)
    payload = json.loads(receiver.requests[0].body)
    assert payload["text"] == alert.title
    section = next(b for b in payload["blocks"] if b["type"] == "section")
    assert "&lt;https://evil.example|Click me&gt; &amp; co" in section["text"]["text"]
    assert "<https://evil" not in section["text"]["text"]
    assert (
        "Risk: Unwanted transfer of sensitive knowledge and technology" in section["text"]["text"]
    )
    assert section["accessory"]["url"] == "https://ks.uni.example/cases/7"


@pytest.mark.parametrize(
    "status, permanent",
    [(500, False), (503, False), (429, False), (408, False), (400, True), (404, True)],
)
def test_http_errors_are_retryable_or_permanent(
    receiver: Receiver, tmp_path: Path, status: int, permanent: bool
) -> None:
    receiver.statuses = [status]
    with pytest.raises(DeliveryError) as exc:
        _channel(receiver.url, tmp_path).send(_alert())
    assert exc.value.permanent is permanent
    assert f"HTTP {status}" in str(exc.value)


def test_redirects_are_not_followed(receiver: Receiver, tmp_path: Path) -> None:
    receiver.redirect_to = "http://127.0.0.1:9/elsewhere"
    with pytest.raises(DeliveryError, match="HTTP 302") as exc:
        _channel(receiver.url, tmp_path).send(_alert())
    assert exc.value.permanent
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("url", ["http://hooks.example.org/x", "ftp://127.0.0.1/x"])
def test_plain_http_only_to_loopback(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        _channel(url, tmp_path)


def test_url_and_secret_from_environment(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KS_HOOK_URL", receiver.url)
    monkeypatch.setenv("KS_HOOK_SECRET", SECRET)
    channel = WebhookChannel(
        WebhookConfig(url_env="KS_HOOK_URL", secret_env="KS_HOOK_SECRET"), clock=lambda: NOW
    )
    channel.send(_alert())
    req = receiver.requests[0]
    assert verify_signature(SECRET, req.headers[SIGNATURE_HEADER], req.body, now=NOW)
    monkeypatch.delenv("KS_HOOK_SECRET")
    with pytest.raises(ValueError, match="KS_HOOK_SECRET"):
        WebhookChannel(WebhookConfig(url_env="KS_HOOK_URL", secret_env="KS_HOOK_SECRET"))


def test_connection_errors_do_not_reveal_the_url_token(tmp_path: Path) -> None:
    # Slack/Teams put the credential in the URL path; requests echoes URLs in its errors.
    url = "http://127.0.0.1:9/services/T000/B000/SLACKTOKEN-abc123"
    with pytest.raises(DeliveryError) as exc:
        _channel(url, tmp_path, connect_timeout=2).send(_alert())
    assert "SLACKTOKEN-abc123" not in str(exc.value)
    assert not exc.value.permanent


def test_a_refused_connection_is_said_in_words_with_when_it_is_retried(
    tmp_path: Path, db_path: Path, clock: FakeClock
) -> None:
    """`kvrules alerts` showed "webhook: ConnectionError" for a receiver that was down: now
    the words the mail channel uses (``kvrules.unreachable``), host and port, and the retry."""
    port = free_port()  # nothing listens on it
    token = "B000/SLACKTOKEN-abc123"  # a path that is a credential is never shown
    channel = _channel(f"http://127.0.0.1:{port}/services/{token}", tmp_path)
    with Store.open(db_path, clock=clock) as store:
        store.record_finding(make_finding(), channels=["webhook"])
        deliver_due(store, {"webhook": channel})
        retry = store.alerts()[0].next_attempt_at
    result = CliRunner().invoke(cli, ["alerts", "--db", str(db_path)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    said = (
        f"the webhook receiver at 127.0.0.1:{port} refused the connection (is it running, and "
        "is that its port?)"
    )
    assert said in result.output, result.output
    assert f"will retry at {retry.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in result.output
    assert "Error" not in result.output and "Traceback" not in result.output
    assert "SLACKTOKEN" not in result.output


def test_slack_keeps_the_risk_type_when_long_evidence_is_cut() -> None:
    # Slack caps a section at 3000 characters: the risk type must not be what is cut off
    from kvrules_webhook.payloads import slack

    finding = make_finding()
    many = [  # sixty different long sentences (one said twice would be said once)
        Evidence(path=f"partners[{i}].name", test='matches ".*"', actual=f"{i:02d}" + "x" * 80)
        for i in range(60)
    ]
    alert = Alert.for_finding(replace(finding, evidence=many), key="k", case_id=7, created_at=T0)
    section = next(b for b in slack(alert, None)["blocks"] if b["type"] == "section")
    text = section["text"]["text"]
    assert len(text) == 3000
    assert "Risk: Unwanted transfer of sensitive knowledge and technology" in text


@pytest.mark.parametrize("style", ["generic", "teams", "slack"])
def test_a_possible_repeat_says_so_in_every_style(style: str) -> None:
    from kvrules_webhook.payloads import REPEAT_NOTE, STYLES

    alert = _alert()
    first, repeat = (
        json.dumps(STYLES[style](a, None))
        for a in (alert, alert.model_copy(update={"possible_repeat": True}))
    )
    assert REPEAT_NOTE not in first and '"possible_repeat": true' not in first
    if style == "generic":  # the field beside the idempotency key, for a program
        assert json.loads(repeat)["possible_repeat"] is True
        assert json.loads(repeat)["key"] == alert.key
    else:  # a line for the people reading the chat
        assert REPEAT_NOTE in repeat


def test_probe_connects_and_posts_nothing(receiver) -> None:
    channel = WebhookChannel(WebhookConfig(url=receiver.url))
    answer = channel.probe()
    assert "accepted a connection" in answer and receiver.requests == []


def test_chat_messages_name_the_project_and_link_to_the_ris() -> None:
    from kvrules_webhook.payloads import slack, teams

    subject = {
        "project": {
            "title": "Hypersonic <flow>",
            "units": ["Aerospace"],
            "participants": [{"role": "Principal Investigator", "display_name": "An Lee"}],
            "partners": [{"name": "Harbin Institute of Technology", "country": "CN"}],
        }
    }
    links = {"pure": "https://pure.example.edu/admin/editor.xhtml?id={id}"}
    alert = _alert()
    alert = alert.model_copy(update={"items": [alert.items[0].named(subject, links)]})
    card = teams(alert, "https://ks.uni.example/")["attachments"][0]["content"]
    facts = [f for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]]
    assert {"title": "Project", "value": "Hypersonic <flow>"} in facts
    assert {"title": "Lead", "value": "An Lee (Principal Investigator)"} in facts
    assert {
        "type": "Action.OpenUrl",
        "title": "Open in the RIS",
        "url": "https://pure.example.edu/admin/editor.xhtml?id=proj-1",
    } in [a for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]]
    text = next(b for b in slack(alert, None)["blocks"] if b["type"] == "section")["text"]["text"]
    assert "Project: Hypersonic &lt;flow&gt;" in text and "Lead: An Lee" in text
    assert "<https://pure.example.edu/admin/editor.xhtml?id=proj-1|Open in the RIS>" in text
    # named by title and linked: the source's own id is not a fact people read
    assert all(f["title"] != "Record" and "proj-1" not in f["value"] for f in facts)
    assert "pure proj-1" not in text and "Record:" not in text


def test_the_environment_wins_over_a_secret_file_as_for_the_adapters(
    receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One precedence for every secret (kvrules.credentials): environment, then file."""
    monkeypatch.setenv("KS_HOOK_SECRET", SECRET)
    stale = tmp_path / "stale.secret"
    stale.write_text("an-old-secret-left-behind")
    cfg = WebhookConfig(url=receiver.url, secret_env="KS_HOOK_SECRET", secret_file=stale)
    WebhookChannel(cfg, clock=lambda: NOW).send(_alert())
    (req,) = receiver.requests
    assert verify_signature(SECRET, req.headers[SIGNATURE_HEADER], req.body, now=NOW)


@pytest.mark.parametrize("style", ["teams", "slack"])
def test_chat_messages_carry_no_rule_ids_or_paths_the_case_link_has_them(
    receiver: Receiver, tmp_path: Path, style: str
) -> None:
    _channel(receiver.url, tmp_path, style=style).send(_alert())
    text = receiver.requests[0].body.decode()
    assert "is on the US DoD Section 1286 list" in text  # the evidence in words
    for code in ("partner-on-1286", "us-dod-1286 2026.1", "project.partners[0]", "us_dod_1286"):
        assert code not in text, code
    assert "https://ks.uni.example/cases/7" in text  # where the technical detail is


@pytest.mark.parametrize("style", ["generic", "teams", "slack"])
def test_a_finding_updated_in_place_is_headed_as_mail_heads_it(style: str) -> None:
    """Review: mail heads such an item "Updated finding: …", Teams and Slack headed it by
    the rule title alone, as a new finding; the same words on every channel."""
    from kvrules_webhook.payloads import STYLES

    alert = _alert()
    updated = alert.model_copy(
        update={"items": [alert.items[0].model_copy(update={"change": "now also names X"})]}
    )
    heading = "Updated finding: Partner institution is on the latest Section 1286 list"
    assert updated.items[0].heading == heading  # mail's own words (kvrules.AlertItem)
    said_new, said_updated = (json.dumps(STYLES[style](a, None)) for a in (alert, updated))
    head = f"*{heading}*" if style == "slack" else heading
    assert head in said_updated and "Updated finding: Partner" not in said_new
