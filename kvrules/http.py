"""HTTP plumbing for adapters that talk to a RIS API with ``requests``.

The pieces every adapter client needs, without the API-specific parts (paths, paging, error
bodies)::

    from kvrules.http import get_json, make_session, quote_id, retry_policy, send, tls_verify

    retry = retry_policy(3, 0.5, max_retry_after=120.0, allowed_methods={"GET", "PUT", "HEAD"})
    session = make_session(
        retry, pool_maxsize=10, verify=tls_verify(config.ca_bundle),
        headers={"api-key": secret, "Accept": "application/json", "User-Agent": "kvrules"},
    )
    path = f"/projects/{quote_id(uuid)}"  # ids from source data: encoded, or refused
    data = get_json(
        lambda: send(session, "GET", base + path, path=path, timeout=(5, 30), error=MyError,
                     deadline=config.request_deadline, max_body=config.max_response_bytes),
        path, fail=my_fail, error=MyError, log=log,
    )

- ``retry_policy``: urllib3 Retry for connect and read errors and 429/5xx answers
  (``RETRY_STATUS``), exponential backoff, honouring Retry-After up to a cap, so a hostile header
  cannot park a scan; an optional ``before_retry`` hook runs right before each retry (e.g. to
  take a rate-limit token: urllib3 retries happen below ``requests``).
- ``make_session``: a pooled keep-alive ``requests.Session`` with that policy mounted. TLS
  verification is always on (``tls_verify``: an optional CA bundle, no off switch). Proxies
  come from the environment (``HTTPS_PROXY``, ``NO_PROXY``) for https only, tunnelled
  (CONNECT); a plain-http request (loopback only) never goes through a proxy, so a key in its
  headers cannot leave the machine unencrypted.
- ``send``: one request; a transport failure left after the retries becomes
  ``error(method, path, None, exception class name)``, so no URL, header or secret leaks.
  Every request has a **total deadline** (connect, retries, headers and body together,
  ``deadline`` seconds; a watchdog cuts the connection when it passes, so a server dripping a
  byte at a time cannot hold a scan) and a **maximum body size** (``max_body`` bytes, after
  decompression). **Redirects are not followed**: the session keeps the credentials in its
  headers, and ``requests`` would carry a custom header such as ``api-key`` to any host a
  redirect names; a 3xx answer becomes an error naming the address it pointed to. The one
  exception a caller may pass, ``redirects=WithinBase(base_url=...)``: a redirect to the
  configured API's own address (same scheme, host, port, a path under its path once dot
  segments, encoded or not, are resolved), where the credentials go anyway — an API's answer
  for a record that moved (Pure's merged uuid).
- ``fetch``: what ``send`` does, raising ``TransferFailed`` (``TooLate``, ``TooLarge``,
  ``BrokeOff``, ``RedirectRefused``, ``Unreachable``) for the caller to word, and two more
  options for downloads without credentials: the body chunk by chunk to ``into`` (a file, never
  held whole) and ``redirects``, a ``Redirects`` policy (each hop https or loopback, to the same
  host or an allowed one, at most N hops; the answer's ``url`` is the address that answered).
- ``check_url``: https, or plain http only to a loopback host unless ``allow_insecure_http``;
  never ``user:password@`` (secrets come from the environment or a file). ``shown_url``: an
  address fit for a message (no userinfo, query or fragment); ``masked_url`` keeps the user
  name and masks the password (what ``config show`` prints of a refused address).
- ``quote_id``: one URL path segment built from source data (a record id), percent-encoded,
  refused when it is not a plausible id (``../../secret?x=`` must not become a path).
- ``HttpError``: method, path, status and a short detail; subclass it per adapter.
- ``get_json``: retries a 200 whose JSON body does not parse (a proxy cut it short).
- ``map_safe``: run a function over items on a thread pool, returning failures in place.
- ``TransportSettings``: the settings above under the names every adapter offers
  (``base_url``, ``allow_insecure_http``, ``ca_bundle``, timeouts, ``request_deadline``,
  ``max_response_bytes``, retries); derive an adapter's settings from it and pass
  ``config.retry(...)``, ``config.verify()`` and ``**config.send_limits()`` to the calls above.

Put secrets in the session (headers or ``auth``), never in paths or messages.
"""

from __future__ import annotations

import contextlib
import email.utils
import heapq
import ipaddress
import itertools
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urljoin, urlsplit

import requests
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_errors
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

from kvrules import jsonguard
from kvrules.errors import KvrulesError

__all__ = [
    "DECODE_ATTEMPTS",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY",
    "RETRY_STATUS",
    "BrokeOff",
    "CappedRetry",
    "Deadline",
    "HttpError",
    "InsecureUrl",
    "RedirectRefused",
    "Redirects",
    "TooLarge",
    "TooLate",
    "TransferFailed",
    "TransportSettings",
    "Unreachable",
    "check_url",
    "fetch",
    "get_json",
    "is_loopback",
    "make_session",
    "map_safe",
    "masked_url",
    "quote_id",
    "retry_after_seconds",
    "retry_policy",
    "send",
    "shown_url",
    "tls_verify",
]

