"""The outbox: recorded before sent, retried only when it certainly did not arrive, in order per
chat, given up after its time, and picked up again after a restart."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.outbox import Outbox, SendFailed
from bot.storage import Storage


class Platform:
    """A transmitter whose next answers a test sets: None (delivered) or a SendFailed."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.attempts: list[str] = []
        self.failures: list[SendFailed | None] = []
        self.down = False

    async def transmit(self, address: str, op: dict) -> None:
        self.attempts.append(op["text"])
        failure = self.failures.pop(0) if self.failures else None
        if failure is None and self.down:
            failure = SendFailed("retry", "503 Service Unavailable")
        if failure is not None:
            if failure.kind == "unsure":
                self.delivered.append((address, op["text"]))  # it did arrive; the answer got lost
            raise failure
        self.delivered.append((address, op["text"]))


@pytest.fixture
async def store(tmp_path):
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        yield storage


def outbox_on(store, platform: Platform, **kw) -> Outbox:
    outbox = Outbox(store, backoff=0.01, **kw)
    outbox.add("t", platform.transmit)
    return outbox


async def until(condition, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_a_message_is_sent_at_once_and_nothing_of_it_is_kept(store):
    platform = Platform()
    outbox = outbox_on(store, platform)
    assert await outbox.put("t", "1", [{"text": "a"}, {"text": "b"}]) == "sent"
    assert platform.delivered == [("1", "a"), ("1", "b")]
    async with store.db.execute("SELECT COUNT(*) FROM outbox") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_an_outage_delays_the_messages_in_order_and_sends_each_once(store):
    platform = Platform()
    outbox = outbox_on(store, platform)
    platform.down = True
    assert await outbox.put("t", "1", [{"text": "first"}]) == "queued"
    assert await outbox.put("t", "1", [{"text": "second"}]) == "queued"  # behind the first
    assert await outbox.put("t", "2", [{"text": "other"}]) == "queued"
    stop = asyncio.Event()
    worker = asyncio.create_task(outbox.run(stop))
    await asyncio.sleep(0.1)
    platform.down = False
    await until(lambda: len(platform.delivered) == 3)
    stop.set()
    await worker
    assert [text for address, text in platform.delivered if address == "1"] == ["first", "second"]
    assert sorted(platform.delivered) == sorted(set(platform.delivered))  # no duplicates
    assert (await store.outbox_counts())["pending"] == 0


async def test_a_request_that_may_have_arrived_is_never_sent_again(store):
    platform = Platform()
    outbox = outbox_on(store, platform)
    platform.failures = [SendFailed("unsure", "ReadTimeout")]
    assert await outbox.put("t", "1", [{"text": "a"}]) == "sent"
    stop = asyncio.Event()
    worker = asyncio.create_task(outbox.run(stop))
    await asyncio.sleep(0.1)
    stop.set()
    await worker
    assert platform.attempts == ["a"] and platform.delivered == [("1", "a")]
    assert (await store.outbox_counts())["pending"] == 0


async def test_a_refused_message_is_given_up_without_holding_up_the_next(store, caplog):
    platform = Platform()
    outbox = outbox_on(store, platform)
    platform.failures = [SendFailed("refused", "Forbidden: bot was blocked by the user")]
    assert await outbox.put("t", "1", [{"text": "a"}, {"text": "b"}]) == "failed"
    assert platform.delivered == [("1", "b")]
    assert (await store.outbox_counts())["given_up"] == 1
    async with store.db.execute("SELECT op FROM outbox WHERE status = 'given_up'") as cur:
        assert (await cur.fetchone())[0] == "{}"  # the text is not kept


async def test_retrying_stops_at_the_maximum_age_and_honours_retry_after(store):
    platform = Platform()
    now = [1000.0]
    outbox = outbox_on(store, platform, max_age=60, clock=lambda: now[0])
    platform.failures = [SendFailed("retry", "429", retry_after=20)]
    assert await outbox.put("t", "1", [{"text": "a"}]) == "queued"
    [row] = await store.outbox_due(now[0] + 21, ["t"])
    assert row.next_at >= now[0] + 20
    assert await store.outbox_due(now[0] + 19, ["t"]) == []
    now[0] += 61
    assert await outbox.flush("t", "1") == "failed"
    assert platform.attempts == ["a"] and (await store.outbox_counts())["given_up"] == 1


async def test_after_a_restart_pending_messages_go_first_and_interrupted_ones_never(tmp_path):
    path = tmp_path / "bot.sqlite3"
    async with Storage(path) as store:
        down = Platform()
        down.down = True
        await outbox_on(store, down).put("t", "1", [{"text": "waiting"}])
        await store.outbox_add("t", "2", [{"text": "was out"}])
        assert await store.outbox_claim("t", "2", time.time())  # the process died during this request
    async with Storage(path) as store:  # the next start
        platform = Platform()
        outbox = outbox_on(store, platform)
        assert await outbox.recover() == 1
        stop = asyncio.Event()
        worker = asyncio.create_task(outbox.run(stop))
        await until(lambda: platform.delivered)
        assert await outbox.put("t", "1", [{"text": "new"}]) == "sent"
        stop.set()
        await worker
    assert platform.delivered == [("1", "waiting"), ("1", "new")]


async def test_a_full_disk_leaves_the_message_pending_and_unsent(store, monkeypatch, caplog):
    platform = Platform()
    outbox = outbox_on(store, platform)
    platform.down = True
    assert await outbox.put("t", "1", [{"text": "a"}]) == "queued"
    platform.down = False

    async def full(*args) -> None:
        raise OSError("database or disk is full")

    monkeypatch.setattr(store, "outbox_claim", full)
    await asyncio.sleep(0.02)
    assert await outbox.flush("t", "1") == "queued"
    assert platform.attempts == ["a"] and (await store.outbox_counts())["pending"] == 1
    assert "disk is full" in caplog.text
    monkeypatch.undo()
    assert await outbox.flush("t", "1") == "sent" and platform.delivered == [("1", "a")]


async def test_once_the_platform_answers_the_other_retries_are_due_at_once(store):
    platform = Platform()
    outbox = Outbox(store, backoff=60)
    outbox.add("t", platform.transmit)
    platform.down = True
    for address in ("1", "2", "3"):
        await outbox.put("t", address, [{"text": address}])
    platform.down = False
    assert await outbox.put("t", "4", [{"text": "4"}]) == "sent"
    assert len(await store.outbox_due(time.time() + 0.01, ["t"])) == 3  # no minute-long wait left


async def test_an_update_id_is_answered_once_across_restarts(tmp_path):
    path = tmp_path / "bot.sqlite3"
    for expected in (True, False):
        async with Storage(path) as store:
            assert await Outbox(store).first_time("telegram", "1001") is expected
    async with Storage(path) as store:
        assert await store.first_time("zalo", "1001")  # ids are per channel


async def test_messages_to_one_chat_at_once_go_in_order_by_one_sender(store):
    platform = Platform()
    sending = []

    async def slow(address: str, op: dict) -> None:
        sending.append(op["text"])
        assert len(sending) - len(platform.delivered) == 1  # never two at once to one chat
        await asyncio.sleep(0.01)
        await platform.transmit(address, op)

    outbox = Outbox(store)
    outbox.add("t", slow)
    await asyncio.gather(*(outbox.put("t", "1", [{"text": str(i)}]) for i in range(5)))
    assert platform.delivered == [("1", str(i)) for i in range(5)]


async def test_after_an_outage_replies_go_before_an_announcements_backlog(store):
    platform = Platform()
    outbox = outbox_on(store, platform)
    platform.down = True
    for person in ("a", "b"):
        await outbox.put("t", person, [{"text": "announcement"}], priority=1)
    await outbox.put("t", "c", [{"text": "reply"}])
    due = await store.outbox_due(time.time() + 60, ["t"])
    assert [row.address for row in due] == ["c", "a", "b"]


async def test_old_update_ids_and_given_up_rows_are_purged(store):
    long_ago = time.time() - 40 * 86400
    assert await store.first_time("telegram", "1", now=long_ago)
    [row] = await store.outbox_add("t", "1", [{"text": "a"}], now=long_ago)
    await store.outbox_give_up(row, "too old")
    assert await store.purge_outbox() == 2
    assert await store.first_time("telegram", "1")  # forgotten: a week is far longer than any redelivery
