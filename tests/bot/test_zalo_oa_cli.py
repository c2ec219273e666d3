"""`python -m bot zalo-oa login|status` and `python -m bot run --channel zalo-oa` as processes,
against the fake OA platform: the login address, the status line, a question answered, no secret
in the output."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest

from tests.bot.fakes.zalo_oa import APP_ID, APP_SECRET, SECRET_KEY, FakeZaloOA, text_event
from tests.bot.processes import bot_process, free_port
from tests.conftest import ROOT


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "BOT_DB"))}
    env.update({"PYTHONPATH": str(ROOT), "BOT_DB_PATH": str(tmp_path / "db.sqlite3"), "ZALO_OA_APP_ID": APP_ID,
                "ZALO_OA_APP_SECRET": APP_SECRET, "ZALO_OA_SECRET_KEY": SECRET_KEY,
                "ZALO_OA_REDIRECT_URL": "https://bot.example.vn/zalo-oa/callback", **extra})
    return env


def _bot(tmp_path, *args: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=tmp_path,
                          env=_env(tmp_path, **extra), timeout=120)


def test_login_prints_the_permission_address_and_status_says_what_is_held(tmp_path):
    status = _bot(tmp_path, "zalo-oa", "status")
    assert status.returncode == 1 and "No Zalo OA token held" in status.stdout
    login = _bot(tmp_path, "zalo-oa", "login")
    assert login.returncode == 0, login.stderr
    url = login.stdout.strip().splitlines()[-1]
    query = parse_qs(urlparse(url).query)
    assert url.startswith("https://oauth.zaloapp.com/v4/oa/permission?") and query["app_id"] == [APP_ID]
    assert query["code_challenge"] and query["state"] and APP_SECRET not in login.stdout + login.stderr
    missing = _bot(tmp_path, "zalo-oa", "login", ZALO_OA_REDIRECT_URL="")
    assert missing.returncode == 2 and "ZALO_OA_REDIRECT_URL" in missing.stderr
    for out in (status, login, missing):
        assert "Traceback" not in out.stderr


def test_run_zalo_oa_needs_its_settings(tmp_path):
    out = _bot(tmp_path, "run", "--channel", "zalo-oa", ZALO_OA_SECRET_KEY="")
    assert out.returncode == 2 and "ZALO_OA_SECRET_KEY" in out.stderr and "Traceback" not in out.stderr


@pytest.fixture
async def oa():
    server = await FakeZaloOA().start()
    yield server
    await server.stop()



async def test_the_process_answers_on_zalo_oa_and_stops_cleanly(oa, tmp_path):
    port = free_port()
    refresh = oa.issue()["refresh_token"]
    env = _env(tmp_path, ZALO_OA_API_URL=oa.base_url, ZALO_OA_OAUTH_URL=oa.base_url, ZALO_OA_REFRESH_TOKEN=refresh,
               WEBHOOK_PORT=str(port), LOG_LEVEL="DEBUG")
    async with bot_process(tmp_path, env) as bot:  # only ZALO_OA_APP_ID: OA by default
        for _ in range(200):  # the web server is up when /zalo-oa answers
            try:
                status = await oa.post(f"http://127.0.0.1:{port}/zalo-oa", text_event("ai chủ trì kế hoạch 119", "p1"))
                break
            except OSError:
                await asyncio.sleep(0.1)
        assert status == 200
        await oa.wait_for("cs", 1, timeout=30)
        assert "Sở Ngoại vụ" in oa.sent("p1")[0]
        assert await bot.stop() == 0
    stderr = bot.stderr
    assert "Zalo OA channel stopped" in stderr and "Traceback" not in stderr
    for secret in (APP_SECRET, SECRET_KEY, refresh, *oa.access_tokens, *oa.refresh_tokens):
        assert secret not in stderr
    status = _bot(tmp_path, "zalo-oa", "status")
    assert status.returncode == 0 and "A valid Zalo OA access token is held" in status.stdout
    assert not any(token in status.stdout for token in oa.access_tokens | oa.refresh_tokens)
