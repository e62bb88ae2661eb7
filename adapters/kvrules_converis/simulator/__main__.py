"""python -m kvrules_converis.simulator [--data DIR] [--projects N] --port N --password TOKEN"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from kvrules.testing.simulator import (
    add_fault_arguments,
    faults_from_args,
    listen,
    serve_until_interrupted,
)

from .config import SimulatorConfig
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
    p.add_argument(
        "--shapes",
        action="store_true",
        help="plant one project per record shape the WS v2 document allows",
    )
    p.add_argument("--page-cap", type=int, default=None,
                   help="answer at most N records a page, whatever count asks")  # fmt: skip
    add_fault_arguments(p)
    args = p.parse_args(argv)

    cfg = dataclasses.replace(
        SimulatorConfig(),
        seed=args.seed,
        projects=args.projects,
        rate_limit=args.rate_limit or None,
        username=args.username,
        shapes=args.shapes,
        page_cap=args.page_cap,
    )
    store = build_store(cfg, args.data)
    if args.dump:
        store.dump(args.dump)
        print(f"wrote {args.dump}/entities.json and links.json", file=sys.stderr)
        return 0
    if not args.password:
        p.error("--password (or CONVERIS_SIM_PASSWORD) is required")
    faults = faults_from_args(p, args)
    api = Api(store, cfg, args.password, faults)
    server = listen(
        "kvrules_converis.simulator",
        args.host,
        args.port,
        lambda: make_server(api, args.host, args.port),
    )
    if server is None:  # said in one line
        return 1
    n = len(store.entities[cfg.project])
    print(f"Converis simulator: {n} projects; Read API {api.read_url}, CUD {api.cud_url}",
          file=sys.stderr)  # fmt: skip
    serve_until_interrupted(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
