"""The runner in webhook mode with Telegram and Zalo on one port of 127.0.0.1, each against its
fake platform server: for tests that post to /telegram, /zalo and read /metrics over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.channels.telegram import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from bot.channels.zalo import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.runner import run
from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from tests.bot.fakes.bot_api import FakeBotAPI
from tests.bot.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.bot.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.bot.fakes.zalo_api import FakeZaloAPI

TELEGRAM_SECRET = "telegram-secret_1"
ZALO_SECRET = "zalo-secret-2"
HEADERS = {"telegram": {TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET}, "zalo": {ZALO_SECRET_HEADER: ZALO_SECRET}}


@dataclass
class Webhooks:
    base: str  # http://127.0.0.1:<port>
    settings: Settings
    router: Router
    telegram: FakeBotAPI
    zalo: FakeZaloAPI


@contextlib.asynccontextmanager
async def webhooks(kb: KnowledgeBase, matcher: Matcher, tmp_path, **extra) -> AsyncIterator[Webhooks]:
    telegram, zalo = await FakeBotAPI().start(), await FakeZaloAPI().start()
    settings = Settings(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BASE_URL=telegram.base_url,
                        ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_BASE_URL=zalo.base_url,
                        BOT_DB_PATH=str(tmp_path / "bot.sqlite3"), WEBHOOK_PORT=0,
                        WEBHOOK_URL="https://bot.example.org/telegram", WEBHOOK_SECRET=TELEGRAM_SECRET,
                        ZALO_WEBHOOK_SECRET=ZALO_SECRET, **extra)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    ready: asyncio.Future = asyncio.get_running_loop().create_future()
    short = {"poll_timeout": 1}
    task = asyncio.create_task(run(router, settings, ["telegram", "zalo"], webhook=True, stop=stop,
                                   options={"telegram": short, "zalo": short},
                                   on_ready=lambda server: ready.set_result(server.port)))
    try:
        port = await asyncio.wait_for(ready, 20)
        await telegram.wait_for("setWebhook", timeout=30)
        await zalo.wait_for("setWebhook", timeout=30)
        yield Webhooks(f"http://127.0.0.1:{port}", settings, router, telegram, zalo)
    finally:
        stop.set()
        try:
            assert await asyncio.wait_for(task, 30) == 0
        finally:
            await telegram.stop()
            await zalo.stop()
