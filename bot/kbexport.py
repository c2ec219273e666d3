"""``python -m bot kb export``: the knowledge base people are answered from (curated files plus the
administrators' chat versions), as JSON or as YAML files in the curated layout, so chat changes
can go back into the repository."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

from bot.storage import Storage
from handlers.livekb import merged_kb
from knowledge.loader import DEFAULT_DIR, MIN_QUESTIONS, SPECIAL_FILES
from knowledge.model import LANGS, Entry, KnowledgeBase
from knowledge.overlay import Note

CHAT_FILE = "chat.yaml"


async def load_merged(baseline: KnowledgeBase, db_path: str) -> tuple[KnowledgeBase, list[Note]]:
    """The merged knowledge base; the database is only read when it exists (never created here)."""
    if db_path == ":memory:" or not Path(db_path).is_file():
        return baseline, []
    storage = Storage(db_path)
    try:
        await storage.open()
        return await merged_kb(baseline, storage)
    finally:
        await storage.close()


def entry_yaml(entry: Entry) -> dict:
    """One entry in the curated file format (see knowledge/data/entries/README.md)."""
    out: dict = {"id": entry.id, "topic": entry.topic,
                 "questions": {lang: list(entry.questions.get(lang, ())) for lang in LANGS}}
    if entry.keywords:
        out["keywords"] = list(entry.keywords)
    out["answer"] = {lang: entry.answer.get(lang, "") for lang in LANGS}
    out["sources"] = list(entry.sources)
    out["as_of"] = entry.as_of if isinstance(entry.as_of, dt.date) else str(entry.as_of)
    if entry.related:
        out["related"] = list(entry.related)
    if entry.contact:
        out["contact"] = entry.contact
    return out


def file_of(entry: Entry) -> str:
    """The entries file an entry goes back to: its own file, or chat.yaml for entries made in the chat."""
    path = entry.origin.rsplit(":", 1)[0] if ":" in entry.origin else ""
    return Path(path).name if path.endswith((".yaml", ".yml")) else CHAT_FILE


def incomplete(entry: Entry) -> list[str]:
    """What the curated format requires that a chat entry may lack (English is optional in the chat)."""
    missing = [f"questions.{lang} (≥ {n})" for lang, n in MIN_QUESTIONS.items()
               if len(entry.questions.get(lang, ())) < n]
    missing += [f"answer.{lang}" for lang in LANGS if not entry.answer.get(lang)]
    return missing


def write_yaml(kb: KnowledgeBase, source_dir: str | Path | None, out_dir: str | Path) -> dict[str, int]:
    """Writes the whole knowledge directory to ``out_dir``: the non-entry files copied as they are,
    the entries regrouped into their files. Returns entries per file."""
    src, out = Path(source_dir or DEFAULT_DIR), Path(out_dir)
    (out / "entries").mkdir(parents=True, exist_ok=True)
    for name in SPECIAL_FILES:
        if (src / name).is_file():
            shutil.copyfile(src / name, out / name)
    if (src / "entries" / "README.md").is_file():
        shutil.copyfile(src / "entries" / "README.md", out / "entries" / "README.md")
    groups: dict[str, list[dict]] = {}
    for entry in kb.entries.values():
        groups.setdefault(file_of(entry), []).append(entry_yaml(entry))
    for name, entries in groups.items():
        (out / "entries" / name).write_text(_dump(entries), encoding="utf-8")
    return {name: len(entries) for name, entries in groups.items()}


def _dump(entries: list[dict]) -> str:
    """Written in the curated files' own style (double-quoted questions, flow lists, literal
    answers, a blank line between entries), so exporting unchanged entries reproduces the files
    and a committed export shows only what really changed."""
    return "entries:\n" + "\n".join(_entry_text(e) for e in entries)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _plain(text: str) -> str:
    """Ids and dates as they are; anything YAML could read differently, quoted."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", text) and text not in ("true", "false", "null", "yes", "no", "on",
                                                                    "off", "y", "n"):
        return text
    return _quoted(text)


def _block(text: str, indent: str) -> str:
    """A literal block (``|-``) when the text can be one; a quoted scalar otherwise."""
    if not text or text != text.strip() or any(not (c.isprintable() or c == "\n") for c in text):
        return " " + _quoted(text)
    return " |-\n" + "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))


def _entry_text(e: dict) -> str:
    lines = [f"- id: {_plain(e['id'])}", f"  topic: {_plain(e['topic'])}", "  questions:"]
    for lang, questions in e["questions"].items():
        lines.append(f"    {lang}:" + ("" if questions else " []"))
        lines += [f"    - {_quoted(q)}" for q in questions]
    if e.get("keywords"):
        lines.append(f"  keywords: [{', '.join(_quoted(k) for k in e['keywords'])}]")
    lines.append("  answer:")
    lines += [f"    {lang}:{_block(text, '      ')}" for lang, text in e["answer"].items()]
    lines.append(f"  sources: [{', '.join(_plain(s) for s in e['sources'])}]")
    lines.append(f"  as_of: {e['as_of']}")
    if e.get("related"):
        lines.append(f"  related: [{', '.join(_plain(r) for r in e['related'])}]")
    if e.get("contact"):
        lines.append(f"  contact: {_plain(e['contact'])}")
    return "\n".join(lines) + "\n"


def dump_entries(entries: list[Entry]) -> str:
    """Entries as one file in the curated ``entries:`` format."""
    return _dump([entry_yaml(e) for e in entries])
