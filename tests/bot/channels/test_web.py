"""The web chat's API over real HTTP on 127.0.0.1: sessions, answers, options, feedback, an
administrator's answer arriving later, and the bad input a scripted page can send."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from yarl import URL

from bot.channels.web import MAX_TEXT
from tests.bot.channels.webchat_harness import ADMIN, Admin, Browser, Running, settings_for, text_of

ASK = "ai chủ trì kế hoạch 119"


@pytest.fixture
async def bot(kb, matcher, tmp_path):
    running = Running(kb, matcher, settings_for(tmp_path, ADMIN_IDS=ADMIN,
                                                WEBCHAT_ALLOWED_ORIGINS="http://portal.example"))
    yield running
    assert await running.close() == 0


@pytest.fixture
async def browser(bot):
    b = Browser(await bot.base())
    yield b
    await b.close()


def option_labels(message: dict) -> list[str]:
    return [o["label"] for o in message["options"]]


async def test_a_reader_gets_the_welcome_then_an_answer_with_its_source(bot, browser, kb):
    welcome = await browser.start()
    assert browser.sid and len(browser.sid) == 32
    assert welcome[0]["text"].startswith("Xin chào!")
    assert kb.topics_in_order()[0].title["vi"] in option_labels(welcome[0])
    answer = (await browser.say(ASK))[0]
    assert answer["status"] == "answer" and "Sở Ngoại vụ" in answer["text"]
    assert "Nguồn:" in answer["text"] and "cập nhật đến" in answer["text"]
    assert "👍" in option_labels(answer) and "👎" in option_labels(answer)
    rated = await browser.tap(answer, "👍")
    assert rated and rated[0]["text"]


async def test_a_topic_then_a_question_and_english(bot, browser, kb):
    welcome = await browser.start()
    topic = kb.topics_in_order()[0]
    questions = (await browser.tap(welcome[0], topic.title["vi"]))[0]
    first = questions["options"][0]
    answer = (await browser.tap(questions, first["label"]))[0]
    assert answer["status"] == "answer"
    english = await browser.tap((await browser.say("/lang"))[0], "English")
    assert english[-1]["lang"] == "en"
    assert (await browser.say("who leads plan 119"))[0]["lang"] == "en"


async def test_feedback_from_the_form_gets_a_reference_code_and_reaches_the_inbox(bot, browser):
    await browser.start()
    status, body = await browser.post("feedback", {"id": "fb-00000001", "text": "Cần thêm thông tin <b>x</b>",
                                                   "name": "Nguyễn Văn A", "email": "a@example.vn"})
    assert status == 200 and body["ref"]
    reply = await browser.collect()
    assert body["ref"] in reply[0]["text"]
    storage = await bot.router.storage.open()
    async with storage.db.execute("SELECT channel, user_id, text, name, email FROM feedback") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("web", browser.sid, "Cần thêm thông tin <b>x</b>", "Nguyễn Văn A",
                                                             "a@example.vn")]
    status, body = await browser.post("feedback", {"text": "x", "email": "not an address"})
    assert status == 400 and body["error"].startswith("email")
    status, body = await browser.post("feedback", {"text": "  "})
    assert status == 400 and body["error"].startswith("text")


async def test_an_administrators_answer_waits_for_the_panel_and_is_deleted_once_collected(bot, browser):
    question = "thủ tục cấp hộ chiếu phổ thông mất bao lâu"
    await browser.start()
    assert (await browser.say(question))[0]["status"] == "fallback"
    done = await Admin(bot).answer(question, "Hộ chiếu do cơ quan công an cấp.")
    assert "Đã chuyển tới: 1 người" in done.text
    # the panel was closed meanwhile: the answer waited in the session's inbox
    storage = await bot.router.storage.open()
    async with storage.db.execute("SELECT count(*) FROM web_inbox WHERE user_id = ?", (browser.sid,)) as cur:
        assert (await cur.fetchone())[0] == 1
    arrived = await browser.collect()
    assert "Hộ chiếu do cơ quan công an cấp." in text_of(arrived)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(browser.poll(), 0.3)  # acknowledges what it has: deleted
    async with storage.db.execute("SELECT count(*) FROM web_inbox") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_a_live_panel_gets_what_is_sent_while_it_polls(bot, browser):
    await browser.start()
    poll = asyncio.create_task(browser.poll())
    await asyncio.sleep(0.2)
    channel = await bot.channel()  # how Outbound reaches a web person (an administrator's answer)
    assert await channel.send_text(browser.sid, "Trả lời của cán bộ") == "sent"
    messages = await asyncio.wait_for(poll, 5)
    assert [m["text"] for m in messages] == ["Trả lời của cán bộ"]


async def test_sessions_never_see_each_other(bot, browser):
    await browser.start()
    other = Browser(await bot.base())
    try:
        await other.start()
        assert other.sid != browser.sid
        await other.say(ASK)
        forged = Browser(await bot.base(), sid="x" * 5 + "<script>")  # not the shape of a session
        try:
            status, _ = await forged.post("start", {})
            assert status == 200 and forged.sid != "x" * 5 + "<script>" and forged.sid != other.sid
        finally:
            await forged.close()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(browser.poll(), 0.5)  # nothing of the other reader's
    finally:
        await other.close()


async def test_bad_input_gets_a_short_4xx_or_a_polite_reply(bot, browser):
    await browser.start()
    status, body = await browser.post("message", None, raw=("a" * 100_000).encode())
    assert status == 413 and body == {"error": "message too large"}
    status, body = await browser.post("message", None, raw=b"{not json")
    assert status == 400 and body == {"error": "body is not JSON"}
    status, body = await browser.post("message", None, raw=b"[" * 50 + b"]" * 50)
    assert status == 400
    status, body = await browser.post("message", {"text": 5})
    assert status == 400 and body == {"error": "text must be a string"}
    status, _ = await browser.post("message", {"text": "x" * (MAX_TEXT + 1)})
    assert status == 200
    assert "dài hơn 2000 ký tự" in text_of(await browser.collect())
    status, _ = await browser.post("message", {"text": ""})
    assert status == 200 and "gõ câu hỏi" in text_of(await browser.collect())
    status, _ = await browser.post("message", {"text": "\ud800 lẻ"})
    assert status == 200 and await browser.collect()


async def test_a_replayed_post_is_answered_once(bot, browser):
    await browser.start()
    body = {"id": "replay-0001", "text": ASK}
    assert (await browser.post("message", body))[0] == 200
    assert (await browser.post("message", body))[0] == 200
    assert len(await browser.collect()) == 1


async def test_origins_other_than_ours_and_the_allowed_are_refused(bot, browser):
    base = await bot.base()
    await browser.start()
    evil = Browser(base, origin="http://evil.example")
    evil.http.cookie_jar.update_cookies({"webchat_sid": browser.sid}, URL(base + "/webchat/"))
    try:
        assert await evil.post("message", {"text": ASK}) == (403, {"error": "origin not allowed"})
    finally:
        await evil.close()
    nobody = Browser(base, origin="")
    try:
        assert await nobody.post("start", {}) == (403, {"error": "missing Origin"})
    finally:
        await nobody.close()
    portal = Browser(base, origin="http://portal.example")
    try:
        async with portal.http.post(f"{base}/webchat/api/start", data=b"{}",
                                    headers={"Origin": "http://portal.example"}) as r:
            assert r.status == 200
            assert r.headers["Access-Control-Allow-Origin"] == "http://portal.example"
            assert r.headers["Access-Control-Allow-Credentials"] == "true"
    finally:
        await portal.close()


async def test_the_poll_needs_a_session(bot):
    b = Browser(await bot.base())
    try:
        assert await b.post("messages", {"after": 0}) == (401, {"error": "no session"})
        await b.start(welcome=False)
        assert (await b.post("messages", {"after": "1"}))[0] == 400
    finally:
        await b.close()


async def test_an_address_over_its_budget_gets_429(kb, matcher, tmp_path):
    bot = Running(kb, matcher, settings_for(tmp_path, WEBCHAT_IP_REQUESTS_PER_MINUTE=5))
    b = Browser(await bot.base())
    try:
        statuses = [(await b.post("start", {}))[0] for _ in range(7)]
        assert statuses == [200] * 5 + [429] * 2
    finally:
        await b.close()
        assert await bot.close() == 0


async def test_the_demo_page_and_the_widget_have_strict_headers(bot):
    b = Browser(await bot.base())
    try:
        async with b.http.get(f"{await bot.base()}/webchat/") as r:
            assert r.status == 200 and "widget.js" in await r.text()
            policy = r.headers["Content-Security-Policy"]
            assert "default-src 'none'" in policy and "script-src 'self'" in policy
            assert "frame-ancestors 'self' http://portal.example" in policy
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Referrer-Policy"] == "no-referrer"
        async with b.http.get(f"{await bot.base()}/webchat/widget.js",
                              headers={"Accept-Encoding": "gzip"}) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("application/javascript")
            assert "innerHTML" not in await r.text()
            assert int(r.headers.get("Content-Length", "0") or 0) < 30 * 1024
    finally:
        await b.close()


async def test_deleting_my_data_empties_the_sessions_inbox(bot, browser, tmp_path):
    await browser.start()
    await (await bot.channel()).send_text(browser.sid, "chưa đọc")
    storage = await bot.router.storage.open()
    counts = await storage.delete_user_data("web", browser.sid)
    assert counts["web_inbox"] == 1
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM web_inbox").fetchone()[0] == 0


def test_all_includes_the_web_chat_only_when_enabled():
    from bot.cli import chosen_channels, default_channels
    from bot.settings import Settings

    assert "web" not in chosen_channels("all", Settings())
    assert chosen_channels("all", Settings(WEBCHAT_ENABLED=True))[-1] == "web"
    assert chosen_channels("web", Settings()) == ["web"]
    assert default_channels(Settings(WEBCHAT_ENABLED=True)) == ["web"]


async def test_python_m_bot_run_channel_web_serves_and_stops_cleanly(tmp_path):
    import os

    from tests.bot.processes import bot_process, free_port
    from tests.conftest import ROOT

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "WEBCHAT_"))}
    env.update({"PYTHONPATH": str(ROOT), "BOT_DB_PATH": str(tmp_path / "db.sqlite3"), "WEBHOOK_PORT": str(port)})
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        async with bot_process(tmp_path, env, "--channel", "web") as bot:
            for _ in range(300):
                try:
                    welcome = await browser.start()
                    break
                except Exception:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the web chat did not come up")
            assert welcome[0]["text"].startswith("Xin chào!")
            assert "Nguồn:" in text_of(await browser.say(ASK))
            assert await bot.stop() == 0
    finally:
        await browser.close()
    assert "Traceback" not in bot.stderr


async def test_the_cookie_is_httponly_samesite_and_secure_behind_https(bot):
    base = await bot.base()
    b = Browser(base)
    try:
        host = base.removeprefix("http://")
        for origin, samesite in ((f"https://{host}", "Lax"), ("http://portal.example", "None")):
            async with b.http.post(f"{base}/webchat/api/start", data=b"{}",
                                   headers={"Origin": origin, "X-Forwarded-Proto": "https"}) as r:
                assert r.status == 200
                cookie = r.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "Secure" in cookie and f"SameSite={samesite}" in cookie
            assert "Path=/webchat/" in cookie
        async with b.http.post(f"{base}/webchat/api/start", data=b"{}", headers={"Origin": base}) as r:
            assert "Secure" not in r.headers["Set-Cookie"] and "SameSite=Lax" in r.headers["Set-Cookie"]
    finally:
        await b.close()
