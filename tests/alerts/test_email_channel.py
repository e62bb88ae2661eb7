from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, timedelta
from email.header import decode_header, make_header
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_email import EmailChannel, EmailConfig, message_id

from kvrules import Alert, DeliveryError
from kvrules.alerts import deliver_due
from kvrules.cli import cli
from kvrules.findings import Evidence, Finding
from kvrules.plugins import get_alert_channels
from kvrules.store import Store
from tests.alerts.conftest import SmtpServer
from tests.alerts.smtp_helpers import free_port
from tests.store.store_helpers import T0, FakeClock, make_finding

PASSWORD = "Corr3ct-Horse-PASSWORD-4711"


def _alert(key: str = "fp1.email", **kw: object) -> Alert:
    return Alert.for_finding(make_finding(**kw), key=key, case_id=42, created_at=T0)  # type: ignore[arg-type]


def _plain(server: SmtpServer, **kw: object) -> EmailChannel:
    cfg = {
        "host": server.host,
        "port": server.port,
        "security": "none",
        "sender": "kvrules@uni.example",
        "to": ["ks-committee@uni.example"],
        "case_base_url": "https://ks.uni.example",
        "timeout": 5,
        **kw,
    }
    return EmailChannel(EmailConfig.model_validate(cfg))


def _tls(server: SmtpServer, password_file: Path, **kw: object) -> EmailChannel:
    settings = {"ca_file": server.cert, **kw}
    return _plain(
        server, security="starttls", username="ks-alerts", password_file=password_file, **settings
    )


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "smtp.password"
    path.write_text(PASSWORD + "\n")
    return path


def test_registered_through_the_entry_point() -> None:
    assert get_alert_channels()["email"] is EmailChannel


def test_plain_smtp_message_has_text_html_evidence_and_case_link(smtp_plain: SmtpServer) -> None:
    _plain(smtp_plain).send(_alert())
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    msg = mail.message
    assert mail.recipients == ["ks-committee@uni.example"] and mail.sender == "kvrules@uni.example"
    assert msg["Message-ID"] == message_id("fp1.email", "uni.example")
    assert msg["X-Kvrules-Idempotency-Key"] == "fp1.email"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Subject"] == "[high] Partner institution is on the latest Section 1286 list"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Harbin Institute of Technology" in body
        assert "partners[0].lists" in body
        assert "DoD funds may not support" in body
        assert "US DoD, FY25 Section 1286 list" in body
        assert "Unwanted transfer of sensitive knowledge and technology" in body
        assert "https://ks.uni.example/cases/42" in body


def test_html_is_escaped_text_is_not(smtp_plain: SmtpServer) -> None:
    _plain(smtp_plain).send(_alert(partner="<script>alert(1)</script> & Co"))
    msg = smtp_plain.sink.mails[0].message  # type: ignore[attr-defined]
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script> & Co" in msg.get_body(("plain",)).get_content()


def test_subject_cannot_inject_headers(smtp_plain: SmtpServer) -> None:
    alert = _alert()
    alert.title = "Finding\r\nBcc: attacker@evil.example"
    _plain(smtp_plain).send(alert)
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    assert mail.recipients == ["ks-committee@uni.example"]
    assert mail.message["Bcc"] is None


def test_route_recipients_override_the_default(smtp_plain: SmtpServer) -> None:
    channel = _plain(smtp_plain, routes={"committee": ["chair@uni.example", "adviser@uni.example"]})
    channel.send(_alert())
    assert smtp_plain.sink.mails[0].recipients == ["chair@uni.example", "adviser@uni.example"]  # type: ignore[attr-defined]


def test_starttls_and_login(smtp_tls: SmtpServer, password_file: Path) -> None:
    _tls(smtp_tls, password_file).send(_alert())
    (mail,) = smtp_tls.sink.mails  # type: ignore[attr-defined]
    assert mail.tls and mail.login == "ks-alerts"


