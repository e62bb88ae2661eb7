"""The report's charts tell series apart by more than colour (WCAG 1.4.1, 1.4.11): the review
measured neighbouring segments 1.39 to 2.33:1 apart (BE/CN 1.39, critical/high 2.33). Each
series now has its own marks over its colour, in an ink of at least 3:1 on that colour, the
same in the legend as in the bars."""

from __future__ import annotations

import itertools
import re

from kvrules.web import charts
from tests.web.stylesheet import contrast

SEVERITIES = ["critical", "high", "medium", "low", "info", "no finding"]
COUNTRIES = ["DE", "BE", "CN", "CA", "SG", "CH", "JP", "US"]
PATTERN = re.compile(r'<pattern id="([^"]+)"[^>]*>(.*?)</pattern>')
BACKGROUND = re.compile(r'^<rect width="6" height="6" fill="(#[0-9a-f]{6})"/>')


def _patterns(svg: str) -> dict[str, tuple[str, str]]:
    """Each pattern's id → (its colour, its marks with their ink)."""
    out = {}
    for pid, body in PATTERN.findall(svg):
        background = BACKGROUND.match(body)
        assert background, body
        out[pid] = (background.group(1), body[background.end() :])
    return out


def _segments(svg: str) -> list[list[str]]:
    """The pattern id of each segment, bar by bar (a bar: segments with the same label)."""
    bars: dict[str, list[str]] = {}
    for pid, label in re.findall(r'fill="url\(#([^)]+)\)"><title>([^<]*?) · ', svg):
        bars.setdefault(label, []).append(pid)
    return list(bars.values())


def _check(svg: str, series: list[str]) -> None:
    patterns = _patterns(svg)
    assert len(patterns) == len(series)
    for pid, (fill, marks) in patterns.items():
        if marks:  # the first series is plain; every other one has marks
            ink = re.search(r'(?:stroke|fill)="(#[0-9a-f]{6})"', marks)
            assert ink and contrast(ink.group(1), fill) >= 3.0, (pid, fill, marks)
    bars = _segments(svg)
    assert bars and any(len(bar) > 1 for bar in bars)
    for bar in bars:
        for left, right in itertools.pairwise(bar):
            # neighbours differ by their marks, whatever their colours
            assert patterns[left][1] != patterns[right][1], (left, right)
    legend = re.findall(
        r'<rect x="[^"]+" y="[^"]+" width="12" height="12" fill="url\(#([^)]+)\)"', svg
    )
    assert legend == list(patterns)  # the legend shows each series' marks, in order


def test_severity_bars_differ_by_marks_beside_colour() -> None:
    rows = [
        ("CN", {"critical": 2, "high": 3, "medium": 4, "low": 5, "info": 1, "no finding": 6}),
        ("DE", {"high": 1, "medium": 2, "low": 2, "no finding": 8}),
    ]
    _check(str(charts.bars("Collaborations by country", rows, SEVERITIES)), SEVERITIES)


def test_country_columns_differ_by_marks_beside_colour() -> None:
    values = {"2025": {c: i + 1 for i, c in enumerate(COUNTRIES)}, "2026": {"BE": 3, "CN": 2}}
    svg = str(charts.columns("Collaborations by year", ["2025", "2026"], values, COUNTRIES))
    _check(svg, COUNTRIES)


def test_two_charts_on_one_page_never_share_a_pattern() -> None:
    rows = [("CN", {"high": 1, "low": 1})]
    one = _patterns(str(charts.bars("Open cases", rows, SEVERITIES)))
    two = _patterns(str(charts.bars("Funders by country", rows, SEVERITIES)))
    assert one and two and not set(one) & set(two)
