"""The durable outbox: every message the bot sends is on disk before it goes, and goes at most once.

Why: a platform outage used to cost replies (three quick retries, then dropped), and a request
that timed out after Telegram had accepted it was sent again. Now:

- ``put`` records a chat's messages in SQLite, then sends them at once from the caller's task (so
  a reply is as quick as before). What could not go waits in the table.
- Only what certainly did not arrive is retried: a connection that was never made, a 5xx or a
  429 answer (after its ``retry_after``). A request that went out and got no answer may have
  arrived, so it is never sent again (at most once); neither is one that was out when the process
  died. The channel's ``transmit`` says which case it was by raising ``SendFailed``.
- ``run``, the worker, retries with backoff (1, 2, 4 … 30 s) for up to ``max_age`` (15 minutes),
  across restarts: what is pending at start goes first. A message given up is logged and counted.
- One chat's messages go strictly in order: only the oldest pending one of a chat is ever sent,
  and only one task sends to a chat at a time. Replies go before broadcasts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.storage.outbox import Queued

log = logging.getLogger(__name__)

Transmit = Callable[[str, dict], Awaitable[None]]  # (address, op): one platform call
Key = tuple[str, str]  # (channel, address)
BACKOFF_CAP = 30.0
IDLE = 5.0  # the worker looks at the table at least this often
DUE_BATCH = 200  # chats started per look


class SendFailed(Exception):
    """A send that did not (certainly) arrive. ``kind``: "retry" (certainly not delivered: try
    again), "unsure" (the request went out; it may have arrived: never again), "refused" (the
    platform will never take it: a person who blocked the bot, a bad request)."""

    def __init__(self, kind: str, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.kind = kind
        self.retry_after = retry_after


class Outbox:
    """Sends through the transmitters of the running channels (``add``); ``store`` is the Storage."""

    def __init__(self, store: Any, *, max_age: float = 900.0, concurrency: int = 16,
                 backoff: float = 1.0, clock: Callable[[], float] = time.time,
                 observe: Callable[[str, str], None] | None = None,
                 on_pending: Callable[[int], None] | None = None):
        """``observe(event, channel)``: told of "given_up" and each failure kind; ``on_pending``:
        how many messages wait, at each look of the worker (both for the metrics)."""
        self.store = store
        self.max_age = max_age
        self.backoff = backoff  # the first retry's wait, doubled each time up to BACKOFF_CAP
        self.clock = clock
        self.observe = observe or (lambda event, channel: None)
        self.on_pending = on_pending
        self._senders: dict[str, Transmit] = {}
        self._busy: set[Key] = set()
        self._dirty: set[Key] = set()  # a chat that got new messages while it was being sent to
        self._failing: set[str] = set()  # channels whose last send failed and will be retried
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task] = set()
        self._backlog: set[Key] | None = None  # read from the table on first use

    def add(self, channel: str, transmit: Transmit) -> None:
        self._senders[channel] = transmit

    async def _db(self) -> Any:
        return await self.store.open()

    async def first_time(self, channel: str, event_id: str) -> bool:
        """Whether this update is new; remembered in the database, so also across restarts."""
        return await (await self._db()).first_time(channel, event_id)

    # -- sending -----------------------------------------------------------------------------------
    async def put(self, channel: str, address: str, ops: Sequence[dict], priority: int = 0) -> str:
        """Records the messages, then sends what is due for the chat. "sent": all arrived (or were
        handed over); "queued": some wait for a retry; "failed": one will never arrive.

        The usual case, a chat with nothing waiting, costs two statements: the message is
        recorded already marked as being sent, and deleted once it arrived."""
        if not ops:
            return "sent"
        key = (channel, address)
        store = await self._db()
        backlog = await self._backlog_of(store)
        fast = key not in self._busy and key not in backlog and channel in self._senders
        if not fast:
            ids = await store.outbox_add(channel, address, ops, priority, now=self.clock())
            return await self.flush(channel, address, ids)
        self._busy.add(key)
        try:
            now = self.clock()
            ids = await store.outbox_add(channel, address, ops, priority, now=now, claim_first=True)
            first = Queued(ids[0], channel, address, dict(ops[0]), 0, now, now)
            done = {ids[0]: await self._send(store, first)}
            if done[ids[0]] == "wait":
                backlog.add(key)
            elif len(ids) > 1 or key in self._dirty:
                done.update(await self._drain_held(store, key))
        finally:
            self._busy.discard(key)
        return _result(done, ids)

    async def flush(self, channel: str, address: str, ids: Sequence[int] | None = None) -> str:
        """Sends what is due for the chat now; the result (as ``put``'s) for the messages ``ids``,
        or for those this call came across."""
        key = (channel, address)
        store = await self._db()
        if key in self._busy:  # another task is sending to this chat: it takes these too
            self._dirty.add(key)
            return "queued"
        if channel not in self._senders:  # not running in this process: they wait
            (await self._backlog_of(store)).add(key)
            return "queued"
        self._busy.add(key)
        try:
            done = await self._drain_held(store, key)
        finally:
            self._busy.discard(key)
        return _result(done, ids)

    async def _backlog_of(self, store: Any) -> set[Key]:
        """Chats that may have messages waiting in the table (from a retry, or an earlier run):
        a new message to one of them queues behind those."""
        if self._backlog is None:
            self._backlog = await store.outbox_backlog()
        return self._backlog

    async def _drain_held(self, store: Any, key: Key) -> dict[int, str]:
        """Sends the chat's due messages one after another (the caller holds the chat); what
        became of each, by row id."""
        done: dict[int, str] = {}
        backlog = await self._backlog_of(store)
        while True:
            self._dirty.discard(key)
            try:
                row = await store.outbox_claim(*key, self.clock())
            except Exception as exc:  # a full disk: nothing sent, all still pending
                log.error("outbox: could not record a send (%s); the messages stay pending", exc)
                backlog.add(key)
                self._wake.set()
                break
            if row is None:
                if key in self._dirty:  # more arrived while we looked
                    continue
                if key in backlog and not await store.outbox_waiting(*key):
                    backlog.discard(key)
                break
            done[row.id] = await self._send(store, row)
            if done[row.id] == "wait":
                backlog.add(key)
                break
        return done

    async def _send(self, store: Any, row: Queued) -> str:
        """One message, already marked as being sent: "sent", "failed" (given up) or "wait" (the
        chat waits for a retry)."""
        transmit = self._senders[row.channel]
        if self.clock() - row.created_at > self.max_age:
            await self._give_up(store, row, "too old")
            return "failed"
        try:
            async with self._slots:
                await transmit(row.address, row.op)
        except SendFailed as exc:
            self.observe(exc.kind, row.channel)
            return await self._failed(store, row, exc)
        except Exception:
            log.exception("outbox: a %s message could not be sent", row.channel)
            self.observe("bug", row.channel)
            await self._give_up(store, row, "error in the bot")
            return "failed"
        await self._forget(store, row)
        if row.channel in self._failing:  # it answers again: what waits on it need not wait more
            self._failing.discard(row.channel)
            with contextlib.suppress(Exception):
                if await store.outbox_hurry(row.channel, self.clock()):
                    self._wake.set()
        return "sent"

    async def _failed(self, store: Any, row: Queued, exc: SendFailed) -> str:
        if exc.kind == "unsure":
            log.warning("outbox: a %s message may have arrived (%s); not sent again", row.channel, exc)
            await self._forget(store, row)
            return "sent"
        if exc.kind != "retry":
            log.info("outbox: %s refused a message: %s", row.channel, exc)
            await self._give_up(store, row, str(exc))
            return "failed"
        delay = max(exc.retry_after or 0.0, min(BACKOFF_CAP, self.backoff * 2.0 ** row.attempts))
        now = self.clock()
        if now + delay - row.created_at > self.max_age:
            await self._give_up(store, row, f"still failing: {exc}")
            return "failed"
        self._failing.add(row.channel)
        log.warning("outbox: %s send failed (%s); retry %d in %.0fs", row.channel, exc, row.attempts + 1,
                    delay)
        with contextlib.suppress(Exception):
            await store.outbox_retry(row.id, now + delay, str(exc))
        self._wake.set()
        return "wait"

    async def _forget(self, store: Any, row: Queued) -> None:
        try:
            await store.outbox_sent(row.id)
        except Exception as exc:  # it stays marked as sending: never sent again, given up at start
            log.error("outbox: could not record a delivered message (%s)", exc)

    async def _give_up(self, store: Any, row: Queued, reason: str) -> None:
        log.warning("outbox: a %s message given up after %d attempt(s) and %.0fs: %s", row.channel,
                    row.attempts + 1, self.clock() - row.created_at, reason)
        self.observe("given_up", row.channel)
        with contextlib.suppress(Exception):
            await store.outbox_give_up(row.id, reason)

    # -- the worker --------------------------------------------------------------------------------
    async def recover(self) -> int:
        """At start, before any channel sends: what was out when the process died may have
        arrived, so it is given up, not sent again. Returns how many."""
        store = await self._db()
        interrupted = await store.outbox_interrupted()
        self._backlog = await store.outbox_backlog()
        if interrupted:
            log.warning("outbox: %d message(s) were being sent when the bot stopped; they may have "
                        "arrived and are not sent again", interrupted)
        return interrupted

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop``: sends what is due, oldest first, each chat by one task at a time."""
        store = await self._db()
        while not stop.is_set():
            self._wake.clear()
            wait = IDLE
            try:
                channels, now = list(self._senders), self.clock()
                due = await store.outbox_due(now, channels, limit=DUE_BATCH)
                for row in due:
                    key = (row.channel, row.address)
                    if key not in self._busy:
                        self._busy.add(key)  # taken now, so the next look does not start it twice
                        self._spawn(key)
                if self.on_pending is not None:
                    self.on_pending((await store.outbox_counts())["pending"])
                if len(due) >= DUE_BATCH:
                    wait = 0.05  # more are due than one look takes
                else:
                    next_at = await store.outbox_next_due(now, channels)
                    if next_at is not None:
                        wait = min(IDLE, max(0.05, next_at - self.clock()))
            except Exception:
                log.exception("outbox worker: could not read the outbox; trying again")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(_first(stop, self._wake), wait)

    def _spawn(self, key: Key) -> None:
        """A task for one chat; ``key`` is already held for it (in ``_busy``)."""

        async def drain() -> None:
            try:
                await self._drain_held(await self._db(), key)
            except Exception:
                log.exception("outbox: sending to a %s chat failed", key[0])
            finally:
                self._busy.discard(key)

        task = asyncio.create_task(drain())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self, timeout: float = 10.0) -> None:
        """Lets the sends in progress finish (shutdown); what is left goes after the next start."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)


async def _first(stop: asyncio.Event, wake: asyncio.Event) -> None:
    waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _result(done: dict[int, str], ids: Sequence[int] | None) -> str:
    results = [done.get(i, "wait") for i in ids] if ids is not None else list(done.values())
    if "failed" in results:
        return "failed"
    return "sent" if results and all(r == "sent" for r in results) else "queued"
