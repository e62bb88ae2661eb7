"""Building blocks for RIS API simulators, so adapter tests meet real HTTP and real failures.

An adapter's simulator keeps its own endpoints, payloads and error bodies; these pieces are
the parts every simulator needs and that do not depend on the API being simulated::

    from kvrules.testing.simulator import (
        Faults, Response, ServerHandle, SimulatorRequestHandler, make_server, serve_in_thread,
    )

    class Handler(SimulatorRequestHandler):
        server_version = "MyRisSimulator/1"
        api: MyApi  # set by make_server

        def handle_method(self, method: str) -> None:
            fault = self.api.faults.decide(method, self.path)
            if fault == "reset":
                self.reset_connection()
                return
            ...  # route, answer in the RIS's shape
            self.send(Response(200, {"items": []}), truncate=fault == "truncate")

    server = make_server(Handler, api, "127.0.0.1", 0)  # port 0: a free port
    handle = ServerHandle(server, api, serve_in_thread(server, "my-simulator"))

Contents:

- ``Faults``: a thread-safe fault switchboard, by seeded rate or by script (``KINDS``: 429 with
  Retry-After, 500, 502, 503, slow, reset, truncate); ``parse_script``, ``add_fault_arguments``
  and ``faults_from_args`` for a simulator's command line.
- ``Router``: a simulator's endpoint table (method, path pattern, handler); ``find`` returns
  the handler and its percent-encoded path parameters decoded, or raises ``NoRoute`` saying
  whether the path exists for another method (405) or not at all (404).
- ``SimulatorRequestHandler``: keep-alive HTTP/1.1 handler base with quiet logging, JSON/text
  ``send`` (optionally truncated), ``reset_connection`` (TCP RST) and ``BAD_GATEWAY_HTML``.
- ``SimulatorServer``, ``make_server``, ``serve_in_thread`` and ``ServerHandle`` (port, request
  log, ``stop()``, context manager) for running a simulator in a background thread, and
  ``serve_until_interrupted`` for running one in the foreground.
- ``RealOrg``, ``load_real_orgs`` and ``is_latin`` for a package's ROR-based org sample
  (``{"orgs": [{"group", "ror_id", "name", "country", "acronyms", "aliases", "labels"}]}``).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from random import Random
from typing import Any, Generic, Self, TypeVar
from urllib.parse import unquote

from kvrules.errors import KvrulesError

_log = logging.getLogger(__name__)

__all__ = [
    "BAD_GATEWAY_HTML",
    "KINDS",
    "Faults",
    "InjectedFault",
    "NoRoute",
    "RealOrg",
    "Response",
    "Router",
    "ScriptRule",
    "ServerHandle",
    "SimulatorRequestHandler",
    "SimulatorServer",
    "add_fault_arguments",
    "faults_from_args",
    "is_latin",
    "listen",
    "load_real_orgs",
    "make_server",
    "parse_script",
    "serve_in_thread",
    "serve_until_interrupted",
]

# ---- faults ---------------------------------------------------------------------------------

KINDS = ("429", "500", "502", "503", "slow", "reset", "truncate")


@dataclass
class ScriptRule:
    method: str  # "GET", "PUT", ... or "*"
    nth: int  # 1-based: the nth matching request fails
    kind: str
    times: int = 1  # consecutive matching requests that fail, starting at nth
    path: re.Pattern[str] | None = None
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        return self.path is None or bool(self.path.search(path))


@dataclass
class InjectedFault:
    method: str
    path: str
    kind: str


@dataclass
class Faults:
    """Thread-safe fault switchboard shared by all request threads.

    The simulator calls ``decide(method, path)`` before handling a request and acts on the
    kind it returns (None: no fault). Kinds, as simulators answer them:

      429       Too Many Requests with ``Retry-After: retry_after``
      500, 503  the API's error body
      502       an HTML page, as a reverse proxy would send it (``BAD_GATEWAY_HTML``)
      slow      answered normally after ``slow_seconds``
      reset     the connection is closed with a TCP RST, no response
      truncate  handled (a write is applied!) and the body cut in half, with a matching
                Content-Length

    Deciding before handling means a failed write changes nothing (except ``truncate``).
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = ("429", "500", "502", "503", "reset", "truncate")
    seed: int = 0
    retry_after: int = 1
    slow_seconds: float = 0.5
    injected: list[InjectedFault] = field(default_factory=list)
    _rules: list[ScriptRule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: Random | None = None

    def script(
        self,
        method: str = "*",
        nth: int = 1,
        kind: str = "503",
        *,
        times: int = 1,
        path: str | None = None,
    ) -> ScriptRule:
        """Make the nth matching request (counted from now) fail with `kind`.

        `path` is a regex searched in the request path, e.g. r"/projects/[^/]+$".
        """
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        if nth < 1 or times < 1:
            raise ValueError("nth and times must be >= 1")
        rule = ScriptRule(method.upper(), nth, kind, times, re.compile(path) if path else None)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove scripts, set the rate to 0 and forget injected faults."""
        with self._lock:
            self._rules.clear()
            self.rate = 0.0
            self.injected.clear()

    def decide(self, method: str, path: str) -> str | None:
        """The fault kind for this request, or None; scripts first, then the seeded rate."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.seen += 1
                    if rule.nth <= rule.seen < rule.nth + rule.times:
                        return self._note(method, path, rule.kind)
            if self.rate > 0:
                if self._rng is None:
                    self._rng = Random(self.seed)
                if self._rng.random() < self.rate:
                    return self._note(method, path, self._rng.choice(self.kinds))
        return None

    def _note(self, method: str, path: str, kind: str) -> str:
        self.injected.append(InjectedFault(method, path, kind))
        return kind


def parse_script(spec: str) -> tuple[str, int, str, int]:
    """CLI form METHOD:NTH:KIND[:TIMES], e.g. "PUT:3:503" -> the 3rd PUT fails with 503."""
    parts = spec.split(":")
    if len(parts) not in (3, 4):
        raise ValueError(f"fault script {spec!r}: expected METHOD:NTH:KIND[:TIMES]")
    times = int(parts[3]) if len(parts) == 4 else 1
    return parts[0], int(parts[1]), parts[2], times


def add_fault_arguments(
    parser: argparse.ArgumentParser,
    *,
    script_help: str | None = None,
    slow_seconds: float | None = None,
) -> None:
    """Add --faults RATE, --fault-kinds K,K and --fault-script SPEC (repeatable) to a CLI.

    With `slow_seconds`, also --slow-seconds (that default). Read them with ``faults_from_args``.
    """
    parser.add_argument("--faults", type=float, default=0.0, help="fault rate 0..1 (seeded)")
    parser.add_argument("--fault-kinds", default="429,500,502,503,reset,truncate",
                        help=f"comma-separated subset of {','.join(KINDS)}")  # fmt: skip
    parser.add_argument("--fault-script", action="append", default=[],
                        metavar="METHOD:NTH:KIND[:TIMES]", help=script_help)  # fmt: skip
    if slow_seconds is not None:
        parser.add_argument("--slow-seconds", type=float, default=slow_seconds)


def faults_from_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Faults:
    """The Faults the options of ``add_fault_arguments`` ask for, seeded with ``args.seed``."""
    kinds = tuple(k for k in args.fault_kinds.split(",") if k)
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown fault kinds: {sorted(unknown)}")
    extra = {"slow_seconds": args.slow_seconds} if hasattr(args, "slow_seconds") else {}
    faults = Faults(rate=args.faults, kinds=kinds, seed=args.seed, **extra)
    for spec in args.fault_script:
        method, nth, kind, times = parse_script(spec)
        faults.script(method, nth, kind, times=times)
    return faults


# ---- HTTP server ----------------------------------------------------------------------------

BAD_GATEWAY_HTML = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>nginx</center></body></html>"
)


