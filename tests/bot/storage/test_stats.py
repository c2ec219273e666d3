"""Stats: the typed counts behind /stats, with "today" beginning at Vietnamese midnight."""

from __future__ import annotations

import datetime as dt

from bot.storage import Stats, Storage
from handlers.vntime import VN_TIME


async def test_stats_count_by_vietnamese_day_and_30_days():
    now = dt.datetime(2026, 3, 10, 0, 30, tzinfo=VN_TIME).timestamp()  # 00:30 in Vietnam
    async with Storage(":memory:") as st:
        for at, outcome, entry in ((now - 60, "answer", "e1"), (now - 3600, "answer", "e1"),
                                   (now - 3 * 86400, "fallback", None), (now - 20 * 86400, "answer", "e2"),
                                   (now - 40 * 86400, "answer", "e3")):
            await st.db.execute("INSERT INTO questions (channel, user_id, text, lang, outcome, entry_id, asked_at)"
                                " VALUES ('telegram', '1', 'q', 'vi', ?, ?, ?)", (outcome, entry, at))
        await st.rate("telegram", "1", "e1", -1)
        await st.add_feedback("telegram", "1", "góp ý", "vi")
        await st.set_language("telegram", "1", "vi")
        await st.set_opted_in("telegram", "1", True)
        stats = await st.stats(now)
    assert stats == Stats(today=1, week=3, month=4, outcomes={"answer": 3, "fallback": 1},
                          top_entries=[("e1", 2), ("e2", 1)], up=0, down=1, feedback_new=1, subscribers=1)


async def test_stats_count_the_messages_given_up_and_those_waiting():
    async with Storage(":memory:") as st:
        given_up, waiting, _ = await st.outbox_add("telegram", "1", [{"text": "a"}, {"text": "b"}, {"text": "c"}])
        await st.outbox_give_up(given_up, "too old")
        await st.outbox_sent(_)
        stats = await st.stats()
    assert (stats.undelivered, stats.pending) == (1, 1) and waiting
