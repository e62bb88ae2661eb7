"""The pre-screening API against a real uvicorn server on 127.0.0.1: per-client tokens an admin
issues and revokes (only their hash is stored), the same answer as ``kvrules check --json``,
rate limiting, the OpenAPI document, and every call audited."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.prescreen import Screener
from kvrules.store import Store
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from kvrules.web.throttle import Throttle
from tests.web.web_helpers import SECRET, app_for, login, served, token

PROPOSAL = {
    "title": "Hypersonics consortium",
    "topic": "hypersonic propulsion",
    "partners": [
        {"name": "Beihang University", "country": "CN"},
        {"name": "University of California, Berkeley", "country": "US"},
    ],
}


def tokens(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["tokens", *args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.fixture
def app(db: Path, screener: Screener):
    return create_app(WebSettings(db=db, secret_key=SECRET, screener=screener))


@pytest.fixture
def url(app) -> Iterator[str]:
    with served(app) as (base, _):
        yield base


def screen(url: str, token: str | None, body: object = PROPOSAL) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{url}/api/v1/screen", json=body, headers=headers, timeout=60)


def test_the_api_answers_as_kvrules_check_json(db: Path, url: str, tmp_path: Path) -> None:
    token = tokens(db, "add", "grants-portal")
    r = screen(url, token)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    answer = r.json()
    proposal = tmp_path / "proposal.json"
    proposal.write_text(json.dumps(PROPOSAL))
    cli_run = CliRunner().invoke(cli, ["check", str(proposal), "--json"])
    assert cli_run.exit_code == 0, cli_run.output
    expected = json.loads(cli_run.stdout)
    assert {k: v for k, v in answer.items() if k != "id"} == expected
    assert answer["triage"]["colour"] == "red"
    with Store.open(db) as store:
        kept = store.prescreen(answer["id"])
        assert kept is not None and (kept.actor, kept.via) == ("api:grants-portal", "api")
        audited = store.audit_entries(f"prescreen:{answer['id']}")
        assert [(e.action, e.actor) for e in audited] == [
            ("prescreen.screened", "api:grants-portal")
        ]


def test_a_revoked_or_unknown_token_is_refused(db: Path, url: str) -> None:
    token = tokens(db, "add", "grants-portal")
    assert screen(url, token).status_code == 200
    assert "revoked" in tokens(db, "revoke", "grants-portal")
    refused = screen(url, token)
    assert refused.status_code == 401 and "kvrules tokens add" in refused.json()["error"]
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert screen(url, None).status_code == 401
    assert screen(url, token + "x").status_code == 401
    # a new token for the same client works; the old one stays refused
    fresh = tokens(db, "add", "grants-portal")
    assert screen(url, fresh).status_code == 200 and screen(url, token).status_code == 401
    listed = json.loads(tokens(db, "list", "--json"))
    assert [bool(t["revoked"]) for t in listed] == [True, False]


def test_only_a_hash_of_each_token_is_stored(db: Path) -> None:
    token = tokens(db, "add", "grants-portal")
    assert token.startswith("kvr_") and len(token) > 40
    for file in db.parent.glob(db.name + "*"):  # the database and its WAL
        assert token.encode() not in file.read_bytes()
    with Store.open(db) as store:
        assert store.api_client(token) == "grants-portal"
        assert "issued" in [e.action.split(".")[-1] for e in store.audit_entries()]
    second = CliRunner().invoke(cli, ["tokens", "add", "grants-portal", "--db", str(db)])
    assert second.exit_code == 1 and "revoke it first" in second.output
    assert "Traceback" not in second.output


def test_bad_bodies_are_explained(db: Path, url: str) -> None:
    token = tokens(db, "add", "grants-portal")
    nationality = {"visit": {"home_institution": {"name": "Example"}, "nationality": "CN"}}
    r = screen(url, token, nationality)
    assert r.status_code == 422
    # the refusal first, in words, and never "home_institution: Field required"
    assert r.json()["error"].startswith("visit.nationality: unknown field — ")
    assert "never a person's nationality" in r.json()["error"]
    assert screen(url, token, ["not", "an", "object"]).status_code == 400
    raw = requests.post(
        f"{url}/api/v1/screen",
        data=b"{not json",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert raw.status_code == 400 and "JSON" in raw.json()["error"]


def test_a_client_over_its_rate_is_told_to_wait(db: Path, app, url: str) -> None:
    app.state.api_throttle = Throttle(free_attempts=2, window=60.0)
    token = tokens(db, "add", "grants-portal")
    small = {"topic": "medieval manuscripts"}
    assert [screen(url, token, small).status_code for _ in range(2)] == [200, 200]
    slowed = screen(url, token, small)
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) >= 1
    # another client is not held up by the first one's rate
    other = tokens(db, "add", "hr-portal")
    assert screen(url, other, small).status_code == 200


def test_the_openapi_document_describes_the_endpoint(url: str) -> None:
    doc = requests.get(f"{url}/api/v1/openapi.json", timeout=30).json()
    assert doc["openapi"].startswith("3.")
    post = doc["paths"]["/api/v1/screen"]["post"]
    assert post["security"] == [{"token": []}]
    assert {"200", "401", "422", "429"} <= set(post["responses"])
    proposal = doc["components"]["schemas"]["Proposal"]
    assert {"partners", "funders", "topic", "keywords", "visit"} <= set(proposal["properties"])
    # every $ref points at a schema the document holds
    refs = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs and all(r.startswith("#/components/schemas/") for r in refs)
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(doc["components"]["schemas"])


def test_admins_issue_and_revoke_tokens_on_the_accounts_page(db: Path, screener: Screener) -> None:
    admin = app_for(db, screener=screener)
    login(admin, "admin")
    page = admin.get("/admin/users").text
    issued = admin.post(
        "/admin/tokens", data={"client": "grants-portal", "csrf_token": token(page)}
    )
    m = re.search(r'<code id="new-token">(kvr_[^<]+)</code>', issued.text)
    assert issued.status_code == 200 and m, "the new token is shown once"
    api = app_for(db, screener=screener)
    bearer = {"Authorization": f"Bearer {m.group(1)}"}
    assert api.post("/api/v1/screen", json={"topic": "x"}, headers=bearer).status_code == 200
    again = admin.get("/admin/users").text
    assert m.group(1) not in again and "grants-portal" in again
    admin.post("/admin/tokens/grants-portal/revoke", data={"csrf_token": token(again)})
    assert api.post("/api/v1/screen", json={"topic": "x"}, headers=bearer).status_code == 401
    bad = admin.post("/admin/tokens", data={"client": "a/b", "csrf_token": token(again)})
    assert bad.status_code == 400 and "one word" in bad.text
    # nobody else may issue one
    committee = app_for(db)
    login(committee, "committee")
    t = token(committee.get("/cases").text)
    r = committee.post("/admin/tokens", data={"client": "mallory", "csrf_token": t})
    assert r.status_code == 403
    with Store.open(db) as store:
        assert [t.client for t in store.api_tokens()] == ["grants-portal"]
        actions = [e.action for e in store.audit_entries("api-client:grants-portal")]
        assert actions == ["api-token.issued", "api-token.revoked"]


def test_tokens_commands_report_mistakes_in_one_line(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    gone = runner.invoke(cli, ["tokens", "revoke", "nobody", "--db", str(db)])
    assert gone.exit_code == 1 and "'nobody' has no live token" in gone.output
    odd = runner.invoke(cli, ["tokens", "add", "two words", "--db", str(db)])
    assert odd.exit_code == 1 and "one word" in odd.output
    missing = runner.invoke(cli, ["tokens", "list", "--db", str(tmp_path / "typo.db")])
    assert missing.exit_code == 1 and "no kvrules database" in missing.output
    assert not (tmp_path / "typo.db").exists()
    for result in (gone, odd, missing):
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_partner_named_as_a_person_is_not_screened_on_a_country(db: Path, url: str) -> None:
    """Ethics defect: {"name": "Dr. Wei Zhang", "country": "CN"} was screened on China, the
    person's nationality; an organisation whose name holds such a word still is screened."""
    token = tokens(db, "add", "grants-portal")
    person = {"name": "Dr. Wei Zhang", "country": "CN"}
    r = screen(url, token, {"topic": "quantum sensing", "partners": [person]})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["triage"]["colour"] == "green" and answer["findings"] == []
    [said] = answer["in_words"]["unidentified"]
    assert said.startswith("Dr. Wei Zhang: names a person, not an organisation")
    assert "give the institution" in said
    listed = {"name": "National University of Defense Technology", "country": "CN"}
    r = screen(url, token, {"topic": "quantum sensing", "partners": [listed]})
    assert r.status_code == 200, r.text
    assert r.json()["triage"]["colour"] == "red" and r.json()["unidentified"] == []