T = TypeVar("T")
R = TypeVar("R")
RETRY_STATUS = (429, 500, 502, 503, 504)
DECODE_ATTEMPTS = 4
DEFAULT_DEADLINE = 300.0  # seconds for one request, retries and body included
DEFAULT_MAX_BODY = 128 * 1024 * 1024  # bytes of one (decompressed) response body
_CHUNK = 64 * 1024
# Ids RIS APIs use in paths: UUIDs, numbers, tokens. No '/', '?', '#', '%', spaces or controls.
_PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.~:+=-]{0,255}", re.ASCII)


class HttpError(KvrulesError):
    """A request failed for good (after retries). Carries method, path and status, no secrets;
    ``not_reached`` as ``send`` sets it (None: reached, or not raised by ``send``)."""

    not_reached: OSError | None = None

    def __init__(self, method: str, path: str, status: int | None, detail: str) -> None:
        # No status: the detail says why no answer came ("… refused the connection")
        said = f"{status} {detail}" if status else (detail or "no response")
        super().__init__(f"{method} {path}: {said}".strip())
        self.method, self.path, self.status, self.detail = method, path, status, detail

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields, not its message: a source read in a process of its own
        # (kvrules.reader) raises it in the scan's process as it was raised in the reader.
        return (type(self), (self.method, self.path, self.status, self.detail))


class InsecureUrl(KvrulesError, ValueError):
    """A plain http:// address to a host that is not loopback, without ``allow_insecure_http``."""


def is_loopback(host: str | None) -> bool:
    """``localhost`` or a loopback IP address: traffic that cannot leave the machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """`url` without a trailing slash; https, or http only to loopback (or when allowed);
    never with a user name or password in it.

    Raises ``InsecureUrl`` (a ValueError, so pydantic validators report it on the field).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureUrl("must be an https:// address")
    if "@" in parts.netloc:
        # A password in an address ends up in configuration files, shell history, `config
        # show`, logs and error messages. Secrets come from the environment or a file.
        raise InsecureUrl(
            "must not hold a user name or password (user:password@): give credentials in "
            "their own settings, from the environment or a file"
        )
    if parts.scheme == "http" and not (allow_insecure_http or is_loopback(parts.hostname)):
        raise InsecureUrl(
            f"plain http:// to {parts.hostname} would send credentials and records unencrypted:"
            " use https:// (http is allowed only to loopback, or with allow_insecure_http: true)"
        )
    return url.rstrip("/")


def shown_url(url: str) -> str:
    """`url` fit for a message or a page: no user name or password, no query or fragment."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}" if host else "?"


def masked_url(text: str, mask: str = "********") -> str:
    """`text` with the password of any ``scheme://user:password@`` in it replaced by `mask`."""
    return _USERINFO.sub(lambda m: m.group(1) + (f":{mask}" if m.group(2) else "") + "@", text)


_USERINFO = re.compile(r"(\w[\w+.-]*://[^/?#@:\s]*)(:[^/?#\s]*)?@")


def quote_id(value: object, *, opaque: bool = False) -> str:
    """`value` as one percent-encoded URL path segment; ValueError when it is no plausible id.

    Every path segment built from source data goes through here, so a record id such as
    ``../../secret?x=`` can neither climb the path nor start a query on the authenticated host.
    ``opaque``: a token the server issued (e.g. base64 with ``/``, ``+``, ``=``): any printable
    text up to 4096 characters, encoded, but never ``.`` or ``..``.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"not a plausible record id: {type(value).__name__}")
    text = str(value)
    if opaque:
        plausible = 0 < len(text) <= 4096 and text.isprintable() and text not in (".", "..")
    else:
        plausible = bool(_PLAUSIBLE_ID.fullmatch(text))
    if not plausible:
        raise ValueError(f"not a plausible {'token' if opaque else 'record id'}: {text[:60]!r}")
    return quote(text, safe="")


class DeadlineExceeded(KvrulesError):
    """The total deadline of a request passed (raised below requests, caught in ``send``).

    Deliberately not an OSError or urllib3 error: urllib3 would retry those.
    """


class Deadline:
    """A total deadline: when it passes, a watchdog shuts down the sockets of what is attached.

    ``send`` uses one per request. For other blocking socket work (smtplib, say), attach any
    object with a ``sock`` attribute before it connects, and check ``expired`` on failure::

        with Deadline(60) as deadline:
            smtp = smtplib.SMTP(timeout=30)
            deadline.attach(smtp)
            smtp.connect(host, port)  # a server dripping its greeting is cut off at 60 s
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.due = time.monotonic() + seconds
        self.expired = False
        # The OS error of the last connection attempt that never reached the server (refused,
        # timed out connecting); None once one did: what a passed deadline says (``send``)
        self.not_reached: OSError | None = None
        # A capped Retry-After wait was said for this request: once, not once per retry
        self.said_capped_wait = False
        self._done = False
        self._outer: Deadline | None = None
        self._conns: list[Any] = []  # objects with a ``sock``: urllib3 connections, smtplib
        self._lock = threading.Lock()
        self._queued = False  # waiting in the watchdog's queue (guarded by the watchdog)

    def remaining(self) -> float:
        return self.due - time.monotonic()

    def attach(self, conn: Any) -> None:
        """Watch `conn`'s ``sock`` (read when the deadline passes, so it may connect later)."""
        with self._lock:
            if self.expired:
                raise DeadlineExceeded
            self._conns.append(conn)

    def check(self) -> None:
        if self.expired or self.remaining() <= 0:
            self.expired = True
            raise DeadlineExceeded

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for conn in self._conns:
                sock = conn.sock
                if sock is not None:  # the base method: SSLSocket's would unwrap under the reader
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def __enter__(self) -> Deadline:
        self._outer, _current.watch = _watch(), self  # a send() inside another deadline
        _watchdog.watch(self, time.monotonic() + self.seconds)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
        _watchdog.forget(self)
        _current.watch = self._outer


