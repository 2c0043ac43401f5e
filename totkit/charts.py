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


# -- context gaps ------------------------------------------------------------------------------

if TYPE_CHECKING:
    from totkit.gaps import ContextFile, Gaps

ASSUMED = "#7f8c8d"
CONNECTOR = "#b8c2cc"
GAP_NAME_WIDTH = 30  # characters per line of a factor's name
GAP_NAME_LINES = 2


def gap_chart(context: ContextFile, gaps: Gaps, lang: str) -> str:
    """A dumbbell per factor, largest gap first: what the design assumes (open circle)
    against the field reality (filled), on the 1-5 scale, with each gap score at the right.

    Priority gaps have a red connector and a bold red name, and the legend says so.
    """
    from totkit.gaps import ranked

    plt = _pyplot()
    rows = ranked(gaps, context)
    figure, axes = plt.subplots(figsize=(6.4, 0.5 * max(len(rows), 2) + 1.4))
    try:
        positions = list(range(len(rows)))
        for y, row in zip(positions, rows, strict=True):
            axes.plot([row.assumed, row.reality], [y, y], zorder=1, solid_capstyle="round",
                      color=WEAKEST if row.priority else CONNECTOR,
                      linewidth=3.5 if row.priority else 2)
            axes.text(5.55, y, str(row.score), va="center", ha="center", fontsize=8,
                      fontweight="bold" if row.priority else "normal",
                      color=WEAKEST if row.priority else "black")
        # the open circle is larger, so an assumption met exactly shows as a ringed dot
        axes.scatter([row.assumed for row in rows], positions, s=80, zorder=2,
                     facecolors="white", edgecolors=ASSUMED, linewidths=1.6,
                     label=t("gaps.chart_assumed", lang))
        axes.scatter([row.reality for row in rows], positions, s=36, zorder=3, color=BAR,
                     label=t("gaps.chart_reality", lang))
        if any(row.priority for row in rows):
            axes.plot([], [], color=WEAKEST, linewidth=3.5, label=t("gaps.chart_priority", lang))
        names = [_chart_name(row.name(lang)) for row in rows]
        # parse_math off: a planner's "$" is text, not mathematics
        axes.set_yticks(positions, names, fontsize=8, parse_math=False)
        for label, row in zip(axes.get_yticklabels(), rows, strict=True):
            if row.priority:
                label.set_fontweight("bold")
                label.set_color(WEAKEST)
        axes.set_xticks([1, 2, 3, 4, 5])
        axes.set_xlim(0.6, 5.85)
        axes.set_ylim(max(len(rows), 1) - 0.5, -1.1)  # top to bottom, room for the header
        if rows:
            axes.text(5.55, -0.85, t("gaps.chart_score", lang), ha="center", va="center",
                      fontsize=8, fontweight="bold")
            axes.axvline(5.25, color=CONNECTOR, linewidth=0.8, zorder=0)
        axes.grid(axis="x", color="#eeeeee", zorder=0)
        axes.set_xlabel(t("gaps.chart_axis", lang), fontsize=8)
        axes.set_title(t("gaps.chart_title", lang), fontsize=10, pad=24 if rows else 6)
        if rows:  # between the title and the plot, whatever the number of rows
            axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8,
                        frameon=False, borderaxespad=0.2, columnspacing=1.2)
        else:
            axes.text(3, 0, t("gaps.chart_empty", lang), ha="center", va="center", fontsize=9)
            axes.set_yticks([])
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.1)
    finally:
        plt.close(figure)
    return _responsive(buffer.getvalue())


def _chart_name(name: str) -> str:
    """A factor's name on at most two short lines (a planner's label may be long)."""
    import textwrap

    lines = textwrap.wrap(name, GAP_NAME_WIDTH, max_lines=GAP_NAME_LINES, placeholder=" …")
    return "\n".join(lines) or name


