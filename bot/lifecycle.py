"""SIGINT/SIGTERM handling, installed once per process by the runner (bot/runner.py)."""

from __future__ import annotations

import asyncio
import signal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def install_stop_signals(stop: asyncio.Event) -> list[signal.Signals]:
    """Make SIGINT/SIGTERM set ``stop`` instead of killing the process, so replies in progress
    finish and the database closes cleanly. Returns what was installed, for removal."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
            pass
    return installed


def remove_stop_signals(installed: list[signal.Signals]) -> None:
    loop = asyncio.get_running_loop()
    for sig in installed:
        loop.remove_signal_handler(sig)