def test_password_from_environment(
    smtp_tls: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KS_SMTP_PASSWORD", PASSWORD)
    _plain(
        smtp_tls,
        security="starttls",
        username="ks-alerts",
        password_env="KS_SMTP_PASSWORD",
        ca_file=smtp_tls.cert,
    ).send(_alert())
    assert smtp_tls.sink.mails[0].login == "ks-alerts"  # type: ignore[attr-defined]


def test_untrusted_certificate_is_refused(smtp_tls: SmtpServer, password_file: Path) -> None:
    channel = _tls(smtp_tls, password_file, ca_file=None)
    not_accepted = r"the mail server at .*: its TLS certificate was not accepted \(self-signed"
    with pytest.raises(DeliveryError, match=not_accepted) as exc:
        channel.send(_alert())
    assert not exc.value.permanent
    assert smtp_tls.sink.auth_attempts == []  # type: ignore[attr-defined]  # no credentials sent


def test_server_requiring_starttls_refuses_plain(smtp_tls: SmtpServer) -> None:
    with pytest.raises(DeliveryError):
        _plain(smtp_tls).send(_alert())
    assert smtp_tls.sink.mails == []  # type: ignore[attr-defined]


def test_plain_smtp_to_a_remote_host_is_refused() -> None:
    with pytest.raises(ValueError, match="loopback"):
        EmailConfig(host="smtp.uni.example", security="none", sender="a@b", to=["c@d"])


def test_wrong_password_never_leaks(
    smtp_tls: SmtpServer,
    tmp_path: Path,
    db_path: Path,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = "Wr0ng-RECOGNISABLE-Secret-31337"
    secret_file = tmp_path / "wrong.password"
    secret_file.write_text(wrong)
    channel = _tls(smtp_tls, secret_file)
    store = Store.open(db_path, clock=clock)
    store.record_finding(make_finding(), channels=["email"])
    with caplog.at_level(logging.DEBUG):
        report = deliver_due(store, {"email": channel})
        with pytest.raises(DeliveryError) as exc:
            channel.send(_alert())
    assert len(report.retrying) == 1
    (row,) = store.alerts()
    assert "SMTPAuthenticationError" in (row.last_error or "")
    store.close()
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("kvrules.db*"))
    for text in (ours, str(exc.value), repr(exc.value), repr(channel.config)):
        assert wrong not in text
    assert wrong.encode() not in raw


def test_resend_after_crash_is_the_same_message(
    smtp_plain: SmtpServer, db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Crash(BaseException):
        pass

    channel = _plain(smtp_plain)
    store = Store.open(db_path, clock=clock)
    store.record_finding(make_finding(), channels=["email"])

    def die(*args: object, **kw: object) -> bool:
        raise Crash

    monkeypatch.setattr(store, "mark_delivered", die)
    with pytest.raises(Crash):
        deliver_due(store, {"email": channel})
    store.close()
    clock.advance(minutes=10)
    with Store.open(db_path, clock=clock) as restarted:
        assert len(deliver_due(restarted, {"email": channel}).delivered) == 1
        assert deliver_due(restarted, {"email": channel}).delivered == []
    first, second = smtp_plain.sink.mails  # type: ignore[attr-defined]
    assert first.message["Message-ID"] == second.message["Message-ID"]


def test_daily_digest_by_email(smtp_plain: SmtpServer, store: Store, clock: FakeClock) -> None:
    for i in range(3):
        store.record_finding(make_finding(record_id=f"proj-{i}"), channels=["email"])
    clock.advance(days=1)
    deliver_due(store, {"email": _plain(smtp_plain)}, digest={"email": timedelta(days=1)})
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    assert "kvrules digest: 3 new findings" in mail.message["Subject"]
    text = mail.message.get_body(("plain",)).get_content()
    assert all(f"pure proj-{i}" in text for i in range(3))
    # the period in words, not an ISO 8601 interval
    assert "Period: from 2 March 2026, 00:00 to 3 March 2026, 00:00 UTC" in text
    assert "+00:00" not in text


def test_a_scan_digest_says_when_in_words(
    smtp_plain: SmtpServer, store: Store, clock: FakeClock
) -> None:
    for i in range(2):
        store.record_finding(make_finding(record_id=f"proj-{i}"), channels=["email"])
        clock.advance(minutes=11)
    deliver_due(store, {"email": _plain(smtp_plain)}, digest={"email": timedelta(0)})
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    start = f"{clock.now - timedelta(minutes=22):%H:%M}"
    end = f"{clock.now - timedelta(minutes=11):%H:%M}"
    day = f"{clock.now.day} {clock.now:%B %Y}"
    assert f"Period: {day}, {start}–{end} UTC" in text and "+00:00" not in text
    assert f"Period: {day}, {start}–{end} UTC" in html


def test_risk_labels_are_escaped_in_the_html_body_and_plain_in_the_text() -> None:
    # an old finding may carry a risk id no taxonomy knows any more; it is shown as it is
    from kvrules_email.render import render

    finding = make_finding(risks=("<b>retired-risk</b>", "ethics"))
    text, html = render(Alert.for_finding(finding, key="k", case_id=1, created_at=T0), None)
    assert "Risk:      <b>retired-risk</b>; Ethical issues in cooperation" in text
    assert "<td>&lt;b&gt;retired-risk&lt;/b&gt;; Ethical issues in cooperation</td>" in html
    assert "<b>retired-risk</b>" not in html
    no_risk = render(
        Alert.for_finding(make_finding(risks=()), key="k", case_id=1, created_at=T0), None
    )
    assert "Risk" not in no_risk[0] and "Risk" not in no_risk[1]


def test_a_server_without_starttls_is_one_line_with_the_fix_and_the_rest_wait(
    smtp_plain: SmtpServer, db_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """290 identical lines, none saying what to change, was what a committee's admin got."""
    channel = _plain(smtp_plain, security="starttls")  # this server offers no STARTTLS
    store = Store.open(db_path, clock=clock)
    for n in range(20):
        store.record_finding(make_finding(record_id=f"P{n}"), channels=["email"])
    with caplog.at_level(logging.WARNING, logger="kvrules"):
        report = deliver_due(store, {"email": channel})
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("kvrules")]
    hints = [line for line in lines if "does not offer STARTTLS" in line]
    assert len(hints) == 1 and "`security: tls`" in hints[0] and "`security: none`" in hints[0]
    assert len(lines) <= 3, lines  # the first failure, "N more … the same way", held
    assert len(report.retrying) == 3 and len(report.held) == 17  # tried 3, the rest wait
    assert all(row.status == "pending" for row in store.alerts())  # nothing lost
    assert smtp_plain.sink.mails == []  # type: ignore[attr-defined]
    store.close()


def test_probe_reaches_the_server_and_sends_nothing(smtp_tls: SmtpServer, password_file) -> None:
    answer = _tls(smtp_tls, password_file).probe()
    assert answer.startswith(f"SMTP {smtp_tls.host}:{smtp_tls.port} answered 250 (STARTTLS")
    assert "logged in" in answer and smtp_tls.sink.mails == []  # type: ignore[attr-defined]


def test_evidence_is_in_words_and_the_technical_form_is_in_a_labelled_section_at_the_end(
    smtp_plain: SmtpServer,
) -> None:
    finding = make_finding()
    finding.evidence.append(Evidence("funder.amount", "> 500000", 750000.0))
    alert = Alert.for_finding(finding, key="fp1.email", case_id=42, created_at=T0)
    _plain(smtp_plain).send(alert)
    msg = smtp_plain.sink.mails[0].message  # type: ignore[attr-defined]
    html = unescape(msg.get_body(("html",)).get_content())
    for body in (msg.get_body(("plain",)).get_content(), html):
        people, _, technical = body.partition("Technical detail")
        assert "the funder gives 750,000, more than the 500,000 threshold" in people
        # the human part holds no path, test or rule id; the case link comes before
        for code in ("funder.amount", "partners[0].lists", "> 500000", "partner-on-1286"):
            assert code not in people, code
            assert code in technical, code
        assert "https://ks.uni.example/cases/42" in people


def test_the_environment_wins_over_a_password_file_as_for_the_adapters(
    smtp_tls: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One precedence for every secret (kvrules.credentials): environment, then file."""
    stale = tmp_path / "stale.password"
    stale.write_text("an-old-password-left-behind")
    monkeypatch.setenv("KS_SMTP_PASSWORD", PASSWORD)
    _tls(smtp_tls, stale, password_env="KS_SMTP_PASSWORD").send(_alert())
    assert smtp_tls.sink.mails[0].login == "ks-alerts"  # type: ignore[attr-defined]
    monkeypatch.delenv("KS_SMTP_PASSWORD")  # not set here: the file is the fallback
    stale.write_text(PASSWORD)
    _tls(smtp_tls, stale, password_env="KS_SMTP_PASSWORD").send(_alert())
    assert len(smtp_tls.sink.mails) == 2  # type: ignore[attr-defined]


def test_a_refused_connection_is_said_in_words_with_when_it_is_retried(
    db_path: Path, clock: FakeClock
) -> None:
    """`kvrules alerts` showed "DeliveryError: ConnectionRefusedError: [Errno 111] …"."""
    port = free_port()  # nothing listens on it
    closed = SmtpServer(host="127.0.0.1", port=port, sink=None)
    with Store.open(db_path, clock=clock) as store:
        store.record_finding(make_finding(), channels=["email"])
        deliver_due(store, {"email": _plain(closed)})
        retry = store.alerts()[0].next_attempt_at
    result = CliRunner().invoke(cli, ["alerts", "--db", str(db_path)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    said = f"the mail server at 127.0.0.1:{port} refused the connection"
    assert said in result.output, result.output
    assert f"will retry at {retry.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in result.output
    assert "Error" not in result.output and "Errno" not in result.output


@pytest.mark.parametrize("digest", [None, timedelta(0)], ids=["one alert", "digest"])
def test_an_email_says_which_lists_were_screened_and_that_a_partial_copy_is_partial(
    smtp_plain: SmtpServer, store: Store, digest: timedelta | None
) -> None:
    """The CLI said the DoD 1286 list held is a partial copy; e-mails and digests never did."""
    store.remember_screening(["us_dod_1286@FY25 (partial)"], {})
    store.record_finding(make_finding(), channels=["email"])
    deliver_due(store, {"email": _plain(smtp_plain)}, digest={"email": digest} if digest else None)
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    said = (
        "Organisations screened against the US DoD Section 1286 list, edition FY25 (a partial "
        "copy: only some of its entries are held here); not on a list means not found in these "
        "editions, not that a partner is safe."
    )
    for part in ("plain", "html"):
        body = unescape(mail.message.get_body((part,)).get_content())
        assert said in " ".join(body.split()), part


def test_the_candidate_match_rule_names_the_triage_it_does_not_count_in() -> None:
    """ "does not count as the partner factor in the triage above": an e-mail about this one
    finding shows no triage above it."""
    from kvrules.rulebook.loader import load_rulebook

    book = load_rulebook(Path(__file__).parents[2] / "rulebooks" / "nl-leidraad.yaml")
    [rule] = [r for r in book.rules if "ks:confirm-match" in r.tags]
    assert "above" not in rule.rationale
    assert "partner factor in the red or amber triage of this rulebook" in rule.rationale


def test_a_digest_counts_and_titles_an_updated_finding_apart(
    smtp_plain: SmtpServer, store: Store, clock: FakeClock
) -> None:
    """Reviewer, 2026-12-07: "kvrules digest: 4 new findings" held 3 new findings and one
    updated in place (it now also named Harbin): counted and titled apart."""

    def on_list(record_id: str, *partners: str) -> Finding:
        return replace(
            make_finding(record_id=record_id),
            evidence=[
                Evidence(f"project.partners[{i}].lists", 'contains "us_dod_1286"', [], who)
                for i, who in enumerate(partners)
            ],
        )

    for i in range(3):
        store.record_finding(on_list(f"proj-{i}", "Beihang University (CN)"), channels=["email"])
    both = on_list("proj-0", "Beihang University (CN)", "Harbin Institute of Technology (CN)")
    assert store.record_finding(both, channels=["email"]).changed
    clock.advance(days=1)
    deliver_due(store, {"email": _plain(smtp_plain)}, digest={"email": timedelta(days=1)})
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    assert "kvrules digest: 3 new findings, 1 updated" in mail.message["Subject"]
    text = mail.message.get_body(("plain",)).get_content()
    assert text.count("== Updated finding: Partner institution is on the latest Section") == 1
    assert text.count("== Partner institution is on the latest Section 1286 list ==") == 3


# A long rule title, "(+1 more)" and an accented record title: Python 3.11's own folding of
# such a subject dropped the space before the dash ("(+1 more)— Réseau", as decoded by
# email.header), joined "de détection" into "dedétection" and split an encoded word in two.
FOLDED_SUBJECTS = [
    f"[high] {'R' * rule} rule (+1 more) — Réseau européen de détection des neutrons pour les "
    "garanties nucléaires et la n…"
    for rule in (34, 47)
]


@pytest.mark.parametrize("subject", FOLDED_SUBJECTS)
def test_a_subject_reads_back_exactly_as_written_in_every_decoder(
    smtp_plain: SmtpServer, subject: str
) -> None:
    alert = _alert()
    alert.title = subject
    _plain(smtp_plain).send(alert)
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    raw = dict(mail.message.raw_items())["Subject"]
    legacy = str(make_header(decode_header(raw)))  # the decoder older mail tools use
    assert mail.message["Subject"] == subject and legacy == subject
    assert all(len(line) <= 78 for line in f"Subject: {raw}".splitlines())


@pytest.mark.parametrize(
    ("home", "said"),
    [
        ("US", "an EU measure, binding institutions in the EU: not a measure of the United States"),
        ("NL", None),
    ],
)
def test_a_mail_says_the_evidence_in_the_sites_words_as_the_case_page_does(
    smtp_plain: SmtpServer, store: Store, home: str, said: str | None
) -> None:
    """Found beside the review's jurisdiction items: the case page and `check` say evidence
    as the site reads it (``for_home``), mail did not: a US committee's e-mail read
    "named by the Dutch government as a state-actor threat" and an EU arms embargo with no
    word of whose measure it is, where its case page read neutral words and the EU's."""
    found = make_finding()
    signals = ["eu-arms-embargo", "nl-state-actor-threat"]
    evidence = [
        Evidence(
            "partners[0].country_signals", f'contains "{s}"', signals, "Example University (MM)"
        )
        for s in signals
    ]
    store.record_finding(replace(found, evidence=evidence), channels=["email"])
    deliver_due(store, {"email": _plain(smtp_plain)}, home_country=home)
    (mail,) = smtp_plain.sink.mails  # type: ignore[attr-defined]
    text = " ".join(mail.message.get_body(("plain",)).get_content().split())
    assert "its country is under an EU arms embargo" in text  # the fact, everywhere
    if said is None:
        assert "named by the Dutch government as a state-actor threat" in text
        assert "an EU measure, binding" not in text
    else:
        assert said in text and "Dutch government" not in text
