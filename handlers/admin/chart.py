"""The /stats and daily-digest picture: questions per day by outcome, and the share answered per week.

Drawn with matplotlib's object-oriented ``Figure`` (no pyplot, so no global figure registry and no
GUI backend), rendered to PNG by Agg. Every word comes from texts.yaml in the reader's language,
set in the DejaVu Sans matplotlib bundles, which has the Vietnamese glyphs, so the picture does
not depend on the fonts of the server it runs on.
"""

from __future__ import annotations

import datetime as dt
import io
import threading

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator, PercentFormatter

from handlers.texts import t

# outcome -> (colour, legend text key), bottom of the stack first
OUTCOMES: dict[str, tuple[str, str]] = {
    "answer": ("#2ea043", "adm_chart_answer"),       # green
    "clarify": ("#f0b400", "adm_chart_clarify"),     # amber
    "fallback": ("#d64541", "adm_chart_fallback"),   # red
    "smalltalk": ("#96a0af", "adm_chart_smalltalk"),  # grey
}
FONT = "DejaVu Sans"  # bundled with matplotlib: the picture looks the same on every server
WIDTH, HEIGHT, DPI = 1000, 700, 100  # pixels: sharp in a Telegram photo, well under its limits
# matplotlib does not promise thread safety; /stats and the digest at the same moment take turns
_RENDERING = threading.Lock()


def weeks(days: list[dict[str, int]], first: dt.date) -> list[tuple[dt.date, dt.date, int, int]]:
    """(first day, last day, answered, asked) per Monday-to-Sunday week, cut to the days given, so
    the first and last week may be short."""
    out: list[tuple[dt.date, dt.date, int, int]] = []
    for i, counts in enumerate(days):
        day = first + dt.timedelta(days=i)
        if not out or day.weekday() == 0:
            out.append((day, day, 0, 0))
        start, _, answered, asked = out[-1]
        out[-1] = (start, day, answered + counts.get("answer", 0), asked + sum(counts.values()))
    return out


def figure(days: list[dict[str, int]], last: dt.date, lang: str = "vi") -> Figure:
    """``days`` oldest first, ending on ``last`` (a Vietnam date); the share answered counts every
    outcome, small talk too, as the /stats text does, so the two agree."""
    first = last - dt.timedelta(days=len(days) - 1)
    dates = [first + dt.timedelta(days=i) for i in range(len(days))]
    font = FontProperties(family=FONT)
    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
    daily, weekly = fig.subplots(2, 1, height_ratios=(2, 1))

    x = range(len(days))
    bottom = [0] * len(days)
    for outcome, (colour, key) in OUTCOMES.items():
        heights = [d.get(outcome, 0) for d in days]
        daily.bar(x, heights, bottom=bottom, color=colour, label=t(key, lang), width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    daily.set_title(t("adm_chart_title", lang), fontproperties=font, fontsize=14, fontweight="bold")
    daily.set_xlabel(t("adm_chart_day", lang), fontproperties=font)
    daily.set_ylabel(t("adm_chart_count", lang), fontproperties=font)
    daily.set_xticks(list(x), [d.strftime("%d/%m") for d in dates], rotation=90)
    daily.set_xlim(-0.6, len(days) - 0.4)
    daily.yaxis.set_major_locator(MaxNLocator(integer=True))
    daily.grid(axis="y", color="#e1e4e8")
    daily.set_axisbelow(True)
    daily.legend(prop=font, loc="upper left", ncols=len(OUTCOMES), frameon=False)
    daily.set_ylim(0, max(max(bottom) * 1.2, 1))  # room for the legend above the tallest bar

    spans = weeks(days, first)
    shares = [100 * answered / asked if asked else 0.0 for _, _, answered, asked in spans]
    bars = weekly.bar(range(len(spans)), shares, color=OUTCOMES["answer"][0], width=0.6)
    values = [f"{s:.0f}%" if asked else "–" for s, (*_, asked) in zip(shares, spans, strict=True)]
    weekly.bar_label(bars, values, padding=2, fontproperties=font)
    weekly.set_title(t("adm_chart_weekly", lang), fontproperties=font, fontsize=12)
    weekly.set_xlabel(t("adm_chart_week", lang), fontproperties=font)
    weekly.set_ylabel(t("adm_chart_share", lang), fontproperties=font)
    weekly.set_xticks(range(len(spans)), [
        t("adm_chart_week_label", lang, first=f"{a:%d/%m}", last=f"{b:%d/%m}", count=str(n))
        for a, b, _, n in spans])
    weekly.set_ylim(0, 115)  # room for "100%" above a full bar
    weekly.set_yticks([0, 25, 50, 75, 100])
    weekly.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    weekly.grid(axis="y", color="#e1e4e8")
    weekly.set_axisbelow(True)
    for ax in (daily, weekly):
        ax.tick_params(labelfontfamily=FONT)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def png(fig: Figure) -> bytes:
    """The figure as PNG, exactly WIDTH x HEIGHT pixels (no tight bounding box, which would crop)."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def daily_chart(days: list[dict[str, int]], last: dt.date, lang: str = "vi") -> bytes:
    """The PNG for /stats and the digest: half a second of blocking work, to run off the event loop."""
    with _RENDERING:
        return png(figure(days, last, lang))
