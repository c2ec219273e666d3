"""What the fake platform servers share: listening on 127.0.0.1, recording calls, letting a test
push updates and wait for the bot's calls."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web


class FakeServer:
    """Subclasses add their routes in ``routes`` and record each call with ``_record``."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.failures: dict[str, list[Any]] = {}  # method -> failures to answer first
        self.updates: list[dict] = []
        self._new_update = asyncio.Condition()
        self._new_call = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.port = 0

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> Any:
        app = web.Application()
        self.routes(app)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _record(self, method: str, params: dict) -> None:
        async with self._new_call:
            self.calls.append((method, params))
            self._new_call.notify_all()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                       chat_id: str | None = None) -> list[dict]:
        """The first ``count`` calls of ``method`` (to ``chat_id``), waiting for them to arrive."""

        def found() -> list[dict]:
            return [p for m, p in self.calls if m == method and (chat_id is None or p.get("chat_id") == chat_id)]

        async with self._new_call:
            await asyncio.wait_for(self._new_call.wait_for(lambda: len(found()) >= count), timeout)
        return found()[:count]

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]
