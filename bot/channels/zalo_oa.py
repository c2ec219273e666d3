"""The Zalo Official Account channel: the same pipeline, for the OAs Vietnam's state bodies use.

Webhook only (OA has no polling): Zalo posts signed events to ``POST /zalo-oa``; the OAuth
redirect of the one-time login comes to ``GET /zalo-oa/callback``. Replies go out as
consultation messages (``/v3.0/oa/message/cs``) through the outbox, options numbered as on the
Bot API channel (buttons are not used: their acceptance by ``/cs`` is not verified).

Zalo's windows decide what may be sent: a reply within 48 hours of the person's message quotes
that message (a free reply); up to 7 days after their last interaction a consultation message to
their id; after that nothing, and an administrator is told "not deliverable on Zalo OA".
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.channels import numbered, webinput
from bot.channels.base import Channel, Inbound, Notice, Pipeline
from bot.channels.zalo_oa_api import (
    SIGNATURE_HEADER,
    TOKEN_ERRORS,
    OAClient,
    OAError,
    OAEvent,
    TokenError,
    new_verifier,
    parse_event,
    permission_url,
    signature_matches,
)
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.outbox import SendFailed
from handlers.messages import Incoming, Option, Reply
from handlers.router import STATE_TTL
from handlers.texts import t

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo-oa"
CALLBACK_PATH = "/zalo-oa/callback"
MAX_MESSAGE = 2000  # /cs text limit, counted in UTF-16 units (the safe reading)
MAX_BODY = 64 * 1024  # an event is a few hundred bytes
MAX_SKEW = 600.0  # seconds: an event older (or newer) than this is a replay, refused
REPLY_WINDOW = 48 * 3600.0  # a reply quoting the person's message
CS_WINDOW = 7 * 86400.0  # a consultation message after the person's last interaction
UNDELIVERABLE = "undeliverable"  # send_text's answer outside the 7-day window


def render(reply: Reply) -> str:
    return numbered.render_text_only(reply)


def split_message(text: str) -> list[str]:
    return numbered.parts(text, MAX_MESSAGE)


class ZaloOAChannel(Channel):
    name = "zalo_oa"
    webhook_only = True

    def __init__(self, pipeline: Pipeline, settings: Any, *, webhook: bool = False,
                 client: OAClient | None = None, clock: Callable[[], float] = time.time,
                 max_skew: float = MAX_SKEW):
        super().__init__(pipeline)
        self.settings = settings
        self.clock = clock
        self.max_skew = max_skew
        self.app_id = settings.ZALO_OA_APP_ID
        self.client = client or OAClient(self.app_id, settings.ZALO_OA_APP_SECRET, settings.ZALO_OA_API_URL,
                                         settings.ZALO_OA_OAUTH_URL)
        self.tokens = TokenKeeper(pipeline.router.storage, self.client, self.app_id,
                                  settings.ZALO_OA_REFRESH_TOKEN, clock=clock)

    @staticmethod
    def configuration_error(settings: Any, webhook: bool) -> str | None:
        missing = [name for name in ("ZALO_OA_APP_ID", "ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY")
                   if not getattr(settings, name)]
        return f"the Zalo OA channel needs {', '.join(missing)}" if missing else None

    @staticmethod
    def secrets(settings: Any) -> tuple[str, ...]:
        return (settings.ZALO_OA_APP_SECRET, settings.ZALO_OA_SECRET_KEY, settings.ZALO_OA_REFRESH_TOKEN)

    async def _storage(self) -> Any:
        return await self.pipeline.router.storage.open()

    # -- receiving -------------------------------------------------------------------------------
    def routes(self) -> dict:
        return {WEBHOOK_PATH: self._webhook}

    def get_routes(self) -> dict:
        return {CALLBACK_PATH: self._callback}

    async def _webhook(self, request: web.Request) -> web.Response:
        """Signature first, then the event's age; the work is queued and Zalo answered at once."""
        raw = await read_body(request, MAX_BODY)
        if raw is None:
            log.warning("Zalo OA webhook request refused: body over %d bytes", MAX_BODY)
            return web.Response(status=413, text="too large")
        try:
            body = webinput.loads(raw)
        except webinput.Refused as exc:
            log.warning("Zalo OA webhook request refused: %s", exc.reason)
            return web.Response(status=exc.status, text=exc.reason)
        except ValueError:
            log.warning("Zalo OA webhook: body is not JSON (%d bytes)", len(raw))
            return web.Response(status=400, text="bad event")
        stamp = str(body.get("timestamp") or "") if isinstance(body, dict) else ""
        if not signature_matches(request.headers.get(SIGNATURE_HEADER), self.app_id, raw, stamp,
                                 self.settings.ZALO_OA_SECRET_KEY):
            log.warning("Zalo OA webhook request refused: missing or wrong signature")
            return web.Response(status=403, text="forbidden")
        event = parse_event(body)
        if event is None:
            log.warning("Zalo OA webhook: signed body without an event name")
            return web.Response(status=400, text="bad event")
        if abs(self.clock() - event.timestamp_ms / 1000) > self.max_skew:
            log.warning("Zalo OA %s refused: its timestamp is over %.0fs away (a replay?)", event.event_name,
                        self.max_skew)
            return web.Response(status=403, text="stale event")
        self.dispatch(event)
        return web.json_response({"ok": True})

    def dispatch(self, event: OAEvent) -> None:
        if event.kind in ("ignored", "unfollow") or not event.user_id:
            log.debug("Zalo OA event ignored: %s", event.event_name)
            return
        clean = webinput.clean  # JSON may carry lone surrogates, which SQLite and Zalo refuse
        event = dataclasses.replace(event, user_id=clean(event.user_id) or "", text=clean(event.text) or "",
                                    msg_id=clean(event.msg_id) or "",
                                    conversation_id=clean(event.conversation_id) or "")
        if event.anonymous:
            if event.conversation_id:
                self.spawn(self._anonymous(event))
            return
        self.spawn(self._handle(event))

    async def _handle(self, event: OAEvent) -> None:
        try:
            await (await self._storage()).set_oa_contact(self.name, event.user_id, event.msg_id)
        except Exception:
            log.warning("Zalo OA: could not record the person's last message", exc_info=True)
        if event.kind == "follow":
            inbound = Inbound(event.user_id, text="/start",
                              event_id=f"follow:{event.user_id}:{event.timestamp_ms}")
        else:
            inbound = Inbound(event.user_id, text=event.text if event.kind == "text" else None,
                              event_id=event.msg_id, raw=event)
        await self.pipeline.handle(self, inbound)

    async def _anonymous(self, event: OAEvent) -> None:
        """Someone writing without following the OA: answered from the knowledge base within their
        conversation, and nothing about them stored (no person, no question; the reply waits in the
        outbox only until it is sent). No menus or numbered options: there is nowhere to keep them."""
        try:
            if event.msg_id and not await self.pipeline.is_new(self.name, event.msg_id):
                return
            if self.pipeline.flood.check(f"{self.name}:anon:{event.conversation_id}") != "ok":
                return
            router = self.pipeline.router
            await router.live.ensure_loaded(await self._storage())
            text = router.asker.ask(event.text).text if event.kind == "text" else t("non_text", "vi")
            recipient = {"anonymous_id": event.user_id, "conversation_id": event.conversation_id}
            ops = [{"text": part, "recipient": recipient} for part in split_message(text)]
            await self.post(f"anonymous:{event.conversation_id}", ops)
        except Exception:
            log.exception("error while answering an anonymous Zalo OA message")


    async def run(self, stop: asyncio.Event) -> int:
        if await self.tokens.stored() is None and not self.settings.ZALO_OA_REFRESH_TOKEN:
            log.warning("Zalo OA: no token held yet; run `python -m bot zalo-oa login` "
                        "(replies wait meanwhile)")
        job = asyncio.create_task(self.tokens.keep_fresh(stop))
        log.info("Zalo OA webhook mode: %s", WEBHOOK_PATH)
        try:
            await stop.wait()
        finally:
            job.cancel()
            await asyncio.gather(job, return_exceptions=True)
            await self.drain()
            log.info("Zalo OA channel stopped")
        return 0

    async def close(self) -> None:
        await self.client.close()

    # -- the OAuth login (started by `python -m bot zalo-oa login`, see ``start_login``) ----------
    async def _callback(self, request: web.Request) -> web.Response:
        code, state = request.query.get("code", ""), request.query.get("state", "")
        verifier = await (await self._storage()).oa_login_take(state) if code and state else None
        if verifier is None:
            log.warning("Zalo OA callback refused: unknown or expired state")
            return web.Response(status=400,
                                text="Unknown or expired login; run `python -m bot zalo-oa login`.")
        try:
            await self.tokens.store_login(await self.client.exchange_code(code, verifier))
        except OAError as exc:
            log.warning("Zalo OA login failed: %s", exc)
            return web.Response(status=502, text="Zalo did not give a token; try the login again.")
        return web.Response(text="Zalo OA connected: the bot can answer. You may close this page.")

    # -- the numbered options --------------------------------------------------------------------
    def is_tap(self, event: Inbound) -> bool:
        """A typed option number stands for a button tap (flood control counts taps apart)."""
        return super().is_tap(event) or bool(event.text and numbered.NUMBER.fullmatch(event.text))

    async def incoming(self, event: Inbound) -> Incoming | Notice:
        msg = await super().incoming(event)
        if isinstance(msg, Incoming) and msg.text and numbered.NUMBER.fullmatch(msg.text):
            storage = await self._storage()
            actions = await storage.pending_options(self.name, event.user_id, max_age=STATE_TTL)
            action = numbered.pick(msg.text, actions)
            if action is not None:
                return Incoming(self.name, event.user_id, action=action)
        return msg

    async def remember_options(self, user_id: str, options: list[Option]) -> None:
        await (await self._storage()).set_pending_options(self.name, user_id, [o.action for o in options])

    # -- sending ---------------------------------------------------------------------------------
    async def send(self, event: Inbound, reply: Reply) -> None:
        await self.remember_options(event.user_id, reply.options)
        await self.send_text(event.address, render(reply))

    async def recipient(self, user_id: str) -> dict[str, str] | None:
        """Who Zalo lets us write to now: a reply quoting their message, their id, or nobody."""
        contact = await (await self._storage()).oa_contact(self.name, user_id)
        now = self.clock()
        if contact is None or now - contact.updated_at > CS_WINDOW:
            return None
        if contact.msg_id and now - contact.message_at < REPLY_WINDOW:
            return {"message_id": contact.msg_id}
        return {"user_id": user_id}

    async def send_text(self, user_id: str, text: str, priority: int = 0) -> str:
        """As ``Channel.send_text``, or "undeliverable" outside Zalo's 7-day window (not queued)."""
        recipient = await self.recipient(user_id)
        if recipient is None:
            log.info("Zalo OA message not sent: not deliverable on Zalo OA (no interaction for 7 days)")
            return UNDELIVERABLE
        ops = [{"text": part, "recipient": recipient} for part in split_message(text)]
        return await self.post(user_id, ops, priority) if ops else "sent"

    def text_ops(self, address: str, text: str) -> list[dict]:
        return [{"text": part, "recipient": {"user_id": address}} for part in split_message(text)]

    async def transmit(self, address: str, op: dict) -> None:
        recipient = op.get("recipient") or {"user_id": address}
        try:
            token = await self.tokens.access_token()
            try:
                await self.client.send_cs(token, recipient, op["text"])
            except OAError as exc:
                if exc.code not in TOKEN_ERRORS:
                    raise
                log.info("Zalo OA called the access token invalid (%s); refreshing, then trying once more",
                         exc.code)
                await self.client.send_cs(await self.tokens.refresh(token), recipient, op["text"])
        except TokenError as exc:  # no token, or the token endpoint failed: nothing was sent
            raise SendFailed("retry", str(exc)) from exc
        except OAError as exc:
            raise SendFailed(failure_kind(exc), str(exc)) from exc


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None past ``limit`` bytes (read in chunks: one read may return less)."""
    if (request.content_length or 0) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16384):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def failure_kind(exc: OAError) -> str:
    """What a failed /cs call means for the outbox."""
    if exc.maybe_sent:
        return "unsure"
    if exc.code is None or exc.code >= 500 or exc.code in TOKEN_ERRORS:
        return "retry"  # never carried out: no connection, a server error, a token still refused
    return "refused"  # out of the window (-230), a bad request: retrying will not help


async def start_login(storage: Any, settings: Any) -> str:
    """The permission URL for an OA administrator to open; its PKCE verifier is kept by ``state``
    (for an hour) until Zalo redirects to the callback with the code."""
    verifier, state = new_verifier(), secrets.token_urlsafe(24)
    await storage.oa_login_start(state, verifier)
    return permission_url(settings.ZALO_OA_OAUTH_URL, settings.ZALO_OA_APP_ID, settings.ZALO_OA_REDIRECT_URL,
                          verifier, state)


async def token_status(storage: Any, settings: Any, now: float | None = None) -> tuple[bool, str]:
    """Whether a usable token is held, in one line that never shows it."""
    pair = await storage.oa_tokens(settings.ZALO_OA_APP_ID)
    now = time.time() if now is None else now
    if pair is None:
        hint = " (the bot will use ZALO_OA_REFRESH_TOKEN)" if settings.ZALO_OA_REFRESH_TOKEN else ""
        return False, f"No Zalo OA token held{hint}; run `python -m bot zalo-oa login`."
    until = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(pair.expires_at))
    if pair.expires_at <= now:
        return True, (f"The access token expired at {until}; the bot refreshes it with the stored refresh "
                      "token when it next runs.")
    hours = (pair.expires_at - now) / 3600
    return True, f"A valid Zalo OA access token is held; it expires at {until} (in {hours:.1f} h)."
