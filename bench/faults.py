"""`make faults`: the bot under platform faults, against a fake Bot API over real HTTP on 127.0.0.1.

In each scenario 40 people ask a question while the fault lasts; afterwards we count who got an
answer, how many messages arrived twice, and how many apologies were sent. Scenarios:

- sendMessage answers 5xx for 30 s;
- sendMessage is carried out, but its answer comes after the bot's read timeout, for 30 s;
- 429 with retry_after=5 for 20 s;
- the bot process killed with kill -9 while its replies wait in the outbox, then restarted;
- the same webhook update posted twice;
- after /xoadulieu, a unique marker the person typed (questions, feedback, a name; answered,
  dismissed and quoted by administrators, waiting in the outbox) searched for in the database files.

    python bench/faults.py [--quick]   (--quick: every fault a quarter as long)
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels.telegram import SECRET_HEADER  # noqa: E402
from bot.runner import run  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage import Storage  # noqa: E402
from handlers.router import Router  # noqa: E402
from handlers.texts import t  # noqa: E402
from knowledge.loader import DEFAULT_DIR, load_dir  # noqa: E402
from knowledge.matcher import Matcher  # noqa: E402
from tests.bot.fakes.bot_api import FakeBotAPI  # noqa: E402
from tests.bot.fakes.telegram import TOKEN, message  # noqa: E402

PEOPLE = 40
QUESTIONS = ["ai chủ trì kế hoạch 119", "Kế hoạch 119 ban hành ngày nào?", "mục tiêu của kế hoạch là gì",
             "doanh nghiệp tham gia thế nào", "kieu bao dong gop gi cho tinh", "Who leads Plan 119?",
             "sở kế hoạch và đầu tư bây giờ ở đâu", "giá vàng hôm nay"]
APOLOGY = t("error", "vi").split("\n")[0][:30]
READ_TIMEOUT = 2.0  # the bot's, in this benchmark; the slow answers take longer


class FaultyBotAPI(FakeBotAPI):
    """The tests' fake Bot API, with one fault on sendMessage for a while."""

    def __init__(self) -> None:
        super().__init__()
        self.fault = ""
        self.until = 0.0

    def start_fault(self, kind: str, seconds: float) -> None:
        self.fault, self.until = kind, time.monotonic() + seconds

    def active(self) -> str:
        return self.fault if time.monotonic() < self.until else ""

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        fault = self.active() if method == "sendMessage" else ""
        if fault == "5xx":
            return web.json_response({"ok": False, "error_code": 503, "description": "Service Unavailable"},
                                     status=503)
        if fault == "429":
            return web.json_response({"ok": False, "error_code": 429, "description": "Too Many Requests",
                                      "parameters": {"retry_after": 5}}, status=429)
        response = await super()._handle(request)
        if fault == "slow":  # carried out and recorded; the answer comes too late
            await asyncio.sleep(READ_TIMEOUT + 1.5)
        return response

    def replies(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for method, params in self.calls:
            if method == "sendMessage" and int(params["chat_id"]) > 0:
                out.setdefault(int(params["chat_id"]), []).append(html.unescape(str(params["text"])))
        return out


def tally(api: FaultyBotAPI, people: list[int]) -> dict[str, int]:
    replies = api.replies()
    answered = sum(1 for p in people if replies.get(p))
    duplicates = sum(n - 1 for p in people for n in Counter(replies.get(p, [])).values() if n > 1)
    apologies = sum(1 for p in people for text in replies.get(p, []) if APOLOGY in text)
    return {"answered": answered, "duplicates": duplicates, "apologies": apologies}


async def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


async def in_process(kind: str, seconds: float, base_id: int, kb, matcher, tmp: Path) -> dict:
    """The bot polling in this process; 40 people ask during the first half of the fault."""
    api = await FaultyBotAPI().start()
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url, FLOOD_MAX_MESSAGES=0,
                        BOT_DB_PATH=str(tmp / f"{kind}.sqlite3"))
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    options = {"telegram": {"poll_timeout": 1, "read_timeout": READ_TIMEOUT}}
    bot = asyncio.create_task(run(router, settings, ["telegram"], stop=stop, signals=False, jobs=False,
                                  options=options))
    await asyncio.sleep(1.0)
    people = [base_id + i for i in range(PEOPLE)]
    started = time.monotonic()
    api.start_fault(kind, seconds)
    for i, person in enumerate(people):
        await api.push(message(QUESTIONS[i % len(QUESTIONS)], user_id=person))
        await asyncio.sleep(seconds / 2 / PEOPLE)
    await wait_until(lambda: tally(api, people)["answered"] == PEOPLE, seconds + 90)
    took = time.monotonic() - started
    await asyncio.sleep(3)  # anything sent twice would come now
    stop.set()
    await bot
    await api.stop()
    return {**tally(api, people), "seconds": round(took, 1)}


