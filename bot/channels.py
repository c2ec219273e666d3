"""``run --channel all``: Telegram and Zalo in one process, sharing the knowledge base, the router
and the database (so an administrator's edit on one channel answers people on both).

Messages one channel's handlers address to the other's people (a Zalo citizen's feedback noticed
in the administrators' Telegram group, an administrator on one channel answering a citizen on the
other) go through the other channel's sender: a plain Telegram Bot client for Zalo, the Zalo API
client for Telegram.

Each channel runs as its own task with its own retries; one that stops (a rejected token, an
unexpected error) is logged and the other keeps answering. The process stops on SIGINT/SIGTERM, or
when both channels have stopped. In webhook mode one web server holds /telegram, /zalo and
/healthz, started here first so neither channel's troubles can take it down for the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Awaitable, Callable

from bot.lifecycle import install_stop_signals, remove_stop_signals
from bot.settings import Settings
from bot.webserver import WebServer
from handlers.messages import split_text, utf16_len
from handlers.router import Router

log = logging.getLogger(__name__)

ChannelRunner = Callable[[asyncio.Event], Awaitable[int]]


async def run_together(runners: dict[str, ChannelRunner], stop: asyncio.Event) -> int:
    """Runs every channel until ``stop`` or until all have stopped; a channel that stops early (or
    raises) is logged and leaves the others running. 0 after ``stop``, else the worst exit code."""
    tasks = {asyncio.create_task(run(stop), name=name): name for name, run in runners.items()}
    codes: dict[str, int] = {}
    pending = set(tasks)
    waiter = asyncio.create_task(stop.wait())
    try:
        while pending:
            done, _ = await asyncio.wait(pending | {waiter}, return_when=asyncio.FIRST_COMPLETED)
            for task in done - {waiter}:
                pending.discard(task)
                name = tasks[task]
                try:
                    codes[name] = task.result()
                except Exception:
                    log.exception("the %s channel stopped on an unexpected error", name)
                    codes[name] = 1
                if not stop.is_set():
                    others = ", ".join(tasks[p] for p in pending) or "nothing"
                    log.error("the %s channel stopped (exit %d); still running: %s",
                              name, codes[name], others)
                    # a channel removes its signal handlers when it ends: put ours back
                    install_stop_signals(stop)
            if waiter in done:
                break
        for task in pending:  # stop is set: each finishes its replies in progress
            try:
                codes[tasks[task]] = await task
            except Exception:
                log.exception("the %s channel failed while stopping", tasks[task])
                codes[tasks[task]] = 1
    finally:
        waiter.cancel()
        for task in tasks:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
    return 0 if stop.is_set() else max(codes.values(), default=0)


class TelegramSender:
    """Sends plain messages to Telegram people for the other channels in this process; connects on
    first use, so an unreachable Telegram costs nothing until someone needs it."""

    def __init__(self, settings: Settings):
        from telegram import Bot

        self.bot = Bot(settings.TELEGRAM_BOT_TOKEN, base_url=settings.TELEGRAM_BASE_URL.rstrip("/"))
        self._ready = False

    async def send(self, user_id: str, text: str) -> bool:
        from telegram.constants import ParseMode
        from telegram.error import TelegramError

        from bot.telegram import MAX_MESSAGE, NO_PREVIEW

        if not user_id.lstrip("-").isdigit():
            return False
        try:
            if not self._ready:
                await self.bot.initialize()
                self._ready = True
            for part in split_text(text, MAX_MESSAGE, utf16_len):
                await self.bot.send_message(int(user_id), html.escape(part, quote=False),
                                            parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
            return True
        except TelegramError as exc:
            log.info("message to a Telegram person not sent: %s", exc)
            return False

    async def close(self) -> None:
        if self._ready:
            with contextlib.suppress(Exception):
                await self.bot.shutdown()


async def run_all(router: Router, settings: Settings, *, webhook: bool = False,
                  stop: asyncio.Event | None = None, telegram_poll_timeout: float = 10.0,
                  zalo_poll_timeout: float = 30.0) -> int:
    """Telegram and Zalo together until SIGINT/SIGTERM (or ``stop``)."""
    from bot.telegram import protect_token, run_telegram
    from bot.zalo import ZaloAPI, run_zalo, send_text

    missing = [name for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN") if not getattr(settings, name)]
    if missing:
        log.error("--channel all needs %s", " and ".join(missing))
        return 2
    for token in (settings.TELEGRAM_BOT_TOKEN, settings.ZALO_BOT_TOKEN):
        protect_token(token)  # before any client is made: python-telegram-bot logs its URLs
    stop = stop or asyncio.Event()
    installed = install_stop_signals(stop)
    server: WebServer | None = None
    telegram = TelegramSender(settings)
    zalo_api = ZaloAPI(settings.ZALO_BOT_TOKEN, settings.ZALO_BASE_URL)

    async def send_zalo(user_id: str, text: str) -> bool:
        return await send_text(zalo_api, user_id, text)

    try:
        await router.storage.open()
        if webhook:
            # listens first; each channel's own server on this address joins it (bot/webserver.py)
            server = WebServer(settings.WEBHOOK_LISTEN, settings.WEBHOOK_PORT)
            server.add_health_check("database", router.storage.ping)
            await server.start()
        # both channels purge expired records daily (idempotent), so retention goes on when one stops
        return await run_together({
            "telegram": lambda ev: run_telegram(router, settings, webhook=webhook, stop=ev,
                                                poll_timeout=telegram_poll_timeout,
                                                others={"zalo": send_zalo}),
            "zalo": lambda ev: run_zalo(router, settings, webhook=webhook, stop=ev,
                                        poll_timeout=zalo_poll_timeout, signals=False, close=False,
                                        api=zalo_api, others={"telegram": telegram.send}),
        }, stop)
    finally:
        if server is not None:
            await server.stop()
        await telegram.close()
        await zalo_api.close()
        await router.close()
        remove_stop_signals(installed)