def test_a_partner_that_describes_a_person_is_not_screened_on_a_country(db: Path, url: str) -> None:
    """Ethics review (2026-12): the web pre-screen gave "Private individual, Tehran" (IR) on
    hypersonic propulsion AMBER on Iran's arms embargo, as `kvrules check` did."""
    token = tokens(db, "add", "grants-portal-2")
    person = {"name": "Private individual, Tehran", "country": "IR"}
    r = screen(url, token, {"topic": "hypersonic propulsion", "partners": [person]})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["findings"] == [], [f["rule_id"] for f in answer["findings"]]
    [said] = answer["in_words"]["unidentified"]
    assert said.startswith("Private individual, Tehran: names a person, not an organisation")


def test_a_listed_funder_gets_the_same_finding_over_the_api_as_from_check(
    db: Path, url: str, tmp_path: Path
) -> None:
    """Reviewer, 2026-12-07: a funder on the 1286 list gave GREEN; the API answers as check."""
    body = {
        "topic": "hypersonic propulsion",
        "partners": [{"name": "TU Delft", "country": "NL"}],
        "funders": [{"name": "National University of Defense Technology"}],
    }
    answer = screen(url, tokens(db, "add", "grants-portal"), body).json()
    proposal = tmp_path / "proposal.json"
    proposal.write_text(json.dumps(body))
    cli_run = CliRunner().invoke(cli, ["check", str(proposal), "--json"])
    assert cli_run.exit_code == 0, cli_run.output
    assert {k: v for k, v in answer.items() if k != "id"} == json.loads(cli_run.stdout)
    assert answer["triage"]["colour"] != "green"
    assert "funder-on-1286" in {f["rule_id"] for f in answer["findings"]}
