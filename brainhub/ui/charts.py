"""Server-rendered SVG charts: a sparkline, a bar chart and a line chart.

Each returns safe markup for a template. Marks carry the class ``mark`` (and the bars a
``title`` with the exact value), so a page with data always has something to point at.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#2f6fde", "#d9480f", "#2b8a3e", "#9c36b5", "#e67700", "#0b7285", "#c2255c")


def _empty(width: int, height: int, text: str) -> Markup:
    return Markup(  # noqa: S704 - every text in it is escaped
        f'<svg class="chart empty" width="{width}" height="{height}" role="img">'
        f'<text x="4" y="{height / 2 + 4:.0f}">{escape(text)}</text></svg>'
    )


def sparkline(values: Sequence[float], width: int = 120, height: int = 24) -> Markup:
    """A line through ``values`` (oldest first), scaled to the largest; a dot for one value."""
    if not values:
        return _empty(width, height, "no runs")
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    points = [
        (i * step if len(values) > 1 else width / 2, height - 2 - (v / top) * (height - 4))
        for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    last_x, last_y = points[-1]
    return Markup(  # noqa: S704 - numbers only
        f'<svg class="chart spark" width="{width}" height="{height}" role="img" '
        f'aria-label="records per run, last {len(values)} runs">'
        f'<polyline class="mark" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5" '
        f'points="{path}"/><circle class="mark" cx="{last_x:.1f}" cy="{last_y:.1f}" r="2" '
        f'fill="{PALETTE[0]}"><title>{values[-1]:,.0f}</title></circle></svg>'
    )


def bar_chart(
    bars: Sequence[tuple[str, float, str]],
    *,
    title: str,
    width: int = 640,
    height: int = 160,
    limit: float | None = None,
    unit: str = "",
) -> Markup:
    """Bars ``(label, value, css class)`` left to right, with an optional dashed ``limit``."""
    if not bars:
        return _empty(width, height, f"{title}: no data")
    top = max([*(v for _, v, _ in bars), limit or 0]) or 1
    left, bottom = 48, 18
    plot_h = height - bottom - 14
    step = (width - left) / len(bars)
    parts = [
        f'<svg class="chart bars" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><text class="title" x="{left}" y="10">{escape(title)}</text>',
        f'<text class="axis" x="{left - 4}" y="18" text-anchor="end">{top:,.0f}{escape(unit)}</text>',
        f'<text class="axis" x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for i, (label, value, css) in enumerate(bars):
        h = (value / top) * plot_h
        bar = min(max(step * 0.8, 1), 40)
        x = left + i * step + (step - bar) / 2
        parts.append(
            f'<rect class="mark {escape(css)}" x="{x:.1f}" '
            f'y="{height - bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}: {value:,.1f}{escape(unit)}</title></rect>"
        )
    if limit:
        y = height - bottom - (limit / top) * plot_h
        parts.append(
            f'<line class="limit" x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#c92a2a" stroke-dasharray="4 3"><title>limit {limit:,.0f}</title></line>'
        )
    parts.append(
        f'<text class="axis" x="{left}" y="{height - 4}">{escape(bars[0][0])}</text>'
        f'<text class="axis" x="{width}" y="{height - 4}" text-anchor="end">'
        f"{escape(bars[-1][0])}</text></svg>"
    )
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped


def line_chart(
    series: dict[str, Sequence[tuple[str, float]]],
    *,
    title: str,
    width: int = 640,
    height: int = 160,
    unit: str = "",
) -> Markup:
    """One line per named series of ``(x label, value)`` points over shared x labels."""
    labels = sorted({x for points in series.values() for x, _ in points})
    if not labels:
        return _empty(width, height, f"{title}: no data")
    top = max(v for points in series.values() for _, v in points) or 1
    left, bottom = 48, 18
    plot_h = height - bottom - 14
    step = (width - left - 8) / max(len(labels) - 1, 1)
    where = {x: i for i, x in enumerate(labels)}
    parts = [
        f'<svg class="chart lines" width="{width}" height="{height + 16 * len(series)}" '
        f'role="img" aria-label="{escape(title)}">'
        f'<text class="title" x="{left}" y="10">{escape(title)}</text>'
        f'<text class="axis" x="{left - 4}" y="18" text-anchor="end">{top:,.2f}{escape(unit)}</text>'
        f'<text class="axis" x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>'
    ]
    for n, (name, points) in enumerate(sorted(series.items())):
        colour = PALETTE[n % len(PALETTE)]
        coords = [(left + where[x] * step, height - bottom - (v / top) * plot_h) for x, v in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline class="mark" fill="none" stroke="{colour}" stroke-width="1.5" '
            f'points="{path}"><title>{escape(name)}</title></polyline>'
        )
        parts.extend(
            f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
            f"<title>{escape(name)} {escape(label)}: {v:,.2f}{escape(unit)}</title></circle>"
            for (x, y), (label, v) in zip(coords, points, strict=True)
        )
        parts.append(
            f'<text class="legend" x="{left}" y="{height + 12 + 16 * n}" fill="{colour}">'
            f"■ {escape(name)}</text>"
        )
    parts.append(
        f'<text class="axis" x="{left}" y="{height - 4}">{escape(labels[0])}</text>'
        f'<text class="axis" x="{width - 8}" y="{height - 4}" text-anchor="end">'
        f"{escape(labels[-1])}</text></svg>"
    )
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped
