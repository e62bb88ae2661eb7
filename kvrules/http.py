"""HTTP plumbing for adapters that talk to a RIS API with ``requests``.

The pieces every adapter client needs, without the API-specific parts (paths, paging, error
bodies)::

    from kvrules.http import HttpError, get_json, make_session, retry_policy, send, tls_verify

    retry = retry_policy(3, 0.5, max_retry_after=120.0, allowed_methods={"GET", "PUT", "HEAD"})
    session = make_session(
        retry, pool_maxsize=10, verify=tls_verify(config.ca_bundle),
        headers={"api-key": secret, "Accept": "application/json", "User-Agent": "kvrules"},
    )
    data = get_json(
        lambda: send(session, "GET", base + path, path=path, timeout=(5, 30), error=MyError),
        path, fail=my_fail, error=MyError, log=log,
    )

- ``retry_policy``: urllib3 Retry for connect and read errors and 429/5xx answers
  (``RETRY_STATUS``), exponential backoff, honouring Retry-After up to a cap, so a hostile header
  cannot park a scan; an optional ``before_retry`` hook runs right before each retry (e.g. to
  take a rate-limit token: urllib3 retries happen below ``requests``).
- ``make_session``: a pooled keep-alive ``requests.Session`` with that policy mounted. TLS
  verification is always on (``tls_verify``: an optional CA bundle, no off switch).
- ``send``: one request; a transport failure left after the retries becomes
  ``error(method, path, None, exception class name)``, so no URL, header or secret leaks.
- ``HttpError``: method, path, status and a short detail; subclass it per adapter.
- ``get_json``: retries a 200 whose JSON body does not parse (a proxy cut it short).
- ``map_safe``: run a function over items on a thread pool, returning failures in place.

Put secrets in the session (headers or ``auth``), never in paths or messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import Executor
from os import PathLike
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kvrules.errors import KvrulesError

__all__ = [
    "DECODE_ATTEMPTS",
    "RETRY_STATUS",
    "CappedRetry",
    "HttpError",
    "get_json",
    "make_session",
    "map_safe",
    "retry_policy",
    "send",
    "tls_verify",
]

T = TypeVar("T")
R = TypeVar("R")
RETRY_STATUS = (429, 500, 502, 503, 504)
DECODE_ATTEMPTS = 4


class HttpError(KvrulesError):
    """A request failed for good (after retries). Carries method, path and status, no secrets."""

    def __init__(self, method: str, path: str, status: int | None, detail: str) -> None:
        super().__init__(f"{method} {path}: {status or 'no response'} {detail}".strip())
        self.method, self.path, self.status, self.detail = method, path, status, detail


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
        super().sleep(response)
        if self.before_retry is not None:  # a retry is a request too
            self.before_retry()


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
    retry: Retry,
    *,
    pool_maxsize: int,
    pool_connections: int = 4,
    verify: bool | str = True,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> requests.Session:
    """A keep-alive session with `retry` mounted for http:// and https://."""
    if verify is False:
        raise ValueError("TLS verification cannot be switched off; pass a CA bundle instead")
    session = requests.Session()
    adapter = HTTPAdapter(
        pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=retry
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = verify
    if auth is not None:
        session.auth = auth
    session.headers.update(headers or {})
    return session


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    path: str,
    timeout: float | tuple[float, float],
    error: Callable[[str, str, int | None, str], Exception] = HttpError,
    **kw: Any,
) -> requests.Response:
    """One request (retried by the session); `path` is what errors show instead of `url`."""
    try:
        return session.request(method, url, timeout=timeout, **kw)
    except requests.RequestException as e:  # retries exhausted; keep the message short
        raise error(method, path, None, type(e).__name__) from None


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
            return resp.json()
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
