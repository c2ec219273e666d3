"""Settings from the environment and an optional ``.env`` file (the environment wins).

Every setting is listed, with its default and a comment, in ``.env.example``; a test keeps the
two in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from knowledge.loader import DEFAULT_DIR


class SettingsError(ValueError):
    """A setting has a value the bot cannot use; the message says which and why."""


def read_env_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """Parse KEY=VALUE lines (``export``, quotes and ``#`` comments allowed); missing file = {}."""
    values: dict[str, str] = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return values
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def parse_admin_ids(raw: str) -> frozenset[tuple[str, str]]:
    """"123, zalo:abc" -> {("telegram", "123"), ("zalo", "abc")}. Ids, not usernames: a username
    can be changed (or taken over), an id cannot."""
    admins: set[tuple[str, str]] = set()
    for item in raw.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        channel, sep, uid = item.partition(":")
        if not sep:
            channel, uid = "telegram", item
        channel, uid = channel.strip().lower(), uid.strip()
        if channel not in ("telegram", "zalo") or not uid:
            raise ValueError(f"ADMIN_IDS: {item!r} is not a Telegram id or zalo:<id>")
        if channel == "telegram" and not uid.isdigit():
            raise ValueError(f"ADMIN_IDS: {item!r} must be a numeric Telegram user id (not a @username)")
        admins.add((channel, uid))
    return frozenset(admins)


@dataclass(frozen=True)
class Settings:
    KNOWLEDGE_DIR: str = str(DEFAULT_DIR)
    # None: the calibrated thresholds in knowledge/calibration.json (see bench/calibrate.py)
    MATCH_ANSWER_THRESHOLD: float | None = None
    MATCH_CLARIFY_THRESHOLD: float | None = None
    LOG_LEVEL: str = "INFO"
    # Telegram (issue 3): polling when a token is set, webhook with --webhook
    TELEGRAM_BOT_TOKEN: str = ""
    TELEGRAM_BASE_URL: str = "https://api.telegram.org/bot"
    BOT_DB_PATH: str = "data/bot.sqlite3"
    WEBHOOK_LISTEN: str = "127.0.0.1"
    WEBHOOK_PORT: int = 8080
    WEBHOOK_URL: str = ""
    WEBHOOK_SECRET: str = ""
    FLOOD_MAX_MESSAGES: int = 20
    FLOOD_WINDOW_SECONDS: float = 60.0
    FLOOD_MUTE_SECONDS: float = 60.0
    DATA_RETENTION_DAYS: int = 365
    # Administrators (issue 4): Telegram user ids, "zalo:<id>" for Zalo; a group for notifications
    ADMIN_IDS: str = ""
    ADMIN_CHAT_ID: str = ""
    # Zalo (issue 5): polling when ZALO_BOT_TOKEN is set, webhook at /zalo with --webhook
    ZALO_BOT_TOKEN: str = ""
    ZALO_BASE_URL: str = "https://bot-api.zaloplatforms.com"
    ZALO_WEBHOOK_URL: str = ""  # empty: WEBHOOK_URL with /telegram replaced by /zalo
    ZALO_WEBHOOK_SECRET: str = ""

    @property
    def admins(self) -> frozenset[tuple[str, str]]:
        """(channel, user id) pairs; validated in ``load``."""
        return parse_admin_ids(self.ADMIN_IDS)

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, env_file: str | None = ".env") -> Settings:
        merged: dict[str, str] = read_env_file(env_file) if env_file else {}
        merged.update(os.environ if env is None else env)
        kwargs: dict[str, object] = {}
        for f in fields(cls):
            raw = merged.get(f.name)
            if raw is None or raw == "":
                continue
            if "float" in str(f.type):
                try:
                    kwargs[f.name] = float(raw)
                except ValueError as exc:
                    raise SettingsError(f"{f.name} must be a number, got {raw!r}") from exc
            elif str(f.type) in ("int", "<class 'int'>"):
                try:
                    kwargs[f.name] = int(raw)
                except ValueError as exc:
                    raise SettingsError(f"{f.name} must be a whole number, got {raw!r}") from exc
            else:
                kwargs[f.name] = raw
        settings = cls(**kwargs)
        answer, clarify = settings.MATCH_ANSWER_THRESHOLD, settings.MATCH_CLARIFY_THRESHOLD
        for name, value in (("MATCH_ANSWER_THRESHOLD", answer), ("MATCH_CLARIFY_THRESHOLD", clarify)):
            if value is not None and not 0 <= value <= 100:
                raise SettingsError(f"{name} must be between 0 and 100, got {value}")
        if answer is not None and clarify is not None and clarify > answer:
            raise SettingsError("MATCH_CLARIFY_THRESHOLD must not be above MATCH_ANSWER_THRESHOLD")
        try:
            settings.admins  # noqa: B018 - validates ADMIN_IDS
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc
        if settings.ADMIN_CHAT_ID and not re.fullmatch(r"-?\d+", settings.ADMIN_CHAT_ID.strip()):
            raise SettingsError(f"ADMIN_CHAT_ID must be a Telegram chat id (a number), "
                                f"got {settings.ADMIN_CHAT_ID!r}")
        if settings.ZALO_WEBHOOK_SECRET and not 8 <= len(settings.ZALO_WEBHOOK_SECRET) <= 256:
            raise SettingsError("ZALO_WEBHOOK_SECRET must be 8 to 256 characters (Zalo's limit)")
        if not 0 <= settings.WEBHOOK_PORT <= 65535:
            raise SettingsError(f"WEBHOOK_PORT must be a port number, got {settings.WEBHOOK_PORT}")
        return settings
