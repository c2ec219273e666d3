"""Closing the loop: once a review group has its answer in an entry, the people who asked can be
sent it, each on their channel and in their language; someone who deleted their data is not."""

from __future__ import annotations

import time

from tests.handlers.admin.helpers import NEW_ANSWER, NEW_Q
from tests.handlers.driver import CITIZEN, Person, actions, citizen, deliveries_to
from tests.storage_rows import rows

ZALO = Person("zalo", "z9")


async def ask_three(chat) -> None:
    await chat.say(NEW_Q, CITIZEN)
    await chat.say("quy trinh cap the ABTC cho doanh nhan", citizen(1))
    await chat.press("lang:en", ZALO)  # English menus: the answer reaches them in English
    await chat.handle(ZALO, text="quy trình cấp thẻ ABTC cho doanh nhân")


async def add_as_phrasing(chat):
    queue = await chat.press("ad:queue")
    group = await chat.press(queue.options[0])
    assert "Số lượt: 3" in group.text
    add_to = next(a for a in actions(group) if a.startswith("ad:qa:"))
    await chat.press(add_to)
    return add_to.split(":")[2], await chat.press("ad:save")


async def test_the_askers_of_a_fixed_group_receive_the_answer_in_their_language(chat):
    await ask_three(chat)
    eid, saved = await add_as_phrasing(chat)
    entry = chat.kb.entries[eid]
    assert "3 người đã hỏi câu này" in saved.text and not saved.deliveries
    offer = next(o for o in saved.options if o.action.startswith("ad:fu:"))
    assert offer.label == "📨 Gửi câu trả lời cho 3 người đã hỏi"
    assert "Hàng chờ đang trống" in (await chat.press("ad:queue")).text  # the group left the queue
    preview = await chat.press(offer)
    assert "tới 3 người đã hỏi" in preview.text and entry.answer["vi"][:80] in preview.text
    assert not preview.deliveries  # nothing goes before the confirmation
    done = await chat.choose("Gửi cho 3 người")
    assert "cho 3 người đã hỏi" in done.text and len(done.deliveries) == 3
    for person, question in ((CITIZEN, NEW_Q), (citizen(1), "quy trinh cap the ABTC cho doanh nhan")):
        [to_them] = deliveries_to(done, person)
        assert f'Bạn đã hỏi: "{question}"' in to_them.text and entry.answer["vi"][:80] in to_them.text
        assert not to_them.quiet
    [to_zalo] = deliveries_to(done, ZALO)
    assert "You asked:" in to_zalo.text and entry.answer["en"][:80] in to_zalo.text
    again = await chat.press(offer)  # the same button later: sent once
    assert "đã hết hạn hoặc đã được xử lý" in again.text and not again.deliveries
    assert not (await chat.press(f"ad:fus:{offer.action.split(':')[2]}")).deliveries
    assert await rows(chat.storage, "followups", "ref") == []
    [logged] = [r for r in await chat.storage.audit_log() if r["action"] == "followup_send"]
    assert logged["before"]["count"] == 3 and logged["after"] == {"to": 3}
    assert all(ref.startswith(("u:", "r:")) for ref in logged["before"]["items"])
    assert NEW_Q not in str(logged) and ZALO.user_id not in str(logged)  # ids of items, not who


async def test_an_asker_who_deleted_their_data_is_not_sent_anything_nor_counted(chat):
    await chat.say(NEW_Q, CITIZEN)
    await chat.say("quy trinh cap the ABTC cho doanh nhan", citizen(1))
    queue = await chat.press("ad:queue")
    ref = actions(queue)[0].removeprefix("ad:q:")
    await chat.press(f"ad:qn:{ref}")  # a new entry from the group
    await chat.press("ad:topic:business")
    await chat.press("ad:skip")  # keep the question
    await chat.say(NEW_ANSWER)
    await chat.press("ad:skip")  # no English
    await chat.press("ad:src:article-119")
    saved = await chat.press("ad:save")
    assert "Đã thêm" in saved.text and "2 người đã hỏi" in saved.text
    await chat.say("/xoadulieu", citizen(1))
    await chat.press("del:yes", citizen(1))
    assert {r["user_id"] for r in await rows(chat.storage, "followups", "ref")} == {CITIZEN.user_id}
    preview = await chat.choose("Gửi câu trả lời")
    assert "tới 1 người đã hỏi" in preview.text and NEW_ANSWER in preview.text
    done = await chat.choose("Gửi cho 1 người")
    [delivery] = done.deliveries
    assert deliveries_to(done, CITIZEN) == [delivery] and NEW_ANSWER in delivery.text
    assert "cho 1 người đã hỏi" in done.text


async def test_declining_or_letting_the_offer_expire_sends_nothing(chat):
    await ask_three(chat)
    eid, saved = await add_as_phrasing(chat)
    refs = [r["ref"] for r in await rows(chat.storage, "followups", "ref")]
    await chat.press(next(a for a in actions(saved) if a.startswith("ad:fu:")))
    declined = await chat.choose("Không gửi")
    assert "không gửi cho ai" in declined.text and not declined.deliveries
    assert await rows(chat.storage, "followups", "ref") == []
    later, n = await chat.storage.followup_keep(refs, eid)
    assert n == 3
    await chat.storage.db.execute("UPDATE followups SET created_at = ?", (time.time() - 8 * 86400,))
    expired = await chat.press(f"ad:fu:{later}")
    assert "đã hết hạn" in expired.text and not expired.deliveries
    await chat.storage.followup_keep(refs, eid)  # keeping another offer drops the expired one
    assert {r["created_at"] > time.time() - 60 for r in await rows(chat.storage, "followups", "ref")} == {True}
    assert not (await chat.press(f"ad:fus:{later}")).deliveries
