"""What every channel shares: the inbound pipeline, written once, and the outbound fan-out.

A channel module (``telegram.py``, ``zalo.py``, ``console.py``) only translates. It turns what its
platform delivers into an ``Inbound`` and hands it to ``Pipeline.handle``; it renders the neutral
``Reply`` its own way. Everything in between happens here, in this order:

1. de-duplication: an update delivered twice (a webhook retried, a poll's last batch after a
   crash) is handled once, by its id, remembered in the database;
2. a per-person lock: one person's messages one after another, different people concurrently;
3. flood control (administrators exempt, taps counted apart), with one notice naming the pause;
4. the channel's ``incoming``: a number picks an option, a file is downloaded, a picture becomes
   a polite "text only, please";
5. the Router (``handlers/``), which answers with a ``Reply``;
6. deliveries to other people, through ``Outbound`` (to any running channel's people);
7. the channel's ``send``: the reply rendered for the platform as "ops", one platform call each,
   posted to the outbox (bot/outbox.py), which records them before sending them, at most once;

and, whatever raises on the way, a logged traceback and an apology to the person. A send the
platform did not take is not an error: the outbox tries it again.

To add a channel, subclass ``Channel``: set ``name``; say how it receives (``run`` for polling or a
connection, ``routes`` for webhook paths, each calling ``self.pipeline.handle``); how it renders
a ``Reply`` (``send``) and text (``text_ops``) as ops; how it makes one platform call
(``transmit``, raising ``SendFailed`` with what the failure means). Then add it to ``CHANNELS`` in
``bot/runner.py``, which builds it as ``Cls(pipeline, settings, webhook=…, **options)``. A channel
never imports another channel: to reach someone on another platform it uses
``self.pipeline.outbound``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from aiohttp import web

from bot import metrics
from bot.channels import webinput
from bot.channels.outbound import Outbound, Progress
from bot.outbox import Outbox, SendFailed
from handlers.flood import FloodGuard, notice
from handlers.locks import KeyedLocks
from handlers.messages import Document, Incoming, Reply
from handlers.router import Router
from handlers.texts import t

log = logging.getLogger(__name__)

SEEN_MAX = 5000  # update ids remembered per process against redelivery
Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
T = TypeVar("T")


@dataclass(frozen=True)
class Inbound:
    """What a person did, as the channel received it. ``text`` None: not text (a picture)."""

    user_id: str
    chat_id: str = ""  # where the reply goes, when not the person's own chat (a group)
    text: str | None = None
    action: str | None = None  # an option picked (a button)
    lang: str | None = None  # the language the platform reports for the person, if any
    name: str = ""  # the name the platform shows (kept for administrators only)
    event_id: str = ""  # the platform's id of this update, for de-duplication
    raw: Any = None  # the platform's own object (a Telegram update), for the channel's rendering

    @property
    def address(self) -> str:
        return self.chat_id or self.user_id


@dataclass(frozen=True)
class Notice:
    """A fixed sentence to answer with instead of asking the router (a text key and its values)."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


class Rejected(Exception):
    """A failure retrying cannot fix (the platform rejected the token): the channel stops."""


