"""A chat with administrators over the real knowledge base and a temporary database."""

from __future__ import annotations

import pytest

from tests.handlers.driver import ChatDriver


@pytest.fixture
async def chat(kb, matcher, tmp_path):
    driver = ChatDriver(kb, matcher, tmp_path / "bot.sqlite3")
    yield driver
    await driver.close()
