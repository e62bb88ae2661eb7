"""python -m kvrules_converis.simulator [--data DIR] [--projects N] --port N --password TOKEN"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from .config import SimulatorConfig
from .faults import KINDS, Faults, parse_script
from .server import Api, make_server
from .synthetic import build_store


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kvrules_converis.simulator", description=__doc__)
    p.add_argument("--data", help="directory with entities.json and links.json (see --dump)")
    p.add_argument("--dump", help="write the synthetic data to this directory and exit")
    p.add_argument("--projects", type=int, default=3000, help="synthetic projects (no --data)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--username", default="kvrules")
    p.add_argument("--password", default=os.environ.get("CONVERIS_SIM_PASSWORD"),
                   help="API token (or CONVERIS_SIM_PASSWORD)")  # fmt: skip
    p.add_argument("--rate-limit", type=float, default=10.0, help="requests/s; 0 = off")
    p.add_argument("--faults", type=float, default=0.0, help="fault rate 0..1 (seeded)")
    p.add_argument("--fault-kinds", default="429,500,502,503,reset,truncate",
                   help=f"comma-separated subset of {','.join(KINDS)}")  # fmt: skip
    p.add_argument("--fault-script", action="append", default=[], metavar="METHOD:NTH:KIND[:TIMES]")
    args = p.parse_args(argv)

    cfg = dataclasses.replace(
        SimulatorConfig(),
        seed=args.seed,
        projects=args.projects,
        rate_limit=args.rate_limit or None,
        username=args.username,
    )
    store = build_store(cfg, args.data)
    if args.dump:
        store.dump(args.dump)
        print(f"wrote {args.dump}/entities.json and links.json", file=sys.stderr)
        return 0
    if not args.password:
        p.error("--password (or CONVERIS_SIM_PASSWORD) is required")
    kinds = tuple(k for k in args.fault_kinds.split(",") if k)
    if unknown := set(kinds) - set(KINDS):
        p.error(f"unknown fault kinds: {sorted(unknown)}")
    faults = Faults(rate=args.faults, kinds=kinds, seed=args.seed)
    for spec in args.fault_script:
        method, nth, kind, times = parse_script(spec)
        faults.script(method, nth, kind, times=times)
    api = Api(store, cfg, args.password, faults)
    server = make_server(api, args.host, args.port)
    n = len(store.entities[cfg.project])
    print(f"Converis simulator: {n} projects; Read API {api.read_url}, CUD {api.cud_url}",
          file=sys.stderr)  # fmt: skip
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
