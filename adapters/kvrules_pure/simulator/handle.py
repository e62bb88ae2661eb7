"""Run the simulator in a background thread and hand tests a small control surface."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

from kvrules.testing.simulator import Faults, ServerHandle

from . import legacy524
from .build import build_store
from .config import SimulatorConfig
from .server import Api, SimulatorServer, make_server, serve_in_thread
from .store import Store


class SimulatorHandle(ServerHandle):
    """A running simulator: base_url, api_key, faults, store, request log, stop()."""

    def __init__(self, server: SimulatorServer, api: Api, thread: threading.Thread) -> None:
        super().__init__(server, api, thread)
        self.base_url: str = api.base_url  # http://127.0.0.1:PORT/ws/api
        self.api_key: str = api.api_key
        self.faults: Faults = api.faults
        self.store: Store = api.store
        # The older API's records (/ws/api/524), collection -> uuid -> record: tests add some.
        self.legacy: dict[str, dict[str, Any]] = api.legacy

    @property
    def page_cap(self) -> int | None:
        """At most this many items per list page, whatever size is asked (None: as asked)."""
        return self._api.page_cap  # type: ignore[no-any-return]

    @page_cap.setter
    def page_cap(self, cap: int | None) -> None:
        self._api.page_cap = cap

    @property
    def listing_ends_at(self) -> int | None:
        """Lists answer no items from this offset on, their ``count`` unchanged and (the 524
        API) no next page linked: an instance or proxy that drops the later pages."""
        return self._api.listing_ends_at  # type: ignore[no-any-return]

    @listing_ends_at.setter
    def listing_ends_at(self, offset: int | None) -> None:
        self._api.listing_ends_at = offset

    def forbid(self, *collections: str) -> None:
        """The key may not read these collections ("research-outputs"): 403, as Pure answers
        for an endpoint the key was not granted."""
        self._api.forbidden.update(collections)

    @property
    def headers(self) -> dict[str, str]:
        return {"api-key": self.api_key, "Accept": "application/json"}


def start_simulator(
    data_dir: str | Path | None = None,
    projects: int = 3000,
    seed: int = 1,
    api_key: str = "test-api-key",
    port: int = 0,
    host: str = "127.0.0.1",
    faults: Faults | None = None,
    config: SimulatorConfig | None = None,
    legacy_dir: str | Path | None = None,
    portfolio: str = "realistic",
    as_of: str | None = None,
) -> SimulatorHandle:
    """Start on host:port (0 = a free port) and return once it accepts connections.

    ``legacy_dir``: real responses of the older versioned API to serve under /ws/api/524.
    ``portfolio``: "realistic" (rates of a Dutch university) or "stress" (high-risk).
    ``as_of``: the day the records are dated up to (YYYY-MM-DD; the config's fixed day by
    default, so a seed gives identical data any day).
    """
    cfg = config or SimulatorConfig()
    if config is None:
        cfg = dataclasses.replace(cfg, seed=seed, projects=projects, portfolio=portfolio)
        if as_of is not None:
            cfg = dataclasses.replace(cfg, as_of=as_of)
    store = build_store(cfg, data_dir)
    legacy = legacy524.load(Path(legacy_dir)) if legacy_dir is not None else None
    api = Api(store, api_key, faults or Faults(seed=cfg.seed), legacy)
    server = make_server(api, host, port)
    return SimulatorHandle(server, api, serve_in_thread(server))
