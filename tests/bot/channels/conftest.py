"""What the Zalo Bot API channel tests share: the fake Zalo server, started and stopped per test."""

from __future__ import annotations

import pytest

from tests.bot.fakes.zalo_api import FakeZaloAPI


@pytest.fixture
async def zapi():
    server = await FakeZaloAPI().start()
    yield server
    await server.stop()
