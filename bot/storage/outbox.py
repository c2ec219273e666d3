"""The outbox's rows (see bot/outbox.py for the rules) and the update ids already handled."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.db import Database

INSERT = ("INSERT INTO outbox (channel, address, op, priority, next_at, created_at, status, attempts)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
SEEN_KEEP = 7 * 86400  # Telegram keeps an undelivered update for 24 hours; a week is ample


@dataclass(frozen=True)
class Queued:
    """One message waiting to go: ``op`` is the channel's own description of the call."""

    id: int
    channel: str
    address: str
    op: dict
    attempts: int
    next_at: float
    created_at: float


class OutboxStore(Database):
    async def outbox_add(self, channel: str, address: str, ops: Sequence[dict], priority: int = 0,
                         now: float | None = None, claim_first: bool = False) -> list[int]:
        """Records the messages, in order: all of them or none. ``claim_first``: the first is
        recorded as being sent (the caller sends it now; the chat had nothing waiting)."""
        now = time.time() if now is None else now
        rows = [(channel, address, json.dumps(op, ensure_ascii=False), priority, now, now,
                 "sending" if claim_first and i == 0 else "pending", 1 if claim_first and i == 0 else 0)
                for i, op in enumerate(ops)]
        if len(rows) == 1:  # the usual case: one statement, committed on its own
            cur = await self._write(INSERT, rows[0])
            return [int(cur.lastrowid or 0)]
        ids: list[int] = []
        async with self.transaction() as db:
            for row in rows:
                cur = await db.execute(INSERT, row)
                ids.append(int(cur.lastrowid or 0))
        return ids

    async def outbox_claim(self, channel: str, address: str, now: float) -> Queued | None:
        """The chat's oldest pending message if it is due, marked as being sent, in one statement:
        a chat's messages go strictly in order, and once marked, a message is never sent twice
        (after a crash it may have arrived)."""
        async with self._lock, self.db.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id ="
            " (SELECT id FROM outbox WHERE channel = ? AND address = ? AND status = 'pending'"
            "  ORDER BY id LIMIT 1) AND next_at <= ?"
            " RETURNING id, channel, address, op, attempts - 1, next_at, created_at",
            (channel, address, now)) as cur:
            row = await cur.fetchone()
        return _queued(row) if row else None

    async def outbox_waiting(self, channel: str, address: str) -> bool:
        """Whether the chat has a message waiting (due or not)."""
        async with self.db.execute("SELECT 1 FROM outbox WHERE channel = ? AND address = ?"
                                   " AND status = 'pending' LIMIT 1", (channel, address)) as cur:
            return await cur.fetchone() is not None

    async def outbox_backlog(self) -> set[tuple[str, str]]:
        """The chats with messages waiting."""
        async with self.db.execute("SELECT DISTINCT channel, address FROM outbox"
                                   " WHERE status = 'pending'") as cur:
            return {(r[0], r[1]) for r in await cur.fetchall()}

    async def outbox_due(self, now: float, channels: Sequence[str], limit: int = 200) -> list[Queued]:
        """Chats whose oldest pending message is due, replies before broadcasts, oldest first."""
        marks = ", ".join("?" * len(channels)) or "NULL"
        async with self.db.execute(
            "SELECT o.id, o.channel, o.address, o.op, o.attempts, o.next_at, o.created_at FROM outbox o"
            " WHERE o.status = 'pending' AND o.next_at <= ?"
            f" AND o.channel IN ({marks}) AND o.id = (SELECT MIN(p.id) FROM outbox p"
            " WHERE p.channel = o.channel AND p.address = o.address AND p.status = 'pending')"
            " ORDER BY o.priority, o.id LIMIT ?", (now, *channels, limit)) as cur:
            return [_queued(row) for row in await cur.fetchall()]

    async def outbox_next_due(self, now: float, channels: Sequence[str]) -> float | None:
        """When the next retry falls due (what is due now has a task already)."""
        marks = ", ".join("?" * len(channels)) or "NULL"
        async with self.db.execute(
            "SELECT MIN(next_at) FROM outbox WHERE status = 'pending' AND next_at > ?"
            f" AND channel IN ({marks})", (now, *channels)) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def outbox_sent(self, row_id: int) -> None:
        await self._write("DELETE FROM outbox WHERE id = ?", (row_id,))

    async def outbox_retry(self, row_id: int, next_at: float, error: str) -> None:
        await self._write("UPDATE outbox SET status = 'pending', next_at = ?, error = ? WHERE id = ?",
                          (next_at, error[:300], row_id))

    async def outbox_give_up(self, row_id: int, error: str) -> None:
        """The message's text is dropped; the row stays, without it, for /stats and retention."""
        await self._write("UPDATE outbox SET status = 'given_up', op = '{}', error = ? WHERE id = ?",
                          (error[:300], row_id))

    async def outbox_hurry(self, channel: str, now: float) -> int:
        """The platform answers again: what waits for a retry on it is due now."""
        cur = await self._write("UPDATE outbox SET next_at = ? WHERE channel = ? AND status = 'pending'"
                                " AND next_at > ?", (now, channel, now))
        return cur.rowcount

    async def outbox_interrupted(self) -> int:
        """At start: requests that were out when the process died may have arrived. At most once:
        they are given up, not sent again."""
        cur = await self._write("UPDATE outbox SET status = 'given_up', op = '{}',"
                                " error = 'interrupted while sending' WHERE status = 'sending'")
        return cur.rowcount

    async def outbox_counts(self, since: float = 0.0) -> dict[str, int]:
        """Pending (still to go) and given up since ``since``."""
        async with self.db.execute(
            "SELECT SUM(status IN ('pending', 'sending')), SUM(status = 'given_up' AND created_at >= ?)"
            " FROM outbox", (since,)) as cur:
            row = await cur.fetchone()
        return {"pending": int(row[0] or 0) if row else 0, "given_up": int(row[1] or 0) if row else 0}

    async def first_time(self, channel: str, event_id: str, now: float | None = None) -> bool:
        """True once per (channel, update id): the row is the memory that survives a restart."""
        cur = await self._write("INSERT OR IGNORE INTO seen_updates (channel, event_id, seen_at)"
                                " VALUES (?, ?, ?)", (channel, event_id, time.time() if now is None else now))
        return cur.rowcount == 1

    async def purge_outbox(self, now: float | None = None) -> int:
        """Forgets old update ids, and given-up rows after a month (they only feed the counts)."""
        now = time.time() if now is None else now
        async with self.transaction() as db:
            cur = await db.execute("DELETE FROM seen_updates WHERE seen_at < ?", (now - SEEN_KEEP,))
            gone = cur.rowcount
            cur = await db.execute("DELETE FROM outbox WHERE status = 'given_up' AND created_at < ?",
                                   (now - 30 * 86400,))
        return gone + cur.rowcount


def _queued(row: object) -> Queued:
    """From a row of id, channel, address, op, attempts (before this one), next_at, created_at."""
    r = tuple(row)  # type: ignore[call-overload]
    try:
        op = json.loads(r[3])
    except ValueError:
        op = {}
    return Queued(int(r[0]), r[1], r[2], op if isinstance(op, dict) else {}, int(r[4]), float(r[5]),
                  float(r[6]))