class _Watchdog:
    """One thread that fires every deadline when it passes.

    A timer thread per deadline cost a thread start and stop per request: in a scan, more CPU
    than the request itself once a few threads compete for the interpreter. Deadlines wait in
    a heap ordered by when they pass; one that ends in time is only marked and dropped later
    (the heap is rebuilt when more than half of it is such leftovers, so it stays the size of
    what is in flight).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()  # ties: first come, first fired; never compares Deadlines
        self._queued = 0  # deadlines in the heap still waiting to fire
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline, due: float) -> None:
        with self._cond:
            deadline._queued = True
            self._queued += 1
            heapq.heappush(self._heap, (due, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="kvrules-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is deadline:  # sooner than what the thread sleeps towards
                self._cond.notify()

    def forget(self, deadline: Deadline) -> None:
        with self._cond:
            if not deadline._queued:
                return  # it fired already
            deadline._queued = False
            self._queued -= 1
            if len(self._heap) > 64 and len(self._heap) > 2 * self._queued:
                self._heap = [entry for entry in self._heap if entry[2]._queued]
                heapq.heapify(self._heap)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not (due := self._take_due()):
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
            for deadline in due:  # outside the lock: firing shuts sockets down
                try:
                    deadline._fire()
                except Exception as e:  # one odd attached object must not stop later deadlines
                    logging.getLogger("kvrules.http").warning(
                        "deadline watchdog: %s while cutting a connection", type(e).__name__
                    )

    def _take_due(self) -> list[Deadline]:
        now, due = time.monotonic(), []
        while self._heap and (not self._heap[0][2]._queued or self._heap[0][0] <= now):
            _, _, deadline = heapq.heappop(self._heap)
            if deadline._queued:
                deadline._queued = False
                self._queued -= 1
                due.append(deadline)
        return due


_watchdog = _Watchdog()


def _new_watchdog() -> None:
    """In a forked child: it has no watchdog thread (and maybe a lock held by a thread it
    does not have)."""
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_new_watchdog)


_current = threading.local()  # .watch: the Deadline entered last on this thread


def _watch() -> Deadline | None:
    return getattr(_current, "watch", None)


class DeadlineedMixin:
    """A urllib3 connection that joins the deadline watch of the request using it."""

    def request(self, *args: Any, **kw: Any) -> None:
        watch = _watch()
        if watch is not None:
            watch.check()  # a retry after the deadline: give up instead
        super().request(*args, **kw)  # type: ignore[misc]

    def connect(self) -> None:
        watch = _watch()
        if watch is not None:  # a proxy dripping its answer to CONNECT is cut off too
            watch.attach(self)  # type: ignore[arg-type]
        try:
            super().connect()  # type: ignore[misc]
        except Exception as e:  # retried by urllib3; said if the deadline passes meanwhile
            if watch is not None:
                cause = _os_cause(e)
                refused = isinstance(cause, ConnectionRefusedError | TimeoutError)
                watch.not_reached = cause if refused else None
            raise
        if watch is not None:
            watch.not_reached = None  # this attempt reached the server

    def getresponse(self) -> Any:
        watch = _watch()
        if watch is not None:
            watch.attach(self)  # type: ignore[arg-type]
            # An answer that closes the connection (HTTP/1.0, "Connection: close") takes the
            # socket with it: http.client sets the connection's ``sock`` to None, and the
            # watchdog would find nothing to cut while the body drips. Hold the socket itself.
            watch.attach(_HeldSocket(self.sock))  # type: ignore[attr-defined]
        return super().getresponse()  # type: ignore[misc]


@dataclass(frozen=True)
class _HeldSocket:
    """A socket for ``Deadline.attach`` (which reads ``.sock`` when the deadline passes)."""

    sock: socket.socket | None


class DeadlineedHTTPConnection(DeadlineedMixin, HTTPConnection):
    pass


class DeadlineedHTTPSConnection(DeadlineedMixin, HTTPSConnection):
    pass


class DeadlineedHTTPPool(HTTPConnectionPool):
    ConnectionCls = DeadlineedHTTPConnection


class DeadlineedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = DeadlineedHTTPSConnection


_WATCHED_POOLS = {"http": DeadlineedHTTPPool, "https": DeadlineedHTTPSPool}


class DeadlineedAdapter(HTTPAdapter):
    """Direct and HTTP(S)-proxied connections join the deadline watch (SOCKS ones do not:
    their pools are urllib3's own; the deadline is still checked between body chunks)."""

    def init_poolmanager(self, *args: Any, **kw: Any) -> None:
        super().init_poolmanager(*args, **kw)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **kw: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kw)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


