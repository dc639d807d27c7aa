"""The after-action report as one self-contained HTML page, charts included.

The charts are PNG images drawn by matplotlib (`core.drill.report_charts`) and embedded
in the page, so it opens in any browser, offline, and a chart can be copied into a
debrief; where matplotlib is not installed they are drawn here as inline SVG. Either
way the same figures always give the same page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from core.drill import report_charts

_COLOURS = ("#1f6fb2", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93")
_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px;
       color: #1d2433; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px;
  border-bottom: 1px solid #ccd; padding-bottom: 4px; }
.sub { color: #556; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ccd; padding: 3px 8px; text-align: right; }
th { background: #eef1f6; } td.l, th.l { text-align: left; }
.good { color: #1b7a3d; font-weight: 600; } .bad { color: #b02a37; font-weight: 600; }
.kpi { display: inline-block; margin: 6px 18px 6px 0; } .kpi b { font-size: 22px;
  display: block; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
img.chart { display: block; max-width: 100%; margin: 8px 0; }
"""


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    s = int(round(value))
    return f"{s // 60}:{s % 60:02d}" if s < 3600 else f"{s // 3600} h {(s % 3600) // 60:02d}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f} %"


def line_chart(title: str, xs: Sequence[float], series: Mapping[str, Sequence[float]],
               y_label: str, width: int = 1000, height: int = 240,
               y_max: float | None = None) -> str:
    """A line chart (an image, else SVG); `xs` in seconds (drawn in hours)."""
    if report_charts.available():
        return report_charts.line_chart(title, xs, series, y_label, width, height, y_max)
    return svg_line_chart(title, xs, series, y_label, width, height, y_max)


def bar_chart(title: str, groups: Sequence[str], series: Mapping[str, Sequence[float | None]],
              width: int = 1000, height: int = 240) -> str:
    """A grouped bar chart of seconds (an image, else SVG)."""
    if report_charts.available():
        return report_charts.bar_chart(title, groups, series, width, height)
    return svg_bar_chart(title, groups, series, width, height)


