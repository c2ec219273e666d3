"""/gopy through the chat driver: the steps, their checks, and what reaches the administrators."""

from __future__ import annotations

import pytest

from tests.handlers.driver import CITIZEN, ChatDriver, actions, citizen
from tests.storage_rows import rows


@pytest.fixture
async def chat(kb, matcher, tmp_path):
    driver = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3", admin_chat="-100500")
    yield driver
    await driver.close()


async def test_feedback_in_steps_with_name_and_email(chat):
    start = await chat.say("/gopy", CITIZEN)
    assert "tối đa 3000 ký tự" in start.text and actions(start) == ["cancel"]
    assert "dài hơn 3000" in (await chat.say("x" * 3001, CITIZEN)).text
    name = await chat.say("Bot nên có thêm thông tin về hội chợ.", CITIZEN)
    assert actions(name) == ["fb:skip", "cancel"]
    assert "tối đa 100 ký tự" in (await chat.say("N" * 101, CITIZEN)).text
    email = await chat.say("Nguyễn Văn A", CITIZEN)
    assert "E-mail" in email.text
    assert "chưa đúng" in (await chat.say("khong-phai-email", CITIZEN)).text
    preview = await chat.say("a@example.org", CITIZEN)
    assert "Nguyễn Văn A" in preview.text and "a@example.org" in preview.text
    assert actions(preview) == ["fb:send", "cancel"]
    assert "Bạn chọn \"Gửi\"" in (await chat.say("gửi đi", CITIZEN)).text  # a button, not text
    done = await chat.press("fb:send", CITIZEN)
    [fb] = await rows(chat.storage, "feedback")
    assert fb["ref"] in done.text and done.notice == fb["ref"]
    assert (fb["name"], fb["email"], fb["channel"]) == ("Nguyễn Văn A", "a@example.org", "telegram")
    [notice] = done.deliveries  # the administrators' group hears of it, quietly
    assert notice.quiet and (notice.channel, notice.user_id) == ("telegram", "-100500")
    assert fb["ref"] in notice.text and "hội chợ" in notice.text


async def test_skipped_fields_and_cancel(chat):
    await chat.say("/gopy", CITIZEN)
    await chat.say("Góp ý ngắn.", CITIZEN)
    await chat.press("fb:skip", CITIZEN)
    preview = await chat.press("fb:skip", CITIZEN)
    assert preview.text.count("(không có)") == 2
    await chat.press("fb:send", CITIZEN)
    await chat.say("/gopy", citizen(1))
    await chat.say("Sẽ hủy.", citizen(1))
    assert "Đã hủy" in (await chat.press("cancel", citizen(1))).text
    assert [f["text"] for f in await rows(chat.storage, "feedback")] == ["Góp ý ngắn."]
    stale = await chat.press("fb:send", citizen(1))  # the button of a cancelled flow sends nothing
    assert len(await rows(chat.storage, "feedback")) == 1 and "Mã góp ý" not in stale.text


async def test_the_administrators_group_hears_of_unanswered_questions_once_in_a_while(chat):
    first = await chat.say("giá vàng hôm nay", CITIZEN)
    [notice] = first.deliveries
    assert first.status == "fallback" and notice.quiet and "giá vàng hôm nay" in notice.text
    second = await chat.say("giá xăng hôm nay", citizen(1))
    assert second.deliveries == []  # at most one notice per 10 minutes
