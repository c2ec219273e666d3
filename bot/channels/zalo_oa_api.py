"""The Zalo Official Account API: the webhook's signature and events, PKCE, the OAuth token
endpoint and the consultation-message call.

- Webhook: ``X-ZEvent-Signature: mac=<hex sha256(app_id + raw body + timestamp + OA secret key)>``
  (a plain SHA-256 of the concatenation, not an HMAC), ``timestamp`` being the event's own field.
- OAuth v4 with PKCE: ``{OAUTH}/v4/oa/permission`` in the browser, then ``POST
  {OAUTH}/v4/oa/access_token`` (form-encoded, header ``secret_key``) for a code or a refresh token.
- Sending: ``POST {API}/v3.0/oa/message/cs`` with header ``access_token``; errors come in the body
  (``error`` ≠ 0), not in the HTTP status.

Tokens travel in headers and bodies only, never in a URL, and never in what this module logs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.storage.zalo_oa import TokenPair

SIGNATURE_HEADER = "X-ZEvent-Signature"
CS_PATH = "/v3.0/oa/message/cs"
TOKEN_PATH = "/v4/oa/access_token"
PERMISSION_PATH = "/v4/oa/permission"
TOKEN_ERRORS = frozenset({-216, -124})  # invalid / expired access token: refresh, then once more
OUT_OF_WINDOW = -230  # no interaction for 7 days: Zalo will not deliver a consultation message
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
TEXT_EVENTS = frozenset({"user_send_text", "anonymous_send_text"})
OTHER_USER_EVENTS = frozenset({
    "user_send_image", "user_send_sticker", "user_send_file", "user_send_location", "user_send_audio",
    "user_send_video", "user_send_gif", "user_send_link", "user_send_business_card",
    "anonymous_send_image", "anonymous_send_file", "anonymous_send_sticker"})


class OAError(Exception):
    """A failed call. ``code``: Zalo's ``error`` or the HTTP status; None for a network error."""

    def __init__(self, what: str, code: int | None, description: str, maybe_sent: bool = False):
        super().__init__(f"{what}: {code if code is not None else 'network'} {description}".strip())
        self.code = code
        self.maybe_sent = maybe_sent  # the request went out and no answer came


class TokenError(OAError):
    """The token endpoint refused or answered something that is not a token pair."""


