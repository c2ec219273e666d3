"""Chromium headless (Debian's chromium and chromium-driver) driving the web chat, with the bot in a
thread of its own: Selenium blocks, so the bot's event loop must not be the test's.

Without a browser the tests are skipped on a developer's machine, and fail under CI (CI=true):
there they must run."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.bot.channels.webchat_harness import Running, settings_for

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# the network is closed: nothing may try to reach it (updates, sync, QUIC probes)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")


def require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        message = f"no browser for the web chat tests: {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " — CI must run them", pytrace=False)
        pytest.skip(message)


class BotThread:
    """The bot (``--channel web``) and two plain pages embedding the widget, on 127.0.0.1, in one
    event loop on a thread; ``call`` runs a coroutine there and waits for its result."""

    def __init__(self, kb: Any, matcher: Any, tmp_path: Path):
        self.kb, self.matcher, self.tmp_path = kb, matcher, tmp_path
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.bot: Running | None = None
        self.runners: list[web.AppRunner] = []
        self.base = ""
        self.allowed_page = self.refused_page = ""

    def call(self, coro_fn: Callable[[], Coroutine[Any, Any, Any]], timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro_fn(), self.loop).result(timeout)

    async def _page_server(self) -> tuple[web.AppRunner, int]:
        """Another origin (another port), serving a page that embeds the widget as a portal does."""
        app = web.Application()

        async def page(request: web.Request) -> web.Response:
            html = ("<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Cổng thông tin</title>"
                    "<style>*{font-family:serif!important;color:red!important}button{display:none}</style>"
                    "</head><body><h1>Bài viết về Kế hoạch 119</h1><p>Nội dung bài viết.</p>"
                    f"<script src='{self.base}/webchat/widget.js' defer></script></body></html>")
            return web.Response(text=html, content_type="text/html")

        app.router.add_get("/", page)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, runner.addresses[0][1]

    async def _start(self) -> None:
        allowed, allowed_port = await self._page_server()
        refused, refused_port = await self._page_server()
        self.runners = [allowed, refused]
        self.allowed_page = f"http://127.0.0.1:{allowed_port}/"
        self.refused_page = f"http://127.0.0.1:{refused_port}/"
        settings = settings_for(self.tmp_path, ADMIN_IDS="1001",
                                WEBCHAT_ALLOWED_ORIGINS=f"http://127.0.0.1:{allowed_port}")
        self.bot = Running(self.kb, self.matcher, settings)
        self.base = await self.bot.base()

    def start(self) -> BotThread:
        self.call(self._start)
        return self

    def stop(self) -> None:
        async def _stop() -> None:
            if self.bot is not None:
                await self.bot.close()
            for runner in self.runners:
                await runner.cleanup()

        try:
            self.call(_stop)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            if not self.thread.is_alive():
                self.loop.close()


def chromium(width: int = 1280, height: int = 900) -> tuple[Any, str]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="webchat-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_script_timeout(20)
    return driver, profile


class Page:
    """The widget in one tab, reached through its (open) shadow root, as a reader uses it."""

    def __init__(self, driver: Any):
        self.driver = driver

    def open(self, url: str) -> Page:
        self.driver.delete_all_cookies()
        self.driver.get(url)
        self.wait(lambda: self.root() is not None)
        return self

    def root(self) -> Any:
        return self.driver.execute_script(
            "var h = document.getElementById('khh119-webchat'); return h ? h.shadowRoot : null;")

    def find(self, css: str) -> Any:
        return self.root().find_element("css selector", css)

    def find_all(self, css: str) -> list[Any]:
        return self.root().find_elements("css selector", css)

    def wait(self, condition: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = condition()
            except Exception:  # the DOM is changing under us: look again
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting in the browser")
            time.sleep(0.05)

    def bot_messages(self) -> list[str]:
        return self.driver.execute_script(
            "return Array.from(document.getElementById('khh119-webchat').shadowRoot"
            ".querySelectorAll('[role=log] .msg.bot')).map(function (m) { return m.innerText; });")

    def wait_bot(self, count: int, contains: str = "", timeout: float = 10.0) -> str:
        """The newest bot message once there are ``count`` and it contains ``contains``."""
        def ready() -> str | None:
            messages = self.bot_messages()
            if len(messages) >= count and contains in messages[-1]:
                return messages[-1]
            return None

        return self.wait(ready, timeout)

    def ask(self, text: str) -> None:
        field = self.find("form input[name=q]")
        field.clear()
        field.send_keys(text)
        field.find_element("xpath", "ancestor::form").find_element("css selector", "button[type=submit]").click()

    def tap(self, label: str) -> None:
        """The last option button in the conversation whose label contains ``label``."""
        buttons = [b for b in self.find_all("[role=log] button") if label in b.text]
        assert buttons, f"no option {label!r}"
        buttons[-1].click()

    def active(self) -> Any:
        return self.driver.execute_script(
            "return document.getElementById('khh119-webchat').shadowRoot.activeElement;")
