"""Small stacked bar charts as inline SVG, drawn on the server: no JavaScript and no CDN, so
the board report works offline and in any mail client that opens HTML."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = {
    "critical": "#67000d",
    "high": "#cb181d",
    "medium": "#fb6a4a",
    "low": "#fcbba1",
    "info": "#bdbdbd",
    "no finding": "#9ecae1",
    "green": "#2ca25f",
    "amber": "#feb24c",
    "red": "#de2d26",
    "untriaged": "#bdbdbd",
}
_FALLBACK = (
    "#3182bd",
    "#6baed6",
    "#9ecae1",
    "#31a354",
    "#74c476",
    "#756bb1",
    "#9e9ac8",
    "#636363",
    "#e6550d",
    "#fd8d3c",
)


def colour(series: str, i: int) -> str:
    return PALETTE.get(series, _FALLBACK[i % len(_FALLBACK)])


# Neighbouring series differ by more than colour (WCAG 1.4.1, 1.4.11: neighbouring segments
# were 1.39 to 2.33:1 apart): each series in a chart has its own marks over its colour, drawn
# in black or white, whichever stands out more from that colour (at least 3:1 on any fill),
# and the legend's swatch shows the same marks. The first series is plain.
MARKS = (
    "",
    '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="{ink}" stroke-width="1.3"/>',
    '<circle cx="3" cy="3" r="1.3" fill="{ink}"/>',
    '<path d="M0,3 h6" stroke="{ink}" stroke-width="1.3"/>',
    '<path d="M-1,5 l2,2 M0,0 l6,6 M5,-1 l2,2" stroke="{ink}" stroke-width="1.3"/>',
    '<path d="M3,0 v6" stroke="{ink}" stroke-width="1.3"/>',
    '<path d="M0,3 h6 M3,0 v6" stroke="{ink}" stroke-width="1"/>',
)


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(hex_colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink(fill: str) -> str:
    """Black or white: whichever contrasts more with ``fill`` (always at least 4.5:1)."""
    lum = _luminance(fill)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _chart_id(title: str) -> str:
    """Stable per chart, so two charts on one page never share a pattern's id."""
    return f"c{zlib.crc32(title.encode('utf-8')):08x}"


def _patterns(series: Sequence[str], chart: str) -> str:
    out = []
    for i, name in enumerate(series):
        fill = colour(name, i)
        marks = MARKS[i % len(MARKS)].format(ink=ink(fill))
        out.append(
            f'<pattern id="{chart}-{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{fill}"/>{marks}</pattern>'
        )
    return f"<defs>{''.join(out)}</defs>"


def _fill(chart: str, i: int) -> str:
    return f"url(#{chart}-{i})"


def _legend(series: Sequence[str], x: float, y: float, chart: str) -> list[str]:
    out, cx = [], x
    for i, name in enumerate(series):
        out.append(
            f'<rect x="{cx:.0f}" y="{y - 10:.0f}" width="12" height="12" '
            f'fill="{_fill(chart, i)}" stroke="#595959" stroke-width="0.5"/>'
        )
        out.append(f'<text x="{cx + 16:.0f}" y="{y:.0f}" font-size="11">{escape(name)}</text>')
        cx += 26 + 7 * len(name)
    return out


def ticks(peak: float, most: int = 5) -> list[float]:
    """Round scale values from 0 to at least ``peak``: 0, 5, 10 … or 0, 200, 400 …"""
    raw = max(peak, 1) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(max(peak, 1) / step) + 1)]


def _text(x: float, y: float, text: str, *, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" text-anchor="{anchor}"{extra}>'
        f"{escape(text)}</text>"
    )


