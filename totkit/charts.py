"""Charts as SVG text, drawn with matplotlib (imported on first use, off-screen backend)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from totkit.i18n import t

if TYPE_CHECKING:
    from totkit.diagnostic import DiagnosticResult
    from totkit.instrument import Instrument

BAND_COLOURS = ("#fde2e1", "#fff4d6", "#e3f4e1", "#dcecf9")
BAR = "#3b6ea8"
WEAKEST = "#c0392b"


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small and searchable
    import matplotlib.pyplot as plt

    return plt


def readiness_chart(instrument: Instrument, result: DiagnosticResult, lang: str) -> str:
    """Horizontal bars of the dimension scores over the bands; the weakest link in red."""
    plt = _pyplot()
    names = [dim.name(lang) for dim in instrument.dimensions]
    scores = [dim.score for dim in result.dimensions]
    figure, axes = plt.subplots(figsize=(6.4, 0.42 * len(names) + 1.0))
    try:
        bounds = [band.lower for band in instrument.bands] + [100]
        for n, band in enumerate(instrument.bands):
            axes.axvspan(bounds[n], bounds[n + 1], color=BAND_COLOURS[n % len(BAND_COLOURS)],
                         zorder=0, label=band.name(lang))
        positions = range(len(names))
        colours = [WEAKEST if dim.id in result.weakest else BAR for dim in result.dimensions]
        axes.barh(positions, [s or 0 for s in scores], color=colours, zorder=2, height=0.6)
        for y, value in zip(positions, scores, strict=True):
            label = "–" if value is None else f"{value:g}"
            axes.text((value or 0) + 1, y, label, va="center", fontsize=8, zorder=3)
        axes.set_yticks(list(positions), names, fontsize=8)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_title(t("readiness.chart_title", lang), fontsize=10)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, -0.25 - 0.02 * len(names)),
                    ncol=len(instrument.bands), fontsize=8, frameon=False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
    finally:
        plt.close(figure)
    return _responsive(buffer.getvalue())


def _responsive(svg: str) -> str:
    """Drop the XML prologue and the fixed size, so the chart fits a phone's width."""
    svg = svg[svg.index("<svg") :]
    fixed_size = r'<svg([^>]*?) width="[^"]+" height="[^"]+"'
    return re.sub(fixed_size, r'<svg\1 width="100%"', svg, count=1)
