"""The pipeline every channel shares, through a recording channel: de-duplication, per-person order,
flood control, the apology, the outbound fan-out; and the rule that channels never import each other."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

from bot.channels.base import Channel, Inbound, Outbound, Pipeline, Rejected, with_backoff
from handlers.flood import FloodGuard
from handlers.messages import Delivery, Incoming, Reply
from tests.conftest import ROOT

CHANNELS_DIR = ROOT / "bot" / "channels"
SHARED = {"base", "numbered", "outbound", "webinput"}  # what every channel may use


class Recorder(Channel):
    """A channel that keeps what it would have sent."""

    name = "rec"

    def __init__(self, pipeline: Pipeline):
        super().__init__(pipeline)
        self.replies: list[Reply] = []
        self.notices: list[tuple[str, bool]] = []
        self.texts: list[tuple[str, str]] = []
        self.dropped_events: list[Inbound] = []

    async def send(self, event: Inbound, reply: Reply) -> None:
        self.replies.append(reply)

    async def send_text(self, user_id: str, text: str, priority: int = 0) -> str:
        self.texts.append((user_id, text))
        return "sent"

    async def notify(self, event: Inbound, text: str, *, toast: bool = False) -> None:
        self.notices.append((text, toast))

    async def dropped(self, event: Inbound) -> None:
        self.dropped_events.append(event)


class FakeRouter:
    """Answers every message with its text; ``deliveries`` are added to each reply."""

    def __init__(self, delay: float = 0.0):
        self.admins: set = set()
        self.handled: list[Incoming] = []
        self.deliveries: list[Delivery] = []
        self.delay = delay

    async def handle(self, msg: Incoming) -> Reply:
        self.handled.append(msg)
        await asyncio.sleep(self.delay)
        if msg.text == "boom":
            raise RuntimeError("boom")
        return Reply(f"re: {msg.text or msg.action}", "info", "vi", deliveries=list(self.deliveries))

    async def language_of(self, channel: str, user_id: str, hint: str | None = None) -> str:
        return hint or "vi"


def recorder(router: FakeRouter | None = None, flood: FloodGuard | None = None) -> Recorder:
    return Recorder(Pipeline(router or FakeRouter(), flood or FloodGuard(limit=0)))  # type: ignore[arg-type]


def test_no_channel_module_imports_another():
    """A channel reaches another channel's people through Outbound, never by importing it; a
    channel's own helpers (``zalo_api.py`` for ``zalo.py``) are its own."""
    modules = {p.stem for p in CHANNELS_DIR.glob("*.py")} - {"__init__"}
    channels = {m for m in modules - SHARED if defines_a_channel(CHANNELS_DIR / f"{m}.py")}
    assert {"telegram", "zalo", "zalo_oa", "console"} <= channels

    def owner_of(module: str) -> str:
        """The longest channel the module is or is named after: ``zalo_oa_api`` is ``zalo_oa``'s,
        not ``zalo``'s."""
        owners = [c for c in channels if module == c or module.startswith(f"{c}_")]
        return max(owners, key=len) if owners else module

    for path in sorted(CHANNELS_DIR.glob("*.py")):
        owner = owner_of(path.stem)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if not name.startswith("bot.channels."):
                    continue
                imported = name.split(".")[2]
                assert imported in SHARED or owner_of(imported) == owner, \
                    f"{path.name} imports {name}: channels must not import each other"


