"""The checks every knowledge file shares, collecting each problem with its file and line.

Nothing stops at the first problem, so an official fixing a file sees the whole list at once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.model import LANGS
from knowledge.yamlnodes import LinedList, error_line, line_of, read_yaml

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True, order=True)
class FileProblem:
    """One thing wrong in a knowledge file, shown as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class Validator:
    """Collects problems; each check reports what is wrong and returns what can still be used."""

    def __init__(self) -> None:
        self.problems: list[FileProblem] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.problems.append(FileProblem(path, line, message))

    def read(self, path: Path) -> Any:
        shown = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.add(shown, 1, f"not UTF-8 text ({exc.reason})")
            return None
        except OSError as exc:
            self.add(shown, 1, f"cannot read file ({exc.strerror})")
            return None
        try:
            data, duplicates = read_yaml(text)
        except yaml.MarkedYAMLError as exc:
            line = error_line(text, exc)
            self.add(shown, line, f"YAML syntax error: {exc.problem or exc.context}")
            return None
        except yaml.YAMLError as exc:
            self.add(shown, 1, f"YAML error: {exc}")
            return None
        for line, message in duplicates:
            self.add(shown, line, message)
        return data

    def fields(self, path: str, obj: Any, what: str, required: set[str], optional: set[str] = frozenset()
               ) -> bool:
        if not isinstance(obj, dict):
            self.add(path, line_of(obj), f"{what} must be a mapping of fields")
            return False
        for key in obj:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted(required | set(optional)))
                self.add(path, line_of(obj, key), f"unknown field '{key}' in {what} (allowed: {allowed})")
        missing = sorted(required - set(obj))
        for key in missing:
            self.add(path, line_of(obj), f"missing field '{key}' in {what}")
        return not missing

    def text(self, path: str, obj: dict, key: str, what: str) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(path, line_of(obj, key), f"{what} '{key}' must be non-empty text")
            return ""
        return value.strip()

    def lang_texts(self, path: str, obj: Any, key: str, what: str) -> dict[str, str]:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, dict):
            self.add(path, line_of(obj, key), f"{what} '{key}' must have 'vi' and 'en' texts")
            return {}
        if not self.fields(path, value, f"{what} '{key}'", set(LANGS)):
            return {}
        return {lang: self.text(path, value, lang, f"{what} '{key}'") for lang in LANGS}

    def str_list(self, path: str, obj: dict, key: str, what: str, required: bool = True) -> list[str]:
        value = obj.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.add(path, line_of(obj, key), f"{what} '{key}' must be a list")
            return []
        # The usual case at once: all text, none of it blank.
        out = [item.strip() for item in value if type(item) is str]
        if len(out) == len(value) and all(out):
            return out
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str | int) or not str(item).strip():
                line = value.item_lines[i] if isinstance(value, LinedList) else line_of(obj, key)
                self.add(path, line, f"{what} '{key}' item {i + 1} must be non-empty text")
            else:
                out.append(str(item).strip())
        return out

    def ident(self, path: str, obj: dict, what: str, seen: dict[str, str]) -> str | None:
        ident = obj.get("id")
        if not isinstance(ident, str) or not _ID_RE.match(ident):
            self.add(path, line_of(obj, "id"),
                     f"{what} id {ident!r} must be lower-case letters, digits and '-' (at most 63)")
            return None
        if ident in seen:
            self.add(path, line_of(obj, "id"), f"duplicate id '{ident}' (first defined at {seen[ident]})")
            return None
        seen[ident] = f"{path}:{line_of(obj, 'id')}"
        return ident


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None