async def killed(base_id: int, tmp: Path) -> dict:
    """``python -m bot run`` killed with -9 while its replies wait out a 5xx outage, restarted."""
    api = await FaultyBotAPI().start()
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               BOT_DB_PATH=str(tmp / "killed.sqlite3"), FLOOD_MAX_MESSAGES="0", LOG_LEVEL="WARNING")

    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    people = [base_id + i for i in range(PEOPLE)]
    process = start()
    await wait_until(lambda: "getUpdates" in api.methods(), 60)
    api.start_fault("5xx", 3600)
    for i, person in enumerate(people):
        await api.push(message(QUESTIONS[i % len(QUESTIONS)], user_id=person))
    pending = await wait_until(lambda: outbox_pending(tmp / "killed.sqlite3") >= PEOPLE, 60)
    process.send_signal(signal.SIGKILL)
    process.wait()
    api.start_fault("", 0)
    process = start()
    await wait_until(lambda: tally(api, people)["answered"] == PEOPLE, 90)
    await asyncio.sleep(3)
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    await api.stop()
    return {**tally(api, people), "pending_at_kill": PEOPLE if pending else -1}


def outbox_pending(path: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0])
    except sqlite3.Error:
        return 0


async def webhook_twice(kb, matcher, tmp: Path) -> dict:
    api = await FaultyBotAPI().start()
    settings = Settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url, WEBHOOK_PORT=0,
                        WEBHOOK_URL="https://example.org/telegram", WEBHOOK_SECRET="s3cret-webhook",
                        BOT_DB_PATH=str(tmp / "webhook.sqlite3"))
    router = Router(kb, matcher, Storage(settings.BOT_DB_PATH))
    stop = asyncio.Event()
    servers: list[Any] = []
    bot = asyncio.create_task(run(router, settings, ["telegram"], webhook=True, stop=stop, signals=False,
                                  jobs=False, on_ready=servers.append))
    await wait_until(lambda: bool(servers) and "setWebhook" in api.methods(), 30)
    update = dict(message(QUESTIONS[0], user_id=777), update_id=424242)
    async with aiohttp.ClientSession() as session:
        for _ in range(2):
            async with session.post(f"http://127.0.0.1:{servers[0].port}/telegram", data=json.dumps(update),
                                    headers={SECRET_HEADER: "s3cret-webhook",
                                             "Content-Type": "application/json"}) as resp:
                assert resp.status == 200
    await asyncio.sleep(2)
    stop.set()
    await bot
    await api.stop()
    return {"replies": len(api.replies().get(777, []))}


async def deleted(kb, matcher, tmp: Path) -> dict:
    """The privacy test's scenario, and the bytes of db, -wal and -shm searched for the marker."""
    from tests.handlers.driver import ChatDriver
    from tests.handlers.test_privacy import deleting_leaves_no_byte, leftovers

    chat = ChatDriver(kb, matcher, tmp / "deleted.sqlite3", admin_chat="-100")
    try:
        await deleting_leaves_no_byte(chat)
    except AssertionError as exc:
        print(f"  the deletion scenario failed: {exc}")
    finally:
        await chat.close()
    return {"files_with_the_marker": len(leftovers(chat.db_path))}


async def main(quick: bool) -> None:
    logging.basicConfig(level=logging.ERROR)
    scale = 0.25 if quick else 1.0
    kb = load_dir(DEFAULT_DIR)
    matcher = Matcher(kb)
    results: list[tuple[str, str, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        for n, (kind, seconds, label, target) in enumerate([
                ("5xx", 30, "sendMessage 5xx for {s:.0f} s", "40/40 answered, 0 duplicates, 0 apologies"),
                ("slow", 30, "answers past the read timeout for {s:.0f} s", "0 duplicates, 40/40 delivered"),
                ("429", 20, "429 retry_after=5 for {s:.0f} s", "40/40 answered")]):
            result = await in_process(kind, seconds * scale, 1000 * (n + 1), kb, matcher, path)
            results.append((label.format(s=seconds * scale), target, result))
            print(f"  {results[-1][0]}: {result}", flush=True)
        result = await killed(9000, path)
        results.append(("kill -9 with replies pending, restart", "all delivered, 0 duplicates", result))
        print(f"  {results[-1][0]}: {result}", flush=True)
        result = await webhook_twice(kb, matcher, path)
        results.append(("the same webhook update posted twice", "one reply", result))
        result = await deleted(kb, matcher, path)
        results.append(("after /xoadulieu: the person's marker in db, -wal, -shm", "found nowhere", result))
    print("\n| fault | target | measured |\n|---|---|---|")
    for label, target, result in results:
        shown = ", ".join(f"{k} {v}" for k, v in result.items())
        print(f"| {label} | {target} | {shown} |")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    asyncio.run(main(ap.parse_args().quick))
