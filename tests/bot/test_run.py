"""`python -m bot run`: which channel starts, and the hint when Telegram is not configured."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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


def test_a_corrupt_database_is_one_line_naming_it_and_exit_2(tmp_path):
    garbage = tmp_path / "db.sqlite3"
    garbage.write_bytes(os.urandom(4096))
    before = garbage.read_bytes()
    out = subprocess.run([sys.executable, "-m", "bot", "run"], input="", capture_output=True, text=True,
                         cwd=tmp_path, env=_env(tmp_path), timeout=120)
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert str(garbage) in line and "not a database" in line
    assert garbage.read_bytes() == before  # refused, not "repaired"


def test_a_database_in_an_unwritable_folder_is_one_line_naming_it_and_exit_2(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("permissions do not bind root")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    env = dict(_env(tmp_path), BOT_DB_PATH=str(folder / "db.sqlite3"))
    try:
        out = subprocess.run([sys.executable, "-m", "bot", "run"], input="", capture_output=True, text=True,
                             cwd=tmp_path, env=env, timeout=120)
    finally:
        folder.chmod(0o700)
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert str(folder / "db.sqlite3") in line and "Traceback" not in out.stderr


def test_a_database_path_under_a_file_is_one_line_naming_it_and_exit_2(tmp_path):
    """Unwritable for root too: the database's folder would be a file."""
    (tmp_path / "a-file").write_text("not a folder")
    env = dict(_env(tmp_path), BOT_DB_PATH=str(tmp_path / "a-file" / "db.sqlite3"))
    out = subprocess.run([sys.executable, "-m", "bot", "run"], input="", capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert str(tmp_path / "a-file" / "db.sqlite3") in line and "Traceback" not in out.stderr
