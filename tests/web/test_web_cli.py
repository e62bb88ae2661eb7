"""`kvrules users add`: the password is hashed, never echoed, and too short ones are refused."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.web.security import verify_password


def test_users_add_from_stdin(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    secret = "a long enough passphrase"
    r = CliRunner().invoke(
        cli,
        ["users", "add", "carol", "--role", "adviser", "--db", str(db), "--password-stdin"],
        input=secret + "\n",
    )
    assert r.exit_code == 0, r.output
    assert secret not in r.output
    with Store.open(db) as store:
        user = store.user("carol")
        assert user.role == "adviser" and verify_password(user.password_hash, secret)
        assert secret not in str([e.details for e in store.audit_entries()])


def test_users_add_from_env_and_short_password(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    runner = CliRunner()
    r = runner.invoke(
        cli,
        ["users", "add", "dan", "--role", "viewer", "--db", str(db)],
        env={"KVRULES_PASSWORD": "short"},
    )
    assert r.exit_code != 0 and "at least" in r.output
    r = runner.invoke(cli, ["users", "add", "erin", "--role", "admin", "--db", str(db), "--sso"])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["users", "list", "--db", str(db)])
    assert "erin\tadmin\tsso" in r.output


def test_without_a_terminal_users_add_says_how_to_give_the_password(db: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "add", "fay", "--role", "viewer", "--db", str(db)], input="")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "no terminal to ask for the password on: pass it with --password-stdin" in r.output
    assert "Warning" not in r.output  # getpass's fallback warning never reaches the user
    r = runner.invoke(
        cli,
        ["users", "add", "fay", "--role", "viewer", "--db", str(db), "--password-stdin"],
        input="",
    )
    assert r.exit_code == 1 and "standard input held no password" in r.output
    with Store.open(db) as store:
        assert store.user("fay") is None


def test_serve_on_a_busy_port_says_so_in_one_line(db: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = CliRunner().invoke(
            cli, ["serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
        )
    assert r.exit_code == 1, r.output
    assert f"cannot listen on 127.0.0.1:{port}" in r.output
    assert "kvrules web: http" not in r.output and "ERROR" not in r.output


def test_users_add_help_says_how_the_password_is_given_as_it_is_read() -> None:
    """The help said "read from stdin", which without --password-stdin is an error."""
    r = CliRunner().invoke(cli, ["users", "add", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    words = " ".join(r.output.split())
    assert "from stdin or" not in words
    assert (
        "The password is the first line of standard input with --password-stdin, else "
        "$KVRULES_PASSWORD, else asked for twice on the terminal" in words
    )
