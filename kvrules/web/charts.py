"""Small stacked bar charts as inline SVG, drawn on the server: no JavaScript and no CDN, so
the board report works offline and in any mail client that opens HTML."""

from __future__ import annotations

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


def _legend(series: Sequence[str], x: float, y: float) -> list[str]:
    out, cx = [], x
    for i, name in enumerate(series):
        out.append(
            f'<rect x="{cx:.0f}" y="{y - 9:.0f}" width="10" height="10" fill="{colour(name, i)}"/>'
        )
        out.append(f'<text x="{cx + 14:.0f}" y="{y:.0f}" font-size="11">{escape(name)}</text>')
        cx += 24 + 7 * len(name)
    return out


def bars(
    title: str,
    rows: Sequence[tuple[str, Mapping[str, float]]],
    series: Sequence[str],
    *,
    width: int = 640,
    unit: str = "",
) -> Markup:
    """Horizontal stacked bars, one row per label."""
    if not rows:
        return Markup(f'<p class="empty">{escape(title)}: no data.</p>')
    label_w, bar_h, top = 190, 18, 34
    height = top + len(rows) * (bar_h + 6) + 8
    peak = max(sum(v.values()) for _, v in rows) or 1
    scale = (width - label_w - 60) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        *_legend(series, label_w, 14),
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
                    f'fill="{colour(name, i)}"><title>{escape(label)} · {escape(name)}: '
                    f"{v:,.0f}{escape(unit)}</title></rect>"
                )
                x += w
        total = sum(values.values())
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{total:,.0f}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(
    title: str,
    categories: Sequence[str],
    values: Mapping[str, Mapping[str, float]],
    series: Sequence[str],
    *,
    width: int = 640,
    height: int = 240,
) -> Markup:
    """Vertical stacked columns, one per category (e.g. year); values[category][series]."""
    if not categories:
        return Markup(f'<p class="empty">{escape(title)}: no data.</p>')
    left, top, bottom = 40, 30, 24
    plot_h = height - top - bottom
    peak = max(sum(values.get(c, {}).values()) for c in categories) or 1
    step = (width - left - 10) / len(categories)
    bar_w = max(min(step * 0.7, 48), 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        *_legend(series, left, 14),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">{peak:,.0f}</text>',
    ]
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
                    f'fill="{colour(name, i)}"><title>{escape(cat)} · {escape(name)}: '
                    f"{v:,.0f}</title></rect>"
                )
        if len(categories) <= 16 or c % 2 == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 8}" font-size="10" '
                f'text-anchor="middle">{escape(cat)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
