"""The review queue: unanswered and 👎 questions, grouped, and what an administrator does with them."""

from __future__ import annotations

from tests.handlers.admin.helpers import ASK, NEW_Q
from tests.handlers.driver import CITIZEN, ZALO_ADMIN, Person, actions, citizen, deliveries_to, labels
from tests.storage_rows import rows


async def test_review_queue_new_phrasing_answers_the_original_question(chat):
    await chat.say(NEW_Q, CITIZEN)
    await chat.say("quy trinh cap the ABTC cho doanh nhan", citizen(1))
    await chat.say("giá vàng hôm nay", citizen(2))
    menu = await chat.say("/admin")
    assert "📥 Hàng chờ xem xét (2)" in labels(menu)
    queue = await chat.press("ad:queue")
    assert "(×2) quy trinh cap the ABTC cho doanh nhan" in queue.text
    group = await chat.press(queue.options[0])
    assert "Số lượt: 2" in group.text
    add_to = [a for a in actions(group) if a.startswith("ad:qa:")]
    assert add_to, "the bot suggests entries to add the question to"
    eid = add_to[0].split(":")[2]
    preview = await chat.press(add_to[0])
    assert "+ quy trinh cap the ABTC cho doanh nhan" in preview.text
    await chat.press("ad:save")
    answer = await chat.say("quy trinh cap the ABTC cho doanh nhan", citizen(3))
    assert "Câu trả lời có hữu ích không?" in answer.text
    [row] = await rows(chat.storage, "questions", channel="telegram", user_id=citizen(3).user_id)
    assert (row["outcome"], row["entry_id"]) == ("answer", eid)
    remaining = await chat.press("ad:queue")
    assert "giá vàng" in remaining.text and "ABTC" not in remaining.text


async def test_answering_a_citizen_from_the_queue_delivers_it_and_can_become_an_entry(chat):
    await chat.say(NEW_Q, CITIZEN)
    queue = await chat.press("ad:queue")
    ref = actions(queue)[0].removeprefix("ad:q:")
    await chat.press(f"ad:qr:{ref}")
    preview = await chat.say("Bạn vui lòng hỏi cơ quan xuất nhập cảnh nơi bạn ở.")
    assert "Sẽ gửi tới 1 người" in preview.text
    done = await chat.press("ad:save")
    [to_citizen] = done.deliveries
    assert deliveries_to(done, CITIZEN) == [to_citizen] and not to_citizen.quiet
    assert "Bạn vui lòng hỏi cơ quan xuất nhập cảnh" in to_citizen.text and NEW_Q in to_citizen.text
    assert "Hàng chờ đang trống" in (await chat.press("ad:queue")).text
    [row] = [r for r in await chat.storage.audit_log() if r["action"] == "queue_reply"]
    logged = str([row["target"], row["before"], row["after"]])  # not the time: "42" may be in it
    assert row["after"]["to"] == 1 and CITIZEN.user_id not in logged  # how many, not who
    assert row["before"] == {"items": [ref], "count": 1} and NEW_Q not in str(row)  # ids, not words
    # ... then turned into an entry with everything already filled in
    await chat.press("ad:qx")
    await chat.press("ad:topic:business")
    await chat.press("ad:skip")  # keep the question
    await chat.press("ad:skip")  # keep the answer
    await chat.press("ad:skip")  # no English
    await chat.press("ad:src:article-119")
    assert "Đã thêm" in (await chat.press("ad:save")).text
    assert "cơ quan xuất nhập cảnh" in (await chat.say(NEW_Q, citizen(5))).text


async def test_a_reply_reaches_each_asker_on_their_own_channel(chat):
    zalo = Person("zalo", "z9")
    await chat.say(NEW_Q, CITIZEN)
    await chat.handle(zalo, text=NEW_Q)
    queue = await chat.press("ad:queue", ZALO_ADMIN)
    assert "(×2)" in queue.text
    await chat.press(queue.options[0], ZALO_ADMIN)
    await chat.choose("Trả lời", ZALO_ADMIN)
    preview = await chat.say("Hỏi cơ quan xuất nhập cảnh.", ZALO_ADMIN)
    assert "Sẽ gửi tới 2 người" in preview.text
    done = await chat.choose("Gửi", ZALO_ADMIN)
    assert len(done.deliveries) == 2
    for person in (CITIZEN, zalo):
        [delivery] = deliveries_to(done, person)
        assert "Hỏi cơ quan xuất nhập cảnh." in delivery.text and NEW_Q in delivery.text


async def test_disliked_answers_join_the_queue_and_can_be_dismissed(chat):
    answer = await chat.say(ASK, CITIZEN)
    down = next(a for a in actions(answer) if ":down" in a)
    await chat.press(down, CITIZEN)
    queue = await chat.press("ad:queue")
    assert f"👎 {ASK}" in queue.text
    ref = actions(queue)[0].removeprefix("ad:q:")
    view = await chat.press(f"ad:q:{ref}")
    assert "resp-so-ngoai-vu" in view.text
    done = await chat.press(f"ad:qd:{ref}")
    assert "Đã bỏ qua" in done.text and "Hàng chờ đang trống" in done.text
    [row] = [r for r in await chat.storage.audit_log() if r["action"] == "queue_dismiss"]
    assert row["before"] == {"items": [ref], "count": 1} and ASK not in str(row)
    gone = await chat.press(f"ad:q:{ref}")  # the same button again: the group is dealt with
    assert "ad:queue" in actions(gone) and "Số lượt" not in gone.text


async def test_turning_a_reply_into_an_entry_needs_a_reply(chat):
    stale = await chat.press("ad:qx")
    assert "đã kết thúc" in stale.text