# -- cascade projection ------------------------------------------------------------------------

if TYPE_CHECKING:
    from totkit.cascade import Projection

ON_PAPER = "#7f8c8d"
REALISTIC_BAND = "#c9dcef"


def cascade_chart(projection: Projection, lang: str) -> str:
    """People reached per level (0 = the trainers trained at the TOT): on paper (dashed grey)
    against realistic (the simulation's mean, blue) with the band between its 10th and 90th
    percentiles (8 of 10 simulations), each level's figures labelled.

    A cascade multiplies, so the people axis is logarithmic (each gridline x10, 0 at the
    bottom): the gap between on paper and realistic at level 1 stays as visible as at level 4.
    """
    import math

    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from totkit.i18n import format_number

    plt = _pyplot()
    sim = projection.simulation
    levels = list(range(len(projection.on_paper)))
    paper = list(projection.on_paper)
    mean = [stats.mean for stats in sim.levels]
    low = [stats.p10 for stats in sim.levels]
    high = [stats.p90 for stats in sim.levels]
    figure, axes = plt.subplots(figsize=(6.4, 3.8))
    try:
        axes.set_yscale("symlog", linthresh=1, linscale=0.5)
        axes.fill_between(levels, low, high, color=REALISTIC_BAND, zorder=1, linewidth=0,
                          label=t("cascade.chart_band", lang))
        axes.plot(levels, paper, color=ON_PAPER, linestyle="--", marker="o", zorder=2,
                  label=t("cascade.chart_on_paper", lang))
        axes.plot(levels, mean, color=BAR, marker="o", zorder=3,
                  label=t("cascade.chart_realistic", lang))
        for k in levels[1:]:
            axes.annotate(format_number(round(paper[k]), lang), (k, paper[k]),
                          textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8,
                          color=ON_PAPER)
            axes.annotate(format_number(round(mean[k]), lang), (k, mean[k]),
                          textcoords="offset points", xytext=(0, -14), ha="center",
                          fontsize=8, color=BAR, fontweight="bold")
        decades = max(1, math.ceil(math.log10(max([*paper, *high, 1]) * 1.01)))
        axes.yaxis.set_major_locator(FixedLocator([0] + [10**d for d in range(decades + 1)]))
        axes.yaxis.set_minor_locator(NullLocator())
        axes.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _pos: format_number(round(value), lang))
        )
        axes.set_ylim(0, 10 ** (decades + 0.35))
        axes.set_xticks(levels, [str(k) for k in levels])
        axes.set_xlim(-0.25, levels[-1] + 0.25)
        axes.grid(axis="y", color="#eeeeee", zorder=0)
        axes.set_xlabel(t("cascade.chart_axis", lang), fontsize=8)
        axes.set_ylabel(t("cascade.chart_people", lang), fontsize=8)
        axes.tick_params(labelsize=8)
        axes.set_title(t("cascade.chart_title", lang), fontsize=10, pad=24)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8,
                    frameon=False, borderaxespad=0.2)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.1)
    finally:
        plt.close(figure)
    return _responsive(buffer.getvalue())


# -- facilitator dashboard ---------------------------------------------------------------------

if TYPE_CHECKING:
    from totkit.dashboard import Dashboard

REALISED = "#2f855a"
PLAN_LIGHT = "#d5dbe1"


def _svg(figure, tight: bool = False) -> str:  # type: ignore[no-untyped-def]
    """The figure as SVG. The dashboard's charts set their margins with ``_margins`` and are
    drawn once; ``tight`` crops to a tight box instead, which draws everything twice."""
    buffer = io.StringIO()
    if tight:
        figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.1)
    else:
        figure.savefig(buffer, format="svg")
    return _responsive(buffer.getvalue())


