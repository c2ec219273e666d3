"""`make bench` (Telegram part): the whole Telegram pipeline in-process, storage on.

Updates go through python-telegram-bot's Application exactly as in production (update → handler
→ router → matcher → SQLite → Bot API call); only the HTTP layer is a fake that answers at once,
so the figures measure this bot, not the network. Targets: ≥ 500 updates/s, p99 ≤ 20 ms, and a
burst of 1,000 distinct users within one second all answered, none dropped.

    python bench/bench_telegram.py [--updates N] [--skip-limited]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.request import BaseRequest  # noqa: E402

from bot.settings import Settings  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.telegram import RetryingRateLimiter, TelegramBot  # noqa: E402
from handlers.router import Router  # noqa: E402
from knowledge.loader import DEFAULT_DIR, load_dir  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402

TOKEN = "1000:bench"
BOT = {"id": 1000, "is_bot": True, "first_name": "bench", "username": "bench_bot"}
QUESTIONS = [
    "ai chủ trì kế hoạch 119", "Kế hoạch 119 ban hành ngày nào?", "giá vàng hôm nay", "Xin chào",
    "kieu bao dong gop gi cho tinh", "doanh nghiệp được hỗ trợ gì", "Who is in charge of Plan 119?",
    "mục tiêu của kế hoạch là gì", "cam on", "sở kế hoạch và đầu tư bây giờ ở đâu",
]


class InstantRequest(BaseRequest):
    """Answers every Bot API call at once; counts messages per chat."""

    def __init__(self) -> None:
        self.sent: dict[int, int] = {}
        self.first_sent_at: dict[int, float] = {}
        self.calls = 0
        self._ids = itertools.count(1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def do_request(self, url, method, request_data=None, read_timeout=None, write_timeout=None,
                         connect_timeout=None, pool_timeout=None):
        self.calls += 1
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        if endpoint == "getMe":
            result: object = BOT
        elif endpoint in ("sendMessage", "editMessageText"):
            chat = int(params["chat_id"])
            self.sent[chat] = self.sent.get(chat, 0) + 1
            self.first_sent_at.setdefault(chat, time.perf_counter())
            result = {"message_id": next(self._ids), "date": 0, "chat": {"id": chat, "type": "private"},
                      "text": params.get("text", "")}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


def text_update(update_id: int, user_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": text,
        "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "u", "language_code": "vi"}}}


def callback_update(update_id: int, user_id: int, data: str) -> dict:
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "chat_instance": "c", "data": data,
        "from": {"id": user_id, "is_bot": False, "first_name": "u", "language_code": "vi"},
        "message": {"message_id": 1, "date": 0, "text": "x", "chat": {"id": user_id, "type": "private"}}}}


async def make(kb, matcher, db: Path, limited: bool):
    storage = Storage(db)
    router = Router(kb, matcher, storage)
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, FLOOD_MAX_MESSAGES=0)
    request = InstantRequest()
    limiter = RetryingRateLimiter() if limited else None
    app = TelegramBot(router, settings).build(request=request, rate_limiter=limiter, updater=False)
    await storage.open()
    await app.initialize()
    return app, request, router


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def throughput(kb, matcher, tmp: Path, n: int) -> dict:
    """One update after another through Application.process_update: rate and per-update latency."""
    app, request, router = await make(kb, matcher, tmp / "throughput.sqlite3", limited=False)
    topics = [f"topic:{t.id}" for t in kb.topics_in_order()]
    updates = []
    for i in range(n):
        user = 10_000 + i % 500
        if i % 5 == 4:
            data = callback_update(i + 1, user, topics[i % len(topics)])
        else:
            data = text_update(i + 1, user, QUESTIONS[i % len(QUESTIONS)])
        updates.append(Update.de_json(data, app.bot))
    for update in updates[:200]:  # warm-up
        await app.process_update(update)
    times = []
    started = time.perf_counter()
    for update in updates:
        t0 = time.perf_counter()
        await app.process_update(update)
        times.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    await app.shutdown()
    await router.close()
    return {"updates": n, "per_s": n / elapsed, "p50": pct(times, 0.5), "p99": pct(times, 0.99),
            "max": max(times), "calls": request.calls}


async def burst(kb, matcher, tmp: Path, users: int, limited: bool) -> dict:
    """``users`` distinct people each send one question within one second, through the running
    Application's update queue (concurrent processing, as in production)."""
    app, request, router = await make(kb, matcher, tmp / f"burst-{limited}.sqlite3", limited=limited)
    await app.start()
    sent_at: dict[int, float] = {}
    gap = 1.0 / users
    started = time.perf_counter()
    for i in range(users):
        user = 50_000 + i
        sent_at[user] = time.perf_counter()
        await app.update_queue.put(Update.de_json(text_update(10**6 + i, user, QUESTIONS[i % len(QUESTIONS)]),
                                                  app.bot))
        target = started + (i + 1) * gap
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    arrival = time.perf_counter() - started
    deadline = time.perf_counter() + 120
    while len(request.sent) < users and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    done = time.perf_counter() - started
    await app.stop()
    await app.shutdown()
    await router.close()
    latencies = [(request.first_sent_at[u] - t) * 1000 for u, t in sent_at.items() if u in request.first_sent_at]
    answered = sum(1 for u in sent_at if request.sent.get(u))
    return {"users": users, "arrival_s": arrival, "answered": answered, "dropped": users - answered,
            "all_done_s": done, "p50": pct(latencies, 0.5) if latencies else 0,
            "p99": pct(latencies, 0.99) if latencies else 0}


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--updates", type=int, default=5000)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--skip-limited", action="store_true", help="skip the burst under Telegram's rate limits")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    kb = load_dir(DEFAULT_DIR)
    matcher = Matcher(kb)
    ok = True
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        t = await throughput(kb, matcher, tmp, args.updates)
        print(f"Telegram pipeline, one update at a time ({t['updates']} updates: questions and buttons, "
              f"storage on): {t['per_s']:.0f} updates/s, p50 {t['p50']:.2f} ms, p99 {t['p99']:.2f} ms, "
              f"max {t['max']:.1f} ms   [target ≥ 500/s, p99 ≤ 20 ms]")
        ok &= t["per_s"] >= 500 and t["p99"] <= 20
        b = await burst(kb, matcher, tmp, args.users, limited=False)
        print(f"Burst, {b['users']} distinct users within {b['arrival_s']:.2f} s (no rate limiter): "
              f"{b['answered']} answered, {b['dropped']} dropped, all done after {b['all_done_s']:.2f} s; "
              f"time to answer p50 {b['p50']:.1f} ms, p99 {b['p99']:.1f} ms")
        ok &= b["dropped"] == 0
        if not args.skip_limited:
            b = await burst(kb, matcher, tmp, args.users, limited=True)
            print(f"Burst, {b['users']} distinct users within {b['arrival_s']:.2f} s, with Telegram's limits "
                  f"(AIORateLimiter, 30 messages/s): {b['answered']} answered, {b['dropped']} dropped, "
                  f"all done after {b['all_done_s']:.1f} s")
            ok &= b["dropped"] == 0
    print("Telegram targets met." if ok else "Telegram targets NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
