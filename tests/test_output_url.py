"""A research output's own address (``ResearchOutput.url``) is linked from alerts and case
pages: only a web address is taken, and a pattern given for outputs comes before it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kvrules import ResearchOutput
from kvrules.records import record_url


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "https://", "ftp://x"]
)
def test_only_a_web_address_is_an_outputs_url(url: str) -> None:
    with pytest.raises(ValidationError, match="expected an http"):
        ResearchOutput(id="o-1", title="T", url=url)


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
