"""kvrules.http's transport rules on their own, and the hostile server they are tested against."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kvrules import http
from kvrules.testing.hostile import HostileServer, Json, Redirect, SlowHeaders

KEY = "kvr-KEY-5e2b"


@pytest.fixture
def pair() -> Iterator[tuple[HostileServer, HostileServer]]:
    with HostileServer() as home, HostileServer() as elsewhere:
        elsewhere.script("/", Json({"stolen": True}))
        home.script("/go", Redirect(elsewhere.url("/landing", host="localhost")))
        yield home, elsewhere


def test_the_hostile_server_records_what_a_redirect_carries_to_another_host(
    pair: tuple[HostileServer, HostileServer],
) -> None:
    # The attack of issue #14 item 1, with plain requests: a custom header follows the redirect.
    home, elsewhere = pair
    requests.get(home.url("/go"), headers={"api-key": KEY}, timeout=5)
    [seen] = elsewhere.requests
    assert (seen.method, seen.path, seen.headers["api-key"]) == ("GET", "/landing", KEY)


def test_a_kvrules_session_never_follows_a_redirect_whatever_the_caller_asks(
    pair: tuple[HostileServer, HostileServer],
) -> None:
    home, elsewhere = pair
    retry = http.retry_policy(0, 0, max_retry_after=0, allowed_methods={"GET"})
    session = http.make_session(retry, pool_maxsize=1, headers={"api-key": KEY})
    answer = session.get(home.url("/go"), allow_redirects=True, timeout=5)
    assert answer.status_code == 302 and elsewhere.requests == []
    with pytest.raises(http.HttpError, match=r"302 redirect to http://localhost:\d+ refused"):
        http.send(session, "GET", home.url("/go"), path="/go", timeout=5)
    assert elsewhere.requests == []


@pytest.mark.parametrize(
    "value, encoded",
    [
        ("0b6f1a43-7d1e-4c1b-9a53-1d1c0ffee000", "0b6f1a43-7d1e-4c1b-9a53-1d1c0ffee000"),
        (12345, "12345"),
        ("2026-12-06_10-00-00", "2026-12-06_10-00-00"),
        ("a:b+c=d", "a%3Ab%2Bc%3Dd"),
    ],
)
def test_quote_id_encodes_plausible_ids(value: object, encoded: str) -> None:
    assert http.quote_id(value) == encoded


@pytest.mark.parametrize(
    "value",
    ["../../../secret?x=", "a/b", "x?y=1", "x#y", "%2e%2e", "", ".", "..", " x", "x" * 300,
     "é", True, None, {"uuid": "x"}, ["x"], 1.5],
)  # fmt: skip
def test_quote_id_refuses_what_is_no_id(value: object) -> None:
    with pytest.raises(ValueError, match="not a plausible record id"):
        http.quote_id(value)


def test_opaque_tokens_are_encoded_but_never_dot_segments() -> None:
    assert http.quote_id("eyJzZXEiOiAxfQ==/+", opaque=True) == "eyJzZXEiOiAxfQ%3D%3D%2F%2B"
    for bad in ("..", ".", "", "a\nb", "x" * 5000):
        with pytest.raises(ValueError, match="not a plausible token"):
            http.quote_id(bad, opaque=True)


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://pure.example.edu/ws/api/", True),
        ("http://127.0.0.1:8080/ws/api", True),
        ("http://localhost/ws/api", True),
        ("http://[::1]:9/x", True),
        ("http://pure.example.edu/ws/api", False),
        ("http://127.0.0.1.example.org/x", False),
        ("ftp://127.0.0.1/x", False),
        ("https:///nohost", False),
    ],
)
def test_check_url_allows_plain_http_only_to_loopback(url: str, allowed: bool) -> None:
    if allowed:
        assert http.check_url(url) == url.rstrip("/")
    else:
        with pytest.raises(http.InsecureUrl):
            http.check_url(url)


def test_check_url_allows_plain_http_when_explicitly_told() -> None:
    url = "http://pure.example.edu/ws/api"
    assert http.check_url(url, allow_insecure_http=True) == url
    with pytest.raises(http.InsecureUrl):
        http.check_url("ftp://pure.example.edu/", allow_insecure_http=True)


def test_the_deadline_holds_through_an_http_proxy() -> None:
    # The hostile server plays the proxy: it receives "CONNECT ris.invalid:443" and drips its
    # answer, so the tunnel is never set up and no single read times out.
    with HostileServer() as proxy:
        proxy.script("ris.invalid:443", SlowHeaders(every=0.3))
        retry = http.retry_policy(0, 0, max_retry_after=0, allowed_methods={"GET"})
        session = http.make_session(retry, pool_maxsize=1)
        with pytest.raises(http.HttpError, match="total deadline of 1 s passed"):
            http.send(
                session,
                "GET",
                "https://ris.invalid/api",
                path="/api",
                timeout=5,
                deadline=1.0,
                proxies={"https": proxy.url()},
            )
        assert [(r.method, r.path) for r in proxy.requests] == [("CONNECT", "ris.invalid:443")]
        # cut off by the watchdog, not read to the end (half a minute) and found late
        assert proxy.wait_for_hangup("ris.invalid:443")


def test_plain_http_never_goes_through_a_proxy_and_https_is_tunnelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Reviewer's defect: with HTTP_PROXY set, `fetch --source pure` against an http://127.0.0.1
    # base URL sent the request, api-key and all, to the proxy in clear. Every kvrules client
    # (sources, webhooks, list downloads) builds its session with make_session.
    with HostileServer() as proxy, HostileServer() as ris:
        proxy.script("ris.invalid:443", Json({"title": "tunnels not allowed"}, status=403))
        ris.script("/api", Json({"items": []}))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url())
        session = http.make_session(0, pool_maxsize=1, headers={"api-key": KEY})
        http.send(session, "GET", ris.url("/api"), path="/api", timeout=5)
        # not even when the caller names one
        http.send(
            session, "GET", ris.url("/api"), path="/api", timeout=5, proxies={"http": proxy.url()}
        )
        assert [seen.headers["api-key"] for seen in ris.requests] == [KEY, KEY]
        assert proxy.requests == []
        with pytest.raises(http.HttpError, match="ProxyError"):
            http.send(session, "GET", "https://ris.invalid/api", path="/api", timeout=5)
        [tunnel] = proxy.requests
        assert (tunnel.method, tunnel.path) == ("CONNECT", "ris.invalid:443")
        assert "api-key" not in tunnel.headers


def test_deadlines_in_flight_share_one_watchdog_thread() -> None:
    # A timer thread per request cost a thread start and stop per request: in a scan, more
    # CPU than the request itself. However many deadlines run, one thread watches them.
    with contextlib.ExitStack() as stack:
        stack.enter_context(http.Deadline(60))  # the watchdog exists from here on
        # the threads alive now: another test's thread may end meanwhile (a plugin import
        # run under its deadline), so what is asked is that none starts, not an equal count
        before = set(threading.enumerate())
        for _ in range(20):
            stack.enter_context(http.Deadline(60))
        assert not set(threading.enumerate()) - before


def test_a_deadline_still_fires_after_many_ended_in_time() -> None:
    for _ in range(500):  # leftovers in the watchdog's queue, dropped as they pile up
        with http.Deadline(600):
            pass
    with http.Deadline(600), http.Deadline(0.05) as short:
        for _ in range(200):  # poll for up to 10 s: when it fires is not what is tested
            if short.expired:
                break
            time.sleep(0.05)
        assert short.expired
        with pytest.raises(http.DeadlineExceeded):
            short.check()


def _plain_session() -> requests.Session:
    retry = http.retry_policy(0, 0, max_retry_after=0, allowed_methods={"GET"})
    return http.make_session(retry, pool_maxsize=1)


def test_proxies_come_from_the_environment_read_once_per_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # requests read every environment variable (and ~/.netrc) again for each request: more
    # CPU than the request in a scan. The session reads them once per host.
    def send(session: requests.Session) -> None:
        with pytest.raises(http.HttpError, match="ProxyError"):  # the proxies refuse tunnels
            http.send(session, "GET", "https://ris.invalid/api", path="/api", timeout=5)

    with HostileServer() as first, HostileServer() as second:
        for proxy in (first, second):
            proxy.script("ris.invalid:443", Json({"title": "no"}, status=403))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.setenv("HTTPS_PROXY", first.url())
        session = _plain_session()
        send(session)
        monkeypatch.setenv("HTTPS_PROXY", second.url())
        send(session)
        assert [r.path for r in first.requests] == ["ris.invalid:443"] * 2
        assert second.requests == []
        # a new session (a new scan) reads the environment again
        send(_plain_session())
        assert [r.path for r in second.requests] == ["ris.invalid:443"]


def test_credentials_in_netrc_are_never_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HostileServer() as server:
        server.script("/", Json({"items": []}))
        netrc = tmp_path / "netrc"
        netrc.write_text("machine 127.0.0.1 login someone password kvr-NETRC-secret\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        http.send(_plain_session(), "GET", server.url("/api"), path="/api", timeout=5)
        [seen] = server.requests
        assert "authorization" not in {name.lower() for name in seen.headers}


def test_a_connection_that_cannot_be_cut_does_not_stop_later_deadlines() -> None:
    class Odd:
        @property
        def sock(self) -> socket.socket:
            raise RuntimeError("no socket here")

    def expires(deadline: http.Deadline) -> bool:
        for _ in range(200):  # poll for up to 10 s: when it fires is not what is tested
            if deadline.expired:
                return True
            time.sleep(0.05)
        return False

    with http.Deadline(0.05) as odd:
        odd.attach(Odd())
        assert expires(odd)
    with http.Deadline(0.05) as later:
        assert expires(later)
