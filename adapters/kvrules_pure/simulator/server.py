"""HTTP layer: stdlib ThreadingHTTPServer serving the Pure API under /ws/api."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kvrules.testing import simulator
from kvrules.testing.simulator import (
    BAD_GATEWAY_HTML,
    Faults,
    NoRoute,
    Response,
    Router,
    SimulatorRequestHandler,
    SimulatorServer,
)

from .changes import decode_token, parse_date
from .problems import PROBLEM_CONTENT_TYPE, Problem, bad_request, not_found, unauthorized
from .store import Store

API = "/ws/api"
MAX_SIZE = 1000
READABLE = "projects|awards|applications|research-outputs|activities|external-organizations|organizations|persons|external-persons"  # noqa: E501
WRITABLE = "projects|awards|applications|external-organizations|organizations"
NOTED = "projects|awards|applications"  # the collections with /{uuid}/notes
Json = Any


@dataclass(frozen=True)
class RequestLogEntry:
    method: str
    path: str
    query: str
    status: int
    fault: str | None


Handler = Callable[["Api", dict[str, str], dict[str, list[str]], Json], Response]


class Api:
    """Routing and endpoint logic, independent of the socket handling below."""

    def __init__(
        self,
        store: Store,
        api_key: str,
        faults: Faults,
        legacy: dict[str, dict[str, Json]] | None = None,
    ) -> None:
        self.store = store
        # The older versioned API (/ws/api/524): collection -> uuid -> real record (legacy524).
        self.legacy = legacy or {}
        self.api_key = api_key
        self.faults = faults
        self.requests: deque[RequestLogEntry] = deque(maxlen=200_000)
        # At most this many items per list page, whatever size is asked (None: as asked): an
        # instance or proxy that caps pages below the size the client asks for.
        self.page_cap: int | None = None
        # Lists answer no items from this offset on, their count unchanged (None: whole lists).
        self.listing_ends_at: int | None = None
        # Collections the key may not read (Pure's keys are granted per endpoint): 403.
        self.forbidden: set[str] = set()
        self.base_url = ""  # set once the port is known
        self.router: Router[Handler] = Router([
            ("GET", r"/524/changes/(?P<token>[^/]+)", Api.changes),
            # one configuration for both families (Pure's may differ per content type)
            ("GET", r"/(?:projects|applications)/allowed-keyword-group-configurations",
             Api.keyword_configs),
            ("GET", r"/(?:projects|applications)/allowed-keyword-group-configurations"
                    r"/(?P<id>[^/]+)/classifications", Api.keyword_classifications),
            ("GET", r"/projects/(?P<uuid>[^/]+)/award-clusters", Api.award_clusters),
            ("GET", r"/projects/(?P<uuid>[^/]+)/application-clusters", Api.application_clusters),
            ("GET", r"/applications/(?P<uuid>[^/]+)/cluster", Api.application_cluster),
            ("GET", rf"/(?P<coll>{NOTED})/(?P<uuid>[^/]+)/notes", Api.get_notes),
            ("PUT", rf"/(?P<coll>{NOTED})/(?P<uuid>[^/]+)/notes", Api.put_note),
            ("GET", r"/524/(?P<coll>[a-z-]+)", Api.legacy_list),
            ("GET", r"/524/(?P<coll>[a-z-]+)/(?P<uuid>[^/]+)", Api.legacy_get),
            ("GET", rf"/(?P<coll>{READABLE})", Api.list),
            ("POST", rf"/(?P<coll>{READABLE})/search", Api.search),
            ("GET", rf"/(?P<coll>{READABLE})/(?P<uuid>[^/]+)", Api.get),
            ("PUT", rf"/(?P<coll>{WRITABLE})/(?P<uuid>[^/]+)", Api.put),
        ], prefix=API)  # type: ignore[list-item]  # fmt: skip

    def route(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        try:
            return self.router.find(method, path)
        except NoRoute as e:
            if e.other_method:
                raise Problem(
                    405, "Method Not Allowed", f"{method} is not supported on {path}"
                ) from None
            raise not_found(f"No endpoint {path}") from None

    def authorise(self, path: str, headers: Any, query: dict[str, list[str]]) -> None:
        key = headers.get("api-key")
        if key is None and path.startswith(API + "/524/"):  # the legacy WS also takes ?apiKey=
            key = (query.get("apiKey") or [None])[0]
        if key != self.api_key:
            raise unauthorized()
        collection = path.removeprefix(API).removeprefix("/524").lstrip("/").split("/", 1)[0]
        if collection in self.forbidden:
            raise Problem(403, "Forbidden", f"The API key has no access to /{collection}")

    # ---- helpers ----------------------------------------------------------------------
    @staticmethod
    def _int(query: dict[str, list[str]], name: str, default: int) -> int:
        raw = (query.get(name) or [None])[0]
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"{name} must be an integer, got {raw!r}") from None

    def _paging(self, size: int, offset: int) -> int:
        """The page size served for ``size`` (``page_cap`` may make it smaller)."""
        if not 0 <= size <= MAX_SIZE:
            raise bad_request(f"size must be between 0 and {MAX_SIZE}, got {size}")
        if offset < 0:
            raise bad_request(f"offset must be >= 0, got {offset}")
        return size if self.page_cap is None else min(size, self.page_cap)

    def _found(self, coll: str, uuid: str) -> dict[str, Any]:
        c = self.store.collection(coll)
        rec = c.get(uuid)
        if rec is not None:
            return rec
        moved = c.resolve_moved(uuid)
        if moved is not None:
            location = f"{self.base_url}/{coll}/{moved}"
            raise Problem(301, "Moved Permanently", location, headers={"Location": location})
        raise not_found(f"No {c.system_name} with uuid {uuid}")

    # ---- endpoints --------------------------------------------------------------------
    def _shown(self, offset: int, size: int) -> int:
        """How many of a page's items are answered (``listing_ends_at`` may end it early)."""
        end = self.listing_ends_at
        return size if end is None else max(0, min(size, end - offset))

    def list(self, params: dict[str, str], query: dict[str, list[str]], body: Json) -> Response:
        size, offset = self._int(query, "size", 10), self._int(query, "offset", 0)
        size = self._paging(size, offset)
        c = self.store.collection(params["coll"])
        return Response(
            200,
            {
                "count": len(c),
                "pageInformation": {"offset": offset, "size": size},
                "items": c.page(offset, self._shown(offset, size)),
            },
        )

    def search(self, params: dict[str, str], query: dict[str, list[str]], body: Json) -> Response:
        if not isinstance(body, dict):
            raise bad_request("The query body must be a JSON object")
        size, offset = body.get("size", 10), body.get("offset", 0)
        if not isinstance(size, int) or not isinstance(offset, int):
            raise bad_request("size and offset must be integers")
        self._paging(size, offset)
        c = self.store.collection(params["coll"])
        uuids = body.get("uuids")
        text = (body.get("searchString") or "").strip().lower()
        if uuids:
            hits = [r for r in (c.get(u) for u in uuids if isinstance(u, str)) if r is not None]
        else:
            hits = c.page(0, len(c)) if text else []
        if text:
            hits = [
                r for r in hits if text in json.dumps(r.get("title"), ensure_ascii=False).lower()
            ]
        if not uuids and not text:  # no filter: same as the list endpoint
            return Response(
                200,
                {
                    "count": len(c),
                    "pageInformation": {"offset": offset, "size": size},
                    "items": c.page(offset, size),
                },
            )
        return Response(
            200,
            {
                "count": len(hits),
                "pageInformation": {"offset": offset, "size": size},
                "items": hits[offset : offset + size],
            },
        )

    def _legacy(self, coll: str) -> dict[str, Json]:
        if coll not in self.legacy:
            raise not_found(f"No endpoint /524/{coll}")
        return self.legacy[coll]

    def legacy_list(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        size, offset = self._int(query, "size", 10), self._int(query, "offset", 0)
        size = self._paging(size, offset)
        records = list(self._legacy(params["coll"]).values())
        # The 524 API's list result links the next page (navigationLinks, ref "next").
        after = offset + size
        nxt = f"{self.base_url}/524/{params['coll']}?offset={after}&size={size}"
        shown = self._shown(offset, size)
        links = [{"ref": "next", "href": nxt}] if after < len(records) and shown == size else []
        return Response(
            200,
            {
                "count": len(records),
                "pageInformation": {"offset": offset, "size": size},
                "items": records[offset : offset + shown],
                "navigationLinks": links,
            },
        )

    def legacy_get(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        records = self._legacy(params["coll"])
        rec = records.get(params["uuid"])
        if rec is None:
            # A merged record answers for its old uuids (previousUuids) with a 301 to its
            # new one, as the current API does ("The requested content have changed UUID").
            moved = next(
                (u for u, r in records.items() if params["uuid"] in (r.get("previousUuids") or [])),
                None,
            )
            if moved is not None:
                location = f"{self.base_url}/524/{params['coll']}/{moved}"
                raise Problem(301, "Moved Permanently", location, headers={"Location": location})
            raise not_found(f"No {params['coll']} with uuid {params['uuid']}")
        return Response(200, rec)

    def get(self, params: dict[str, str], query: dict[str, list[str]], body: Json) -> Response:
        return Response(200, self._found(params["coll"], params["uuid"]))

    def put(self, params: dict[str, str], query: dict[str, list[str]], body: Json) -> Response:
        coll, uuid = params["coll"], params["uuid"]
        self._found(coll, uuid)  # 301/404 before validation, like a GET
        return Response(200, self.store.put(coll, uuid, body))

    def award_clusters(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        return _unpaged(self.store.award_clusters(self._found("projects", params["uuid"])))

    def application_clusters(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        return _unpaged(self.store.application_clusters(self._found("projects", params["uuid"])))

    def application_cluster(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        cluster = self.store.application_cluster(self._found("applications", params["uuid"]))
        if cluster is None:
            raise not_found(f"Application {params['uuid']} is in no application cluster")
        return Response(200, cluster)

    def get_notes(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        rec = self._found(params["coll"], params["uuid"])
        size, offset = self._int(query, "size", 10), self._int(query, "offset", 0)
        self._paging(size, offset)
        notes = self.store.notes.get(rec["uuid"], [])
        return Response(
            200,
            {
                "count": len(notes),
                "pageInformation": {"offset": offset, "size": size},
                "items": notes[offset : offset + size],
            },
        )

    def put_note(self, params: dict[str, str], query: dict[str, list[str]], body: Json) -> Response:
        rec = self._found(params["coll"], params["uuid"])
        return Response(200, self.store.add_note(params["coll"], rec["uuid"], body))

    def keyword_configs(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        loc = self.store.locale
        return Response(
            200, {"configurations": [c.as_json(loc) for c in self.store.keyword_configs]}
        )

    def keyword_classifications(
        self, params: dict[str, str], query: dict[str, list[str]], body: Json
    ) -> Response:
        try:
            config = self.store.keyword_config(int(params["id"]))
        except ValueError:
            raise bad_request(f"id must be an integer, got {params['id']!r}") from None
        if config is None:
            raise not_found(f"No keyword group configuration {params['id']}")
        loc = self.store.locale
        items = [{"uri": uri, "term": {loc: term}} for uri, term in config.classifications]
        return Response(200, {"classifications": items})

    def changes(self, params: dict[str, str], query: dict[str, list[str]], body: Json) -> Response:
        token = params["token"]
        journal = self.store.journal
        ts = parse_date(token)
        if ts is not None:
            start = journal.seq_for_time(ts)
        else:
            seq = decode_token(token)
            if seq is None:
                raise bad_request(
                    f"{token!r} is neither yyyy-MM-dd[_HH-mm-ss] nor a resumption token"
                )
            start = seq
        return Response(200, journal.page(start, self.base_url))


class _RequestHandler(SimulatorRequestHandler):
    server_version = "PureSimulator/5.35"
    api: Api  # set on the subclass built by make_server

    def _read_body(self) -> Json:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("Request body is not valid JSON") from None

    def handle_method(self, method: str) -> None:
        api = self.api
        parts = urlsplit(self.path)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        fault: str | None = None
        try:
            body = self._read_body() if method in ("PUT", "POST") else None
        except Problem as problem:
            body, early = None, problem
        else:
            early = None
        if path.startswith(API):  # faults apply to /ws/api requests only
            fault = api.faults.decide(method, path)
        try:
            if fault == "reset":
                self._reset()
                return
            if fault == "slow":
                time.sleep(api.faults.slow_seconds)
            elif fault in ("429", "500", "503"):
                raise _fault_problem(fault, api.faults.retry_after)
            elif fault == "502":
                self.send(Response(502, BAD_GATEWAY_HTML, content_type="text/html"))
                return
            if early is not None:
                raise early
            api.authorise(path, self.headers, query)
            handler, params = api.route(method, path)
            response = handler(api, params, query, body)
        except Problem as problem:
            response = _problem_response(problem, path)
        except Exception as exc:  # a bug in the simulator still answers in Pure's shape
            response = _problem_response(Problem(500, "Internal Server Error", repr(exc)), path)
        api.requests.append(RequestLogEntry(method, path, parts.query, response.status, fault))
        self.send(response, truncate=fault == "truncate")

    def sends_content_type(self, response: Response, payload: bytes) -> bool:
        return bool(payload) or response.status != 301

    def _reset(self) -> None:
        self.api.requests.append(RequestLogEntry(self.command, self.path, "", 0, "reset"))
        self.reset_connection()


def _fault_problem(kind: str, retry_after: int) -> Problem:
    if kind == "429":
        return Problem(
            429,
            "Too Many Requests",
            "Rate limit exceeded",
            headers={"Retry-After": str(retry_after)},
        )
    titles = {"500": "Internal Server Error", "503": "Service Unavailable"}
    return Problem(int(kind), titles[kind], "Injected fault")


def _problem_response(problem: Problem, path: str) -> Response:
    headers = tuple(problem.headers.items())
    if problem.status == 301:
        return Response(301, None, headers)
    return Response(problem.status, problem.body(path), headers, PROBLEM_CONTENT_TYPE)


def make_server(api: Api, host: str = "127.0.0.1", port: int = 0) -> SimulatorServer:
    server = simulator.make_server(_RequestHandler, api, host, port, "PureRequestHandler")
    api.base_url = f"http://{host}:{server.server_address[1]}{API}"
    return server


def serve_in_thread(server: SimulatorServer) -> threading.Thread:
    return simulator.serve_in_thread(server, "pure-simulator")


def _unpaged(items: list[Json]) -> Response:
    """A list answered whole (a project's clusters), in Pure's list envelope."""
    return Response(
        200,
        {"count": len(items), "pageInformation": {"offset": 0, "size": len(items)}, "items": items},
    )
