"""The Zalo Official Account channel over real HTTP on 127.0.0.1, against a fake OA platform: signed
events in, consultation messages out through the outbox, the token pair, the windows, bad input."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest

from bot.channels.zalo_oa import MAX_MESSAGE, ZaloOAChannel
from bot.channels.zalo_oa_api import OAClient, TokenError, parse_event, signature_matches
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.runner import run
from bot.settings import Settings
from bot.storage import Storage
from handlers.router import Router
from tests.bot.fakes.zalo_oa import (
    APP_ID,
    APP_SECRET,
    SECRET_KEY,
    FakeZaloOA,
    follow_event,
    other_event,
    signed,
    text_event,
)

ASK = "ai chủ trì kế hoạch 119"


@pytest.fixture
async def oa():
    server = await FakeZaloOA().start()
    yield server
    await server.stop()


def settings_for(oa: FakeZaloOA, tmp_path, **extra) -> Settings:
    values = {"ZALO_OA_APP_ID": APP_ID, "ZALO_OA_APP_SECRET": APP_SECRET, "ZALO_OA_SECRET_KEY": SECRET_KEY,
              "ZALO_OA_API_URL": oa.base_url, "ZALO_OA_OAUTH_URL": oa.base_url,
              "ZALO_OA_REDIRECT_URL": "https://bot.example.vn/zalo-oa/callback",
              "BOT_DB_PATH": str(tmp_path / "bot.sqlite3"), "WEBHOOK_PORT": 0, **extra}
    return Settings(**values)


class Running:
    """The runner with the OA channel alone; ``ask`` posts a signed text and returns the reply."""

    def __init__(self, oa: FakeZaloOA, router: Router, settings: Settings):
        self.oa, self.router = oa, router
        self.stop = asyncio.Event()
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(run(router, settings, ["zalo_oa"], stop=self.stop, signals=False,
                                            on_ready=lambda server: self.ready.set_result(server)))

    async def url(self, path: str = "/zalo-oa") -> str:
        server = await asyncio.wait_for(self.ready, 10)
        return f"http://127.0.0.1:{server.port}{path}"

    async def post(self, event, **kwargs) -> int:
        return await self.oa.post(await self.url(), event, **kwargs)

    async def ask(self, text: str, user_id: str = "u100") -> str:
        before = len(self.oa.sent(user_id))
        assert await self.post(text_event(text, user_id)) == 200
        return await self.replies(user_id, before)

    async def replies(self, user_id: str, before: int) -> str:
        """Every part sent after ``before`` until the bot has been quiet for a moment."""
        await self.oa.wait_for("cs", before + 1)
        count = -1
        while count != len(self.oa.sent(user_id)):
            count = len(self.oa.sent(user_id))
            await asyncio.sleep(0.15)
        return "\n\n".join(self.oa.sent(user_id)[before:])

    async def close(self) -> int:
        self.stop.set()
        return await asyncio.wait_for(self.task, 20)


def running(oa: FakeZaloOA, kb, matcher, tmp_path, **extra) -> Running:
    extra.setdefault("ZALO_OA_REFRESH_TOKEN", oa.issue()["refresh_token"])
    settings = settings_for(oa, tmp_path, **extra)
    return Running(oa, Router(kb, matcher, Storage(settings.BOT_DB_PATH), admins=settings.admins), settings)


def number_of(text: str, label: str) -> str:
    for match in re.finditer(r"(?:^|   )(\d+)\. ([^\n]*?)(?=   \d+\. |$)", text, flags=re.M):
        if label in match.group(2):
            return match.group(1)
    raise AssertionError(f"no option {label!r} in:\n{text}")


async def pieces(raw: bytes, size: int = 4096):
    """``raw`` as a chunked upload."""
    for at in range(0, len(raw), size):
        yield raw[at:at + size]
        await asyncio.sleep(0)


# -- the pieces --------------------------------------------------------------------------------
def test_signature_is_sha256_of_app_id_body_timestamp_and_key():
    event = text_event("xin chào")
    raw, headers = signed(event)
    header = headers["X-ZEvent-Signature"]
    assert signature_matches(header, APP_ID, raw, event["timestamp"], SECRET_KEY)
    assert signature_matches(header.removeprefix("mac="), APP_ID, raw, event["timestamp"], SECRET_KEY)
    assert not signature_matches(header, APP_ID, raw + b" ", event["timestamp"], SECRET_KEY)
    assert not signature_matches(header, APP_ID, raw, str(int(event["timestamp"]) + 1), SECRET_KEY)
    assert not signature_matches(header, "another-app", raw, event["timestamp"], SECRET_KEY)
    assert not signature_matches(None, APP_ID, raw, event["timestamp"], SECRET_KEY)
    assert not signature_matches(header, APP_ID, raw, event["timestamp"], "")


def test_events_parsed_and_echoes_ignored():
    text = parse_event(text_event("hỏi", "u1", msg_id="m1"))
    assert text is not None and (text.kind, text.user_id, text.text, text.msg_id) == ("text", "u1", "hỏi", "m1")
    follow = parse_event(follow_event("u2"))
    assert follow is not None and (follow.kind, follow.user_id) == ("follow", "u2")
    for name in ("user_send_image", "user_send_sticker", "user_send_location"):
        event = parse_event(other_event(name))
        assert event is not None and event.kind == "non_text"
    assert parse_event({**text_event("x"), "event_name": "oa_send_text"}).kind == "ignored"
    assert parse_event({**text_event("x"), "event_name": "something_new"}).kind == "ignored"
    assert parse_event([1, 2]) is None and parse_event({"timestamp": "1"}) is None


# -- end to end --------------------------------------------------------------------------------
async def test_a_signed_question_is_answered_quoting_the_message_with_the_token(oa, kb, matcher, tmp_path):
    bot = running(oa, kb, matcher, tmp_path)
    try:
        answer = await bot.ask(ASK, "u1")
        assert "Sở Ngoại vụ" in answer and "Gõ số" in answer
        [recipient] = oa.recipients()
        assert set(recipient) == {"message_id"} and oa.messages[recipient["message_id"]] == "u1"
        assert oa.refreshes == 1  # bootstrapped from ZALO_OA_REFRESH_TOKEN
        thanks = await bot.ask("1", "u1")  # the numbered 👍
        assert "✅" in thanks
    finally:
        assert await bot.close() == 0
    assert [m for m in oa.methods() if m.startswith("cs!")] == []


async def test_wrong_or_missing_signature_and_bad_input_get_no_reply(oa, kb, matcher, tmp_path, caplog):
    bot = running(oa, kb, matcher, tmp_path)
    caplog.set_level(logging.INFO)
    try:
        event = text_event(ASK, "u2")
        _raw, headers = signed(event, key="not-the-key")
        assert await bot.post(event, headers=headers) == 403
        assert await bot.post(event, headers={"Content-Type": "application/json"}) == 403
        async with aiohttp.ClientSession() as session:
            async with session.post(await bot.url(), data=b"{not json") as resp:
                assert resp.status == 400
            async with session.post(await bot.url(), data=b"x" * (200 * 1024)) as resp:
                assert resp.status == 413
            async with session.post(await bot.url(), data=pieces(b"x" * (200 * 1024))) as resp:
                assert resp.status == 413  # chunked, without a length
            whole = text_event(ASK, "u2b")
            oa.messages[whole["message"]["msg_id"]] = "u2b"  # as oa.post would
            raw, headers = signed(whole)
            async with session.post(await bot.url(), data=pieces(raw, 7), headers=headers) as resp:
                assert resp.status == 200  # a signed body arriving in small pieces is whole
        assert await bot.post(text_event(ASK, "u2", at=time.time() - 3600)) == 403  # a replay
        assert await bot.post(other_event("user_reacted_message", "u2")) == 200  # unknown: ignored
        assert await bot.post({**event, "event_name": "oa_send_text"}) == 200  # our own echo
        await bot.replies("u2b", 0)
        assert oa.sent("u2") == []
        twice = text_event(ASK, "u2")
        assert await bot.post(twice) == 200 and await bot.post(twice) == 200  # retried by Zalo
        await bot.replies("u2", 0)
        assert len(oa.sent("u2")) == 1
    finally:
        assert await bot.close() == 0
    for secret in (APP_SECRET, SECRET_KEY, *oa.access_tokens, *oa.refresh_tokens):
        assert secret not in caplog.text


async def test_an_invalid_token_is_refreshed_once_and_the_reply_delivered(oa, kb, matcher, tmp_path):
    bot = running(oa, kb, matcher, tmp_path)
    try:
        await bot.ask("xin chào", "u3")
        oa.expire_access_tokens()  # Zalo no longer takes it, though it has not expired by our clock
        answer = await bot.ask(ASK, "u3")
        assert "Sở Ngoại vụ" in answer
    finally:
        assert await bot.close() == 0
    assert oa.refreshes == 2 and oa.methods().count("cs!-216") == 1 and oa.spent == []


async def test_two_refreshes_at_once_use_the_refresh_token_once(oa, tmp_path):
    oa.refresh_delay = 0.2
    storage = Storage(str(tmp_path / "t.sqlite3"))
    client = OAClient(APP_ID, APP_SECRET, oa.base_url, oa.base_url)
    keeper = TokenKeeper(storage, client, APP_ID, oa.issue()["refresh_token"])
    try:
        first = await keeper.access_token()
        tokens = await asyncio.gather(keeper.refresh(first), keeper.refresh(first))  # Zalo said -216 twice
        assert len(set(tokens)) == 1 and tokens[0] != first and tokens[0] in oa.access_tokens
        assert await keeper.access_token() == tokens[0]
        assert oa.refreshes == 2 and oa.spent == []
        stored = await keeper.stored()
        assert stored is not None and stored.refresh_token in oa.refresh_tokens  # the unspent successor
    finally:
        await client.close()
        await storage.close()


async def test_a_restart_keeps_the_token_pair(oa, kb, matcher, tmp_path):
    bootstrap = oa.issue()["refresh_token"]
    bot = running(oa, kb, matcher, tmp_path, ZALO_OA_REFRESH_TOKEN=bootstrap)
    try:
        await bot.ask("xin chào", "u4")
    finally:
        assert await bot.close() == 0
    # the bootstrap token is spent now; the stored successor is what the next run uses
    bot = running(oa, kb, matcher, tmp_path, ZALO_OA_REFRESH_TOKEN=bootstrap)
    try:
        assert "Sở Ngoại vụ" in await bot.ask(ASK, "u4")
    finally:
        assert await bot.close() == 0
    assert oa.refreshes == 1 and oa.spent == []


async def test_follow_gets_the_welcome_and_a_picture_the_request_to_type(oa, kb, matcher, tmp_path):
    bot = running(oa, kb, matcher, tmp_path)
    try:
        assert await bot.post(follow_event("u5")) == 200
        welcome = await bot.replies("u5", 0)
        assert welcome.startswith("Xin chào!") and f"1. {kb.topics_in_order()[0].title['vi']}" in welcome
        assert oa.recipients()[0] == {"user_id": "u5"}  # nothing to quote yet
        assert await bot.post(other_event("user_send_image", "u5")) == 200
        assert "chỉ đọc được tin nhắn chữ" in await bot.replies("u5", 1)
    finally:
        assert await bot.close() == 0


async def test_an_answer_to_a_citizen_silent_for_a_week_is_reported_not_deliverable(oa, kb, matcher, tmp_path):
    bot = running(oa, kb, matcher, tmp_path, ADMIN_IDS="zalo_oa:oadmin")
    question = "thủ tục cấp hộ chiếu phổ thông mất bao lâu"
    try:
        await bot.ask(question, "ucitizen")  # the fallback: the question goes to the review queue
        storage = await bot.router.storage.open()
        await storage.set_oa_contact("zalo_oa", "ucitizen", "old-msg", at=time.time() - 8 * 86400)
        queue = await bot.ask(number_of(await bot.ask("/admin", "oadmin"), "Hàng chờ"), "oadmin")
        group = await bot.ask(number_of(queue, question), "oadmin")
        await bot.ask(number_of(group, "Trả lời trực tiếp"), "oadmin")
        preview = await bot.ask("Hộ chiếu do cơ quan công an cấp.", "oadmin")
        done = await bot.ask(number_of(preview, "Gửi"), "oadmin")
        assert "Đã chuyển tới: 0 người" in done
        assert "Không gửi được trên Zalo OA (người dân không tương tác với OA trong 7 ngày qua): 1." in done
    finally:
        assert await bot.close() == 0
    assert len(oa.sent("ucitizen")) == 1  # only the fallback, nothing outside the window


async def test_zalo_refusing_outside_the_window_is_not_retried(oa, kb, matcher, tmp_path):
    settings = settings_for(oa, tmp_path, ZALO_OA_REFRESH_TOKEN=oa.issue()["refresh_token"])
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    from bot.channels.base import Pipeline
    from bot.runner import flood_guard

    channel = ZaloOAChannel(Pipeline(router, flood_guard(settings)), settings)
    try:
        await (await router.storage.open()).set_oa_contact("zalo_oa", "u6", at=time.time() - 86400)
        oa.stale_users.add("u6")  # Zalo counts differently from us: it says -230
        assert await channel.send_text("u6", "xin chào") == "failed"
        oa.stale_users.clear()
        long_text = "\n\n".join(f"Đoạn {i}. " + "Nội dung kế hoạch hành động về ngoại giao kinh tế. " * 30
                                for i in range(7))
        assert await channel.send_text("u6", long_text) == "sent"
        parts = oa.sent("u6")
        assert len(parts) >= 3 and all(len(p) <= MAX_MESSAGE for p in parts)
        assert "".join(parts).count("Đoạn") == 7
        assert oa.recipients()[0] == {"user_id": "u6"}  # a day after their message: not a quote
        assert await channel.send_text("nobody", "xin chào") == "undeliverable"
    finally:
        await channel.close()
        await router.close()
    assert oa.methods().count("cs!-230") == 1


async def test_the_permission_url_and_the_callback(oa, kb, matcher, tmp_path, caplog):
    from bot.runner import zalo_oa_login

    caplog.set_level(logging.INFO)
    settings = settings_for(oa, tmp_path)
    url = await zalo_oa_login(settings)
    parsed = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    assert parsed.path == "/v4/oa/permission" and query["app_id"] == APP_ID
    assert query["redirect_uri"] == settings.ZALO_OA_REDIRECT_URL and query["state"]
    code = oa.grant_code(query["code_challenge"])
    bot = running(oa, kb, matcher, tmp_path, ZALO_OA_REFRESH_TOKEN="")
    try:
        callback = await bot.url("/zalo-oa/callback")
        async with aiohttp.ClientSession() as session:
            async with session.get(callback, params={"code": code, "state": query["state"]}) as resp:
                assert resp.status == 200 and "connected" in await resp.text()
            async with session.get(callback, params={"code": code, "state": query["state"]}) as resp:
                assert resp.status == 400  # a state works once
        assert "Sở Ngoại vụ" in await bot.ask(ASK, "u7")
        oa.token_answer = "<html>gateway error</html>"  # the token endpoint goes bad
        oa.expire_access_tokens()
        before = len(oa.sent("u7"))
        assert await bot.post(text_event("xin chào", "u7")) == 200
        await asyncio.sleep(0.5)
        assert len(oa.sent("u7")) == before  # waits in the outbox for the token endpoint
        assert await bot.post(follow_event("u8")) == 200  # and the channel keeps taking events
    finally:
        assert await bot.close() == 0
    assert "the answer is not a token pair" in caplog.text
    for secret in (APP_SECRET, SECRET_KEY, *oa.access_tokens, *oa.refresh_tokens):
        assert secret not in caplog.text


async def test_a_token_endpoint_error_is_one_line_and_no_token(oa, tmp_path):
    client = OAClient(APP_ID, APP_SECRET, oa.base_url, oa.base_url)
    try:
        oa.token_answer = {"error": -14014, "error_name": "Invalid refresh token"}
        with pytest.raises(TokenError, match="-14014 Invalid refresh token"):
            await client.refresh("RT-whatever")
        oa.token_answer = {"access_token": "AT", "refresh_token": "RT", "expires_in": "soon"}
        with pytest.raises(TokenError, match="expires_in"):
            await client.refresh("RT-whatever")
    finally:
        await client.close()


async def test_the_job_refreshes_ahead_of_expiry(oa, tmp_path):
    from bot.storage.zalo_oa import TokenPair

    storage = Storage(str(tmp_path / "j.sqlite3"))
    client = OAClient(APP_ID, APP_SECRET, oa.base_url, oa.base_url)
    keeper = TokenKeeper(storage, client, APP_ID)
    pair = oa.issue()
    await keeper.store_login(TokenPair(pair["access_token"], pair["refresh_token"], time.time() + 120))
    stop = asyncio.Event()
    job = asyncio.create_task(keeper.keep_fresh(stop))
    try:
        await oa.wait_for("token", 1)  # 2 minutes left is within the margin: refreshed now
        for _ in range(50):
            stored = await keeper.stored()
            if stored is not None and stored.access_token != pair["access_token"]:
                break
            await asyncio.sleep(0.05)
        assert stored is not None and stored.access_token != pair["access_token"]
        assert stored.expires_at > time.time() + 86400
    finally:
        stop.set()
        await asyncio.wait_for(job, 5)
        await client.close()
        await storage.close()
    assert oa.refreshes == 1


async def test_an_anonymous_question_is_answered_in_its_conversation_and_not_stored(oa, kb, matcher, tmp_path):
    bot = running(oa, kb, matcher, tmp_path)
    event = text_event(ASK, "anon-42", event_name="anonymous_send_text")
    event["message"]["conversation_id"] = "conv-7"
    try:
        assert await bot.post(event) == 200 and await bot.post(event) == 200  # and once only
        answer = await bot.replies("anonymous:anon-42", 0)
        assert "Sở Ngoại vụ" in answer and "Gõ số" not in answer  # no options to type back
        assert oa.recipients() == [{"anonymous_id": "anon-42", "conversation_id": "conv-7"}]
    finally:
        assert await bot.close() == 0
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        for table in ("users", "questions", "oa_contacts", "pending_options", "outbox"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


async def test_a_5000_character_answer_arrives_in_parts_of_at_most_2000(oa, kb, matcher, tmp_path):
    import dataclasses

    from handlers.messages import utf16_len

    entry = kb.entries["resp-so-ngoai-vu"]
    paragraphs = [f"Đoạn {i}: " + "Sở Ngoại vụ là cơ quan đầu mối về ngoại giao kinh tế. " * 10 for i in range(10)]
    long_answer = "\n\n".join(paragraphs)
    assert len(long_answer) >= 5000
    long_kb = dataclasses.replace(kb, entries={**kb.entries, entry.id: dataclasses.replace(
        entry, answer={**entry.answer, "vi": long_answer})})
    bot = running(oa, long_kb, matcher, tmp_path)
    try:
        await bot.ask(ASK, "u7")
    finally:
        assert await bot.close() == 0
    parts = oa.sent("u7")
    assert len(parts) >= 3 and all(utf16_len(part) <= MAX_MESSAGE for part in parts)
    assert all(f"Đoạn {i}:" in "\n\n".join(parts) for i in range(10))  # nothing lost between parts
