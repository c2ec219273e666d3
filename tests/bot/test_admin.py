"""Administrators (issue 4), in-process through PTB's Application with a fake Bot API."""

from __future__ import annotations

import logging
import struct

import pytest

from bot.settings import Settings, SettingsError, parse_admin_ids
from tests.bot.admin_harness import ADMIN, ADMIN2, CITIZEN, AdminHarness, text_of
from tests.bot.fakes.telegram import callback, callback_data, keyboard_of, message
from tests.storage_rows import rows


@pytest.fixture
async def adm(kb, matcher, tmp_path):
    harness = await AdminHarness(kb, matcher, tmp_path / "bot.sqlite3").start()
    yield harness
    await harness.stop()


def test_admin_ids_setting():
    assert parse_admin_ids(" 123, zalo:abc ;456") == {("telegram", "123"), ("zalo", "abc"), ("telegram", "456")}
    assert parse_admin_ids("") == frozenset()
    with pytest.raises(SettingsError):
        Settings.load(env={"ADMIN_IDS": "@someone"}, env_file=None)
    with pytest.raises(SettingsError):
        Settings.load(env={"ADMIN_CHAT_ID": "admins"}, env_file=None)
    settings = Settings.load(env={"ADMIN_IDS": "1,zalo:2", "ADMIN_CHAT_ID": "-100123"}, env_file=None)
    assert settings.admins == {("telegram", "1"), ("zalo", "2")}


async def test_non_admin_gets_the_unknown_command_reply_and_is_logged(adm, caplog):
    unknown = text_of(await adm.say("/khongcolenhnay", user_id=CITIZEN))
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        refused = await adm.say("/admin", user_id=CITIZEN)
    assert text_of(refused) == unknown
    assert not any(d.startswith("ad:") for d in callback_data(refused))
    assert any("/admin refused" in r.getMessage() and str(CITIZEN) in r.getMessage() for r in caplog.records)
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        pressed = await adm.press("ad:audit", user_id=CITIZEN)
    assert "Nhật ký" not in text_of(pressed)
    assert any("admin option refused" in r.getMessage() for r in caplog.records)


async def test_admin_menu_and_audit_log(adm):
    menu = await adm.say("/admin")
    assert "Quản trị" in text_of(menu)
    assert "ad:audit" in callback_data(menu)
    empty = await adm.press("ad:audit")
    assert "Chưa có" in text_of(empty)
    await adm.storage.audit(f"telegram:{ADMIN}", "test", "x", before={"a": 1}, after={"a": 2})
    log = await adm.press("ad:audit")
    assert f"telegram:{ADMIN} · test · x" in text_of(log)
    [row] = await adm.storage.audit_log()
    assert row["before"] == {"a": 1} and row["after"] == {"a": 2}


# -- knowledge-base changes (priority 2) -----------------------------------------------------------
NEW_Q = "quy trình cấp thẻ ABTC cho doanh nhân"
NEW_ANSWER = "Thẻ đi lại của doanh nhân APEC (ABTC): câu trả lời thử nghiệm do cán bộ nhập."
ASK = "ai chủ trì kế hoạch 119"


async def add_entry(adm, phrasings: str = f"{NEW_Q}\nthu tuc xin the ABTC", answer: str = NEW_ANSWER) -> dict:
    await adm.press("ad:add")
    await adm.press("ad:topic:business")
    await adm.say(phrasings)
    await adm.say(answer)
    await adm.press("ad:skip")
    preview = await adm.press("ad:src:article-119")
    assert "Xem trước" in text_of(preview) and answer in text_of(preview)
    assert "ad:save" in callback_data(preview)
    return await adm.press("ad:save")