def _margins(figure, labels: list[str], *, top: float, bottom: float = 0.5,  # type: ignore[no-untyped-def]
             right: float = 0.25, fontsize: float = 8) -> None:
    """Room for the y-axis ``labels`` (the widest line, measured in the font), and ``top``,
    ``bottom`` and ``right`` margins in inches (title and legend, the x axis)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(size=fontsize)
    measure = TextToPath()
    widest = max((measure.get_text_width_height_descent(line, font, ismath=False)[0]
                  for label in labels for line in label.split("\n")), default=0.0) / 72
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=min(0.6, (widest * 1.1 + 0.25) / width), right=1 - right / width,
                           top=1 - top / height, bottom=bottom / height)


def _empty_chart(title: str, message: str) -> str:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 1.6))
    try:
        axes.set_axis_off()
        axes.set_title(title, fontsize=10)
        axes.text(0.5, 0.45, message, ha="center", va="center", fontsize=9,
                  transform=axes.transAxes)
        figure.subplots_adjust(left=0.02, right=0.98, top=0.8, bottom=0.05)
        return _svg(figure)
    finally:
        plt.close(figure)


def _horizontal() -> dict[str, object]:
    """Horizontal boxes: ``orientation`` from matplotlib 3.10, ``vert`` (deprecated) before."""
    import matplotlib

    major, minor = (int(part) for part in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


def readiness_boxplot(dashboard: Dashboard, lang: str) -> str:
    """A box per dimension of the cohort's instrument: the planners' scores (median, quartiles,
    whiskers to 1.5 x the interquartile range, dots beyond), over the bands, with how many
    planners each box holds. Works the same for 20 planners or 2,000 (no dot per planner)."""
    import numpy as np

    instrument = dashboard.instrument
    title = t("dashboard.chart.readiness_title", lang)
    frame = dashboard.readiness
    if instrument is None or frame.empty or not frame.notna().any().any():
        return _empty_chart(title, t("dashboard.chart.readiness_empty", lang))
    plt = _pyplot()
    dims = list(instrument.dimensions)
    data = [frame[dim.id].dropna().to_numpy(dtype=float) if dim.id in frame else np.array([])
            for dim in dims]
    names = [_chart_name(f"{dim.name(lang)} (n={len(values)})")
             for dim, values in zip(dims, data, strict=True)]
    figure, axes = plt.subplots(figsize=(6.4, 0.5 * len(dims) + 1.3))
    try:
        bands = sorted(instrument.bands, key=lambda band: band.lower)
        bounds = [band.lower for band in bands] + [100]
        for n, band in enumerate(bands):
            axes.axvspan(bounds[n], bounds[n + 1], color=BAND_COLOURS[n % len(BAND_COLOURS)],
                         zorder=0, label=band.name(lang))
        positions = list(range(len(dims)))
        shown = [(p, values) for p, values in zip(positions, data, strict=True) if len(values)]
        if shown:
            axes.boxplot([values for _, values in shown], positions=[p for p, _ in shown],
                         **_horizontal(), widths=0.55, patch_artist=True, zorder=2,
                         boxprops={"facecolor": "white", "edgecolor": BAR},
                         medianprops={"color": WEAKEST, "linewidth": 2},
                         whiskerprops={"color": BAR}, capprops={"color": BAR},
                         flierprops={"marker": "o", "markersize": 3,
                                     "markerfacecolor": BAR, "markeredgecolor": "none",
                                     "alpha": 0.5})
        axes.set_yticks(positions, names, fontsize=8, parse_math=False)
        axes.set_ylim(len(dims) - 0.5, -0.5)
        axes.set_xlim(0, 100)
        axes.set_xlabel(t("dashboard.chart.readiness_axis", lang), fontsize=8)
        axes.tick_params(axis="x", labelsize=8)
        axes.set_title(title, fontsize=10, pad=24)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(bands),
                    fontsize=8, frameon=False, borderaxespad=0.2)
        _margins(figure, names, top=0.75)
        return _svg(figure)
    finally:
        plt.close(figure)


def reach_chart(dashboard: Dashboard, lang: str) -> str:
    """People reached at level 1 of the cascade, the cohort's totals: the whole plan on paper
    and realistic (light), the sessions due by the dashboard's date on paper and realistic
    (blue), and what the monitoring logs record (green)."""
    from totkit.i18n import format_date, format_number

    totals = dashboard.reach_totals
    keys = ("plan_on_paper", "plan_realistic", "on_paper", "realistic", "realised")
    labels = [_chart_name(t(f"dashboard.reach.{key}", lang)) for key in keys]
    values = [float(totals.get(key, 0.0)) for key in keys]
    colours = [PLAN_LIGHT, PLAN_LIGHT, ON_PAPER, BAR, REALISED]
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    try:
        positions = list(range(len(keys)))
        axes.barh(positions, values, color=colours, height=0.6, zorder=2)
        top = max([*values, 1.0])
        for y, value in zip(positions, values, strict=True):
            axes.text(value + top * 0.01, y, format_number(round(value), lang), va="center",
                      fontsize=8, zorder=3)
        axes.set_yticks(positions, labels, fontsize=8, parse_math=False)
        axes.set_ylim(len(keys) - 0.5, -0.5)
        axes.set_xlim(0, top * 1.15)
        axes.grid(axis="x", color="#eeeeee", zorder=0)
        axes.tick_params(axis="x", labelsize=8)
        axes.set_xlabel(t("dashboard.chart.reach_axis", lang), fontsize=8)
        axes.set_title(t("dashboard.chart.reach_title", lang,
                         date=format_date(dashboard.as_of, lang)), fontsize=10)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        _margins(figure, labels, top=0.4)
        return _svg(figure)
    finally:
        plt.close(figure)


def obstacles_chart(dashboard: Dashboard, lang: str) -> str:
    """The obstacles the planners logged, by the essay's cause, most frequent first, with how
    many planners reported each."""
    from matplotlib.ticker import MaxNLocator

    frame = dashboard.obstacles
    title = t("dashboard.chart.obstacles_title", lang)
    frame = frame[frame["obstacles"] > 0]
    if frame.empty:
        return _empty_chart(title, t("dashboard.chart.obstacles_empty", lang))
    plt = _pyplot()
    causes = list(frame.index)
    counts = frame["obstacles"].tolist()
    planners = frame["planners"].tolist()
    labels = [_chart_name(t(f"monitoring.cause.{cause}", lang)) for cause in causes]
    figure, axes = plt.subplots(figsize=(6.4, 0.5 * len(causes) + 1.2))
    try:
        positions = list(range(len(causes)))
        axes.barh(positions, counts, color=WEAKEST, height=0.6, zorder=2)
        top = max(counts)
        for y, count, people in zip(positions, counts, planners, strict=True):
            axes.text(count + top * 0.01, y,
                      t("dashboard.chart.obstacles_label", lang, count=count, planners=people),
                      va="center", fontsize=8)
        axes.set_yticks(positions, labels, fontsize=8, parse_math=False)
        axes.set_ylim(len(causes) - 0.5, -0.5)
        axes.set_xlim(0, top * 1.45)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="x", color="#eeeeee", zorder=0)
        axes.tick_params(axis="x", labelsize=8)
        axes.set_xlabel(t("dashboard.chart.obstacles_axis", lang), fontsize=8)
        axes.set_title(title, fontsize=10)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        _margins(figure, labels, top=0.4)
        return _svg(figure)
    finally:
        plt.close(figure)


def dashboard_charts(dashboard: Dashboard, lang: str) -> dict[str, str]:
    """Every chart of the dashboard, by name: ``readiness``, ``reach``, ``obstacles``."""
    return {
        "readiness": readiness_boxplot(dashboard, lang),
        "reach": reach_chart(dashboard, lang),
        "obstacles": obstacles_chart(dashboard, lang),
    }
