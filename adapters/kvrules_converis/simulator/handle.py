"""Run the simulator in a background thread and hand tests a small control surface."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kvrules.testing.simulator import Faults, ServerHandle

from .config import SimulatorConfig
from .server import Api, SimulatorServer, make_server, serve_in_thread
from .store import Store
from .synthetic import build_store


class SimulatorHandle(ServerHandle):
    """A running simulator: base_url, cud_url, username/password, faults, store, requests."""

    _api: Api

    def __init__(self, server: SimulatorServer, api: Api, thread: threading.Thread) -> None:
        super().__init__(server, api, thread)
        self.base_url: str = api.read_url  # http://127.0.0.1:PORT/converis-apis/ws/v2
        self.cud_url: str = api.cud_url  # http://127.0.0.1:PORT/converis/ws/v2/dataobject
        self.username: str = api.username
        self.faults: Faults = api.faults
        self.store: Store = api.store
        self.config: SimulatorConfig = api.cfg

    @property
    def password(self) -> str:
        return self._api.password

    @password.setter
    def password(self, value: str) -> None:  # e.g. a revoked token
        self._api.password = value

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.password)

    def on_request(self, hook: Callable[[str, str, int], None]) -> None:
        """Call hook(method, path, status) after each handled request (tests: concurrent edits)."""
        self._api.after.append(hook)

    def set_rate_limit(self, limit: float | None) -> None:
        self._api.limiter.limit = limit

    def end_listings_at(self, records: int | None) -> None:
        """From now on, lists answer no records past the first ``records`` while their
        ``nrRecordsAll`` still counts every one (an instance or proxy that drops the later
        pages); None: whole lists again."""
        self._api.listing_ends_at = records


def start_simulator(
    data_dir: str | Path | None = None,
    projects: int = 3000,
    seed: int = 1,
    password: str = "test-token",
    port: int = 0,
    host: str = "127.0.0.1",
    faults: Faults | None = None,
    config: SimulatorConfig | None = None,
    **overrides: Any,
) -> SimulatorHandle:
    """Start on host:port (0 = a free port) and return once it accepts connections.

    ``overrides`` are SimulatorConfig fields, e.g. ``rate_limit=None`` or
    ``partner_link="PROJ_has_EXTORG"`` to play a differently configured instance.
    """
    cfg = config or SimulatorConfig()
    cfg = dataclasses.replace(cfg, **({"seed": seed, "projects": projects} | overrides))
    store = build_store(cfg, data_dir)
    api = Api(store, cfg, password, faults or Faults(seed=cfg.seed))
    server = make_server(api, host, port)
    return SimulatorHandle(server, api, serve_in_thread(server))
