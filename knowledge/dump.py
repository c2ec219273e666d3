"""Entries written back in the curated files' ``entries:`` format (knowledge/data/entries/README.md),
for the export command and the administrators' YAML download; contacts' details back into
contacts.yaml."""

from __future__ import annotations

import datetime as dt
import json
import re

from knowledge.model import CONTACT_DETAIL_FIELDS, LANGS, Contact, Entry


def entry_yaml(entry: Entry) -> dict:
    """One entry in the curated file format (see knowledge/data/entries/README.md)."""
    out: dict = {"id": entry.id, "topic": entry.topic}
    if entry.short:
        out["short"] = dict(entry.short)
    if entry.answers:
        out["answers"] = list(entry.answers)
    out["questions"] = {lang: list(entry.questions.get(lang, ())) for lang in LANGS}
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


def dump_dicts(entries: list[dict]) -> str:
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
    lines = [f"- id: {_plain(e['id'])}", f"  topic: {_plain(e['topic'])}"]
    if e.get("short"):
        lines.append("  short:")
        lines += [f"    {lang}: {_quoted(text)}" for lang, text in e["short"].items()]
    if e.get("answers"):
        lines.append(f"  answers: [{', '.join(_plain(k) for k in e['answers'])}]")
    lines.append("  questions:")
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
    return dump_dicts([entry_yaml(e) for e in entries])


_CONTACT_ID = re.compile(r"- id: *(\S+)")
_DETAIL_LINE = re.compile(r"  (" + "|".join(CONTACT_DETAIL_FIELDS) + r"): .*")


def contacts_text(text: str, contacts: dict[str, Contact]) -> str:
    """contacts.yaml with each contact's detail lines set to the details in force, everything else
    (comments, names, roles) as it was, so a committed export shows only the details that changed.
    A detail the file has no line for goes after the contact's last detail line, or its id."""
    out: list[str] = []
    current: Contact | None = None
    pending: list[str] = []
    anchor = 0

    def flush() -> None:
        if current is not None:
            out[anchor:anchor] = [f"  {k}: {_quoted(current.details[k])}" for k in pending]

    for line in text.split("\n"):
        found = _CONTACT_ID.fullmatch(line.rstrip())
        if found:
            flush()
            current = contacts.get(found.group(1))
            pending = [k for k in CONTACT_DETAIL_FIELDS if current and current.details.get(k)]
            anchor = len(out) + 1
        detail = _DETAIL_LINE.fullmatch(line.rstrip()) if current is not None else None
        if detail:
            key = detail.group(1)
            line = f"  {key}: {_quoted(current.details.get(key, ''))}"
            pending = [k for k in pending if k != key]
            anchor = len(out) + 1
        out.append(line)
    flush()
    return "\n".join(out)
