"""`kvrules demo` end to end on a small simulated university (real HTTP, SMTP, SQLite)."""

from __future__ import annotations

import mailbox

from kvrules.cli import cli, main  # noqa: F401  (main registers plugin commands)
from kvrules.plugins import call_each
from kvrules.store import Store


def test_demo_runs_end_to_end(runner, tmp_path):
    call_each("register_commands", cli=cli)
    workdir = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--projects", "80", "--workdir", str(workdir)])
    assert result.exit_code == 0, result.output
    assert "nothing is sent twice" in result.output
    mails = mailbox.Maildir(str(workdir / "mail"), create=False)
    with Store.open(workdir / "kvrules.db") as store:
        delivered = store.alerts("delivered")
        assert delivered and not store.alerts("pending") and not store.alerts("dead")
        assert len(mails) == len(delivered)  # one e-mail per alert, none twice
        assert store.cases("open")
        assert store.verify_audit() == []
    report = (workdir / "report.md").read_text()
    assert report.startswith("# kvrules demo: open cases") and "evidence:" in report
