"""The Zalo channel over real HTTP on 127.0.0.1, against a fake Zalo Bot API server: polling,
numbered options, long replies, the webhook and its secret, body shapes, non-text events, retries."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import sqlite3

import aiohttp
import pytest

from bot.channels.base import Inbound, Pipeline
from bot.channels.numbered import number_hint
from bot.channels.zalo import (
    MAX_MESSAGE,
    SECRET_HEADER,
    ZaloChannel,
    render,
    split_message,
    webhook_url,
)
from bot.channels.zalo_api import ZaloAPI, ZaloError, parse_update, unwrap
from bot.runner import flood_guard, run
from bot.settings import Settings, SettingsError
from bot.storage import Storage
from handlers.messages import Document, Option, Reply
from handlers.router import Router
from tests.bot.fakes.zalo_api import TOKEN, FakeZaloAPI, event_update, text_update
from tests.bot.fakes.zalo_api import zalo_settings as settings_for

ASK = "ai chủ trì kế hoạch 119"
SECRET = "zalo-s3cret-value"


def run_zalo(router: Router, settings: Settings, *, api: ZaloAPI | None = None, **kwargs):
    return run(router, settings, ["zalo"], options={"zalo": {"poll_timeout": 1, "api": api}}, **kwargs)


def channel_for(router: Router, settings: Settings, api: ZaloAPI | None = None) -> ZaloChannel:
    return ZaloChannel(Pipeline(router, flood_guard(settings)), settings, api=api)


class Running:
    """The runner with Zalo alone, in a task; ``ask`` sends a text update and returns the next reply's text."""

    def __init__(self, zapi: FakeZaloAPI, router: Router, settings: Settings, **kwargs):
        self.zapi, self.router, self.settings = zapi, router, settings
        self.stop = asyncio.Event()
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        api = ZaloAPI(settings.ZALO_BOT_TOKEN, settings.ZALO_BASE_URL, backoff=0.05)
        self.task = asyncio.create_task(run_zalo(
            router, settings, stop=self.stop, api=api,
            on_ready=lambda server: self.ready.set_result(server), **kwargs))

    async def ask(self, text: str, user_id: str = "z100") -> str:
        """The whole reply: every part sent until the bot has been quiet for a moment."""
        before = len(self.zapi.sent(user_id))
        await self.zapi.push(text_update(text, user_id))
        await self.zapi.wait_for("sendMessage", before + 1, chat_id=user_id)
        count = 0
        while count != len(self.zapi.sent(user_id)):
            count = len(self.zapi.sent(user_id))
            await asyncio.sleep(0.1)
        return "\n\n".join(self.zapi.sent(user_id)[before:])

    async def close(self) -> int:
        self.stop.set()
        return await asyncio.wait_for(self.task, 20)


# -- parsing and rendering ---------------------------------------------------------------------
def test_bare_and_wrapped_bodies_and_either_name_field():
    bare = text_update("xin chào", "u1")
    wrapped = {"ok": True, "result": text_update("xin chào", "u1", name_key="first_name")}
    assert unwrap(bare) == [bare] and unwrap(wrapped) == [wrapped["result"]]
    assert unwrap({"ok": False, "error_code": 408, "description": "none"}) == []
    assert unwrap([bare, wrapped]) == [bare, wrapped["result"]]
    for body in (bare, wrapped):
        [update] = unwrap(body)
        event = parse_update(update)
        assert event is not None and (event.kind, event.user_id, event.text, event.name) == \
            ("text", "u1", "xin chào", "Người dân")


def test_non_text_events_bots_and_groups():
    for name in ("message.image.received", "message.sticker.received"):
        event = parse_update(event_update(name, "u2"))
        assert event is not None and event.kind == "non_text"
    withheld = parse_update(event_update("message.unsupported.received", "u2"))
    assert withheld is not None and withheld.kind == "unsupported"  # a protected sender: its own reply
    from_bot = text_update("hi", "u3")
    from_bot["message"]["from"]["is_bot"] = True
    group = text_update("hi", "u3")
    group["message"]["chat"]["chat_type"] = "GROUP"
    assert parse_update(from_bot) is None and parse_update(group) is None
    assert parse_update({"event_name": "user.follow"}) is None


