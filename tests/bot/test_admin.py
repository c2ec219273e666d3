"""Administrators over Telegram, in-process through PTB's Application with a fake Bot API: what
only Telegram does (delivery reports, progress edits, photos, files, the administrators' group).
The flows themselves are tested channel-neutrally in tests/handlers/admin/."""

from __future__ import annotations

import struct

import pytest

from bot.settings import Settings, SettingsError, parse_admin_ids
from tests.bot.admin_harness import ADMIN, CITIZEN, AdminHarness, text_of
from tests.bot.fakes.telegram import callback, callback_data, keyboard_of, message


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


NEW_Q = "quy trình cấp thẻ ABTC cho doanh nhân"
ASK = "ai chủ trì kế hoạch 119"


async def test_a_reply_from_the_queue_reaches_the_citizens_chat_and_is_reported(adm):
    await adm.say(NEW_Q, user_id=CITIZEN)
    queue = await adm.press("ad:queue")
    group = await adm.press_label(queue, NEW_Q)
    await adm.press_label(group, "Trả lời")
    preview = await adm.say("Bạn vui lòng hỏi cơ quan xuất nhập cảnh nơi bạn ở.")
    assert "Sẽ gửi tới 1 người" in text_of(preview) and keyboard_of(preview)[0][0]["callback_data"] == "ad:save"
    calls = await adm.feed(callback("ad:save", user_id=ADMIN))
    sent = [p for n, p in calls if n == "sendMessage"]
    to_citizen = [p for p in sent if p["chat_id"] == CITIZEN]
    assert len(to_citizen) == 1 and "Bạn vui lòng hỏi cơ quan xuất nhập cảnh" in text_of(to_citizen[0])
    to_admin = [p for p in sent if p["chat_id"] == ADMIN][-1]
    assert "Đã chuyển tới: 1 người; không chuyển được: 0" in text_of(to_admin)


async def test_stats_come_as_text_and_a_photo(adm):
    await adm.say(ASK, user_id=CITIZEN)
    await adm.say("giá vàng hôm nay", user_id=CITIZEN)
    calls = await adm.feed(message("/stats", user_id=ADMIN))
    stats = text_of([p for n, p in calls if n == "sendMessage"][-1])
    assert "hôm nay 2" in stats and "Biểu đồ: số câu hỏi mỗi ngày" in stats
    [photo] = [p for n, p in calls if n == "sendPhoto"]
    [(_, content)] = photo["_files"].items()
    png = content if isinstance(content, bytes) else content.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1000, 700)  # as drawn: Telegram's photo keeps it sharp


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


async def test_csv_and_yaml_export_as_documents_then_import_by_upload_shows_no_changes(adm, kb):
    for fmt in ("csv", "yaml"):
        name, data = await export_file(adm, fmt)
        if fmt == "csv":
            assert data.startswith("\ufeff".encode()) and data.count(b"\r\n") >= len(kb.entries)
        reply = await upload(adm, name, data)
        assert "không có gì thay đổi" in text_of(reply), text_of(reply)
    assert "chỉ đọc được tin nhắn chữ" in text_of(await upload(adm, "kb.csv", data, user_id=CITIZEN))


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


async def test_the_askers_of_a_fixed_group_are_sent_the_answer_on_their_channels_and_it_is_counted(adm):
    from handlers.messages import Incoming

    received: list[tuple[str, str]] = []

    async def zalo_send(user_id: str, text: str) -> bool:
        received.append((user_id, text))
        return True

    adm.outbound.register("zalo", zalo_send)
    await adm.say(NEW_Q, user_id=CITIZEN)
    await adm.router.handle(Incoming("zalo", "z9", text=NEW_Q))
    queue = await adm.press("ad:queue")
    group = await adm.press_label(queue, NEW_Q)
    await adm.press_label(group, "Thêm vào")
    saved = await adm.press("ad:save")
    assert "2 người đã hỏi câu này" in text_of(saved)
    preview = await adm.press_label(saved, "Gửi câu trả lời")
    assert "tới 2 người đã hỏi" in text_of(preview)
    calls = await adm.feed(callback(keyboard_of(preview)[0][0]["callback_data"], user_id=ADMIN))
    sent = [p for n, p in calls if n == "sendMessage"]
    [to_citizen] = [p for p in sent if p["chat_id"] == CITIZEN]
    assert f'Bạn đã hỏi: "{NEW_Q}"' in text_of(to_citizen)
    assert received and received[0][0] == "z9" and f'Bạn đã hỏi: "{NEW_Q}"' in received[0][1]
    to_admin = [p for p in sent if p["chat_id"] == ADMIN][-1]
    assert "Đã chuyển tới: 2 người; không chuyển được: 0" in text_of(to_admin)


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