async def test_add_is_answerable_at_once_and_survives_a_restart(adm):
    assert "Xin lỗi" in text_of(await adm.say(NEW_Q, user_id=CITIZEN))
    saved = await add_entry(adm)
    assert "Đã thêm" in text_of(saved)
    assert any(d.startswith("ad:h:chat-") for d in callback_data(saved))  # undo a new entry: hide it
    answer = await adm.say(NEW_Q, user_id=CITIZEN)
    assert NEW_ANSWER in text_of(answer)
    assert "Nguồn:" in text_of(answer)
    [row] = [r for r in await adm.storage.audit_log() if r["action"] == "add"]
    assert row["after"]["answer"]["vi"] == NEW_ANSWER and row["before"] is None
    await adm.restart()
    assert NEW_ANSWER in text_of(await adm.say("thủ tục xin thẻ ABTC", user_id=CITIZEN))


async def test_fields_are_validated_with_clear_messages(adm, kb):
    await adm.press("ad:add")
    bad_topic = await adm.press("ad:topic:khong-co")
    assert "chủ đề \"khong-co\" không có" in text_of(bad_topic)
    await adm.press("ad:topic:plan")
    taken = kb.entries["resp-so-ngoai-vu"].questions["vi"][0]
    reply = await adm.say(f"{NEW_Q}\n{taken}")
    assert "đã thuộc câu trả lời khác (resp-so-ngoai-vu)" in text_of(reply)
    await adm.say(NEW_Q)
    empty = await adm.say("   .  ")
    assert "Chưa lưu được" not in text_of(empty)  # punctuation is an answer, if a poor one
    await adm.press("ad:add")
    await adm.press("ad:topic:plan")
    await adm.say(NEW_Q)
    too_long = await adm.say("a" * 3600)
    assert "dài 3600 ký tự; tối đa 3500" in text_of(too_long)
    await adm.press("cancel")
    assert not [r for r in await adm.storage.audit_log() if r["action"] == "add"]


async def test_edit_preview_shows_the_change_and_concurrent_save_is_refused(adm):
    view = await adm.say("/admin resp-so-ngoai-vu")
    assert "resp-so-ngoai-vu" in text_of(view) and "ad:ea:resp-so-ngoai-vu" in callback_data(view)
    # two administrators open the same answer for editing
    await adm.press("ad:ea:resp-so-ngoai-vu")
    await adm.press("ad:ea:resp-so-ngoai-vu", user_id=ADMIN2)
    preview = await adm.say("Câu trả lời mới thứ nhất.")
    assert "Cũ:" in text_of(preview) and "Mới: Câu trả lời mới thứ nhất." in text_of(preview)
    await adm.say("Câu trả lời của người thứ hai.", user_id=ADMIN2)
    saved = await adm.press("ad:save")
    assert "Đã lưu phiên bản 1" in text_of(saved)
    assert "ad:rb:resp-so-ngoai-vu:0" in callback_data(saved)  # undo: back to the file's version
    refused = await adm.press("ad:save", user_id=ADMIN2)
    assert "Chưa lưu" in text_of(refused) and f"telegram:{ADMIN}" in text_of(refused)
    assert "Câu trả lời của người thứ hai." in text_of(refused)  # their text is shown back, not lost
    assert "Câu trả lời mới thứ nhất." in text_of(await adm.say(ASK, user_id=CITIZEN))
    refusal = [r for r in await adm.storage.audit_log() if r["action"] == "save_refused"]
    assert refusal and refusal[0]["after"]["answer"]["vi"] == "Câu trả lời của người thứ hai."


async def test_empty_answer_is_refused(adm):
    await adm.press("ad:ea:resp-so-ngoai-vu")
    reply = await adm.say("/huy")
    assert "Đã hủy" in text_of(reply)
    await adm.press("ad:ea:resp-so-ngoai-vu")
    # a message of blanks reaches the flow as empty text
    from handlers.messages import Incoming

    reply = await adm.router.handle(Incoming("telegram", str(ADMIN), text="   "))
    assert "câu trả lời đang để trống" in reply.text


