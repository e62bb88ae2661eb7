"""What ``kvrules.http.send`` raises, and returns, as its docstring and writing-an-adapter.md
say (an integrator's third-party adapter met each difference on 0.3.0)."""

from __future__ import annotations

import logging
import socket

import pytest

from kvrules import http, is_transient
from kvrules.testing.hostile import Drip, Giant, HostileServer, Json, Redirect


def _session(retries: int = 0, backoff: float = 0.0) -> object:
    retry = http.retry_policy(retries, backoff, max_retry_after=60, allowed_methods={"GET"})
    return http.make_session(retry, pool_maxsize=1)


def _refusing_port() -> int:
    """A loopback port nothing listens on (bound, then closed): connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("behaviour", "limits", "said"),
    [
        (Drip(b"{}" + b" " * 40, every=0.2), {"deadline": 0.5}, "GET /x: 200 - total deadline"),
        (Giant(4096, declare_length=True), {"max_body": 100}, "GET /x: 200 - response body larger"),
        (Redirect("http://localhost:9/elsewhere"), {}, "GET /x: 302 redirect to http://localhost"),
    ],
    ids=["deadline", "too-large", "redirect"],
)
def test_every_error_send_raises_carries_not_reached(behaviour, limits, said: str) -> None:
    with HostileServer() as server:
        server.script("/x", behaviour)
        with pytest.raises(http.HttpError) as raised:
            http.send(_session(), "GET", server.url("/x"), path="/x", timeout=5, **limits)
    assert str(raised.value).startswith(said), str(raised.value)
    assert raised.value.not_reached is None  # reached: the server answered


def test_a_refused_connection_retried_until_the_deadline_is_an_outage_in_words() -> None:
    port = _refusing_port()
    with pytest.raises(http.HttpError) as raised:
        http.send(
            _session(retries=10, backoff=0.5),  # the backoff outlasts the deadline
            "GET",
            f"http://127.0.0.1:{port}/items/x",
            path="/items/x",
            timeout=(5, 30),
            deadline=1.0,
        )
    said = str(raised.value)
    assert said.startswith(f"GET /items/x: the server at 127.0.0.1:{port} refused the "), said
    assert said.endswith("; total deadline of 1 s passed (request_deadline)"), said
    assert " - " not in said
    assert isinstance(raised.value.not_reached, ConnectionRefusedError)
    assert is_transient(raised.value.not_reached)


def test_an_error_status_left_after_the_retries_is_returned_as_documented() -> None:
    with HostileServer() as server:
        server.script("/busy", Json({"error": "maintenance"}, status=503, headers={"A": "1"}))
        answer = http.send(_session(retries=1), "GET", server.url("/busy"), path="/busy", timeout=5)
    assert answer.status_code == 503 and answer.json() == {"error": "maintenance"}
    assert answer.headers["A"] == "1"
    assert "Returns the answer whatever its status" in (http.send.__doc__ or "")


def test_hostile_json_takes_headers_as_a_dict_and_refuses_what_is_neither() -> None:
    with HostileServer() as server:
        server.script("/later", Json({}, status=429, headers={"Retry-After": "1"}))
        answer = http.send(_session(), "GET", server.url("/later"), path="/later", timeout=5)
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "1")
    with pytest.raises(TypeError, match=r"^Json headers must be a dict of str to str or "):
        Json({}, headers="Retry-After: 1")
    with pytest.raises(TypeError, match="Json headers must be"):
        Json({}, headers={"Retry-After": 1})


def test_a_capped_retry_after_is_said_once_per_request_not_once_per_retry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Review of 2026-12-07 (ra.py): a 503 with Retry-After: 86400 on every one of 3 retries
    said the same "waiting 0.05 s (max_retry_after) instead" line 3 times for one request."""
    retry = http.retry_policy(3, 0.01, max_retry_after=0.05, allowed_methods={"GET"})
    session = http.make_session(retry, pool_maxsize=1)
    with HostileServer() as server:
        server.script("/x", Json({}, status=503, headers={"Retry-After": "86400"}))
        with caplog.at_level(logging.WARNING, logger="kvrules.http"):
            for _ in range(2):  # two requests: a line each
                answer = http.send(session, "GET", server.url("/x"), path="/x", timeout=5)
                assert answer.status_code == 503
        assert len(server.requests) == 8  # each request and its 3 retries were made
    said = [r.getMessage() for r in caplog.records if "Retry-After" in r.getMessage()]
    assert said == 2 * [
        "the server asked to wait before a retry (Retry-After: 86400); waiting 0.05 s "
        "(max_retry_after) instead"
    ]