class _NoRedirectSession(requests.Session):
    """Never follows a redirect, whatever a caller passes: ``send`` reports it instead.

    It reads the proxy settings of the environment once per host instead of for every
    request: requests' own reading (every environment variable, then ``~/.netrc``) cost more
    CPU per request than sending it. ``~/.netrc`` is not read: kvrules sends the credentials
    configured for the source, and no others.
    """

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # the environment is read here instead (and netrc not at all)
        self._env_proxies: dict[tuple[str, str, str | None], dict[str, str]] = {}

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        # What requests does with trust_env on (proxies from HTTPS_PROXY/NO_PROXY..., a CA
        # bundle from REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE), the proxies read once per host.
        text = url.decode() if isinstance(url, bytes) else url or ""
        scheme, netloc = urlsplit(text)[:2]
        if scheme.lower() != "https":
            # Plain http goes to loopback only (check_url), where it cannot be read. Through
            # a proxy it would travel the network in clear, credentials and all: never, whatever
            # HTTP_PROXY, ALL_PROXY or the caller say. https through a proxy is tunnelled
            # (CONNECT): the proxy sees the host name, not the headers or the body.
            settings = super().merge_environment_settings(url, {}, stream, verify, cert)
            return {**settings, "proxies": {}}
        proxies = dict(proxies or {})
        key = (scheme, netloc, proxies.get("no_proxy"))
        if (found := self._env_proxies.get(key)) is None:
            found = requests.utils.get_environ_proxies(text, no_proxy=key[2])
            self._env_proxies[key] = found
        for name, value in found.items():
            proxies.setdefault(name, value)
        if verify is True or verify is None:
            env = os.environ
            verify = env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE") or verify
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


class CappedRetry(Retry):
    """urllib3 Retry with a cap on Retry-After, so a hostile header cannot park a scan.

    ``before_retry``, when set, is called after the backoff sleep, right before the next attempt.
    Both are class attributes because urllib3 rebuilds the Retry on every attempt;
    ``retry_policy`` makes the subclass.
    """

    cap: float = 120.0
    before_retry: Callable[[], None] | None = None

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.cap)

    def sleep(self, response: Any = None) -> None:
        watch = _watch()
        if watch is not None:  # a wait past the request's deadline is a wait for nothing
            after = self.get_retry_after(response) if response is not None else None
            if (after if after is not None else self.get_backoff_time()) >= watch.remaining():
                raise DeadlineExceeded
        asked = super().get_retry_after(response) if response is not None else None
        if asked is not None and asked > self.cap:  # a wait cut short is said, not silent
            self._say_capped_wait(response, watch)
        super().sleep(response)
        if self.before_retry is not None:  # a retry is a request too
            self.before_retry()

    def _say_capped_wait(self, response: Any, watch: Deadline | None) -> None:
        """One line per request (``send``'s deadline marks it said), not one per retry: a
        server answering every retry with the same Retry-After said the same line 6 times.
        A session used without ``send`` has no deadline, and says each wait."""
        if watch is not None:
            if watch.said_capped_wait:
                return
            watch.said_capped_wait = True
        header = str(response.headers.get("Retry-After", ""))[:40]  # as sent (urllib3 caps
        logging.getLogger("kvrules.http").warning(  # its own reading at 6 hours)
            "the server asked to wait before a retry (Retry-After: %s); waiting %g s "
            "(max_retry_after) instead",
            header,
            self.cap,
        )