async def test_rollback_restores_the_earlier_answer(adm, kb):
    original = kb.entries["resp-so-ngoai-vu"].answer["vi"]
    for text in ("Phiên bản một.", "Phiên bản hai."):
        await adm.press("ad:ea:resp-so-ngoai-vu")
        await adm.say(text)
        await adm.press("ad:save")
    assert "Phiên bản hai." in text_of(await adm.say(ASK, user_id=CITIZEN))
    audit = await adm.press("ad:audit")
    detail = await adm.press(next(d for d in callback_data(audit) if d.startswith("ad:al:")))
    assert "Cũ: Phiên bản một." in text_of(detail) and "Mới: Phiên bản hai." in text_of(detail)
    history = await adm.press("ad:hist:resp-so-ngoai-vu")
    assert "v2" in text_of(history) and "ad:rb:resp-so-ngoai-vu:1" in callback_data(history)
    preview = await adm.press("ad:rb:resp-so-ngoai-vu:1")
    assert "Mới: Phiên bản một." in text_of(preview)
    assert "Đã quay về" in text_of(await adm.press("ad:save"))
    assert "Phiên bản một." in text_of(await adm.say(ASK, user_id=CITIZEN))
    await adm.press("ad:rb:resp-so-ngoai-vu:0")  # back to the file's text
    await adm.press("ad:save")
    assert original[:40] in text_of(await adm.say(ASK, user_id=CITIZEN))
    assert await adm.storage.kb_version("resp-so-ngoai-vu") == 4


async def test_edit_phrasings_and_topic(adm):
    await adm.press("ad:ep:resp-so-ngoai-vu")
    preview = await adm.say(f"{NEW_Q}\n-1")
    assert f"+ {NEW_Q}" in text_of(preview) and "− " in text_of(preview)
    await adm.press("ad:save")
    answer = await adm.say(NEW_Q, user_id=CITIZEN)
    assert "Sở Ngoại vụ" in text_of(answer)
    await adm.press("ad:et:resp-so-ngoai-vu")
    preview = await adm.press("ad:topic:business")
    assert "Chủ đề: Cơ quan nào chịu trách nhiệm → Doanh nghiệp và xúc tiến đầu tư" in text_of(preview)
    await adm.press("ad:save")
    topic = await adm.press("topic:business", user_id=CITIZEN)
    assert "entry:resp-so-ngoai-vu" in callback_data(topic)


async def test_hide_and_restore(adm):
    await adm.press("ad:h:resp-so-ngoai-vu")
    assert "Đã ẩn" in text_of(await adm.press("ad:save"))
    assert "Sở Ngoại vụ là cơ quan chủ trì" not in text_of(await adm.say(ASK, user_id=CITIZEN))
    hidden = await adm.press("ad:hidden")
    assert "ad:v:resp-so-ngoai-vu" in callback_data(hidden)
    view = await adm.press("ad:v:resp-so-ngoai-vu")
    assert "ĐANG ẨN" in text_of(view)
    await adm.press("ad:r:resp-so-ngoai-vu")
    assert "Đã khôi phục" in text_of(await adm.press("ad:save"))
    assert "Sở Ngoại vụ là cơ quan chủ trì" in text_of(await adm.say(ASK, user_id=CITIZEN))


async def test_find_by_words_and_stale_buttons(adm):
    await adm.press("ad:find")
    found = await adm.say("ai chủ trì kế hoạch")
    assert "ad:v:resp-so-ngoai-vu" in callback_data(found)
    stale = await adm.press("ad:save")
    assert "đã kết thúc" in text_of(stale)


# -- review queue and reload (priority 3) --------------------------------------------------------------
async def test_review_queue_new_phrasing_answers_the_original_question(adm):
    await adm.say(NEW_Q, user_id=CITIZEN)
    await adm.say("quy trinh cap the ABTC cho doanh nhan", user_id=CITIZEN + 1)
    await adm.say("giá vàng hôm nay", user_id=CITIZEN + 2)
    menu = await adm.say("/admin")
    assert "📥 Hàng chờ xem xét (2)" in [b["text"] for row in keyboard_of(menu) for b in row]
    queue = await adm.press("ad:queue")
    assert f"(×2) {'quy trinh cap the ABTC cho doanh nhan'}" in text_of(queue)
    group = await adm.press(callback_data(queue)[0])
    assert "Số lượt: 2" in text_of(group)
    add_to = [d for d in callback_data(group) if d.startswith("ad:qa:")]
    assert add_to, "the bot suggests entries to add the question to"
    eid = add_to[0].split(":")[2]
    preview = await adm.press(add_to[0])
    assert "+ quy trinh cap the ABTC cho doanh nhan" in text_of(preview)
    await adm.press("ad:save")
    answer = await adm.say("quy trinh cap the ABTC cho doanh nhan", user_id=CITIZEN + 3)
    assert "Câu trả lời có hữu ích không?" in text_of(answer)
    [row] = [q for q in await rows(adm.storage, "questions", channel="telegram", user_id=str(CITIZEN + 3))]
    assert (row["outcome"], row["entry_id"]) == ("answer", eid)
    remaining = await adm.press("ad:queue")
    assert "giá vàng" in text_of(remaining) and "ABTC" not in text_of(remaining)


