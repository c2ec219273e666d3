"""The runner with `--channel all`: Telegram and Zalo in one process over real HTTP on 127.0.0.1,
sharing the router and the database; one channel failing while the other keeps answering; both
webhooks on one port; and `python -m bot run --channel zalo|all` as a real process."""

from __future__ import annotations

import asyncio
import html
import os
import sqlite3
import subprocess
import sys

import aiohttp
import pytest

from bot.channels.telegram import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from bot.channels.zalo import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.runner import run
from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from tests.bot.fakes.bot_api import FakeBotAPI
from tests.bot.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.bot.fakes.telegram import callback, keyboard_of, message
from tests.bot.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.bot.fakes.zalo_api import FakeZaloAPI, text_update
from tests.bot.processes import bot_process, free_port
from tests.conftest import ROOT

ASK = "ai chủ trì kế hoạch 119"


@pytest.fixture
async def apis():
    telegram, zalo = await FakeBotAPI().start(), await FakeZaloAPI().start()
    yield telegram, zalo
    await telegram.stop()
    await zalo.stop()


def run_all(router: Router, settings: Settings, **kwargs):
    short = {"poll_timeout": 1}
    return run(router, settings, ["telegram", "zalo"], options={"telegram": short, "zalo": short}, **kwargs)


def settings_for(telegram: FakeBotAPI, zalo: FakeZaloAPI, tmp_path, **extra) -> Settings:
    values = dict(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BASE_URL=telegram.base_url,
                  ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_BASE_URL=zalo.base_url,
                  BOT_DB_PATH=str(tmp_path / "bot.sqlite3"))
    values.update(extra)
    return Settings(**values)


async def telegram_answer(api: FakeBotAPI, user_id: int, count: int = 1) -> str:
    await api.push(message(ASK, user_id=user_id))
    sent = [p for p in await api.wait_for("sendMessage", count, timeout=30)]
    return html.unescape(sent[-1]["text"])


async def zalo_answer(api: FakeZaloAPI, user_id: str) -> str:
    await api.push(text_update(ASK, user_id))
    [reply] = await api.wait_for("sendMessage", chat_id=user_id, timeout=30)
    return reply["text"]


async def test_one_channel_down_the_other_keeps_answering(apis, kb, matcher, tmp_path):
    telegram, zalo = apis
    settings = settings_for(telegram, zalo, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    zalo.fail_all = 503  # Zalo is down from the start
    task = asyncio.create_task(run_all(router, settings, stop=stop))
    try:
        assert "Sở Ngoại vụ" in await telegram_answer(telegram, 501)
        zalo.fail_all = None  # Zalo comes back: the channel reconnects by itself
        assert "Sở Ngoại vụ" in await zalo_answer(zalo, "z501")
        telegram.failures = {"getUpdates": [502] * 10_000}  # now Telegram is down
        await telegram.wait_for("getUpdates!502", timeout=10)
        assert "Sở Ngoại vụ" in await zalo_answer(zalo, "z502")
        assert not task.done()
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    with sqlite3.connect(settings.BOT_DB_PATH) as db:  # one database for both channels
        assert sorted(db.execute("SELECT channel, user_id FROM questions").fetchall()) == [
            ("telegram", "501"), ("zalo", "z501"), ("zalo", "z502")]


@pytest.mark.parametrize("rejected, token, survivor", [
    ("zalo", {"ZALO_BOT_TOKEN": "rejected-zalo-token"}, "telegram"),
    ("telegram", {"TELEGRAM_BOT_TOKEN": "1:rejected"}, "zalo"),
])
async def test_a_rejected_token_stops_only_that_channel(apis, kb, matcher, tmp_path, caplog, rejected, token,
                                                        survivor):
    telegram, zalo = apis
    settings = settings_for(telegram, zalo, tmp_path, **token)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    task = asyncio.create_task(run_all(router, settings, stop=stop))
    try:
        for _ in range(100):
            if f"the {rejected} channel stopped" in caplog.text:
                break
            await asyncio.sleep(0.1)
        assert f"the {rejected} channel stopped" in caplog.text
        answer = await (telegram_answer(telegram, 601) if survivor == "telegram" else zalo_answer(zalo, "z602"))
        assert "Sở Ngoại vụ" in answer  # on the same open database
        assert not task.done()
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    assert next(iter(token.values())) not in caplog.text


async def test_zalo_people_reach_telegram_administrators(apis, kb, matcher, tmp_path):
    """A Zalo citizen's unanswered question is noticed in the administrators' Telegram group."""
    telegram, zalo = apis
    settings = settings_for(telegram, zalo, tmp_path, ADMIN_CHAT_ID="-100777")
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH), admin_chat=settings.ADMIN_CHAT_ID)
    stop = asyncio.Event()
    task = asyncio.create_task(run_all(router, settings, stop=stop))
    try:
        await zalo.push(text_update("thủ tục cấp hộ chiếu phổ thông mất bao lâu", "z901"))
        await zalo.wait_for("sendMessage", chat_id="z901", timeout=30)
        [notice] = await telegram.wait_for("sendMessage", timeout=30)
        assert int(notice["chat_id"]) == -100777 and "hộ chiếu" in html.unescape(notice["text"])
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0


