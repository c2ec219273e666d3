"""`python -m bot run` as a real child process, for the tests that stop it with a signal and read
what it logged; and a free local port for its web server."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path


def free_port() -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self._stderr = asyncio.create_task(proc.stderr.read())  # type: ignore[union-attr]
        self.stderr = ""  # everything it logged, once it has ended

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Sends ``sig`` and returns the exit code."""
        self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), timeout)


@contextlib.asynccontextmanager
async def bot_process(cwd: Path, env: Mapping[str, str], *args: str) -> AsyncIterator[BotProcess]:
    """The bot running until the block ends; killed if the block did not stop it, and its log
    read into ``stderr`` either way."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, cwd=cwd, env=dict(env),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    bot = BotProcess(proc)
    try:
        yield bot
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        bot.stderr = (await bot._stderr).decode()
