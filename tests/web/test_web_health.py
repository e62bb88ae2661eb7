"""``GET /healthz`` for a monitor, and a database that cannot be opened said in one page.
Operations review, 2026-12-07: `serve` had no health route (`/health`, `/healthz`, `/ready`:
404), `/login` stayed 200 with the database's folder gone, and a sign-in then answered a bare
500 with a ``StoreError`` traceback in the server log."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.web.web_helpers import PASSWORD, app_for, login, token


def test_healthz_is_ok_on_a_usable_database_without_signing_in(db: Path) -> None:
    answer = app_for(db).get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok" and answer.json()["schema"] > 0
    assert answer.headers["cache-control"] == "no-store"


def test_healthz_is_503_when_the_database_is_gone_and_names_no_path(
    db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    moved = folder / "kvrules.db"
    shutil.copy(db, moved)
    client = app_for(moved)
    assert client.get("/healthz").status_code == 200
    shutil.rmtree(folder)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "reason": "the database cannot be read"}
    assert str(tmp_path) not in answer.text


def test_healthz_says_a_database_to_upgrade(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_version SET version = version - 1")
    answer = app_for(db).get("/healthz")
    assert answer.status_code == 503 and "run kvrules db upgrade" in answer.json()["reason"]


def test_a_sign_in_with_the_database_gone_is_one_page_not_a_500(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    moved = folder / "kvrules.db"
    shutil.copy(db, moved)
    client = app_for(moved)
    page = client.get("/login").text
    shutil.rmtree(folder)
    answer = client.post(
        "/login", data={"username": "adviser", "password": PASSWORD, "csrf_token": token(page)}
    )
    assert answer.status_code == 503  # before: 500 and a traceback in the server's log
    assert "cannot use its database" in answer.text


def test_a_server_left_running_while_a_newer_release_upgrades_says_why_on_each_page(
    db: Path,
) -> None:
    # README, Upgrading, step 1 (reviewer, 0.3.0 → 0.4.0: the README said 500; it is 503,
    # and the page now says why, as /healthz does, where it said only "right now")
    client = app_for(db)
    assert login(client, "adviser").status_code == 200
    assert client.get("/cases").status_code == 200
    with sqlite3.connect(db) as conn:  # the next release's `db upgrade`
        latest = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        conn.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'next', ?)",
            (latest + 1, "2027-01-01T00:00:00.000000Z"),
        )
    conn.close()
    before = _audit_rows(db)
    answer = client.get("/cases")
    assert answer.status_code == 503
    said = " ".join(answer.text.split())
    assert (
        f"kvrules cannot use its database: it has schema {latest + 1}, this server reads "
        f"schema {latest} (a newer kvrules release upgraded it; the administrator restarts "
        "the server with that release). Nothing was changed."
    ) in said
    assert _audit_rows(db) == before  # the case list's view is not audited: nothing written


def _audit_rows(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    finally:
        conn.close()


def _older_schema(db: Path) -> int:
    with sqlite3.connect(db) as conn:  # a file the next `db upgrade` has not reached yet
        latest = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        conn.execute("DELETE FROM schema_version WHERE version = ?", (latest,))
    conn.close()
    return latest


def test_the_api_says_the_schema_in_json_not_a_busy_page(db: Path) -> None:
    """Security review: the API answered 503 with the HTML page "Busy, try again in a moment",
    which a client cannot parse and which no retry makes true."""
    issued = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert issued.exit_code == 0, issued.output
    client = app_for(db)
    latest = _older_schema(db)
    answer = client.post(
        "/api/v1/screen",
        json={"topic": "drone navigation"},
        headers={"Authorization": f"Bearer {issued.stdout.strip()}"},
    )
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {
        "error": f"kvrules cannot use its database: it has schema {latest - 1}, this server "
        f"reads schema {latest} (the administrator runs `kvrules db upgrade`, then restarts "
        "the server). Nothing was changed."
    }
    assert "try again" not in answer.text.lower()


def test_a_page_refused_for_the_schema_is_headed_by_it_not_by_busy(db: Path) -> None:
    client = app_for(db)
    assert login(client, "adviser").status_code == 200
    latest = _older_schema(db)
    page = client.get("/cases")
    assert page.status_code == 503
    said = " ".join(page.text.split())
    assert "<h1>The database&#39;s schema is not this server&#39;s</h1>" in said
    assert f"it has schema {latest - 1}, this server reads schema {latest}" in said
    assert "try again" not in said.lower()
