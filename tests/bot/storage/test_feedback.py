"""Feedback: unique reference codes, the administrators' inbox and replies."""

from __future__ import annotations

from bot.storage import Storage


async def test_references_are_unique_and_readable():
    async with Storage(":memory:") as st:
        refs = {await st.add_feedback("telegram", "7", f"góp ý {i}", "vi") for i in range(20)}
    assert len(refs) == 20 and all(r.startswith("GY-") and len(r) == 9 for r in refs)
    assert not any(c in r[3:] for r in refs for c in "01IO")


async def test_the_inbox_keeps_what_is_not_replied_to_or_closed():
    async with Storage(":memory:") as st:
        for i in range(3):
            await st.add_feedback("zalo", str(i), f"góp ý {i}", "vi", name="An" if i == 0 else "")
        first, second, third = sorted((await st.feedback_inbox()), key=lambda row: row["id"])
        assert (first["name"], second["name"], first["status"]) == ("An", None, "new")
        await st.feedback_set(first["id"], "read")
        await st.feedback_set(second["id"], "replied", "Cảm ơn anh/chị.")
        await st.feedback_set(third["id"], "closed")
        assert [row["id"] for row in await st.feedback_inbox()] == [first["id"]]
        replied = await st.feedback_get(second["id"])
        assert (replied["status"], replied["reply"]) == ("replied", "Cảm ơn anh/chị.")
        assert replied["replied_at"] >= replied["created_at"]
        assert await st.feedback_get(999) is None
