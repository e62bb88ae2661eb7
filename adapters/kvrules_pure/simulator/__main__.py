"""python -m kvrules_pure.simulator [--data DIR] [--legacy DIR] --port N --api-key KEY ..."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kvrules.testing.simulator import (
    add_fault_arguments,
    faults_from_args,
    listen,
    serve_until_interrupted,
)

from . import legacy524
from .build import build_store
from .config import DEFAULT_ROR_TYPE_URI, PORTFOLIOS, SimulatorConfig
from .server import Api, make_server


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kvrules_pure.simulator", description=__doc__)
    p.add_argument("--data", help="directory of Pure JSON records (projects/, awards/, ...)")
    p.add_argument(
        "--legacy",
        metavar="DIR",
        help="real responses of the older API to serve under /ws/api/524 (research-output-*.json "
        "and external-organisation-*.json, or research_output/ and external_organisation/)",
    )
    p.add_argument("--projects", type=int, default=3000, help="synthetic projects (no --data)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--portfolio",
        choices=PORTFOLIOS,
        default="realistic",
        help="realistic: the rates of a Dutch university (docs/simulator-realism.md); "
        "stress: the high-risk portfolio",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--api-key", required=True)
    add_fault_arguments(
        p,
        script_help='e.g. "PUT:3:503": the 3rd PUT fails with 503 (repeatable)',
        slow_seconds=2.0,
    )
    p.add_argument("--ror-type-uri", default=DEFAULT_ROR_TYPE_URI)
    p.add_argument("--ror-value-style", choices=("url", "bare", "mixed"), default="url")
    p.add_argument("--project-type", choices=("AwardManagementProject", "BasicProject"),
                   default="AwardManagementProject")  # fmt: skip
    p.add_argument("--conflict-status", type=int, choices=(409, 412), default=409)
    args = p.parse_args(argv)

    cfg = SimulatorConfig(
        seed=args.seed,
        projects=args.projects,
        portfolio=args.portfolio,
        ror_type_uri=args.ror_type_uri,
        ror_value_style=args.ror_value_style,
        project_type=args.project_type,
        conflict_status=args.conflict_status,
    )
    faults = faults_from_args(p, args)

    started = time.perf_counter()
    store = build_store(cfg, args.data)
    legacy = None
    if args.legacy:
        skipped: list[str] = []
        legacy = legacy524.load(Path(args.legacy), skipped)
        for line in skipped:
            print(line, file=sys.stderr)
        if not legacy["research-outputs"]:
            p.error(f"--legacy {args.legacy}: no research-output-*.json or research_output/*.json")
    server = listen(
        "kvrules_pure.simulator",
        args.host,
        args.port,
        lambda: make_server(Api(store, args.api_key, faults, legacy), args.host, args.port),
    )
    if server is None:  # said in one line
        return 1
    n = len(store.collection("projects"))
    elapsed = time.perf_counter() - started
    print(f"Pure API simulator: {n} projects, ready in {elapsed:.2f}s", file=sys.stderr)
    print(f"base URL {server.RequestHandlerClass.api.base_url}  (header api-key)", file=sys.stderr)  # type: ignore[attr-defined]
    serve_until_interrupted(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