H = TypeVar("H")
S = TypeVar("S")  # a server listen() opens


class NoRoute(KvrulesError, LookupError):
    """No endpoint answers this method and path; ``other_method``: one does for another method."""

    def __init__(self, method: str, path: str, *, other_method: bool) -> None:
        super().__init__(f"{method} {path}")
        self.other_method = other_method


class Router(Generic[H]):
    """A simulator's endpoints: ``(method, path regex, handler)``, tried in order, anchored at
    both ends, each pattern behind ``prefix``."""

    def __init__(self, routes: Iterable[tuple[str, str, H]], prefix: str = "") -> None:
        self.routes = [(m, re.compile(prefix + p + "$"), h) for m, p, h in routes]

    def find(self, method: str, path: str) -> tuple[H, dict[str, str]]:
        """The handler and its path parameters, decoded: they arrive percent-encoded, as on a
        real server."""
        other_method = False
        for route_method, pattern, handler in self.routes:
            if match := pattern.match(path):
                if route_method == method:
                    return handler, {k: unquote(v) for k, v in match.groupdict().items()}
                other_method = True
        raise NoRoute(method, path, other_method=other_method)


@dataclass(frozen=True)
class Response:
    """What a simulator endpoint answers; a str body is sent as is, anything else as JSON."""

    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