class Channel(ABC):
    """One messaging platform. Subclasses set ``name`` and implement ``send``, ``transmit`` and,
    unless an op is just ``{"text": …}``, ``text_ops``."""

    name: ClassVar[str]
    flood_control: ClassVar[bool] = True  # off for the terminal: piped input is not a flood
    log_level: ClassVar[int] = logging.INFO  # of the one line per message handled
    webhook_only: ClassVar[bool] = False  # receives only by webhook: the web server always runs for it

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self._tasks: set[asyncio.Task] = set()
        pipeline.attach(self)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Handles something in the background (a webhook answers at once); ``drain`` waits for it."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 20.0) -> None:
        """Lets what was spawned finish (shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    @staticmethod
    def configuration_error(settings: Any, webhook: bool) -> str | None:
        """What is missing from the settings for this channel to start, if anything."""
        return None

    @staticmethod
    def secrets(settings: Any) -> tuple[str, ...]:
        """What must never reach the log (the bot token): the runner masks it before anything runs."""
        return ()

    # -- receiving -------------------------------------------------------------------------------
    def routes(self) -> dict[str, Route]:
        """POST paths for the runner's web server (webhook mode); none by default."""
        return {}

    def get_routes(self) -> dict[str, Route]:
        """GET paths for the runner's web server (an OAuth redirect); none by default."""
        return {}

    async def run(self, stop: asyncio.Event) -> int:
        """Receives until ``stop``: 0 when stopped, 1 when the platform refuses the bot."""
        await stop.wait()
        return 0

    async def close(self) -> None:
        """Releases the platform client; called by the runner once everything has stopped."""
        return None

    def is_tap(self, event: Inbound) -> bool:
        """Counted as a button tap by flood control (a higher limit than typed messages)."""
        return event.action is not None

    async def incoming(self, event: Inbound) -> Incoming | Notice:
        """The router's message for ``event``; channels add their own (numbers, files)."""
        if event.action is not None:
            return Incoming(self.name, event.user_id, action=event.action, lang=event.lang, name=event.name)
        if event.text is None or not event.text.strip():
            return Notice("non_text")
        return Incoming(self.name, event.user_id, text=event.text, lang=event.lang, name=event.name)

    # -- sending ---------------------------------------------------------------------------------
    # A channel turns what it sends into "ops", JSON-able descriptions of one platform call each
    # (``text_ops``); ``post`` hands them to the outbox, which records them and calls ``transmit``
    # for each, in order, at most once each (bot/outbox.py).
    durable: ClassVar[bool] = True  # False: sent directly (the terminal, which has no outage)

    @abstractmethod
    async def send(self, event: Inbound, reply: Reply) -> None:
        """The reply to ``event``, rendered for this platform and posted."""

    def text_ops(self, address: str, text: str) -> list[dict]:
        """Plain text to one chat, as the ops that send it (a long text: several)."""
        return [{"text": text}]

    def document_ops(self, address: str, document: Document) -> list[dict]:
        """A file to one chat; none on a channel that cannot send files."""
        return []

    async def transmit(self, address: str, op: dict) -> None:
        """One op; raises ``SendFailed`` saying whether it certainly did not arrive."""
        raise NotImplementedError(f"the {self.name} channel sends nothing")

    async def post(self, address: str, ops: list[dict], priority: int = 0) -> str:
        """"sent", "queued" (to be retried) or "failed" (will never arrive, logged)."""
        outbox = self.pipeline.outbox
        if outbox is not None and self.durable:
            return await outbox.put(self.name, address, ops, priority)
        for op in ops:
            try:
                await self.transmit(address, op)
            except SendFailed as exc:
                log.info("%s message not sent: %s", self.name, exc)
                return "failed"
        return "sent"

    async def send_text(self, user_id: str, text: str, priority: int = 0) -> str:
        """Plain text to one of this channel's people (see ``post``)."""
        ops = self.text_ops(user_id, text)
        if not ops:  # not one of this channel's addresses
            return "failed" if text.strip() else "sent"
        return await self.post(user_id, ops, priority)

    async def send_document(self, user_id: str, document: Document) -> str:
        ops = self.document_ops(user_id, document)
        return await self.post(user_id, ops) if ops else "failed"

    async def notify(self, event: Inbound, text: str, *, toast: bool = False) -> None:
        """A fixed sentence in reply (flood notice, apology); ``toast``: a button may show it briefly."""
        await self.send_text(event.address, text)

    async def dropped(self, event: Inbound) -> None:
        """``event`` gets no answer (flood control is muting the person)."""
        return None

    def progress(self, event: Inbound) -> Progress | None:
        """How to show the sender a long broadcast's progress; None: not shown."""
        return None


