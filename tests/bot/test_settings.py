from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from tests.conftest import ROOT


def test_env_file_parsing(tmp_path):
    path = tmp_path / ".env"
    path.write_text('# comment\nexport LOG_LEVEL=DEBUG\nTELEGRAM_BOT_TOKEN="two words"\nWEBHOOK_URL=x # note\n\n'
                    "NOT_A_SETTING=1\nMATCH_ANSWER_THRESHOLD=\nWEBHOOK_PORT=9000\nFLOOD_WINDOW_SECONDS=2.5\n",
                    encoding="utf-8")
    settings = Settings.load(env={}, env_file=str(path))
    assert (settings.LOG_LEVEL, settings.TELEGRAM_BOT_TOKEN, settings.WEBHOOK_URL) == ("DEBUG", "two words", "x")
    assert settings.MATCH_ANSWER_THRESHOLD is None  # empty = unset
    assert settings.WEBHOOK_PORT == 9000 and settings.FLOOD_WINDOW_SECONDS == 2.5
    assert Settings.load(env={}, env_file=str(tmp_path / "missing")) == Settings()


def test_environment_overrides_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("MATCH_ANSWER_THRESHOLD=70\nLOG_LEVEL=DEBUG\nBOT_DB_PATH=file.db\n", encoding="utf-8")
    settings = Settings.load(env={"MATCH_ANSWER_THRESHOLD": "80", "BOT_DB_PATH": ""}, env_file=str(path))
    assert settings.MATCH_ANSWER_THRESHOLD == 80.0 and settings.LOG_LEVEL == "DEBUG"
    assert settings.BOT_DB_PATH == "file.db"  # an empty variable does not blank the file's value


def test_load_reads_the_process_environment_and_settings_built_in_code_do_not(monkeypatch, tmp_path):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "from-env")
    monkeypatch.setenv("DATA_RETENTION_DAYS", "30")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("ADMIN_IDS=5\n", encoding="utf-8")
    loaded = Settings.load()
    assert (loaded.TELEGRAM_BOT_TOKEN, loaded.DATA_RETENTION_DAYS, loaded.admins) == ("from-env", 30, {("telegram", "5")})
    built = Settings(WEBHOOK_PORT=1)
    assert (built.TELEGRAM_BOT_TOKEN, built.DATA_RETENTION_DAYS, built.ADMIN_IDS) == ("", 365, "")
    with pytest.raises(TypeError, match="not a setting: WEBHOOK_PROT"):
        Settings(WEBHOOK_PROT=1)


def test_defaults():
    settings = Settings.load(env={}, env_file=None)
    assert settings.MATCH_ANSWER_THRESHOLD is None and settings.WEBHOOK_PORT == 8080
    assert settings.FLOOD_MAX_MESSAGES == 20 and settings.FLOOD_WINDOW_SECONDS == 60.0
    assert settings.BOT_DB_PATH == "data/bot.sqlite3" and settings.admins == frozenset()
    assert (settings.DATA_RETENTION_DAYS, settings.AUDIT_RETENTION_DAYS, settings.BACKUP_KEEP) == (365, 730, 14)


def test_backups_go_beside_the_database_unless_told_otherwise(tmp_path):
    assert Settings().backup_dir() == Path("data/backups")
    assert Settings(BOT_DB_PATH="/srv/bot/db.sqlite3").backup_dir() == Path("/srv/bot/backups")
    assert Settings().backup_dir("/tmp/x/live.sqlite3") == Path("/tmp/x/backups")  # the database in use
    assert Settings(BACKUP_DIR="/mnt/copies").backup_dir() == Path("/mnt/copies")
    assert Settings(BACKUP_DIR="off").backup_dir() is None


def test_administrators_names_by_their_ids():
    settings = Settings.load(env={"ADMIN_NAMES": "123=Nguyễn  Văn A; zalo:77=Trần Thị B"}, env_file=None)
    assert settings.admin_names == {"telegram:123": "Nguyễn Văn A", "zalo:77": "Trần Thị B"}


def test_invalid_values_are_refused():
    with pytest.raises(SettingsError):
        Settings.load(env={"MATCH_ANSWER_THRESHOLD": "abc"}, env_file=None)
    with pytest.raises(SettingsError):
        Settings.load(env={"MATCH_ANSWER_THRESHOLD": "30", "MATCH_CLARIFY_THRESHOLD": "50"}, env_file=None)
    with pytest.raises(SettingsError):
        Settings.load(env={"MATCH_ANSWER_THRESHOLD": "130"}, env_file=None)
    assert Settings.load(env={}, env_file=None).MATCH_ANSWER_THRESHOLD is None


@pytest.mark.parametrize(("env", "message"), [
    ({"MATCH_ANSWER_THRESHOLD": "abc"}, "MATCH_ANSWER_THRESHOLD must be a number, got 'abc'"),
    ({"MATCH_CLARIFY_THRESHOLD": "-1"}, "MATCH_CLARIFY_THRESHOLD must be between 0 and 100, got '-1'"),
    ({"MATCH_ANSWER_THRESHOLD": "30", "MATCH_CLARIFY_THRESHOLD": "50"},
     "MATCH_CLARIFY_THRESHOLD must not be above MATCH_ANSWER_THRESHOLD"),
    ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT must be a whole number, got 'http'"),
    ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT must be a port number, got '70000'"),
    ({"FLOOD_MAX_MESSAGES": "x", "FLOOD_MUTE_SECONDS": "y"},
     "FLOOD_MAX_MESSAGES must be a whole number, got 'x'; FLOOD_MUTE_SECONDS must be a number, got 'y'"),
    ({"ADMIN_IDS": "1,@boss"}, "ADMIN_IDS: '@boss' must be a numeric Telegram user id (not a @username)"),
    ({"ADMIN_CHAT_ID": "admins"}, "ADMIN_CHAT_ID must be a Telegram chat id (a number), got 'admins'"),
    ({"ZALO_WEBHOOK_SECRET": "sh\nort"}, "ZALO_WEBHOOK_SECRET must be 8 to 256 characters (Zalo's limit)"),
    ({"AUDIT_RETENTION_DAYS": "0"}, "AUDIT_RETENTION_DAYS must be a positive whole number, got '0'"),
    ({"BACKUP_KEEP": "-3"}, "BACKUP_KEEP must be a positive whole number, got '-3'"),
    ({"DATA_RETENTION_DAYS": "a year"}, "DATA_RETENTION_DAYS must be a whole number, got 'a year'"),
    ({"ADMIN_NAMES": "123 Nguyễn Văn A"}, "ADMIN_NAMES: '123 Nguyễn Văn A' is not <id>=<name>"),
    ({"OUTBOX_MAX_AGE": "0"}, "OUTBOX_MAX_AGE must be more than 0, got '0'"),
])
def test_a_bad_value_is_one_line_naming_the_setting(env, message):
    with pytest.raises(SettingsError) as caught:
        Settings.load(env=env, env_file=None)
    assert str(caught.value) == message  # no secret is echoed, and it stays on one line


def test_every_setting_is_documented_in_env_example():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.M))
    assert set(Settings.model_fields) == documented  # and nothing documented that is not a setting


def test_env_example_shows_each_default():
    """Its uncommented values are the defaults, so the justified flood limits cannot drift apart."""
    assert Settings.load(env={}, env_file=str(ROOT / ".env.example")) == Settings()
    assert (Settings().FLOOD_MAX_MESSAGES, Settings().FLOOD_MAX_ACTIONS) == (20, 60)
