"""Users, conversation state, pending numbered options, deletion on request and retention."""

from __future__ import annotations

import dataclasses
import time

from bot.storage import Storage
from bot.storage.people import AUDIT_RETAINED_BY, NO_PERSONAL_DATA, RETAINED_BY
from tests.storage_rows import rows


async def test_users_and_conversation_state():
    async with Storage(":memory:") as st:
        user, state = await st.arrive("telegram", "7", "en")
        assert (user.language, user.opted_in, state) == ("en", False, None)
        again, _ = await st.arrive("telegram", "7", "vi")  # the hint only seeds a new user
        assert again.language == "en" and again.last_seen >= user.last_seen
        await st.set_language("telegram", "7", "vi")
        await st.set_opted_in("telegram", "7", True)
        assert await st.get_user("telegram", "7") == dataclasses.replace(
            again, language="vi", opted_in=True)
        assert await st.get_user("zalo", "7") is None
        await st.set_state("telegram", "7", {"flow": "feedback", "step": "name", "text": "Ý kiến"})
        assert (await st.arrive("telegram", "7"))[1]["text"] == "Ý kiến"
        assert (await st.arrive("zalo", "7"))[1] is None
        await st.set_state("telegram", "7", None)
        assert (await st.arrive("telegram", "7"))[1] is None


async def test_an_abandoned_or_unreadable_state_is_dropped():
    async with Storage(":memory:") as st:
        await st.set_state("telegram", "7", {"flow": "feedback"})
        await st.db.execute("UPDATE conversation_state SET updated_at = updated_at - 120")
        assert (await st.arrive("telegram", "7", max_age=600))[1] == {"flow": "feedback"}
        assert (await st.arrive("telegram", "7", max_age=60))[1] is None
        assert await rows(st, "conversation_state", "channel") == []
        await st.db.execute("INSERT INTO conversation_state VALUES ('telegram', '8', 'not json', 0)")
        assert (await st.arrive("telegram", "8"))[1] is None


async def test_delete_user_data_and_retention():
    async with Storage(":memory:") as st:
        for uid in ("1", "2"):
            await st.arrive("telegram", uid)
            await st.log_question("telegram", uid, "q", "vi", "fallback", None, 0, unanswered=True)
            await st.rate("telegram", uid, "e", 1)
            await st.add_feedback("telegram", uid, "t", "vi")
            await st.set_state("telegram", uid, {"flow": "x"})
            await st.set_pending_options("telegram", uid, ["menu"])
            await st.set_oa_contact("telegram", uid, "m1")
            await st.web_put("telegram", uid, {"text": "waiting for the browser"})
        offer, n = await st.followup_keep([i["ref"] for i in await st.review_items()], "e")
        assert n == 2
        counts = await st.delete_user_data("telegram", "1")
        assert counts == {"questions": 1, "ratings": 1, "feedback": 1, "unanswered": 1,
                          "conversation_state": 1, "pending_options": 1, "oa_contacts": 1, "web_inbox": 1,
                          "users": 1, "audit_log": 0, "flows": 0, "options": 0, "outbox": 0, "followups": 1}
        assert [r["user_id"] for r in await st.followup_askers(offer)] == ["2"]
        assert len(await rows(st, "questions")) == 1
        assert await st.purge_older_than(30) == {**dict.fromkeys(RETAINED_BY, 0), "references": 0}
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


async def test_retention_has_decided_about_every_table():
    async with Storage(":memory:") as st:
        tables = {r["name"] for r in await rows(st, "sqlite_master", "name", type="table")}
    assert tables == {*RETAINED_BY, AUDIT_RETAINED_BY[0], *NO_PERSONAL_DATA}