# -- the webhook ---------------------------------------------------------------------------------
def signature(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


def signature_matches(header: str | None, app_id: str, body: bytes, timestamp: str, secret_key: str) -> bool:
    """Constant time; a missing header, timestamp or key never matches."""
    if not header or not timestamp or not secret_key or not app_id:
        return False
    given = header.strip()
    if given.lower().startswith("mac="):
        given = given[4:].strip()
    expected = signature(app_id, body, timestamp, secret_key)
    return hmac.compare_digest(given.lower().encode(), expected.encode())


@dataclass(frozen=True)
class OAEvent:
    """One webhook event, reduced to what the bot needs. ``kind``: "text", "non_text", "follow",
    "unfollow", or "ignored" (our own echoes, events the bot does not answer)."""

    kind: str
    event_name: str
    user_id: str = ""
    text: str = ""
    msg_id: str = ""
    timestamp_ms: int = 0
    anonymous: bool = False  # someone writing without following: answered by conversation
    conversation_id: str = ""


def parse_event(body: Any) -> OAEvent | None:
    """None for a body that is not an event at all (not an object, no event name)."""
    if not isinstance(body, dict) or not isinstance(body.get("event_name"), str):
        return None
    name = body["event_name"]
    stamp = str(body.get("timestamp") or "")
    timestamp_ms = int(stamp) if stamp.isdigit() else 0
    sender = body.get("sender") if isinstance(body.get("sender"), dict) else {}
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    user_id = str(sender.get("id") or "")
    msg_id = str(message.get("msg_id") or "")
    anonymous = name.startswith("anonymous_")
    conversation = str(message.get("conversation_id") or "") if anonymous else ""
    if name in ("follow", "unfollow"):
        follower = body.get("follower") if isinstance(body.get("follower"), dict) else sender
        return OAEvent(name, name, str(follower.get("id") or ""), timestamp_ms=timestamp_ms)
    if name in TEXT_EVENTS:
        text = message.get("text")
        kind = "text" if isinstance(text, str) and text.strip() else "non_text"
        return OAEvent(kind, name, user_id, text if kind == "text" else "", msg_id, timestamp_ms, anonymous,
                       conversation)
    if name in OTHER_USER_EVENTS:
        return OAEvent("non_text", name, user_id, "", msg_id, timestamp_ms, anonymous, conversation)
    return OAEvent("ignored", name, user_id, msg_id=msg_id, timestamp_ms=timestamp_ms)


# -- OAuth with PKCE -----------------------------------------------------------------------------
def new_verifier() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def code_challenge(verifier: str) -> str:
    """Base64url, unpadded, of the verifier's SHA-256 (S256), as Zalo's SDK makes it."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def permission_url(oauth_url: str, app_id: str, redirect_uri: str, verifier: str, state: str) -> str:
    query = urlencode({"app_id": app_id, "redirect_uri": redirect_uri,
                       "code_challenge": code_challenge(verifier), "state": state})
    return f"{oauth_url.rstrip('/')}{PERMISSION_PATH}?{query}"


class OAClient:
    """HTTP calls to the OAuth and OA servers; raises OAError / TokenError, never logs a token."""

    def __init__(self, app_id: str, app_secret: str, api_url: str, oauth_url: str, *, timeout: float = 15.0,
                 clock: Any = time.time):
        self.app_id = app_id
        self.app_secret = app_secret
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.clock = clock
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))

    async def close(self) -> None:
        await self.client.aclose()

    async def exchange_code(self, code: str, verifier: str) -> TokenPair:
        return await self._token({"app_id": self.app_id, "code": code, "grant_type": "authorization_code",
                                  "code_verifier": verifier})

    async def refresh(self, refresh_token: str) -> TokenPair:
        return await self._token({"app_id": self.app_id, "refresh_token": refresh_token,
                                  "grant_type": "refresh_token"})

    async def _token(self, form: dict[str, str]) -> TokenPair:
        what = f"token ({form['grant_type']})"
        try:
            resp = await self.client.post(f"{self.oauth_url}{TOKEN_PATH}", data=form,
                                          headers={"secret_key": self.app_secret})
        except httpx.HTTPError as exc:
            raise TokenError(what, None, type(exc).__name__,
                             maybe_sent=not isinstance(exc, NOT_SENT)) from None
        body = _json(resp)
        if isinstance(body, dict) and body.get("access_token") and body.get("refresh_token"):
            try:
                expires_in = float(body.get("expires_in") or 0)  # sent as a string
            except (TypeError, ValueError):
                expires_in = 0.0
            if expires_in <= 0:
                raise TokenError(what, resp.status_code, "no usable expires_in in the answer")
            return TokenPair(str(body["access_token"]), str(body["refresh_token"]), self.clock() + expires_in)
        if isinstance(body, dict) and body.get("error") not in (None, 0, "0"):
            raise TokenError(what, _int(body.get("error")), _describe(body))
        raise TokenError(what, resp.status_code, "the answer is not a token pair")

    async def send_cs(self, access_token: str, recipient: dict[str, str], text: str) -> dict:
        """One consultation message; the answer's ``data`` on success."""
        try:
            resp = await self.client.post(f"{self.api_url}{CS_PATH}", headers={"access_token": access_token},
                                          json={"recipient": recipient, "message": {"text": text}})
        except httpx.HTTPError as exc:
            raise OAError("message/cs", None, type(exc).__name__,
                          maybe_sent=not isinstance(exc, NOT_SENT)) from None
        body = _json(resp)
        if resp.status_code >= 500 or not isinstance(body, dict) or "error" not in body:
            raise OAError("message/cs", resp.status_code if resp.status_code >= 400 else 502,
                          f"HTTP {resp.status_code}, no OA answer")
        code = _int(body.get("error"))
        if code != 0:
            raise OAError("message/cs", code, _describe(body))
        return body.get("data") if isinstance(body.get("data"), dict) else {}


def _json(resp: httpx.Response) -> Any:
    try:
        return json.loads(resp.content)
    except ValueError:
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _describe(body: dict) -> str:
    """Zalo's words for an error, one line, short (an answer never echoes a token back to us)."""
    text = str(body.get("message") or body.get("error_description") or body.get("error_name") or "")
    return " ".join(text.split())[:200]
