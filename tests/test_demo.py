"""`kvrules demo` end to end on a small simulated university (real HTTP, SMTP, SQLite)."""

from __future__ import annotations

import mailbox
import re
import sqlite3
from pathlib import Path

import pytest

from kvrules.cli import cli, main  # noqa: F401  (main registers plugin commands)
from kvrules.plugins import call_each
from kvrules.store import Store


def test_demo_runs_end_to_end(runner, tmp_path):
    call_each("register_commands", cli=cli)
    workdir = tmp_path / "demo"
    result = runner.invoke(
        cli, ["demo", "--projects", "80", "--workdir", str(workdir), "--portfolio", "stress"]
    )
    assert result.exit_code == 0, result.output
    assert "nothing is sent twice" in result.output
    mails = mailbox.Maildir(str(workdir / "mail"), create=False)
    with Store.open(workdir / "kvrules.db") as store:
        delivered = store.alerts("delivered")
        assert delivered and not store.alerts("pending") and not store.alerts("dead")
        # One message per case and route; the committee: one digest plus one per critical case.
        committee = [r for r in delivered if r.route == "committee"]
        critical = {r.case_id for r in committee if r.payload["severity"] == "critical"}
        digest = any(r.payload["severity"] != "critical" for r in committee)
        others = {(r.route, r.case_id) for r in delivered if r.route != "committee"}
        assert len(mails) == len(others) + len(critical) + digest
        to_committee = [m for m in mails if str(m["To"]).startswith("committee@")]
        assert len(to_committee) == len(critical) + digest
        assert store.cases("open")
        assert store.verify_audit() == []
    report = (workdir / "report.md").read_text()
    assert report.startswith("# kvrules demo: open cases") and "evidence:" in report
    # Both link each case to its record in the simulated Pure's portal (the demo's ris_url)
    portal = "https://research.kvarn.example/en/projects/"
    assert portal in report
    site = "https://research.kvarn.example/en/"
    assert all(site in _body(m) for m in mails if "digest" not in str(m["Subject"]).lower())
    # each kind of record at its own path in the portal: a research output is a publication
    # there (its uuid under /en/projects/ is a page that does not exist)
    with Store.open(workdir / "kvrules.db") as store:
        outputs = [c for c in store.cases(None) if c.record_id.startswith("research-outputs/")]
    assert outputs
    for case in outputs:
        uuid = case.record_id.rsplit("/", 1)[-1]
        shown_output = runner.invoke(
            cli, ["show", f"case:{case.id}", "--config", str(workdir / "kvrules.yaml")]
        ).output
        assert f"in the RIS: {site}publications/{uuid}" in shown_output
        assert f"{portal}{uuid}" not in report
    # the line on what was not screened says whose institutions these are
    unscreened = next(line for line in result.output.splitlines() if "not identified" in line)
    assert "of a person (a visitor's, a participant's or a co-author's) not identified" in (
        unscreened
    ), unscreened
    # The follow-up the demo suggests shows the same link: it left its config behind for it
    suggested = re.search(r"kvrules show case:1 (.+)", result.output)[1].split()
    shown = runner.invoke(cli, ["show", "case:1", *suggested])
    assert shown.exit_code == 0, shown.output
    assert f"in the RIS: {portal}" in shown.output


@pytest.mark.slow
def test_the_realistic_demo_finds_every_planted_risk_without_drowning_the_committee(
    runner, tmp_path
):
    call_each("register_commands", cli=cli)
    workdir = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--projects", "1500", "--workdir", str(workdir)])
    assert result.exit_code == 0, result.output
    per_1000 = int(re.search(r"cases for 1500 projects: (\d+) per 1,000", result.output)[1])
    assert per_1000 <= 50  # at most 5% of projects
    recall = re.search(r"recall: (\d+) of (\d+) .*?; (\d+) of the (\d+) meant", result.output)
    assert recall and recall[1] == recall[2] and recall[3] == recall[4], result.output
    assert re.search(r"Messages of this scan: .*committee 1\b", result.output), result.output
    # the README quotes this run's figures: they must not drift from what the demo prints
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    cases = re.search(r"(\d+) cases for 1500 projects: \d+ per 1,000 \(([\d.]+)%\)", result.output)
    routes = dict(
        re.findall(r"(\S+) (\d+)", re.search(r"Messages of this scan: (.*)", result.output)[1])
    )
    quoted = (
        f"here: {cases[1]} cases, {cases[2]}% of projects; recall 5 of 5; committee "
        f"{routes['committee']} digest, adviser {routes['adviser']}, export-control "
        f"{routes['export-control']} messages"
    )
    assert quoted in readme, quoted


