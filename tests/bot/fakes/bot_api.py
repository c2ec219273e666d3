"""A fake Telegram Bot API server over real HTTP on 127.0.0.1, for end-to-end tests.

Implements the methods the bot uses (getMe, getUpdates with long polling and offsets, sendMessage,
editMessageText, answerCallbackQuery, setMyCommands, deleteWebhook, setWebhook...), records every
call, and lets a test push updates and wait for the bot's calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

from aiohttp import web

from tests.bot.fakes.telegram import TOKEN, bot_api_result


class FakeBotAPI:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.failures: dict[str, list[int]] = {}  # method -> HTTP statuses to answer first
        self.updates: list[dict] = []
        self._new_update = asyncio.Condition()
        self._new_call = asyncio.Condition()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(5000)
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeBotAPI:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def push(self, update: dict) -> None:
        update = dict(update, update_id=next(self._ids))
        async with self._new_update:
            self.updates.append(update)
            self._new_update.notify_all()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
        """The first ``count`` calls of ``method``, waiting for them to arrive."""

        def found() -> list[dict]:
            return [p for m, p in self.calls if m == method]

        async with self._new_call:
            await asyncio.wait_for(self._new_call.wait_for(lambda: len(found()) >= count), timeout)
        return found()[:count]

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"},
                                     status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if self.failures.get(method):
            status = self.failures[method].pop(0)
            async with self._new_call:
                self.calls.append((f"{method}!{status}", params))
                self._new_call.notify_all()
            return web.json_response({"ok": False, "error_code": status, "description": f"injected {status}"},
                                     status=status)
        if method == "getUpdates":
            result = await self._get_updates(params)
        else:
            result = bot_api_result(method, params, lambda: next(self._message_ids))
        async with self._new_call:
            self.calls.append((method, params))
            self._new_call.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)  # short polls keep tests fast

        def pending() -> list[dict]:
            return [u for u in self.updates if u["update_id"] >= offset]

        async with self._new_update:
            if not pending() and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait_for(lambda: bool(pending())), timeout)
            # confirmed updates (below the offset) are forgotten, as Telegram does
            self.updates = pending()
            return list(self.updates)
