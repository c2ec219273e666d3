"""`python -m bot run`: which channel starts, and the hint when Telegram is not configured."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), BOT_DB_PATH=str(tmp_path / "db.sqlite3"))
    return env


def test_run_without_token_is_the_terminal_chat_with_a_hint(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bot", "run"], input="ai chủ trì kế hoạch?\n", capture_output=True,
                         text=True, cwd=tmp_path, env=_env(tmp_path), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Sở Ngoại vụ" in out.stdout
    assert "TELEGRAM_BOT_TOKEN" in out.stderr and "TELEGRAM_BOT_TOKEN" not in out.stdout


def test_telegram_without_token_or_webhook_url_is_a_clear_error(tmp_path):
    explicit = subprocess.run([sys.executable, "-m", "bot", "run", "--channel", "telegram"], capture_output=True,
                              text=True, cwd=tmp_path, env=_env(tmp_path), timeout=120)
    assert explicit.returncode == 2 and "TELEGRAM_BOT_TOKEN" in explicit.stderr
    env = dict(_env(tmp_path), TELEGRAM_BOT_TOKEN="1:x", WEBHOOK_URL="")
    webhook = subprocess.run([sys.executable, "-m", "bot", "run", "--webhook"], capture_output=True,
                             text=True, cwd=tmp_path, env=env, timeout=120)
    assert webhook.returncode == 2 and "WEBHOOK_URL" in webhook.stderr
    for out in (explicit, webhook):
        assert "Traceback" not in out.stderr
