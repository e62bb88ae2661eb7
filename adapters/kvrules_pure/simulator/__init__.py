"""A Pure API 5.35 simulator for adapter tests, benchmarks and `kvrules demo`.

    from kvrules_pure.simulator import start_simulator
    with start_simulator(projects=3000, seed=1) as sim:
        requests.get(sim.base_url + "/projects", headers={"api-key": sim.api_key})
        sim.faults.script("PUT", nth=3, kind="503")

Or from a shell: python -m kvrules_pure.simulator --port 8765 --api-key secret
"""

from __future__ import annotations

from kvrules.testing.simulator import Faults

from .config import SimulatorConfig
from .handle import SimulatorHandle, start_simulator
from .store import Store

__all__ = ["Faults", "SimulatorConfig", "SimulatorHandle", "Store", "start_simulator"]
