"""HTTP client for the Pure API: pooled keep-alive session, retries, timeouts, bounded concurrency.

Transport failures (connect/read errors, timeouts, 429/5xx, 502 HTML pages) are retried by
urllib3 with exponential backoff, honouring Retry-After. A 200 whose JSON body does not parse
(a proxy cut it short) is retried here, for GETs only. The API key lives in the session
headers and never appears in messages, exceptions or logs; a redirect is followed only within
the configured API (Pure's 301 for a merged uuid; the key goes nowhere else: ``WithinBase``),
every request has a total deadline and a bounded body (``kvrules.http``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests

from kvrules import http, parse_untrusted_json

from .config import PureConfig

log = logging.getLogger("kvrules_pure")
T = TypeVar("T")
R = TypeVar("R")


class PureError(http.HttpError):
    """A request failed for good (after retries). Carries method, path and status, no secrets."""


class NotFound(PureError):
    pass


class Conflict(PureError):
    """409 (spec) or 412 (some instances): the version sent is not the current one."""


# Answers that say the server cannot serve now, whatever was asked (after every retry).
OUTAGE_STATUS = frozenset({429, 502, 503, 504})


def is_outage(error: object) -> bool:
    """A failure of the source, not of a record: no answer at all (refused, reset, timed out,
    the request deadline passed), or an answer saying the server cannot serve now. A record
    using what could not be read is then neither mapped nor quarantined: the scan stops
    (a malformed record would be quarantined every scan; this one is read next scan)."""
    return isinstance(error, PureError) and (error.status is None or error.status in OUTAGE_STATUS)


class PureClient:
    """One per adapter: a session with a connection pool sized to the worker pool."""

    def __init__(self, config: PureConfig) -> None:
        self.config = config
        self.base_url = config.base_url
        headers = {
            "api-key": config.secret(),
            "Accept": "application/json",
            "User-Agent": "kvrules",
        }
        self.session = http.make_session(
            # PUT carries the version, so a replay after a lost answer meets a 409, not a double
            # write; notes are the exception (documented in writeback.py).
            config.retry({"GET", "PUT", "HEAD"}),
            pool_connections=4,
            pool_maxsize=config.max_workers + 2,
            verify=config.verify(),
            headers=headers,
        )
        # For what a read can do without (the changes feed's probe): one attempt, no retries,
        # no Retry-After waited for (a 429 asking for a day held `fetch --limit 1` 2 x 120 s).
        self.once = http.make_session(
            0, pool_connections=1, pool_maxsize=1, verify=config.verify(), headers=headers
        )
        self._pool: ThreadPoolExecutor | None = None
        # Listings that ended short of their count, a line each, until the scan takes them
        # (``take_unread``): records the source has that were not read.
        self.unread: list[str] = []
        # Records read at another path of this API than asked (a 301 for a merged uuid,
        # followed: WithinBase): the path asked -> the path that answered.
        self.moved: dict[str, str] = {}
        # The first request that got no answer at all (refused, reset, deadline passed): the
        # requests queued behind it fail at once instead of each retrying a dead server for
        # its whole retry budget (a page's hundreds of organisation GETs did, for 11+ minutes).
        # Remembered for one request_deadline (the longest a request may take anyway) and
        # cleared when a scan starts (``Scanner.fetch``): a later write-back tries again.
        self._down: tuple[PureError, float] | None = None

    # ---- plumbing ---------------------------------------------------------------------
    def url(self, path: str) -> str:
        # Always under base_url: an absolute URL (say, a link in a response) would take the
        # key to whatever host it names.
        return self.base_url + path

    def _send(self, method: str, path: str, *, once: bool = False, **kw: Any) -> requests.Response:
        # A GET follows a redirect within the configured API (Pure's 301 for a merged uuid:
        # the record under its new uuid, on the same host): the key goes nowhere else. A
        # write never does (it would write to a record the caller did not name).
        within = http.WithinBase(base_url=self.base_url) if method == "GET" else None
        if (down := self.down) is not None:
            raise PureError(method, path, None, f"not sent: the source did not answer ({down})")
        try:
            resp = http.send(
                self.once if once else self.session,
                method,
                self.url(path),
                path=path,
                error=PureError,
                redirects=within,
                **self.config.send_limits(),
                **kw,
            )
        except PureError as e:
            if e.status is None and not once and self.down is None:  # `once` may fail alone
                self.down = e
            raise
        return self._answered(method, path, within, resp)

    @property
    def down(self) -> PureError | None:
        """The request that found the source down within the last request_deadline, if any."""
        if self._down is None:
            return None
        error, when = self._down
        if time.monotonic() - when > self.config.request_deadline:
            self._down = None
            return None
        return error

    @down.setter
    def down(self, error: PureError | None) -> None:
        self._down = None if error is None else (error, time.monotonic())

    def _answered(
        self, method: str, path: str, within: http.Redirects | None, resp: requests.Response
    ) -> requests.Response:
        answered = urlsplit(resp.url or "").path
        asked = urlsplit(self.url(path)).path
        if within is not None and answered and answered != asked:
            root = urlsplit(self.base_url).path.rstrip("/")
            self.moved[path] = answered.removeprefix(root)
            log.info("GET %s answered from %s (moved)", path, self.moved[path])
        return resp

    def _fail(self, method: str, path: str, resp: requests.Response) -> PureError:
        detail = ""
        if "json" in resp.headers.get("Content-Type", ""):
            try:
                body = parse_untrusted_json(resp.content)
                detail = str(body.get("detail") or body.get("title") or "")[:200]
            except ValueError:
                pass
        if resp.status_code in (401, 403):  # the key was refused: say which key was sent
            detail = f"{detail} ({self.config.key_source()})".strip()
        if resp.status_code == 429 and (wait := resp.headers.get("Retry-After")):
            detail = f"{detail} (Retry-After: {wait[:40]})".strip()
        cls = NotFound if resp.status_code == 404 else PureError
        if resp.status_code in (409, 412):
            cls = Conflict
        return cls(method, path, resp.status_code, detail)

    # ---- requests ---------------------------------------------------------------------
    def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, once: bool = False
    ) -> Any:
        """GET a path under base_url; ``once``: one attempt, no retries (``self.once``)."""
        return http.get_json(
            lambda: self._send("GET", path, params=params, once=once),
            path,
            fail=lambda resp: self._fail("GET", path, resp),
            error=PureError,
            log=log,
        )

    def put_json(self, path: str, body: Any) -> int:
        """PUT; returns the status. The answer body is not needed, so a cut-off one is fine."""
        resp = self._send("PUT", path, json=body)
        if resp.status_code not in (200, 201, 204):
            raise self._fail("PUT", path, resp)
        return resp.status_code

    def pages(
        self, path: str, offset: int = 0, size: int | None = None, *, ahead: bool = True
    ) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(offset of the next page, items) for each page of a list endpoint.

        The next page is requested while the caller works on the current one (``ahead``; a
        caller that already works a page ahead on a thread of its own passes False: each page
        then is requested when the caller asks for it, one fewer page held at a time). Pages are
        stepped by the number of items a page holds, not the number asked for: a server may
        cap the page size below ``size`` (one answering 2 of 500 would otherwise skip the
        rest). The listing ends at ``count``, or at an empty page, or when the page's
        navigation links (the 524 API's ``navigationLinks``) offer no next page; ending short
        of ``count`` is kept in ``unread`` (records the server counts were never listed), for
        the scan to say and to count the read incomplete.
        """
        size = size or self.config.page_size

        def get(off: int) -> dict[str, Any]:
            return self.get_json(path, {"size": size, "offset": off})

        future: Future[dict[str, Any]] | _Later | None = self.submit(get, offset)
        while future is not None:
            page = future.result()
            items, count = self._listing(path, offset, page)
            nxt = offset + len(items)
            more = bool(items) and nxt < count and _next_linked(page)
            future = (self.submit(get, nxt) if ahead else _Later(get, nxt)) if more else None
            if not more and nxt < count:
                why = "no next page linked" if items else f"offset {offset} answered no items"
                said = (
                    f"GET {path}: the listing ended at {nxt} of the {count} records its count "
                    f"gives ({why}); the others were not read"
                )
                log.info("%s", said)  # the scan says it, with what it means (take_unread)
                self.unread.append(said)
            yield nxt if more else max(count, nxt), items
            offset = nxt

    def take_unread(self) -> list[str]:
        """The listings that ended short since the last call (``pages``), a line each."""
        said, self.unread = self.unread, []
        return said

    def _listing(self, path: str, offset: int, page: Any) -> tuple[list[Any], int]:
        """A list page's items and total as the spec has them (ProjectListResult and its
        kin: ``count``, ``items``). Anything else is a source error, not an empty list: a
        wrong base_url answering 200 would otherwise read as "no records" (and a full pass
        as every record gone)."""
        count = page.get("count") if isinstance(page, dict) else None
        items = page.get("items", []) if isinstance(page, dict) else None
        if not isinstance(page, dict):
            missing = f"a JSON {type(page).__name__}, not an object"
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            missing = "no 'count' (a whole number)" if count is None else "'count' not a number"
        elif not isinstance(items, list):
            missing = "'items' is not a list"
        elif "items" not in page and count > offset:
            missing = f"no 'items', yet 'count' is {count}"
        else:
            return items, count
        where = http.shown_url(self.url(path))
        raise PureError(
            "GET",
            path,
            200,
            f"- {where} did not answer a Pure list page: {missing} "
            "(is base_url the Pure API, e.g. https://pure.example.edu/ws/api?)",
        )

    # ---- concurrency ------------------------------------------------------------------
    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.config.max_workers, thread_name_prefix="pure")
        return self._pool

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        return self.pool.submit(fn, *args)

    def map_safe(self, fn: Callable[[T], R], items: Iterable[T]) -> dict[T, R | Exception]:
        """fn over items on the pool; a failure is returned in place of its result."""
        return http.map_safe(fn, items, lambda: self.pool)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.session.close()
        self.once.close()


class _Later:
    """A page requested only when its result is asked for (``pages(ahead=False)``)."""

    def __init__(self, get: Callable[[int], dict[str, Any]], offset: int) -> None:
        self._get, self._offset = get, offset

    def result(self) -> dict[str, Any]:
        return self._get(self._offset)


def _next_linked(page: dict[str, Any]) -> bool:
    """False when the page has navigation links and none is "next"; True without any (the
    current API's list pages have none: ``count`` alone decides)."""
    links = page.get("navigationLinks")
    if not isinstance(links, list):
        return True
    return any(isinstance(link, dict) and link.get("ref") == "next" for link in links)