def retry_after_seconds(value: str | None) -> float | None:
    """An HTTP Retry-After header (seconds, or a date) in seconds from now; None when absent
    or unreadable (then the caller's own backoff applies). Not urllib3's reading: it cuts a
    wait at 6 hours silently, and a cut wait is the caller's to say (with what was asked)."""
    text = (value or "").strip()[:64]
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def retry_policy(
    retries: int,
    backoff: float,
    *,
    max_retry_after: float,
    allowed_methods: Collection[str],
    status_forcelist: Collection[int] = RETRY_STATUS,
    backoff_max: float = 30,
    before_retry: Callable[[], None] | None = None,
) -> CappedRetry:
    """`retries` each for connect, read, status and other errors; Retry-After capped."""
    attrs: dict[str, Any] = {"cap": max_retry_after}
    if before_retry is not None:
        attrs["before_retry"] = staticmethod(before_retry)
    cls = type("Retry", (CappedRetry,), attrs)
    n = retries
    return cls(
        total=n,
        connect=n,
        read=n,
        status=n,
        other=n,
        backoff_factor=backoff,
        backoff_max=backoff_max,
        status_forcelist=status_forcelist,
        allowed_methods=frozenset(allowed_methods),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def tls_verify(ca_bundle: str | PathLike[str] | None) -> bool | str:
    """requests' ``verify``: on, with an optional CA bundle; there is no off switch."""
    return str(ca_bundle) if ca_bundle else True


def make_session(
    retry: Retry | int,
    *,
    pool_maxsize: int,
    pool_connections: int = 4,
    verify: bool | str = True,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> requests.Session:
    """A keep-alive session with `retry` mounted for http:// and https://.

    It never follows redirects, and its connections obey ``send``'s deadline.
    """
    if verify is False:
        raise ValueError("TLS verification cannot be switched off; pass a CA bundle instead")
    session = _NoRedirectSession()
    session.max_redirects = 0
    adapter = DeadlineedAdapter(
        pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=retry
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = verify
    if auth is not None:
        session.auth = auth
    session.headers.update(headers or {})
    return session


class TransferFailed(KvrulesError):
    """Why ``fetch`` got no usable answer; ``send`` turns it into the caller's ``error``.

    ``status`` is the answer's status when there was one. The subclasses carry what a caller
    needs to say it in its own words (an adapter names its settings, `refdata update` its list).
    """

    status: int | None = None


class Unreachable(TransferFailed):
    """No answer after the retries; ``__cause__`` is requests' exception (ProxyError, SSLError)."""

    def __init__(self, cause: requests.RequestException) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause


class TooLate(TransferFailed):
    """``not_reached``: the operating system's error of the last attempt to connect, when the
    deadline passed with the server never reached (refused at every retry, say)."""

    def __init__(
        self, seconds: float, status: int | None = None, not_reached: OSError | None = None
    ) -> None:
        super().__init__(f"total deadline of {seconds:g} s passed")
        self.seconds, self.status, self.not_reached = seconds, status, not_reached


class TooLarge(TransferFailed):
    def __init__(self, limit: int, status: int | None) -> None:
        super().__init__(f"body larger than {limit} bytes")
        self.limit, self.status = limit, status


class BrokeOff(TransferFailed):
    """The body ended early (the connection broke); ``received``: bytes that did arrive."""

    def __init__(self, received: int, cause: str, status: int | None) -> None:
        super().__init__(f"{cause} after {received} bytes")
        self.received, self.cause, self.status = received, cause, status


class RedirectRefused(TransferFailed):
    """``target``: scheme, host and port only (a query may hold a token)."""

    def __init__(self, target: str, reason: str, status: int) -> None:
        super().__init__(f"redirect to {target} refused: {reason}")
        self.target, self.reason, self.status = target, reason, status


@dataclass(frozen=True)
class Redirects:
    """The redirects ``fetch`` may follow; without one it follows none.

    For downloads without credentials only (official lists: publishers move a file to https or
    to a CDN). Every hop must pass ``check_url`` (https, or plain http to loopback) and lead to
    the first address's own host or one of `hosts`; at most `hops` of them. The deadline and
    the body cap cover all hops together.
    """

    hosts: frozenset[str] = frozenset()
    hops: int = 5

    def refusal(self, first: str, target: str, hop: int) -> str:
        """Why the redirect to `target` (the `hop`-th, from 1) is not followed ("" if it is)."""
        if hop > self.hops:
            return f"more than {self.hops} redirects"
        host = (urlsplit(target).hostname or "").lower()
        try:
            check_url(target)
        except InsecureUrl as e:
            if urlsplit(target).scheme == "http" and "@" not in urlsplit(target).netloc:
                return f"plain http:// to {host} (redirects are followed over https only)"
            return str(e)
        if host != (urlsplit(first).hostname or "").lower() and host not in self.hosts:
            allowed = ", ".join(sorted(self.hosts)) or "none"
            return f"{host} is neither the host asked nor an allowed one ({allowed})"
        return ""


_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class WithinBase(Redirects):
    """The redirects an API client holding credentials may follow: to its own configured
    address only (``base_url``: the same scheme, host and port, a path under its path), as an
    API answers for a record that moved (Pure's 301 for a merged uuid, "The requested content
    have changed UUID"). The credentials then go nowhere they were not going already; any
    other target is refused, naming the configured address."""

    base_url: str = ""
    hops: int = 2

    def refusal(self, first: str, target: str, hop: int) -> str:
        if hop > self.hops:
            return f"more than {self.hops} redirects"
        base, to = urlsplit(self.base_url), urlsplit(target)
        try:
            same = (
                "@" not in to.netloc
                and to.scheme == base.scheme
                and (to.hostname or "").lower() == (base.hostname or "").lower()
                and (to.port or _DEFAULT_PORTS.get(to.scheme))
                == (base.port or _DEFAULT_PORTS.get(base.scheme))
            )
        except ValueError:  # a port that is no number
            same = False
        if not same:
            return (
                f"it leads away from the configured address {_origin(self.base_url)}, and the "
                "credentials go to that address only"
            )
        root = base.path.rstrip("/")
        resolved, within = _resolved_path(to.path), _resolved_path(base.path)
        if resolved is None or within is None:
            return "its path is encoded over and over again; no server reads it so"
        inside = within.rstrip("/")
        if resolved != inside and not resolved.startswith(f"{inside}/"):
            return f"it leads outside the configured API ({root or '/'}) on that host"
        return ""


# Percent-decoding rounds a redirect's path may take before it reads the same twice: a server
# decoding twice reads %252e%252e as "..", so it is checked as "..". More rounds: refused.
_DECODINGS = 4


def _resolved_path(path: str) -> str | None:
    """`path` as the most liberal server would resolve it: percent-decoded until it no longer
    changes (``%2e%2e``, ``%252e``), backslashes read as ``/`` (IIS), empty segments (``//``)
    and path parameters (Tomcat's ``..;/``) dropped, then RFC 3986's dot segments removed.

    What a redirect's target is checked with (``WithinBase``): urllib3 removes ``..`` after
    that check, and a server decodes ``%2e%2e`` to ``..``, so a path that merely starts with
    the API's took its key to ``/admin``. None when the decoding never settles (refused).
    """
    text = path
    for _ in range(_DECODINGS):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    else:
        return None
    kept: list[str] = []
    for segment in text.replace("\\", "/").split("/"):
        name = segment.split(";", 1)[0]
        if name in ("", "."):
            continue
        if name == "..":
            if kept:
                kept.pop()
            continue
        kept.append(name)
    return "/" + "/".join(kept)


def fetch(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: float | tuple[float, float],
    deadline: float = DEFAULT_DEADLINE,
    max_body: int = DEFAULT_MAX_BODY,
    into: Callable[[bytes], object] | None = None,
    redirects: Redirects | None = None,
    **kw: Any,
) -> requests.Response:
    """One request (retried by the session) with its body read; raises ``TransferFailed``.

    The body goes to ``resp.content``, or chunk by chunk to `into` (a download written to a
    file: never held whole). `deadline` (seconds) covers connect, retries, every redirect hop,
    headers and body; `max_body` bytes are counted after decompression. Redirects are refused
    unless `redirects` allows them; the answer's ``url`` is the address that answered.
    """
    with Deadline(deadline) as watch:
        resp = _request(session, method, url, watch, timeout=timeout, **kw)
        hop = 0
        while resp.is_redirect or resp.status_code in (301, 302, 303, 307, 308):
            resp.close()
            target = urljoin(resp.url or url, resp.headers.get("Location", ""))
            hop += 1
            reason = (
                redirects.refusal(url, target, hop)
                if redirects is not None
                else "kvrules follows no redirects, so credentials stay with the configured "
                "address; configure the address it redirects to if you trust it"
            )
            if reason:
                raise RedirectRefused(_origin(target), reason, resp.status_code)
            kw.pop("params", None)  # the new address is whole
            resp = _request(session, method, target, watch, timeout=timeout, **kw)
        try:
            _read_body(resp, watch, max_body, into)
        except BaseException:
            resp.close()  # a connection with an unread or cut body is not reused
            raise
    return resp


def _request(
    session: requests.Session, method: str, url: str, watch: Deadline, **kw: Any
) -> requests.Response:
    try:
        return session.request(method, url, stream=True, allow_redirects=False, **kw)
    except DeadlineExceeded:
        raise TooLate(watch.seconds, not_reached=watch.not_reached) from None
    except requests.RequestException as e:  # retries exhausted
        if watch.expired:
            raise TooLate(watch.seconds, not_reached=watch.not_reached) from None
        raise Unreachable(e) from e


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    path: str,
    timeout: float | tuple[float, float],
    error: Callable[[str, str, int | None, str], Exception] = HttpError,
    deadline: float = DEFAULT_DEADLINE,
    max_body: int = DEFAULT_MAX_BODY,
    server: str | None = None,
    **kw: Any,
) -> requests.Response:
    """One request (retried by the session) with its body read; `path` is what errors show.

    Returns the answer whatever its status: a 4xx, or a 429/5xx still there after the retries
    (``retry_policy``), is the caller's to read and word (its body often says why); only a
    redirect is refused. Raises ``error(method, path, status, detail)`` when no usable answer
    came: the retries exhausted without one (refused, reset, timed out), the total `deadline`
    (seconds) passed, the body exceeded `max_body` bytes, or the answer was a redirect (never
    followed). ``server`` ("the webhook receiver at hooks.example.org:443"): a host that cannot
    be reached is then said in words (``kvrules.alerting.unreachable``), else by the error's
    class. The raised error always carries ``not_reached``: the operating system's error when
    the request never reached the other end (the connection refused, or timed out while
    connecting, also when that was retried until the deadline), which
    ``kvrules.alerting.is_transient`` reads as an outage; else None: a request that was sent
    and then timed out or broke off may have been acted on, so it is no outage to retry for as
    long as it lasts.
    """
    try:
        return fetch(
            session, method, url, timeout=timeout, deadline=deadline, max_body=max_body, **kw
        )
    except TooLate as e:
        late = f"total deadline of {deadline:g} s passed (request_deadline)"
        if e.not_reached is not None:  # refused at every retry until the deadline: an outage
            from kvrules.alerting import unreachable

            words = unreachable(e.not_reached, server or _server(url)) or "not reached"
            raise _carrying(error(method, path, None, f"{words}; {late}"), e.not_reached) from None
        raise _carrying(error(method, path, e.status, _detail(e.status, late)), None) from None
    except TooLarge as e:
        detail = _detail(
            e.status, f"response body larger than {max_body} bytes (max_response_bytes)"
        )
        raise _carrying(error(method, path, e.status, detail), None) from None
    except RedirectRefused as e:
        detail = f"redirect to {e.target} refused: {e.reason}"
        raise _carrying(error(method, path, e.status, detail), None) from None
    except Unreachable as e:  # in words: ``server``, else "the server at HOST:PORT"
        failure = error(method, path, None, _failed_in_words(e.cause, server or _server(url)))
        # Kept for callers that tell an outage from a setting to fix (an alert channel holds
        # an alert through an outage); not chained, since requests' message repeats the URL.
        raise _carrying(failure, _not_reached(e.cause)) from None
    except TransferFailed as e:  # keep the message short: no URL, header or secret
        raise _carrying(error(method, path, e.status, str(e)), None) from None


def _detail(status: int | None, text: str) -> str:
    """``text`` after a status ("503 - total deadline …"); alone without one."""
    return f"- {text}" if status else text


def _carrying(failure: Exception, not_reached: OSError | None) -> Exception:
    """``failure`` with ``not_reached`` set, as ``send`` documents for every error it raises."""
    failure.not_reached = not_reached  # type: ignore[attr-defined]
    return failure


class TransportSettings(BaseModel):
    """How an adapter reaches its API: address, TLS, timeouts, deadline, body cap, retries.

    Derive an adapter's settings from it (``class MyConfig(BaseSettings, TransportSettings)``)
    so every adapter offers these under the same names and ``kvrules config check`` reads them
    alike. Redefine a field to change its description or default; it keeps its place.
    """

    # Before base_url: its validator reads this one.
    allow_insecure_http: bool = Field(
        default=False,
        description="accept a plain http:// address to a host that is not loopback "
        "(the credentials and the records then travel unencrypted; `kvrules config check` warns)",
    )
    base_url: str = Field(description="the API's root address (https://)")
    ca_bundle: Path | None = Field(
        default=None, description="CA bundle for TLS verification (verification is always on)"
    )
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=60.0, gt=0)
    request_deadline: float = Field(
        default=DEFAULT_DEADLINE,
        gt=0,
        description="seconds for one request in total: connect, retries, headers and body",
    )
    max_response_bytes: int = Field(
        default=DEFAULT_MAX_BODY, ge=1024, description="largest response body accepted"
    )
    retries: int = Field(default=6, ge=0, description="per request: connect/read/5xx/429")
    backoff: float = Field(default=0.2, ge=0, description="exponential backoff factor (s)")
    max_retry_after: float = Field(default=120.0, ge=0, description="cap on a Retry-After wait")

    @field_validator("base_url")
    @classmethod
    def _secure_base_url(cls, url: str, info: ValidationInfo) -> str:
        return check_url(url, allow_insecure_http=info.data.get("allow_insecure_http", False))

    def verify(self) -> bool | str:
        """requests' ``verify``: on, with an optional CA bundle; there is no off switch."""
        return tls_verify(self.ca_bundle)

    def retry(
        self, allowed_methods: Collection[str], *, before_retry: Callable[[], None] | None = None
    ) -> CappedRetry:
        """The session's retry policy from ``retries``, ``backoff`` and ``max_retry_after``."""
        return retry_policy(
            self.retries,
            self.backoff,
            max_retry_after=self.max_retry_after,
            allowed_methods=allowed_methods,
            before_retry=before_retry,
        )

    def send_limits(self) -> dict[str, Any]:
        """``send``'s ``timeout``, ``deadline`` and ``max_body`` from these settings."""
        return {
            "timeout": (self.connect_timeout, self.read_timeout),
            "deadline": self.request_deadline,
            "max_body": self.max_response_bytes,
        }


def _failed_in_words(exc: requests.RequestException, server: str | None) -> str:
    """Why a request got no answer: "the webhook receiver at h:443 refused the connection (…)"
    when ``server`` names the host and the cause is one ``unreachable`` words, else the class
    (requests' own message repeats the URL, whose path or query may be a credential)."""
    if server is not None:
        from kvrules.alerting import unreachable

        cause = _os_cause(exc)
        if cause is not None and (said := unreachable(cause, server)):
            return said
    return type(exc).__name__


def _not_reached(exc: requests.RequestException) -> OSError | None:
    """The OS error of a request that never reached the server: refused, or a connect timeout
    (requests' ``ConnectTimeout``); None once a connection was made (a read timeout, a reset
    while the answer was awaited: the request may have been acted on)."""
    cause = _os_cause(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return cause if isinstance(cause, OSError) else TimeoutError("connect timeout")
    return cause if isinstance(cause, ConnectionRefusedError) else None


def _os_cause(exc: BaseException) -> OSError | None:
    """The operating system's error beneath requests' and urllib3's wrappers (a refused
    connection, a name that does not resolve, a timeout), or None."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        wrapper = type(current).__module__.split(".")[0] in ("requests", "urllib3")
        if isinstance(current, OSError) and not wrapper:
            return current
        nested = [a for a in current.args if isinstance(a, BaseException)]
        pending += [*nested, getattr(current, "reason", None), current.__cause__]
        pending.append(current.__context__)
    return None


def _server(url: str) -> str:
    """ "the server at pure.example.edu:443": a host that did not answer, without the path or
    query (they may hold a token)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"the server at {parts.hostname}:{port}"


def _origin(url: str) -> str:
    """Scheme, host and port of `url`: no user name, path or query (they may hold a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.netloc else "?"


def _read_body(
    resp: requests.Response,
    watch: Deadline,
    max_body: int,
    into: Callable[[bytes], object] | None = None,
) -> None:
    """Read the body within the deadline and `max_body` bytes: into ``resp.content``, or
    chunk by chunk to `into`."""
    status = resp.status_code
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise TooLarge(max_body, status)
    chunks: list[bytes] = []
    keep = chunks.append if into is None else into
    size = 0
    try:
        for chunk in _chunks(resp):  # decoded: a gzip bomb is counted unpacked
            size += len(chunk)
            if size > max_body:
                raise TooLarge(max_body, status)
            keep(chunk)
            watch.check()
    except DeadlineExceeded:
        raise TooLate(watch.seconds, status) from None
    except requests.RequestException as e:
        if watch.expired:  # the watchdog cut the connection
            raise TooLate(watch.seconds, status) from None
        raise BrokeOff(size, type(e).__name__, status) from None
    if watch.expired:  # cut during a body read to the end of the connection: not the end
        raise TooLate(watch.seconds, status)
    if into is None:
        resp._content = b"".join(chunks)  # what requests does itself once a body is read


def _chunks(resp: requests.Response) -> Iterator[bytes]:
    """The decoded body as it arrives (``iter_content`` with ``read1``, errors mapped alike).

    ``iter_content`` waits for a whole chunk: bytes that arrived before a connection broke
    or stalled were lost with the failing read, so "broke off after 0 bytes" when 140 had
    come, and a drip was checked against the deadline only once per 64 KiB.
    """
    raw = resp.raw
    resp._content_consumed = True  # read here, not by requests
    try:
        while chunk := raw.read1(_CHUNK, decode_content=True):
            yield chunk
    except urllib3_errors.ProtocolError as e:
        raise requests.exceptions.ChunkedEncodingError(e) from e
    except urllib3_errors.DecodeError as e:
        raise requests.exceptions.ContentDecodingError(e) from e
    except urllib3_errors.ReadTimeoutError as e:
        raise requests.exceptions.ConnectionError(e) from e
    except urllib3_errors.SSLError as e:
        raise requests.exceptions.SSLError(e) from e


def get_json(
    fetch: Callable[[], requests.Response],
    path: str,
    *,
    fail: Callable[[requests.Response], Exception],
    error: Callable[[str, str, int | None, str], Exception] = HttpError,
    log: logging.Logger,
    attempts: int = DECODE_ATTEMPTS,
) -> Any:
    """The JSON of ``fetch()``, a GET; up to `attempts` tries while a 200 body does not parse.

    A status other than 200 raises ``fail(response)``; bodies that never parse raise
    ``error("GET", path, 200, "invalid JSON body")``.
    """
    for attempt in range(1, attempts + 1):
        resp = fetch()
        if resp.status_code != 200:
            raise fail(resp)
        try:
            return jsonguard.loads(resp.content)
        except ValueError:  # truncated body with a matching Content-Length
            log.warning("GET %s: invalid JSON body (attempt %d)", path, attempt)
    raise error("GET", path, 200, "invalid JSON body")


def map_safe(
    fn: Callable[[T], R], items: Iterable[T], pool: Callable[[], Executor]
) -> dict[T, R | Exception]:
    """fn over the distinct items; a failure is returned in place of its result.

    `pool` gives the executor and is only called for two items or more.
    """

    def safe(item: T) -> R | Exception:
        try:
            return fn(item)
        except Exception as e:  # per-item failures quarantine records, not the scan
            return e

    todo = list(dict.fromkeys(items))
    if len(todo) <= 1:
        return {item: safe(item) for item in todo}
    return dict(zip(todo, pool().map(safe, todo), strict=True))
