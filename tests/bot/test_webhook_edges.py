"""Bad input at the webhooks, over real HTTP against the runner's web server on 127.0.0.1: lone
surrogates, bodies nested too deep, too large or with too many updates, oversized headers."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import sqlite3

import aiohttp
import pytest

from bot.channels import webinput
from bot.channels.zalo_api import unwrap
from tests.bot.fakes.telegram import message
from tests.bot.fakes.zalo_api import text_update
from tests.bot.webhooks import HEADERS, webhooks

ASK = "ai chủ trì kế hoạch 119"


# -- the pieces ----------------------------------------------------------------------------------
def test_clean_replaces_lone_surrogates_and_keeps_everything_else():
    assert webinput.clean("hỏi \ud800 gì\udfff") == "hỏi \ufffd gì\ufffd"
    assert webinput.clean("\ud83d\ude00") == "😀"  # a pair split in two code points is the character
    assert webinput.clean("Thanh Hóa 😀") == "Thanh Hóa 😀"
    assert webinput.clean(None) is None


def test_depth_counts_brackets_outside_strings_only():
    assert webinput.depth(b'{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert webinput.depth(b'{"a": "\\"[[[", "b": []}') == 2  # an escaped quote does not end the string
    assert webinput.depth(b"[" * 600 + b"]" * 600) == 600
    assert webinput.depth(b"") == 0
    with pytest.raises(webinput.Refused) as refused:
        webinput.loads(b"[" * 33 + b"]" * 33)
    assert refused.value.status == 400
    assert webinput.loads(b"[" * 32 + b"]" * 32) is not None


def test_depth_is_linear_on_hostile_strings():
    """Unterminated strings and runs of backslashes must not make the scan quadratic."""
    import time

    for raw in (b'"\\' * 200_000, b'"' * 600_000, b'["' * 200_000):
        started = time.perf_counter()
        webinput.depth(raw)
        assert time.perf_counter() - started < 2


def test_unwrap_is_iterative_and_stops_at_its_limit():
    body: list = []
    for _ in range(100_000):
        body = [body]
    assert unwrap(body) == []
    assert unwrap({"ok": True, "result": [{"message": {}}] * 500}, 101) == [{"message": {}}] * 101


# -- over HTTP -----------------------------------------------------------------------------------
async def test_lone_surrogates_get_a_normal_answer_and_are_never_stored(kb, matcher, tmp_path):
    async with webhooks(kb, matcher, tmp_path) as bot:
        async with aiohttp.ClientSession() as http:
            # json.dumps writes the lone surrogate as the escape "\ud800", as a hostile client would
            body = json.dumps(message(f"{ASK} \ud800", user_id=801))
            assert "\\ud800" in body
            async with http.post(f"{bot.base}/telegram", data=body, headers=HEADERS["telegram"]) as resp:
                assert resp.status == 200
            body = json.dumps(text_update(f"{ASK} \udfff", "z801"))
            async with http.post(f"{bot.base}/zalo", data=body, headers=HEADERS["zalo"]) as resp:
                assert resp.status == 200
            [t] = await bot.telegram.wait_for("sendMessage", timeout=30)
            [z] = await bot.zalo.wait_for("sendMessage", chat_id="z801", timeout=30)
        assert "Sở Ngoại vụ" in html.unescape(t["text"]) and "Sở Ngoại vụ" in z["text"]
    with sqlite3.connect(bot.settings.BOT_DB_PATH) as db:
        rows = db.execute("SELECT channel, text, outcome FROM questions ORDER BY channel").fetchall()
    assert rows == [("telegram", f"{ASK} \ufffd", "answer"), ("zalo", f"{ASK} \ufffd", "answer")]


async def test_deep_large_and_crowded_bodies_are_refused_and_nothing_is_handled(kb, matcher, tmp_path, caplog):
    deep = b'{"message": ' * 300 + b"{}" + b"}" * 300  # 600 brackets deep with the inner ones
    async with webhooks(kb, matcher, tmp_path) as bot:
        async with aiohttp.ClientSession() as http:
            for path in ("/telegram", "/zalo"):
                async with http.post(bot.base + path, data=b"[" * 600 + b"]" * 600,
                                     headers=HEADERS[path[1:]]) as resp:
                    assert resp.status == 400
                async with http.post(bot.base + path, data=deep, headers=HEADERS[path[1:]]) as resp:
                    assert resp.status == 400
                big = json.dumps({"message": {"text": "x" * (1 << 20)}})
                async with http.post(bot.base + path, data=big, headers=HEADERS[path[1:]]) as resp:
                    assert resp.status == 413
            crowd = [text_update(ASK, f"zc{i}") for i in range(webinput.MAX_UPDATES + 1)]
            caplog.clear()
            with caplog.at_level(logging.WARNING):
                async with http.post(f"{bot.base}/zalo", json=crowd, headers=HEADERS["zalo"]) as resp:
                    assert resp.status == 413
            refusals = [r for r in caplog.records if "updates in one request" in r.getMessage()]
            assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
            async with http.post(f"{bot.base}/zalo", json=crowd[:webinput.MAX_UPDATES],
                                 headers=HEADERS["zalo"]) as resp:
                assert resp.status == 200  # at the cap: every one handled
            await bot.zalo.wait_for("sendMessage", webinput.MAX_UPDATES, timeout=60)
            await asyncio.sleep(0.2)
        assert "zc100" not in {p["chat_id"] for m, p in bot.zalo.calls if m == "sendMessage"}
        assert bot.telegram.methods().count("sendMessage") == 0


async def test_an_oversized_header_is_one_warning_line_not_a_traceback(kb, matcher, tmp_path, caplog):
    async with webhooks(kb, matcher, tmp_path) as bot:
        port = int(bot.base.rsplit(":", 1)[1])
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            secret = "Authorization: Bearer never-logged-" + "a" * 9000
            writer.write(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n{secret}\r\n\r\n".encode())
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 10)
            writer.close()
            await writer.wait_closed()
            async with aiohttp.ClientSession() as http, http.get(f"{bot.base}/healthz") as resp:
                assert resp.status == 200  # the server goes on
        assert status_line.startswith(b"HTTP/1.") and b" 400 " in status_line
        refused = [r for r in caplog.records if "refused with 400" in r.getMessage()]
        assert len(refused) == 1
        [record] = refused
        assert record.levelno == logging.WARNING and record.exc_info is None and record.exc_text is None
        assert "never-logged" not in record.getMessage() and "127.0.0.1" in record.getMessage()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_filter_leaves_the_bots_own_errors_alone():
    from aiohttp.http_exceptions import LineTooLong

    from bot.webserver import ClientErrorFilter

    def record(exc: BaseException) -> logging.LogRecord:
        return logging.LogRecord("bot.webserver.http", logging.ERROR, __file__, 1,
                                 "Error handling request from %s", ("198.51.100.7",), (type(exc), exc, None))

    ours = record(RuntimeError("a bug"))
    assert ClientErrorFilter().filter(ours) and ours.levelno == logging.ERROR and ours.exc_info is not None
    theirs = record(LineTooLong(b"X-Big: secret-bytes", "8190"))
    assert ClientErrorFilter().filter(theirs) and theirs.levelno == logging.WARNING and theirs.exc_info is None
    assert "198.51.100.7" in theirs.getMessage() and "secret-bytes" not in theirs.getMessage()


async def raw_request(port: int, head: bytes) -> bytes:
    """The status line the server answers ``head`` (a request line and headers, bytes as sent) with."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head + b"\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        return await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()
        await writer.wait_closed()


async def test_a_secret_header_that_is_not_utf8_is_a_403_not_a_500(kb, matcher, tmp_path, caplog):
    async with webhooks(kb, matcher, tmp_path, METRICS_TOKEN="metrics-t0ken") as bot:
        port = int(bot.base.rsplit(":", 1)[1])
        with caplog.at_level(logging.WARNING):
            for head in (b"POST /telegram HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: \xff\xfe",
                         b"POST /zalo HTTP/1.1\r\nHost: x\r\nX-Bot-Api-Secret-Token: \xff\xfe",
                         b"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe"):
                assert b" 403 " in await raw_request(port, head), head
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
