"""Entries: add, edit, hide, restore, find, history and rollback, through the chat."""

from __future__ import annotations

from tests.handlers.admin.helpers import ASK, NEW_ANSWER, NEW_Q, add_entry
from tests.handlers.driver import ADMIN, ADMIN2, CITIZEN, actions, citizen


async def test_add_is_answerable_at_once_and_survives_a_restart(chat):
    assert "Xin lỗi" in (await chat.say(NEW_Q, CITIZEN)).text
    saved = await add_entry(chat)
    assert "Đã thêm" in saved.text
    assert any(a.startswith("ad:h:chat-") for a in actions(saved))  # undo a new entry: hide it
    answer = await chat.say(NEW_Q, CITIZEN)
    assert NEW_ANSWER in answer.text and "Nguồn:" in answer.text
    [row] = [r for r in await chat.storage.audit_log() if r["action"] == "add"]
    assert row["after"]["answer"]["vi"] == NEW_ANSWER and row["before"] is None
    assert row["admin"] == str(ADMIN)
    await chat.restart()
    assert NEW_ANSWER in (await chat.say("thủ tục xin thẻ ABTC", CITIZEN)).text


async def test_fields_are_validated_with_clear_messages(chat, kb):
    await chat.press("ad:add")
    bad_topic = await chat.press("ad:topic:khong-co")
    assert "chủ đề \"khong-co\" không có" in bad_topic.text
    await chat.press("ad:topic:plan")
    taken = kb.entries["resp-so-ngoai-vu"].questions["vi"][0]
    reply = await chat.say(f"{NEW_Q}\n{taken}")
    assert "đã thuộc câu trả lời khác (resp-so-ngoai-vu)" in reply.text
    await chat.say(NEW_Q)
    empty = await chat.say("   .  ")
    assert "Chưa lưu được" not in empty.text  # punctuation is an answer, if a poor one
    await chat.press("ad:add")
    await chat.press("ad:topic:plan")
    await chat.say(NEW_Q)
    too_long = await chat.say("a" * 3600)
    assert "dài 3600 ký tự; tối đa 3500" in too_long.text
    await chat.press("cancel")
    assert not [r for r in await chat.storage.audit_log() if r["action"] == "add"]


async def test_a_bad_source_is_refused_and_the_source_asked_again(chat):
    await chat.press("ad:add")
    await chat.press("ad:topic:business")
    await chat.say(NEW_Q)
    await chat.say(NEW_ANSWER)
    sources = await chat.press("ad:skip")
    assert "ad:src:article-119" in actions(sources)
    bad = await chat.press("ad:src:khong-co")
    assert "khong-co" in bad.text and "ad:src:article-119" in actions(bad)
    typed = await chat.say("article-119")  # the source is picked, not typed
    assert "Ở bước này bạn hãy chọn" in typed.text


async def test_edit_preview_shows_the_change_and_concurrent_save_is_refused(chat):
    view = await chat.say("/admin resp-so-ngoai-vu")
    assert "resp-so-ngoai-vu" in view.text and "ad:ea:resp-so-ngoai-vu" in actions(view)
    # two administrators open the same answer for editing
    await chat.press("ad:ea:resp-so-ngoai-vu")
    await chat.press("ad:ea:resp-so-ngoai-vu", ADMIN2)
    preview = await chat.say("Câu trả lời mới thứ nhất.")
    assert "Cũ:" in preview.text and "Mới: Câu trả lời mới thứ nhất." in preview.text
    await chat.say("Câu trả lời của người thứ hai.", ADMIN2)
    saved = await chat.press("ad:save")
    assert "Đã lưu phiên bản 1" in saved.text
    assert "ad:rb:resp-so-ngoai-vu:0" in actions(saved)  # undo: back to the file's version
    refused = await chat.press("ad:save", ADMIN2)
    assert "Chưa lưu" in refused.text and str(ADMIN) in refused.text
    assert "Câu trả lời của người thứ hai." in refused.text  # their text is shown back, not lost
    assert "Câu trả lời mới thứ nhất." in (await chat.say(ASK, CITIZEN)).text
    refusal = [r for r in await chat.storage.audit_log() if r["action"] == "save_refused"]
    assert refusal and refusal[0]["after"]["answer"]["vi"] == "Câu trả lời của người thứ hai."


