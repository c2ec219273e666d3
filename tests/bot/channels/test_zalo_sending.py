"""What a failed Zalo sendMessage means for the outbox: only what certainly did not arrive is retried."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from bot.channels.base import Pipeline
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloAPI
from bot.outbox import SendFailed
from bot.runner import flood_guard
from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from tests.bot.fakes.zalo_api import TOKEN, FakeZaloAPI
from tests.bot.processes import free_port


class SlowZalo(FakeZaloAPI):
    """Carries out sendMessage, then answers too late."""

    slow = False

    async def _handle(self, request: web.Request) -> web.Response:
        response = await super()._handle(request)
        if self.slow and request.match_info["method"] == "sendMessage":
            await asyncio.sleep(1.0)
        return response


@pytest.fixture
async def zapi():
    api = await SlowZalo().start()
    yield api
    await api.stop()


async def channel_on(base_url: str, kb, matcher, tmp_path) -> ZaloChannel:
    settings = Settings(ZALO_BOT_TOKEN=TOKEN, ZALO_BASE_URL=base_url, BOT_DB_PATH=str(tmp_path / "b.sqlite3"))
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    api = ZaloAPI(TOKEN, base_url, timeout=0.3, backoff=0.01)
    return ZaloChannel(Pipeline(router, flood_guard(settings)), settings, api=api)


async def kind_of(channel: ZaloChannel) -> str:
    try:
        await channel.transmit("z1", {"text": "xin chào"})
    except SendFailed as exc:
        return exc.kind
    return "sent"


async def test_each_failure_means_what_it_says(zapi, kb, matcher, tmp_path):
    channel = await channel_on(zapi.base_url, kb, matcher, tmp_path)
    try:
        assert await kind_of(channel) == "sent"
        zapi.failures = {"sendMessage": [503]}
        assert await kind_of(channel) == "retry"  # answered with an error: nothing was sent
        zapi.failures = {"sendMessage": [("ok_false", 400)]}
        assert await kind_of(channel) == "refused"
        zapi.slow = True
        assert await kind_of(channel) == "unsure"  # it went out; no answer in time
        assert zapi.sent("z1") == ["xin chào", "xin chào"]  # the first, and the slow one: never a retry
    finally:
        await channel.close()
        await channel.pipeline.router.close()


async def test_a_connection_never_made_is_retried(kb, matcher, tmp_path):
    port = free_port()  # nobody listens on it
    channel = await channel_on(f"http://127.0.0.1:{port}", kb, matcher, tmp_path)
    try:
        assert await kind_of(channel) == "retry"
    finally:
        await channel.close()
        await channel.pipeline.router.close()