async def test_answering_a_citizen_from_the_queue_delivers_it_and_can_become_an_entry(adm):
    await adm.say(NEW_Q, user_id=CITIZEN)
    queue = await adm.press("ad:queue")
    ref = callback_data(queue)[0].removeprefix("ad:q:")
    await adm.press(f"ad:qr:{ref}")
    preview = await adm.say("Bạn vui lòng hỏi cơ quan xuất nhập cảnh nơi bạn ở.")
    assert "Sẽ gửi tới 1 người" in text_of(preview)
    calls = await adm.feed(callback("ad:save", user_id=ADMIN))
    sent = [p for n, p in calls if n == "sendMessage"]
    to_citizen = [p for p in sent if p["chat_id"] == CITIZEN]
    assert len(to_citizen) == 1 and "Bạn vui lòng hỏi cơ quan xuất nhập cảnh" in text_of(to_citizen[0])
    assert NEW_Q in text_of(to_citizen[0])
    to_admin = [p for p in sent if p["chat_id"] == ADMIN][-1]
    assert "Đã chuyển tới: 1 người; không chuyển được: 0" in text_of(to_admin)
    assert "Hàng chờ đang trống" in text_of(await adm.press("ad:queue"))
    # ... then turned into an entry with everything already filled in
    await adm.press("ad:qx")
    await adm.press("ad:topic:business")
    await adm.press("ad:skip")  # keep the question
    await adm.press("ad:skip")  # keep the answer
    await adm.press("ad:skip")  # no English
    await adm.press("ad:src:article-119")
    assert "Đã thêm" in text_of(await adm.press("ad:save"))
    assert "cơ quan xuất nhập cảnh" in text_of(await adm.say(NEW_Q, user_id=CITIZEN + 5))


async def test_disliked_answers_join_the_queue_and_can_be_dismissed(adm):
    answer = await adm.say(ASK, user_id=CITIZEN)
    down = next(d for d in callback_data(answer) if ":down" in d)
    await adm.press(down, user_id=CITIZEN)
    queue = await adm.press("ad:queue")
    assert f"👎 {ASK}" in text_of(queue)
    ref = callback_data(queue)[0].removeprefix("ad:q:")
    view = await adm.press(f"ad:q:{ref}")
    assert "resp-so-ngoai-vu" in text_of(view)
    done = await adm.press(f"ad:qd:{ref}")
    assert "Đã bỏ qua" in text_of(done) and "Hàng chờ đang trống" in text_of(done)
    assert any(r["action"] == "queue_dismiss" for r in await adm.storage.audit_log())


