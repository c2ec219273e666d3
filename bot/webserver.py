"""The bot's own small web server (aiohttp): webhooks, a health check and metrics on one port.

Our own rather than python-telegram-bot's run_webhook, so every channel's webhook (Telegram's
/telegram, Zalo's /zalo) is served on one address with one life cycle: the runner makes one
server, adds each running channel's routes, and stops it last. It runs in webhook mode only, so
``GET /metrics`` (bot/metrics.py) is there only then.

Requests the HTTP parser refuses (a header over 8 KB, a malformed request line) are the
internet's noise, not the bot's faults: aiohttp answers 400 and would log an ERROR with a
traceback; ``ClientErrorFilter`` makes each one WARNING line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage

from bot import metrics

log = logging.getLogger(__name__)
http_log = log.getChild("http")  # aiohttp's server log for our server (its default: aiohttp.server)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[bool]]


class ClientErrorFilter(logging.Filter):
    """A request the HTTP parser refused becomes one WARNING line: no traceback, and none of the
    request's bytes (aiohttp's message quotes the offending header)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, BadHttpMessage):
            remote = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            reason = str(exc.message).partition(":")[0][:120]
            record.msg, record.args = "HTTP request from %s refused with %d: %s (%s)", (
                remote, exc.code, reason, type(exc).__name__)
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.exc_info, record.exc_text = None, None
        return True


http_log.addFilter(ClientErrorFilter())


class WebServer:
    def __init__(self, host: str, port: int, max_body: int = 1 << 20, metrics_token: str = ""):
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=max_body)
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/metrics", metrics.route(metrics_token, self._before_scrape))
        self._checks: dict[str, HealthCheck] = {}
        self._scrape_hooks: list[Callable[[], None]] = []
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, handler: Handler) -> None:
        self.app.router.add_post(path, handler)

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._checks[name] = check

    def add_scrape_hook(self, hook: Callable[[], None]) -> None:
        """``hook`` runs before each /metrics answer: for what is read rather than counted."""
        self._scrape_hooks.append(hook)

    def _before_scrape(self) -> None:
        for hook in self._scrape_hooks:
            hook()

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
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, logger=http_log)
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
