"""Server-rendered SVG charts for the pages and the board report (matplotlib, no script).

Each chart carries a ``<title>`` and a ``<desc>`` text alternative naming every value, and the page
shows the same numbers as a table beside it. A hidden (suppressed) value is a gap in the line,
never drawn, so a chart can show nothing a table withholds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")  # no display: render to SVG on the server
import matplotlib.pyplot as plt

plt.rcParams.update(
    {"svg.fonttype": "none", "font.size": 10, "font.family": "sans-serif", "svg.hashsalt": "jigsaw"}
)

GOVUK_BLUE, GOVUK_GREY = "#1d70b8", "#505a5f"


def describe(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str,
    benchmark: tuple[str, float] | None = None,
) -> str:
    """The chart's text alternative: every value in words (a hidden one says so)."""
    shown = "; ".join(
        f"{lab}: {'hidden' if v is None else f'{v:,.1f}'}" for lab, v in zip(labels, values, strict=True)
    )
    desc = f"{title}, {unit}, by period. {shown}."
    if benchmark is not None:
        desc += f" Dashed line: {benchmark[0]} {benchmark[1]:,.1f}."
    return desc


def line(
    key: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str,
    benchmark: tuple[str, float] | None = None,
) -> str:
    """An accessible SVG line chart of ``values`` (None: a gap), with an optional benchmark line."""
    fig, ax = plt.subplots(figsize=(6.4, 2.6), dpi=72)
    xs = list(range(len(labels)))
    ys = [float("nan") if v is None else v for v in values]
    ax.plot(xs, ys, marker="o", color=GOVUK_BLUE, linewidth=2, label="This partnership")
    if benchmark is not None:
        ax.axhline(benchmark[1], color=GOVUK_GREY, linestyle="--", linewidth=1.5, label=benchmark[0])
        ax.legend(loc="best", frameon=False, fontsize=8)
    ax.set_xticks(xs, labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(unit, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    desc = describe(title, labels, values, unit, benchmark)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)
    head_end = svg.index(">") + 1
    opening = f'<svg role="img" aria-labelledby="{key}-t {key}-d" style="max-width:100%;height:auto"'
    return (
        svg[:head_end].replace("<svg", opening, 1)
        + f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(desc)}</desc>'
        + svg[head_end:]
    )
