"""The feedback inbox: a citizen's /gopy, read, answered on their channel, or closed."""

from __future__ import annotations

from tests.handlers.driver import CITIZEN, actions, citizen, deliveries_to
from tests.storage_rows import rows


async def send_feedback(chat, text: str, who=CITIZEN) -> None:
    await chat.say("/gopy", who)
    await chat.say(text, who)
    await chat.press("fb:skip", who)
    await chat.press("fb:skip", who)
    await chat.press("fb:send", who)


async def test_feedback_inbox_reply_reaches_the_citizen(chat):
    await send_feedback(chat, "Bot nên có thêm thông tin về hội chợ.")
    [fb] = await rows(chat.storage, "feedback")
    inbox = await chat.press("ad:fb")
    assert fb["ref"] in inbox.text and f"ad:fbv:{fb['id']}" in actions(inbox)
    view = await chat.press(f"ad:fbv:{fb['id']}")
    assert "hội chợ" in view.text
    [fb] = await rows(chat.storage, "feedback")
    assert fb["status"] == "read"
    await chat.press(f"ad:fbr:{fb['id']}")
    preview = await chat.say("Cảm ơn bạn, chúng tôi sẽ bổ sung.")
    assert "Cảm ơn bạn, chúng tôi sẽ bổ sung." in preview.text and "ad:save" in actions(preview)
    done = await chat.press("ad:save")
    [to_citizen] = done.deliveries
    assert deliveries_to(done, CITIZEN) == [to_citizen]
    assert fb["ref"] in to_citizen.text and "Cảm ơn bạn, chúng tôi sẽ bổ sung." in to_citizen.text
    [fb] = await rows(chat.storage, "feedback")
    assert fb["status"] == "replied" and fb["reply"] == "Cảm ơn bạn, chúng tôi sẽ bổ sung."
    assert "Không có góp ý" in (await chat.press("ad:fb")).text
    [logged] = [r for r in await chat.storage.audit_log() if r["action"] == "feedback_reply"]
    assert logged["target"] == f"feedback:{fb['id']}"  # by id, not the citizen's reference or words
    assert fb["ref"] not in str(logged) and "hội chợ" not in str(logged)


async def test_closing_feedback_and_a_button_for_feedback_that_is_gone(chat):
    await send_feedback(chat, "Góp ý thứ nhất.")
    await send_feedback(chat, "Góp ý thứ hai.", citizen(1))
    first, second = sorted(await rows(chat.storage, "feedback"), key=lambda f: f["id"])
    menu = await chat.say("/admin")
    assert "ad:fb" in actions(menu) and any("(2)" in o.label for o in menu.options if o.action == "ad:fb")
    closed = await chat.press(f"ad:fbc:{first['id']}")
    [logged] = [r for r in await chat.storage.audit_log() if r["action"] == "feedback_close"]
    assert logged["target"] == f"feedback:{first['id']}" and first["ref"] not in str(logged)
    assert first["ref"] in closed.text and f"ad:fbv:{second['id']}" in actions(closed)
    assert f"ad:fbv:{first['id']}" not in actions(closed)
    gone = await chat.press("ad:fbv:999999")
    assert gone.text == "Không tìm thấy góp ý này." and "ad:fb" in actions(gone)
