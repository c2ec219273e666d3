"""Questions, ratings and the review queue built from fallbacks and 👎."""

from __future__ import annotations

from bot.storage import Storage
from tests.storage_rows import rows


async def test_questions_are_logged_and_fallbacks_queued():
    async with Storage(":memory:") as st:
        answered = await st.log_question("telegram", "7", "FDI là gì", "vi", "answer", "e1", 9.0)
        qid = await st.log_question("telegram", "7", "giá vàng" * 1000, "vi", "fallback", None, 3.0,
                                    unanswered=True)
        assert qid == answered + 1
        [_, long] = await rows(st, "questions")
        assert len(long["text"]) == 4000
        [queued] = await rows(st, "unanswered")
        assert (queued["question_id"], queued["status"]) == (qid, "open")


async def test_one_vote_per_person_answer_and_question():
    async with Storage(":memory:") as st:
        await st.rate("telegram", "7", "e1", 1, question_id=5)
        await st.rate("telegram", "7", "e1", -3, question_id=5)  # changed their mind
        await st.rate("telegram", "7", "e1", 1)  # the same answer opened from a menu
        assert [(r["question_id"], r["value"]) for r in await rows(st, "ratings")] == [(5, -1), (0, 1)]


async def test_the_review_queue_holds_fallbacks_and_dislikes_until_dealt_with():
    async with Storage(":memory:") as st:
        await st.log_question("telegram", "1", "giá vàng", "vi", "fallback", None, 0, unanswered=True)
        qid = await st.log_question("zalo", "2", "visa", "vi", "answer", "e1", 9)
        await st.rate("zalo", "2", "e1", -1, qid)
        await st.rate("zalo", "3", "e2", 1)  # 👍 is not for review
        items = await st.review_items()
        assert [(i["kind"], i["text"], i["entry_id"]) for i in items] == [
            ("unanswered", "giá vàng", None), ("disliked", "visa", "e1")]
        assert [i["created_at"] for i in items] == sorted(i["created_at"] for i in items)
        assert len(await st.review_items(limit=1)) == 1
        await st.review_mark([items[0]["ref"], items[1]["ref"], "x:1", "u:bad"], "dismissed")
        assert await st.review_items() == []
        [queued] = await rows(st, "unanswered")
        assert queued["status"] == "dismissed"