async def test_a_telegram_administrator_answers_a_zalo_citizen(apis, kb, matcher, tmp_path):
    telegram, zalo = apis
    settings = settings_for(telegram, zalo, tmp_path, ADMIN_IDS="4242")
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH), admins=settings.admins)
    stop = asyncio.Event()
    task = asyncio.create_task(run_all(router, settings, stop=stop))
    question = "thủ tục cấp hộ chiếu phổ thông mất bao lâu"

    async def admin_does(update: dict) -> dict:
        """The administrator's next message (sent or edited in place), once the bot has produced it."""
        before = sum(m in ("sendMessage", "editMessageText") for m in telegram.methods())
        await telegram.push(update)
        for _ in range(300):
            shown = [p for m, p in telegram.calls if m in ("sendMessage", "editMessageText")]
            if len(shown) > before:
                return shown[-1]
            await asyncio.sleep(0.05)
        raise AssertionError("no reply from the bot")

    def button(params: dict, contains: str) -> str:
        for row in keyboard_of(params):
            for b in row:
                if contains in b["text"]:
                    return b["callback_data"]
        raise AssertionError(f"no button {contains!r}")

    try:
        await zalo.push(text_update(question, "z951"))
        await zalo.wait_for("sendMessage", chat_id="z951", timeout=30)
        menu = await admin_does(message("/admin", user_id=4242))
        queue = await admin_does(callback(button(menu, "Hàng chờ"), user_id=4242))
        group = await admin_does(callback(button(queue, question[:20]), user_id=4242))
        await admin_does(callback(button(group, "Trả lời trực tiếp"), user_id=4242))
        preview = await admin_does(message("Hộ chiếu do Công an tỉnh cấp.", user_id=4242))
        done = await admin_does(callback(button(preview, "Gửi"), user_id=4242))
        assert "Đã chuyển tới: 1" in html.unescape(done["text"])
        sent = await zalo.wait_for("sendMessage", 2, chat_id="z951", timeout=30)
        assert "Công an tỉnh" in sent[-1]["text"]
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0



async def test_both_webhooks_on_one_port(apis, kb, matcher, tmp_path):
    telegram, zalo = apis
    port = free_port()
    settings = settings_for(telegram, zalo, tmp_path, WEBHOOK_PORT=port,
                            WEBHOOK_URL="https://bot.example.invalid/telegram",
                            WEBHOOK_SECRET="telegram-secret_1", ZALO_WEBHOOK_SECRET="zalo-secret-2")
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    task = asyncio.create_task(run_all(router, settings, webhook=True, stop=stop))
    base = f"http://127.0.0.1:{port}"
    try:
        await telegram.wait_for("setWebhook", timeout=30)
        await zalo.wait_for("setWebhook", timeout=30)
        assert zalo.webhook == {"url": "https://bot.example.invalid/zalo", "secret_token": "zalo-secret-2"}
        async with aiohttp.ClientSession() as http:
            # each path wants its own channel's secret
            async with http.post(f"{base}/zalo", json=text_update(ASK, "z701"),
                                 headers={ZALO_SECRET_HEADER: "telegram-secret_1"}) as resp:
                assert resp.status == 403
            async with http.post(f"{base}/telegram", json=message(ASK, user_id=701),
                                 headers={TELEGRAM_SECRET_HEADER: "zalo-secret-2"}) as resp:
                assert resp.status == 403
            async with http.post(f"{base}/zalo", json=text_update(ASK, "z701"),
                                 headers={ZALO_SECRET_HEADER: "zalo-secret-2"}) as resp:
                assert resp.status == 200
            update = message(ASK, user_id=701)
            for _ in range(2):  # Telegram posts an update again when our answer was slow: one reply
                async with http.post(f"{base}/telegram", json=update,
                                     headers={TELEGRAM_SECRET_HEADER: "telegram-secret_1"}) as resp:
                    assert resp.status == 200
            [z] = await zalo.wait_for("sendMessage", chat_id="z701")
            [t] = await telegram.wait_for("sendMessage")
            assert "Sở Ngoại vụ" in z["text"] and "Sở Ngoại vụ" in html.unescape(t["text"])
            await asyncio.sleep(0.5)
            assert len([p for m, p in telegram.calls if m == "sendMessage"]) == 1
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 200
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "BOT_DB"))}
    env.update(PYTHONPATH=str(ROOT), BOT_DB_PATH=str(tmp_path / "db.sqlite3"), **extra)
    return env


