"""The checks every knowledge file shares, collecting each problem with its file and line.

Nothing stops at the first problem, so an official fixing a file sees the whole list at once. A
problem carries a key and its values as well as its English text: the chat shows the key from
handlers' texts in the administrator's language, the command line prints the English.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.model import LANGS
from knowledge.yamlnodes import LinedList, error_line, line_of, read_yaml

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ID_LINE_RE = re.compile(r"""^[ \t-]*id:[ \t]*["']?([a-z0-9][a-z0-9-]*)""", re.MULTILINE)


# The English text of each problem a file edit can realistically cause, by key; the same keys are in
# handlers/texts.yaml. A problem without a key (rare ones) is shown in English everywhere.
MESSAGES: dict[str, str] = {
    "kb_yaml_syntax": "YAML syntax error: {detail}",
    "kb_not_utf8": "not UTF-8 text ({detail})",
    "kb_duplicate_key": "duplicate key '{key}'",
    "kb_list_under": "file must contain a list under '{key}:'",
    "kb_unknown_field": "unknown field '{field}' in {what} (allowed: {allowed})",
    "kb_missing_field": "missing field '{field}' in {what}",
    "kb_not_mapping": "{what} must be a mapping of fields",
    "kb_empty_text": "{what} '{field}' must be non-empty text",
    "kb_needs_langs": "{what} '{field}' must have 'vi' and 'en' texts",
    "kb_not_list": "{what} '{field}' must be a list",
    "kb_list_item": "{what} '{field}' item {n} must be non-empty text",
    "kb_bad_id": "{what} id {id} must be lower-case letters, digits and '-' (at most 63)",
    "kb_duplicate_id": "duplicate id '{id}' (first defined at {first})",
    "kb_unknown_topic": "unknown topic '{id}'",
    "kb_unknown_source": "unknown source '{id}'",
    "kb_unknown_contact": "unknown contact '{id}'",
    "kb_unknown_related": "unknown related entry '{id}'",
    "kb_few_phrasings": "entry needs at least {min} '{lang}' phrasings (has {n})",
    "kb_phrasing_no_words": "phrasing {text} has no words",
    "kb_phrasing_taken": "phrasing {text} also belongs to entry '{entry}' ({where})",
    "kb_phrasing_repeated": "phrasing {text} is repeated in the same entry",
    "kb_answer_too_long": "answer.{lang} is {n} characters; at most {max} fit a message",
    "kb_no_source": "entry must name at least one source",
    "kb_bad_date": "{what} '{field}' must be a date YYYY-MM-DD",
    "kb_source_date": "source 'date' must be YYYY, YYYY-MM or YYYY-MM-DD",
    "kb_source_short": "source 'short' must be at most {max} characters (has {n})",
    "kb_unknown_kind": "unknown kind '{kind}' in answers (known: {known})",
    "kb_short_shape": "entry 'short' must have 'vi' and/or 'en' texts of at most {max} characters",
    "kb_short_length": "short.{lang} must be 1 to {max} characters (has {n})",
    # knock-on problems of a file that could not be read, one line for all of them (line 0)
    "kb_knock_on_related": "{n} entries refer to entries in {file}, which could not be read",
    "kb_knock_on_topic": "{n} entries refer to topics in {file}, which could not be read",
    "kb_knock_on_source": "{n} items refer to sources in {file}, which could not be read",
    "kb_knock_on_contact": "{n} entries refer to contacts in {file}, which could not be read",
}

# what a reference names -> (its problem when not found, the summary when it is in a file not read)
REFERENCES = {
    "topic": ("kb_unknown_topic", "kb_knock_on_topic"),
    "source": ("kb_unknown_source", "kb_knock_on_source"),
    "contact": ("kb_unknown_contact", "kb_knock_on_contact"),
    "related": ("kb_unknown_related", "kb_knock_on_related"),
}


@dataclass(frozen=True, order=True)
class FileProblem:
    """One thing wrong in a knowledge file, shown as ``path:line: message`` (line 0: a summary that
    names its file itself). ``key`` and ``params`` say the same for another language's wording."""

    path: str
    line: int
    message: str
    key: str = field(default="", compare=False)
    params: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def kwargs(self) -> dict[str, str]:
        return dict(self.params)

    def __str__(self) -> str:
        return self.message if self.line == 0 else f"{self.path}:{self.line}: {self.message}"


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as an official sees it in the knowledge directory (``entries/plan.yaml``)."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows
        return str(path)


