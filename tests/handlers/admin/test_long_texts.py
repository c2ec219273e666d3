"""Admin screens on a phone: citizens' long texts are cut (the whole text one tap away), the review
queue and the inbox page, and nothing an administrator reads needs a second message."""

from __future__ import annotations

from bot.channels import zalo
from handlers.admin.common import ONE_MESSAGE, PAGE_SIZE
from handlers.messages import utf16_len
from tests.handlers.admin.test_inbox import send_feedback
from tests.handlers.driver import CITIZEN, ZALO_ADMIN, ChatDriver, actions, citizen, labels
from tests.storage_rows import rows

SPAM = "Khuyến mãi siêu rẻ mua son môi mỹ phẩm chính hãng tặng quà hấp dẫn, nhắn tin zalo ngay hôm nay! " * 60
# nine questions the bot cannot answer, none like another: nine groups
UNKNOWN = ["giá vàng hôm nay", "thời tiết ngày mai thế nào", "lịch thi đấu bóng đá", "công thức nấu phở bò",
           "giá xăng tuần này", "giá vé xem ca nhạc", "cách chữa đau lưng", "phim hay chiếu rạp",
           "quán cà phê đẹp ở Sầm Sơn"]


def assert_cut(text: str) -> None:
    assert len(text) < ONE_MESSAGE and SPAM[:300] not in text and "…" in text


async def test_long_spam_is_cut_in_the_queue_the_group_and_stats_and_shown_whole_on_request(chat):
    await chat.say(SPAM, CITIZEN)
    [stored] = await rows(chat.storage, "unanswered")
    queue = await chat.press("ad:queue")
    assert_cut(queue.text)
    assert SPAM[:60] in queue.text  # the beginning, as it was: recognisable
    group = await chat.press(queue.options[0])
    assert_cut(group.text)
    assert "📜 Xem toàn văn" in labels(group)
    whole = await chat.choose("Xem toàn văn")
    assert stored["text"] in whole.text and len(whole.text) <= ONE_MESSAGE
    assert f"ad:q:u:{stored['id']}" in actions(whole) and "ad:queue" in actions(whole)
    stats = await chat.say("/stats")
    assert_cut(stats.text)
    reply = await chat.press(f"ad:qr:u:{stored['id']}")  # answering them quotes the question, cut
    assert_cut(reply.text)


async def test_a_short_question_has_no_whole_text_button(chat):
    await chat.say("giá vàng hôm nay", CITIZEN)
    queue = await chat.press("ad:queue")
    group = await chat.press(queue.options[0])
    assert not any(a.startswith("ad:qt:") for a in actions(group))


async def test_the_admin_chat_notice_of_a_long_question_or_feedback_is_cut(kb, matcher, tmp_path):
    chat = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3", admin_chat="-1001")
    try:
        asked = await chat.say(SPAM, CITIZEN)
        [notice] = [d for d in asked.deliveries if d.quiet]
        assert len(notice.text) < 400 and "…" in notice.text
        await send_feedback(chat, SPAM[:2900], citizen(1))
        [notice] = [d for d in chat.last[citizen(1)].deliveries if d.quiet]
        assert len(notice.text) < 400 and "…" in notice.text
    finally:
        await chat.close()


async def test_the_queue_pages_and_every_group_is_reachable(chat):
    for n, question in enumerate(UNKNOWN):
        await chat.say(question, citizen(n))
    menu = await chat.say("/admin")
    assert "📥 Hàng chờ xem xét (9)" in labels(menu)
    first = await chat.press("ad:queue")
    assert "9 nhóm" in first.text and "Trang 1/2" in first.text
    groups = [a for a in actions(first) if a.startswith("ad:q:")]
    assert len(groups) == PAGE_SIZE and "▶" in labels(first) and "◀" not in labels(first)
    second = await chat.choose("▶")
    assert "9 nhóm" in second.text and "Trang 2/2" in second.text and "\n9. " in second.text
    more = [a for a in actions(second) if a.startswith("ad:q:")]
    assert len(more) == 1 and "◀" in labels(second) and "▶" not in labels(second)
    reached = {(await chat.press(a)).text.splitlines()[0] for a in groups + more}
    assert len(reached) == len(UNKNOWN) and all(any(q in r for r in reached) for q in UNKNOWN)
    assert "Trang 2/2" in (await chat.press("ad:qp:7")).text  # an old ▶ past the end: the last page
    assert "Trang 1/2" in (await chat.choose("◀")).text


async def test_the_inbox_pages_cuts_long_feedback_and_shows_it_whole_on_request(chat):
    for n in range(PAGE_SIZE + 1):
        await send_feedback(chat, f"Góp ý số {n}: " + SPAM[:2800], citizen(n))
    menu = await chat.say("/admin")
    assert any(o.label.endswith("(9)") for o in menu.options if o.action == "ad:fb")
    first = await chat.press("ad:fb")
    assert "Góp ý chưa xử lý: 9" in first.text and "Trang 1/2" in first.text
    assert_cut(first.text)
    views = [a for a in actions(first) if a.startswith("ad:fbv:")]
    assert len(views) == PAGE_SIZE and "▶" in labels(first)
    second = await chat.choose("▶")
    views += [a for a in actions(second) if a.startswith("ad:fbv:")]
    assert len(set(views)) == 9 and "Góp ý số 0:" in second.text  # newest first: the oldest is last
    view = await chat.press(views[-1])
    assert_cut(view.text)
    [stored] = [r for r in await rows(chat.storage, "feedback") if r["text"].startswith("Góp ý số 0:")]
    whole = await chat.choose("Xem toàn văn")
    assert stored["text"] in whole.text and stored["ref"] in whole.text
    assert f"ad:fbv:{stored['id']}" in actions(whole)


async def test_emoji_spam_shown_whole_still_fits_one_message_and_is_not_offered_as_a_question(chat):
    await chat.say("🎁🎁 son môi mỹ phẩm chính hãng " * 200, CITIZEN)
    [stored] = await rows(chat.storage, "unanswered")
    whole = await chat.press(f"ad:qt:u:{stored['id']}")
    assert utf16_len(whole.text) <= ONE_MESSAGE and stored["text"][:1000] in whole.text
    await chat.press(f"ad:qn:u:{stored['id']}")  # a new entry from it: the question is typed
    phrasings = await chat.press("ad:topic:business")
    assert "son môi" not in phrasings.text and "Đã có các câu hỏi" not in phrasings.text


async def test_every_screen_full_of_spam_fits_one_zalo_message(chat):
    """Zalo's 2,000 characters, options numbered under the text, are the tightest limit."""
    for n, question in enumerate(UNKNOWN):
        spam = " ".join(f"{question} số {k}" for k in range(150))  # nine long groups, none like another
        await chat.say(spam, citizen(n))
        await chat.say(spam, citizen(n + 20))
        await send_feedback(chat, spam[:2900], citizen(n))
    screens = [await chat.press("ad:queue", ZALO_ADMIN), await chat.press("ad:qp:1", ZALO_ADMIN),
               await chat.press("ad:fb", ZALO_ADMIN), await chat.press("ad:ib:1", ZALO_ADMIN),
               await chat.say("/stats", ZALO_ADMIN)]
    assert "9 nhóm" in screens[0].text and "Góp ý chưa xử lý: 9" in screens[2].text
    screens.append(await chat.press(screens[0].options[0], ZALO_ADMIN))
    screens.append(await chat.press(screens[2].options[0], ZALO_ADMIN))
    for screen in screens:
        assert utf16_len(zalo.render(screen)) <= zalo.MAX_MESSAGE, screen.text[:80]
