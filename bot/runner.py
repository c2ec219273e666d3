"""``python -m bot run``: one or more channels in one process, with one of everything they share.

The runner owns what no channel should: the storage (opened once, closed once everything has
stopped), the outbox every message goes through (bot/outbox.py) and its worker, the web server
for webhooks and the web chat (/telegram, /zalo, /zalo-oa, /webchat/ and /healthz on one port), the
SIGINT/SIGTERM handlers, the outbound registry through which any channel's people are reached (so an
administrator on Telegram answers a citizen on Zalo or on the web), and the application's jobs: the daily
retention purge, the daily backup and the administrators' daily digest.

Each channel runs as its own task with its own retries. One that stops (a rejected token, an
unexpected error) is logged and the others keep answering; the process stops on SIGINT/SIGTERM (or
``stop``), or when every channel has stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from bot import metrics
from bot.channels.base import Channel, Outbound, Pipeline, protect_token, sleep_or_stop
from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_oa import ZaloOAChannel
from bot.lifecycle import install_stop_signals, remove_stop_signals
from bot.outbox import Outbox
from bot.settings import Settings
from bot.storage.backup import DAY, daily_backup, seconds_until_due
from bot.webserver import WebServer
from handlers.flood import FloodGuard
from handlers.router import Router
from handlers.vntime import seconds_until

log = logging.getLogger(__name__)

CHANNELS: dict[str, type[Channel]] = {c.name: c for c in (TelegramChannel, ZaloChannel, ZaloOAChannel,
                                                          WebChannel, ConsoleChannel)}
DIGEST_HOUR = 8  # the daily digest to ADMIN_CHAT_ID, at 08:00 Vietnam time
DIGEST_CHANNEL = "telegram"  # ADMIN_CHAT_ID is a Telegram chat


def flood_guard(settings: Settings) -> FloodGuard:
    return FloodGuard(settings.FLOOD_MAX_MESSAGES, settings.FLOOD_WINDOW_SECONDS, settings.FLOOD_MUTE_SECONDS,
                      actions=settings.FLOOD_MAX_ACTIONS)


async def run(router: Router, settings: Settings, names: Sequence[str], *, webhook: bool = False,
              stop: asyncio.Event | None = None, signals: bool = True, jobs: bool = True,
              options: dict[str, dict[str, Any]] | None = None,
              on_ready: Callable[[WebServer | None], None] | None = None) -> int:
    """Runs the named channels until SIGINT/SIGTERM (or ``stop``), then lets replies in progress
    finish and closes the database. 2 on a configuration error; 1 when every channel stopped on
    its own with a failure (a rejected token); otherwise 0. ``options``: per channel, keyword
    arguments for its constructor (a test's fake API, short poll timeouts)."""
    for name in names:
        problem = CHANNELS[name].configuration_error(settings, webhook)
        if problem:
            log.error("%s", problem)
            return 2
        for secret in CHANNELS[name].secrets(settings):
            protect_token(secret)  # before any client exists: python-telegram-bot logs its URLs
    stop = stop or asyncio.Event()
    installed = install_stop_signals(stop) if signals else []
    outbound = Outbound()
    outbox = Outbox(router.storage, max_age=settings.OUTBOX_MAX_AGE, observe=metrics.observe_send,
                    on_pending=metrics.OUTBOX_PENDING.set)
    pipeline = Pipeline(router, flood_guard(settings), outbound, outbox=outbox)
    router.on_match = metrics.MATCH_SECONDS.observe
    channels: list[Channel] = []
    server: WebServer | None = None
    background: list[asyncio.Task] = []
    try:
        for name in names:
            channel = CHANNELS[name](pipeline, settings, webhook=webhook, **(options or {}).get(name, {}))
            channels.append(channel)  # it attached itself to the pipeline: reachable
        await router.storage.open()
        await outbox.recover()  # before anything is sent
        background.append(asyncio.create_task(outbox.run(stop)))
        if webhook or any(channel.webhook_only for channel in channels):
            server = WebServer(settings.WEBHOOK_LISTEN, settings.WEBHOOK_PORT,
                               metrics_token=settings.METRICS_TOKEN)
            for channel in channels:
                for path, route in channel.routes().items():
                    server.add_post(path, route)
                for path, route in channel.get_routes().items():
                    server.add_get(path, route)
            server.add_health_check("database", router.storage.ping)
            server.add_scrape_hook(lambda: metrics.observe_kb(router.kb))  # after a reload too
            metrics.observe_kb(router.kb)
            await server.start()
        if jobs:
            background.append(asyncio.create_task(purge_daily(router, settings, stop)))
            background.append(asyncio.create_task(backup_daily(router, settings, stop)))
            admin_chat = settings.ADMIN_CHAT_ID.strip()
            if admin_chat and DIGEST_CHANNEL in outbound:
                background.append(asyncio.create_task(digest_daily(outbound, router, admin_chat, stop)))
        if on_ready is not None:
            on_ready(server)
        return await run_together(channels, stop)
    finally:
        if server is not None:
            await server.stop()
        await outbox.close()
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for channel in channels:
            with contextlib.suppress(Exception):
                await channel.close()
        await router.close()
        remove_stop_signals(installed)
        log.info("stopped; database closed")


async def run_together(channels: Sequence[Channel], stop: asyncio.Event) -> int:
    """Runs every channel until ``stop`` or until all have stopped; a channel that stops early (or
    raises) is logged and leaves the others running. 0 after ``stop``, else the worst exit code."""
    tasks = {asyncio.create_task(channel.run(stop), name=channel.name): channel.name for channel in channels}
    codes: dict[str, int] = {}
    pending = set(tasks)
    waiter = asyncio.create_task(stop.wait())
    try:
        while pending:
            done, _ = await asyncio.wait(pending | {waiter}, return_when=asyncio.FIRST_COMPLETED)
            for task in done - {waiter}:
                pending.discard(task)
                codes[tasks[task]] = _exit_code(task)
                if not stop.is_set():
                    others = ", ".join(tasks[p] for p in pending) or "nothing"
                    log.log(logging.ERROR if codes[tasks[task]] else logging.INFO,
                            "the %s channel stopped (exit %d); still running: %s",
                            tasks[task], codes[tasks[task]], others)
            if waiter in done:
                break
        if pending:  # stop is set: each finishes its replies in progress
            await asyncio.wait(pending)
            for task in pending:
                codes[tasks[task]] = _exit_code(task)
    finally:
        waiter.cancel()
        for task in tasks:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
    return 0 if stop.is_set() else max(codes.values(), default=0)


def _exit_code(task: asyncio.Task) -> int:
    try:
        return task.result()
    except Exception:
        log.exception("the %s channel stopped on an unexpected error", task.get_name())
        return 1


# -- the application's jobs --------------------------------------------------------------------
async def purge_daily(router: Router, settings: Settings, stop: asyncio.Event) -> None:
    """Deletes what is older than DATA_RETENTION_DAYS (administrators' audit records:
    AUDIT_RETENTION_DAYS), at start and then once a day."""
    while not stop.is_set():
        try:
            counts = await router.storage.purge_older_than(settings.DATA_RETENTION_DAYS,
                                                           settings.AUDIT_RETENTION_DAYS)
            counts["outbox"] = counts.get("outbox", 0) + await router.storage.purge_outbox()
            if any(counts.values()):
                log.info("retention: deleted %s", {k: v for k, v in counts.items() if v})
        except Exception:
            log.exception("retention purge failed")
        await sleep_or_stop(stop, 86400)


async def backup_daily(router: Router, settings: Settings, stop: asyncio.Event) -> None:
    """A consistent copy of the live database into BACKUP_DIR once a day (at start when the last
    is a day old), keeping the newest BACKUP_KEEP; a failure is logged and retried in an hour."""
    db_path = getattr(router.storage, "path", ":memory:")
    folder, keep = settings.backup_dir(db_path), settings.BACKUP_KEEP
    if folder is None or db_path == ":memory:":
        return
    while not stop.is_set():
        wait = seconds_until_due(folder)
        if wait <= 0:
            try:
                path, removed = await daily_backup(db_path, folder, keep)
                log.info("backup written: %s (%d old backup(s) removed)", path, len(removed))
                wait = DAY
            except Exception:
                log.exception("daily backup into %s failed", folder)
                wait = 3600
        await sleep_or_stop(stop, wait)


def seconds_until_digest(now: float) -> float:
    """Seconds from ``now`` (epoch) to the next 08:00 in Vietnam."""
    return seconds_until(DIGEST_HOUR, now)


async def send_digest(outbound: Outbound, router: Router, chat_id: str) -> bool:
    """Yesterday's figures and the chart to the administrators' chat; False if it will not arrive
    (True also when the outbox holds it for a retry)."""
    from handlers.admin import digest_text, stats_chart

    sent = await outbound.send(DIGEST_CHANNEL, chat_id, await digest_text(router.storage, router.kb))
    chart = await stats_chart(router.storage)
    if sent != "failed" and chart is not None:
        sent = await outbound.send_document(DIGEST_CHANNEL, chat_id, chart)
    return sent != "failed"


async def digest_daily(outbound: Outbound, router: Router, chat_id: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await sleep_or_stop(stop, seconds_until_digest(time.time()))
        if stop.is_set():
            return
        try:
            if await send_digest(outbound, router, chat_id):
                log.info("daily digest sent to the administrators' chat")
            else:
                log.warning("daily digest not delivered to the administrators' chat")
        except Exception:
            log.exception("daily digest failed")


# -- the Zalo OA login (`python -m bot zalo-oa login|status`) ---------------------------------------
async def zalo_oa_login(settings: Settings) -> str:
    """The permission URL to open; the channel's /zalo-oa/callback stores the tokens."""
    from bot.channels.zalo_oa import start_login
    from bot.storage import Storage

    async with Storage(settings.BOT_DB_PATH) as storage:
        return await start_login(storage, settings)


async def zalo_oa_status(settings: Settings) -> tuple[bool, str]:
    from bot.channels.zalo_oa import token_status
    from bot.storage import Storage

    async with Storage(settings.BOT_DB_PATH) as storage:
        return await token_status(storage, settings)
