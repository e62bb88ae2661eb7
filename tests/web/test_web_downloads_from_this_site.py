"""Every route that hands out a file refuses a request another site started (security review
2026-12-07, item 5: /audit.csv had no such check while /cases.csv had). The routes are found
by enumerating the app, not listed by hand: a download route added later is checked too."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from kvrules.model import CollaborationEvent
from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, login

FOUND_TODAY = {"/cases.csv", "/cases.xlsx", "/audit.csv", "/report.html", "/prescreen/{id}.md"}


def _ids(db: Path) -> dict[str, str]:
    proposal = {
        "id": "prescreen:ps-1:project.created",
        "kind": "project.created",
        "source": {"system": "prescreen", "record_id": "ps-1"},
        "occurred_at": "2026-12-01T10:00:00Z",
        "project": {"id": "ps-1", "title": "A proposal"},
    }
    with Store.open(db) as store:
        prescreen = store.record_prescreen(
            proposal={"title": "A proposal"},
            result={
                "reference": "ps-1",
                "triage": {"colour": "green", "reason": "nothing found"},
                "findings": [],
            }
            | {"screened_against": []},
            events=[CollaborationEvent.model_validate(proposal)],
            actor="committee",
            via="web",
        )
        case = case_id(db)
        mitigation = store.add_mitigation(case, "Review", "dean", None, actor="committee")
        decision = store.propose_decision(case, "approve", "fine", actor="committee").id
    return {
        "case_id": str(case),
        "prescreen_id": str(prescreen),
        "decision_id": str(decision),
        "mitigation_id": str(mitigation),
        "name": "viewer",
        "client": "none",
    }


def _get_paths(app, ids: dict[str, str]) -> dict[str, str]:
    """Each GET route's path (its pattern, for the message) -> a concrete path to request."""
    paths = {}
    for route in app.routes:
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            concrete = route.path
            for param, value in ids.items():
                concrete = concrete.replace(f"{{{param}:int}}", value).replace(
                    f"{{{param}}}", value
                )
            assert "{" not in concrete, f"no id to fill {route.path} with"
            paths[route.path] = concrete
    return paths


def _attachment(response) -> bool:
    return "attachment" in response.headers.get("content-disposition", "")


def test_every_download_route_refuses_a_request_from_another_site(db: Path) -> None:
    ids = _ids(db)
    client = app_for(db)
    login(client, "committee")
    assert client.get("/cases", follow_redirects=False).status_code == 200
    paths = _get_paths(client.app, ids)
    downloads = {
        pattern.replace("{prescreen_id:int}", "{id}")
        for pattern, path in paths.items()
        if _attachment(client.get(path, headers={"Sec-Fetch-Site": "same-origin"}))
    }
    assert downloads >= FOUND_TODAY, downloads  # the enumeration finds what it must
    for pattern, path in paths.items():
        for site in ("cross-site", "same-site"):
            r = client.get(path, headers={"Sec-Fetch-Site": site})
            assert not _attachment(r), (pattern, site)
            if pattern.replace("{prescreen_id:int}", "{id}") in downloads:
                assert r.status_code == 403, (pattern, site, r.status_code)
