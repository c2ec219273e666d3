"""Consistent copies of the live database, safe while the bot writes to it.

SQLite's online backup API copies the pages under one read transaction, so the copy is the
database at one moment even while the bot commits (WAL lets readers and the writer run together).
It runs on its own connection in a worker thread: neither the event loop nor the bot's own
database thread waits for it. The copy is written under a temporary name and renamed when
complete and checked, so a backup file is never half a backup.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from bot.storage.db import StorageError

# The bot's own backup files; rotation deletes only these, never other files in the folder.
NAME_FORMAT = "bot-%Y%m%d-%H%M%S.sqlite3"
OWN_NAME = re.compile(r"bot-\d{8}-\d{6}\.sqlite3")


def backup_name(now: float | None = None) -> str:
    return time.strftime(NAME_FORMAT, time.gmtime(time.time() if now is None else now))


async def backup(source: str | Path, target: str | Path) -> Path:
    """Copies the database ``source`` to ``target`` (a file, or an existing folder to put a
    timestamped file in); returns the path written. StorageError, naming the path, if it fails."""
    return await asyncio.to_thread(_backup, Path(source), Path(target))


def _backup(source: Path, target: Path) -> Path:
    if target.is_dir():
        target = target / backup_name()
    if not source.is_file():
        raise StorageError(f"no database at {source}")
    part = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # read-only: the live database is only read, and none is created where there was none
        live = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(part)
            try:
                live.backup(copy)
                problem = copy.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                copy.close()
        finally:
            live.close()
        os.chmod(part, 0o600)  # it holds what the live database holds: people's questions
        if problem != "ok":
            raise StorageError(f"the backup of {source} failed its check: {problem}")
        os.replace(part, target)
    except sqlite3.Error as exc:
        _remove(part)
        raise StorageError(f"cannot back up {source} to {target}: {exc}") from exc
    except OSError as exc:
        _remove(part)
        raise StorageError(f"cannot write the backup {target}: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(part)
        raise
    return target


def rotate(folder: str | Path, keep: int) -> list[Path]:
    """Deletes the oldest of the bot's own backups in ``folder`` beyond the newest ``keep``."""
    own = sorted(p for p in Path(folder).iterdir() if p.is_file() and OWN_NAME.fullmatch(p.name))
    old = own[:-keep] if keep > 0 else own
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


DAY = 86400.0


def seconds_until_due(folder: str | Path, now: float | None = None) -> float:
    """0 when the newest of the bot's own backups in ``folder`` is a day old (or there is none),
    else the seconds left: restarting the bot does not make extra copies, which would push the
    older days out of the ``keep`` newest sooner than BACKUP_KEEP days."""
    now = time.time() if now is None else now
    try:
        own = [p.stat().st_mtime for p in Path(folder).iterdir()
               if p.is_file() and OWN_NAME.fullmatch(p.name)]
    except FileNotFoundError:
        return 0.0
    return max(0.0, max(own) + DAY - now) if own else 0.0


async def daily_backup(source: str | Path, folder: str | Path, keep: int) -> tuple[Path, list[Path]]:
    """One backup into ``folder`` under the bot's own name, then rotation; the path and removed files."""
    path = await backup(source, Path(folder) / backup_name())
    return path, await asyncio.to_thread(rotate, folder, keep)