class SimulatorRequestHandler(BaseHTTPRequestHandler):
    """Base request handler: GET/PUT/POST/DELETE go to ``handle_method(method)``.

    Subclasses implement ``handle_method`` and may add ``do_OPTIONS`` and the like.
    ``make_server`` sets the class attribute ``api`` on a subclass built per server.
    """

    protocol_version = "HTTP/1.1"  # keep-alive, so full scans do not pay a connect per page
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms per request on Linux). Real servers set TCP_NODELAY too.
    disable_nagle_algorithm = True
    api: Any

    def log_message(self, format: str, *args: Any) -> None:  # quiet; simulators keep a log
        pass

    def do_GET(self) -> None:
        self.handle_method("GET")

    def do_PUT(self) -> None:
        self.handle_method("PUT")

    def do_POST(self) -> None:
        self.handle_method("POST")

    def do_DELETE(self) -> None:
        self.handle_method("DELETE")

    def handle_method(self, method: str) -> None:
        raise NotImplementedError

    def sends_content_type(self, response: Response, payload: bytes) -> bool:
        """Whether ``send`` sets Content-Type; by default only when there is a body."""
        return bool(payload)

    def send(self, response: Response, truncate: bool = False) -> None:
        """Write the response; ``truncate`` cuts the body in half (Content-Length matches)."""
        if isinstance(response.body, str):
            payload = response.body.encode()
        elif response.body is None:
            payload = b""
        else:
            payload = json.dumps(response.body, ensure_ascii=False, separators=(",", ":")).encode()
        if truncate and len(payload) > 1:
            payload = payload[: len(payload) // 2]
        self.send_response(response.status)
        if self.sends_content_type(response, payload):
            self.send_header("Content-Type", f"{response.content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def reset_connection(self) -> None:
        """Abort with RST (SO_LINGER 0): the client sees 'connection reset by peer'."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line, never a traceback on stderr: a client that hangs up mid-answer (a
        stopped scan, a timed-out request) is routine for a simulator, and socketserver's
        default would print a traceback into whatever command or test runs beside it."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            _log.debug("simulator: client %s hung up: %s", client_address, error)
        else:
            _log.warning("simulator: request from %s failed: %r", client_address, error)


def listen(program: str, host: str, port: int, make: Callable[[], S]) -> S | None:
    """The server ``make()`` opens on ``host:port``, or None after one line on stderr saying
    why it cannot listen (a busy port, an address not on this machine): a ``python -m``
    simulator's user sees no traceback."""
    try:
        return make()
    except OSError as e:
        said = f"python -m {program}: cannot listen on {host}:{port}: {e.strerror or e}"
        print(said, file=sys.stderr)
        return None


def serve_until_interrupted(server: ThreadingHTTPServer) -> None:
    """Serve in this thread until Ctrl-C, then close the socket (for ``python -m`` CLIs)."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def make_server(
    handler: type[SimulatorRequestHandler],
    api: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    name: str | None = None,
) -> SimulatorServer:
    """Bind host:port (0 = a free port) with a subclass of `handler` whose ``api`` is `api`."""
    bound = type(name or handler.__name__, (handler,), {"api": api})
    return SimulatorServer((host, port), bound)


def serve_in_thread(server: ThreadingHTTPServer, name: str = "simulator") -> threading.Thread:
    """Serve in a daemon thread; the socket is already listening, so clients may connect now."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return thread


class ServerHandle:
    """A simulator running in a thread: port, request log, stop(); a context manager.

    `api` is the simulator's state object; ``requests`` reads its ``requests`` deque.
    """

    def __init__(self, server: ThreadingHTTPServer, api: Any, thread: threading.Thread) -> None:
        self._server, self._api, self._thread = server, api, thread

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[Any]:
        """Requests answered so far (oldest first); reset-faulted ones have status 0."""
        return list(self._api.requests)

    def clear_requests(self) -> None:
        self._api.requests.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# ---- real organisations ---------------------------------------------------------------------


@dataclass(frozen=True)
class RealOrg:
    group: str
    ror_id: str
    name: str
    country: str  # ISO alpha-2, upper case as in ROR
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]
    labels: tuple[str, ...]


@lru_cache(maxsize=8)
def load_real_orgs(package: str, resource: str = "data/real_orgs.json") -> tuple[RealOrg, ...]:
    """The org sample shipped as `resource` inside `package` (read once per package)."""
    text = resources.files(package).joinpath(resource).read_text("utf-8")
    return tuple(_real_orgs(json.loads(text)["orgs"]))


def _real_orgs(orgs: Iterable[dict[str, Any]]) -> Iterable[RealOrg]:
    for o in orgs:
        yield RealOrg(
            group=o["group"],
            ror_id=o["ror_id"],
            name=o["name"],
            country=o["country"],
            acronyms=tuple(o["acronyms"]),
            aliases=tuple(o["aliases"]),
            labels=tuple(o["labels"]),
        )


def is_latin(text: str) -> bool:
    """True when every letter is Latin (below U+0250), e.g. to pick romanised aliases."""
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in text)
