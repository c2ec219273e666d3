"""References to a person's items outside their own rows: anonymised in administrators' audit
records, dropped from other people's flows and numbered options, by /xoadulieu and by retention;
and the audit records written before, which held citizens' words, upgraded in place."""

from __future__ import annotations

import json
import time

import aiosqlite

from bot.storage import MIGRATIONS, Storage, migrate
from handlers.messages import clip
from tests.storage_rows import rows

PREVIOUS = next(i for i, (name, _) in enumerate(MIGRATIONS) if name == "audit_without_citizens_words")


async def two_people_in_the_queue(st: Storage) -> dict[str, str]:
    """Citizens 1 and 2 each with a queued question, a 👎 rating and feedback; their refs."""
    refs = {}
    for uid in ("1", "2"):
        qid = await st.log_question("telegram", uid, f"câu hỏi {uid}", "vi", "fallback", None, 0, unanswered=True)
        await st.rate("telegram", uid, "e", -1, qid)
        await st.add_feedback("telegram", uid, f"góp ý {uid}", "vi")
        [u] = await rows(st, "unanswered", user_id=uid)
        [r] = await rows(st, "ratings", user_id=uid)
        [f] = await rows(st, "feedback", user_id=uid)
        refs.update({f"u{uid}": f"u:{u['id']}", f"r{uid}": f"r:{r['id']}", f"f{uid}": str(f["id"])})
    return refs