def test_options_render_as_a_numbered_list_with_a_short_rating_row():
    reply = Reply("Câu trả lời.", "answer", "vi", [
        Option("👍", "rate:x:up", row="rate"), Option("👎", "rate:x:down", row="rate"),
        Option("Câu liên quan", "entry:y")])
    text = render(reply)
    assert "1. 👍   2. 👎\n3. Câu liên quan" in text
    assert text.endswith("Gõ số 1, 2 hoặc 3 để chọn.")
    assert number_hint(2, "en") == "Type 1 or 2 to choose."
    assert number_hint(1, "vi") == "Gõ số 1 để chọn."
    assert number_hint(9, "vi") == "Gõ số từ 1 đến 9 để chọn."
    assert render(Reply("Chỉ có chữ.", "info")) == "Chỉ có chữ."


def test_a_text_that_already_lists_the_options_is_numbered_in_place_not_repeated():
    options = [Option("Kế hoạch 119 là gì", "topic:plan"), Option("Liên hệ", "topic:contacts")]
    welcome = Reply("Tôi trả lời về:\n• Kế hoạch 119 là gì\n• Liên hệ\n\nGõ /help.", "menu", "vi", options)
    assert render(welcome) == "Tôi trả lời về:\n1. Kế hoạch 119 là gì\n2. Liên hệ\n\nGõ /help.\n\nGõ số 1 hoặc 2 để chọn."
    clarify = Reply("Có phải bạn muốn hỏi:\n1. Kế hoạch 119 là gì\n2. Liên hệ", "clarify", "vi", options)
    assert render(clarify).count("Liên hệ") == 1
    partly = Reply("Tôi trả lời về:\n• Kế hoạch 119 là gì", "menu", "vi", options)  # not all listed
    assert render(partly).count("Kế hoạch 119 là gì") == 2 and "\n\n1. Kế hoạch 119 là gì\n2. Liên hệ" in render(partly)


def test_long_replies_split_at_boundaries_never_mid_word():
    sentence = "Tỉnh Thanh Hóa tăng cường ngoại giao kinh tế với các đối tác quốc tế. "
    paragraphs = [sentence * 12, sentence * 40, "Một đoạn ngắn.", sentence * 9]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_message(text)
    assert len(parts) > 1 and all(1 <= len(p) <= MAX_MESSAGE for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())  # nothing lost or cut
    words = set(text.split())
    for part in parts:
        assert part.split()[0] in words and part.split()[-1] in words


def test_settings_and_webhook_url():
    with pytest.raises(SettingsError):
        Settings.load(env={"ZALO_WEBHOOK_SECRET": "short"}, env_file=None)
    defaults = Settings.load(env={}, env_file=None)
    assert defaults.ZALO_BASE_URL == "https://bot-api.zaloplatforms.com"
    assert webhook_url(Settings(WEBHOOK_URL="https://x.example/telegram")) == "https://x.example/zalo"
    assert webhook_url(Settings(ZALO_WEBHOOK_URL="https://z.example/zalo")) == "https://z.example/zalo"
    assert webhook_url(Settings()) == ""


def test_files_are_pointed_to_telegram_and_the_stats_chart_left_out():
    chart = Reply("Thống kê", "info", "vi", documents=[Document("chart.png", b"png", photo=True)])
    assert render(chart) == "Thống kê"
    export = Reply("Xuất dữ liệu", "info", "vi", [Option("Menu", "menu")], documents=[Document("kb.csv", b"id")])
    text = render(export)
    assert "kb.csv" in text and "Telegram" in text and text.endswith("Gõ số 1 để chọn.")


def test_a_typed_option_number_counts_as_a_tap(router):
    channel = channel_for(router, Settings(ZALO_BOT_TOKEN="x"))
    assert channel.is_tap(Inbound("u", text=" 3. ")) and channel.is_tap(Inbound("u", action="menu"))
    assert not channel.is_tap(Inbound("u", text="thủ tục 3 bước")) and not channel.is_tap(Inbound("u"))

async def test_polling_goes_on_after_an_unexpected_error(kb, matcher, caplog):
    bot = channel_for(Router(kb, matcher, Storage(":memory:")), Settings(ZALO_BOT_TOKEN="x"))
    stop = asyncio.Event()
    calls: list[str] = []

    async def call(method: str, payload: dict | None = None, **kwargs) -> None:
        calls.append(method)
        if len(calls) == 1:
            raise RuntimeError("something no one expected")
        stop.set()  # the second poll: the loop survived

    bot.api.call = call  # type: ignore[method-assign]
    try:
        await asyncio.wait_for(bot.poll(stop, 1), 10)
    finally:
        await bot.api.close()
    assert calls == ["getUpdates", "getUpdates"] and "unexpected error" in caplog.text


