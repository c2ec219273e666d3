"""GET /metrics over real HTTP against the runner's web server: the counters move with handled
updates, the knowledge base is described, and only this machine or the right token may read it."""

from __future__ import annotations

import asyncio
import dataclasses
from unittest import mock

import aiohttp
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.channels.base import Inbound
from tests.bot.fakes.telegram import message
from tests.bot.fakes.zalo_api import text_update
from tests.bot.webhooks import HEADERS, webhooks

ASK = "ai chủ trì kế hoạch 119"
NAMES = {"bot_updates", "bot_reply_seconds", "bot_outbox_pending", "bot_outbox_given_up", "bot_send_errors",
         "bot_match_seconds", "bot_kb_entries", "bot_kb"}


async def scrape(http: aiohttp.ClientSession, base: str, **kwargs) -> dict[tuple[str, frozenset], float]:
    async with http.get(f"{base}/metrics", **kwargs) as resp:
        assert resp.status == 200 and resp.content_type == "text/plain"
        text = await resp.text()
    samples: dict[tuple[str, frozenset], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[sample.name, frozenset(sample.labels.items())] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_counters_move_with_handled_updates(kb, matcher, tmp_path):
    async with webhooks(kb, matcher, tmp_path) as bot, aiohttp.ClientSession() as http:
        before = await scrape(http, bot.base)
        assert {name for name, _ in before} >= {"bot_outbox_pending", "bot_kb_entries", "bot_kb_info"}
        update = message(ASK, user_id=901)
        for _ in range(2):  # the second is a webhook retry: a duplicate
            async with http.post(f"{bot.base}/telegram", json=update, headers=HEADERS["telegram"]) as resp:
                assert resp.status == 200
        async with http.post(f"{bot.base}/zalo", json=text_update("/lienhe", "z901"),
                             headers=HEADERS["zalo"]) as resp:
            assert resp.status == 200
        await bot.telegram.wait_for("sendMessage", timeout=30)
        await bot.zalo.wait_for("sendMessage", chat_id="z901", timeout=30)
        for _ in range(100):  # an update is counted once its reply was sent: just after the fake saw it
            after = await scrape(http, bot.base)
            if value(after, "bot_updates_total", channel="zalo", outcome="info") > value(
                    before, "bot_updates_total", channel="zalo", outcome="info") and value(
                    after, "bot_updates_total", channel="telegram", outcome="answer") > value(
                    before, "bot_updates_total", channel="telegram", outcome="answer"):
                break
            await asyncio.sleep(0.05)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("bot_updates_total", channel="telegram", outcome="answer") == 1
    assert moved("bot_updates_total", channel="telegram", outcome="duplicate") == 1
    assert moved("bot_updates_total", channel="zalo", outcome="info") == 1
    assert moved("bot_reply_seconds_count", channel="telegram") == 1
    assert moved("bot_reply_seconds_count", channel="zalo") == 1
    assert moved("bot_match_seconds_count") == 1  # the question, not /lienhe
    assert 0 < moved("bot_reply_seconds_sum", channel="telegram") < 30
    assert value(after, "bot_kb_entries") == len(kb.entries)
    assert value(after, "bot_kb_info", version=metrics.kb_version(kb)) == 1


async def test_only_this_machine_or_the_token_may_read_them(kb, matcher, tmp_path):
    async with webhooks(kb, matcher, tmp_path, METRICS_TOKEN="metrics-t0ken") as bot, \
            aiohttp.ClientSession() as http:
        url = f"{bot.base}/metrics"
        forwarded = {"X-Forwarded-For": "203.0.113.9"}  # came through the reverse proxy: not local
        for headers in (forwarded, {"Authorization": "Bearer wrong"}, {"Authorization": "metrics-t0ken"},
                        {**forwarded, "Authorization": "Bearer metrics-t0ken-longer"}):
            async with http.get(url, headers=headers) as resp:
                assert resp.status == 403, headers
                assert "bot_updates" not in await resp.text()
        await scrape(http, bot.base, headers={**forwarded, "Authorization": "Bearer metrics-t0ken"})
        await scrape(http, bot.base)  # from this machine, directly


def request_from(remote: str, **headers: str):
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda key, default=None: (remote, 4000) if key == "peername" else default
    return make_mocked_request("GET", "/metrics", headers=headers, transport=transport)


def test_who_is_allowed():
    assert metrics.allowed(request_from("127.0.0.1"), "")
    assert metrics.allowed(request_from("::1"), "")
    assert metrics.allowed(request_from("::ffff:127.0.0.1"), "")  # IPv4 on a dual-stack socket
    assert not metrics.allowed(request_from("::ffff:198.51.100.7"), "")
    assert not metrics.allowed(request_from("198.51.100.7"), "")
    assert not metrics.allowed(request_from("198.51.100.7"), "tok")
    assert metrics.allowed(request_from("198.51.100.7", Authorization="Bearer tok"), "tok")
    assert not metrics.allowed(request_from("198.51.100.7", Authorization="Bearer "), "")  # no token set
    assert not metrics.allowed(request_from("127.0.0.1", Authorization="Bearer nope"), "tok")
    assert not metrics.allowed(request_from("127.0.0.1", Forwarded="for=203.0.113.9"), "tok")


def test_the_knowledge_base_version_follows_its_content(kb):
    smaller = dataclasses.replace(kb, entries=dict(list(kb.entries.items())[1:]))
    assert metrics.kb_version(kb) == metrics.kb_version(dataclasses.replace(kb))  # content, not identity
    assert metrics.kb_version(smaller) != metrics.kb_version(kb)
    for current in (kb, smaller):  # a reload swaps the knowledge base: the next scrape tells
        metrics.observe_kb(current)
        assert metrics.REGISTRY.get_sample_value("bot_kb_entries") == len(current.entries)
        assert metrics.REGISTRY.get_sample_value("bot_kb_info", {"version": metrics.kb_version(current)}) == 1
    assert metrics.REGISTRY.get_sample_value("bot_kb_info", {"version": metrics.kb_version(kb)}) is None


def test_the_names_are_the_contract():
    assert {family.name for family in metrics.REGISTRY.collect()} == NAMES


async def test_every_outcome_of_the_pipeline_is_counted():
    from handlers.flood import FloodGuard
    from tests.bot.channels.test_base import recorder

    def count(outcome: str) -> float:
        return metrics.REGISTRY.get_sample_value("bot_updates_total", {"channel": "rec", "outcome": outcome}) or 0

    before = {o: count(o) for o in ("info", "error", "notice", "flood", "duplicate")}
    channel = recorder(flood=FloodGuard(limit=3, window=60, mute=60))
    for text, event_id in (("hi", "e1"), ("hi", "e1"), ("boom", "e2"), (None, "e3"), ("a", "e4"), ("b", "e5")):
        await channel.pipeline.handle(channel, Inbound("u1", text=text, event_id=event_id))
    assert {o: count(o) - before[o] for o in before} == \
        {"info": 1, "error": 1, "notice": 1, "flood": 2, "duplicate": 1}


async def test_the_outbox_counts_failures_given_up_messages_and_what_waits(tmp_path):
    import asyncio

    from bot.outbox import Outbox, SendFailed
    from bot.storage import Storage

    async def refused(address: str, op: dict) -> None:
        raise SendFailed("refused" if op["text"] == "blocked" else "retry", "no")

    def count(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    before = (count("bot_outbox_given_up_total", channel="m"), count("bot_send_errors_total", channel="m",
                                                                     kind="retry"))
    async with Storage(tmp_path / "bot.sqlite3") as store:
        outbox = Outbox(store, observe=metrics.observe_send, on_pending=metrics.OUTBOX_PENDING.set)
        outbox.add("m", refused)
        await outbox.put("m", "1", [{"text": "blocked"}])
        await outbox.put("m", "2", [{"text": "later"}])
        stop = asyncio.Event()
        worker = asyncio.create_task(outbox.run(stop))
        await asyncio.sleep(0.1)
        stop.set()
        await worker
    assert count("bot_outbox_given_up_total", channel="m") == before[0] + 1
    assert count("bot_send_errors_total", channel="m", kind="retry") == before[1] + 1
    assert count("bot_outbox_pending") == 1  # "later" waits for its retry