async def test_reload_with_a_broken_file_keeps_the_running_knowledge_base(kb, matcher, kb_copy, tmp_path):
    adm = await AdminHarness(kb, matcher, tmp_path / "r.sqlite3", knowledge_dir=kb_copy).start()
    try:
        plan = kb_copy / "entries" / "plan.yaml"
        good = plan.read_text(encoding="utf-8")
        lines = good.splitlines()
        line_no = next(i for i, line in enumerate(lines, 1) if line.strip() == "topic: plan")
        lines[line_no - 1] = lines[line_no - 1].replace("topic: plan", "topic: khong-co-chu-de")
        plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (kb_copy / "entries" / "broken.yaml").write_text("entries:\n- id: [unclosed\n", encoding="utf-8")
        reply = await adm.say("/reload")
        text = text_of(reply)
        assert "Không tải lại được" in text
        assert f"plan.yaml:{line_no}:" in text and "khong-co-chu-de" in text
        assert "broken.yaml:" in text
        assert "Sở Ngoại vụ" in text_of(await adm.say(ASK, user_id=CITIZEN))
        # fixed: the reload goes through, and a file change supersedes a chat edit, with a note
        await adm.press("ad:ea:resp-so-ngoai-vu")
        await adm.say("Bản sửa từ chat.")
        await adm.press("ad:save")
        (kb_copy / "entries" / "broken.yaml").unlink()
        resp = kb_copy / "entries" / "responsibilities.yaml"
        resp.write_text(resp.read_text(encoding="utf-8").replace(
            "Sở Ngoại vụ là cơ quan chủ trì", "Theo tệp mới, Sở Ngoại vụ là cơ quan chủ trì", 1), encoding="utf-8")
        plan.write_text(good, encoding="utf-8")
        ok = await adm.say("/reload")
        assert "Đã tải lại" in text_of(ok) and "resp-so-ngoai-vu" in text_of(ok)
        assert "Theo tệp mới" in text_of(await adm.say(ASK, user_id=CITIZEN))
        assert "resp-so-ngoai-vu" in text_of(await adm.say("/admin"))  # the note stays visible
        history = await adm.press("ad:hist:resp-so-ngoai-vu")
        assert "ad:rb:resp-so-ngoai-vu:1" in callback_data(history)  # the chat version can come back
        await adm.press("ad:rb:resp-so-ngoai-vu:1")
        await adm.press("ad:save")
        assert "Bản sửa từ chat." in text_of(await adm.say(ASK, user_id=CITIZEN))
        assert "resp-so-ngoai-vu" not in text_of(await adm.say("/admin"))  # in force again: no note
    finally:
        await adm.stop()


# -- feedback inbox, statistics, announcements (priority 4) ------------------------------------------
async def test_feedback_inbox_reply_reaches_the_citizen(adm):
    await adm.say("/gopy", user_id=CITIZEN)
    await adm.say("Bot nên có thêm thông tin về hội chợ.", user_id=CITIZEN)
    await adm.press("fb:skip", user_id=CITIZEN)
    await adm.press("fb:skip", user_id=CITIZEN)
    await adm.press("fb:send", user_id=CITIZEN)
    [fb] = await rows(adm.storage, "feedback")
    inbox = await adm.press("ad:fb")
    assert fb["ref"] in text_of(inbox)
    view = await adm.press(f"ad:fbv:{fb['id']}")
    assert "hội chợ" in text_of(view)
    await adm.press(f"ad:fbr:{fb['id']}")
    await adm.say("Cảm ơn bạn, chúng tôi sẽ bổ sung.")
    calls = await adm.feed(callback("ad:save", user_id=ADMIN))
    to_citizen = [p for n, p in calls if n == "sendMessage" and p["chat_id"] == CITIZEN]
    assert len(to_citizen) == 1 and fb["ref"] in text_of(to_citizen[0])
    assert "Cảm ơn bạn, chúng tôi sẽ bổ sung." in text_of(to_citizen[0])
    [fb] = await rows(adm.storage, "feedback")
    assert fb["status"] == "replied" and fb["reply"] == "Cảm ơn bạn, chúng tôi sẽ bổ sung."
    assert "Không có góp ý" in text_of(await adm.press("ad:fb"))


async def test_stats_as_text(adm):
    await adm.say(ASK, user_id=CITIZEN)
    await adm.say("giá vàng hôm nay", user_id=CITIZEN)
    calls = await adm.feed(message("/stats", user_id=ADMIN))
    stats = text_of([p for n, p in calls if n == "sendMessage"][-1])
    assert "hôm nay 2" in stats and "trả lời được 50%" in stats and "giá vàng hôm nay (×1)" in stats
    assert "Xanh lá: trả lời được" in stats
    [photo] = [p for n, p in calls if n == "sendPhoto"]
    [(_, content)] = photo["_files"].items()
    png = content if isinstance(content, bytes) else content.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width > 30 * 18 and height == 240
    refused = text_of(await adm.say("/stats", user_id=CITIZEN))
    assert "Tôi không hiểu lệnh này" in refused


