"""HTTP client for the Converis Read API and CUD API: Basic auth, retries, a shared rate limit.

Every request, retries included, takes a token from one bucket first: urllib3 retries happen
below requests, so the Retry subclass takes its token in ``sleep()``, right before the next
attempt. Transport failures (connect/read errors, 429/5xx, proxy HTML pages) are retried with
exponential backoff, honouring Retry-After (capped). A 200 with a cut-off JSON body is retried
here, for GETs. The token lives in the session's auth and never appears in messages or logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .config import ConverisConfig
from .ratelimit import TokenBucket

log = logging.getLogger("kvrules_converis")
T = TypeVar("T")
R = TypeVar("R")
Json = dict[str, Any]
RETRY_STATUS = (429, 500, 502, 503, 504)
DECODE_ATTEMPTS = 4
ALL = {"Converis-attribute-definition": "ALL"}


class ConverisError(Exception):
    """A request failed for good (after retries). Carries method, path and status, no secrets."""

    def __init__(self, method: str, path: str, status: int | None, detail: str) -> None:
        super().__init__(f"{method} {path}: {status or 'no response'} {detail}".strip())
        self.method, self.path, self.status, self.detail = method, path, status, detail


class NotFound(ConverisError):
    pass


class _Retry(Retry):
    cap: float = 120.0
    bucket: TokenBucket | None = None

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.cap)

    def sleep(self, response: Any = None) -> None:
        super().sleep(response)
        if self.bucket is not None:  # a retry is a request too
            self.bucket.acquire()


def _retry(config: ConverisConfig, bucket: TokenBucket) -> Retry:
    cls = type("Retry", (_Retry,), {"cap": config.max_retry_after, "bucket": bucket})
    n = config.retries
    return cls(
        total=n,
        connect=n,
        read=n,
        status=n,
        other=n,
        backoff_factor=config.backoff,
        backoff_max=30,
        status_forcelist=RETRY_STATUS,
        # The CUD PUT sets attribute values: replaying it after a lost answer is harmless.
        allowed_methods=frozenset({"GET", "PUT", "HEAD", "OPTIONS"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def _detail(resp: requests.Response) -> str:
    """The DefaultResponse message (the spec misspells statusDescription; read either)."""
    if "json" not in resp.headers.get("Content-Type", ""):
        return ""
    try:
        body = resp.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    text = body.get("message") or body.get("statusDescription") or body.get("statusDescirption")
    return str(text or "")[:200]


class ConverisClient:
    def __init__(self, config: ConverisConfig) -> None:
        self.config = config
        self.bucket = TokenBucket(config.rate_limit, config.burst)
        self.session = requests.Session()
        adapter = HTTPAdapter(
            pool_connections=2,
            pool_maxsize=config.max_workers + 2,
            max_retries=_retry(config, self.bucket),
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.verify = config.verify()
        self.session.auth = (config.username, config.secret())
        self.session.headers.update({"Accept": "application/json", "User-Agent": "kvrules"})
        self.timeout = (config.connect_timeout, config.read_timeout)
        self._pool: ThreadPoolExecutor | None = None

    def _send(self, method: str, url: str, path: str, **kw: Any) -> requests.Response:
        self.bucket.acquire()
        try:
            return self.session.request(method, url, timeout=self.timeout, **kw)
        except requests.RequestException as e:  # retries exhausted; keep the message short
            raise ConverisError(method, path, None, type(e).__name__) from None

    @staticmethod
    def _fail(method: str, path: str, resp: requests.Response) -> ConverisError:
        cls = NotFound if resp.status_code == 404 else ConverisError
        return cls(method, path, resp.status_code, _detail(resp))

    def get_json(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        """GET a Read API path (relative to base_url)."""
        url = self.config.base_url + path
        for attempt in range(1, DECODE_ATTEMPTS + 1):
            resp = self._send("GET", url, path, params=params, headers=headers)
            if resp.status_code != 200:
                raise self._fail("GET", path, resp)
            try:
                return resp.json()
            except ValueError:  # truncated body with a matching Content-Length
                log.warning("GET %s: invalid JSON body (attempt %d)", path, attempt)
        raise ConverisError("GET", path, 200, "invalid JSON body")

    def put_entities(self, body: Json) -> None:
        """CUD API: PUT /dataentities. The answer body is not needed, so a cut-off one is fine."""
        path = "/dataentities"
        resp = self._send("PUT", f"{self.config.cud_url}{path}", path, json=body)
        if resp.status_code not in (200, 201, 204):
            raise self._fail("PUT", path, resp)

    def pages(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        start: int = 1,
    ) -> Iterator[tuple[int, list[Json]]]:
        """(startRecord of the next page, records) per page; startRecord is 1-based."""
        size = self.config.page_size
        while True:
            page = self.get_json(
                path, {**(params or {}), "startRecord": start, "count": size}, headers
            )
            data = [d for d in page.get("data") or [] if isinstance(d, dict)]
            total = int(page.get("nrRecordsAll") or 0)
            start += len(data)
            yield start, data
            # Stop at a short page or at the total, whichever comes first (the total can shrink).
            if len(data) < size or start - 1 >= total:
                return

    def all(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> list[Json]:
        return [d for _, page in self.pages(path, params, headers) for d in page]

    # ---- concurrency ------------------------------------------------------------------
    def map_safe(self, fn: Callable[[T], R], items: Iterable[T]) -> dict[T, R | Exception]:
        """fn over items on a small pool (the bucket still paces them); failures are returned."""

        def safe(item: T) -> R | Exception:
            try:
                return fn(item)
            except Exception as e:  # per-item failures quarantine records, not the scan
                return e

        todo = list(dict.fromkeys(items))
        if len(todo) <= 1:
            return {item: safe(item) for item in todo}
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.config.max_workers, thread_name_prefix="converis")
        return dict(zip(todo, self._pool.map(safe, todo), strict=True))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.session.close()
