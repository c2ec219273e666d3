"""Shared fixtures: the real knowledge base, loaded once per test session."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import Storage
from handlers.ask import Asker
from handlers.router import Router
from knowledge.loader import DEFAULT_DIR, load_dir
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from knowledge.normalize import Lexicon

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_dir(DEFAULT_DIR)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture(scope="session")
def lexicon(matcher: Matcher) -> Lexicon:
    return matcher.lexicon


@pytest.fixture(scope="session")
def asker(kb: KnowledgeBase, matcher: Matcher) -> Asker:
    return Asker(kb, matcher)


@pytest.fixture
async def router(kb: KnowledgeBase, matcher: Matcher) -> AsyncIterator[Router]:
    """Closed after the test: an open database's worker thread would keep pytest from exiting."""
    router = Router(kb, matcher, Storage(":memory:"))
    yield router
    await router.close()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the real knowledge directory, for tests that break it on purpose."""
    target = tmp_path / "kb"
    shutil.copytree(DEFAULT_DIR, target)
    return target