async def test_broadcast_reaches_opted_in_users_only(adm):
    assert "đã đăng ký" in text_of(await adm.say("/dangky", user_id=CITIZEN))
    await adm.say("/dangky", user_id=CITIZEN + 1)
    await adm.say("/huydangky", user_id=CITIZEN + 1)
    await adm.say("xin chào", user_id=CITIZEN + 2)  # never subscribed
    prompt = await adm.press("ad:bc")
    assert "1 người" in text_of(prompt)
    await adm.say("Hội nghị xúc tiến đầu tư sẽ được thông báo sau.")
    calls = await adm.feed(callback("ad:save", user_id=ADMIN))
    sent = [p for n, p in calls if n == "sendMessage"]
    assert [p["chat_id"] for p in sent if p["chat_id"] != ADMIN] == [CITIZEN]
    assert "Hội nghị xúc tiến đầu tư" in text_of(sent[0])
    assert "Đã chuyển tới: 1 người; không chuyển được: 0" in text_of(sent[-1])
    assert any(r["action"] == "broadcast" for r in await adm.storage.audit_log())
    audit = await adm.press("ad:audit")
    detail = text_of(await adm.press(next(d for d in callback_data(audit) if d.startswith("ad:al:"))))
    assert "gửi thông báo" in detail and "Sau:" in detail and "Hội nghị xúc tiến đầu tư" in detail


async def test_a_large_broadcast_reports_progress(adm):
    for uid in range(5000, 5060):
        await adm.storage.arrive("telegram", str(uid))
        await adm.storage.set_opted_in("telegram", str(uid), True)
    await adm.press("ad:bc")
    await adm.say("Thông báo chung.")
    calls = await adm.feed(callback("ad:save", user_id=ADMIN))
    delivered = [p for n, p in calls if n == "sendMessage" and p["chat_id"] != ADMIN]
    assert len(delivered) == 60
    progress = [p for n, p in calls if n == "editMessageText" and p["chat_id"] == ADMIN]
    assert progress and "50/60" in text_of(progress[0])
    final = [p for n, p in calls if n == "sendMessage" and p["chat_id"] == ADMIN][-1]
    assert "Đã chuyển tới: 60 người" in text_of(final)


# -- export and import as documents ----------------------------------------------------------------------
async def export_file(adm, fmt: str) -> tuple[str, bytes]:
    calls = await adm.feed(callback(f"ad:x{fmt}", user_id=ADMIN))
    [doc] = [p for n, p in calls if n == "sendDocument"]
    [(_, content)] = doc["_files"].items()
    data = content if isinstance(content, bytes) else content.read()
    return f"kb.{fmt}", data


async def upload(adm, name: str, data: bytes, user_id: int = ADMIN) -> dict:
    file_id = f"f{len(adm.request.files)}"
    adm.request.files[file_id] = data
    doc = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": len(data)}
    calls = await adm.feed(message(None, user_id=user_id, extra={"document": doc}))
    return [p for n, p in calls if n == "sendMessage"][-1]


async def test_csv_and_yaml_export_then_import_shows_no_changes(adm, kb):
    for fmt in ("csv", "yaml"):
        name, data = await export_file(adm, fmt)
        if fmt == "csv":
            assert data.startswith("\ufeff".encode()) and data.count(b"\r\n") >= len(kb.entries)
        reply = await upload(adm, name, data)
        assert "không có gì thay đổi" in text_of(reply), text_of(reply)


