"""What a Bot API failure means for the outbox, and a reply whose answer timed out, sent once."""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram_api import failure
from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from tests.bot.fakes.telegram import TOKEN, AppHarness, FakeRequest, message


def caused(exc: Exception, cause: Exception) -> Exception:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(("error", "kind"), [
    (NetworkError("Internal Server Error (500)"), "retry"),  # an answer: nothing was taken
    (caused(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")), "retry"),
    (caused(TimedOut(), httpx.ConnectTimeout("connect")), "retry"),
    (caused(TimedOut(), httpx.PoolTimeout("pool")), "retry"),
    (caused(TimedOut(), httpx.ReadTimeout("read")), "unsure"),  # sent; the answer never came
    (caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), "unsure"),
    (caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("eof")), "unsure"),
    (Forbidden("bot was blocked by the user"), "refused"),
    (BadRequest("chat not found"), "refused"),
])
def test_only_what_certainly_did_not_arrive_is_retried(error, kind):
    assert failure(error).kind == kind


def test_a_429_waits_as_long_as_telegram_asks():
    result = failure(RetryAfter(7))
    assert result.kind == "retry" and result.retry_after == 7


class SlowAnswers(FakeRequest):
    """Telegram takes the message, but the answer comes after the read timeout."""

    def __init__(self) -> None:
        super().__init__()
        self.slow = 0

    async def do_request(self, url, method, request_data=None, **kw):
        status, body = await super().do_request(url, method, request_data, **kw)
        if url.endswith("/sendMessage") and self.slow:
            self.slow -= 1
            raise TimedOut() from httpx.ReadTimeout("read timed out")
        return status, body


class Harness(AppHarness):
    def __init__(self, kb, matcher, db_path, request: FakeRequest):
        router = Router(kb, matcher, Storage(db_path), retention_days=365)
        self._wire(router, Settings(TELEGRAM_BOT_TOKEN=TOKEN), request=request)


@contextlib.asynccontextmanager
async def bot_with_worker(kb, matcher, tmp_path, request: FakeRequest) -> AsyncIterator[Harness]:
    """The bot on ``request``, its outbox worker running with quick retries."""
    harness = await Harness(kb, matcher, tmp_path / "bot.sqlite3", request).start()
    harness.pipeline.outbox.backoff = 0.01
    stop = asyncio.Event()
    worker = asyncio.create_task(harness.pipeline.outbox.run(stop))
    try:
        yield harness
    finally:
        stop.set()
        await worker
        await harness.stop()


async def test_a_reply_whose_answer_timed_out_is_not_sent_again(kb, matcher, tmp_path):
    slow = SlowAnswers()
    async with bot_with_worker(kb, matcher, tmp_path, slow) as harness:
        slow.slow = 1
        await harness._process(message("ai chủ trì kế hoạch 119"))
        await asyncio.sleep(0.3)  # the worker had time to send it again, if it were going to
    [reply] = slow.sent()
    assert "Sở Ngoại vụ" in html.unescape(reply["text"]) and "Xin lỗi" not in reply["text"]


async def test_5xx_answers_are_retried_by_the_outbox_and_a_429_is_waited_out(kb, matcher, tmp_path):
    """The reply waits in the outbox through two 5xx answers and arrives once; no apology."""
    request = FakeRequest()
    async with bot_with_worker(kb, matcher, tmp_path, request) as harness:
        request.failures["sendMessage"] = [502, 500]
        await harness._process(message("ai chủ trì kế hoạch 119"))
        assert request.sent() == []  # the first try failed: nothing arrived yet
        for _ in range(1000):  # the worker's retries: quick, but a loaded machine may take seconds
            if request.sent():
                break
            await asyncio.sleep(0.02)
        [reply] = request.sent()
        assert "Sở Ngoại vụ" in html.unescape(reply["text"]) and "Xin lỗi" not in reply["text"]
        request.failures["sendMessage"] = [429]  # waited out by the rate limiter itself
        await harness._process(message("Xin chào"))
        assert len(request.sent()) == 2
        assert (await harness.storage.outbox_counts())["pending"] == 0
