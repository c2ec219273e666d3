"""Administrators (issue 4), in-process through PTB's Application with a fake Bot API."""

from __future__ import annotations

import logging

import pytest

from bot.settings import Settings, SettingsError, parse_admin_ids
from tests.bot.admin_harness import ADMIN, CITIZEN, AdminHarness, text_of
from tests.bot.telegram_fakes import callback_data


@pytest.fixture
async def adm(kb, matcher, tmp_path):
    harness = await AdminHarness(kb, matcher, tmp_path / "bot.sqlite3").start()
    yield harness
    await harness.stop()


def test_admin_ids_setting():
    assert parse_admin_ids(" 123, zalo:abc ;456") == {("telegram", "123"), ("zalo", "abc"), ("telegram", "456")}
    assert parse_admin_ids("") == frozenset()
    with pytest.raises(SettingsError):
        Settings.load(env={"ADMIN_IDS": "@someone"}, env_file=None)
    with pytest.raises(SettingsError):
        Settings.load(env={"ADMIN_CHAT_ID": "admins"}, env_file=None)
    settings = Settings.load(env={"ADMIN_IDS": "1,zalo:2", "ADMIN_CHAT_ID": "-100123"}, env_file=None)
    assert settings.admins == {("telegram", "1"), ("zalo", "2")}


async def test_non_admin_gets_the_unknown_command_reply_and_is_logged(adm, caplog):
    unknown = text_of(await adm.say("/khongcolenhnay", user_id=CITIZEN))
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        refused = await adm.say("/admin", user_id=CITIZEN)
    assert text_of(refused) == unknown
    assert not any(d.startswith("ad:") for d in callback_data(refused))
    assert any("/admin refused" in r.getMessage() and str(CITIZEN) in r.getMessage() for r in caplog.records)
    with caplog.at_level(logging.WARNING, logger="handlers.router"):
        pressed = await adm.press("ad:audit", user_id=CITIZEN)
    assert "Nhật ký" not in text_of(pressed)
    assert any("admin option refused" in r.getMessage() for r in caplog.records)


async def test_admin_menu_and_audit_log(adm):
    menu = await adm.say("/admin")
    assert "Quản trị" in text_of(menu)
    assert "ad:audit" in callback_data(menu)
    empty = await adm.press("ad:audit")
    assert "Chưa có" in text_of(empty)
    await adm.storage.audit(f"telegram:{ADMIN}", "test", "x", before={"a": 1}, after={"a": 2})
    log = await adm.press("ad:audit")
    assert f"telegram:{ADMIN} · test · x" in text_of(log)
    [row] = await adm.storage.audit_log()
    assert row["before"] == {"a": 1} and row["after"] == {"a": 2}
