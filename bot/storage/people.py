"""The people who write to the bot: their settings, the conversation in progress, and deleting
what is stored about them (on request and by retention)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence

from bot.storage import forget
from bot.storage.db import Database
from handlers.ports import User

log = logging.getLogger(__name__)

# Tables holding one person's data, for deletion and retention; each has channel and user_id.
PERSONAL_TABLES = ("questions", "ratings", "feedback", "unanswered", "conversation_state", "pending_options",
                   "oa_contacts", "web_inbox")
# The column retention compares with its cutoff, per table: every table that can hold personal
# data. audit_log (administrators' own records) has its own period; the tables in
# NO_PERSONAL_DATA hold none (an entry's phrasings are the knowledge base, not who asked; an
# update id names no one). A test fails when a table is in none of the three.
RETAINED_BY = {"questions": "asked_at", "ratings": "rated_at", "feedback": "created_at",
               "unanswered": "created_at", "conversation_state": "updated_at",
               "pending_options": "updated_at", "oa_contacts": "updated_at", "outbox": "created_at",
               "web_inbox": "created_at", "followups": "created_at", "users": "last_seen"}
AUDIT_RETAINED_BY = ("audit_log", "created_at")
NO_PERSONAL_DATA = ("kb_versions", "schema_version", "seen_updates", "oa_tokens", "oa_logins",
                    "sqlite_sequence")  # web_inbox's last sequence number: it never goes back


ARRIVE = (
    "INSERT INTO users (channel, user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (channel, user_id) DO UPDATE SET last_seen = excluded.last_seen"
    " RETURNING channel, user_id, language, first_seen, last_seen, opted_in,"
    " (SELECT state FROM conversation_state s"
    "  WHERE s.channel = users.channel AND s.user_id = users.user_id),"
    " (SELECT updated_at FROM conversation_state s"
    "  WHERE s.channel = users.channel AND s.user_id = users.user_id)")


class PeopleStore(Database):
    async def arrive(self, channel: str, user_id: str, language: str | None = None,
                     max_age: float | None = None) -> tuple[User, dict | None]:
        """Records that the person is here and returns them with their conversation state, in one
        statement: every message needs both, and one round trip to the database thread instead of
        two is what the hot path is made of. ``language`` only seeds a new user's preference; a
        state untouched for ``max_age`` seconds counts as abandoned."""
        now = time.time()
        params = (channel, user_id, language if language in ("vi", "en") else "vi", now, now)
        # execute_fetchall: statement, fetch and cursor close in one trip to the database thread
        # (a cursor used in `async with` costs three)
        async with self._lock:
            rows = await self.db.execute_fetchall(ARRIVE, params)
        row = next(iter(rows))
        user = User(row[0], row[1], row[2], row[3], row[4], bool(row[5]))
        if row[6] is None:
            return user, None
        if max_age is not None and now - row[7] > max_age:
            await self.set_state(channel, user_id, None)
            return user, None
        return user, _load_state(row[6], channel, user_id)

    async def get_user(self, channel: str, user_id: str) -> User | None:
        async with self.db.execute(
            "SELECT channel, user_id, language, first_seen, last_seen, opted_in FROM users"
            " WHERE channel = ? AND user_id = ?", (channel, user_id)) as cur:
            row = await cur.fetchone()
        return User(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None

    async def set_language(self, channel: str, user_id: str, language: str) -> None:
        now = time.time()
        await self._write(
            "INSERT INTO users (channel, user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id) DO UPDATE SET language = excluded.language",
            (channel, user_id, language, now, now))

    async def set_display_name(self, channel: str, user_id: str, name: str) -> None:
        """An administrator's name as their platform shows it (never stored for citizens)."""
        name = " ".join(name.split())[:100]
        await self._write("UPDATE users SET display_name = ? WHERE channel = ? AND user_id = ?"
                          " AND display_name IS NOT ?", (name or None, channel, user_id, name or None))

    async def display_names(self) -> dict[str, str]:
        """"telegram:123" -> the administrator's name, for everyone who has one."""
        async with self.db.execute("SELECT channel, user_id, display_name FROM users"
                                   " WHERE display_name IS NOT NULL") as cur:
            return {f"{r[0]}:{r[1]}": r[2] for r in await cur.fetchall()}

    async def set_opted_in(self, channel: str, user_id: str, opted_in: bool) -> None:
        await self._write("UPDATE users SET opted_in = ? WHERE channel = ? AND user_id = ?",
                          (int(opted_in), channel, user_id))

    async def set_state(self, channel: str, user_id: str, state: dict | None) -> None:
        """``None`` ends the conversation in progress."""
        if state is None:
            await self._write("DELETE FROM conversation_state WHERE channel = ? AND user_id = ?",
                              (channel, user_id))
            return
        await self._write(
            "INSERT INTO conversation_state (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id)"
            " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (channel, user_id, json.dumps(state, ensure_ascii=False), time.time()))

    async def pending_options(self, channel: str, user_id: str, max_age: float) -> list[str]:
        """The actions of the numbered options in the person's last reply, in order; none once
        they are ``max_age`` seconds old (an old number means nothing to the person any more)."""
        async with self.db.execute(
            "SELECT actions FROM pending_options WHERE channel = ? AND user_id = ? AND updated_at >= ?",
            (channel, user_id, time.time() - max_age)) as cur:
            row = await cur.fetchone()
        try:
            actions = json.loads(row[0]) if row else []
        except ValueError:
            return []
        return [a for a in actions if isinstance(a, str)] if isinstance(actions, list) else []

    async def set_pending_options(self, channel: str, user_id: str, actions: Sequence[str]) -> None:
        """Replaces the person's numbered options; no actions forgets them."""
        if not actions:
            await self._write("DELETE FROM pending_options WHERE channel = ? AND user_id = ?",
                              (channel, user_id))
            return
        await self._write(
            "INSERT INTO pending_options (channel, user_id, actions, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id)"
            " DO UPDATE SET actions = excluded.actions, updated_at = excluded.updated_at",
            (channel, user_id, json.dumps(list(actions), ensure_ascii=False), time.time()))

    async def delete_user_data(self, channel: str, user_id: str) -> dict[str, int]:
        """Everything stored about one person on one channel, and every reference to it elsewhere
        (administrators' audit records, flows in progress), in one transaction; then the WAL is
        checkpointed so the deleted bytes leave the files too. Returns counts per table."""
        person = ("channel = ? AND user_id = ?", (channel, user_id))
        counts: dict[str, int] = {}
        async with self.transaction() as db:
            items = await forget.items_where(db, dict.fromkeys(("unanswered", "ratings", "feedback"), person),
                                             (channel, user_id))
            for table in (*PERSONAL_TABLES, "users"):
                cur = await db.execute(f"DELETE FROM {table} WHERE {person[0]}", person[1])
                counts[table] = cur.rowcount
            counts.update(await forget.forget(db, items))
        await self.checkpoint()
        return counts

    async def purge_older_than(self, days: float, audit_days: float | None = None) -> dict[str, int]:
        """Retention: drops records older than ``days`` and people not seen for that long, and the
        references to what goes; administrators' audit records go after ``audit_days``."""
        now = time.time()
        cutoff = now - days * 86400
        counts: dict[str, int] = {}
        async with self.transaction() as db:
            old = {table: (f"{RETAINED_BY[table]} < ?", (cutoff,))
                   for table in ("unanswered", "ratings", "feedback")}
            items = await forget.items_where(db, old)
            for table, column in RETAINED_BY.items():
                cur = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (cutoff,))
                counts[table] = cur.rowcount
            if audit_days is not None:
                table, column = AUDIT_RETAINED_BY
                cur = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (now - audit_days * 86400,))
                counts[table] = cur.rowcount
            references = await forget.forget(db, items)
            counts["references"] = sum(references.values())
        if any(counts.values()):
            await self.checkpoint()
        return counts


def _load_state(raw: str, channel: str, user_id: str) -> dict | None:
    try:
        state = json.loads(raw)
    except ValueError:
        log.warning("unreadable conversation state for %s:%s dropped", channel, user_id)
        return None
    return state if isinstance(state, dict) else None
