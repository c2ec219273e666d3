"""Users, conversation state, feedback references, deletion on request and retention."""

from __future__ import annotations

import time

from bot.storage import Storage
from tests.storage_rows import rows


async def test_users_questions_state_and_feedback():
    async with Storage(":memory:") as st:
        user, _ = await st.arrive("telegram", "7", "en")
        assert user.language == "en" and not user.opted_in
        again, _ = await st.arrive("telegram", "7", "vi")  # the hint only seeds a new user
        assert again.language == "en" and again.last_seen >= user.last_seen
        await st.set_language("telegram", "7", "vi")
        assert (await st.get_user("telegram", "7")).language == "vi"
        qid = await st.log_question("telegram", "7", "giá vàng", "vi", "fallback", None, 3.0, unanswered=True)
        [queued] = await rows(st, "unanswered")
        assert queued["question_id"] == qid
        await st.set_state("telegram", "7", {"flow": "feedback", "step": "name", "text": "Ý kiến"})
        assert (await st.arrive("telegram", "7"))[1]["text"] == "Ý kiến"
        assert (await st.arrive("zalo", "7"))[1] is None
        await st.set_state("telegram", "7", None)
        assert (await st.arrive("telegram", "7"))[1] is None
        refs = {await st.add_feedback("telegram", "7", f"góp ý {i}", "vi") for i in range(20)}
        assert len(refs) == 20 and all(r.startswith("GY-") and len(r) == 9 for r in refs)


async def test_delete_user_data_and_retention():
    async with Storage(":memory:") as st:
        for uid in ("1", "2"):
            await st.arrive("telegram", uid)
            await st.log_question("telegram", uid, "q", "vi", "fallback", None, 0, unanswered=True)
            await st.rate("telegram", uid, "e", 1)
            await st.add_feedback("telegram", uid, "t", "vi")
            await st.set_state("telegram", uid, {"flow": "x"})
            await st.set_pending_options("telegram", uid, ["menu"])
        counts = await st.delete_user_data("telegram", "1")
        assert counts == {"questions": 1, "ratings": 1, "feedback": 1, "unanswered": 1,
                          "conversation_state": 1, "pending_options": 1, "users": 1}
        assert len(await rows(st, "questions")) == 1
        assert await st.purge_older_than(30) == dict.fromkeys(counts, 0)
        await st.db.execute("UPDATE questions SET asked_at = ?", (time.time() - 40 * 86400,))
        assert (await st.purge_older_than(30))["questions"] == 1


async def test_pending_options_per_person_replaced_forgotten_and_expired():
    async with Storage(":memory:") as st:
        await st.set_pending_options("zalo", "1", ["ask:a", "menu"])
        await st.set_pending_options("zalo", "2", ["lang:en"])
        assert await st.pending_options("zalo", "1", max_age=60) == ["ask:a", "menu"]
        assert await st.pending_options("telegram", "1", max_age=60) == []
        await st.set_pending_options("zalo", "1", ["cancel"])
        assert await st.pending_options("zalo", "1", max_age=60) == ["cancel"]
        await st.set_pending_options("zalo", "1", [])
        assert await st.pending_options("zalo", "1", max_age=60) == []
        await st.db.execute("UPDATE pending_options SET updated_at = updated_at - 120")
        assert await st.pending_options("zalo", "2", max_age=60) == []
        assert await st.pending_options("zalo", "2", max_age=600) == ["lang:en"]
        async with st.db.execute("SELECT COUNT(*) FROM conversation_state") as cur:
            assert (await cur.fetchone())[0] == 0  # the flow table holds only flows
