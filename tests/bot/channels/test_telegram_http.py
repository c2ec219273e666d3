"""The Telegram channel over real HTTP on 127.0.0.1, run by the runner: polling against a fake Bot
API server, the webhook server with its secret, and the real process stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import html
import os
import signal
import sqlite3

import aiohttp
import pytest

from bot.channels.telegram import SECRET_HEADER
from bot.runner import run
from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from tests.bot.fakes.bot_api import FakeBotAPI
from tests.bot.fakes.telegram import TOKEN, callback, message
from tests.bot.processes import bot_process
from tests.conftest import ROOT

ASK = "ai chủ trì kế hoạch 119"


@pytest.fixture
async def api():
    server = await FakeBotAPI().start()
    yield server
    await server.stop()


def run_telegram(router: Router, settings: Settings, **kwargs):
    return run(router, settings, ["telegram"], options={"telegram": {"poll_timeout": 1}}, **kwargs)


def settings_for(api: FakeBotAPI, tmp_path, **extra) -> Settings:
    return Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
                    BOT_DB_PATH=str(tmp_path / "bot.sqlite3"), **extra)


async def test_polling_question_in_answer_out(api, kb, matcher, tmp_path):
    settings = settings_for(api, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(router, settings, stop=stop))
    try:
        await api.wait_for("getUpdates")
        await api.push(message(ASK, user_id=321))
        [reply] = await api.wait_for("sendMessage")
        assert int(reply["chat_id"]) == 321 and reply["parse_mode"] == "HTML"
        assert "Sở Ngoại vụ" in html.unescape(reply["text"])
        assert reply["reply_markup"]["inline_keyboard"][0][0]["text"] == "👍"

        await api.push(callback(f"topic:{kb.topics_in_order()[0].id}", user_id=321, message_id=9))
        [ack] = await api.wait_for("answerCallbackQuery")
        [edited] = await api.wait_for("editMessageText")
        assert int(edited["message_id"]) == 9 and ack["callback_query_id"]
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) == 0
    methods = api.methods()
    assert methods[0] == "getMe"
    assert {"deleteWebhook", "setMyCommands", "getUpdates"} <= set(methods)
    with sqlite3.connect(settings.BOT_DB_PATH) as db:  # closed cleanly, and the question is there
        assert db.execute("SELECT outcome FROM questions").fetchall() == [("answer",)]


async def test_server_errors_are_waited_out_and_never_stop_the_bot(api, kb, matcher, tmp_path):
    settings = settings_for(api, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    api.failures = {"getUpdates": [502, 500], "sendMessage": [500, 503]}
    task = asyncio.create_task(run_telegram(router, settings, stop=stop))
    try:
        await api.push(message(ASK, user_id=111))
        [reply] = await api.wait_for("sendMessage", timeout=30)
        assert "Sở Ngoại vụ" in html.unescape(reply["text"])
        failed = [m for m in api.methods() if "!" in m]
        assert failed.count("getUpdates!502") == 1 and failed.count("sendMessage!503") == 1
        assert not task.done()
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) == 0


async def test_webhook_secret_healthz_and_answer(api, kb, matcher, tmp_path):
    settings = settings_for(api, tmp_path, WEBHOOK_PORT=0, WEBHOOK_URL="https://bot.example.invalid/telegram",
                            WEBHOOK_SECRET="s3cret-token_value")
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    ready: asyncio.Future = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(run_telegram(router, settings, webhook=True, stop=stop,
                                         on_ready=lambda server: ready.set_result(server.port)))
    try:
        port = await asyncio.wait_for(ready, 20)
        [registered] = await api.wait_for("setWebhook")
        assert registered["url"] == settings.WEBHOOK_URL and registered["secret_token"] == settings.WEBHOOK_SECRET
        url = f"http://127.0.0.1:{port}/telegram"
        update = message(ASK, user_id=654)
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update) as resp:
                assert resp.status == 403
            async with http.post(url, json=update, headers={SECRET_HEADER: "wrong"}) as resp:
                assert resp.status == 403
            await asyncio.sleep(0.05)
            assert api.methods().count("sendMessage") == 0  # refused requests reach nobody
            async with http.post(url, data=b"{not json", headers={SECRET_HEADER: settings.WEBHOOK_SECRET}) as resp:
                assert resp.status == 400
            async with http.post(url, json=update, headers={SECRET_HEADER: settings.WEBHOOK_SECRET}) as resp:
                assert resp.status == 200
            [reply] = await api.wait_for("sendMessage")
            assert int(reply["chat_id"]) == 654 and "Sở Ngoại vụ" in html.unescape(reply["text"])
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200 and (await resp.json())["status"] == "ok"
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) == 0
    assert "getUpdates" not in api.methods()


async def test_a_rejected_token_stops_with_a_clear_message(api, kb, matcher, tmp_path, caplog):
    settings = Settings(TELEGRAM_BOT_TOKEN="1:wrong", TELEGRAM_BASE_URL=api.base_url,
                        BOT_DB_PATH=str(tmp_path / "bot.sqlite3"))
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    assert await asyncio.wait_for(run_telegram(router, settings), 20) == 1
    assert "TELEGRAM_BOT_TOKEN" in caplog.text and "1:wrong" not in caplog.text


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_process_answers_then_stops_cleanly_on_signal_without_logging_the_token(api, tmp_path, sig):
    db_path = tmp_path / "proc.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "BOT_DB"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url, BOT_DB_PATH=str(db_path),
               LOG_LEVEL="DEBUG", PYTHONPATH=str(ROOT))
    async with bot_process(tmp_path, env) as bot:
        await api.wait_for("getUpdates", timeout=60)
        await api.push(message(ASK, user_id=777))
        [reply] = await api.wait_for("sendMessage", timeout=30)
        assert "Sở Ngoại vụ" in html.unescape(reply["text"])
        assert await bot.stop(sig) == 0
    stderr = bot.stderr
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr
    assert "database closed" in stderr and "Traceback" not in stderr
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 1