async def test_empty_answer_is_refused(chat):
    await chat.press("ad:ea:resp-so-ngoai-vu")
    assert "Đã hủy" in (await chat.say("/huy")).text
    await chat.press("ad:ea:resp-so-ngoai-vu")
    reply = await chat.say("   ")  # a message of blanks reaches the flow as empty text
    assert "câu trả lời đang để trống" in reply.text


async def test_rollback_restores_the_earlier_answer(chat, kb):
    original = kb.entries["resp-so-ngoai-vu"].answer["vi"]
    for text in ("Phiên bản một.", "Phiên bản hai."):
        await chat.press("ad:ea:resp-so-ngoai-vu")
        await chat.say(text)
        await chat.press("ad:save")
    assert "Phiên bản hai." in (await chat.say(ASK, CITIZEN)).text
    history = await chat.press("ad:hist:resp-so-ngoai-vu")
    assert "v2" in history.text and "ad:rb:resp-so-ngoai-vu:1" in actions(history)
    preview = await chat.press("ad:rb:resp-so-ngoai-vu:1")
    assert "Mới: Phiên bản một." in preview.text
    assert "Đã quay về" in (await chat.press("ad:save")).text
    assert "Phiên bản một." in (await chat.say(ASK, CITIZEN)).text
    await chat.press("ad:rb:resp-so-ngoai-vu:0")  # back to the file's text
    await chat.press("ad:save")
    assert original[:40] in (await chat.say(ASK, CITIZEN)).text
    assert await chat.storage.kb_version("resp-so-ngoai-vu") == 4
    lines = (await chat.press("ad:hist:resp-so-ngoai-vu")).text.splitlines()
    assert any(line.startswith("v1 ") and "sửa (Trả lời (tiếng Việt))" in line for line in lines)
    assert any(line.startswith("v3 ") and "(→ v1)" in line for line in lines)  # to which version
    assert any(line.startswith("v4 ") and "(→ v0)" in line for line in lines)
    view = await chat.press("ad:v:resp-so-ngoai-vu")
    assert "bản trong tệp YAML" in view.text and "đang thay cho" not in view.text  # the file's text again
    assert "Không tìm thấy" in (await chat.press("ad:rb:resp-so-ngoai-vu:99")).text  # no such version


async def test_edit_phrasings_and_topic(chat):
    await chat.press("ad:ep:resp-so-ngoai-vu")
    preview = await chat.say(f"{NEW_Q}\n-1")
    assert f"+ {NEW_Q}" in preview.text and "− " in preview.text
    await chat.press("ad:save")
    assert "Sở Ngoại vụ" in (await chat.say(NEW_Q, CITIZEN)).text
    await chat.press("ad:et:resp-so-ngoai-vu")
    preview = await chat.press("ad:topic:business")
    assert "Chủ đề: Cơ quan nào chịu trách nhiệm → Doanh nghiệp và xúc tiến đầu tư" in preview.text
    await chat.press("ad:save")
    topic = await chat.press("topic:business", CITIZEN)
    assert "entry:resp-so-ngoai-vu" in actions(topic)


async def test_hide_and_restore(chat):
    await chat.press("ad:h:resp-so-ngoai-vu")
    assert "Đã ẩn" in (await chat.press("ad:save")).text
    assert "Sở Ngoại vụ là cơ quan chủ trì" not in (await chat.say(ASK, CITIZEN)).text
    hidden = await chat.press("ad:hidden")
    assert "ad:v:resp-so-ngoai-vu" in actions(hidden)
    view = await chat.press("ad:v:resp-so-ngoai-vu")
    assert "ĐANG ẨN" in view.text
    await chat.press("ad:r:resp-so-ngoai-vu")
    assert "Đã khôi phục" in (await chat.press("ad:save")).text
    assert "Sở Ngoại vụ là cơ quan chủ trì" in (await chat.say(ASK, CITIZEN)).text


async def test_find_by_words_and_stale_buttons(chat):
    await chat.press("ad:find")
    found = await chat.say("ai chủ trì kế hoạch")
    assert "ad:v:resp-so-ngoai-vu" in actions(found)
    stale = await chat.press("ad:save")
    assert "đã kết thúc" in stale.text


