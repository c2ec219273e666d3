"""The terminal channel: one question per line until end of input.

Numbered options work as on Zalo: typing just "2" picks the second option of the last reply.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from handlers.messages import Incoming, Option, Reply
from handlers.router import Router
from handlers.texts import t

CHANNEL = "console"
USER = "local"


def render(reply: Reply) -> str:
    lines = [reply.text]
    if reply.options:
        lines.append("")
        lines += [f"  {i}. {opt.label}" for i, opt in enumerate(reply.options, 1)]
    return "\n".join(lines)


async def run_console(router: Router, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    options: list[Option] = []
    lang = "vi"
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(options):
            msg = Incoming(CHANNEL, USER, action=options[int(text) - 1].action, lang=lang)
        else:
            msg = Incoming(CHANNEL, USER, text=text, lang=lang)
        reply = await router.handle(msg)
        if reply.deliveries:  # messages for people on other channels cannot be sent from a terminal
            reply.text += "\n\n" + t("adm_delivered", reply.lang, ok="0", failed=str(len(reply.deliveries)))
        lang = reply.lang
        options = reply.options
        stdout.write(render(reply) + "\n\n")
        stdout.flush()
    return 0
