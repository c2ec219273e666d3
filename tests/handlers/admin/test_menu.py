"""Who reaches the administrator tools, and the menu they get."""

from __future__ import annotations

import logging

from tests.handlers.driver import ADMIN, CITIZEN, ZALO_ADMIN, actions, labels


async def test_non_admin_gets_the_unknown_command_reply_and_is_logged(chat, caplog):
    unknown = await chat.say("/khongcolenhnay", CITIZEN)
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        refused = await chat.say("/admin", CITIZEN)
    assert refused.text == unknown.text
    assert not any(a.startswith("ad:") for a in actions(refused))
    assert any("/admin refused" in r.getMessage() and CITIZEN.user_id in r.getMessage() for r in caplog.records)
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        pressed = await chat.press("ad:audit", CITIZEN)
    assert "Nhật ký" not in pressed.text
    assert any("admin option refused" in r.getMessage() for r in caplog.records)


async def test_the_menu_offers_every_area_on_any_channel(chat):
    for who in (ADMIN, ZALO_ADMIN):
        menu = await chat.say("/admin", who)
        assert "Quản trị" in menu.text
        assert actions(menu) == ["ad:queue", "ad:fb", "ad:stats", "ad:bc", "ad:add", "ad:find", "ad:hidden",
                                 "ad:ct", "ad:io", "ad:reload", "ad:audit"]
        assert "📥 Hàng chờ xem xét" in labels(menu)


async def test_an_unknown_or_old_option_shows_the_menu(chat):
    for action in ("ad:nosuchthing", "ad:menu", "ad:al:notanumber"):
        assert "Quản trị" in (await chat.press(action)).text


async def test_an_administrator_removed_mid_flow_is_answered_as_a_citizen(chat, kb, matcher, tmp_path):
    from tests.handlers.driver import ChatDriver

    await chat.press("ad:ea:resp-so-ngoai-vu")
    await chat.close()
    demoted = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3", admins=())
    try:
        reply = await demoted.press("ad:save")
        assert reply.status == "fallback" and "Đã lưu" not in reply.text
        answer = await demoted.say("ai chủ trì kế hoạch 119")
        assert answer.status == "answer"  # the open flow ended: the text is a question again
    finally:
        await demoted.close()
