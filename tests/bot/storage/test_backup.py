"""Backups: a consistent copy while the bot writes, a failed one leaves the live database as it
was, rotation touches only the bot's own files, and a restored copy is a working bot."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import sqlite3
import time

import pytest

from bot.storage import MIGRATIONS, Storage
from bot.storage.backup import backup, backup_name, daily_backup, rotate, seconds_until_due
from bot.storage.db import StorageError
from tests.handlers.admin.helpers import NEW_ANSWER, NEW_Q, add_entry
from tests.handlers.driver import CITIZEN, ChatDriver
from tests.storage_rows import rows, schema_version


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_a_backup_taken_while_the_bot_writes_is_consistent(tmp_path):
    live = tmp_path / "bot.sqlite3"
    async with Storage(live) as st:
        for i in range(200):
            await st.log_question("telegram", str(i), f"câu hỏi {i}", "vi", "fallback", None, 0, unanswered=True)

        async def keep_writing() -> None:
            for i in range(200, 400):
                await st.log_question("telegram", str(i), f"câu hỏi {i}", "vi", "fallback", None, 0,
                                      unanswered=True)

        writer = asyncio.create_task(keep_writing())
        written = await backup(live, tmp_path / "copy.sqlite3")
        await writer
        assert written == tmp_path / "copy.sqlite3"
        assert len(await rows(st, "questions")) == 400
    with sqlite3.connect(written) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        questions = copy.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
        queued = copy.execute("SELECT COUNT(*) FROM unanswered").fetchone()[0]
    assert 200 <= questions <= 400 and queued == questions  # one moment: every question with its queue row
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob("*.part"))


async def test_a_backup_to_a_folder_gets_a_timestamped_name(tmp_path):
    live = tmp_path / "bot.sqlite3"
    async with Storage(live):
        pass
    (tmp_path / "out").mkdir()
    written = await backup(live, tmp_path / "out")
    assert written.parent == tmp_path / "out" and written.name.startswith("bot-")


@pytest.mark.parametrize("where", ["under-a-file", "read-only-folder"])
async def test_a_backup_that_cannot_be_written_fails_cleanly_and_leaves_the_live_database(tmp_path, where):
    live = tmp_path / "bot.sqlite3"
    async with Storage(live) as st:
        await st.add_feedback("telegram", "1", "Góp ý", "vi")
    before = digest(live)
    if where == "under-a-file":  # a path no one can write, root included
        (tmp_path / "file.txt").write_text("x")
        target = tmp_path / "file.txt" / "copy.sqlite3"
    else:
        if os.geteuid() == 0:
            pytest.skip("permissions do not bind root")
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        target = folder / "copy.sqlite3"
    with pytest.raises(StorageError) as caught:
        await backup(live, target)
    message = str(caught.value)
    assert str(target) in message and "\n" not in message
    assert digest(live) == before
    async with Storage(live) as st:
        assert len(await rows(st, "feedback")) == 1


async def test_there_is_no_backup_of_a_database_that_is_not_there_or_not_a_database(tmp_path):
    with pytest.raises(StorageError, match="no database at"):
        await backup(tmp_path / "missing.sqlite3", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(os.urandom(8192))
    with pytest.raises(StorageError, match="not a database"):
        await backup(garbage, tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists() and not list(tmp_path.glob("*.part"))


def test_rotation_keeps_the_newest_and_only_touches_the_bots_own_files(tmp_path):
    names = [backup_name(1_700_000_000 + day * 86400) for day in range(5)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    others = ["notes.txt", "bot-manual.sqlite3", "bot.sqlite3"]
    for name in others:
        (tmp_path / name).write_bytes(b"")
    removed = rotate(tmp_path, 2)
    assert sorted(p.name for p in removed) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[3:], *others])


async def test_daily_backups_are_due_once_a_day(tmp_path):
    live = tmp_path / "bot.sqlite3"
    async with Storage(live):
        pass
    folder = tmp_path / "backups"
    assert seconds_until_due(folder) == 0  # none yet
    path, removed = await daily_backup(live, folder, 14)
    assert path.parent == folder and removed == []
    assert 86000 < seconds_until_due(folder) <= 86400  # a restart does not make another
    assert seconds_until_due(folder, now=time.time() + 86401) == 0


async def test_a_restored_backup_opens_migrates_and_answers(kb, matcher, tmp_path):
    live = tmp_path / "bot.sqlite3"
    chat = ChatDriver(kb, matcher, live)
    await add_entry(chat)  # an administrator's chat change: only the database has it
    await chat.say("/dangky", CITIZEN)
    copy = await backup(live, tmp_path / "backups" / backup_name())
    await chat.close()
    # disaster: the live database is lost; restoring is copying the backup into place
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"bot.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, live)
    restored = ChatDriver(kb, matcher, live)
    try:
        answer = await restored.say(NEW_Q, CITIZEN)
        assert NEW_ANSWER in answer.text
        assert await schema_version(restored.storage) == len(MIGRATIONS)
        [user] = await rows(restored.storage, "users", "user_id", user_id=CITIZEN.user_id)
        assert user["opted_in"] == 1
    finally:
        await restored.close()
