"""A hostile HTTP server on 127.0.0.1 for transport tests: redirects, drips, giant bodies.

Adapter clients must survive servers that misbehave at the HTTP level, not only in their
records. ``HostileServer`` is a real server in a background thread whose answers are scripted
per path prefix (longest prefix wins; unscripted paths get a JSON 404)::

    from kvrules.testing.hostile import Drip, Giant, HostileServer, Json, Redirect

    with HostileServer() as pure, HostileServer() as elsewhere:
        pure.script("/projects", Redirect(elsewhere.url("/projects")))
        ...  # point the adapter at pure.url(), fetch, expect an error naming elsewhere's host
        assert all("api-key" not in r.headers for r in elsewhere.requests)

Behaviours:

- ``Json(body, status=200, content_type="application/json", headers=())``: a plain answer;
  any ``content_type`` (``text/html`` for the wrong one), ``body`` as JSON, text or bytes,
  extra ``headers`` such as ``{"Retry-After": "30"}`` (or pairs, ``(("Retry-After", "30"),)``).
- ``Redirect(location, status=302)``: a redirect, e.g. to another ``HostileServer`` (another
  port is another origin) or to ``http://localhost:PORT`` (another host name).
- ``Drip(body, every=0.3)``: headers at once (with the full Content-Length), then the body one
  byte every ``every`` seconds: no single read ever times out.
- ``SlowHeaders(every=0.3)``: the status line and headers one byte every ``every`` seconds.
- ``Giant(size, declare_length=True)``: a ``size``-byte body streamed in chunks (a JSON
  string, so a client that does not bound it parses it); without ``declare_length`` it is
  chunked, so only counting the bytes read can stop it.

``requests`` lists what arrived (method, path with query, headers: a dict whose names are
lower-cased, ``headers["x-api-key"]``), also on a server that was
only the target of a redirect, or one playing a proxy (``GET http://host/path`` for plain http,
``CONNECT host:443`` for a tunnel: script ``"host:443"`` to answer it); ``hangups`` the paths
whose answer the client cut off, and ``wait_for_hangup(path)`` waits for that (a client that
gave up on a drip, rather than one that read it to the end). ``stop()`` (or leaving the
``with``) ends dripping answers too.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from kvrules.testing.simulator import (
    ServerHandle,
    SimulatorRequestHandler,
    make_server,
    serve_in_thread,
)

__all__ = [
    "Behaviour",
    "Drip",
    "Giant",
    "HostileServer",
    "Json",
    "Redirect",
    "SeenRequest",
    "SlowHeaders",
]


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]  # names in lower case


@dataclass(frozen=True)
class Json:
    """``headers``: a dict ``{"Retry-After": "1"}`` or pairs ``(("Retry-After", "1"),)``;
    anything else is refused here, in one line, not by every request the server answers."""

    body: Any = None
    status: int = 200
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] | Mapping[str, str] = ()

    def __post_init__(self) -> None:
        given = self.headers
        pairs = tuple(given.items()) if isinstance(given, Mapping) else given
        if not isinstance(pairs, tuple | list) or not all(
            isinstance(pair, tuple | list)
            and len(pair) == 2
            and all(isinstance(part, str) for part in pair)
            for pair in pairs
        ):
            raise TypeError(
                f"Json headers must be a dict of str to str or (name, value) pairs of str, "
                f"not {given!r}"
            )
        object.__setattr__(self, "headers", tuple((str(n), str(v)) for n, v in pairs))


@dataclass(frozen=True)
class Redirect:
    location: str
    status: int = 302


@dataclass(frozen=True)
class Drip:
    body: bytes = b'{"items": [], "count": 0}'
    every: float = 0.3


@dataclass(frozen=True)
class SlowHeaders:
    every: float = 0.3
    body: bytes = b'{"items": [], "count": 0}'


@dataclass(frozen=True)
class Giant:
    size: int = 64 * 1024 * 1024
    declare_length: bool = True


Behaviour = Json | Redirect | Drip | SlowHeaders | Giant
_NOT_SCRIPTED = Json({"title": "not scripted"}, status=404)


@dataclass
class _State:
    scripts: dict[str, Behaviour] = field(default_factory=dict)
    requests: deque[SeenRequest] = field(default_factory=deque)
    hangups: deque[str] = field(default_factory=deque)
    hung_up: threading.Condition = field(default_factory=threading.Condition)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def behaviour(self, path: str) -> Behaviour:
        bare = path.split("?", 1)[0]
        with self.lock:
            matches = [p for p in self.scripts if bare.startswith(p)]
            return self.scripts[max(matches, key=len)] if matches else _NOT_SCRIPTED


def _payload(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


class _Handler(SimulatorRequestHandler):
    server_version = "HostileServer/1"
    api: _State  # set by make_server

    def do_CONNECT(self) -> None:
        # Playing a proxy asked for a tunnel: recorded (path "host:443"), answered as scripted.
        self.handle_method("CONNECT")

    def handle_method(self, method: str) -> None:
        self.api.requests.append(
            SeenRequest(method, self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        behaviour = self.api.behaviour(self.path)
        self.close_connection = not isinstance(behaviour, Json | Redirect)
        match behaviour:
            case Json(body, status, content_type, headers):
                self._answer(status, _payload(body), content_type, headers)
            case Redirect(location, status):
                self._answer(status, b"", "text/plain", (("Location", location),))
            case Drip(body, every):
                self._head(200, len(body))
                self._drip(body, every)
            case SlowHeaders(every, body):
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                self._drip(head, every)
                self._write(body)
            case Giant(size, declare_length):
                self._giant(size, declare_length)

    def _answer(
        self,
        status: int,
        payload: bytes,
        content_type: str,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self._write(payload)

    def _head(self, status: int, length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client gave up: that is what a hostile server wants to see
            self.close_connection = True
            with self.api.hung_up:
                self.api.hangups.append(self.path)
                self.api.hung_up.notify_all()
            return False
        return True

    def _drip(self, data: bytes, every: float) -> None:
        for i in range(len(data)):
            if not self._write(data[i : i + 1]) or self.api.stopping.wait(every):
                return

    def _giant(self, size: int, declare_length: bool) -> None:
        self._head(200, size if declare_length else None)
        block = b'"' + b"x" * (64 * 1024 - 2) + b'"'
        sent = 0
        while sent < size and not self.api.stopping.is_set():
            part = block[: size - sent]
            data = part if declare_length else b"%x\r\n%s\r\n" % (len(part), part)
            if not self._write(data):
                return
            sent += len(part)
        if not declare_length:
            self._write(b"0\r\n\r\n")


class HostileServer:
    """A scripted misbehaving HTTP server on 127.0.0.1 (a free port); a context manager."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._state = _State()
        self._server = make_server(_Handler, self._state, host, 0, name="HostileHandler")
        self._handle = ServerHandle(
            self._server, self._state, serve_in_thread(self._server, "hostile-server")
        )

    @property
    def port(self) -> int:
        return self._handle.port

    def url(self, path: str = "", host: str = "127.0.0.1") -> str:
        """``http://host:port/path``; ``host="localhost"`` names the same server differently."""
        return f"http://{host}:{self.port}{path}"

    def script(self, prefix: str, behaviour: Behaviour) -> None:
        """Answer every path starting with `prefix` (the longest scripted prefix wins)."""
        with self._state.lock:
            self._state.scripts[prefix] = behaviour

    @property
    def requests(self) -> list[SeenRequest]:
        return list(self._state.requests)

    @property
    def hangups(self) -> list[str]:
        """Paths whose answer the client cut off (it closed the connection mid-answer)."""
        return list(self._state.hangups)

    def wait_for_hangup(self, path: str, timeout: float = 10.0) -> bool:
        """Whether the client hangs up on an answer to `path` (a prefix: the query string may
        follow) within `timeout` seconds.

        A client that gave up on a drip is noticed at the server's next write, a moment later;
        one that reads the drip to its end never hangs up.
        """
        with self._state.hung_up:
            return self._state.hung_up.wait_for(
                lambda: any(p.startswith(path) for p in self._state.hangups), timeout
            )

    def stop(self) -> None:
        self._state.stopping.set()
        self._handle.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
