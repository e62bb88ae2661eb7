"""A Clarivate Converis simulator (Read API WS v2 + CUD API) for adapter tests and demos.

    from kvrules_converis.simulator import start_simulator
    with start_simulator(projects=200, seed=1) as sim:
        requests.get(sim.base_url + "/data/entities/Project", auth=sim.auth)
        sim.faults.script("GET", nth=3, kind="503")

Or from a shell: python -m kvrules_converis.simulator --port 8766 --password secret
"""

from __future__ import annotations

from kvrules.testing.simulator import Faults

from .config import SimulatorConfig
from .handle import SimulatorHandle, start_simulator
from .store import Store

__all__ = ["Faults", "SimulatorConfig", "SimulatorHandle", "Store", "start_simulator"]
