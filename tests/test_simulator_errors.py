"""The simulators' HTTP server never prints a traceback beside the command or test it serves."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

import pytest

from kvrules.testing.simulator import SimulatorServer, serve_in_thread


class _HangsUp(BaseHTTPRequestHandler):
    failure: type[BaseException] = BrokenPipeError

    def do_GET(self) -> None:
        raise self.failure("the client went away")


@pytest.mark.parametrize("failure", [BrokenPipeError, ConnectionResetError, ValueError])
def test_a_failed_request_is_one_log_line_not_a_traceback(capfd, caplog, failure) -> None:
    handler = type("Handler", (_HangsUp,), {"failure": failure})
    server = SimulatorServer(("127.0.0.1", 0), handler)
    thread = serve_in_thread(server)
    try:
        with socket.create_connection(server.server_address[:2], timeout=5) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)  # the server closes the connection after the failure
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    if failure is ValueError:  # not routine: said, in one line
        assert any("the client went away" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("module", "secret"),
    [("kvrules_pure.simulator", "--api-key"), ("kvrules_converis.simulator", "--password")],
)
def test_a_busy_port_is_one_line_not_a_traceback(capsys, module: str, secret: str) -> None:
    """Reviewer's defect: `python -m kvrules_pure.simulator --port <busy>` printed a traceback."""
    import importlib

    main = importlib.import_module(f"{module}.__main__").main
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["--port", str(port), secret, "x", "--projects", "5"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    [line] = [text for text in err.splitlines() if "cannot listen" in text]
    assert line == f"python -m {module}: cannot listen on 127.0.0.1:{port}: Address already in use"
