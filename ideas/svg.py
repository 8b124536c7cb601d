"""Bar charts drawn on the server as SVG (no JavaScript, readable by screen readers through
the table printed beside each chart). Text is escaped; sizes are fixed so the chart
scales with `viewBox` down to 360 px."""

from __future__ import annotations

from html import escape

WIDTH = 600
ROW = 26
LABEL_W = 200


def bar_chart(rows: list[tuple[str, int]], title: str) -> str:
    """Horizontal bars, one per (label, value), longest bar = largest value."""
    top = max((v for _, v in rows), default=0) or 1
    height = max(ROW, ROW * len(rows)) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        bar = int((WIDTH - LABEL_W - 60) * value / top)
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 17}" text-anchor="end" font-size="13">'
            f"{escape(short)}</text>"
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{bar}" height="{ROW - 8}" fill="#2a6fdb"/>'
            f'<text x="{LABEL_W + bar + 6}" y="{y + 17}" font-size="13">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