async def test_every_entry_keeps_a_vietnamese_question(chat, kb):
    count = len(kb.entries["resp-so-ngoai-vu"].questions["vi"])
    await chat.press("ad:ep:resp-so-ngoai-vu")
    reply = await chat.say("\n".join(f"-{i}" for i in range(1, count + 1)))
    assert "cần ít nhất một câu hỏi tiếng Việt" in reply.text
    preview = await chat.say("-1")  # the refused removals were not kept: one removal is fine
    assert preview.text.count("− ") == 1
    await chat.press("ad:add")
    await chat.press("ad:topic:business")
    await chat.say("What is the ABTC card procedure for business people?")
    await chat.say(NEW_ANSWER)
    await chat.press("ad:skip")
    await chat.press("ad:src:article-119")
    assert "Đã thêm" in (await chat.press("ad:save")).text
    [row] = [r for r in await chat.storage.kb_latest() if r["entry_id"].startswith("chat-")]
    assert row["data"]["questions"]["vi"] == ["What is the ABTC card procedure for business people?"]


async def test_a_flow_in_progress_survives_a_restart(chat):
    await chat.press("ad:ea:resp-so-ngoai-vu")
    await chat.restart()
    preview = await chat.say("Bản sửa sau khi khởi động lại.")
    assert "Mới: Bản sửa sau khi khởi động lại." in preview.text
    await chat.restart()
    assert "Đã lưu phiên bản 1" in (await chat.press("ad:save")).text
    assert "Bản sửa sau khi khởi động lại." in (await chat.say(ASK, citizen(1))).text
    pick = await chat.press("ad:h:resp-so-ngoai-vu")
    assert "Chọn \"Lưu và áp dụng\"" in pick.text
    typed = await chat.say("lưu đi")  # a preview waits for a button, not text
    assert "Ở bước này bạn hãy chọn" in typed.text and "ad:save" in actions(typed)


async def test_history_and_audit_name_administrators_as_officials_know_them(kb, matcher, tmp_path):
    from tests.handlers.driver import ChatDriver

    chat = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3", admin_names={str(ADMIN): "Nguyễn Văn A"})
    try:
        await chat.press("ad:ea:resp-so-ngoai-vu")
        await chat.say("Phiên bản một.")
        await chat.press("ad:save")
        history = await chat.press("ad:hist:resp-so-ngoai-vu")
        assert "v1 · " in history.text and "Nguyễn Văn A" in history.text and str(ADMIN) not in history.text
        assert "Nguyễn Văn A" in (await chat.press("ad:audit")).text
    finally:
        await chat.close()


async def test_the_source_picker_pages_with_short_labels(chat, kb):
    await chat.press("ad:add")
    await chat.press("ad:topic:business")
    await chat.say(NEW_Q)
    await chat.say(NEW_ANSWER)
    first = await chat.press("ad:skip")
    sources = [a for a in actions(first) if a.startswith("ad:src:")]
    assert 0 < len(sources) <= 6 and "ad:pg:1" in actions(first) and "Trang 1/" in first.text
    assert all(len(o.label) <= 40 for o in first.options if o.action.startswith("ad:src:"))
    seen = set(sources)
    page = first
    while "ad:pg:" + str(len(seen) // 6) in actions(page) and len(seen) < len(kb.sources):
        page = await chat.press("ad:pg:" + str(len(seen) // 6))
        seen |= {a for a in actions(page) if a.startswith("ad:src:")}
    assert seen == {f"ad:src:{sid}" for sid in kb.sources}  # every source reachable
    preview = await chat.press(sorted(seen)[-1])
    assert "Xem trước" in preview.text


async def test_without_admin_names_the_history_shows_the_platforms_name_of_administrators_only(chat):
    await chat.handle(ADMIN, text="/admin", name="Trần Thị B")
    await chat.handle(CITIZEN, text="ai chủ trì kế hoạch 119", name="Người Dân C")
    await chat.press("ad:ea:resp-so-ngoai-vu")
    await chat.say("Phiên bản một.")
    await chat.press("ad:save")
    history = await chat.press("ad:hist:resp-so-ngoai-vu")
    assert "v1 · " in history.text and "Trần Thị B" in history.text
    assert await chat.storage.display_names() == {str(ADMIN): "Trần Thị B"}  # never a citizen's name