class Validator:
    """Collects problems; each check reports what is wrong and returns what can still be used."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.problems: list[FileProblem] = []
        self.unreadable: dict[str, set[str]] = {}  # shown path -> the ids its text seems to define
        self._knock_ons: dict[tuple[str, str], set[tuple[str, int]]] = {}  # (kind, file) -> referrers

    def add(self, path: str, line: int, message: str, key: str = "", params: dict[str, str] | None = None
            ) -> None:
        """A problem in the caller's English: a rare one, shown so to everyone, or one with a text key
        of its own (the contact details' checks)."""
        self.problems.append(FileProblem(path, line, message, key, tuple((params or {}).items())))

    def report(self, path: str, line: int, key: str, /, **params: object) -> None:
        values = tuple((k, str(v)) for k, v in params.items())
        self.problems.append(FileProblem(path, line, MESSAGES[key].format(**dict(values)), key, values))

    def shown(self, path: Path) -> str:
        return display_path(path, self.root)

    def read(self, path: Path) -> Any:
        shown = self.shown(path)
        try:
            data_bytes = path.read_bytes()
        except OSError as exc:
            self.add(shown, 1, f"cannot read file ({exc.strerror})")
            return None
        try:
            text = data_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.report(shown, 1, "kb_not_utf8", detail=exc.reason)
            return self._unreadable(shown, data_bytes.decode("utf-8", errors="replace"))
        try:
            data, duplicates = read_yaml(text)
        except yaml.MarkedYAMLError as exc:
            self.report(shown, error_line(text, exc), "kb_yaml_syntax", detail=exc.problem or exc.context)
            return self._unreadable(shown, text)
        except yaml.YAMLError as exc:
            self.add(shown, 1, f"YAML error: {exc}")
            return self._unreadable(shown, text)
        for line, key in duplicates:
            self.report(shown, line, "kb_duplicate_key", key=key)
        return data

    def _unreadable(self, shown: str, text: str) -> None:
        """Remembers which ids the file meant to define, so what refers to them is not listed too."""
        self.unreadable[shown] = set(_ID_LINE_RE.findall(text))
        return None

    def refer(self, path: str, item: Any, line: int, kind: str, ref: str, homes: list[str]) -> None:
        """A reference to something not found: counted against the unreadable file among ``homes``
        that seems to define it (one summary line for all), otherwise reported where it is."""
        home = next((h for h in homes if ref in self.unreadable.get(h, ())), None)
        if home is None:
            self.report(path, line, REFERENCES[kind][0], id=ref)
        else:
            self._knock_ons.setdefault((kind, home), set()).add((path, line_of(item)))

    def summaries(self) -> list[FileProblem]:
        """One line per unreadable file and kind of reference."""
        out = []
        for (kind, home), referrers in self._knock_ons.items():
            values = (("n", str(len(referrers))), ("file", home))
            key = REFERENCES[kind][1]
            out.append(FileProblem(home, 0, MESSAGES[key].format(**dict(values)), key, values))
        return out

    def fields(self, path: str, obj: Any, what: str, required: set[str], optional: set[str] = frozenset()
               ) -> bool:
        if not isinstance(obj, dict):
            self.report(path, line_of(obj), "kb_not_mapping", what=what)
            return False
        for key in obj:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted(required | set(optional)))
                self.report(path, line_of(obj, key), "kb_unknown_field", field=key, what=what,
                            allowed=allowed)
        missing = sorted(required - set(obj))
        for key in missing:
            self.report(path, line_of(obj), "kb_missing_field", field=key, what=what)
        return not missing

    def text(self, path: str, obj: dict, key: str, what: str) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            self.report(path, line_of(obj, key), "kb_empty_text", field=key, what=what)
            return ""
        return value.strip()

    def lang_texts(self, path: str, obj: Any, key: str, what: str) -> dict[str, str]:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, dict):
            self.report(path, line_of(obj, key), "kb_needs_langs", field=key, what=what)
            return {}
        if not self.fields(path, value, f"{what} '{key}'", set(LANGS)):
            return {}
        return {lang: self.text(path, value, lang, f"{what} '{key}'") for lang in LANGS}

    def str_list(self, path: str, obj: dict, key: str, what: str, required: bool = True) -> list[str]:
        value = obj.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.report(path, line_of(obj, key), "kb_not_list", field=key, what=what)
            return []
        # The usual case at once: all text, none of it blank.
        out = [item.strip() for item in value if type(item) is str]
        if len(out) == len(value) and all(out):
            return out
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str | int) or not str(item).strip():
                line = value.item_lines[i] if isinstance(value, LinedList) else line_of(obj, key)
                self.report(path, line, "kb_list_item", field=key, what=what, n=i + 1)
            else:
                out.append(str(item).strip())
        return out

    def ident(self, path: str, obj: dict, what: str, seen: dict[str, str]) -> str | None:
        ident = obj.get("id")
        if not isinstance(ident, str) or not _ID_RE.match(ident):
            self.report(path, line_of(obj, "id"), "kb_bad_id", what=what, id=repr(ident))
            return None
        if ident in seen:
            self.report(path, line_of(obj, "id"), "kb_duplicate_id", id=ident, first=seen[ident])
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

