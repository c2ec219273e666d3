"""What the web chat checks before a browser's request reaches the bot.

A web page can be scripted by anyone, so unlike a platform's webhook every request is suspect:
the session cookie must be one we could have issued (a random id, else a new session), a POST
must come from the bot's own origin or one of ``WEBCHAT_ALLOWED_ORIGINS`` (with the SameSite
cookie, that makes it CSRF-safe), bodies are capped before they are parsed, and each address
has a request budget whatever sessions it juggles.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.channels import webinput

COOKIE = "webchat_sid"
SESSION = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24)
COOKIE_AGE = 30 * 86400  # a returning reader keeps their conversation (retention still applies)
MAX_BODY = 16 * 1024  # a message is at most a few KB of UTF-8; a 100,000-character paste is refused


class Refused(Exception):
    """A request answered with a 4xx and a short reason, nothing in it handled."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def new_session() -> str:
    return secrets.token_urlsafe(24)


def session_of(request: web.Request) -> str | None:
    """The session the cookie names, if it has the shape of one we issue (a forged one does not count)."""
    sid = request.cookies.get(COOKIE, "")
    return sid if SESSION.fullmatch(sid) else None


def is_https(request: web.Request) -> bool:
    """Behind the reverse proxy (deploy/Caddyfile) the bot sees plain HTTP with X-Forwarded-Proto."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def own_origin(request: web.Request) -> str:
    return f"{'https' if is_https(request) else 'http'}://{request.host}"


def set_session_cookie(response: web.StreamResponse, request: web.Request, sid: str) -> None:
    """HttpOnly and SameSite=Lax; over HTTPS also Secure, and SameSite=None when an allowed portal
    on another site embeds the chat (a Lax cookie would not be sent from there; the Origin check
    keeps it CSRF-safe)."""
    https = is_https(request)
    origin = request.headers.get("Origin")
    cross = https and origin is not None and origin != own_origin(request)
    response.set_cookie(COOKIE, sid, max_age=COOKIE_AGE, path="/webchat/", httponly=True,
                        secure=https, samesite="None" if cross else "Lax")


def parse_origins(raw: str) -> frozenset[str]:
    return frozenset(o.strip().rstrip("/").lower() for o in raw.split(",") if o.strip())


class Origins:
    """Who may call the API from a browser: the bot's own origin and the listed portals."""

    def __init__(self, allowed: frozenset[str]):
        self.allowed = allowed

    def check(self, request: web.Request, *, required: bool) -> str | None:
        """The allowed other origin to answer with CORS headers, or None for our own; ``Refused``
        (403) for any other, or for a missing Origin when ``required`` (a POST)."""
        origin = request.headers.get("Origin")
        if origin is None:
            if required:
                raise Refused(403, "missing Origin")
            return None
        origin = origin.rstrip("/").lower()
        if origin == own_origin(request).lower():
            return None
        if origin in self.allowed:
            return origin
        raise Refused(403, "origin not allowed")

    def frame_ancestors(self) -> str:
        return " ".join(["'self'", *sorted(self.allowed)])


def cors(response: web.StreamResponse, origin: str | None) -> web.StreamResponse:
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
    return response


def client_address(request: web.Request) -> str:
    """The caller's address; behind a proxy on this machine, the one it reports (its last hop)."""
    remote = request.remote or "?"
    forwarded = request.headers.get("X-Forwarded-For", "")
    try:
        local = ipaddress.ip_address(remote).is_loopback
    except ValueError:
        local = False
    if local and forwarded:
        return forwarded.split(",")[-1].strip()[:64] or remote
    return remote


class RateLimit:
    """At most ``limit`` hits per ``window`` seconds per key (a sliding window); the oldest keys are
    forgotten past ``max_keys`` so a spread of addresses cannot grow it without end."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        now = self.clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        self._hits[key] = hits
        if len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


async def read_json(request: web.Request, limit: int = MAX_BODY) -> dict[str, Any]:
    """The body as a JSON object; ``Refused`` past ``limit`` bytes (413), nested too deep, not JSON
    or not an object (400)."""
    if (request.content_length or 0) > limit:
        raise Refused(413, "message too large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16384):
        size += len(chunk)
        if size > limit:
            raise Refused(413, "message too large")
        chunks.append(chunk)
    try:
        body = webinput.loads(b"".join(chunks), max_depth=4)
    except webinput.Refused as exc:
        raise Refused(400, exc.reason) from exc
    except ValueError as exc:
        raise Refused(400, "body is not JSON") from exc
    if not isinstance(body, dict):
        raise Refused(400, "body is not a JSON object")
    return body


def text_field(body: dict[str, Any], name: str, limit: int) -> str | None:
    """A string field, made storable; ``Refused`` (400) if it is there but not a string."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refused(400, f"{name} must be a string")
    return (webinput.clean(value) or "")[: limit + 1]  # one over: the caller sees it was too long
