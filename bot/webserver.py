"""The bot's own small web server (aiohttp): webhooks and a health check on one port.

Our own rather than python-telegram-bot's run_webhook, so other channels (Zalo's /zalo) can share
the server and its life cycle with Telegram's /telegram. Channels started separately in one process
(``run --channel all --webhook``) each make their own ``WebServer`` on the same address: the first to
start listens, a later one joins it (its routes and health checks are served by the first), since
one port can only be bound once.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[bool]]

# Listening servers by (host, requested port): a later WebServer on the same address joins one.
_LISTENING: dict[tuple[str, int], WebServer] = {}


def secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset secret never matches."""
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


class WebServer:
    def __init__(self, host: str, port: int, max_body: int = 1 << 20):
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=max_body)
        self.app.router.add_get("/healthz", self._healthz)
        self._checks: dict[str, HealthCheck] = {}
        self._runner: web.AppRunner | None = None
        self._posts: dict[str, Handler] = {}
        self._guests: list[WebServer] = []  # servers on our address that joined us
        self._joined: WebServer | None = None  # the server we joined instead of listening
        self._address = (host, port)

    def add_post(self, path: str, handler: Handler) -> None:
        self.app.router.add_post(path, handler)
        self._posts[path] = handler

    async def _guest_post(self, request: web.Request) -> web.StreamResponse:
        for guest in self._guests:
            handler = guest._posts.get(request.path)
            if handler is not None:
                return await handler(request)
        raise web.HTTPNotFound()

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    async def _healthz(self, request: web.Request) -> web.Response:
        results: dict[str, bool] = {}
        checks = dict(self._checks)
        for guest in self._guests:
            checks.update(guest._checks)
        for name, check in checks.items():
            try:
                results[name] = bool(await check())
            except Exception:
                log.warning("health check %s failed", name, exc_info=True)
                results[name] = False
        ok = all(results.values())
        return web.json_response({"status": "ok" if ok else "degraded", "checks": results},
                                 status=200 if ok else 503)

    async def start(self) -> None:
        host = _LISTENING.get(self._address) if self.port else None
        if host is not None and host is not self:
            host._guests.append(self)
            self._joined = host
            log.info("web server %s:%d shared: %s added", self.host, self.port, ", ".join(self._posts))
            return
        self.app.router.add_post("/{path:.*}", self._guest_post)  # after our own routes: they win
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests): report the one the system chose
            for address in self._runner.addresses:
                if isinstance(address, tuple):
                    self.port = int(address[1])
                    break
        if self._address[1]:
            _LISTENING.setdefault(self._address, self)
        log.info("web server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._joined is not None:
            host, self._joined = self._joined, None
            if self in host._guests:
                host._guests.remove(self)
            return
        if _LISTENING.get(self._address) is self:
            del _LISTENING[self._address]
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
