"""The terminal channel: one question per line from standard input until its end.

Numbered options work as on Zalo (bot/channels/numbered.py): typing just "2" picks the second
option of the last reply. No flood control: piped input is not a person typing too fast.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any, TextIO

from bot.channels import numbered
from bot.channels.base import Channel, Inbound, Notice, Pipeline
from handlers.messages import Incoming, Reply

USER = "local"


class ConsoleChannel(Channel):
    name = "console"
    flood_control = False
    log_level = logging.DEBUG  # the terminal shows the log: keep it for answers
    durable = False  # writing to a terminal does not fail for a while and come back

    def __init__(self, pipeline: Pipeline, settings: Any = None, *, webhook: bool = False,
                 stdin: TextIO | None = None, stdout: TextIO | None = None):
        super().__init__(pipeline)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self._actions: list[str] = []  # the last reply's options
        self._lang = "vi"

    async def run(self, stop: asyncio.Event) -> int:
        interactive = self.stdin.isatty()
        while not stop.is_set():
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            if line.strip():
                await self.pipeline.handle(self, Inbound(USER, text=line.strip(), lang=self._lang))
        return 0

    async def incoming(self, event: Inbound) -> Incoming | Notice:
        action = numbered.pick(event.text or "", self._actions)
        if action is not None:
            return Incoming(self.name, USER, action=action, lang=self._lang)
        return await super().incoming(event)

    async def send(self, event: Inbound, reply: Reply) -> None:
        self._lang = reply.lang
        self._actions = [option.action for option in reply.options]
        await self.send_text(USER, numbered.render(reply))

    def text_ops(self, address: str, text: str) -> list[dict]:
        """Only the person at the terminal can be reached."""
        return [{"text": text}] if address == USER else []

    async def transmit(self, address: str, op: dict) -> None:
        self.stdout.write(op["text"] + "\n\n")
        self.stdout.flush()
