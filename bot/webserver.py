"""The bot's own small web server (aiohttp): webhooks and a health check on one port.

Our own rather than python-telegram-bot's run_webhook, so every channel's webhook (Telegram's
/telegram, Zalo's /zalo) is served on one address with one life cycle: the runner makes one
server, adds each running channel's routes, and stops it last.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[bool]]


class WebServer:
    def __init__(self, host: str, port: int, max_body: int = 1 << 20):
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=max_body)
        self.app.router.add_get("/healthz", self._healthz)
        self._checks: dict[str, HealthCheck] = {}
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, handler: Handler) -> None:
        self.app.router.add_post(path, handler)

    def add_get(self, path: str, handler: Handler) -> None:
        self.app.router.add_get(path, handler)

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    async def _healthz(self, request: web.Request) -> web.Response:
        results: dict[str, bool] = {}
        for name, check in self._checks.items():
            try:
                results[name] = bool(await check())
            except Exception:
                log.warning("health check %s failed", name, exc_info=True)
                results[name] = False
        ok = all(results.values())
        return web.json_response({"status": "ok" if ok else "degraded", "checks": results},
                                 status=200 if ok else 503)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests): report the one the system chose
            for address in self._runner.addresses:
                if isinstance(address, tuple):
                    self.port = int(address[1])
                    break
        log.info("web server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
