"""The terminal chat: piped input, line by line, until end of input."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from bot.runner import run
from bot.settings import Settings
from tests.conftest import ROOT


async def run_console(router, stdin, stdout) -> int:
    return await run(router, Settings(), ["console"], signals=False, jobs=False,
                     options={"console": {"stdin": stdin, "stdout": stdout}})


def test_piped_question_prints_the_answer_and_exits():
    out = subprocess.run([sys.executable, "-m", "bot", "run"], input="ai chủ trì kế hoạch?\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=120, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert "Sở Ngoại vụ" in out.stdout


async def test_numbered_option_picks_it(router):
    stdin = io.StringIO("menu\n1\n1\n")
    stdout = io.StringIO()
    assert await run_console(router, stdin, stdout) == 0
    text = stdout.getvalue()
    # menu -> first topic -> its first question -> an answer with its source line
    assert "1. " in text
    assert "Nguồn:" in text


async def test_blank_lines_are_skipped_and_bad_input_is_answered(router):
    stdin = io.StringIO("\n   \n<b>hi</b> *bold*\n\x00\x01\n")
    stdout = io.StringIO()
    assert await run_console(router, stdin, stdout) == 0
    assert stdout.getvalue().count("\n\n") >= 2