async def test_import_previews_changes_and_applies_them_on_confirm(adm):
    import csv
    import io

    _, data = await export_file(adm, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    for row in rows:
        if row["id"] == "resp-so-ngoai-vu":
            row["answer_vi"] = "Câu trả lời sửa trong Excel."
    rows = [r for r in rows if r["id"] != "plan-overview"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    preview = await upload(adm, "kb.csv", out.getvalue().encode("utf-8"))
    assert "thêm 0, sửa 1, ẩn 1, khôi phục 0" in text_of(preview)
    assert "resp-so-ngoai-vu" in text_of(preview) and "plan-overview" in text_of(preview)
    assert "Sở Ngoại vụ là cơ quan chủ trì" in text_of(await adm.say(ASK, user_id=CITIZEN))  # not yet
    assert "Đã nhập" in text_of(await adm.press("ad:save"))
    assert "Câu trả lời sửa trong Excel." in text_of(await adm.say(ASK, user_id=CITIZEN))
    assert "ad:v:plan-overview" in callback_data(await adm.press("ad:hidden"))


async def test_a_broken_import_lists_its_problems_and_changes_nothing(adm):
    bad = ("id,topic,questions_vi,answer_vi,sources\r\n"
           "resp-so-ngoai-vu,khong-co,ai chủ trì,,article-119\r\n"
           ",plan,câu hỏi,trả lời,article-119\r\n").encode()
    reply = text_of(await upload(adm, "kb.csv", bad))
    assert "chưa nhập gì" in reply
    assert "dòng 2 (resp-so-ngoai-vu): chủ đề \"khong-co\"" in reply and "câu trả lời đang để trống" in reply
    assert "dòng 3: thiếu mã" in reply
    assert "tệp YAML không đúng cú pháp" in text_of(await upload(adm, "kb.yaml", b"entries: [\n  - id: x\n  bad"))
    assert await adm.storage.kb_latest() == []
    citizen = text_of(await upload(adm, "kb.csv", bad, user_id=CITIZEN))
    assert "chỉ đọc được tin nhắn chữ" in citizen


async def test_admin_chat_is_told_about_new_questions_and_feedback(kb, matcher, tmp_path):
    adm = await AdminHarness(kb, matcher, tmp_path / "n.sqlite3", ADMIN_CHAT_ID="-100500").start()
    try:
        calls = await adm.feed(message("giá vàng hôm nay", user_id=CITIZEN))
        [notice] = [p for n, p in calls if n == "sendMessage" and p["chat_id"] == -100500]
        assert "giá vàng hôm nay" in text_of(notice)
        citizen_reply = [p for n, p in calls if n == "sendMessage" and p["chat_id"] == CITIZEN]
        assert "Đã chuyển tới" not in text_of(citizen_reply[0])  # the citizen never sees the notice
        calls = await adm.feed(message("giá xăng hôm nay", user_id=CITIZEN + 1))
        assert not [p for n, p in calls if p.get("chat_id") == -100500]  # one notice per 10 minutes
        await adm.say("/gopy", user_id=CITIZEN)
        await adm.say("Góp ý thử.", user_id=CITIZEN)
        await adm.press("fb:skip", user_id=CITIZEN)
        await adm.press("fb:skip", user_id=CITIZEN)
        calls = await adm.feed(callback("fb:send", user_id=CITIZEN))
        [notice] = [p for n, p in calls if n == "sendMessage" and p["chat_id"] == -100500]
        assert "Góp ý mới GY-" in text_of(notice) and "Góp ý thử." in text_of(notice)
    finally:
        await adm.stop()


async def test_daily_digest(adm):
    from bot.runner import seconds_until_digest, send_digest

    seven = 1_767_225_600  # 01/01/2026 07:00 in Vietnam
    assert seconds_until_digest(seven) == 3600
    assert seconds_until_digest(seven + 3600) == 86400  # 08:00 sharp: the next one is tomorrow
    assert seconds_until_digest(seven + 3600 + 60) == 86400 - 60
    await adm.say("giá vàng hôm nay", user_id=CITIZEN)
    before = len(adm.request.calls)
    assert await send_digest(adm.outbound, adm.router, "-100500")
    [(name, params), (photo, _)] = adm.request.calls[before:]
    assert name == "sendMessage" and params["chat_id"] == -100500 and photo == "sendPhoto"
    assert "Tóm tắt hằng ngày" in text_of(params) and "giá vàng hôm nay (×1)" in text_of(params)


async def test_a_telegram_admin_answers_a_zalo_citizen_through_the_zalo_sender(adm):
    from handlers.messages import Incoming

    received: list[tuple[str, str]] = []

    async def zalo_send(user_id: str, text: str) -> bool:
        received.append((user_id, text))
        return True

    adm.outbound.register("zalo", zalo_send)
    await adm.router.handle(Incoming("zalo", "z9", text=NEW_Q))
    queue = await adm.press("ad:queue")
    ref = callback_data(queue)[0].removeprefix("ad:q:")
    await adm.press(f"ad:qr:{ref}")
    await adm.say("Câu trả lời cho người dùng Zalo.")
    done = await adm.press("ad:save")
    assert received and received[0][0] == "z9" and "Câu trả lời cho người dùng Zalo." in received[0][1]
    assert "Đã chuyển tới: 1 người; không chuyển được: 0" in text_of(done)


async def test_daily_outcomes_count_by_vietnam_day(tmp_path):
    from bot.storage import Storage

    now = 1_700_000_000.0  # 14/11/2023 05:13 in Vietnam
    async with Storage(tmp_path / "d.sqlite3") as st:
        for at, outcome in ((now, "answer"), (now - 6 * 3600, "fallback"), (now - 86400, "answer"),
                            (now - 40 * 86400, "answer")):
            await st.db.execute("INSERT INTO questions (channel, user_id, text, lang, outcome, asked_at)"
                                " VALUES ('t', '1', 'q', 'vi', ?, ?)", (outcome, at))
        days = await st.daily_outcomes(30, now)
    assert len(days) == 30
    assert days[-1] == {"answer": 1}  # 05:13 today
    assert days[-2] == {"answer": 1, "fallback": 1}  # 23:13 yesterday (Vietnam time) and a day ago
    assert sum(sum(d.values()) for d in days) == 3  # 40 days ago is outside


def test_admin_options_fit_telegram_callback_data_for_every_entry(kb):
    # the longest admin option carries an entry id and a review-queue reference
    for eid in kb.entries:
        assert len(f"ad:qa:{eid}:r:9999999999".encode()) <= 64, eid


async def test_every_entry_keeps_a_vietnamese_question(adm, kb):
    count = len(kb.entries["resp-so-ngoai-vu"].questions["vi"])
    await adm.press("ad:ep:resp-so-ngoai-vu")
    reply = await adm.say("\n".join(f"-{i}" for i in range(1, count + 1)))
    assert "cần ít nhất một câu hỏi tiếng Việt" in text_of(reply)
    preview = await adm.say("-1")  # the refused removals were not kept: one removal is fine
    assert text_of(preview).count("− ") == 1
    await adm.press("ad:add")
    await adm.press("ad:topic:business")
    await adm.say("What is the ABTC card procedure for business people?")
    await adm.say(NEW_ANSWER)
    await adm.press("ad:skip")
    await adm.press("ad:src:article-119")
    assert "Đã thêm" in text_of(await adm.press("ad:save"))
    [row] = [r for r in await adm.storage.kb_latest() if r["entry_id"].startswith("chat-")]
    assert row["data"]["questions"]["vi"] == ["What is the ABTC card procedure for business people?"]


async def test_a_flow_in_progress_survives_a_restart(adm):
    await adm.press("ad:ea:resp-so-ngoai-vu")
    await adm.restart()
    preview = await adm.say("Bản sửa sau khi khởi động lại.")
    assert "Mới: Bản sửa sau khi khởi động lại." in text_of(preview)
    await adm.restart()
    assert "Đã lưu phiên bản 1" in text_of(await adm.press("ad:save"))
    assert "Bản sửa sau khi khởi động lại." in text_of(await adm.say(ASK, user_id=CITIZEN))
    pick = await adm.press("ad:h:resp-so-ngoai-vu")
    assert "Chọn \"Lưu và áp dụng\"" in text_of(pick)
    typed = await adm.say("lưu đi")  # a preview waits for a button, not text
    assert "Ở bước này bạn hãy chọn" in text_of(typed) and "ad:save" in callback_data(typed)