def svg_line_chart(title: str, xs: Sequence[float], series: Mapping[str, Sequence[float]],
                   y_label: str, width: int = 1000, height: int = 240,
                   y_max: float | None = None) -> str:
    """An SVG line chart; `xs` in seconds (drawn in hours)."""
    left, right, top, bottom = 56, 140, 28, 34
    w, h = width - left - right, height - top - bottom
    x_max = max(xs) if xs else 1.0
    top_y = y_max if y_max is not None else max(
        [max(v) for v in series.values() if len(v)] + [1.0])
    if y_max is None:  # round ticks: a multiple of 4 of 1, 2, 5, 10, 20, 50, ...
        step = next(m * 10 ** e for e in range(0, 7) for m in (1, 2, 5)
                    if 4 * m * 10 ** e >= top_y)
        top_y = 4 * step
    out = [f'<svg width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
           f'<text x="{left}" y="16" font-weight="600">{escape(title)}</text>']
    for k in range(5):
        y = top + h - h * k / 4
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#e3e6ee"/>')
        value = top_y * k / 4
        label = f"{value:.0%}" if y_label == "share" else f"{value:.0f}"
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    hours = max(1, int(x_max // 3600))
    step = max(1, hours // 8)
    for hh in range(0, hours + 1, step):
        x = left + w * (hh * 3600) / (x_max or 1)
        out.append(f'<text x="{x:.1f}" y="{top + h + 18}" text-anchor="middle">{hh} h</text>')
    for n, (name, ys) in enumerate(series.items()):
        colour = _COLOURS[n % len(_COLOURS)]
        pts = " ".join(f"{left + w * x / (x_max or 1):.1f},{top + h - h * y / top_y:.1f}"
                       for x, y in zip(xs, ys, strict=True))
        # Dashes differ, so lines that lie on top of each other stay visible.
        dash = ("", ' stroke-dasharray="8 4"', ' stroke-dasharray="2 4"')[n % 3]
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
                   f'points="{pts}"/>')
        out.append(f'<rect x="{left + w + 14}" y="{top + 18 * n}" width="12" height="12" '
                   f'fill="{colour}"/><text x="{left + w + 32}" y="{top + 18 * n + 11}">'
                   f'{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def svg_bar_chart(title: str, groups: Sequence[str],
                  series: Mapping[str, Sequence[float | None]],
                  width: int = 1000, height: int = 240) -> str:
    """An SVG grouped bar chart of seconds (drawn in minutes)."""
    left, right, top, bottom = 56, 180, 28, 34
    w, h = width - left - right, height - top - bottom
    values = [v for vs in series.values() for v in vs if v is not None]
    top_y = max(values + [60.0]) / 60.0
    step = next(m * 10 ** e for e in range(0, 6) for m in (1, 2, 5) if 4 * m * 10 ** e >= top_y)
    top_y = 4 * step  # round minutes on the axis
    out = [f'<svg width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
           f'<text x="{left}" y="16" font-weight="600">{escape(title)}</text>']
    for k in range(5):
        y = top + h - h * k / 4
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#e3e6ee"/><text x="{0}" y="{1:.1f}" text-anchor="end">'
                   '{2:.0f} min</text>'.format(left - 6, y + 4, top_y * k / 4))
    slot = w / max(1, len(groups))
    bar = slot * 0.8 / max(1, len(series))
    for g, group in enumerate(groups):
        out.append(f'<text x="{left + slot * (g + 0.5):.1f}" y="{top + h + 18}" '
                   f'text-anchor="middle">{escape(group)}</text>')
        for n, vs in enumerate(series.values()):
            v = vs[g]
            if v is None:
                continue
            bh = h * (v / 60.0) / top_y
            x = left + slot * g + slot * 0.1 + bar * n
            out.append(f'<rect x="{x:.1f}" y="{top + h - bh:.1f}" width="{bar - 2:.1f}" '
                       f'height="{bh:.1f}" fill="{_COLOURS[n % len(_COLOURS)]}"/>')
    for n, name in enumerate(series):
        out.append(f'<rect x="{left + w + 14}" y="{top + 18 * n}" width="12" height="12" '
                   f'fill="{_COLOURS[n % len(_COLOURS)]}"/><text x="{left + w + 32}" '
                   f'y="{top + 18 * n + 11}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def _group_table(title: str, groups: Mapping[str, Mapping[str, Any]], head: str) -> str:
    rows = [f"<h2>{escape(title)}</h2><table><tr><th class=l>{escape(head)}</th><th>calls</th>"
            "<th>reached</th><th>dispatch p50</th><th>p90</th><th>max</th>"
            "<th>first arrival p50</th><th>p90</th><th>max</th><th>within standard</th></tr>"]
    for name, g in groups.items():
        d, a = g["to_dispatch_s"], g["to_arrival_s"]
        rows.append(
            f"<tr><td class=l>{escape(name)}</td><td>{g['calls']}</td><td>{g['reached']}</td>"
            f"<td>{_fmt_s(d['p50'])}</td><td>{_fmt_s(d['p90'])}</td><td>{_fmt_s(d['max'])}</td>"
            f"<td>{_fmt_s(a['p50'])}</td><td>{_fmt_s(a['p90'])}</td><td>{_fmt_s(a['max'])}</td>"
            f"<td>{_pct(g['within_standard'])}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _calls_table(title: str, lines: Sequence[Mapping[str, Any]]) -> str:
    if not lines:
        return f"<h2>{escape(title)}</h2><p>None.</p>"
    out = [f"<h2>{escape(title)}</h2><table><tr><th>call</th><th class=l>type</th>"
           "<th>priority</th><th class=l>address</th><th>at</th><th>to dispatch</th>"
           "<th>to first arrival</th><th>standard</th><th>redirected away</th></tr>"]
    for c in lines:
        arrival = _fmt_s(c["to_arrival_s"]) + ("" if c["reached"] else " (not reached)")
        out.append(
            f"<tr><td>#{c['call']}</td><td class=l>{escape(c['type'])}</td>"
            f"<td>{c['priority']}</td><td class=l>{escape(c['address'])}</td>"
            f"<td>{_fmt_s(c['at_s'])}</td><td>{_fmt_s(c['to_dispatch_s'])}</td>"
            f"<td>{arrival}</td><td>{_fmt_s(c['standard_s'])}</td>"
            f"<td>{c['redirected_away']}</td></tr>")
    out.append("</table>")
    return "".join(out)


def run_html(f: Mapping[str, Any]) -> str:
    """The report of one run."""
    ov = f["overall"]
    prios = list(f["by_priority"])
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Drill report: "
        f"{escape(f['scenario'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>After-action report: {escape(f['scenario'])}</h1>",
        f"<p class=sub>Policy <b>{escape(f['policy'])}</b>, seed {f['seed']}, city "
        f"{escape(f['city'])}, {f['simulated_h']:g} h simulated. Times are minutes:seconds "
        "from the call. A call no unit reached counts as waiting to the end.</p>",
        f"<div class=kpi>calls<b>{f['calls']}</b></div>"
        f"<div class=kpi>reached<b>{ov['reached']}</b></div>"
        f"<div class=kpi>within standard<b>{_pct(ov['within_standard'])}</b></div>"
        f"<div class=kpi>first arrival p90<b>{_fmt_s(ov['to_arrival_s']['p90'])}</b></div>"
        f"<div class=kpi>breaches<b>{f['breaches']['count']}</b></div>"
        f"<div class=kpi>redirects<b>{f['decisions']['redirects']}</b></div>"
        f"<div class=kpi>move-ups<b>{f['decisions'].get('move_ups', 0)}</b></div>",
        bar_chart("Call to first arrival by priority (p50, p90, max)",
                  [f"priority {p}" for p in prios],
                  {k: [f["by_priority"][p]["to_arrival_s"][k] for p in prios]
                   for k in ("p50", "p90", "max")}),
        _group_table("By priority", {f"priority {p}": g for p, g in f["by_priority"].items()},
                     "priority"),
        _group_table("By incident type", f["by_type"], "type"),
    ]
    tl = f["timeline"]["samples"]
    xs = [row[0] for row in tl]
    parts.append("<h2>Timeline</h2>")
    parts.append(line_chart("Calls waiting for a unit", xs, {
        "calls waiting": [row[1] for row in tl]}, "count"))
    parts.append(line_chart("Units at work (dispatched, on the way, on scene)", xs, {
        "units busy": [row[2] for row in tl]}, "count"))
    cov = f["coverage"]
    parts.append(line_chart(
        "Grid cells an available unit reaches within 8 min", [r[0] for r in cov["samples"]],
        {cap: [r[n + 1] for r in cov["samples"]] for n, cap in enumerate(cov["columns"][1:])},
        "share", y_max=1.0))
    parts.append("<h2>Unit utilisation</h2><table><tr><th class=l>kind</th><th>units</th>"
                 "<th>mean busy</th><th>busiest</th></tr>")
    for kind, u in f["utilisation"]["by_kind"].items():
        parts.append(f"<tr><td class=l>{escape(kind)}</td><td>{u['units']}</td>"
                     f"<td>{_pct(u['mean'])}</td><td>{_pct(u['max'])}</td></tr>")
    parts.append("</table>")
    parts.append(_calls_table("Longest waits", f["longest_waits"]))
    br = f["breaches"]
    more = ", first listed" if br["count"] > len(br["listed"]) else ""
    parts.append(_calls_table(f"Breaches of the response standard ({br['count']}{more})",
                              br["listed"]))
    dec = f["decisions"]
    parts.append(f"<h2>Decisions explained ({dec['notes']})</h2>")
    if dec["listed"]:
        parts.append("<table><tr><th>at</th><th class=l>why</th></tr>")
        for at, text in dec["listed"]:
            parts.append(f"<tr><td>{_fmt_s(at)}</td><td class=l>{escape(text)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No unit was held back, redirected or moved up.</p>")
    if f["problems"]:
        parts.append("<h2>Scripted events not carried out</h2><ul>" + "".join(
            f"<li>{escape(p)}</li>" for p in f["problems"]) + "</ul>")
    parts.append("<p class=sub>Map data for imported cities: © OpenStreetMap contributors, "
                 "ODbL.</p></body></html>")
    return "\n".join(parts)


def compare_html(c: Mapping[str, Any]) -> str:
    """A comparison of policies, paired by seed."""
    base = c["baseline"]
    others = [p for p in c["policies"] if p != base]
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Policy comparison: "
        f"{escape(c['scenario'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>Policies compared: {escape(c['scenario'])}</h1>",
        f"<p class=sub>Seeds {', '.join(map(str, c['seeds']))}; every policy saw the same "
        f"calls and on-scene times for a seed. Difference = policy minus {escape(base)}, "
        "mean over seeds, with its 95 % confidence interval (paired t). Lower times are "
        "better; higher shares are better.</p>",
        "<table><tr><th class=l>measure</th>" + "".join(
            f"<th>{escape(p)}</th>" for p in c["policies"]) + "".join(
            f"<th>{escape(p)} - {escape(base)}</th><th>95 % CI</th><th>relative</th>"
            for p in others) + "</tr>"]
    for row in c["rows"]:
        share = "standard" in row["measure"] or "coverage" in row["measure"]
        fmt = _pct if share else _fmt_s
        cells = [f"<td class=l>{escape(row['measure'])}</td>"]
        cells += [f"<td>{fmt(row['mean'][p])}</td>" for p in c["policies"]]
        for p in others:
            v = row["vs"].get(p)
            if v is None:
                cells.append("<td>-</td><td>-</td><td>-</td>")
                continue
            lo, hi = v["ci95"]
            better = (lo > 0) if share else (hi < 0)
            worse = (hi < 0) if share else (lo > 0)
            cls = " class=good" if better else " class=bad" if worse else ""
            d = (f"{v['diff'] * 100:+.1f} pts" if share else f"{v['diff']:+.0f} s")
            ci = (f"[{lo * 100:+.1f}, {hi * 100:+.1f}]" if share else f"[{lo:+.0f}, {hi:+.0f}]")
            rel = "-" if v["relative"] is None else f"{v['relative'] * 100:+.1f} %"
            cells.append(f"<td{cls}>{d}</td><td>{ci}</td><td>{rel}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    prios = sorted({p for runs in c["runs"].values() for f in runs.values()
                    for p in f["by_priority"]})

    def mean_of(policy: str, p: str, key: str) -> float | None:
        vals = [f["by_priority"][p]["to_arrival_s"][key] for f in c["runs"][policy].values()
                if p in f["by_priority"]]
        vals = [v for v in vals if v is not None]
        return sum(vals) / len(vals) if vals else None

    for key in ("p90", "max"):
        parts.append(bar_chart(f"Call to first arrival, {key}, mean over seeds",
                               [f"priority {p}" for p in prios],
                               {pol: [mean_of(pol, p, key) for p in prios]
                                for pol in c["policies"]}))
    parts.append("</body></html>")
    return "\n".join(parts)