# -- over HTTP ---------------------------------------------------------------------------------
async def test_polling_question_in_answer_out(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    bot = Running(zapi, router, settings)
    try:
        answer = await bot.ask(ASK)
        assert "Sở Ngoại vụ" in answer
        assert "1. 👍   2. 👎" in answer and "Gõ số" in answer
    finally:
        assert await bot.close() == 0
    assert zapi.methods()[0] == "getMe" and "deleteWebhook" in zapi.methods()
    with sqlite3.connect(settings.BOT_DB_PATH) as db:
        assert db.execute("SELECT channel, outcome FROM questions").fetchall() == [("zalo", "answer")]


async def test_menu_and_numbered_choices_reach_an_answer_and_a_rating(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    bot = Running(zapi, router, settings)
    first_topic = kb.topics_in_order()[0]
    try:
        menu = await bot.ask("/menu")
        assert f"1. {first_topic.title['vi']}" in menu and "Gõ số" in menu
        topic = await bot.ask("1")
        first_entry = kb.entries_for_topic(first_topic.id)[0]
        assert f"1. {first_entry.label('vi')}" in topic  # the short label, as on a button
        answer = await bot.ask("1")
        assert answer.startswith(f"❓ {first_entry.title('vi')}")  # and the whole question with the answer
        assert "Câu trả lời có hữu ích không?" in answer and "1. 👍" in answer
        thanks = await bot.ask("2")  # 👎
        assert "✅" in thanks
        await bot.ask("987")  # a number no option has is just a question
    finally:
        assert await bot.close() == 0
    with sqlite3.connect(settings.BOT_DB_PATH) as db:
        assert db.execute("SELECT entry_id, value FROM ratings").fetchall() == [(first_entry.id, -1)]
        assert db.execute("SELECT text FROM questions").fetchall() == [("987",)]


async def test_feedback_language_and_data_deletion_in_numbered_form(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    bot = Running(zapi, router, settings)
    try:
        assert "1." in await bot.ask("/gopy")
        assert "1. Bỏ qua" in await bot.ask("Bot rất hữu ích, cảm ơn.")
        assert "1. Bỏ qua   2. ✖️ Hủy" in await bot.ask("1")  # name skipped, now the e-mail
        preview = await bot.ask("1")  # e-mail skipped: the preview
        assert "Bot rất hữu ích" in preview
        done = await bot.ask("1")  # Gửi
        assert re.search(r"GY-[0-9A-Z]{6}", done)
        english = await bot.ask("/lang")
        assert "1. Tiếng Việt   2. English" in english
        assert "Type" in await bot.ask("2")
        confirm = await bot.ask("/xoadulieu")
        assert "1." in confirm and "2." in confirm
        await bot.ask("1")  # yes, delete
    finally:
        assert await bot.close() == 0
    with sqlite3.connect(settings.BOT_DB_PATH) as db:
        for table in ("feedback", "users", "questions", "conversation_state", "pending_options"):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE channel = 'zalo'").fetchone()[0] == 0


async def test_non_text_events_get_the_polite_notice(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    bot = Running(zapi, router, settings)
    try:
        for i, name in enumerate(("message.image.received", "message.sticker.received"), 1):
            await zapi.push(event_update(name, "z7"))
            sent = await zapi.wait_for("sendMessage", i, chat_id="z7")
            assert "chỉ đọc được tin nhắn chữ" in sent[-1]["text"]
        await zapi.push(event_update("message.unsupported.received", "z7"))  # Zalo withheld it
        gentle = (await zapi.wait_for("sendMessage", 3, chat_id="z7"))[-1]["text"]
        assert "chưa hiển thị được" in gentle and "chỉ đọc được" not in gentle
    finally:
        assert await bot.close() == 0


async def test_a_long_reply_arrives_in_parts_within_the_limit(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    api = ZaloAPI(TOKEN, zapi.base_url)
    bot = channel_for(router, settings, api)
    long_text = "\n\n".join(f"Đoạn {i}. " + "Nội dung kế hoạch hành động về ngoại giao kinh tế. " * 30
                            for i in range(5))
    try:
        reply = Reply(long_text, "answer", "vi", [Option("👍", "rate:x:up", row="r"),
                                                   Option("👎", "rate:x:down", row="r")])
        await bot.send(Inbound("z9"), reply)
        assert await bot.pending_options("z9") == ["rate:x:up", "rate:x:down"]  # "1" and "2" pick them
    finally:
        await api.close()
        await router.close()
    parts = zapi.sent("z9")
    assert len(parts) >= 3 and all(len(p) <= MAX_MESSAGE for p in parts)
    assert parts[-1].endswith("Gõ số 1 hoặc 2 để chọn.")
    assert "".join(parts).count("Đoạn") == 5


async def test_ok_false_5xx_and_network_errors_are_retried_and_logged_without_the_token(
        zapi, kb, matcher, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    zapi.failures = {"getMe": [503], "getUpdates": [502, ("ok_false", 500)],
                     "sendMessage": [500, ("ok_false", 429)]}
    bot = Running(zapi, router, settings)
    try:
        answer = await asyncio.wait_for(bot.ask(ASK), 30)
        assert "Sở Ngoại vụ" in answer
        failed = [m for m in zapi.methods() if "!" in m]
        assert {"getMe!503", "getUpdates!502", "getUpdates!ok_false500", "sendMessage!500",
                "sendMessage!ok_false429"} <= set(failed)
        assert not bot.task.done()
    finally:
        assert await bot.close() == 0
    assert "retry" in caplog.text and TOKEN not in caplog.text


async def test_api_gives_up_on_permanent_errors_and_masks_the_token():
    with socket.socket() as sock:  # a port nobody listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = ZaloAPI(TOKEN, f"http://127.0.0.1:{port}", retries=1, backoff=0.01)
    try:
        with pytest.raises(ZaloError) as err:
            await api.call("getMe")
        assert err.value.code is None and TOKEN not in str(err.value)
    finally:
        await api.close()


async def test_a_rejected_token_stops_the_channel_with_a_clear_message(zapi, kb, matcher, tmp_path, caplog):
    settings = Settings(ZALO_BOT_TOKEN="wrong-token", ZALO_BASE_URL=zapi.base_url,
                        BOT_DB_PATH=str(tmp_path / "bot.sqlite3"))
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    assert await asyncio.wait_for(run_zalo(router, settings), 20) == 1
    assert "ZALO_BOT_TOKEN" in caplog.text and "wrong-token" not in caplog.text


async def test_webhook_secret_bodies_and_answers(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path, WEBHOOK_PORT=0, ZALO_WEBHOOK_URL="https://bot.example.invalid/zalo",
                            ZALO_WEBHOOK_SECRET=SECRET)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    bot = Running(zapi, router, settings, webhook=True)
    try:
        server = await asyncio.wait_for(bot.ready, 20)
        await zapi.wait_for("setWebhook")
        assert zapi.webhook == {"url": settings.ZALO_WEBHOOK_URL, "secret_token": SECRET}
        url = f"http://127.0.0.1:{server.port}/zalo"
        update = text_update(ASK, "z55")
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update) as resp:
                assert resp.status == 403
            async with http.post(url, json=update, headers={SECRET_HEADER: "wrong-secret"}) as resp:
                assert resp.status == 403
            await asyncio.sleep(0.05)
            assert zapi.sent() == []  # refused requests reach nobody
            async with http.post(url, data=b"{not json", headers={SECRET_HEADER: SECRET}) as resp:
                assert resp.status == 400
            for _ in range(2):  # delivered twice (a retry): answered once
                async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as resp:
                    assert resp.status == 200
            [bare] = await zapi.wait_for("sendMessage", chat_id="z55")
            assert "Sở Ngoại vụ" in bare["text"]
            wrapped = {"ok": True, "result": text_update(ASK, "z56", name_key="first_name")}
            async with http.post(url, json=wrapped, headers={SECRET_HEADER: SECRET}) as resp:
                assert resp.status == 200
            [reply] = await zapi.wait_for("sendMessage", chat_id="z56")
            assert "Sở Ngoại vụ" in reply["text"]
            async with http.post(url, json=event_update("message.sticker.received", "z57"),
                                 headers={SECRET_HEADER: SECRET}) as resp:
                assert resp.status == 200
            [notice] = await zapi.wait_for("sendMessage", chat_id="z57")
            assert "gõ câu hỏi" in notice["text"]
            async with http.get(f"http://127.0.0.1:{server.port}/healthz") as resp:
                assert resp.status == 200
        assert len(zapi.sent("z55")) == 1
    finally:
        assert await bot.close() == 0
    assert "getUpdates" not in zapi.methods()


def number_of(text: str, label: str) -> str:
    """The number a rendered reply gives the option whose label contains ``label``."""
    for match in re.finditer(r"(?:^|   )(\d+)\. ([^\n]*?)(?=   \d+\. |$)", text, flags=re.M):
        if label in match.group(2):
            return match.group(1)
    raise AssertionError(f"no option {label!r} in:\n{text}")


async def test_an_administrator_on_zalo_answers_a_citizen_from_the_review_queue(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path, ADMIN_IDS="zalo:zadmin")
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH), admins=settings.admins)
    bot = Running(zapi, router, settings)
    question = "thủ tục cấp hộ chiếu phổ thông mất bao lâu"
    try:
        assert "Gõ" in await bot.ask(question, "zcitizen")  # the fallback, with the topic menu
        assert "Tôi không hiểu lệnh này" in await bot.ask("/admin", "zcitizen")  # not an admin
        menu = await bot.ask("/admin", "zadmin")
        queue = await bot.ask(number_of(menu, "Hàng chờ"), "zadmin")
        assert question in queue and "1. 1." not in queue  # the label's own number is not repeated
        group = await bot.ask(number_of(queue, question), "zadmin")
        await bot.ask(number_of(group, "Trả lời trực tiếp"), "zadmin")
        preview = await bot.ask("Hộ chiếu do cơ quan công an cấp; bạn hỏi Công an tỉnh nhé.", "zadmin")
        done = await bot.ask(number_of(preview, "Gửi"), "zadmin")
        assert "Đã chuyển tới: 1 người" in done
        delivered = (await zapi.wait_for("sendMessage", 3, chat_id="zcitizen"))[-1]
        assert "Công an tỉnh" in delivered["text"] and question in delivered["text"]
    finally:
        assert await bot.close() == 0


async def test_zalo_administrator_review_queue_edit_and_stats_in_numbered_form(zapi, kb, matcher, tmp_path):
    """What administrators need on Zalo at the least: the review queue (add as a phrasing, dismiss),
    editing an answer, and /stats as text; all by typing numbers and text."""
    settings = settings_for(zapi, tmp_path, ADMIN_IDS="zalo:zadmin")
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH), admins=settings.admins)
    bot = Running(zapi, router, settings)
    unknown = "thủ tục cấp hộ chiếu phổ thông mất bao lâu"
    other = "giá vé xe khách đi sầm sơn bao nhiêu"
    try:
        assert "Câu trả lời có hữu ích không?" not in await bot.ask(unknown, "zc1")
        await bot.ask(other, "zc2")
        # review queue -> add the question as a phrasing of a suggested entry -> answered from now on
        queue = await bot.ask(number_of(await bot.ask("/admin", "zadmin"), "Hàng chờ"), "zadmin")
        group = await bot.ask(number_of(queue, unknown), "zadmin")
        preview = await bot.ask(number_of(group, "Thêm vào"), "zadmin")
        saved = await bot.ask(number_of(preview, "Lưu và áp dụng"), "zadmin")
        assert "✅" in saved
        assert "Câu trả lời có hữu ích không?" in await bot.ask(unknown, "zc1")
        # dismiss the other one: the queue is empty
        queue = await bot.ask(number_of(await bot.ask("/admin", "zadmin"), "Hàng chờ"), "zadmin")
        group = await bot.ask(number_of(queue, other), "zadmin")
        dismissed = await bot.ask(number_of(group, "Bỏ qua"), "zadmin")
        assert "Đã bỏ qua" in dismissed and other not in dismissed.split("\n\n", 1)[1]
        # edit an answer: find -> entry -> Vietnamese answer -> preview -> save -> citizens see it
        await bot.ask(number_of(await bot.ask("/admin", "zadmin"), "Tìm và sửa"), "zadmin")
        await bot.ask(ASK, "zadmin")  # the matching entries, best first
        entry = await bot.ask("1", "zadmin")  # a long view, in parts: its options come with the last
        await bot.ask(number_of(entry, "Trả lời (tiếng Việt)"), "zadmin")
        preview = await bot.ask("Sở Ngoại vụ chủ trì, phối hợp các sở, ngành (đã cập nhật từ Zalo).", "zadmin")
        assert "✅" in await bot.ask(number_of(preview, "Lưu và áp dụng"), "zadmin")
        assert "đã cập nhật từ Zalo" in await bot.ask(ASK, "zc3")
        # /stats as text
        assert "📊 Câu hỏi" in await bot.ask("/stats", "zadmin")
    finally:
        assert await bot.close() == 0
