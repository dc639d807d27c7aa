"""The after-action report's charts as PNG images (matplotlib, Agg), embedded in the HTML.

An image survives being copied into a debrief's slides or e-mail, which inline SVG does
not. matplotlib is used through its object API with the Agg canvas only (no pyplot, no
GUI backend, nothing of Qt), and the PNG carries no software or date metadata, so the
same figures give the same bytes. `available()` is False where matplotlib is not
installed; `core.drill.report_html` then draws its own SVG.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from html import escape

COLOURS = ("#1f6fb2", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93")
DPI = 100
_STYLES = ("-", "--", ":")  # lines that lie on top of each other stay visible


def available() -> bool:
    """True when matplotlib can be imported here."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(width: int, height: int):  # noqa: ANN202 - matplotlib.figure.Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _img(fig, title: str) -> str:  # noqa: ANN001
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<img class=chart src="data:image/png;base64,{data}" alt="{escape(title)}" '
            f'title="{escape(title)}">')


def _style(ax, title: str) -> None:  # noqa: ANN001
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", color="#1d2433")
    ax.grid(axis="y", color="#e3e6ee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def line_chart(title: str, xs: Sequence[float], series: Mapping[str, Sequence[float]],
               y_label: str, width: int = 1000, height: int = 240,
               y_max: float | None = None) -> str:
    """A line chart as an `<img>`; `xs` in seconds (drawn in hours); `y_label` "share"
    draws 0-100 %."""
    fig = _figure(width, height)
    ax = fig.add_subplot()
    hours = [x / 3600 for x in xs]
    for n, (name, ys) in enumerate(series.items()):
        ax.plot(hours, list(ys), color=COLOURS[n % len(COLOURS)],
                linestyle=_STYLES[n % len(_STYLES)], linewidth=2, label=name)
    _style(ax, title)
    ax.set_xlabel("hours into the drill")
    if y_label == "share":
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax.set_ylabel(y_label)
    ax.set_ylim(0, y_max if y_max is not None else None)
    ax.set_xlim(0, max([*hours, 0.0]) or 1.0)  # a report at the start has one sample
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return _img(fig, title)


def bar_chart(title: str, groups: Sequence[str], series: Mapping[str, Sequence[float | None]],
              width: int = 1000, height: int = 240) -> str:
    """A grouped bar chart of seconds (drawn in minutes) as an `<img>`."""
    fig = _figure(width, height)
    ax = fig.add_subplot()
    n_series = max(1, len(series))
    bar = 0.8 / n_series
    for n, (name, values) in enumerate(series.items()):
        xs = [g - 0.4 + bar * (n + 0.5) for g in range(len(groups))]
        ax.bar(xs, [(v or 0.0) / 60.0 for v in values], width=bar * 0.95,
               color=COLOURS[n % len(COLOURS)], label=name)
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_ylabel("minutes")
    _style(ax, title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return _img(fig, title)