class Pipeline:
    """The one way a person's message goes through the bot, whatever the channel."""

    def __init__(self, router: Router, flood: FloodGuard, outbound: Outbound | None = None,
                 seen_max: int = SEEN_MAX, outbox: Outbox | None = None):
        """``outbox``: by default one on the router's storage (a router without storage, in some
        tests, sends directly)."""
        self.router = router
        self.flood = flood
        self.outbound = outbound if outbound is not None else Outbound()
        storage = getattr(router, "storage", None)
        if outbox is None and storage is not None and hasattr(storage, "outbox_add"):
            outbox = Outbox(storage)
        self.outbox = outbox
        self.locks = KeyedLocks()
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._seen_max = seen_max

    def attach(self, channel: Channel) -> None:
        """The channel's people become reachable: by the outbox, and from other channels."""
        self.outbound.add(channel)
        if self.outbox is not None and channel.durable:
            self.outbox.add(channel.name, channel.transmit)

    async def _first_time(self, channel: str, event_id: str) -> bool:
        """Recent ids in memory; every id also in the database, so a redelivery after a restart
        (the last batch of a poll, a webhook retried) is still answered once."""
        key = (channel, event_id)
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._seen_max:
            self._seen.popitem(last=False)
        if self.outbox is None:
            return True
        try:
            return await self.outbox.first_time(channel, event_id)
        except Exception as exc:  # the database is unwell: answering beats staying silent
            log.warning("could not record update %s as handled: %s", event_id, exc)
            return True

    async def is_new(self, channel: str, event_id: str) -> bool:
        """Whether this update id is new (for a channel that answers some updates outside ``handle``)."""
        return await self._first_time(channel, event_id)

    async def handle(self, channel: Channel, event: Inbound) -> None:
        """Never raises: a failure is logged and the person gets a short apology."""
        received = time.perf_counter()
        if event.event_id and not await self._first_time(channel.name, event.event_id):
            log.info("%s update ignored: already handled", channel.name)
            metrics.UPDATES.labels(channel.name, "duplicate").inc()
            return
        async with self.locks.hold((channel.name, event.user_id)):
            try:
                metrics.UPDATES.labels(channel.name, await self._process(channel, event, received)).inc()
            except Exception:
                log.exception("error while handling a %s update", channel.name)
                metrics.UPDATES.labels(channel.name, "error").inc()
                try:
                    lang = await self.language_of(channel, event)
                except Exception:
                    lang = event.lang if event.lang in ("vi", "en") else "vi"
                try:
                    await channel.notify(event, t("error", lang))
                except Exception:
                    log.warning("could not send the apology", exc_info=True)

    async def language_of(self, channel: Channel, event: Inbound) -> str:
        return await self.router.language_of(channel.name, event.user_id, event.lang)

    async def _process(self, channel: Channel, event: Inbound, received: float | None = None) -> str:
        """The outcome, for the metrics: the reply's status, ``notice`` or ``flood``."""
        started = time.perf_counter()
        person, tap = f"{channel.name}:{event.user_id}", channel.is_tap(event)
        exempt = not channel.flood_control or (channel.name, event.user_id) in self.router.admins
        verdict = "ok" if exempt else self.flood.check(person, action=tap)
        if verdict == "ignore":
            await channel.dropped(event)
            return "flood"
        if verdict == "notice":
            wait = self.flood.wait(person, action=tap)
            log.info("flood control: user's %s paused for %.0fs", "taps" if tap else "messages", wait)
            text = notice(wait, await self.language_of(channel, event), action=tap)
            await channel.notify(event, text, toast=True)
            return "flood"
        msg = await channel.incoming(event)
        if isinstance(msg, Notice):
            await channel.notify(event, t(msg.key, await self.language_of(channel, event), **msg.values))
            return "notice"
        reply = await self.router.handle(msg)
        if reply.deliveries:
            await self.outbound.deliver(reply, channel.progress(event))
        metrics.REPLY_SECONDS.labels(channel.name).observe(time.perf_counter() - (received or started))
        await channel.send(event, reply)
        log.log(channel.log_level, "%s %s: status=%s entry=%s %.1fms", channel.name,
                "option" if msg.action else "message", reply.status, reply.entry_id or "-",
                (time.perf_counter() - started) * 1000)
        return reply.status or "unknown"


# -- what receiving needs ------------------------------------------------------------------------
def secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset secret never matches, nor a header that is not UTF-8
    (aiohttp hands its bytes on as surrogates, which must not become a 500)."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def webhook_route(name: str, header: str, secret: str, accept: Callable[[Any], web.Response | None]) -> Route:
    """A webhook route: refuses a missing or wrong secret (403), a body over the server's limit
    (413), one nested too deep or carrying too many updates (``webinput.Refused``, logged), and a
    body that is not an update (400, when ``accept`` returns None); otherwise answers at once with
    what ``accept`` returns, the update being handled in the background."""

    async def handle(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(header), secret):
            log.warning("%s webhook request refused: missing or wrong secret", name)
            return web.Response(status=403, text="forbidden")
        try:
            response = accept(webinput.loads(await request.read()))
        except web.HTTPRequestEntityTooLarge:
            log.warning("%s webhook request refused: body over %d bytes", name, request.client_max_size)
            return web.Response(status=413, text="too large")
        except webinput.Refused as exc:
            log.warning("%s webhook request refused: %s", name, exc.reason)
            return web.Response(status=exc.status, text=exc.reason)
        except Exception:
            response = None
        return response if response is not None else web.Response(status=400, text="bad update")

    return handle


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Waits ``seconds``, or less if ``stop`` is set meanwhile."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def with_backoff(attempt: Callable[[], Awaitable[T]], stop: asyncio.Event, what: str,
                       retry: tuple[type[BaseException], ...], cap: float = 60.0) -> T | None:
    """``attempt`` until it works, waiting 1, 2, 4 … ``cap`` seconds between tries: a network
    problem at start-up is waited out. None once ``stop`` is set, or on ``Rejected`` (logged)."""
    delay = 1.0
    while not stop.is_set():
        try:
            return await attempt()
        except Rejected as exc:
            log.error("%s", exc)
            return None
        except retry as exc:
            log.warning("%s failed (%s); retrying in %.0fs", what, exc, delay)
        await sleep_or_stop(stop, delay)
        delay = min(delay * 2, cap)
    return None


class TokenFilter(logging.Filter):
    """Belt and braces: whatever a library logs, the token never reaches the log."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "***"), None
        return True


def protect_token(token: str) -> None:
    """httpx logs every request URL (which holds the token) at INFO; silence it and filter the rest."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if token:
        token_filter = TokenFilter(token)
        for handler in logging.getLogger().handlers:
            handler.addFilter(token_filter)
