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

from markupsafe import Markup

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
ACCENT = "#2f5dab"
WARN = "#b45309"  # disputed rows
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


def _wrap(text: str, chars: int, lines: int) -> list[str]:
    """Greedy word wrap into at most ``lines`` lines of ``chars``; the last line gets an ellipsis."""
    words, out, cur = " ".join(text.split()).split(" "), [], ""
    for k, w in enumerate(words):
        if cur and len(cur) + 1 + len(w) > chars:
            out.append(cur)
            cur = w
            if len(out) == lines:
                rest = " ".join([out.pop()] + words[k:])
                out.append(_short(rest, chars))
                return out
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        out.append(_short(cur, chars))
    return out[:lines]


def _source_note(p: dict[str, Any]) -> str:
    """Where a passage comes from, naming captions and titles as such (they are not body text)."""
    field = p.get("field", "text")
    where = {"caption": "photo caption", "title": "headline"}.get(field, "")
    return f"{_short(str(p.get('outlet', '')), 26)}{', ' + where if where else ''}"


def timeline_svg(timeline: list[dict[str, Any]], width: int = 760) -> str:
    """A vertical timeline: one row per dated event, dot size = independent outlets reporting it.

    Rows are in date order but evenly spaced (events cluster around the news day while the
    background reaches back decades, so a linear time axis would crush the story itself);
    a dashed segment with "+N years" marks each jump of more than a year.
    """
    if not timeline:
        return ""
    x_line, x_text, x_right = 118, 138, width - 6
    chars = int((x_right - 70 - x_text) / 6.3)
    line_h, pad, gap_h, head = 15, 9, 16, 26
    max_out = max(e.get("independent_outlets", 1) for e in timeline) or 1
    rows: list[tuple[dict[str, Any], list[str], float, float]] = []  # entry, lines, y_top, gap_before
    y = float(head)
    prev = None
    for e in timeline:
        start = e.get("start") or e["date"]
        gap = 0.0
        if prev is not None:
            try:
                years = int(start[:4]) - int(prev[:4])
            except ValueError:
                years = 0
            if years > 1:
                gap = gap_h
        y += gap
        label = e.get("label", {}) or {}
        lines = _wrap(label.get("text", ""), chars, 2)  # the source note names captions
        src = _source_note(label)
        room = chars - len(src) - 3
        if len(lines[-1]) > room:  # keep the outlet on the last line: shorten it or add a line
            if len(lines) < 2:
                lines.append("")
            else:
                lines[-1] = _short(lines[-1], room)
        rows.append((e, lines, y, gap))
        y += pad * 2 + line_h * len(lines)
        prev = e.get("end") or start
    height = int(y + 30)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Timeline of {len(timeline)} dated events" style="{FONT};font-size:12px">',
        f'<text x="{x_line - 14}" y="14" text-anchor="end" fill="{MUTED}" font-size="11" font-weight="600">DATE</text>',
        f'<text x="{x_text}" y="14" fill="{MUTED}" font-size="11" font-weight="600">EVENT — shortest verbatim passage, with its outlet</text>',
        f'<text x="{x_right}" y="14" text-anchor="end" fill="{MUTED}" font-size="11" font-weight="600">OUTLETS</text>',
        f'<line x1="{x_line}" y1="{head - 4}" x2="{x_line}" y2="{height - 30}" stroke="{LINE}" stroke-width="2"/>',
    ]
    prev_date = None
    for k, (e, lines, top, gap) in enumerate(rows):
        if gap:
            prev_start = rows[k - 1][0].get("end") or rows[k - 1][0]["date"]
            yrs = int((e.get("start") or e["date"])[:4]) - int(prev_start[:4])
            g0 = top - gap
            parts.append(f'<line x1="{x_line}" y1="{g0}" x2="{x_line}" y2="{top}" stroke="#fafbfc" stroke-width="3"/>')
            parts.append(f'<line x1="{x_line}" y1="{g0}" x2="{x_line}" y2="{top}" stroke="#9aa3b2" stroke-width="2" stroke-dasharray="2 3"/>')
            parts.append(f'<text x="{x_line - 14}" y="{g0 + gap / 2 + 4}" text-anchor="end" fill="#9aa3b2" font-size="10" font-style="italic">+{yrs} years</text>')
        n = e.get("independent_outlets", 1)
        r = 3.5 + 5 * (n / max_out)
        label = e.get("label", {}) or {}
        outlets = ", ".join(e.get("outlets", []))
        cy = top + pad + line_h / 2 + 1
        tip = (f"{format_date(e['date'])} — {n} independent outlet(s): {outlets}"
               + (f"; disputed: {', '.join(e.get('disputed') or [])}" if e.get("disputed") else "") + "\n"
               f"“{label.get('text', '')}” ({_source_note(label)})")
        parts.append("<g>")
        parts.append(f"<title>{_e(tip)}</title>")
        if k % 2 == 0:
            parts.append(f'<rect x="0" y="{top}" width="{width}" height="{pad * 2 + line_h * len(lines)}" fill="#f3f5f9"/>')
        same = e["date"] == prev_date
        date_fill = "#b3bac6" if same else "#1d2330"
        parts.append(f'<text x="{x_line - 14}" y="{cy + 4}" text-anchor="end" fill="{date_fill}" font-weight="600">{_e(format_date(e["date"]))}</text>')
        prev_date = e["date"]
        color = ACCENT if n > 1 else "#9aa3b2"
        parts.append(f'<circle cx="{x_line}" cy="{cy}" r="{r:.1f}" fill="{color}" stroke="#fff" stroke-width="1.5"/>')
        src = _source_note(label)
        for j, text in enumerate(lines):
            tail = f'<tspan fill="{MUTED}" font-size="11"> — {_e(src)}</tspan>' if j == len(lines) - 1 else ""
            parts.append(f'<text x="{x_text}" y="{top + pad + line_h * (j + 1) - 3}" fill="#1d2330">{_e(text)}{tail}</text>')
        parts.append(f'<text x="{x_right}" y="{cy + 4}" text-anchor="end" fill="{color if n > 1 else MUTED}" font-weight="600">{n}</text>')
        disputed = e.get("disputed") or []
        if disputed:  # the row merges passages from a conflict's sides: say so where it is read
            parts.append(f'<text x="{x_right - 18}" y="{cy + 4}" text-anchor="end" fill="{WARN}" font-size="11" '
                         f'font-weight="600">⚠ {_e(",".join(disputed))}</text>')
        parts.append("</g>")
    ly = height - 12
    parts.append(f'<circle cx="{x_text + 5}" cy="{ly - 4}" r="6" fill="{ACCENT}"/>')
    parts.append(f'<text x="{x_text + 16}" y="{ly}" fill="{MUTED}" font-size="11">2+ independent outlets</text>')
    parts.append(f'<circle cx="{x_text + 165}" cy="{ly - 4}" r="4" fill="#9aa3b2"/>')
    parts.append(f'<text x="{x_text + 175}" y="{ly}" fill="{MUTED}" font-size="11">one outlet · dot size = outlets · ⚠ C1: disputed, see the conflicts</text>')
    parts.append("</svg>")
    return "".join(parts)


