"""``python -m bot kb export``: the knowledge base people are answered from (curated files plus the
administrators' chat versions), as JSON or as YAML files in the curated layout, so chat changes
can go back into the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.storage import Storage
from handlers.livekb import merged_kb
from knowledge.dump import contacts_text, dump_dicts, entry_yaml
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
    """Writes the whole knowledge directory to ``out_dir``: the non-entry files copied as they are
    (contacts.yaml with the details in force), the entries regrouped into their files. Returns
    entries per file."""
    src, out = Path(source_dir or DEFAULT_DIR), Path(out_dir)
    (out / "entries").mkdir(parents=True, exist_ok=True)
    for name in SPECIAL_FILES:
        if (src / name).is_file():
            shutil.copyfile(src / name, out / name)
    if (src / "contacts.yaml").is_file():
        text = (src / "contacts.yaml").read_text(encoding="utf-8")
        (out / "contacts.yaml").write_text(contacts_text(text, kb.contacts), encoding="utf-8")
    if (src / "entries" / "README.md").is_file():
        shutil.copyfile(src / "entries" / "README.md", out / "entries" / "README.md")
    groups: dict[str, list[dict]] = {}
    for entry in kb.entries.values():
        groups.setdefault(file_of(entry), []).append(entry_yaml(entry))
    for name, entries in groups.items():
        (out / "entries" / name).write_text(dump_dicts(entries), encoding="utf-8")
    return {name: len(entries) for name, entries in groups.items()}
