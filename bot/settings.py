"""Settings from the environment and an optional ``.env`` file (the environment wins).

pydantic-settings reads ``.env`` and turns text into typed values; the checks a type cannot
express are validators here. Every setting is listed, with its default and a comment, in
``.env.example``; a test keeps the two in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from knowledge.loader import DEFAULT_DIR


class SettingsError(ValueError):
    """A setting has a value the bot cannot use; the one-line message says which and why."""


def parse_admin_ids(raw: str) -> frozenset[tuple[str, str]]:
    """"123, zalo:abc, zalo_oa:d" -> {("telegram", "123"), ("zalo", "abc"), ("zalo_oa", "d")}. Ids,
    not usernames: a username can be changed (or taken over), an id cannot."""
    admins: set[tuple[str, str]] = set()
    for item in raw.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        channel, sep, uid = item.partition(":")
        if not sep:
            channel, uid = "telegram", item
        channel, uid = channel.strip().lower(), uid.strip()
        if channel not in ("telegram", "zalo", "zalo_oa") or not uid:
            raise ValueError(f"ADMIN_IDS: {item!r} is not a Telegram id, zalo:<id> or zalo_oa:<id>")
        if channel == "telegram" and not uid.isdigit():
            raise ValueError(f"ADMIN_IDS: {item!r} must be a numeric Telegram user id (not a @username)")
        admins.add((channel, uid))
    return frozenset(admins)


def parse_admin_names(raw: str) -> dict[str, str]:
    """"123=Nguyễn Văn A, zalo:77=Trần Thị B" -> {"telegram:123": "Nguyễn Văn A", "zalo:77": …}."""
    names: dict[str, str] = {}
    for item in raw.replace(";", ",").split(","):
        if not item.strip():
            continue
        who, sep, name = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"ADMIN_NAMES: {item.strip()!r} is not <id>=<name>")
        ids = parse_admin_ids(who)
        if len(ids) != 1:
            raise ValueError(f"ADMIN_NAMES: {item.strip()!r} is not <id>=<name>")
        [(channel, uid)] = ids
        names[f"{channel}:{uid}"] = " ".join(name.split())
    return names


class Settings(BaseSettings):
    """Every setting, typed. ``Settings(...)`` holds what it is given, defaults for the rest;
    ``Settings.load()`` adds the environment and ``.env``."""

    model_config = SettingsConfigDict(frozen=True, case_sensitive=True, env_ignore_empty=True,
                                      env_file_encoding="utf-8", extra="ignore")

    KNOWLEDGE_DIR: str = str(DEFAULT_DIR)
    # None: the calibrated thresholds in knowledge/calibration.json (see bench/calibrate.py)
    MATCH_ANSWER_THRESHOLD: float | None = None
    MATCH_CLARIFY_THRESHOLD: float | None = None
    LOG_LEVEL: str = "INFO"
    # Telegram: polling when a token is set, webhook with --webhook
    TELEGRAM_BOT_TOKEN: str = ""
    TELEGRAM_BASE_URL: str = "https://api.telegram.org/bot"
    BOT_DB_PATH: str = "data/bot.sqlite3"
    WEBHOOK_LISTEN: str = "127.0.0.1"
    WEBHOOK_PORT: int = 8080
    WEBHOOK_URL: str = ""
    WEBHOOK_SECRET: str = ""
    FLOOD_MAX_MESSAGES: int = 20
    FLOOD_MAX_ACTIONS: int = 60  # button taps (Zalo: option numbers), counted apart from messages
    FLOOD_WINDOW_SECONDS: float = 60.0
    FLOOD_MUTE_SECONDS: float = 60.0
    DATA_RETENTION_DAYS: int = 365
    AUDIT_RETENTION_DAYS: int = 730  # administrators' own audit records
    # Daily backups: empty = a "backups" folder beside BOT_DB_PATH; "off" = none
    BACKUP_DIR: str = ""
    BACKUP_KEEP: int = 14
    # Seconds a message that could not be sent is retried before it is given up
    OUTBOX_MAX_AGE: float = 900.0
    # Administrators: Telegram user ids, "zalo:<id>" for Zalo; a group for notifications
    ADMIN_IDS: str = ""
    ADMIN_CHAT_ID: str = ""
    # How the history and the audit log name administrators: "123=Nguyễn Văn A, zalo:77=Trần Thị B"
    ADMIN_NAMES: str = ""
    # Zalo: polling when ZALO_BOT_TOKEN is set, webhook at /zalo with --webhook
    ZALO_BOT_TOKEN: str = ""
    ZALO_BASE_URL: str = "https://bot-api.zaloplatforms.com"
    ZALO_WEBHOOK_URL: str = ""  # empty: WEBHOOK_URL with /telegram replaced by /zalo
    ZALO_WEBHOOK_SECRET: str = ""
    # Zalo Official Account: webhook at /zalo-oa (always on when the channel runs), OAuth at
    # /zalo-oa/callback; `python -m bot zalo-oa login` connects the OA once
    ZALO_OA_APP_ID: str = ""
    ZALO_OA_APP_SECRET: str = ""
    ZALO_OA_SECRET_KEY: str = ""  # the OA secret key that signs webhook events
    ZALO_OA_REDIRECT_URL: str = ""  # public HTTPS address of /zalo-oa/callback
    ZALO_OA_REFRESH_TOKEN: str = ""  # a refresh token got once, used while the database holds none
    ZALO_OA_API_URL: str = "https://openapi.zalo.me"
    ZALO_OA_OAUTH_URL: str = "https://oauth.zaloapp.com"
    # Web chat on the portal: /webchat/ (demo page), /webchat/widget.js, /webchat/api/
    WEBCHAT_ENABLED: bool = False  # `--channel all` includes it; `--channel web` runs it regardless
    WEBCHAT_ALLOWED_ORIGINS: str = ""  # other sites that may embed it: "https://thanhhoa.gov.vn, ..."
    WEBCHAT_IP_REQUESTS_PER_MINUTE: int = 120  # per address, across its sessions (a page can be scripted)
    # GET /metrics (webhook mode): from this machine without it, from elsewhere with it as a Bearer token
    METRICS_TOKEN: str = ""

    def __init__(self, **values: Any) -> None:
        # extra="ignore" is for .env, which may hold other programs' variables; a name given in
        # code must be a setting, so a misspelt one fails instead of being dropped.
        unknown = sorted(k for k in values if not k.startswith("_") and k not in type(self).model_fields)
        if unknown:
            raise TypeError(f"not a setting: {', '.join(unknown)}")
        super().__init__(**values)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment arrives as keyword arguments from load(), so a test can hand in its own
        # mapping and a Settings(...) built in code never picks up the machine's variables.
        return init_settings, dotenv_settings

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, env_file: str | None = ".env") -> Settings:
        """The environment (``os.environ`` unless ``env`` is given) over ``env_file`` over the
        defaults; an empty value counts as unset. A bad value raises SettingsError."""
        environment = os.environ if env is None else env
        given = {name: environment[name] for name in cls.model_fields if environment.get(name)}
        try:
            return cls(_env_file=env_file, **given)
        except ValidationError as exc:
            raise SettingsError(_one_line(exc)) from None

    @property
    def admin_names(self) -> dict[str, str]:
        """"telegram:123" -> "Nguyễn Văn A"; ADMIN_NAMES was checked when the settings were made."""
        return parse_admin_names(self.ADMIN_NAMES)

    @property
    def admins(self) -> frozenset[tuple[str, str]]:
        """(channel, user id) pairs; ADMIN_IDS was checked when the settings were made."""
        return parse_admin_ids(self.ADMIN_IDS)

    @field_validator("MATCH_ANSWER_THRESHOLD", "MATCH_CLARIFY_THRESHOLD")
    @classmethod
    def _percent(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 100:
            raise ValueError("must be between 0 and 100")
        return value

    @field_validator("OUTBOX_MAX_AGE")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @field_validator("WEBHOOK_PORT")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be a port number")
        return value

    @field_validator("DATA_RETENTION_DAYS", "AUDIT_RETENTION_DAYS", "BACKUP_KEEP",
                     "WEBCHAT_IP_REQUESTS_PER_MINUTE")
    @classmethod
    def _positive_count(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be a positive whole number")
        return value

    def backup_dir(self, db_path: str | None = None) -> Path | None:
        """Where backups go (empty BACKUP_DIR: beside the database ``db_path``, BOT_DB_PATH by
        default); None when BACKUP_DIR is "off"."""
        if self.BACKUP_DIR.strip().lower() == "off":
            return None
        if self.BACKUP_DIR.strip():
            return Path(self.BACKUP_DIR)
        return Path(db_path or self.BOT_DB_PATH).parent / "backups"

    @field_validator("ADMIN_IDS")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        parse_admin_ids(value)
        return value

    @field_validator("ADMIN_NAMES")
    @classmethod
    def _admin_names(cls, value: str) -> str:
        parse_admin_names(value)
        return value

    @field_validator("ADMIN_CHAT_ID")
    @classmethod
    def _chat_id(cls, value: str) -> str:
        if value and not re.fullmatch(r"-?\d+", value.strip()):
            raise ValueError("must be a Telegram chat id (a number)")
        return value

    @field_validator("ZALO_WEBHOOK_SECRET")
    @classmethod
    def _zalo_secret(cls, value: str) -> str:
        if value and not 8 <= len(value) <= 256:
            raise ValueError("must be 8 to 256 characters (Zalo's limit)")
        return value

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> Settings:
        answer, clarify = self.MATCH_ANSWER_THRESHOLD, self.MATCH_CLARIFY_THRESHOLD
        if answer is not None and clarify is not None and clarify > answer:
            raise ValueError("MATCH_CLARIFY_THRESHOLD must not be above MATCH_ANSWER_THRESHOLD")
        return self


# pydantic's error types -> the wording the CLI has always printed
_WORDING = {"float_parsing": "must be a number", "float_type": "must be a number",
            "int_parsing": "must be a whole number", "int_from_float": "must be a whole number",
            "int_type": "must be a whole number", "string_type": "must be text"}
_SECRETS = {"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "ZALO_BOT_TOKEN", "ZALO_WEBHOOK_SECRET", "METRICS_TOKEN",
            "ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_OA_REFRESH_TOKEN"}


def _one_line(exc: ValidationError) -> str:
    """'NAME must ..., got VALUE' for each problem, on one line, for the CLI to print as it is."""
    parts = []
    for error in exc.errors(include_url=False):
        name = ".".join(str(part) for part in error["loc"])
        if error["type"] == "value_error":
            text = str(error["ctx"]["error"])
        else:
            text = _WORDING.get(error["type"], error["msg"])
        if not name or text.startswith(name):  # the message names its setting already
            parts.append(text)
        elif name in _SECRETS:  # never echo a token into a terminal or a log
            parts.append(f"{name} {text}")
        else:
            parts.append(f"{name} {text}, got {_shown(error['input'])}")
    return " ".join("; ".join(parts).split())  # one line even if a value holds a line break


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)
