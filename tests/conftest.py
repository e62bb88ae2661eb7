from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

HEADER = """\
rulebook: t
version: "1"
title: Test rulebook
jurisdiction: NL
sources:
  - id: s1
    cite: "A citation"
rules:
"""


def rule_yaml(rule_id: str, when: str, on: str = "partner.added", extra: str = "") -> str:
    return textwrap.indent(
        textwrap.dedent(f"""\
        - id: {rule_id}
          title: {rule_id}
          on: {on}
          when: {when}
          severity: medium
          rationale: r
          cite: s1
        """)
        + extra,
        "  ",
    )


def project_exports(tmp_path: Path, ids: Iterable[str], **project: object) -> Path:
    """A folder of file-adapter exports: one ``project.created`` record per id, titled by its
    id, with ``project``'s fields added (e.g. ``partners=[...]``)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    lines = [
        json.dumps(
            {
                "id": f"{r}:v1",
                "kind": "project.created",
                "occurred_at": "2026-01-01T00:00:00Z",
                "source": {"system": "file", "record_id": r},
                "project": {"id": r, "title": r, **project},
            }
        )
        for r in ids
    ]
    (folder / "projects.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def file_source_site(
    tmp_path: Path, ids: Iterable[str], rules: str, extra: str = ""
) -> tuple[Path, Path]:
    """(``tmp_path/kvrules.yaml``, its rulebook ``rules/rb.yaml``): projects ``ids`` with a
    partner in CN from a file source, the rulebook holding ``rules`` (after ``HEADER``), state
    and reference databases in ``tmp_path``; ``extra`` appended (an ``alerts:`` block)."""
    exports = project_exports(tmp_path, ids, partners=[{"name": "Acme", "country": "CN"}])
    book = tmp_path / "rules" / "rb.yaml"
    book.parent.mkdir()
    book.write_text(HEADER + rules, encoding="utf-8")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'ref.db'}\n"
        f"rulebooks: [{book.parent}]\n"
        f"sources: {{f: {{adapter: file, settings: {{path: {exports}}}}}}}\n" + extra,
        encoding="utf-8",
    )
    return config, book


def mail_alerts(host: str, port: int, route: str, to: str) -> str:
    """An ``alerts:`` block: route ``route`` to mail for ``to`` through ``host:port``."""
    return (
        "alerts:\n  channels:\n    mail:\n      plugin: email\n      settings:\n"
        f"        host: {host}\n        port: {port}\n        security: none\n"
        f"        sender: kvrules@localhost\n        to: [{to}]\n"
        f"  routes:\n    {route}: [mail]\n"
    )


def committee_mail_config(tmp_path: Path, host: str, port: int) -> Path:
    """``tmp_path/kvrules.yaml``: two projects with a partner in CN from a file source, one rule
    (every titled project alerts the committee), mail to an SMTP server at ``host:port``."""
    titled = rule_yaml(
        "titled", "project.title exists", on="project.created", extra="  alert: committee\n"
    )
    config, _ = file_source_site(
        tmp_path,
        ["P1", "P2"],
        titled,
        mail_alerts(host, port, "committee", "committee@uni.example"),
    )
    return config


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The order in which xdist hands out files (``--dist loadfile --no-loadscope-reorder``):
    files marked ``heavy`` first, in collection order (long end-to-end tests: subprocess
    scans, SIGKILL cycles), then the others by their number of tests, most first (what
    xdist's own reordering does).

    xdist's reordering alone puts a file of one long test among the last: the crash test
    (a minute or more on its own) then ran while the other worker had nothing left to do.
    Started first, the long files overlap with the many short ones on the other core.
    Within a file the order is unchanged."""
    tests_in: dict[Path, int] = {}
    heavy: set[Path] = set()
    for item in items:
        tests_in[item.path] = tests_in.get(item.path, 0) + 1
        if item.get_closest_marker("heavy") is not None:
            heavy.add(item.path)
    items.sort(key=lambda item: (0,) if item.path in heavy else (1, -tests_in[item.path]))


@pytest.fixture(scope="session", autouse=True)
def _own_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The default reference store, caches and config live in folders of this test run, not
    in the user's own (``~/.local/share/kvrules``): a store or kept index left by an earlier
    run, or by another checkout's code, must not decide what a test sees. Subprocesses inherit
    it; a test that names its own store or folder still wins."""
    home = tmp_path_factory.mktemp("user-folders")
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
            patch.setenv(variable, str(home / variable.lower()))
        patch.delenv("KVRULES_REFDATA", raising=False)
        yield


@pytest.fixture
def write_rulebook(tmp_path: Path):
    """Write a rulebook from rule snippets; returns its path."""

    def write(*rules: str, header: str = HEADER, name: str = "rb.yaml") -> Path:
        path = tmp_path / name
        path.write_text(header + "".join(rules))
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
