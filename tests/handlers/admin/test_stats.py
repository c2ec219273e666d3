"""/stats: the figures as text, and the 30-day chart as a picture."""

from __future__ import annotations

import struct

from handlers.admin import chart
from tests.handlers.admin.helpers import ASK
from tests.handlers.driver import CITIZEN, ZALO_ADMIN


async def test_stats_as_text_and_chart(chat):
    await chat.say(ASK, CITIZEN)
    await chat.say("giá vàng hôm nay", CITIZEN)
    stats = await chat.say("/stats")
    assert "hôm nay 2" in stats.text and "trả lời được 50%" in stats.text
    assert "giá vàng hôm nay (×1)" in stats.text
    assert "Xanh lá: trả lời được" in stats.text
    [picture] = stats.documents
    assert picture.photo and picture.name.endswith(".png")
    assert picture.data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", picture.data[16:24])
    assert width > 30 * 18 and height == 240
    assert (await chat.press("ad:stats", ZALO_ADMIN)).text == stats.text
    assert "Tôi không hiểu lệnh này" in (await chat.say("/stats", CITIZEN)).text


async def test_no_chart_without_questions(chat):
    stats = await chat.say("/stats")
    assert stats.documents == [] and "Xanh lá" not in stats.text
    assert "hôm nay 0" in stats.text


def test_the_chart_stacks_outcomes_bottom_up_in_their_colours():
    png = chart.daily_chart([{"answer": 2, "fallback": 2}], bar=4, gap=0, height=40)
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (12 * 2 + 4, 40)


async def test_stats_say_how_many_messages_could_not_be_delivered(chat):
    assert "không gửi được" not in (await chat.say("/stats")).text  # nothing to report: no line
    [row] = await chat.storage.outbox_add("telegram", "42", [{"text": "câu trả lời"}])
    await chat.storage.outbox_give_up(row, "too old")
    assert "Tin nhắn không gửi được sau nhiều lần thử (30 ngày): 1" in (await chat.say("/stats")).text
