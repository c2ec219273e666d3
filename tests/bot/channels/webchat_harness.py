"""The runner with the web chat alone on 127.0.0.1, and a browser-like HTTP client for its API
(cookies, Origin, the long poll), shared by the API tests and the browser tests."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import aiohttp
from yarl import URL

from bot.runner import run
from bot.settings import Settings
from bot.storage import Storage
from handlers.messages import Incoming, Reply
from handlers.router import Router

ADMIN = "1001"  # a Telegram administrator (ADMIN_IDS): web sessions are never administrators


def settings_for(tmp_path: Any, **extra: Any) -> Settings:
    values = {"BOT_DB_PATH": str(tmp_path / "bot.sqlite3"), "WEBHOOK_PORT": 0, "WEBCHAT_ENABLED": True,
              "WEBCHAT_IP_REQUESTS_PER_MINUTE": 10_000, **extra}
    return Settings(**values)


class Running:
    """``python -m bot run --channel web`` in this event loop."""

    def __init__(self, kb: Any, matcher: Any, settings: Settings, options: dict | None = None):
        self.router = Router(kb, matcher, Storage(settings.BOT_DB_PATH), admins=settings.admins)
        self.stop = asyncio.Event()
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(run(self.router, settings, ["web"], stop=self.stop, signals=False,
                                            options={"web": options or {}},
                                            on_ready=lambda server: self.ready.set_result(server)))

    async def base(self) -> str:
        server = await asyncio.wait_for(self.ready, 15)
        return f"http://127.0.0.1:{server.port}"

    async def channel(self) -> Any:
        """The running WebChannel (the demo page's route is its bound method)."""
        server = await asyncio.wait_for(self.ready, 15)
        for route in server.app.router.routes():
            if route.method == "GET" and route.resource.canonical == "/webchat/":
                return route.handler.__self__
        raise LookupError("no web chat running")

    async def close(self) -> int:
        self.stop.set()
        return await asyncio.wait_for(self.task, 20)


class Admin:
    """An administrator on Telegram using the admin tools, as the Telegram channel's pipeline would
    (the router's reply, its deliveries through the runner's Outbound), without Telegram itself."""

    def __init__(self, bot: Running):
        self.bot = bot
        self.last: Reply | None = None

    async def _handle(self, msg: Incoming) -> Reply:
        reply = await self.bot.router.handle(msg)
        if reply.deliveries:
            await (await self.bot.channel()).pipeline.outbound.deliver(reply)
        self.last = reply
        return reply

    async def say(self, text: str) -> Reply:
        return await self._handle(Incoming("telegram", ADMIN, text=text))

    async def tap(self, label: str) -> Reply:
        assert self.last is not None
        action = next(o.action for o in self.last.options if label in o.label)
        return await self._handle(Incoming("telegram", ADMIN, action=action))

    async def answer(self, question: str, text: str) -> Reply:
        """From the review queue: the question's group, "answer directly", the text, send."""
        await self.say("/admin")
        await self.tap("Hàng chờ")
        await self.tap(question[:20])
        await self.tap("Trả lời trực tiếp")
        await self.say(text)
        return await self.tap("Gửi")


class Browser:
    """One reader's browser: its own cookie jar, the page's Origin on every request."""

    def __init__(self, base: str, origin: str | None = None, sid: str | None = None):
        self.base = base
        self.origin = base if origin is None else origin
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        if sid:
            self.http.cookie_jar.update_cookies({"webchat_sid": sid}, URL(base + "/webchat/"))
        self.last = 0

    @property
    def sid(self) -> str | None:
        for cookie in self.http.cookie_jar:
            if cookie.key == "webchat_sid":
                return cookie.value
        return None

    def headers(self) -> dict[str, str]:
        return {"Origin": self.origin} if self.origin else {}

    async def post(self, path: str, body: Any, raw: bytes | None = None) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        async with self.http.post(f"{self.base}/webchat/api/{path}", data=data,
                                  headers={"Content-Type": "text/plain;charset=UTF-8", **self.headers()}) as r:
            text = await r.text()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, {"raw": text}

    async def poll(self, timeout: float = 10.0) -> list[dict]:
        async with self.http.post(f"{self.base}/webchat/api/messages", data=json.dumps({"after": self.last}),
                                  headers=self.headers(), timeout=aiohttp.ClientTimeout(total=timeout)) as r:
            assert r.status == 200, await r.text()
            messages = (await r.json())["messages"]
        if messages:
            self.last = messages[-1]["seq"]
        return messages

    async def start(self, welcome: bool = True) -> list[dict]:
        status, body = await self.post("start", {"welcome": welcome})
        assert status == 200, body
        return await self.collect() if welcome else []

    async def collect(self, quiet: float = 0.3) -> list[dict]:
        """Every message until none has come for ``quiet`` seconds (at least one awaited)."""
        messages = await self.poll()
        while True:
            try:
                more = await asyncio.wait_for(self.poll(), quiet)
            except TimeoutError:
                return messages
            if not more:
                return messages
            messages += more

    async def say(self, text: str) -> list[dict]:
        status, body = await self.post("message", {"id": secrets.token_hex(8), "text": text})
        assert status == 200, body
        return await self.collect()

    async def tap(self, message: dict, label: str) -> list[dict]:
        action = next(o["action"] for o in message["options"] if label in o["label"])
        status, body = await self.post("message", {"id": secrets.token_hex(8), "action": action})
        assert status == 200, body
        return await self.collect()

    async def close(self) -> None:
        await self.http.close()


def text_of(messages: list[dict]) -> str:
    return "\n\n".join(m["text"] for m in messages)
