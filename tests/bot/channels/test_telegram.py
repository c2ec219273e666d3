"""The Telegram channel in-process: PTB's Application with a fake request layer, real storage."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import logging
import re
import sqlite3

import pytest

from bot.channels.base import TokenFilter
from bot.channels.telegram import MAX_MESSAGE
from bot.settings import Settings
from bot.storage import Storage
from handlers.flood import FloodGuard
from handlers.messages import utf16_len
from handlers.router import Router
from knowledge.matcher import Matcher
from tests.bot.fakes.telegram import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    AppHarness,
    callback,
    callback_data,
    keyboard_of,
    message,
    to_update,
)
from tests.storage_rows import rows

ASK = "ai chủ trì kế hoạch 119"


class Harness(AppHarness):
    """One bot on one database; ``say``/``press`` return the Bot API calls they caused."""

    def __init__(self, kb, matcher, db_path, flood: FloodGuard | None = None):
        self.kb = kb
        self.db_path = db_path
        router = Router(kb, matcher, Storage(db_path), retention_days=365)
        self._wire(router, Settings(TELEGRAM_BOT_TOKEN=TOKEN), flood)

    async def feed(self, data: dict) -> list[tuple[str, dict]]:
        calls = await self._process(data)
        for name, params in calls:
            if name in ("sendMessage", "editMessageText"):
                # Parse mode HTML, and nothing but escaped text: no tag is ever produced.
                assert params["parse_mode"] == "HTML"
                assert "<" not in params["text"] and ">" not in params["text"]
                assert utf16_len(html.unescape(params["text"])) <= MAX_MESSAGE
                assert all(len(d.encode()) <= 64 for d in callback_data(params))
        return calls

    async def say(self, text: str | None, **kw) -> list[dict]:
        calls = await self.feed(message(text, **kw))
        return [p for name, p in calls if name == "sendMessage"]

    async def press(self, data: str, **kw) -> list[tuple[str, dict]]:
        return await self.feed(callback(data, **kw))


@pytest.fixture
async def tg(kb, matcher, tmp_path):
    harness = await Harness(kb, matcher, tmp_path / "bot.sqlite3").start()
    yield harness
    await harness.stop()


def texts(sent: list[dict]) -> str:
    return "\n".join(html.unescape(p["text"]) for p in sent)


def first(calls, name: str) -> dict:
    return next(p for n, p in calls if n == name)


# -- start, menus, questions ----------------------------------------------------------------------
async def test_start_welcomes_with_topic_menu(tg, kb):
    [reply] = await tg.say("/start")
    assert "119/KH-UBND" in html.unescape(reply["text"])
    assert callback_data(reply) == [f"topic:{t.id}" for t in kb.topics_in_order()]
    [english] = await tg.say("/start", user_id=43, lang="en")
    assert "Hello" in english["text"]
    assert keyboard_of(english)[0][0]["text"] == kb.topics_in_order()[0].title["en"]


async def test_topic_question_answer_and_back(tg, kb):
    topic = kb.topics_in_order()[0]
    calls = await tg.press(f"topic:{topic.id}", text="menu")
    assert [n for n, _ in calls] == ["answerCallbackQuery", "editMessageText"]
    edited = first(calls, "editMessageText")
    assert topic.title["vi"] in html.unescape(edited["text"])
    actions = callback_data(edited)
    assert actions[-1] == "menu" and actions[0].startswith("entry:")
    calls = await tg.press(actions[0], message_id=edited["message_id"])
    answer = first(calls, "sendMessage")
    assert "Nguồn:" in html.unescape(answer["text"])
    assert "Câu trả lời có hữu ích không?" in html.unescape(answer["text"])
    assert [b["text"] for b in keyboard_of(answer)[0]] == ["👍", "👎"]
    back = first(await tg.press("menu"), "editMessageText")
    assert callback_data(back) == [f"topic:{t.id}" for t in kb.topics_in_order()]


async def test_free_text_answer_is_logged_with_rating_buttons(tg):
    [reply] = await tg.say(ASK)
    assert "Sở Ngoại vụ" in html.unescape(reply["text"])
    up, down = callback_data(reply)[:2]
    assert re.fullmatch(r"rate:resp-so-ngoai-vu:up:\d+", up) and down.startswith("rate:resp-so-ngoai-vu:down")
    assert len(callback_data(reply)) <= 5  # 👍 👎 and up to three related questions
    [row] = await rows(tg.storage, "questions", channel="telegram", user_id="42")
    assert (row["text"], row["outcome"], row["entry_id"]) == (ASK, "answer", "resp-so-ngoai-vu")
    assert str(row["id"]) == up.rsplit(":", 1)[1]


async def test_fallback_goes_to_the_unanswered_queue(tg, kb):
    [reply] = await tg.say("giá vàng hôm nay")
    assert "Ủy ban nhân dân xã, phường" in html.unescape(reply["text"])
    assert set(callback_data(reply)) == {f"topic:{t}" for t in kb.topics}
    [queued] = await rows(tg.storage, "unanswered", status="open")
    assert queued["text"] == "giá vàng hôm nay" and queued["user_id"] == "42"
    [small] = await tg.say("Xin chào")
    assert len(await rows(tg.storage, "unanswered", status="open")) == 1  # small talk is not "unanswered"
    assert small["text"]


async def test_clarify_offers_suggestions_as_buttons(kb, tmp_path):
    strict = Matcher(kb, answer_threshold=100.0, clarify_threshold=10.0)
    harness = await Harness(kb, strict, tmp_path / "c.sqlite3").start()
    try:
        [reply] = await harness.say("sở ngoại vụ có trách nhiệm gì")
        assert "Có phải bạn muốn hỏi" in html.unescape(reply["text"])
        actions = callback_data(reply)
        assert 1 <= len(actions) <= 3 and all(a.startswith("entry:") for a in actions)
        answer = first(await harness.press(actions[0]), "sendMessage")
        assert "Nguồn:" in html.unescape(answer["text"])
    finally:
        await harness.stop()


async def test_user_text_is_escaped(tg):
    await tg.say("/gopy")
    [preview_prompt] = await tg.say("<b>Góp ý</b> & <script>alert(1)</script>")
    assert "&lt;b&gt;Góp ý&lt;/b&gt; &amp;" not in preview_prompt["text"]  # this step only asks the name
    await tg.press("fb:skip")
    calls = await tg.press("fb:skip")
    preview = first(calls, "sendMessage")
    assert "&lt;b&gt;Góp ý&lt;/b&gt; &amp; &lt;script&gt;" in preview["text"]


async def test_knowledge_base_text_is_escaped_too(kb, matcher, tmp_path):
    entry = kb.entries["resp-so-ngoai-vu"]
    odd = dataclasses.replace(entry, answer={"vi": "Tỷ lệ <5% & <b>không</b> phải thẻ", "en": entry.answer["en"]})
    harness = await Harness(dataclasses.replace(kb, entries={**kb.entries, entry.id: odd}), matcher,
                            tmp_path / "esc.sqlite3").start()
    try:
        [reply] = await harness.say(ASK)
        assert "Tỷ lệ &lt;5% &amp; &lt;b&gt;không&lt;/b&gt; phải thẻ" in reply["text"]
    finally:
        await harness.stop()


# -- ratings, feedback, language, privacy --------------------------------------------------------
async def test_rating_is_stored_and_acknowledged(tg):
    [answer] = await tg.say(ASK)
    up = callback_data(answer)[0]
    calls = await tg.press(up, message_id=answer["message_id"], text=html.unescape(answer["text"]))
    ack = first(calls, "answerCallbackQuery")
    assert "Cảm ơn" in ack["text"]
    edited = first(calls, "editMessageText")
    assert edited["message_id"] == answer["message_id"]
    assert html.unescape(edited["text"]).endswith("✅ Cảm ơn bạn đã đánh giá!")
    assert not any(a.startswith("rate:") for a in callback_data(edited))
    [rating] = await rows(tg.storage, "ratings", entry_id="resp-so-ngoai-vu")
    assert rating["value"] == 1 and rating["question_id"] == int(up.rsplit(":", 1)[1])
    await tg.press(callback_data(answer)[1], text="x")
    [rating] = await rows(tg.storage, "ratings", entry_id="resp-so-ngoai-vu")
    assert rating["value"] == -1  # a second vote replaces the first


async def test_feedback_flow_commits_before_confirming(tg):
    seen_at_confirmation: list[int] = []

    def check_db(endpoint: str, params: dict) -> None:
        if endpoint == "sendMessage" and "GY-" in params["text"]:
            with sqlite3.connect(tg.db_path) as other:  # a separate connection: only committed rows
                seen_at_confirmation.append(other.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    tg.request.on_call = check_db
    [prompt] = await tg.say("/gopy")
    assert "góp ý" in prompt["text"].lower() and callback_data(prompt) == ["cancel"]
    [ask_name] = await tg.say("Nên có thêm thông tin về hội nghị xúc tiến đầu tư.")
    assert callback_data(ask_name) == ["fb:skip", "cancel"]
    await tg.say("Nguyễn Văn A")
    [bad] = await tg.say("không phải email")
    assert "chưa đúng" in bad["text"]
    [preview] = await tg.say("a@example.org")
    assert "Nguyễn Văn A" in preview["text"] and callback_data(preview) == ["fb:send", "cancel"]
    calls = await tg.press("fb:send")
    done = first(calls, "sendMessage")
    ref = re.search(r"GY-[0-9A-Z]{6}", done["text"]).group(0)
    assert seen_at_confirmation == [1]
    [row] = await rows(tg.storage, "feedback", ref=ref)
    assert (row["name"], row["email"]) == ("Nguyễn Văn A", "a@example.org")
    assert row["text"].startswith("Nên có thêm")
    # the flow is over: the next text is a question again
    [answer] = await tg.say(ASK)
    assert "Sở Ngoại vụ" in html.unescape(answer["text"])


async def test_feedback_flow_survives_a_restart(kb, matcher, tmp_path):
    path = tmp_path / "restart.sqlite3"
    first_run = await Harness(kb, matcher, path).start()
    await first_run.say("/gopy")
    await first_run.say("Góp ý trước khi khởi động lại")
    await first_run.stop()
    second_run = await Harness(kb, matcher, path).start()
    try:
        [ask_email] = await second_run.say("Trần B")  # the name step, remembered
        assert "E-mail" in ask_email["text"]
        await second_run.press("fb:skip")
        done = first(await second_run.press("fb:send"), "sendMessage")
        assert "GY-" in done["text"]
        [row] = await rows(second_run.storage, "feedback")
        assert row["name"] == "Trần B" and row["email"] is None
    finally:
        await second_run.stop()


async def test_an_abandoned_flow_expires(tg):
    await tg.say("/gopy")
    await tg.storage.db.execute("UPDATE conversation_state SET updated_at = updated_at - 7 * 3600")
    [answer] = await tg.say(ASK)
    assert "Sở Ngoại vụ" in html.unescape(answer["text"])
    assert await rows(tg.storage, "conversation_state", "channel", user_id="42") == []


async def test_cancel_and_commands_end_a_flow(tg):
    await tg.say("/gopy")
    [cancelled] = await tg.say("/huy")
    assert "Đã hủy" in cancelled["text"]
    await tg.say("/gopy")
    [menu] = await tg.say("/menu")  # a command abandons the flow...
    assert callback_data(menu)[0].startswith("topic:")
    [answer] = await tg.say(ASK)  # ...so this is a question again
    assert "Sở Ngoại vụ" in html.unescape(answer["text"])
    assert await rows(tg.storage, "feedback") == []


async def test_language_switch(tg, kb):
    [choose] = await tg.say("/lang")
    assert callback_data(choose) == ["lang:vi", "lang:en"]
    assert len(keyboard_of(choose)) == 1  # both on one row
    calls = await tg.press("lang:en")
    switched = next(p for n, p in calls if n in ("sendMessage", "editMessageText"))
    assert "Switched to English" in switched["text"]
    [welcome] = await tg.say("/start")
    assert "Hello" in welcome["text"]
    assert (await tg.storage.get_user("telegram", "42")).language == "en"
    [back] = await tg.say("/lang vi")
    assert "tiếng Việt" in back["text"]


async def test_non_text_messages_get_a_polite_request(tg):
    photo = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}
    sticker = {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": False,
                           "is_video": False, "type": "regular"}}
    voice = {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}}
    location = {"location": {"latitude": 19.8, "longitude": 105.77}}
    document = {"document": {"file_id": "d", "file_unique_id": "d"}}
    for extra in (photo, sticker, voice, location, document):
        [reply] = await tg.say(None, extra=extra)
        assert "gõ câu hỏi" in reply["text"]
    [answer] = await tg.say(None, extra={**photo, "caption": "ai chủ trì kế hoạch 119"})
    assert "Sở Ngoại vụ" in html.unescape(answer["text"])  # a photo's caption is its question


async def test_long_answer_is_split_at_paragraphs(kb, matcher, tmp_path):
    paragraphs = [f"Đoạn {i}: " + "ngoại giao kinh tế " * 40 for i in range(20)]
    entry = kb.entries["resp-so-ngoai-vu"]
    long_entry = dataclasses.replace(entry, answer={"vi": "\n\n".join(paragraphs), "en": entry.answer["en"]})
    big_kb = dataclasses.replace(kb, entries={**kb.entries, entry.id: long_entry})
    harness = await Harness(big_kb, matcher, tmp_path / "long.sqlite3").start()
    try:
        parts = await harness.say(ASK)
        assert len(parts) >= 3
        bodies = [html.unescape(p["text"]) for p in parts]
        assert all(utf16_len(b) <= MAX_MESSAGE for b in bodies)
        assert all(b.startswith(("Đoạn", "Nguồn")) for b in bodies[1:])  # cut at paragraph boundaries
        assert [bool(keyboard_of(p)) for p in parts] == [False] * (len(parts) - 1) + [True]
        joined = "\n\n".join(bodies)
        assert all(p.strip() in joined for p in paragraphs)
    finally:
        await harness.stop()


async def test_flood_control_one_notice_then_silence_others_unaffected(kb, matcher, tmp_path):
    now = [1000.0]
    guard = FloodGuard(limit=20, window=60, mute=60, clock=lambda: now[0])
    harness = await Harness(kb, matcher, tmp_path / "flood.sqlite3", flood=guard).start()
    try:
        replies = []
        for _ in range(25):
            replies += await harness.say("Xin chào", user_id=1)
        assert len(replies) == 21
        assert "quá nhanh" in replies[-1]["text"]
        [other] = await harness.say(ASK, user_id=2)
        assert "Sở Ngoại vụ" in html.unescape(other["text"])
        now[0] += 61
        assert len(await harness.say(ASK, user_id=1)) == 1  # after the pause, answered again
    finally:
        await harness.stop()


async def test_data_deletion_with_confirmation(tg):
    await tg.say(ASK)
    await tg.say("giá vàng hôm nay")
    await tg.say("/gopy")
    await tg.say("Góp ý sẽ bị xóa")
    await tg.press("fb:skip")
    await tg.press("fb:skip")
    await tg.press("fb:send")
    await tg.say("Xin chào", user_id=99)  # someone else
    assert await rows(tg.storage, "feedback")
    stale = await tg.press("del:yes")  # not asked yet: nothing happens
    assert await rows(tg.storage, "questions", channel="telegram", user_id="42")
    assert "không còn hiệu lực" in html.unescape(first(stale, "sendMessage")["text"])
    [confirm] = await tg.say("/xoadulieu")
    assert callback_data(confirm) == ["del:yes", "del:no"]
    calls = await tg.press("del:yes", message_id=confirm["message_id"])
    assert "Đã xóa" in next(p for n, p in calls if n in ("editMessageText", "sendMessage"))["text"]
    with sqlite3.connect(tg.db_path) as db:
        for table in ("users", "questions", "ratings", "feedback", "unanswered", "conversation_state"):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = '42'").fetchone()[0] == 0, table
        assert db.execute("SELECT COUNT(*) FROM questions WHERE user_id = '99'").fetchone()[0] == 1


async def test_deletion_can_be_declined(tg):
    await tg.say(ASK)
    await tg.say("/xoadulieu")
    calls = await tg.press("del:no")
    assert "giữ nguyên" in next(p for n, p in calls if n in ("editMessageText", "sendMessage"))["text"]
    assert len(await rows(tg.storage, "questions", channel="telegram", user_id="42")) == 1


async def test_privacy_contacts_help_and_unknown_command(tg, kb):
    [privacy] = await tg.say("/privacy")
    assert "365 ngày" in privacy["text"] and "/xoadulieu" in privacy["text"]
    [contacts] = await tg.say("/lienhe")
    text = html.unescape(contacts["text"])
    assert all(c.name["vi"] in text for c in kb.contacts.values())
    assert not re.search(r"\d{3}[ .]?\d{3}[ .]?\d{3}", text) and "@" not in text and "http" not in text
    business = first(await tg.press("contacts:business"), "editMessageText")
    lines = [line for line in html.unescape(business["text"]).splitlines() if line.startswith("• ")]
    assert lines[0] == "• " + kb.contacts["trung-tam-xuc-tien"].name["vi"]
    [help_] = await tg.say("/help")
    for command in ("/lienhe", "/gopy", "/lang", "/privacy", "/xoadulieu"):
        assert command in help_["text"]
    [unknown] = await tg.say("/khonglenhnay")
    assert "/help" in unknown["text"]


# -- groups, errors, network ----------------------------------------------------------------------
async def test_groups_only_when_mentioned_or_replied_to(tg):
    group = {"chat_id": -100123, "chat_type": "supergroup", "user_id": 5}
    assert await tg.say(ASK, **group) == []
    assert await tg.say("/help@some_other_bot", **group) == []
    [mentioned] = await tg.say(f"@{BOT_USERNAME} {ASK}", **group)
    assert "Sở Ngoại vụ" in html.unescape(mentioned["text"])
    assert mentioned["chat_id"] == -100123 and "reply_parameters" in mentioned
    bot_message = {"message_id": 77, "date": 0, "chat": {"id": -100123, "type": "supergroup"},
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "bot"}, "text": "..."}
    [replied] = await tg.say(ASK, reply_to=bot_message, **group)
    assert "Sở Ngoại vụ" in html.unescape(replied["text"])
    [bare_mention] = await tg.say(f"@{BOT_USERNAME}", **group)
    assert callback_data(bare_mention)[0].startswith("topic:")
    [command] = await tg.say(f"/help@{BOT_USERNAME}", **group)
    assert "/gopy" in command["text"]
    photo = {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}
    assert await tg.say(None, extra=photo, **group) == []


async def test_errors_are_logged_and_the_user_gets_an_apology(tg, caplog, monkeypatch):
    async def broken(msg):
        raise RuntimeError("boom")

    monkeypatch.setattr(tg.router, "handle", broken)
    with caplog.at_level(logging.ERROR):
        [apology] = await tg.say(ASK)
    assert "Xin lỗi" in apology["text"]
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


async def test_commands_registered_in_both_languages(tg):
    await tg.channel.register_commands()
    calls = tg.request.sent("setMyCommands")
    assert len(calls) == 3
    by_lang = {c.get("language_code"): c["commands"] for c in calls}
    assert set(by_lang) == {None, "vi", "en"} and by_lang[None] == by_lang["vi"]
    names = [c["command"] for c in by_lang[None]]
    assert {"start", "help", "menu", "lienhe", "gopy", "lang", "privacy", "xoadulieu"} <= set(names)
    assert by_lang["en"][0]["description"] != by_lang[None][0]["description"]


def test_token_filter_redacts():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "POST https://api/bot%s/getMe", (TOKEN,), None)
    TokenFilter(TOKEN).filter(record)
    assert TOKEN not in record.getMessage() and "***" in record.getMessage()


async def test_updates_run_concurrently_but_each_persons_in_order(tg, monkeypatch):
    """Many people at once through the running Application, one person's messages in order even
    when an earlier one takes longer."""
    real_handle = tg.router.handle
    seen: list[tuple[str, str]] = []

    async def slow_first(msg):
        if msg.text == "0":
            await asyncio.sleep(0.2)
        seen.append((msg.user_id, msg.text))
        return await real_handle(msg)

    monkeypatch.setattr(tg.router, "handle", slow_first)
    await tg.app.start()
    try:
        for i in range(4):
            await tg.app.update_queue.put(to_update(message(str(i), user_id=1), tg.app.bot))
        await tg.app.update_queue.put(to_update(message("x", user_id=2), tg.app.bot))
        for _ in range(100):
            if len(seen) == 5 and len(tg.request.sent()) == 5:
                break
            await asyncio.sleep(0.05)
    finally:
        await tg.app.stop()
    assert [text for user, text in seen if user == "1"] == ["0", "1", "2", "3"]
    assert seen[0] == ("2", "x")  # the other person did not wait behind the slow message
    assert int(tg.request.sent()[0]["chat_id"]) == 2
