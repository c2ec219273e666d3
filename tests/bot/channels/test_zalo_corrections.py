"""The Bot API channel's corrections after checking it against Zalo's Bot API documentation: 403
is a server error (retried, not a rejected token), an https webhook URL, a refused setWebhook stops
the channel with one line, lengths in UTF-16 units, "typing…" before an answer."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.zalo import MAX_MESSAGE, ZaloChannel, split_message
from bot.channels.zalo_api import ZaloAPI, ZaloError
from bot.runner import run
from bot.settings import Settings
from bot.storage import Storage
from handlers.messages import utf16_len
from handlers.router import Router
from tests.bot.fakes.zalo_api import TOKEN, text_update
from tests.bot.fakes.zalo_api import zalo_settings as settings_for


async def test_403_is_retried_as_a_server_error_not_a_rejected_token(zapi):
    api = ZaloAPI(TOKEN, zapi.base_url, retries=2, backoff=0.01)
    zapi.failures = {"getMe": [403], "sendMessage": [("ok_false", 403)]}
    try:
        assert (await api.call("getMe"))["id"] == "zbot-1"  # after one retry
        zapi.failures = {"getUpdates": [("ok_false", 400)]}
        with pytest.raises(ZaloError) as err:  # an unknown method or a bad request: no retry
            await api.call("getUpdates", retries=3)
        assert err.value.code == 400 and not err.value.retryable
    finally:
        await api.close()
    assert zapi.methods().count("getMe!403") == 1 and zapi.methods().count("getUpdates!ok_false400") == 1


def test_the_webhook_url_must_be_https():
    http = Settings(ZALO_BOT_TOKEN="t", ZALO_WEBHOOK_URL="http://bot.example.vn/zalo")
    assert "https://" in (ZaloChannel.configuration_error(http, webhook=True) or "")
    assert ZaloChannel.configuration_error(http, webhook=False) is None  # polling needs no URL
    https = Settings(ZALO_BOT_TOKEN="t", ZALO_WEBHOOK_URL="https://bot.example.vn/zalo")
    assert ZaloChannel.configuration_error(https, webhook=True) is None


async def test_a_refused_set_webhook_stops_the_channel_with_one_clear_line(zapi, kb, matcher, tmp_path, caplog):
    settings = settings_for(zapi, tmp_path, WEBHOOK_PORT=0, ZALO_WEBHOOK_URL="https://bot.example.invalid/zalo")
    zapi.failures = {"setWebhook": [("ok_false", 400)] * 5}
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    api = ZaloAPI(TOKEN, zapi.base_url, backoff=0.01)
    code = await asyncio.wait_for(run(router, settings, ["zalo"], webhook=True, signals=False,
                                      options={"zalo": {"api": api}}), 20)
    assert code == 1 and zapi.methods().count("setWebhook!ok_false400") == 1  # tried once, not forever
    assert "Zalo refused the webhook" in caplog.text and "ZALO_WEBHOOK_URL" in caplog.text
    assert TOKEN not in caplog.text


def test_parts_are_measured_in_utf16_units():
    text = "Kế hoạch 119 🌏🤝 " * 200  # each emoji is two UTF-16 units
    parts = split_message(text)
    assert all(utf16_len(p) <= MAX_MESSAGE for p in parts) and len(parts) >= 2
    assert any(len(p) < utf16_len(p) for p in parts)


async def test_typing_is_shown_before_the_answer(zapi, kb, matcher, tmp_path):
    settings = settings_for(zapi, tmp_path)
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    api = ZaloAPI(TOKEN, zapi.base_url, backoff=0.05)
    task = asyncio.create_task(run(router, settings, ["zalo"], stop=stop, signals=False,
                                   options={"zalo": {"poll_timeout": 1, "api": api}}))
    try:
        await zapi.push(text_update("ai chủ trì kế hoạch 119", "z1"))
        [typing] = await zapi.wait_for("sendChatAction", 1)
        await zapi.wait_for("sendMessage", 1)
        assert typing == {"chat_id": "z1", "action": "typing"}
        methods = zapi.methods()
        assert methods.index("sendChatAction") < methods.index("sendMessage")
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) == 0
