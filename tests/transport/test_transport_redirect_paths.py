"""A redirect an API client follows (``WithinBase``) stays under the configured API's path
however its path is written: dot segments, encoded ones, backslashes, ``//``, ``..;``.

Review of 2026-12-07: ``https://h/ws/api/../../admin`` passed the check (its path starts with
``/ws/api/``), then urllib3 removed the dot segments and the server saw ``/admin/secret`` with
the API key."""

from __future__ import annotations

import pytest
import requests

from kvrules import http
from kvrules.testing.hostile import HostileServer, Json, Redirect

BASE = "https://pure.example.edu/ws/api"
KEY = "kvr-KEY-7c1d"


@pytest.mark.parametrize(
    "path",
    [
        "/ws/api/../../admin",
        "/ws/api/../api2/x",
        "/ws/api/x/../../../admin",
        "/ws/api/%2e%2e/%2E%2E/admin",
        "/ws/api/%252e%252e/%252e%252e/admin",  # a server that decodes twice
        "/ws/api/..%2f..%2fadmin",
        "/ws/api/..%5c..%5cadmin",
        "/ws/api\\..\\..\\admin",
        "/ws/api/..;/..;/admin",  # Tomcat reads "..;" as ".."
        "//admin/ws/api",
        "/ws/api/%25252525252e%25252525252e/x",  # never settles: refused
    ],
)
def test_a_redirect_whose_path_resolves_outside_the_api_is_refused(path: str) -> None:
    said = http.WithinBase(base_url=BASE).refusal(f"{BASE}/x", f"https://pure.example.edu{path}", 1)
    assert said != "", path


@pytest.mark.parametrize(
    "path", ["/ws/api/x/../moved", "/ws/api/./x", "/ws/api//x", "/ws/api/%2e/x", "/ws/api"]
)
def test_a_redirect_whose_path_resolves_inside_the_api_is_followed(path: str) -> None:
    said = http.WithinBase(base_url=BASE).refusal(f"{BASE}/x", f"https://pure.example.edu{path}", 1)
    assert said == "", said


def _get(server: HostileServer, path: str) -> requests.Response:
    retry = http.retry_policy(0, 0, max_retry_after=0, allowed_methods={"GET"})
    session = http.make_session(retry, pool_maxsize=1, headers={"api-key": KEY})
    return http.send(
        session,
        "GET",
        server.url(f"/ws/api{path}"),
        path=path,
        timeout=5,
        redirects=http.WithinBase(base_url=server.url("/ws/api")),
    )


def test_the_key_never_reaches_a_path_outside_the_api_through_dot_segments() -> None:
    with HostileServer() as server:
        server.script("/", Json({"secret": True}))
        server.script("/ws/api/moved", Json({"moved": True}))
        server.script("/ws/api/research-outputs", Redirect(server.url("/ws/api/../../admin/x")))
        with pytest.raises(http.HttpError, match="leads outside the configured API"):
            _get(server, "/research-outputs/abc")
        assert [r.path for r in server.requests] == ["/ws/api/research-outputs/abc"]
        # one that only looks odd but stays inside is still followed
        server.script("/ws/api/old", Redirect(server.url("/ws/api/x/../moved/abc")))
        answer = _get(server, "/old/abc")
        assert answer.json() == {"moved": True}
        assert [r.path for r in server.requests][1:] == ["/ws/api/old/abc", "/ws/api/moved/abc"]
