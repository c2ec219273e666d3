"""The bot's Prometheus metrics, in one registry of their own, served at ``GET /metrics``.

One registry rather than prometheus-client's global one: only what is defined here is exposed (no
process collectors registered behind our back), and a test can read exactly these. The names are
a contract with the dashboards and alerts; change them only together.

A leaf module (prometheus-client and the knowledge base's fingerprint): the pipeline, the outbox
and the web server all count into it without importing each other.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from knowledge.model import KnowledgeBase
from knowledge.overlay import fingerprint

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

# the pipeline: one per update, ``outcome`` the reply's status (answer, clarify, fallback,
# smalltalk, info, …), a fixed notice (``notice``), or ``duplicate``, ``flood``, ``error``
UPDATES = Counter("bot_updates", "Updates handled, by channel and outcome.", ["channel", "outcome"],
                  registry=REGISTRY)
REPLY_SECONDS = Histogram("bot_reply_seconds", "From receiving an update to its reply being handed to "
                          "sending.", ["channel"], registry=REGISTRY,
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
MATCH_SECONDS = Histogram("bot_match_seconds", "Answering a question from the knowledge base (the "
                          "matcher and the reply built from its result).", registry=REGISTRY,
                          buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1))
# the outbox (set by the sending side)
OUTBOX_PENDING = Gauge("bot_outbox_pending", "Messages waiting in the outbox.", registry=REGISTRY)
OUTBOX_GIVEN_UP = Counter("bot_outbox_given_up", "Messages the outbox stopped retrying.", ["channel"],
                          registry=REGISTRY)
SEND_ERRORS = Counter("bot_send_errors", "Failed attempts to send, by channel and kind of failure.",
                      ["channel", "kind"], registry=REGISTRY)
# the knowledge base answered from
KB_ENTRIES = Gauge("bot_kb_entries", "Entries in the knowledge base answered from.", registry=REGISTRY)
KB_INFO = Info("bot_kb", "The knowledge base answered from: ``version``, a fingerprint of its entries.",
               registry=REGISTRY)

def observe_send(event: str, channel: str) -> None:
    """What the outbox reports: a message given up, or a failed attempt and its kind (retry,
    unsure, refused, bug)."""
    if event == "given_up":
        OUTBOX_GIVEN_UP.labels(channel).inc()
    else:
        SEND_ERRORS.labels(channel, event).inc()


_observed: list[KnowledgeBase] = []  # the knowledge base last described, to skip unchanged ones


def kb_version(kb: KnowledgeBase) -> str:
    """A short fingerprint of every entry's content: the same files and chat edits give the same
    version on every machine, and any change (an edit in the chat, a reload) gives a new one."""
    digest = hashlib.sha256()
    for entry_id in sorted(kb.entries):
        digest.update(f"{entry_id}={fingerprint(kb.entries[entry_id])};".encode())
    return digest.hexdigest()[:16]


def observe_kb(kb: KnowledgeBase) -> None:
    """``bot_kb_entries`` and ``bot_kb_info`` for ``kb``; cheap when it is the one seen last."""
    if _observed and _observed[0] is kb:
        return
    KB_ENTRIES.set(len(kb.entries))
    KB_INFO.info({"version": kb_version(kb)})
    _observed[:] = [kb]


# -- who may read them ---------------------------------------------------------------------------
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def allowed(request: web.Request, token: str) -> bool:
    """A request carrying a token must carry METRICS_TOKEN (compared in constant time); one without
    must come from this machine and not through a proxy (which would make anyone look local)."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, given = header.partition(" ")
        return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode("utf-8", "surrogateescape"), token.encode())  # any bytes: no 500
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.remote or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:  # a dual-stack socket
        address = address.ipv4_mapped
    return address.is_loopback


def route(token: str, before: Callable[[], None] | None = None) -> Callable[[web.Request],
                                                                            Awaitable[web.Response]]:
    """``GET /metrics``: 403 unless ``allowed``; ``before`` refreshes what is read at scrape time."""

    async def metrics(request: web.Request) -> web.Response:
        if not allowed(request, token):
            log.warning("metrics request from %s refused", request.remote)
            return web.Response(status=403, text="forbidden")
        if before is not None:
            try:
                before()
            except Exception:
                log.warning("refreshing the metrics failed", exc_info=True)
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