def defines_a_channel(path: Path) -> bool:
    """A module with a class deriving from ``Channel`` is a channel of its own."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.ClassDef) and any(getattr(base, "id", "") == "Channel" for base in node.bases)
               for node in ast.walk(tree))


def test_the_runner_is_the_only_place_that_knows_every_channel():
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name in ("runner.py",) or path.parent == CHANNELS_DIR:
            continue
        text = path.read_text(encoding="utf-8")
        assert "bot.channels.telegram" not in text and "bot.channels.zalo" not in text, path


async def test_a_redelivered_update_is_handled_once():
    channel = recorder()
    for _ in range(2):
        await channel.pipeline.handle(channel, Inbound("u1", text="hi", event_id="m1"))
    await channel.pipeline.handle(channel, Inbound("u1", text="hi", event_id="m2"))
    await channel.pipeline.handle(channel, Inbound("u1", text="hi"))  # no id: never a duplicate
    assert [r.text for r in channel.replies] == ["re: hi"] * 3


async def test_one_persons_messages_in_order_different_people_at_once():
    router = FakeRouter(delay=0.05)
    channel = recorder(router)
    pipeline = channel.pipeline
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(pipeline.handle(channel, Inbound("a", text=str(i))) for i in range(3)),
                         *(pipeline.handle(channel, Inbound(f"p{i}", text="x")) for i in range(10)))
    elapsed = asyncio.get_running_loop().time() - started
    assert [m.text for m in router.handled if m.user_id == "a"] == ["0", "1", "2"]
    assert elapsed < 0.05 * 6  # "a" waits for itself only; the ten others ran alongside
    assert len(pipeline.locks) == 0  # nothing left behind


async def test_flood_control_one_notice_naming_the_wait_then_dropped_then_answered_again():
    now = [0.0]
    channel = recorder(flood=FloodGuard(limit=2, window=60, mute=30, clock=lambda: now[0]))
    for _ in range(5):
        await channel.pipeline.handle(channel, Inbound("u", text="hi", lang="en"))
    assert len(channel.replies) == 2
    [(notice, toast)] = channel.notices
    assert toast and "too fast" in notice and "in about 30 seconds" in notice  # in the person's language
    assert len(channel.dropped_events) == 2
    await channel.pipeline.handle(channel, Inbound("other", text="hi"))  # nobody else is held up
    assert channel.replies[-1].text == "re: hi"
    now[0] += 30  # as long as the notice said
    await channel.pipeline.handle(channel, Inbound("u", text="still there?"))
    assert channel.replies[-1].text == "re: still there?" and len(channel.notices) == 1


async def test_an_administrator_is_never_muted():
    router = FakeRouter()
    router.admins = {("rec", "boss")}
    channel = recorder(router, FloodGuard(limit=2, actions=2, window=60, mute=60, clock=lambda: 0.0))
    for i in range(30):
        await channel.pipeline.handle(channel, Inbound("boss", text=f"q{i}"))
        await channel.pipeline.handle(channel, Inbound("boss", action=f"a{i}"))
    assert len(channel.replies) == 60 and channel.notices == [] and channel.dropped_events == []
    for _ in range(3):  # the same id on another channel's list is not this channel's administrator
        await channel.pipeline.handle(channel, Inbound("citizen", text="q"))
    assert len(channel.replies) == 62 and len(channel.notices) == 1


async def test_taps_have_their_own_higher_limit():
    now = [0.0]
    channel = recorder(flood=FloodGuard(limit=2, actions=5, window=60, mute=60, clock=lambda: now[0]))
    handle = channel.pipeline.handle
    await handle(channel, Inbound("u", text="q"))
    for i in range(5):
        await handle(channel, Inbound("u", action=f"topic:{i}"))
    assert len(channel.replies) == 6 and channel.notices == []  # five taps and a message: two allowed
    await handle(channel, Inbound("u", action="topic:x", lang="vi"))
    [(notice, toast)] = channel.notices
    assert toast and "bấm quá nhanh" in notice and "khoảng 1 phút" in notice
    await handle(channel, Inbound("u", action="topic:y"))
    assert len(channel.dropped_events) == 1
    await handle(channel, Inbound("u", text="a question while the taps wait"))  # typing still answered
    assert channel.replies[-1].text == "re: a question while the taps wait"
    now[0] += 60
    await handle(channel, Inbound("u", action="topic:z"))  # and tapping again after the pause
    assert channel.replies[-1].text == "re: topic:z" and len(channel.notices) == 1


async def test_reading_every_topic_one_tap_a_second_is_never_paused(kb, matcher):
    """What .env.example promises of the default limits, walked through the real menus."""
    from bot.runner import flood_guard
    from bot.settings import Settings
    from bot.storage import Storage
    from handlers.router import Router

    now = [0.0]
    guard = flood_guard(Settings())
    guard.clock = lambda: now[0]
    router = Router(kb, matcher, Storage(":memory:"))
    channel = Recorder(Pipeline(router, guard))
    taps = ["menu"]
    for topic in kb.topics_in_order():
        taps += [f"topic:{topic.id}", *(f"entry:{e.id}" for e in kb.entries_for_topic(topic.id)), "menu"]
    assert len(taps) > guard.actions  # more than one window's worth
    try:
        for action in taps:
            await channel.pipeline.handle(channel, Inbound("reader", action=action))
            now[0] += 1.0
    finally:
        await router.close()
    assert channel.notices == [] and channel.dropped_events == []
    assert len(channel.replies) == len(taps)
    assert sum(r.status == "answer" for r in channel.replies) == len(kb.entries)


async def test_an_error_is_an_apology_and_a_picture_a_request_for_text(caplog):
    channel = recorder()
    await channel.pipeline.handle(channel, Inbound("u", text="boom"))
    await channel.pipeline.handle(channel, Inbound("u", text=None))
    [(apology, _), (non_text, _)] = channel.notices
    assert "Xin lỗi" in apology and "chữ" in non_text
    assert "boom" in caplog.text and channel.replies == []


async def test_deliveries_reach_other_channels_people_and_are_counted():
    router = FakeRouter()
    router.deliveries = [Delivery("other", "o1", "to o1"), Delivery("nowhere", "n1", "lost"),
                         Delivery("rec", "r1", "to r1"), Delivery("other", "admins", "note", quiet=True)]
    channel = recorder(router)
    reached: list[tuple[str, str]] = []

    async def other(user_id: str, text: str) -> bool:
        reached.append((user_id, text))
        return True

    channel.pipeline.outbound.add(channel)
    channel.pipeline.outbound.register("other", other)
    await channel.pipeline.handle(channel, Inbound("admin", text="send"))
    assert reached == [("o1", "to o1"), ("admins", "note")] and channel.texts == [("r1", "to r1")]
    assert channel.replies[0].text.endswith("Đã chuyển tới: 2 người; không chuyển được: 1.")


async def test_a_long_broadcast_shows_its_progress():
    outbound = Outbound()
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int, lang: str) -> None:
        seen.append((done, total))

    async def send(user_id: str, text: str) -> bool:
        return True

    outbound.register("x", send)
    reply = Reply("ok", "info", deliveries=[Delivery("x", str(i), "hi") for i in range(120)])
    await outbound.deliver(reply, progress)
    assert seen == [(0, 120), (50, 120), (100, 120)]


async def test_backoff_waits_out_failures_and_gives_up_on_a_rejection(monkeypatch):
    from bot.channels import base

    async def no_wait(stop, seconds):
        return None

    monkeypatch.setattr(base, "sleep_or_stop", no_wait)
    attempts: list[int] = []

    async def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("down")
        return "up"

    async def rejected() -> str:
        raise Rejected("token rejected")

    stop = asyncio.Event()
    assert await with_backoff(flaky, stop, "connecting", (ConnectionError,)) == "up" and len(attempts) == 3
    assert await with_backoff(rejected, stop, "connecting", (ConnectionError,)) is None
    stop.set()
    assert await with_backoff(flaky, stop, "connecting", (ConnectionError,)) is None


def test_every_channel_module_is_small():
    for path in Path(CHANNELS_DIR).glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path


async def test_deliveries_waiting_for_a_retry_are_reported_as_waiting():
    router = FakeRouter()
    router.deliveries = [Delivery("later", "l1", "hi"), Delivery("later", "l2", "hi"), Delivery("rec", "r", "hi")]
    channel = recorder(router)

    async def outage(user_id: str, text: str) -> str:
        return "queued"

    channel.pipeline.outbound.register("later", outage)
    await channel.pipeline.handle(channel, Inbound("admin", text="send"))
    assert channel.replies[0].text.endswith("Đã chuyển tới: 1 người; đang chờ gửi lại (ứng dụng nhắn tin tạm "
                                            "thời không nhận): 2; không chuyển được: 0.")
