"""The web chat: the same bot on the provincial portal, embedded with one script tag.

Served by the shared web server: ``GET /webchat/`` (a demo page, the chat open), ``GET
/webchat/widget.js`` (and its stylesheet) and the API under ``/webchat/api/``:

- ``POST start``: the session cookie (a random id: a ``web`` person like any other) and, when the
  panel is empty, the welcome;
- ``POST message``: typed text or a tapped option, answered through the pipeline;
- ``POST feedback``: the panel's feedback form, run through the same guided flow as /gopy;
- ``POST messages`` ``{"after": N}`` (long polling): what the bot sent the session since ``N``;
  a POST, not a GET, because it deletes what the browser says it has: the Origin check covers it.

What the bot sends to a session (its replies, an administrator's answer, a flood notice) goes
through the outbox like every channel's; ``transmit`` puts it in the session's inbox
(``web_inbox``), where it waits, panel open or not, until the browser has it; then it is deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels import web_guard as guard
from bot.channels.base import Channel, Inbound, Pipeline
from bot.outbox import SendFailed
from handlers import feedback
from handlers.messages import Incoming, Reply
from handlers.texts import t

log = logging.getLogger(__name__)

ROOT = "/webchat/"
API = "/webchat/api/"
STATIC = Path(__file__).with_name("web_static")
MAX_TEXT = 2000  # characters in one message (the text field's maxlength too)
MAX_ACTION = 64  # an option's action fits Telegram's callback data: no longer on the web either
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
POLL_SECONDS = 25.0  # a long poll's wait: under the usual proxies' 30-60 s idle timeouts
LANGS = ("vi", "en")


def render(reply: Reply) -> dict[str, Any]:
    """A reply as the widget shows it: paragraphs of text, options as buttons (no files on the web)."""
    return {"text": reply.text.strip() or reply.notice, "status": reply.status, "lang": reply.lang,
            "options": [{"label": o.label, "action": o.action, "row": o.row} for o in reply.options]}


def csp(frame_ancestors: str) -> str:
    """The demo page's policy: the bot's own script, stylesheet and API, nothing else."""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            f"base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors}")


class WebChannel(Channel):
    name = "web"
    webhook_only = True

    def __init__(self, pipeline: Pipeline, settings: Any, *, webhook: bool = False,
                 poll_seconds: float = POLL_SECONDS):
        super().__init__(pipeline)
        self.origins = guard.Origins(guard.parse_origins(settings.WEBCHAT_ALLOWED_ORIGINS))
        self.per_address = guard.RateLimit(settings.WEBCHAT_IP_REQUESTS_PER_MINUTE)
        self.poll_seconds = poll_seconds
        self._waiters: dict[str, asyncio.Event] = {}
        self._closing = False
        self._files = {name: (STATIC / name).read_bytes()
                       for name in ("widget.js", "widget.css", "index.html")}

    # -- receiving -------------------------------------------------------------------------------
    def routes(self) -> dict:
        return {API + "start": self._api(self._start), API + "message": self._api(self._message),
                API + "feedback": self._api(self._feedback),
                API + "messages": self._api(self._poll, fresh=False)}

    def get_routes(self) -> dict:
        return {ROOT: self._page, ROOT + "widget.js": self._asset("widget.js", "application/javascript"),
                ROOT + "widget.css": self._asset("widget.css", "text/css")}

    def _api(self, handler: Any, fresh: bool = True) -> Any:
        """The checks every API call passes first: origin, the address's budget; then ``handler``
        with the session (``fresh``: a new one, cookie set, when the browser has none; else 401)
        and the origin to answer with CORS. A refusal is a 4xx with a short JSON reason, never a
        traceback."""

        async def route(request: web.Request) -> web.StreamResponse:
            origin: str | None = None
            try:
                origin = self.origins.check(request, required=True)
                if not self.per_address.allow(guard.client_address(request)):
                    log.info("web chat: an address is over its request budget")
                    raise guard.Refused(429, "too many requests; wait a minute")
                sid, new = guard.session_of(request), False
                if sid is None:
                    if not fresh:
                        raise guard.Refused(401, "no session")
                    sid, new = guard.new_session(), True
                response = await handler(request, sid, new)
                if new:
                    guard.set_session_cookie(response, request, sid)
            except guard.Refused as exc:
                response = web.json_response({"error": exc.reason}, status=exc.status)
                if exc.status == 429:
                    response.headers["Retry-After"] = "30"
                if origin is None and exc.reason == "origin not allowed":
                    origin = request.headers["Origin"]  # so the page can say why; it holds nothing else
            except Exception:
                log.exception("web chat: error while answering %s", request.path)
                response = web.json_response({"error": "server error; try again"}, status=500)
            response.headers["Cache-Control"] = "no-store"
            return guard.cors(response, origin)

        return route

    def _inbound(self, sid: str, body: dict[str, Any], **fields: Any) -> Inbound:
        client_id = body.get("id")
        valid = isinstance(client_id, str) and CLIENT_ID.fullmatch(client_id)
        event_id = f"{sid}:{client_id}" if valid else ""
        lang = body.get("lang") if body.get("lang") in LANGS else None
        return Inbound(sid, lang=lang, event_id=event_id, **fields)

    async def _start(self, request: web.Request, sid: str, new: bool) -> web.Response:
        body = await guard.read_json(request)
        if body.get("welcome") is True:
            await self.pipeline.handle(self, self._inbound(sid, body, text="/start"))
        return web.json_response({"ok": True, "new": new})

    async def _message(self, request: web.Request, sid: str, new: bool) -> web.Response:
        body = await guard.read_json(request)
        action = guard.text_field(body, "action", MAX_ACTION)
        text = guard.text_field(body, "text", MAX_TEXT)
        if action is not None:
            if not action or len(action) > MAX_ACTION:
                raise guard.Refused(400, "bad option")
            inbound = self._inbound(sid, body, action=action)
        elif text is not None and len(text) > MAX_TEXT:
            lang = await self.pipeline.language_of(self, self._inbound(sid, body))
            await self.send_text(sid, t("msg_too_long", lang, max=str(MAX_TEXT)))
            return web.json_response({"ok": True, "too_long": True})
        else:
            inbound = self._inbound(sid, body, text=text or "")  # empty: the polite "please type"
        await self.pipeline.handle(self, inbound)
        return web.json_response({"ok": True})

    async def _feedback(self, request: web.Request, sid: str, new: bool) -> web.Response:
        """The form's three fields, checked here (a 400 names the field), then given to the /gopy
        flow step by step under the person's lock, so it is stored, numbered and announced to the
        administrators exactly as on the other channels; only its last reply (the code) is shown."""
        body = await guard.read_json(request)
        text = (guard.text_field(body, "text", feedback.MAX_TEXT) or "").strip()
        name = (guard.text_field(body, "name", feedback.MAX_NAME) or "").strip()
        email = (guard.text_field(body, "email", 254) or "").strip()
        if not text or len(text) > feedback.MAX_TEXT:
            raise guard.Refused(400, f"text: 1 to {feedback.MAX_TEXT} characters")
        if len(name) > feedback.MAX_NAME:
            raise guard.Refused(400, f"name: at most {feedback.MAX_NAME} characters")
        if email and not feedback.EMAIL.match(email):
            raise guard.Refused(400, "email: not an e-mail address")
        inbound = self._inbound(sid, body, text=text)
        if inbound.event_id and not await self.pipeline.is_new(self.name, inbound.event_id):
            return web.json_response({"ok": True})
        skip = Incoming(self.name, sid, action="fb:skip")
        steps = [Incoming(self.name, sid, text="/gopy", lang=inbound.lang),
                 Incoming(self.name, sid, text=text),
                 Incoming(self.name, sid, text=name) if name else skip,
                 Incoming(self.name, sid, text=email) if email else skip,
                 Incoming(self.name, sid, action="fb:send")]
        async with self.pipeline.locks.hold((self.name, sid)):
            if self.pipeline.flood.check(f"{self.name}:{sid}") != "ok":
                raise guard.Refused(429, "too many messages; wait a moment")
            reply: Reply | None = None
            for step in steps:
                reply = await self.pipeline.router.handle(step)
                if reply.deliveries:
                    await self.pipeline.outbound.deliver(reply)
                if reply.notice:
                    break
            assert reply is not None
            await self.send(inbound, reply)
        return web.json_response({"ok": True, "ref": reply.notice or None})

    async def _poll(self, request: web.Request, sid: str, new: bool) -> web.Response:
        """What waits for the session after ``after`` (which the browser has: deleted), or, when
        nothing does, whatever arrives within the poll's wait."""
        after = (await guard.read_json(request)).get("after", 0)
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            raise guard.Refused(400, "after: a sequence number")
        storage = await self.pipeline.router.storage.open()
        waiter = self._waiters.setdefault(sid, asyncio.Event())
        messages = await storage.web_take(self.name, sid, after)
        if not messages and not self._closing:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(waiter.wait(), self.poll_seconds)
            messages = await storage.web_take(self.name, sid, after)
        if self._waiters.get(sid) is waiter:
            del self._waiters[sid]
        return web.json_response({"messages": [{"seq": seq, **op} for seq, op in messages]})

    async def _page(self, request: web.Request) -> web.Response:
        response = web.Response(body=self._files["index.html"], content_type="text/html", charset="utf-8")
        response.headers["Content-Security-Policy"] = csp(self.origins.frame_ancestors())
        return secure_headers(response)

    def _asset(self, name: str, content_type: str) -> Any:
        async def route(request: web.Request) -> web.Response:
            response = web.Response(body=self._files[name], content_type=content_type, charset="utf-8")
            response.headers["Cache-Control"] = "public, max-age=300"
            response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # portals load it
            response.enable_compression()
            return secure_headers(response)

        return route

    async def run(self, stop: asyncio.Event) -> int:
        log.info("web chat at %s (widget %swidget.js)", ROOT, ROOT)
        await stop.wait()
        self._closing = True  # open polls answer now, so the server stops without waiting for them
        for waiter in self._waiters.values():
            waiter.set()
        return 0

    # -- sending ---------------------------------------------------------------------------------
    async def send(self, event: Inbound, reply: Reply) -> None:
        await self.post(event.address, [render(reply)])

    async def transmit(self, address: str, op: dict) -> None:
        """Into the session's inbox (which only a disk problem can refuse: then the outbox retries)."""
        try:
            await (await self.pipeline.router.storage.open()).web_put(self.name, address, op)
        except Exception as exc:
            raise SendFailed("retry", f"web inbox: {exc}") from exc
        waiter = self._waiters.get(address)
        if waiter is not None:
            waiter.set()


def secure_headers(response: web.Response) -> web.Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