def _body(message: mailbox.MaildirMessage) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "".join(
        p.get_payload(decode=True).decode() for p in parts if p.get_content_type() == "text/plain"
    )


def test_the_demo_never_deletes_a_folder_it_did_not_make(runner, tmp_path):
    call_each("register_commands", cli=cli)
    mine = tmp_path / "thesis"
    (mine / "sub").mkdir(parents=True)
    (mine / "thesis.docx").write_text("four years of work")
    result = runner.invoke(cli, ["demo", "--projects", "3", "--workdir", str(mine)])
    assert result.exit_code == 1
    assert "not an earlier kvrules demo's" in result.output and "Traceback" not in result.output
    assert (mine / "thesis.docx").read_text() == "four years of work" and (mine / "sub").is_dir()


def test_the_demo_replaces_its_own_earlier_folder_and_prints_absolute_paths(
    runner, tmp_path, monkeypatch
):
    call_each("register_commands", cli=cli)
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "kvrules-demo"  # as an older kvrules left it: no marker, only demo files
    (old / "mail").mkdir(parents=True)
    (old / "kvrules.db").write_bytes(b"")
    (old / "report.md").write_text("old report")
    result = runner.invoke(cli, ["demo", "--projects", "3"])
    assert result.exit_code == 0, result.output
    assert (old / "report.md").read_text() != "old report"
    assert f"--config {old / 'kvrules.yaml'}" in result.output  # works from any folder


def test_the_demo_folder_is_ignored_by_git_and_the_readme_says_where_its_links_point() -> None:
    """After the Quick start `git status` stays clean, and the README does not promise that
    the demo's "In the RIS" links open the simulated RIS: the simulator serves an API, not
    record pages, and stops with the demo; the links carry its records' portal addresses."""
    import subprocess
    from pathlib import Path

    from kvrules.cli.demo import demo_config

    root = Path(__file__).resolve().parents[1]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "kvrules-demo/report.md"], cwd=root, check=False
    )
    assert ignored.returncode == 0
    quick_start = (root / "README.md").read_text(encoding="utf-8").split("Running it for real")[0]
    patterns = demo_config(root, "http://127.0.0.1:1", "k", 25).sources["pure"].ris_url
    assert isinstance(patterns, dict)  # a path per kind of record, as Pure's portal has them
    for pattern in patterns.values():
        host, path = pattern.split("/")[2], pattern.split("/")[4]
        assert host in quick_start and f"/en/{path}/…" in quick_start, pattern
    assert "in the simulated RIS" not in quick_start


def test_a_rerun_keeps_committee_work_unless_told_to_replace_it(runner, tmp_path, monkeypatch):
    """A second `kvrules demo` deleted the accounts, decisions and adjudications made after
    the first one without a word."""
    call_each("register_commands", cli=cli)
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "kvrules-demo"
    workdir.mkdir()
    (workdir / ".kvrules-demo").write_text("made by `kvrules demo`\n")
    with Store.open(workdir / "kvrules.db") as store:
        store.add_user("alice", "committee", None, actor="cli:test")
    result = runner.invoke(cli, ["demo", "--projects", "3"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        f"{workdir} holds committee work a new demo would delete (1 account): "
        "`kvrules demo --replace` deletes it, or give another --workdir"
    ) in " ".join(result.output.split()), result.output
    with Store.open(workdir / "kvrules.db") as store:
        assert [u.name for u in store.users()] == ["alice"]
    result = runner.invoke(cli, ["demo", "--projects", "3", "--replace"])
    assert result.exit_code == 0, result.output
    with Store.open(workdir / "kvrules.db") as store:
        assert store.users() == []
    again = runner.invoke(cli, ["demo", "--projects", "3"])  # untouched: replaced as before
    assert again.exit_code == 0, again.output


def test_an_older_demo_database_is_not_upgraded_before_the_refusal(runner, tmp_path, monkeypatch):
    """Security review 2026-12-07, item 11: the demo opened an older-schema database as a
    Store, which upgraded it (and wrote a .bak), then refused because it held committee work."""
    from tests.store.test_upgrade_readers import previous_schema

    call_each("register_commands", cli=cli)
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "kvrules-demo"
    workdir.mkdir()
    (workdir / ".kvrules-demo").write_text("made by `kvrules demo`\n")
    path = workdir / "kvrules.db"
    previous_schema(path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO users (name, role, created_at, updated_at) VALUES ('alice', 'committee',"
            " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
        )
    conn.close()
    before = sorted(p.name for p in workdir.iterdir()), path.read_bytes()
    result = runner.invoke(cli, ["demo", "--projects", "3"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "holds committee work a new demo would delete (1 account)" in " ".join(
        result.output.split()
    )
    assert (sorted(p.name for p in workdir.iterdir()), path.read_bytes()) == before
