"""/stats: the figures as text, and the 30-day chart as a picture (checked through matplotlib's
objects, not pixels)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import struct
import warnings

import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont

from handlers.admin import chart
from handlers.vntime import vn_datetime
from tests.handlers.admin.helpers import ASK
from tests.handlers.driver import ADMIN2, CITIZEN, ZALO_ADMIN

PNG = b"\x89PNG\r\n\x1a\n"
LAST = dt.date(2026, 12, 1)  # a Tuesday
DAYS = [{"answer": 3, "fallback": 1}] * 28 + [{"answer": 1, "clarify": 1, "smalltalk": 2}, {}]


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


def legend_texts(fig: Figure) -> list[str]:
    legend = fig.axes[0].get_legend()
    return [text.get_text() for text in legend.get_texts()]


async def test_stats_as_text_and_chart(chat, monkeypatch):
    drawn: list[Figure] = []
    figure = chart.figure
    monkeypatch.setattr(chart, "figure", lambda *a: drawn.append(figure(*a)) or drawn[-1])
    await chat.say(ASK, CITIZEN)
    await chat.say("giá vàng hôm nay", CITIZEN)
    stats = await chat.say("/stats")
    assert "hôm nay 2" in stats.text and "trả lời được 50%" in stats.text
    assert "giá vàng hôm nay (×1)" in stats.text
    assert "tỉ lệ trả lời được mỗi tuần" in stats.text
    [picture] = stats.documents
    assert picture.photo and picture.name.endswith(".png")
    assert png_size(picture.data) == (chart.WIDTH, chart.HEIGHT)
    [fig] = drawn
    daily, weekly = fig.axes
    assert [t.get_text() for t in daily.get_xticklabels()][-1] == f"{vn_datetime():%d/%m}"  # today, last
    assert weekly.patches[-1].get_height() == 50  # one answered of two this week
    assert (await chat.press("ad:stats", ZALO_ADMIN)).text == stats.text
    assert "Tôi không hiểu lệnh này" in (await chat.say("/stats", CITIZEN)).text


async def test_an_english_speaking_administrator_gets_english_labels(chat, monkeypatch):
    drawn: list[Figure] = []
    figure = chart.figure
    monkeypatch.setattr(chart, "figure", lambda *a: drawn.append(figure(*a)) or drawn[-1])
    await chat.say(ASK, CITIZEN)
    stats = await chat.handle(ADMIN2, text="/stats", lang="en")
    assert "Questions: today 1" in stats.text and "share answered each week" in stats.text
    [fig] = drawn
    assert fig.axes[0].get_title() == "Questions per day, last 30 days"
    assert legend_texts(fig) == ["Answered", "Clarified", "Not answered", "Small talk"]


async def test_the_chart_is_drawn_off_the_event_loop(chat):
    from handlers.admin.stats import stats_chart

    await chat.say(ASK, CITIZEN)
    ticks = 0
    drawing = asyncio.create_task(stats_chart(chat.storage))
    while not drawing.done():
        await asyncio.sleep(0.005)
        ticks += 1
    picture = await drawing
    assert picture is not None and picture.photo and picture.data.startswith(PNG)
    assert ticks >= 10  # other chats were served meanwhile (drawing takes a few hundred ms)


async def test_no_chart_without_questions(chat):
    stats = await chat.say("/stats")
    assert stats.documents == [] and "Biểu đồ" not in stats.text
    assert "hôm nay 0" in stats.text


def test_the_chart_has_two_labelled_panels_in_vietnamese():
    fig = chart.figure(DAYS, LAST, "vi")
    daily, weekly = fig.axes
    assert daily.get_title() == "Câu hỏi mỗi ngày trong 30 ngày qua"
    assert (daily.get_xlabel(), daily.get_ylabel()) == ("Ngày (giờ Việt Nam)", "Số câu hỏi")
    assert legend_texts(fig) == ["Trả lời được", "Hỏi lại", "Chưa trả lời được", "Chào hỏi"]
    dates = [t.get_text() for t in daily.get_xticklabels()]
    assert len(dates) == 30 and dates[0] == "02/11" and dates[-1] == "01/12"
    assert weekly.get_title().startswith("Tỉ lệ trả lời được mỗi tuần")
    assert (weekly.get_xlabel(), weekly.get_ylabel()) == ("Tuần", "Trả lời được")
    assert weekly.yaxis.get_major_formatter()(50, 0) == "50%"


def test_bars_stack_in_the_legends_colours_and_the_scale_counts_whole_questions():
    fig = chart.figure([{"answer": 1}, {"fallback": 2, "clarify": 1}], LAST)
    daily = fig.axes[0]
    legend = daily.get_legend()
    colours = {text.get_text(): handle.get_facecolor() for text, handle in
               zip(legend.get_texts(), legend.legend_handles, strict=True)}
    # the second day: answer 0 at the bottom, clarify on it, then fallback, in the legend's colours
    second = [p for p in daily.patches if p.get_x() > 0.5 and p.get_height()]
    assert [(p.get_y(), p.get_height()) for p in second] == [(0, 1), (1, 2)]
    assert [p.get_facecolor() for p in second] == [colours["Hỏi lại"], colours["Chưa trả lời được"]]
    assert all(tick == int(tick) for tick in daily.get_yticks())  # no 0.5 question


def test_weeks_run_monday_to_sunday_and_the_edges_are_short():
    spans = chart.weeks(DAYS, LAST - dt.timedelta(days=29))
    assert [(a.strftime("%a %d/%m"), b.strftime("%a %d/%m")) for a, b, _, _ in spans] == [
        ("Mon 02/11", "Sun 08/11"), ("Mon 09/11", "Sun 15/11"), ("Mon 16/11", "Sun 22/11"),
        ("Mon 23/11", "Sun 29/11"), ("Mon 30/11", "Tue 01/12")]
    assert spans[0][2:] == (21, 28) and spans[-1][2:] == (1, 4)
    fig = chart.figure(DAYS, LAST)
    weekly = fig.axes[1]
    assert [round(p.get_height()) for p in weekly.patches] == [75, 75, 75, 75, 25]
    assert weekly.get_xticklabels()[-1].get_text() == "30/11–01/12\n4 câu hỏi"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_letter_has_its_glyph_in_the_bundled_font(lang, caplog):
    assert findfont(FontProperties(family=chart.FONT), fallback_to_default=False).endswith("DejaVuSans.ttf")
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, "matplotlib"):
        warnings.simplefilter("always")
        data = chart.daily_chart(DAYS, LAST, lang)
    assert [str(w.message) for w in caught] == [] and caplog.records == []  # no "Glyph … missing"
    assert png_size(data) == (1000, 700) and len(data) < 200_000
    fig = chart.figure(DAYS, LAST, lang)
    assert {fig.axes[0].title.get_fontname(), fig.axes[0].get_xticklabels()[0].get_fontname()} == {"DejaVu Sans"}


async def test_stats_say_how_many_messages_could_not_be_delivered(chat):
    assert "không gửi được" not in (await chat.say("/stats")).text  # nothing to report: no line
    [row] = await chat.storage.outbox_add("telegram", "42", [{"text": "câu trả lời"}])
    await chat.storage.outbox_give_up(row, "too old")
    assert "Tin nhắn không gửi được sau nhiều lần thử (30 ngày): 1" in (await chat.say("/stats")).text