def figures(
    title: str,
    rows: Sequence[tuple[str, Mapping[str, float]]],
    series: Sequence[str],
    label_header: str,
    unit: str = "",
) -> str:
    """The chart's figures as a table in a ``<details>``: a screen reader got only the
    chart's title from the SVG, and anyone may want the exact numbers (or to copy them)."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in series)
    body = []
    for label, values in rows:
        cells = "".join(f"<td>{values.get(name, 0):,.0f}{escape(unit)}</td>" for name in series)
        total = f"<td>{sum(values.values()):,.0f}{escape(unit)}</td>"
        body.append(f'<tr><th scope="row">{escape(label)}</th>{cells}{total}</tr>')
    return (
        f'<details class="chart-figures"><summary>Figures of “{escape(title)}” as a table'
        f'</summary><div class="table-scroll" role="group" aria-label="{escape(title)}" '
        f'tabindex="0"><table><caption>{escape(title)}</caption><thead><tr>'
        f'<th scope="col">{escape(label_header or "")}</th>{head}<th scope="col">total</th>'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div></details>"
    )


def bars(
    title: str,
    rows: Sequence[tuple[str, Mapping[str, float]]],
    series: Sequence[str],
    *,
    width: int = 640,
    unit: str = "",
    x_title: str = "",
    y_title: str = "",
) -> Markup:
    """Horizontal stacked bars, one row per label, with a value scale along the bottom and
    axis titles (``x_title`` under the scale, ``y_title`` over the labels)."""
    if not rows:
        return Markup(f'<p class="empty">{escape(title)}: no data.</p>')
    label_w, bar_h, top = 190, 18, 34
    plot_bottom = top + len(rows) * (bar_h + 6)
    height = plot_bottom + 40
    scale_to = ticks(max(sum(v.values()) for _, v in rows))
    peak = scale_to[-1]
    scale = (width - label_w - 60) / peak
    chart = _chart_id(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        _patterns(series, chart),
        *_legend(series, label_w, 14, chart),
        f'<line x1="{label_w}" y1="{plot_bottom}" x2="{label_w + peak * scale:.1f}" '
        f'y2="{plot_bottom}" stroke="#999"/>',
        *(_text(label_w + t * scale, plot_bottom + 12, f"{t:,.0f}") for t in scale_to),
        _text(label_w + peak * scale / 2, plot_bottom + 28, x_title, extra=' class="axis-title"'),
        _text(label_w - 6, top - 4, y_title, anchor="end", extra=' class="axis-title"'),
    ]
    for r, (label, values) in enumerate(rows):
        y = top + r * (bar_h + 6)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        x = float(label_w)
        for i, name in enumerate(series):
            v = values.get(name, 0)
            if v:
                w = v * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" '
                    f'fill="{_fill(chart, i)}"><title>{escape(label)} · {escape(name)}: '
                    f"{v:,.0f}{escape(unit)}</title></rect>"
                )
                x += w
        total = sum(values.values())
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{total:,.0f}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    parts.append(figures(title, rows, series, y_title, unit))
    return Markup("".join(parts))


def columns(
    title: str,
    categories: Sequence[str],
    values: Mapping[str, Mapping[str, float]],
    series: Sequence[str],
    *,
    width: int = 640,
    height: int = 260,
    x_title: str = "",
    y_title: str = "",
) -> Markup:
    """Vertical stacked columns, one per category (e.g. year); values[category][series]; a
    value scale with grid lines on the left, axis titles ``x_title`` and ``y_title``."""
    if not categories:
        return Markup(f'<p class="empty">{escape(title)}: no data.</p>')
    left, top, bottom = 56, 30, 40
    plot_h = height - top - bottom
    scale_to = ticks(max(sum(values.get(c, {}).values()) for c in categories))
    peak = scale_to[-1]
    step = (width - left - 10) / len(categories)
    bar_w = max(min(step * 0.7, 48), 2)
    chart = _chart_id(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        _patterns(series, chart),
        *_legend(series, left, 14, chart),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#999"/>',
    ]
    for t in scale_to:
        y = top + plot_h - t / peak * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#eee"/>'
        )
        parts.append(_text(left - 4, y + 3, f"{t:,.0f}", anchor="end"))
    mid = top + plot_h / 2
    parts.append(
        _text(12, mid, y_title, extra=f' transform="rotate(-90 12 {mid:.1f})" class="axis-title"')
    )
    parts.append(
        _text(left + (width - left - 10) / 2, height - 4, x_title, extra=' class="axis-title"')
    )
    for c, cat in enumerate(categories):
        x = left + c * step + (step - bar_w) / 2
        y = float(top + plot_h)
        for i, name in enumerate(series):
            v = values.get(cat, {}).get(name, 0)
            if v:
                h = v / peak * plot_h
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(chart, i)}"><title>{escape(cat)} · {escape(name)}: '
                    f"{v:,.0f}</title></rect>"
                )
        if len(categories) <= 16 or c % 2 == 0:
            parts.append(_text(x + bar_w / 2, top + plot_h + 14, cat))
    parts.append("</svg>")
    parts.append(figures(title, [(c, values.get(c, {})) for c in categories], series, x_title))
    return Markup("".join(parts))
