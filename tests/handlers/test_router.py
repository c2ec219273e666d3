"""Channel-neutral pieces the channels rely on: splitting, flood control, callback sizes, flows."""

from __future__ import annotations

import asyncio
import dataclasses

from bot.storage import Storage
from handlers.flood import FloodGuard
from handlers.help import start_reply
from handlers.locks import KeyedLocks
from handlers.menu import main_menu_reply, topic_reply
from handlers.messages import Incoming, Reply, split_text, utf16_len
from handlers.router import Router, parse_command


def test_split_text_prefers_paragraphs_then_words():
    text = "\n\n".join(["a" * 3000, "b" * 3000, "c " * 2500])
    parts = split_text(text, 4096)
    assert parts[0] == "a" * 3000 and parts[1] == "b" * 3000
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parts[2:]).replace(" ", "") == "c" * 2500  # words never cut
    assert split_text("short", 10) == ["short"]
    assert all(len(p) <= 100 for p in split_text("x" * 1000, 100))  # no boundary at all: hard cut
    emoji = "😀" * 3000
    assert all(utf16_len(p) <= 4096 for p in split_text(emoji, 4096, utf16_len))


def test_flood_guard():
    now = [0.0]
    guard = FloodGuard(limit=3, window=10, mute=5, clock=lambda: now[0])
    assert [guard.check("a") for _ in range(5)] == ["ok", "ok", "ok", "notice", "ignore"]
    assert guard.check("b") == "ok"
    now[0] = 6
    assert guard.check("a") == "ok"
    now[0] = 100  # old timestamps slide out of the window
    assert [guard.check("b") for _ in range(3)] == ["ok"] * 3


async def test_keyed_locks_serialise_one_key_only():
    locks, order = KeyedLocks(), []

    async def work(key, tag, delay):
        async with locks.hold(key):
            order.append(f"{tag}+")
            await asyncio.sleep(delay)
            order.append(f"{tag}-")

    await asyncio.gather(work("a", "a1", 0.02), work("a", "a2", 0), work("b", "b1", 0))
    assert order.index("a1-") < order.index("a2+")
    assert order.index("b1+") < order.index("a1-")
    assert len(locks) == 0


def test_every_callback_fits_in_64_bytes(kb, asker):
    replies = [main_menu_reply(kb, "vi"), start_reply(kb, "en")]
    replies += [topic_reply(kb, t, lang) for t in kb.topics for lang in ("vi", "en")]
    for entry_id in kb.entries:
        replies.append(asker.entry_reply(entry_id, "vi", question_id=2**40))
    for reply in replies:
        for option in reply.options:
            assert len(option.action.encode()) <= 64, option.action


def test_parse_command():
    assert parse_command("/gopy@ThanhHoaBot  hello ") == ("gopy", "hello")
    assert parse_command("/LANG en") == ("lang", "en")
    assert parse_command("not a command") is None and parse_command("/") is None


async def test_as_json_contract_unchanged(router):
    reply = await router.handle(Incoming("test", "1", text="ai chủ trì kế hoạch 119"))
    assert set(reply.as_json()) == {"status", "entry_id", "score", "lang", "text", "suggestions"}
    assert Reply("x", "info", edit="replace", notice="n").as_json()["text"] == "x"
    await router.close()


async def test_router_flows_are_per_channel_and_user(kb, matcher):
    router = Router(kb, matcher, Storage(":memory:"))
    try:
        await router.handle(Incoming("zalo", "1", text="/gopy"))
        other = await router.handle(Incoming("telegram", "1", text="ai chủ trì kế hoạch 119"))
        assert other.status == "answer"
        step = await router.handle(Incoming("zalo", "1", text="Góp ý từ Zalo"))
        assert [o.action for o in step.options] == ["fb:skip", "cancel"]
        english = await router.handle(Incoming("console", "u", text="/start", lang="en"))
        assert english.lang == "en" and english.text.startswith("Hello")
    finally:
        await router.close()


def test_contacts_show_details_only_once_filled(kb):
    from handlers.contacts import contacts_reply

    empty = contacts_reply(kb, "vi")
    assert "Điện thoại:" not in empty.text and "đang được cán bộ phụ trách xác nhận" in empty.text
    contact = kb.contacts["so-ngoai-vu"]
    details = dict.fromkeys(contact.details, "x")
    filled = {cid: dataclasses.replace(c, details={**details, "phone": "0000 TEST"}) for cid, c in kb.contacts.items()}
    reply = contacts_reply(dataclasses.replace(kb, contacts=filled), "en", business=True)
    assert "Phone: 0000 TEST" in reply.text and "being confirmed" not in reply.text
    assert [o.action for o in reply.options] == ["contacts:all", "menu"]
