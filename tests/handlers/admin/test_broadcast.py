"""Announcements: to the people who opted in with /dangky, and to nobody else."""

from __future__ import annotations

import json

from tests.handlers.driver import CITIZEN, actions, citizen


async def test_broadcast_reaches_opted_in_users_only(chat):
    assert "đã đăng ký" in (await chat.say("/dangky", CITIZEN)).text
    await chat.say("/dangky", citizen(1))
    await chat.say("/huydangky", citizen(1))
    await chat.say("xin chào", citizen(2))  # never subscribed
    prompt = await chat.press("ad:bc")
    assert "1 người" in prompt.text and actions(prompt) == ["cancel"]
    preview = await chat.say("Hội nghị xúc tiến đầu tư sẽ được thông báo sau.")
    assert "Hội nghị xúc tiến đầu tư" in preview.text and actions(preview) == ["ad:save", "cancel"]
    done = await chat.press("ad:save")
    assert [(d.channel, d.user_id) for d in done.deliveries] == [(CITIZEN.channel, CITIZEN.user_id)]
    assert "Hội nghị xúc tiến đầu tư" in done.deliveries[0].text
    [row] = [r for r in await chat.storage.audit_log() if r["action"] == "broadcast"]
    assert row["after"] == {"text": "Hội nghị xúc tiến đầu tư sẽ được thông báo sau.", "to": 1}
    audit = await chat.press("ad:audit")
    detail = await chat.press(next(a for a in actions(audit) if a.startswith("ad:al:")))
    assert "gửi thông báo" in detail.text and "Sau:" in detail.text
    assert json.dumps("Hội nghị xúc tiến đầu tư", ensure_ascii=False)[1:-1] in detail.text


async def test_an_empty_announcement_is_refused_and_cancel_sends_nothing(chat):
    await chat.say("/dangky", CITIZEN)
    await chat.press("ad:bc")
    refused = await chat.say("   ")
    assert "câu trả lời đang để trống" in refused.text
    await chat.say("Thông báo thử.")
    assert "Đã hủy" in (await chat.press("cancel")).text
    assert not [r for r in await chat.storage.audit_log() if r["action"] == "broadcast"]
    assert "đã kết thúc" in (await chat.press("ad:save")).text
