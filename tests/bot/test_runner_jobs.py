"""The runner's daily jobs that keep the database: retention (with the audit log's own period) and
backups into BACKUP_DIR with rotation."""

from __future__ import annotations

import asyncio
import os
import time

from bot import runner
from bot.settings import Settings
from bot.storage import Storage
from bot.storage.backup import OWN_NAME, backup_name
from handlers.router import Router
from tests.storage_rows import rows

DAY = 86400


async def test_the_daily_backup_writes_one_copy_and_keeps_the_newest(kb, matcher, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [backup_name(time.time() - (20 - day) * DAY) for day in range(4)]
    for name in old:
        (folder / name).write_bytes(b"")
        os.utime(folder / name, (time.time() - 2 * DAY, time.time() - 2 * DAY))
    (folder / "keep-me.sqlite3").write_bytes(b"")  # not the bot's: never rotated
    router = Router(kb, matcher, Storage(tmp_path / "bot.sqlite3"))
    await router.storage.open()
    stop = asyncio.Event()
    job = asyncio.create_task(runner.backup_daily(router, Settings(BACKUP_DIR=str(folder), BACKUP_KEEP=3), stop))
    try:
        for _ in range(500):
            if len(list(folder.iterdir())) == 4 and not list(folder.glob("*.part")):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert not job.done()  # waiting for tomorrow
    finally:
        stop.set()
        await asyncio.wait_for(job, 5)
        await router.close()
    names = {p.name for p in folder.iterdir()}
    [new] = names - set(old) - {"keep-me.sqlite3"}
    assert OWN_NAME.fullmatch(new)  # today's copy, and the two newest of before: BACKUP_KEEP=3
    assert names == {new, *old[2:], "keep-me.sqlite3"}

async def test_no_daily_backup_when_off_or_in_memory(kb, matcher, tmp_path):
    stop = asyncio.Event()
    on_file = Router(kb, matcher, Storage(tmp_path / "bot.sqlite3"))
    await asyncio.wait_for(runner.backup_daily(on_file, Settings(BACKUP_DIR="off"), stop), 1)
    in_memory = Router(kb, matcher, Storage(":memory:"))
    await asyncio.wait_for(runner.backup_daily(in_memory, Settings(BACKUP_DIR=str(tmp_path / "b")), stop), 1)
    assert not (tmp_path / "b").exists() and not (tmp_path / "backups").exists()


async def test_the_purge_keeps_administrators_records_for_their_own_period(kb, matcher, tmp_path):
    router = Router(kb, matcher, Storage(tmp_path / "bot.sqlite3"))
    st = await router.storage.open()
    now = time.time()
    await st.log_question("telegram", "1", "cũ", "vi", "fallback", None, 0, unanswered=True)
    await st.db.execute("UPDATE questions SET asked_at = ?", (now - 40 * DAY,))
    await st.db.execute("UPDATE unanswered SET created_at = ?", (now - 40 * DAY,))
    await st.audit("telegram:9", "queue_dismiss", None, {"items": ["u:1"], "count": 1})
    for action, age in [("old", 100), ("recent", 50)]:
        await st.audit("telegram:9", action)
        await st.db.execute("UPDATE audit_log SET created_at = ? WHERE action = ?", (now - age * DAY, action))
    stop = asyncio.Event()
    job = asyncio.create_task(runner.purge_daily(
        router, Settings(DATA_RETENTION_DAYS=30, AUDIT_RETENTION_DAYS=60), stop))
    try:
        for _ in range(500):
            if not await rows(st, "questions"):
                break
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await asyncio.wait_for(job, 5)
    assert await rows(st, "questions") == [] and await rows(st, "unanswered") == []
    audit = {r["action"]: r for r in await rows(st, "audit_log")}
    assert set(audit) == {"queue_dismiss", "recent"}
    assert audit["queue_dismiss"]["before"] == '{"items": [], "count": 1}'  # the purged item's id goes too
    await router.close()
