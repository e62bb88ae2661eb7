"""``kvrules demo``: the whole job on a synthetic university, on this machine only.

Starts the Pure API simulator and an SMTP sink (writing a maildir) on free loopback ports, then
runs a full scan with the shipped rulebooks and reference data: alerts go to the sink, tags are
written back to the simulator. A second, incremental scan shows that nothing is sent twice.
"""

from __future__ import annotations

import mailbox
import secrets
import shutil
import socket
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import yaml

from kvrules.config import AlertsConfig, ChannelConfig, Config, SourceConfig, WritebackConfig
from kvrules.plain import count_of

ROUTES = ("committee", "adviser", "export-control", "grant-office")
# The committee reads one digest per scan (and a message at once for a critical case); the
# adviser and the export-control officer get their cases as they come.
COMMITTEE_DIGEST = "committee-digest"


def _smtp_sink(maildir: Path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    with socket.socket() as probe:  # aiosmtpd cannot bind port 0 itself
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Mailbox(str(maildir)), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


# The simulated Pure's portal, a path per kind of record as Pure's portal has them
DEMO_PORTAL = {
    "project": "https://research.kvarn.example/en/projects/{id}",
    "output": "https://research.kvarn.example/en/publications/{id}",
    "visit": "https://research.kvarn.example/en/activities/{id}",
}
DEMO_MARKER = ".kvrules-demo"  # marks a folder the demo made, and may therefore replace


# What a demo folder holds (folders from before the marker have just these)
DEMO_FILES = {"kvrules.db", "refdata.db", "mail", "report.md", "kvrules.yaml"}


def _made_by_demo(workdir: Path) -> bool:
    if (workdir / DEMO_MARKER).is_file():
        return True
    names = {p.name.removesuffix("-wal").removesuffix("-shm") for p in workdir.iterdir()}
    return "kvrules.db" in names and names <= DEMO_FILES


def _committee_work(database: Path) -> str | None:
    """What people did in an earlier demo's state database (accounts, decisions,
    adjudications) in words, or None when they did nothing there: a re-run deletes it.

    Read-only, with plain SQL: opening it as a Store upgraded an older demo's file (and wrote
    a .bak) before the demo refused to touch it. These tables are in every schema."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    tables = {"account": "users", "decision": "decisions", "adjudication": "adjudications"}
    try:
        # immutable: not even a -wal or -shm beside it, unless one is there to be read
        wal = database.with_name(database.name + "-wal").exists()
        how = "mode=ro" if wal else "mode=ro&immutable=1"
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?{how}", uri=True)
        try:
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            counts = {
                thing: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for thing, table in tables.items()
                if table in present
            }
        finally:
            conn.close()
    except sqlite3.Error:  # an unreadable file may hold work too: say so rather than delete it
        return f"{database} could not be read to tell"
    if not any(counts.values()):
        return None
    return ", ".join(count_of(n, thing) for thing, n in counts.items() if n)


def _replace_demo_folder(workdir: Path, replace: bool) -> None:
    """Make ``workdir`` an empty demo folder; never delete a folder the demo did not make,
    nor committee work done in an earlier demo unless told to (``replace``)."""
    if workdir.exists():
        if not workdir.is_dir():
            raise click.ClickException(f"{workdir} is a file: give --workdir a folder")
        if any(workdir.iterdir()) and not _made_by_demo(workdir):
            raise click.ClickException(
                f"{workdir} holds files that are not an earlier kvrules demo's: "
                "give another --workdir, or empty that folder"
            )
        if not replace and (work := _committee_work(workdir / "kvrules.db")):
            raise click.ClickException(
                f"{workdir} holds committee work a new demo would delete ({work}): "
                "`kvrules demo --replace` deletes it, or give another --workdir"
            )
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    (workdir / DEMO_MARKER).write_text("made by `kvrules demo`, which replaces this folder\n")


def write_follow_up_config(config: Config, path: Path) -> Path:
    """The demo's state, reference store and link to the RIS as a config file, so that the
    commands it suggests (`show`, `serve`, `report`) name cases with their RIS link. The
    simulator and the mail sink stop with the demo: no source settings, no secret."""
    text = yaml.safe_dump(
        {
            "database": str(config.database),
            "reference_data": str(config.reference_data),
            "sources": {
                name: {"adapter": source.adapter, "ris_url": source.ris_url}
                for name, source in config.sources.items()
            },
            "home_country": config.home_country,
        },
        sort_keys=False,
        allow_unicode=True,
    )
    path.write_text("# Written by `kvrules demo` for the commands it suggests.\n" + text)
    return path


def demo_config(workdir: Path, base_url: str, api_key: str, smtp_port: int) -> Config:
    mail = ChannelConfig(
        plugin="email",
        settings={
            "host": "127.0.0.1",
            "port": smtp_port,
            "security": "none",
            "sender": "kvrules-demo@localhost",
            "routes": {route: [f"{route}@university.localhost"] for route in ROUTES},
            "case_base_url": "http://127.0.0.1:8000",
        },
    )
    routes = {r: ["mail"] for r in ROUTES} | {"committee": [COMMITTEE_DIGEST]}
    return Config(
        database=workdir / "kvrules.db",
        # The demo's own reference store (the shipped lists): it leaves the user's store alone.
        reference_data=workdir / "refdata.db",
        sources={
            "pure": SourceConfig(
                adapter="pure",
                settings={
                    "base_url": base_url,
                    "api_key": api_key,
                    "research_outputs": True,
                    "activities": True,
                },
                # The simulated Pure's own portal pages (its records' portalUrl): each kind of
                # record has its own path there, as in Pure's portal (outputs are publications;
                # applications are not in the portal, so they get no link)
                ris_url=DEMO_PORTAL,
            )
        },
        alerts=AlertsConfig(
            channels={"mail": mail, COMMITTEE_DIGEST: mail},
            routes=routes,
            digest={COMMITTEE_DIGEST: "scan"},
        ),
        writeback=WritebackConfig(apply=True),
        home_country="NL",  # the simulated university is Dutch
    )


def demo_simulator(projects: int, seed: int, api_key: str, portfolio: str) -> Any:
    """The Pure simulator the demo scans, its portfolio dated up to today (``demo_as_of``)."""
    try:  # the demo drives the Pure adapter's simulator, which ships with kvrules
        from kvrules_pure.simulator import start_simulator
    except ImportError:
        raise click.ClickException(
            "the demo needs the Pure adapter (kvrules_pure), which is not installed"
        ) from None
    return start_simulator(
        projects=projects, seed=seed, api_key=api_key, portfolio=portfolio, as_of=demo_as_of()
    )


def demo_as_of() -> str:
    """The day the demo's simulated portfolio is dated up to: today (UTC). The scan, its
    cases' ages and ``ended_projects_quiet_after`` use the real clock, so a portfolio dated
    to a fixed day aged with the calendar: its projects went quiet one by one, and the planted
    risks too, from three years after that day."""
    return datetime.now(UTC).date().isoformat()


@click.command()
@click.option(
    "--projects",
    type=click.IntRange(min=1),
    default=1500,
    show_default=True,
    help="size of the university",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kvrules-demo"),
    show_default=True,
    help="where the SQLite file, the maildir and the report go (an earlier demo's folder is "
    "replaced unless it holds committee work; a folder holding anything else is refused)",
)
@click.option(
    "--replace",
    is_flag=True,
    help="replace an earlier demo's folder even if it holds accounts, decisions or "
    "adjudications (they are deleted)",
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    help="the simulated portfolio's random seed: the same seed gives the same records, "
    "dated up to the day the demo runs",
)
@click.option(
    "--portfolio",
    type=click.Choice(("realistic", "stress")),
    default="realistic",
    show_default=True,
    help="realistic: the rates of a Dutch research university; stress: a high-risk portfolio",
)
def demo(projects: int, workdir: Path, seed: int, portfolio: str, replace: bool) -> None:
    """Scan a simulated Pure instance end to end and show what the committee would get."""
    from kvrules.assembly import build_scanner
    from kvrules.cli.scan import print_report, run_scan
    from kvrules.noise import measure
    from kvrules.report import write_markdown_report
    from kvrules.settings import record_links
    from kvrules.store import Store
    from kvrules.timezone import zone

    started = time.monotonic()
    workdir = workdir.resolve()  # the commands printed at the end work from any folder
    _replace_demo_folder(workdir, replace)
    maildir = workdir / "mail"
    mailbox.Maildir(str(maildir), create=True)
    api_key = secrets.token_urlsafe(16)
    sim = demo_simulator(projects, seed, api_key, portfolio)
    smtp = _smtp_sink(maildir)
    try:
        click.echo(
            f"Pure simulator: {sim.base_url} ({projects} projects, {portfolio} portfolio) · "
            f"SMTP sink: 127.0.0.1:{smtp.port} → {maildir}"
        )
        config = demo_config(workdir, sim.base_url, api_key, smtp.port)
        with Store.open(config.database, create=True) as store:
            scanner = build_scanner(config, "pure", store)
            print_report(run_scan(scanner, full=True, limit=None, as_json=False), False)
            for line in measure(store, "pure", projects, sim.store.planted()).lines():
                click.echo(line)
            click.echo("Messages of this scan: " + _messages_per_route(maildir))
            again = scanner.scan()
            click.echo(
                f"Second (incremental) scan: {again.records} records re-read, "
                f"{again.findings} new findings, {again.alerts_queued} new alerts, "
                f"{again.tags_written} tags written — nothing is sent twice."
            )
            report = write_markdown_report(
                store,
                workdir / "report.md",
                title="kvrules demo: open cases",
                links=record_links(config),
                time_zone=zone(config.time_zone),
                home_country=config.home_country,
            )
            scanner.evaluator.close()
            scanner.adapter.close()
    finally:
        smtp.stop()
        sim.stop()
    follow_up = write_follow_up_config(config, workdir / "kvrules.yaml")
    mails = len(mailbox.Maildir(str(maildir), create=False))
    click.echo(f"{mails} alert e-mails in {maildir}")
    click.echo(f"State (findings, cases, outbox, audit log): {config.database}")
    click.echo(f"Report: {report}")
    click.echo(f"Done in {time.monotonic() - started:.1f}s. Try:")
    click.echo(f"  kvrules show case:1 --config {follow_up}")
    click.echo(
        f"  kvrules users add YOU --role committee --config {follow_up} && "
        f"kvrules serve --config {follow_up}"
    )
    click.echo(f"  kvrules evaluate {examples_folder() / 'events.jsonl'}")
    click.echo('  kvrules match "Beihang Univ" --country CN')


def _messages_per_route(maildir: Path) -> str:
    """Messages in the sink per recipient route (the demo's addresses are route@…)."""
    counts: dict[str, int] = {}
    for message in mailbox.Maildir(str(maildir), create=False):
        for to in str(message["To"] or "?").split(","):
            route = to.strip().split("@", 1)[0]
            counts[route] = counts.get(route, 0) + 1
    return ", ".join(f"{route} {n}" for route, n in sorted(counts.items())) or "none"


def examples_folder() -> Path:
    """The example files, packaged or in the source checkout, as an absolute path: the hint
    must work from any folder."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_examples"
    return packaged if packaged.is_dir() else package.parent / "examples"
