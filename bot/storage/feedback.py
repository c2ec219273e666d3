"""Feedback people send (/gopy) and the administrators' inbox of it."""

from __future__ import annotations

import secrets
import time

import aiosqlite

from bot.storage.db import Database

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed back


def new_ref() -> str:
    """A short code a person can quote when asking about their feedback, e.g. GY-7K3QM9."""
    return "GY-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))


class FeedbackStore(Database):
    async def add_feedback(self, channel: str, user_id: str, text: str, lang: str,
                           name: str | None = None, email: str | None = None) -> str:
        """Stores the feedback durably (fsync) and returns its reference code."""
        async with self._lock:
            await self.db.execute("PRAGMA synchronous=FULL")
            try:
                for _ in range(10):
                    ref = new_ref()
                    try:
                        await self.db.execute(
                            "INSERT INTO feedback (ref, channel, user_id, text, name, email, lang,"
                            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (ref, channel, user_id, text, name or None, email or None, lang, time.time()))
                        return ref
                    except aiosqlite.IntegrityError:
                        continue
                raise RuntimeError("could not allocate a feedback reference")
            finally:
                await self.db.execute("PRAGMA synchronous=NORMAL")

    async def feedback_inbox(self, limit: int = 10, offset: int = 0) -> list[dict]:
        """Feedback not yet replied to or closed, newest first; ``offset`` pages through it."""
        async with self.db.execute("SELECT * FROM feedback WHERE status IN ('new', 'read')"
                                   " ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)) as cur:
            return [dict(row) for row in await cur.fetchall()]

    async def feedback_waiting(self) -> int:
        """How much feedback the inbox holds: all of it can be paged to."""
        async with self.db.execute("SELECT COUNT(*) FROM feedback WHERE status IN ('new', 'read')") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def feedback_get(self, feedback_id: int) -> dict | None:
        async with self.db.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)) as cur:
            row = await cur.fetchone()
        return dict(row) if row else None

    async def feedback_set(self, feedback_id: int, status: str, reply: str | None = None) -> None:
        """``status``: new | read | replied | closed; ``reply`` is the administrator's answer."""
        if reply is None:
            await self._write("UPDATE feedback SET status = ? WHERE id = ?", (status, feedback_id))
        else:
            await self._write("UPDATE feedback SET status = ?, reply = ?, replied_at = ? WHERE id = ?",
                              (status, reply, time.time(), feedback_id))
