"""`make bench` (Telegram part): the whole Telegram pipeline in-process, storage on.

Updates go through python-telegram-bot's Application exactly as in production (update → handler
→ pipeline → router → matcher → SQLite → Bot API call); only the HTTP layer is a fake that answers
at once (the tests' own, tests/bot/fakes/telegram.py), so the figures measure this bot, not the
network. Targets: ≥ 300 updates/s (ten times Telegram's own send limit of 30 messages a second;
it was 500 before the learned answer model, which costs a few milliseconds a question), p99 ≤ 20 ms,
and a burst of 1,000 distinct users within one second all answered, none dropped.

    python bench/bench_telegram.py [--updates N] [--skip-limited]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402

from bot.channels.base import Pipeline  # noqa: E402
from bot.channels.telegram import RateLimiter, TelegramChannel  # noqa: E402
from bot.runner import flood_guard  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import Storage  # noqa: E402
from handlers.router import Router  # noqa: E402
from knowledge.loader import DEFAULT_DIR, load_dir  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402
from tests.bot.fakes.telegram import TOKEN, FakeRequest, callback, message  # noqa: E402

QUESTIONS = [
    "ai chủ trì kế hoạch 119", "Kế hoạch 119 ban hành ngày nào?", "giá vàng hôm nay", "Xin chào",
    "kieu bao dong gop gi cho tinh", "doanh nghiệp được hỗ trợ gì", "Who is in charge of Plan 119?",
    "mục tiêu của kế hoạch là gì", "cam on", "sở kế hoạch và đầu tư bây giờ ở đâu",
]


class Answers:
    """What the tests' fake Bot API answered, per chat: how many messages, and when the first."""

    def __init__(self, request: FakeRequest):
        self.sent: dict[int, int] = {}
        self.first_sent_at: dict[int, float] = {}
        self.request = request
        request.on_call = self._seen

    def _seen(self, method: str, params: dict) -> None:
        if method in ("sendMessage", "editMessageText"):
            chat = int(params["chat_id"])
            self.sent[chat] = self.sent.get(chat, 0) + 1
            self.first_sent_at.setdefault(chat, time.perf_counter())

    @property
    def calls(self) -> int:
        return len(self.request.calls)


async def make(kb, matcher, db: Path, limited: bool):
    storage = Storage(db)
    router = Router(kb, matcher, storage)
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, FLOOD_MAX_MESSAGES=0)
    request = FakeRequest()
    limiter = RateLimiter() if limited else None
    channel = TelegramChannel(Pipeline(router, flood_guard(settings)), settings, request=request,
                              rate_limiter=limiter, webhook=True)  # no updater: updates are fed here
    app = channel.app
    await storage.open()
    await app.initialize()
    return app, Answers(request), router


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def throughput(kb, matcher, tmp: Path, n: int) -> dict:
    """One update after another through Application.process_update: rate and per-update latency."""
    app, request, router = await make(kb, matcher, tmp / "throughput.sqlite3", limited=False)
    topics = [f"topic:{t.id}" for t in kb.topics_in_order()]

    def update(i: int) -> Update:
        user = 10_000 + i % 500
        if i % 5 == 4:
            data = callback(topics[i % len(topics)], user_id=user, message_id=1, text="x")
        else:
            data = message(QUESTIONS[i % len(QUESTIONS)], user_id=user)
        return Update.de_json(data, app.bot)

    for warm in [update(i) for i in range(200)]:  # warm-up, with update ids of its own
        await app.process_update(warm)
    updates = [update(i) for i in range(n)]
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
        await app.update_queue.put(Update.de_json(message(QUESTIONS[i % len(QUESTIONS)], user_id=user), app.bot))
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
              f"max {t['max']:.1f} ms   [target ≥ 300/s, p99 ≤ 20 ms]")
        ok &= t["per_s"] >= 300 and t["p99"] <= 20
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
