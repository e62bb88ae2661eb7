"""HTTP client for the Converis Read API and CUD API: Basic auth, retries, a shared rate limit.

Every request, retries included, takes a token from one bucket first: urllib3 retries happen
below requests, so the Retry subclass takes its token in ``sleep()``, right before the next
attempt. Transport failures (connect/read errors, 429/5xx, proxy HTML pages) are retried with
exponential backoff, honouring Retry-After (capped). A 200 with a cut-off JSON body is retried
here, for GETs. The token lives in the session's auth and never appears in messages or logs;
redirects are refused, every request has a total deadline and a bounded body (``kvrules.http``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import requests

from kvrules import http, parse_untrusted_json

from .config import READ_PATH, ConverisConfig
from .ratelimit import TokenBucket

log = logging.getLogger("kvrules_converis")
T = TypeVar("T")
R = TypeVar("R")
Json = dict[str, Any]
ALL = {"Converis-attribute-definition": "ALL"}


class ConverisError(http.HttpError):
    """A request failed for good (after retries). Carries method, path and status, no secrets."""


class NotFound(ConverisError):
    pass


def _detail(resp: requests.Response) -> str:
    """The DefaultResponse message (the spec misspells statusDescription; read either)."""
    if "json" not in resp.headers.get("Content-Type", ""):
        return ""
    try:
        body = parse_untrusted_json(resp.content)
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
        self.session = http.make_session(
            # The CUD PUT sets attribute values: replaying it after a lost answer is harmless.
            config.retry(
                {"GET", "PUT", "HEAD", "OPTIONS"},
                before_retry=self.bucket.acquire,  # a retry is a request too
            ),
            pool_connections=2,
            pool_maxsize=config.max_workers + 2,
            verify=config.verify(),
            auth=(config.username, config.secret()),
            headers={"Accept": "application/json", "User-Agent": "kvrules"},
        )
        self._pool: ThreadPoolExecutor | None = None
        # Listings that ended short of their total, a line each, until the scan takes them
        # (``take_unread``): records the source has that were not read.
        self.unread: list[str] = []

    def take_unread(self) -> list[str]:
        """The listings that ended short since the last call (``pages``), a line each."""
        said, self.unread = self.unread, []
        return said

    def _send(self, method: str, url: str, path: str, **kw: Any) -> requests.Response:
        self.bucket.acquire()
        return http.send(
            self.session,
            method,
            url,
            path=path,
            error=ConverisError,
            **self.config.send_limits(),
            **kw,
        )

    def _fail(self, method: str, path: str, resp: requests.Response) -> ConverisError:
        detail = _detail(resp)
        if resp.status_code in (401, 403):  # the token was refused: say which one was sent
            detail = f"{detail} ({self.config.username!r} with {self.config.token_source()})"
            detail = detail.strip()
        cls = NotFound if resp.status_code == 404 else ConverisError
        return cls(method, path, resp.status_code, detail)

    def get_json(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        """GET a Read API path (relative to base_url)."""
        url = self.config.base_url + path
        return http.get_json(
            lambda: self._send("GET", url, path, params=params, headers=headers),
            path,
            fail=lambda resp: self._fail("GET", path, resp),
            error=ConverisError,
            log=log,
        )

    def put_entities(self, body: Json) -> None:
        """CUD API: PUT /dataentities. The answer body is not needed, so a cut-off one is fine."""
        path = "/dataentities"
        resp = self._send("PUT", f"{self.config.cud_url}{path}", path, json=body)
        if resp.status_code not in (200, 201, 204):
            raise self._fail("PUT", path, resp)

    def cud_options(self) -> str:
        """CUD API: OPTIONS /dataentities, which writes nothing (cris-apis.md 2.3: it returns
        the supported actions). Returns the Allow header ("" when none); a write address that
        does not answer it (a typo in cud_url, say) raises, naming the address."""
        path = "/dataentities"
        resp = self._send("OPTIONS", f"{self.config.cud_url}{path}", path)
        if resp.status_code not in (200, 204):
            error = self._fail("OPTIONS", path, resp)
            if resp.status_code == 404:  # the address, not the token: say which one
                where = http.shown_url(f"{self.config.cud_url}{path}")
                error = type(error)(
                    "OPTIONS",
                    path,
                    404,
                    f"{error.detail} - no CUD API at {where}: is cud_url the instance's "
                    f".../converis/ws/v2/dataobject (singular; the spec's prose says "
                    f"'dataobjects')?".strip(" -"),
                )
            raise error
        return resp.headers.get("Allow", "")

    def pages(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        start: int = 1,
        on_total: Callable[[Any], None] | None = None,
    ) -> Iterator[tuple[int, list[Json]]]:
        """(startRecord of the next page, records) per page; startRecord is 1-based.
        ``on_total`` is told the first page's ``nrRecordsAll`` (the size of the list)."""
        size = self.config.page_size
        while True:
            page = self.get_json(
                path, {**(params or {}), "startRecord": start, "count": size}, headers
            )
            data = [d for d in self.listing(path, page) if isinstance(d, dict)]
            total = page.get("nrRecordsAll")
            if on_total is not None:
                on_total(total)
                on_total = None
            start += len(data)
            yield start, data
            # `count` is a maximum (the spec's word): a server may answer fewer records and
            # still have more, so a short page ends the list only when there is no total.
            # An empty page or the total (which can shrink) ends it; an empty page before
            # the total its own answer gives is kept in ``unread``: records never listed.
            counted = isinstance(total, int) and not isinstance(total, bool)
            if not data:
                if counted and start - 1 < total:
                    said = (
                        f"GET {path}: the listing ended at {start - 1} of the {total} records "
                        f"its nrRecordsAll gives (startRecord {start} answered no records); "
                        "the others were not read"
                    )
                    log.info("%s", said)  # the scan says it, with what it means
                    self.unread.append(said)
                return
            if counted:
                if start - 1 >= total:
                    return
            elif len(data) < size:
                return

    def listing(self, path: str, page: Any) -> list[Any]:
        """A list page's ``data`` as the Read API has it (``{"startRecord", "count",
        "nrRecordsAll", "data": [...]}``). Anything else is a source error, not an empty list:
        a wrong base_url answering 200 would otherwise read as "no records"."""
        if not isinstance(page, dict):
            missing = f"a JSON {type(page).__name__}, not an object"
        elif isinstance(data := page.get("data"), list):
            return data
        elif "data" in page:
            missing = "'data' is not a list"
        elif page.get("nrRecordsAll") == 0:
            return []  # an empty list may come without its data
        else:
            missing = "no 'data' list"
        where = http.shown_url(self.config.base_url + path)
        raise ConverisError(
            "GET",
            path,
            200,
            f"- {where} did not answer a Converis list page: {missing} "
            f"(is base_url the Read API, e.g. https://converis.example.edu{READ_PATH}?)",
        )

    def all(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> list[Json]:
        return [d for _, page in self.pages(path, params, headers) for d in page]

    # ---- concurrency ------------------------------------------------------------------
    def map_safe(self, fn: Callable[[T], R], items: Iterable[T]) -> dict[T, R | Exception]:
        """fn over items on a small pool (the bucket still paces them); failures are returned."""
        return http.map_safe(fn, items, self._executor)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.config.max_workers, thread_name_prefix="converis")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.session.close()
