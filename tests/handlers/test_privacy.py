"""/privacy and /xoadulieu: what the bot says it keeps, and that a deletion leaves nothing behind,
not in administrators' records, not in flows in progress, not in the database files' bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.handlers.driver import ADMIN, ADMIN2, CITIZEN, ChatDriver, actions, citizen
from tests.storage_rows import rows

# Words no knowledge-base entry has, so the questions fall back and join the review queue; the
# accented letters make the JSON-escaped form differ from the UTF-8 one.
MARKER = "Quỳnhxyzzy7731"
QUESTIONS = [f"{MARKER} hỏi về cảng biển", f"{MARKER} trồng lúa nước ở đồng bằng",
             f"{MARKER} thời tiết ngày mai"]
FEEDBACK = f"{MARKER} góp ý về trang web"


@pytest.fixture
async def chat(kb, matcher, tmp_path):
    driver = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3")
    yield driver
    await driver.close()


def forms(marker: str) -> list[bytes]:
    """The marker as the database could hold it: UTF-8, JSON with \\u escapes, and its ASCII core
    (which survives any escaping of the accented letters)."""
    return [marker.encode(), json.dumps(marker)[1:-1].encode(), b"xyzzy7731"]


def leftovers(db_path: Path) -> dict[str, list[bytes]]:
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db_path}{suffix}")
        if path.exists():
            data = path.read_bytes()
            hits = [form for form in forms(MARKER) if form in data]
            if hits:
                found[path.name] = hits
    return found


async def send_feedback(chat: ChatDriver, text: str, who=CITIZEN) -> None:
    await chat.say("/gopy", who)
    await chat.say(text, who)
    await chat.say(f"{MARKER} Nguyễn", who)  # a name, given
    await chat.press("fb:skip", who)
    await chat.press("fb:send", who)


async def group_of(chat: ChatDriver, text: str, who=ADMIN) -> str:
    queue = await chat.press("ad:queue", who)
    [ref] = [o.action.removeprefix("ad:q:") for o in queue.options if text in o.label]
    return ref


async def test_deleting_leaves_no_byte_of_the_person_in_the_database_files(kb, matcher, tmp_path):
    chat = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3", admin_chat="-100")
    try:
        await deleting_leaves_no_byte(chat)
    finally:
        await chat.close()


async def deleting_leaves_no_byte(chat: ChatDriver) -> None:
    for i, question in enumerate(QUESTIONS):
        reply = await chat.say(question, CITIZEN)
        # as the channels do: every message goes through the outbox; the first reply was sent
        # (and left it), the rest and the notice to the administrators' chat wait for a retry
        for delivery in reply.deliveries:
            await chat.storage.outbox_add(delivery.channel, delivery.user_id, [{"text": delivery.text}])
        [row_id] = await chat.storage.outbox_add("telegram", CITIZEN.user_id, [{"text": f"{reply.text} {question}"}])
        if i == 0:
            await chat.storage.outbox_sent(row_id)
    assert any(MARKER in r["op"] and r["address"] == "-100" for r in await rows(chat.storage, "outbox"))
    await chat.say("ai chủ trì kế hoạch 119", citizen(1))  # someone else, who stays
    await send_feedback(chat, FEEDBACK)
    # an administrator answers one question, dismisses another, replies to the feedback ...
    await chat.press(f"ad:qr:{await group_of(chat, 'cảng biển')}")
    await chat.say("Xin hỏi Cảng vụ Hàng hải Thanh Hóa.")
    assert (await chat.press("ad:save")).deliveries
    await chat.press(f"ad:qd:{await group_of(chat, 'lúa nước')}")
    [fb] = await rows(chat.storage, "feedback")
    await chat.press(f"ad:fbv:{fb['id']}")
    await chat.press(f"ad:fbr:{fb['id']}")
    await chat.say("Cảm ơn bạn đã góp ý.")
    await chat.press("ad:save")
    # ... and another is half-way through answering the third
    await chat.press(f"ad:qr:{await group_of(chat, 'thời tiết', ADMIN2)}", ADMIN2)
    assert "Sẽ gửi tới 1 người" in (await chat.say("Xem dự báo thời tiết.", ADMIN2)).text
    audit_before = await rows(chat.storage, "audit_log")
    assert len(audit_before) == 3 and not any(MARKER in json.dumps(r, ensure_ascii=False)
                                              for r in audit_before)
    assert leftovers(chat.db_path)  # the test can see the marker while it is stored

    await chat.say("/xoadulieu", CITIZEN)
    assert "Đã xóa" in (await chat.press("del:yes", CITIZEN)).text

    assert leftovers(chat.db_path) == {}  # while the bot keeps running
    audit = await rows(chat.storage, "audit_log")
    assert [(r["id"], r["admin"], r["action"]) for r in audit] == [
        (r["id"], r["admin"], r["action"]) for r in audit_before]  # administrators' records stay
    by_action = {r["action"]: r for r in audit}
    assert json.loads(by_action["queue_reply"]["before"]) == {"items": [], "count": 1}
    assert json.loads(by_action["queue_dismiss"]["before"]) == {"items": [], "count": 1}
    assert by_action["feedback_reply"]["target"] == "feedback:deleted"
    assert json.loads(by_action["feedback_reply"]["after"]) == {"text": "Cảm ơn bạn đã góp ý."}
    # the half-written answer to the person is gone with them
    assert await rows(chat.storage, "conversation_state", "user_id", user_id=ADMIN2.user_id) == []
    assert "Sẽ gửi" not in (await chat.press("ad:save", ADMIN2)).text
    assert len(await rows(chat.storage, "questions")) == 1  # the other citizen's question
    assert not any(MARKER in r["op"] for r in await rows(chat.storage, "outbox"))
    await chat.close()
    assert leftovers(chat.db_path) == {}


async def test_turning_a_reply_into_an_entry_after_the_asker_deleted_it_keeps_the_answer(chat):
    await chat.say(QUESTIONS[0], CITIZEN)
    await chat.press(f"ad:qr:{await group_of(chat, 'cảng biển')}")
    await chat.say("Xin hỏi Cảng vụ Hàng hải Thanh Hóa.")
    await chat.press("ad:save")
    await chat.say("/xoadulieu", CITIZEN)
    await chat.press("del:yes", CITIZEN)
    await chat.press("ad:qx")
    await chat.press("ad:topic:business")
    asked = chat.last[ADMIN]
    assert MARKER not in asked.text  # the question went with the person; the answer is the official's
    state = (await rows(chat.storage, "conversation_state", "user_id", user_id=ADMIN.user_id))[0]
    draft = json.loads(state["state"])["draft"]
    assert draft["questions"] == {"vi": [], "en": []}
    assert draft["answer"]["vi"] == "Xin hỏi Cảng vụ Hàng hải Thanh Hóa."


async def test_the_question_is_still_filled_in_while_it_is_stored(chat):
    await chat.say(QUESTIONS[0], CITIZEN)
    await chat.press(f"ad:qr:{await group_of(chat, 'cảng biển')}")
    await chat.say("Xin hỏi Cảng vụ Hàng hải Thanh Hóa.")
    await chat.press("ad:save")
    await chat.press("ad:qx")
    state = (await rows(chat.storage, "conversation_state", "user_id", user_id=ADMIN.user_id))[0]
    assert json.loads(state["state"])["draft"]["questions"]["vi"] == [QUESTIONS[0]]


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_privacy_states_the_periods_and_what_deletion_removes(kb, matcher, tmp_path, lang):
    chat = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3")
    chat.router.retention_days, chat.router.backup_days = 123, 9
    try:
        await chat.say("/lang", CITIZEN)
        await chat.press(f"lang:{lang}", CITIZEN)
        text = (await chat.say("/privacy", CITIZEN)).text
        assert "123" in text and "9" in text
        assert ("nhật ký" in text) if lang == "vi" else ("log" in text)
        chat.router.backup_days = 0
        reply = await chat.say("/privacy", CITIZEN)
        assert "123" in reply.text and " 9 " not in reply.text and "privacy:delete" in actions(reply)
    finally:
        await chat.close()
