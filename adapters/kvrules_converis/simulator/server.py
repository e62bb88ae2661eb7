"""HTTP layer: stdlib ThreadingHTTPServer serving the Converis Read API (WS v2) and CUD API."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
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

from . import cql, render
from .config import CUD_BASE, READ_BASE, SimulatorConfig
from .store import Json, Store, UnknownAttribute

SORTABLE = {"Updated on", "Created on", "id", "updatedOn", "createdOn"}


class ApiError(Exception):
    """Answered as a DefaultResponse."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass(frozen=True)
class RequestLogEntry:
    method: str
    path: str
    query: str
    status: int
    fault: str | None
    at: float  # time.monotonic() when the request arrived


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any
    body: bytes

    def param(self, name: str) -> str | None:
        return (self.query.get(name) or [None])[0]

    def int_param(self, name: str, default: int, lo: int, hi: int | None = None) -> int:
        raw = self.param(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"{name} must be an integer, got {raw!r}") from None
        if value < lo or (hi is not None and value > hi):
            bound = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
            raise ApiError(400, f"{name} must be {bound}, got {value}")
        return value


class RateLimiter:
    """At most `limit` accepted requests in any sliding 1-second window."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self, now: float) -> bool:
        if not self.limit:
            return True
        with self._lock:
            while self._times and now - self._times[0] >= 1.0:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True


Handler = Callable[["Api", Request, dict[str, str]], Response]


class Api:
    """Routing and endpoint logic, independent of the socket handling below."""

    def __init__(self, store: Store, cfg: SimulatorConfig, password: str, faults: Faults) -> None:
        self.store, self.cfg, self.faults = store, cfg, faults
        # Lists answer no records past this many (their total unchanged): SimulatorHandle.
        self.listing_ends_at: int | None = None
        self.username, self.password = cfg.username, password
        self.limiter = RateLimiter(cfg.rate_limit)
        self.requests: deque[RequestLogEntry] = deque(maxlen=200_000)
        # Test hooks, called after a request was handled: fn(method, path, status).
        self.after: list[Callable[[str, str, int], None]] = []
        self.root = ""  # http://host:port, set once the port is known
        r, c = READ_BASE, CUD_BASE
        self.router: Router[Handler] = Router([
            ("GET", rf"{r}/config/entities", Api.config_entities),
            ("GET", rf"{r}/config/entities/(?P<type>[^/]+)", Api.config_entity),
            ("GET", rf"{r}/config/linkentities", Api.config_links),
            ("GET", rf"{r}/config/linkentities/(?P<link>[^/]+)", Api.config_link),
            ("POST", rf"{r}/data/entities/(?P<type>[^/]+)/query", Api.query),
            ("GET", rf"{r}/data/entities/(?P<type>[^/]+)/linked/(?P<link>[^/]+)/(?P<id>[^/]+)",
             Api.linked),
            ("GET", rf"{r}/data/entities/(?P<type>[^/]+)/(?P<id>[^/]+)", Api.get),
            ("GET", rf"{r}/data/entities/(?P<type>[^/]+)", Api.list),
            ("GET", rf"{r}/data/linkentities/(?P<link>[^/]+)/linked/(?P<type>[^/]+)/(?P<id>[^/]+)",
             Api.link_entities_of),
            ("GET", rf"{r}/data/linkentities/(?P<link>[^/]+)/(?P<id>[^/]+)", Api.link_entity),
            ("GET", rf"{r}/data/linkentities/(?P<link>[^/]+)", Api.link_list),
            ("PUT", rf"{c}/dataentities", Api.cud_update),
            ("OPTIONS", rf"{c}/dataentities", Api.cud_options),
        ])  # fmt: skip

    @property
    def read_url(self) -> str:
        return self.root + READ_BASE

    @property
    def cud_url(self) -> str:
        return self.root + CUD_BASE

    def route(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        try:
            return self.router.find(method, path)
        except NoRoute as e:
            status = 405 if e.other_method else 404
            detail = f"{method} is not supported on" if e.other_method else "No endpoint"
            raise ApiError(status, f"{detail} {path}") from None

    def authorise(self, headers: Any) -> None:
        auth = headers.get("Authorization") or ""
        user = password = None
        if auth.startswith("Basic "):
            with contextlib.suppress(binascii.Error, UnicodeDecodeError):
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        if user != self.username or password != self.password:
            raise ApiError(
                401,
                "Full authentication is required to access this resource",
                {"WWW-Authenticate": 'Basic realm="Converis"'},
            )

    # ---- helpers ----------------------------------------------------------------------
    def _entity_type(self, name: str) -> str:
        if name not in self.store.model.entities:
            raise ApiError(404, f"Entity type {name} is not configured")
        return name

    def _link_type(self, name: str) -> str:
        if name not in self.store.model.links:
            raise ApiError(404, f"Link entity type {name} is not configured")
        return name

    @staticmethod
    def _id(raw: str) -> int:
        try:
            return int(raw)
        except ValueError:
            raise ApiError(400, f"id must be an integer, got {raw!r}") from None

    def _paging(self, req: Request) -> tuple[int, int]:
        count = req.int_param("count", 10, 1, self.cfg.max_count)
        return req.int_param("startRecord", 1, 1), min(count, self.cfg.page_cap or count)

    def _sorted(self, req: Request, records: list[Json], default: str) -> list[Json]:
        sort = req.param("sort") or default
        if sort not in SORTABLE:
            raise ApiError(400, f"sort: only BASIC attributes are supported, got {sort!r}")
        order = (req.param("sortOrder") or "ASC").upper()
        if order not in ("ASC", "DESC"):
            raise ApiError(400, f"sortOrder must be ASC or DESC, got {order!r}")
        return self.store.sorted(records, sort, order == "DESC")

    def _names(self, req: Request, entity: str | None) -> set[str] | None:
        header = req.headers.get("Converis-attribute-definition")
        try:
            return render.attribute_names(header, self.store.model, entity)
        except render.BadHeader as e:
            raise ApiError(400, str(e)) from None

    def _entities(self, req: Request, entity: str, records: list[Json]) -> Response:
        start, count = self._paging(req)
        names, lang = self._names(req, entity), req.param("language")
        refs = (req.headers.get("Converis-linkentity-references") or "").lower() == "true"
        records = self._sorted(req, records, "Updated on")
        model = self.store.model
        return Response(
            200,
            render.page(
                records,
                start,
                count,
                lambda r: render.entity(r, model, names, lang, refs),
                omit_empty=self.cfg.shapes,
                ends_at=self.listing_ends_at,
            ),
        )

    def _links(self, req: Request, records: list[Json]) -> Response:
        start, count = self._paging(req)
        names, lang = self._names(req, None), req.param("language")
        records = self._sorted(req, records, "Updated on")
        return Response(
            200,
            render.page(
                records,
                start,
                count,
                lambda r: render.link(r, self.store, names, lang),
                omit_empty=self.cfg.shapes,
                ends_at=self.listing_ends_at,
            ),
        )

    # ---- data endpoints -----------------------------------------------------------------
    def list(self, req: Request, p: dict[str, str]) -> Response:
        entity = self._entity_type(p["type"])
        with self.store.lock:
            return self._entities(req, entity, list(self.store.entities[entity].values()))

    def query(self, req: Request, p: dict[str, str]) -> Response:
        entity = self._entity_type(p["type"])
        ctype = req.headers.get("Content-Type") or ""
        if not ctype.startswith("application/vnd.converis.ql+plain"):
            raise ApiError(415, "Content type must be application/vnd.converis.ql+plain")
        try:
            match = cql.parse(req.body.decode("utf-8"))
        except (cql.QueryError, UnicodeDecodeError) as e:
            raise ApiError(400, f"Invalid query: {e}") from None
        with self.store.lock:
            hits = [r for r in self.store.entities[entity].values() if match(r)]
            return self._entities(req, entity, hits)

    def get(self, req: Request, p: dict[str, str]) -> Response:
        entity, rec_id = self._entity_type(p["type"]), self._id(p["id"])
        names, lang = self._names(req, entity), req.param("language")
        refs = (req.headers.get("Converis-linkentity-references") or "").lower() == "true"
        with self.store.lock:
            rec = self.store.get(entity, rec_id)
            if rec is None:
                raise ApiError(404, f"No {entity} with id {rec_id}")
            return Response(200, render.entity(rec, self.store.model, names, lang, refs))

    def linked(self, req: Request, p: dict[str, str]) -> Response:
        entity, link = self._entity_type(p["type"]), self._link_type(p["link"])
        ld = self.store.model.links[link]
        if entity not in (ld.left, ld.right):
            raise ApiError(400, f"{link} does not link to {entity}")
        direction = (req.param("direction") or "DIRECT").upper()
        with self.store.lock:
            found = self.store.linked(entity, link, self._id(p["id"]), direction)
            return self._entities(req, entity, found)

    def link_list(self, req: Request, p: dict[str, str]) -> Response:
        link = self._link_type(p["link"])
        with self.store.lock:
            return self._links(req, list(self.store.links[link].values()))

    def link_entity(self, req: Request, p: dict[str, str]) -> Response:
        link, rec_id = self._link_type(p["link"]), self._id(p["id"])
        with self.store.lock:
            rec = self.store.links[link].get(rec_id)
            if rec is None:
                raise ApiError(404, f"No {link} with id {rec_id}")
            return Response(
                200, render.link(rec, self.store, self._names(req, None), req.param("language"))
            )

    def link_entities_of(self, req: Request, p: dict[str, str]) -> Response:
        link, entity = self._link_type(p["link"]), self._entity_type(p["type"])
        ld = self.store.model.links[link]
        if entity not in (ld.left, ld.right):
            raise ApiError(400, f"{link} does not link to {entity}")
        with self.store.lock:
            return self._links(req, self.store.links_of(link, entity, self._id(p["id"])))

    # ---- configuration endpoints --------------------------------------------------------
    def _entity_def(self, name: str, with_attrs: bool) -> Json:
        e = self.store.model.entities[name]
        out: Json = {
            "id": 1000 + list(self.store.model.entities).index(name),
            "name": e.name,
            "isVersionableFile": False,
            "description": "",
            "dynamicTypeSelector": "",
            "singular": [{"language": "en_GB", "value": e.name}],
            "plural": [{"language": "en_GB", "value": e.plural or e.name + "s"}],
            "workflowSteps": [
                {"stepNr": n, "label": [{"language": "en_GB", "value": v}]}
                for n, v in ((1, "Draft"), (2, "In review"), (3, "Validated"))
            ],
            "links": [
                {"rel": ld.name, "href": f"{READ_BASE}/config/linkentities/{ld.name}"}
                for ld in self.store.model.links_of(name)
            ],
        }
        if with_attrs:
            out["attributes"] = [a.as_json(n) for n, a in enumerate(e.attributes)]
        return out

    def _link_def(self, name: str) -> Json:
        ld = self.store.model.links[name]
        return {
            "id": 2000 + list(self.store.model.links).index(name),
            "name": ld.name,
            "isTree": False,
            "description": "",
            "leftDefinitionUrl": f"{READ_BASE}/config/entities/{ld.left}",
            "rightDefinitionUrl": f"{READ_BASE}/config/entities/{ld.right}",
            "attributes": [a.as_json(n) for n, a in enumerate(ld.attributes)],
        }

    def config_entities(self, req: Request, p: dict[str, str]) -> Response:
        start, count = self._paging(req)
        full = self._names(req, None) is None
        names = list(self.store.model.entities)
        return Response(200, render.page(names, start, count, lambda n: self._entity_def(n, full)))

    def config_entity(self, req: Request, p: dict[str, str]) -> Response:
        name = self._entity_type(p["type"])
        return Response(200, self._entity_def(name, self._names(req, None) is None))

    def config_links(self, req: Request, p: dict[str, str]) -> Response:
        start, count = self._paging(req)
        return Response(
            200, render.page(list(self.store.model.links), start, count, self._link_def)
        )

    def config_link(self, req: Request, p: dict[str, str]) -> Response:
        return Response(200, self._link_def(self._link_type(p["link"])))

    # ---- CUD API ------------------------------------------------------------------------
    def cud_update(self, req: Request, p: dict[str, str]) -> Response:
        try:
            body = json.loads(req.body or b"null")
        except ValueError:
            raise ApiError(400, "Request body is not valid JSON") from None
        entities = body.get("entities") if isinstance(body, dict) else None
        if not isinstance(entities, list) or not entities:
            raise ApiError(400, 'Body must be {"entities": [...]}')
        with self.store.lock:  # all or nothing
            todo = []
            for e in entities:
                if not isinstance(e, dict) or not isinstance(e.get("attributes"), list):
                    raise ApiError(400, "Each entity needs an id and attributes")
                rec = self.store.find(self._id(str(e.get("id"))))
                if rec is None:
                    raise ApiError(404, f"No entity with id {e.get('id')}")
                for a in e["attributes"]:
                    if not isinstance(a, dict) or not isinstance(a.get("name"), str):
                        raise ApiError(400, "Each attribute needs a name")
                    if self.store.model.attribute(rec["entityName"], a["name"]) is None:
                        raise ApiError(400, f"{rec['entityName']} has no attribute {a['name']!r}")
                todo.append((rec, e["attributes"]))
            info = []
            for rec, attrs in todo:
                try:
                    self.store.update(rec["id"], attrs)
                except UnknownAttribute as exc:  # validated above; kept for safety
                    raise ApiError(400, str(exc)) from None
                info.append(
                    {
                        "id": str(rec["id"]),
                        "uuid": f"00000000-0000-4000-8000-{rec['id']:012d}",
                        "responseStatus": "UPDATED",
                        "type": rec["entityName"],
                    }
                )
        return Response(200, {"infoResponse": info})

    def cud_options(self, req: Request, p: dict[str, str]) -> Response:
        return Response(200, None, (("Allow", "PUT, OPTIONS"),))


def error_body(status: int, message: str, path: str) -> Json:
    return {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "path": path,
        "status": status,
        "statusDescription": HTTPStatus(status).phrase,
        "message": message,
    }


class _RequestHandler(SimulatorRequestHandler):
    server_version = "ConverisSimulator/2"
    api: Api

    def do_OPTIONS(self) -> None:
        self.handle_method("OPTIONS")

    def handle_method(self, method: str) -> None:
        api, arrived = self.api, time.monotonic()
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        length = int(self.headers.get("Content-Length") or 0)
        req = Request(method, path, parse_qs(parts.query), self.headers, self.rfile.read(length))
        fault: str | None = None
        try:
            if not api.limiter.admit(arrived):
                raise ApiError(429, "The API allows max. 10 requests per second",
                               {"Retry-After": "1"})  # fmt: skip
            fault = api.faults.decide(method, path)
            if fault == "reset":
                self._reset(req, arrived)
                return
            if fault == "slow":
                time.sleep(api.faults.slow_seconds)
            elif fault == "429":
                raise ApiError(
                    429, "Too many requests", {"Retry-After": str(api.faults.retry_after)}
                )
            elif fault in ("500", "503"):
                raise ApiError(int(fault), "Injected fault")
            elif fault == "502":
                response = Response(502, BAD_GATEWAY_HTML, content_type="text/html")
                self._finish(req, response, fault, arrived)
                return
            api.authorise(self.headers)
            handler, params = api.route(method, path)
            response = handler(api, req, params)
        except ApiError as e:
            response = Response(
                e.status, error_body(e.status, e.message, path), tuple(e.headers.items())
            )
        except Exception as exc:  # a simulator bug still answers in Converis' shape
            response = Response(500, error_body(500, repr(exc), path))
        self._finish(req, response, fault, arrived)

    def _finish(self, req: Request, response: Response, fault: str | None, arrived: float) -> None:
        query = urlsplit(self.path).query
        self.api.requests.append(
            RequestLogEntry(req.method, req.path, query, response.status, fault, arrived)
        )
        for hook in list(self.api.after):
            hook(req.method, req.path, response.status)
        self.send(response, truncate=fault == "truncate")

    def _reset(self, req: Request, arrived: float) -> None:
        query = urlsplit(self.path).query
        self.api.requests.append(RequestLogEntry(req.method, req.path, query, 0, "reset", arrived))
        self.reset_connection()


def make_server(api: Api, host: str = "127.0.0.1", port: int = 0) -> SimulatorServer:
    server = simulator.make_server(_RequestHandler, api, host, port, "ConverisRequestHandler")
    api.root = f"http://{host}:{server.server_address[1]}"
    return server


def serve_in_thread(server: SimulatorServer) -> threading.Thread:
    return simulator.serve_in_thread(server, "converis-simulator")