def test_missing_tokens_are_a_clear_error(tmp_path):
    zalo = subprocess.run([sys.executable, "-m", "bot", "run", "--channel", "zalo"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(tmp_path), timeout=120)
    assert zalo.returncode == 2 and "ZALO_BOT_TOKEN" in zalo.stderr
    both = subprocess.run([sys.executable, "-m", "bot", "run", "--channel", "all"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(tmp_path, TELEGRAM_BOT_TOKEN="1:x"), timeout=120)
    assert both.returncode == 2 and "ZALO_BOT_TOKEN" in both.stderr and "TELEGRAM_BOT_TOKEN" not in both.stderr
    for out in (zalo, both):
        assert "Traceback" not in out.stderr


async def test_zalo_process_answers_then_stops_cleanly_without_logging_the_token(tmp_path):
    zalo = await FakeZaloAPI().start()
    env = _env(tmp_path, ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_BASE_URL=zalo.base_url, LOG_LEVEL="DEBUG")
    try:
        async with bot_process(tmp_path, env) as bot:  # only ZALO_BOT_TOKEN: Zalo by default
            assert "Sở Ngoại vụ" in await zalo_answer(zalo, "z801")
            assert await bot.stop() == 0
    finally:
        await zalo.stop()
    stderr = bot.stderr
    assert ZALO_TOKEN not in stderr and "Traceback" not in stderr
    assert "Zalo channel stopped" in stderr
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 1


async def test_all_channels_process_answers_on_both_and_stops_cleanly_on_sigterm(apis, tmp_path):
    telegram, zalo = apis
    env = _env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BASE_URL=telegram.base_url,
               ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_BASE_URL=zalo.base_url, LOG_LEVEL="DEBUG")
    async with bot_process(tmp_path, env) as bot:  # both tokens: all by default
        assert "Sở Ngoại vụ" in await zalo_answer(zalo, "z1001")
        assert "Sở Ngoại vụ" in await telegram_answer(telegram, 1001)
        assert await bot.stop() == 0
    stderr = bot.stderr
    for secret in (ZALO_TOKEN, TELEGRAM_TOKEN, TELEGRAM_TOKEN.split(":")[1]):
        assert secret not in stderr
    assert "Traceback" not in stderr and "Zalo channel stopped" in stderr
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 2


async def test_a_channel_that_fails_leaves_the_storage_open_for_the_others(monkeypatch, kb, matcher, tmp_path,
                                                                            caplog):
    """No channel owns another's lifetime: the database closes when the runner stops, not before."""
    from bot import runner
    from bot.channels.base import Channel, Inbound

    router = Router(kb, matcher, Storage(tmp_path / "bot.sqlite3"))
    closed: list[bool] = []
    real_close = router.close

    async def close() -> None:
        closed.append(True)
        await real_close()

    monkeypatch.setattr(router, "close", close)
    stop = asyncio.Event()
    replies: list[str] = []

    class Broken(Channel):
        name = "broken"

        def __init__(self, pipeline, settings=None, **kwargs):
            super().__init__(pipeline)

        async def run(self, stop):
            raise RuntimeError("lost the platform")

        async def send(self, event, reply):
            replies.append(reply.text)

        async def send_text(self, user_id, text):
            return False

    class Steady(Broken):
        name = "steady"

        async def run(self, stop):
            while "the broken channel stopped" not in caplog.text:
                await asyncio.sleep(0.01)
            await self.pipeline.handle(self, Inbound("s1", text=ASK))
            assert not closed  # the other channel's failure closed nothing
            stop.set()
            return 0

    monkeypatch.setattr(runner, "CHANNELS", {"broken": Broken, "steady": Steady})
    assert await asyncio.wait_for(runner.run(router, Settings(), ["broken", "steady"], stop=stop), 20) == 0
    assert closed == [True] and "Sở Ngoại vụ" in replies[0]
    assert "lost the platform" in caplog.text
