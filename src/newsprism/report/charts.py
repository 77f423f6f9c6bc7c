"""Inline SVG charts for a story comparison: a timeline and an outlet comparison.

Plain SVG strings, no JavaScript and no CDN, so the HTML report stays one self-contained file
that opens offline. Hand-written rather than matplotlib/plotly: two simple charts do not
justify a plotting dependency, and text in SVG stays selectable and searchable. Every mark
carries a ``<title>`` with the verbatim passage or the exact figure behind it.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
ACCENT = "#2f5dab"
MUTED = "#5b6475"
LINE = "#dde2ea"
PALETTE = ["#2f5dab", "#c8553d", "#3a9d5d", "#8e5ea2", "#d39b1d", "#2a9bb7", "#7a7f87"]


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def format_date(value: str) -> str:
    """'2024-06-18' -> '18 Jun 2024', '2024-06' -> 'Jun 2024', intervals joined with an en dash."""
    if "/" in value:
        a, b = value.split("/", 1)
        if len(a) == len(b) == 10 and a[:7] == b[:7]:
            return f"{int(a[8:])}–{format_date(b)}"  # 10–16 Jun 2024
        return f"{format_date(a)} – {format_date(b)}"
    try:
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            return f"{d.day} {d:%b %Y}"
        if len(value) == 7:
            d = dt.date.fromisoformat(value + "-01")
            return f"{d:%b %Y}"
    except ValueError:
        return value
    return value


def timeline_svg(timeline: list[dict[str, Any]], width: int = 760) -> str:
    """A vertical timeline: one row per entry, dot size = independent outlets reporting it."""
    if not timeline:
        return ""
    row, top = 30, 16
    height = top * 2 + row * len(timeline)
    x_line = 150
    chars = int((width - x_line - 50) / 6.6)
    max_out = max(e.get("independent_outlets", 1) for e in timeline) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Timeline of {len(timeline)} dated events" style="{FONT};font-size:12px">',
        f'<line x1="{x_line}" y1="{top}" x2="{x_line}" y2="{height - top}" stroke="{LINE}" stroke-width="2"/>',
    ]
    prev_year = None
    for k, e in enumerate(timeline):
        y = top + row * k + row / 2
        year = e.get("start", e["date"])[:4]
        if prev_year is not None and int(year) - int(prev_year) > 1:
            parts.append(f'<text x="{x_line - 6}" y="{y - row / 2 + 4}" text-anchor="end" fill="{MUTED}" font-size="10">⋮</text>')
        prev_year = year
        n = e.get("independent_outlets", 1)
        r = 4 + 5 * (n / max_out)
        label = e.get("label", {}).get("text", "")
        outlets = ", ".join(e.get("outlets", []))
        tip = f"{format_date(e['date'])} — {n} independent outlet(s): {outlets}\n“{label}”"
        parts.append("<g>")
        parts.append(f"<title>{_e(tip)}</title>")
        parts.append(f'<text x="{x_line - 14}" y="{y + 4}" text-anchor="end" fill="{MUTED}">{_e(format_date(e["date"]))}</text>')
        color = ACCENT if n > 1 else "#9aa3b2"
        parts.append(f'<circle cx="{x_line}" cy="{y}" r="{r:.1f}" fill="{color}"/>')
        parts.append(f'<text x="{x_line + 16}" y="{y + 4}" fill="#1d2330">{_e(_short(label, chars))}</text>')
        parts.append(f'<text x="{width - 4}" y="{y + 4}" text-anchor="end" fill="{MUTED}" font-size="11">{n}×</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


METRICS = (
    ("attributed_share", "Statements attributed", lambda v: f"{100 * v:.0f}%"),
    ("loaded_per_1k", "Loaded words / 1,000", lambda v: f"{v:.1f}"),
    ("quoted_voices", "Voices quoted", lambda v: f"{v:.0f}"),
)


def outlets_svg(table: list[dict[str, Any]], width: int = 760) -> str:
    """Small multiples: one panel per measure, one bar per outlet (no combined score)."""
    if not table:
        return ""
    label_w, gap = 175, 18
    panel_w = (width - label_w - gap * len(METRICS)) / len(METRICS)
    bar_h, row = 14, 22
    top = 34
    height = top + row * len(table) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart outlets" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Outlet comparison" style="{FONT};font-size:12px">',
    ]
    for k, r in enumerate(table):
        y = top + row * k
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 3}" text-anchor="end" fill="#1d2330">{_e(_short(r["outlet"], 24))}</text>')
    for m, (key, title, fmt) in enumerate(METRICS):
        x0 = label_w + m * (panel_w + gap)
        vals = [float(r.get(key, 0) or 0) for r in table]
        vmax = max(vals) or 1.0
        parts.append(f'<text x="{x0}" y="14" fill="{MUTED}" font-size="11">{_e(title)}</text>')
        parts.append(f'<line x1="{x0}" y1="{top - 6}" x2="{x0}" y2="{height - 6}" stroke="{LINE}"/>')
        for k, (r, v) in enumerate(zip(table, vals)):
            y = top + row * k
            w = max(1.0, (panel_w - 40) * v / vmax) if v else 0.0
            parts.append("<g>")
            parts.append(f"<title>{_e(r['outlet'])}: {_e(title)} = {_e(fmt(v))}</title>")
            parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[m % len(PALETTE)]}" rx="2"/>')
            parts.append(f'<text x="{x0 + w + 4:.1f}" y="{y + bar_h - 3}" fill="{MUTED}" font-size="11">{_e(fmt(v))}</text>')
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def render_charts(comparison: dict[str, Any]) -> dict[str, str]:
    """All charts for one story comparison, as inline SVG strings (empty when nothing to draw)."""
    if not comparison:
        return {"timeline": "", "outlets": ""}
    return {
        "timeline": timeline_svg(comparison.get("timeline", [])),
        "outlets": outlets_svg(comparison.get("framing", {}).get("table", [])),
    }
