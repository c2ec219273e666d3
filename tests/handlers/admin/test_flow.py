"""The flow engine: states saved before an upgrade go on, unreadable ones end cleanly."""

from __future__ import annotations

from handlers.admin import flow
from handlers.admin.broadcast import Message
from knowledge.overlay import entry_to_dict, fingerprint
from tests.handlers.admin.helpers import ASK
from tests.handlers.driver import ADMIN, CITIZEN, actions
from tests.storage_rows import rows


async def save_raw(chat, state: dict) -> None:
    await chat.storage.open()
    await chat.storage.set_state(ADMIN.channel, ADMIN.user_id, state)


async def test_states_as_the_previous_version_saved_them_go_on(chat, kb):
    entry = kb.entries["resp-so-ngoai-vu"]
    data = entry_to_dict(entry)
    # an edit saved without the optional fields (no "queue")
    await save_raw(chat, {"flow": "admin", "op": "edit", "step": "answer", "id": entry.id, "base": 0,
                          "fp": fingerprint(entry), "draft": entry_to_dict(entry), "orig": data})
    preview = await chat.say("Bản sửa từ trước khi nâng cấp.")
    assert "Mới: Bản sửa từ trước khi nâng cấp." in preview.text
    assert "Đã lưu phiên bản 1" in (await chat.press("ad:save")).text
    assert "Bản sửa từ trước khi nâng cấp." in (await chat.say(ASK, CITIZEN)).text
    # an announcement saved before its text was typed (no "text", "fid" or "queue")
    await chat.say("/dangky", CITIZEN)
    await save_raw(chat, {"flow": "admin", "op": "broadcast", "step": "reply", "question": "", "askers": [],
                          "count": 1})
    assert "1 người" in (await chat.say("Thông báo.")).text
    assert len((await chat.press("ad:save")).deliveries) == 1


async def test_a_state_this_version_cannot_read_ends_with_a_notice(chat):
    for state in ({"flow": "admin", "op": "nosuchop", "step": "x"},
                  {"flow": "admin", "op": "edit", "step": "nosuchstep"},
                  {"flow": "admin", "op": "edit", "step": "answer"}):  # its fields missing
        await save_raw(chat, state)
        reply = await chat.say("xin chào")
        assert "đã kết thúc" in reply.text and "ad:queue" in actions(reply)
        assert await rows(chat.storage, "conversation_state", order="updated_at", user_id=ADMIN.user_id) == []


def test_a_state_saves_as_the_conversation_state_it_loads_from():
    state = Message("reply", "preview", question="q", askers=[["zalo", "z9", "vi"]], queue=["u:1"], text="t")
    raw = state.to_dict()
    assert raw["flow"] == flow.FLOW and raw["op"] == "reply" and raw["queue"] == ["u:1"]
    assert flow.load(raw) == state
    assert state.recipients == 1 and Message("broadcast", "reply", question="", askers=[], count=7).recipients == 7