METRICS = (
    ("attributed_share", "Statements attributed", lambda v: f"{100 * v:.0f}%"),
    ("loaded_per_1k", "Loaded words / 1,000", lambda v: f"{v:.1f}"),
    ("quoted_voices", "Voices quoted", lambda v: f"{v:.0f}"),
)


def outlets_svg(table: list[dict[str, Any]], width: int = 760) -> str:
    """Small multiples: one panel per measure, one bar per outlet (no combined score).

    Each panel has its own scale (they measure different things), with the panel's maximum
    printed under its title so bars are not compared across panels by mistake.
    """
    if not table:
        return ""
    label_w, gap = 196, 22
    panel_w = (width - label_w - gap * len(METRICS)) / len(METRICS)
    bar_h, row = 14, 24
    top = 44
    height = top + row * len(table) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart outlets" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Outlet comparison" style="{FONT};font-size:12px">',
    ]
    for k, r in enumerate(table):
        y = top + row * k
        if k % 2 == 0:
            parts.append(f'<rect x="0" y="{y - 5}" width="{width}" height="{row}" fill="#f3f5f9"/>')
        name = str(r["outlet"])
        parts.append(f'<text x="{label_w - 10}" y="{y + bar_h - 3}" text-anchor="end" fill="#1d2330">'
                     f'<title>{_e(name)}</title>{_e(_short(name, 26))}</text>')
    for m, (key, title, fmt) in enumerate(METRICS):
        x0 = label_w + m * (panel_w + gap)
        vals = [float(r.get(key, 0) or 0) for r in table]
        vmax = max(vals) or 1.0
        parts.append(f'<text x="{x0}" y="14" fill="#1d2330" font-size="12" font-weight="600">{_e(title)}</text>')
        parts.append(f'<text x="{x0}" y="29" fill="{MUTED}" font-size="10">own scale, max {_e(fmt(max(vals)))}</text>')
        parts.append(f'<line x1="{x0}" y1="{top - 8}" x2="{x0}" y2="{height - 4}" stroke="#9aa3b2"/>')
        for k, (r, v) in enumerate(zip(table, vals)):
            y = top + row * k
            w = max(1.5, (panel_w - 44) * v / vmax) if v else 0.0
            parts.append("<g>")
            parts.append(f"<title>{_e(r['outlet'])}: {_e(title)} = {_e(fmt(v))}</title>")
            if w:
                parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[m % len(PALETTE)]}" rx="2"/>')
            parts.append(f'<text x="{x0 + w + 5:.1f}" y="{y + bar_h - 3}" fill="{"#1d2330" if v else MUTED}" font-size="11">{_e(fmt(v))}</text>')
            parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def coverage_svg(comparison: dict[str, Any], width: int = 760, max_facts: int = 12) -> str:
    """Who reports what: corroborated facts (rows) x outlets (columns).

    A filled dot means the outlet states the fact in its own voice, a ring that it attributes
    it to a source, nothing that it does not report it; disputed facts are flagged. This is
    the at-a-glance version of the "Key facts" table, which carries the cited passages.
    """
    facts = {f["id"]: f for f in comparison.get("facts", [])}
    rows = [facts[i] for i in comparison.get("briefing", {}).get("key_facts", []) if i in facts][:max_facts]
    outlets = list(comparison.get("outlets", []))
    if not rows or not outlets:
        return ""
    col = min(48, max(30, int((width - 420) / len(outlets))))
    x0 = width - col * len(outlets) - 70  # room on the right for the slanted outlet names
    chars = int((x0 - 34) / 6.3)
    wrapped = [_wrap(f.get("text", ""), chars, 2) for f in rows]
    head, row = 96, 38 if any(len(w) > 1 for w in wrapped) else 22
    height = head + row * len(rows) + 26
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart coverage" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="Which outlets report the {len(rows)} corroborated facts" style="{FONT};font-size:12px">',
        f'<text x="0" y="{head - 8}" fill="{MUTED}" font-size="11" font-weight="600">CORROBORATED FACT</text>',
    ]
    for j, o in enumerate(outlets):
        cx = x0 + col * j + col / 2
        parts.append(f'<text transform="translate({cx + 4:.1f},{head - 8}) rotate(-40)" fill="#1d2330" font-size="11">'
                     f'<title>{_e(o)}</title>{_e(_short(str(o), 22))}</text>')
    for k, f in enumerate(rows):
        y = head + row * k
        cy = y + row / 2
        if k % 2 == 0:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row}" fill="#f3f5f9"/>')
        flag = "⚠ " if f.get("conflicts") else ""
        lines = wrapped[k]
        parts.append(f'<text x="0" y="{cy + 4 - 7.5 * (len(lines) - 1)}" fill="{MUTED}"><title>{_e(f.get("text", ""))}</title>{k + 1}.</text>')
        for j, text in enumerate(lines):
            parts.append(f'<text x="24" y="{cy + 4 + 15 * j - 7.5 * (len(lines) - 1)}" fill="#1d2330">'
                         f'<title>{_e(f.get("text", ""))}</title>{_e(flag if j == 0 else "")}{_e(text)}</text>')
        stance = {b["outlet"]: b for b in f.get("by_outlet", [])}
        for j, o in enumerate(outlets):
            cx = x0 + col * j + col / 2
            b = stance.get(o)
            if not b:
                parts.append(f'<circle cx="{cx:.1f}" cy="{cy}" r="1.5" fill="#c9cfd9"/>')
                continue
            srcs = ", ".join(b.get("sources", []))
            tip = f"{o} {b.get('stance', '')}{': ' + srcs if srcs else ''} — “{f.get('text', '')}”"
            if b.get("stance") == "attributes":
                mark = f'<circle cx="{cx:.1f}" cy="{cy}" r="5.5" fill="#fff" stroke="{ACCENT}" stroke-width="2"/>'
            else:
                mark = f'<circle cx="{cx:.1f}" cy="{cy}" r="6" fill="{ACCENT}"/>'
            parts.append(f"<g><title>{_e(tip)}</title>{mark}</g>")
    ly = height - 8
    parts.append(f'<circle cx="6" cy="{ly - 4}" r="6" fill="{ACCENT}"/>')
    parts.append(f'<text x="18" y="{ly}" fill="{MUTED}" font-size="11">states it in its own voice</text>')
    parts.append(f'<circle cx="186" cy="{ly - 4}" r="5.5" fill="#fff" stroke="{ACCENT}" stroke-width="2"/>')
    parts.append(f'<text x="198" y="{ly}" fill="{MUTED}" font-size="11">attributes it to a source · ⚠ disputed · numbers match the Key facts table</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_charts(comparison: dict[str, Any]) -> dict[str, Markup]:
    """All charts for one story comparison, as inline SVG (empty when nothing to draw).

    ``Markup`` because every text and attribute drawn from the comparison goes through
    :func:`_e` above; the templates insert these as they are, never with ``|safe``.
    """
    if not comparison:
        return {"coverage": Markup(""), "timeline": Markup(""), "outlets": Markup("")}
    return {
        "coverage": Markup(coverage_svg(comparison)),
        "timeline": Markup(timeline_svg(comparison.get("timeline", []))),
        "outlets": Markup(outlets_svg(comparison.get("framing", {}).get("table", []))),
    }
