"""A research output's own address (``ResearchOutput.url``) is linked from alerts and case
pages: only a web address is taken, and a pattern given for outputs comes before it."""

from __future__ import annotations

import pytest

from kvrules import ResearchOutput
from kvrules.records import record_url


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "https://", "ftp://x", "www.x.org/o/1"]
)
def test_only_a_web_address_is_an_outputs_url(url: str) -> None:
    """Anything else is dropped, not linked, and the output kept: refused whole, its
    co-authors' organisations went unscreened (code review, 2026-12-07)."""
    output = ResearchOutput(id="o-1", title="T", url=url)
    assert output.url is None


def test_an_output_with_a_bare_address_is_still_screened(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from kvrules.cli import cli

    event = {
        "id": "O1:v1", "kind": "output.published", "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "O1"},
        "output": {"id": "O1", "title": "Paper", "url": "www.example.org/o/1", "affiliations": [
            {"name": "Northwestern Polytechnical University", "country": "CN"}]},
    }  # fmt: skip
    events = tmp_path / "out.jsonl"
    events.write_text(json.dumps(event) + "\n", encoding="utf-8")
    said = CliRunner().invoke(cli, ["evaluate", str(events)], env={"COLUMNS": "200"})
    assert "skipped" not in said.output, said.output
    assert "1 finding(s) in 1 event(s)" in said.output  # before: 0, the event skipped


def test_the_order_of_links_for_an_output() -> None:
    own = "https://portal.example.edu/en/publications/o-1"
    one = {"pure": "https://pure.example.edu/editor?id={id}"}
    per_kind = {"pure": {"output": "https://pure.example.edu/o/{id}"}}
    assert record_url(one, "pure", "research-outputs/o-1", "output", own) == own
    assert record_url(per_kind, "pure", "research-outputs/o-1", "output", own) == (
        "https://pure.example.edu/o/o-1"
    )
    assert record_url(None, "pure", "research-outputs/o-1", "output", own) == own
    assert record_url(one, "pure", "research-outputs/o-1", "output") == (
        "https://pure.example.edu/editor?id=o-1"
    )
