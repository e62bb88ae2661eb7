"""What the command-line scan tests share: a project event, a file export of some events, a
configuration that reads it as source ``file``, and a scan of it that must succeed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from kvrules.cli import cli


def project_event(
    record_id: str, *, occurred_at: str = "2026-01-01T00:00:00Z", title: str = "", **project: Any
) -> dict:
    """A ``project.created`` event of source ``file`` for project ``record_id``, titled with its
    id unless ``title`` is given; ``project`` adds the project's fields (partners, funders …)."""
    return {
        "id": f"{record_id}:v1",
        "kind": "project.created",
        "occurred_at": occurred_at,
        "source": {"system": "file", "record_id": record_id},
        "project": {"id": record_id, "title": title or record_id, **project},
    }


def file_export_config(
    tmp_path: Path,
    *events: dict,
    home: str | None = None,
    name: str = "kvrules",
    reference_data: bool = True,
) -> Path:
    """``tmp_path/<name>.yaml``: the events as ``export.jsonl`` behind source ``file``, a state
    database of the config's own name (configs side by side keep their own), ``home_country``
    only when given; ``reference_data`` False leaves the reference store to $KVRULES_REFDATA
    (the test's own, seeded with the shipped lists)."""
    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    lines = [f"home_country: {home}"] if home else []
    lines.append(f"database: {tmp_path / f'{name}.db'}")
    if reference_data:
        lines.append(f"reference_data: {tmp_path / 'refdata.db'}")
    lines.append(f"sources: {{file: {{adapter: file, settings: {{path: {export}}}}}}}")
    config = tmp_path / f"{name}.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def scanned(config: Path, *flags: str) -> Result:
    """``kvrules scan --config CONFIG FLAGS``, which must exit 0."""
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), *flags])
    assert result.exit_code == 0, result.output
    return result


def json_report(result: Result) -> dict:
    """The report ``scan --json`` prints as its last line of stdout."""
    return json.loads(result.stdout.strip().splitlines()[-1])


def shipped_rules_fired(rulebook: str, overrides: dict | None = None, **project: Any) -> set[str]:
    """The rule ids shipped rulebook ``rulebook`` (``"ca-strac"``) fires on a
    ``project.created`` event of project p1 with ``project``'s fields (``overrides``: a site's
    ``rulebook_vars`` for it), evaluated in process."""
    from kvrules.engine import load_rulebooks
    from kvrules.engine.evaluator import Evaluator
    from kvrules.model import CollaborationEvent
    from kvrules.rulebook.discovery import shipped_rulebooks

    books, problems = load_rulebooks([shipped_rulebooks() / f"{rulebook}.yaml"], overrides)
    assert not problems
    event = CollaborationEvent.model_validate(project_event("p1", **project))
    with Evaluator(books) as evaluator:
        return {f.rule_id for f in evaluator.evaluate(event)}
