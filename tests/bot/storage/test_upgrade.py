"""A database made by the bot as deployed before pending_options had a table upgrades in place."""

from __future__ import annotations

import hashlib
import json
import time

import aiosqlite

from bot.storage import MIGRATIONS, Storage, migrate
from tests.storage_rows import rows, schema_version

# The schema deployed databases have: the first five migrations, byte for byte (append only).
DEPLOYED = 5
DEPLOYED_SHA256 = "f0ff59d4355318c7e9420586d5886660eb82b5c1e0a5be28914edd2b36880310"


def test_the_deployed_migrations_are_unchanged():
    assert [name for name, _ in MIGRATIONS[:DEPLOYED]] == [
        "initial", "audit_log", "kb_versions", "ratings_reviewed", "feedback_reply"]
    assert hashlib.sha256(repr(MIGRATIONS[:DEPLOYED]).encode()).hexdigest() == DEPLOYED_SHA256


async def deployed_database(path) -> float:
    """A database at the deployed schema, with one of everything in it; returns its timestamp."""
    now = time.time()
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:DEPLOYED]) == DEPLOYED
        await db.execute("INSERT INTO users VALUES ('zalo', 'z1', 'en', ?, ?, 1)", (now, now))
        await db.execute("INSERT INTO questions (channel, user_id, text, lang, outcome, entry_id, score,"
                         " asked_at) VALUES ('zalo', 'z1', 'FDI là gì', 'vi', 'answer', 'e1', 9, ?)", (now,))
        await db.execute("INSERT INTO feedback (ref, channel, user_id, text, lang, created_at, reply)"
                         " VALUES ('GY-AAAAAA', 'zalo', 'z1', 'Góp ý', 'vi', ?, 'Cảm ơn')", (now,))
        await db.execute("INSERT INTO kb_versions (entry_id, version, action, data, admin, created_at)"
                         " VALUES ('e1', 1, 'edit', '{\"id\": \"e1\"}', 'telegram:1', ?)", (now,))
        flow = json.dumps({"flow": "feedback", "step": "name", "text": "Ý kiến"})
        for channel, user_id, state in [
            ("zalo", "z1", flow),
            ("zalo.options", "z1", json.dumps({"actions": ["skip", "cancel"]})),  # the old home
            ("zalo.options", "z2", "not json"),
            ("zalo.options", "z3", json.dumps({"actions": "menu"})),
        ]:
            await db.execute("INSERT INTO conversation_state VALUES (?, ?, ?, ?)", (channel, user_id, state, now))
    return now


async def test_opening_upgrades_in_place_and_keeps_everything(tmp_path):
    path = tmp_path / "bot.sqlite3"
    now = await deployed_database(path)
    async with Storage(path) as st:
        assert await schema_version(st) == len(MIGRATIONS)
        user, state = await st.arrive("zalo", "z1")
        assert (user.language, user.opted_in, user.first_seen) == ("en", True, now)
        assert state == {"flow": "feedback", "step": "name", "text": "Ý kiến"}
        [question] = await rows(st, "questions")
        assert (question["text"], question["entry_id"]) == ("FDI là gì", "e1")
        [feedback] = await rows(st, "feedback")
        assert (feedback["ref"], feedback["reply"], feedback["status"]) == ("GY-AAAAAA", "Cảm ơn", "new")
        [version] = await st.kb_latest()
        assert (version["entry_id"], version["data"], version["base"]) == ("e1", {"id": "e1"}, "")
        # the numbered options moved to their own table; the unreadable ones were dropped
        assert await st.pending_options("zalo", "z1", max_age=3600) == ["skip", "cancel"]
        assert [(r["channel"], r["user_id"], json.loads(r["actions"]), r["updated_at"])
                for r in await rows(st, "pending_options", order="user_id")] == [
            ("zalo", "z1", ["skip", "cancel"], now)]
        assert [(r["channel"], r["user_id"]) for r in await rows(st, "conversation_state", order="channel")] == [
            ("zalo", "z1")]
    async with Storage(path) as st:  # and reopening changes nothing more
        assert await schema_version(st) == len(MIGRATIONS)
        assert len(await rows(st, "pending_options", order="user_id")) == 1