async def test_deleting_anonymises_the_references_in_administrators_records(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as st:
        refs = await two_people_in_the_queue(st)
        both = [refs["u1"], refs["r1"], refs["u2"]]
        await st.audit("telegram:9", "queue_dismiss", None, {"items": both, "count": 3})
        await st.audit("telegram:9", "queue_reply", None, {"items": [refs["u1"]], "count": 1},
                       {"text": "Câu trả lời của cán bộ", "to": 1})
        await st.audit("telegram:9", "feedback_reply", f"feedback:{refs['f1']}", None, {"text": "Cảm ơn"})
        await st.audit("telegram:9", "feedback_close", f"feedback:{refs['f2']}")
        await st.audit("telegram:9", "edit", "plan-overview", {"questions": {}}, {"questions": {}})
        counts = await st.delete_user_data("telegram", "1")
        assert counts["audit_log"] == 3
        audit = {r["action"]: r for r in await st.audit_log()}
        assert len(audit) == 5  # every administrator's record stays
        assert audit["queue_dismiss"]["before"] == {"items": [refs["u2"]], "count": 3}  # the other stays
        assert audit["queue_reply"]["before"] == {"items": [], "count": 1}
        assert audit["queue_reply"]["after"] == {"text": "Câu trả lời của cán bộ", "to": 1}
        assert audit["feedback_reply"]["target"] == "feedback:deleted"
        assert audit["feedback_close"]["target"] == f"feedback:{refs['f2']}"
        assert audit["edit"]["target"] == "plan-overview"


async def test_deleting_ends_other_peoples_flows_and_options_that_name_the_person(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as st:
        refs = await two_people_in_the_queue(st)
        states = {
            "answering-1": {"flow": "admin", "op": "reply", "question": "câu hỏi 1",
                            "askers": [["telegram", "1", "vi"]], "queue": [refs["u1"]]},
            "adding-1": {"flow": "admin", "op": "add", "draft": {"questions": {"vi": ["câu hỏi 1"]}},
                         "queue": [refs["r1"]]},
            "feedback-1": {"flow": "admin", "op": "fbreply", "question": "GY-X", "fid": int(refs["f1"]),
                           "askers": [["zalo", "1", "vi"]]},  # the same id on another channel is not them
            "answering-2": {"flow": "admin", "op": "reply", "askers": [["telegram", "2", "vi"]],
                            "queue": [refs["u2"]]},
        }
        for admin, state in states.items():
            await st.set_state("telegram", admin, state)
        await st.set_pending_options("zalo", "a1", [f"ad:q:{refs['u1']}", "ad:queue"])
        await st.set_pending_options("zalo", "a2", [f"ad:fbv:{refs['f1']}"])
        await st.set_pending_options("zalo", "a3", [f"ad:q:{refs['u2']}", f"ad:fbv:{refs['f1']}0"])
        counts = await st.delete_user_data("telegram", "1")
        assert (counts["flows"], counts["options"]) == (3, 2)
        left = {r["user_id"] for r in await rows(st, "conversation_state", "user_id")}
        assert left == {"answering-2"}
        assert [r["user_id"] for r in await rows(st, "pending_options", "user_id")] == ["a3"]


async def test_retention_forgets_the_references_to_what_it_purges(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as st:
        refs = await two_people_in_the_queue(st)
        old = time.time() - 40 * 86400
        for table, column in [("unanswered", "created_at"), ("ratings", "rated_at"), ("feedback", "created_at"),
                              ("questions", "asked_at")]:
            await st.db.execute(f"UPDATE {table} SET {column} = ? WHERE user_id = '1'", (old,))
        await st.audit("telegram:9", "queue_dismiss", None, {"items": [refs["u1"], refs["u2"]], "count": 2})
        await st.audit("telegram:9", "feedback_close", f"feedback:{refs['f1']}")
        counts = await st.purge_older_than(30, audit_days=730)
        assert (counts["unanswered"], counts["feedback"], counts["audit_log"]) == (1, 1, 0)
        assert counts["references"] == 2
        audit = {r["action"]: r for r in await st.audit_log()}
        assert audit["queue_dismiss"]["before"] == {"items": [refs["u2"]], "count": 2}
        assert audit["feedback_close"]["target"] == "feedback:deleted"
        # a new row may take a purged row's id: the audit record does not then name it
        await st.log_question("telegram", "3", "mới", "vi", "fallback", None, 0, unanswered=True)
        assert {r["target"] for r in await st.audit_log()} == {None, "feedback:deleted"}


async def test_audit_records_from_before_lose_the_citizens_words_on_upgrade(tmp_path):
    path = tmp_path / "bot.sqlite3"
    now = time.time()
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await migrate(db, MIGRATIONS[:PREVIOUS])
        await db.execute("INSERT INTO feedback (ref, channel, user_id, text, lang, created_at)"
                         " VALUES ('GY-AAAAAA', 'zalo', 'z1', 'Góp ý', 'vi', ?)", (now,))
        for action, target, before, after in [
            ("queue_dismiss", None, {"question": "lời người dân", "count": 2}, None),
            ("queue_reply", None, {"question": "lời người dân"}, {"text": "trả lời", "to": 1}),
            ("feedback_reply", "GY-AAAAAA", None, {"text": "Cảm ơn"}),
            ("feedback_close", "GY-GONE22", None, None),
            ("edit", "plan-overview", {"question": "an entry's field, not a citizen's"}, None),
        ]:
            await db.execute("INSERT INTO audit_log (admin, action, target, before, after, created_at)"
                             " VALUES ('telegram:9', ?, ?, ?, ?, ?)",
                             (action, target, json.dumps(before, ensure_ascii=False) if before else None,
                              json.dumps(after, ensure_ascii=False) if after else None, now))
    async with Storage(path) as st:
        audit = {r["action"]: r for r in await st.audit_log()}
        [feedback] = await rows(st, "feedback")
    assert audit["queue_dismiss"]["before"] == {"count": 2}
    assert audit["queue_reply"]["before"] == {} and audit["queue_reply"]["after"] == {"text": "trả lời", "to": 1}
    assert audit["feedback_reply"]["target"] == f"feedback:{feedback['id']}"
    assert audit["feedback_close"]["target"] == "feedback:deleted"
    assert audit["edit"]["before"] == {"question": "an entry's field, not a citizen's"}
    files = [p for p in tmp_path.iterdir() if p.name.startswith("bot.sqlite3")]
    assert not any("lời người dân".encode() in p.read_bytes() for p in files)


async def test_deleting_drops_messages_not_yet_sent_to_the_person_or_quoting_them(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as st:
        words = "Hỏi về <cảng> Nghi Sơn & khu kinh tế"
        await st.log_question("telegram", "1", words, "vi", "fallback", None, 0, unanswered=True)
        await st.add_feedback("telegram", "1", "ok", "vi")  # too short to recognise anywhere: kept
        await st.outbox_add("telegram", "1", [{"text": "an answer to them"}])
        await st.outbox_add("telegram", "-100", [{"text": f"Câu hỏi mới: {words}"}])  # the notice
        escaped = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        await st.outbox_add("telegram", "2", [{"text": f"<b>{escaped}</b> trả lời"}])  # quoted to another
        await st.outbox_add("telegram", "3", [{"text": "ok, thanks"}])  # someone else's, unrelated
        counts = await st.delete_user_data("telegram", "1")
        assert counts["outbox"] == 3
        assert [json.loads(r["op"]) for r in await rows(st, "outbox")] == [{"text": "ok, thanks"}]


async def test_the_cut_notice_of_a_long_question_is_recognised_and_dropped(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as st:
        words = "Hỏi về cảng Nghi Sơn và khu kinh tế, thủ tục đầu tư ra sao, " * 30
        await st.log_question("telegram", "1", words, "vi", "fallback", None, 0, unanswered=True)
        await st.outbox_add("telegram", "-100", [{"text": f"Câu hỏi mới: \"{clip(words)}\""}])
        assert (await st.delete_user_data("telegram", "1"))["outbox"] == 1


async def test_an_offer_to_tell_the_askers_forgets_who_deleted_their_data_or_was_purged(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as st:
        refs = await two_people_in_the_queue(st)
        await st.review_mark([refs["u1"], refs["u2"], refs["r1"]], "handled")  # the group was fixed
        offer, n = await st.followup_keep([refs["u1"], refs["u2"], refs["r1"], "u:999999"], "e")
        assert n == 2 and [r["ref"] for r in await st.followup_askers(offer)] == sorted(
            [refs["u1"], refs["u2"], refs["r1"]])
        assert (await st.delete_user_data("telegram", "1"))["followups"] == 2
        [left] = await st.followup_askers(offer)
        assert (left["channel"], left["user_id"], left["ref"]) == ("telegram", "2", refs["u2"])
        # retention purges the item (its id may be taken by someone else's next question): the
        # offer forgets it too, even before it expires
        await st.db.execute("UPDATE unanswered SET created_at = ?", (time.time() - 40 * 86400,))
        await st.purge_older_than(30)
        assert await st.followup_askers(offer) == []
        assert await st.followup_take(offer) == []
