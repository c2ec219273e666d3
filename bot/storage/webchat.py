"""What waits for a web chat session: each message the bot sends to a browser is a row here until
the browser has it (it says so with the last sequence number it received), then it is deleted.
Nothing said to a person is kept once delivered; what is never collected goes with retention."""

from __future__ import annotations

import json
import time

from bot.storage.db import Database

MAX_BATCH = 50  # messages handed to one poll


class WebInboxStore(Database):
    async def web_put(self, channel: str, user_id: str, op: dict) -> int:
        """Stores one message for the session; its sequence number (increasing per database)."""
        cur = await self._write(
            "INSERT INTO web_inbox (channel, user_id, op, created_at) VALUES (?, ?, ?, ?)",
            (channel, user_id, json.dumps(op, ensure_ascii=False), time.time()))
        return int(cur.lastrowid or 0)

    async def web_take(self, channel: str, user_id: str, after: int) -> list[tuple[int, dict]]:
        """Deletes what the browser has (up to ``after``) and returns what it has not yet, oldest first."""
        if after > 0:
            await self._write("DELETE FROM web_inbox WHERE channel = ? AND user_id = ? AND seq <= ?",
                              (channel, user_id, after))
        async with self.db.execute(
                "SELECT seq, op FROM web_inbox WHERE channel = ? AND user_id = ? AND seq > ? ORDER BY seq"
                " LIMIT ?", (channel, user_id, after, MAX_BATCH)) as cur:
            rows = await cur.fetchall()
        return [(int(seq), json.loads(op)) for seq, op in rows]
