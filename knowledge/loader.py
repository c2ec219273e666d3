"""Load and validate the curated YAML files.

Validation collects every problem with its file and line instead of stopping at the first, so an
official fixing a file sees the whole list at once. The bot refuses to start on a knowledge base
with problems; it never runs on half of one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from knowledge import langcheck, qtype
from knowledge.details import check_detail, check_url, english
from knowledge.model import (
    CONTACT_DETAIL_FIELDS,
    LANGS,
    MAX_SHORT,
    Contact,
    Entry,
    KnowledgeBase,
    SmallTalk,
    Source,
    Topic,
    gc_paused,
)
from knowledge.normalize import fold
from knowledge.validator import FileProblem, Validator, as_date, display_path
from knowledge.yamlnodes import LinedDict, LinedList, line_of

__all__ = ["DEFAULT_DIR", "MAX_ANSWER_CHARS", "MIN_QUESTIONS", "SPECIAL_FILES", "FileProblem",
           "KnowledgeError", "load_dir", "phrasing_key", "validate_dir", "yaml_files"]

DEFAULT_DIR = Path(__file__).resolve().parent / "data"
MAX_ANSWER_CHARS = 3500
MIN_QUESTIONS = {"vi": 5, "en": 2}

ENTRY_FIELDS = {"id", "topic", "questions", "answer", "sources", "as_of"}
ENTRY_OPTIONAL = {"keywords", "related", "contact", "answers", "short"}
SOURCE_OPTIONAL = {"where_en", "short", "publisher", "date", "url"}
MAX_SHORT_SOURCE = 60
_SOURCE_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
SPECIAL_FILES = {"topics.yaml", "sources.yaml", "contacts.yaml", "synonyms.yaml", "stopwords.yaml",
                 "smalltalk.yaml", "question_types.yaml"}


class KnowledgeError(Exception):
    """Raised when the knowledge base cannot be used; carries every problem found."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_dir(directory: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load and validate a knowledge directory; raises KnowledgeError listing every problem."""
    kb, problems = validate_dir(directory)
    if problems or kb is None:
        raise KnowledgeError(problems)
    return kb


def validate_dir(
    directory: str | os.PathLike[str] | None = None,
) -> tuple[KnowledgeBase | None, list[FileProblem]]:
    """Every problem in the directory, sorted by file and line, and the knowledge base if usable."""
    with gc_paused():
        return _validate_dir(Path(directory) if directory else DEFAULT_DIR)


def _validate_dir(root: Path) -> tuple[KnowledgeBase | None, list[FileProblem]]:
    v = Validator(root)
    if not root.is_dir():
        v.add(display_path(root), 1, "knowledge directory not found")
        return None, v.problems
    files = yaml_files(root)
    by_name = {p.name: p for p in files if p.parent == root}
    for name in ("topics.yaml", "sources.yaml"):
        if name not in by_name:
            v.add(name, 1, f"required file {name} is missing")
    raw: dict[Path, Any] = {p: v.read(p) for p in files}

    topics = _load_topics(v, by_name.get("topics.yaml"), raw)
    sources = _load_sources(v, by_name.get("sources.yaml"), raw)
    contacts = _load_contacts(v, by_name.get("contacts.yaml"), raw, sources)
    language = {name: raw.get(by_name[name]) or {}
                for name in ("synonyms.yaml", "stopwords.yaml", "question_types.yaml") if name in by_name}
    for name, data in language.items():
        if not isinstance(data, dict):
            v.add(v.shown(by_name[name]), 1, f"{name} must be a mapping")
    checks = (("synonyms.yaml", langcheck.check_synonyms), ("stopwords.yaml", langcheck.check_stopwords))
    for name, check in checks:
        if name in by_name and isinstance(language[name], dict):
            for key, message in check(language[name]):
                top = key.split(".")[0]
                v.add(v.shown(by_name[name]), line_of(language[name], top) if top else 1, message)
    if "question_types.yaml" in by_name:
        data = language["question_types.yaml"]
        for key, message in qtype.check(data):
            section = data.get(key.split(".")[0]) if isinstance(data, dict) else None
            if "." in key and isinstance(section, dict):
                line = line_of(section, key.split(".")[1])
            else:
                line = line_of(data, key) if key and isinstance(data, dict) else 1
            v.add(v.shown(by_name["question_types.yaml"]), line, message)
    smalltalk = _load_smalltalk(v, by_name.get("smalltalk.yaml"), raw)
    entry_files = [p for p in files if not (p.parent == root and p.name in SPECIAL_FILES)]
    entries = _load_entries(v, entry_files, raw, topics, sources, contacts)
    if not entries and not any(p.path.endswith(".yaml") for p in v.problems):
        v.add(".", 1, "no entries found")
    kb = KnowledgeBase(entries, topics, sources, contacts, smalltalk,
                       {k: (d if isinstance(d, dict) else {}) for k, d in language.items()})
    # a summary (line 0) right after its unreadable file's own problem
    problems = set(v.problems) | set(v.summaries())
    return kb, sorted(problems, key=lambda p: (p.path, p.line or 1 << 30, p.message))


def _items(v: Validator, path: Path | None, raw: dict, key: str) -> Iterable[tuple[str, Any]]:
    if path is None:
        return []
    data = raw.get(path)
    shown = v.shown(path)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        v.report(shown, line_of(data), "kb_list_under", key=key)
        return []
    for extra in set(data) - {key}:
        v.add(shown, line_of(data, extra), f"unknown top-level field '{extra}' (expected '{key}')")
    return [(shown, item) for item in data[key]]


def _load_topics(v: Validator, path: Path | None, raw: dict) -> dict[str, Topic]:
    out: dict[str, Topic] = {}
    seen: dict[str, str] = {}
    for shown, item in _items(v, path, raw, "topics"):
        if not v.fields(shown, item, "topic", {"id", "title"}, {"order"}):
            continue
        ident = v.ident(shown, item, "topic", seen)
        title = v.lang_texts(shown, item, "title", "topic")
        order = item.get("order", 100)
        if not isinstance(order, int):
            v.add(shown, line_of(item, "order"), "topic 'order' must be a whole number")
            order = 100
        if ident and title:
            out[ident] = Topic(ident, order, title)
    return out


def _load_sources(v: Validator, path: Path | None, raw: dict) -> dict[str, Source]:
    out: dict[str, Source] = {}
    seen: dict[str, str] = {}
    for shown, item in _items(v, path, raw, "sources"):
        if not v.fields(shown, item, "source", {"id", "title", "where"}, SOURCE_OPTIONAL):
            continue
        ident = v.ident(shown, item, "source", seen)
        title = v.text(shown, item, "title", "source")
        where = v.text(shown, item, "where", "source")
        extra = {k: _source_field(v, shown, item, k) for k in sorted(SOURCE_OPTIONAL)}
        if ident and title and where:
            out[ident] = Source(ident, title, where, **extra)
    return out


def _source_field(v: Validator, shown: str, item: dict, key: str) -> str:
    """An optional source field as text; a date as precise as the source gives it; https links."""
    value = item.get(key)
    if value is None:
        return ""
    if key == "date":
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if not _SOURCE_DATE.fullmatch(text):
            v.report(shown, line_of(item, key), "kb_source_date")
            return ""
        return text
    if not isinstance(value, str) or not value.strip():
        v.add(shown, line_of(item, key), f"source '{key}' must be a non-empty text")
        return ""
    text = " ".join(value.split())
    if key == "short" and len(text) > MAX_SHORT_SOURCE:
        v.report(shown, line_of(item, key), "kb_source_short", max=MAX_SHORT_SOURCE, n=len(text))
    if key == "url":
        for found in check_url(text)[1]:
            v.add(shown, line_of(item, key), f"source 'url': {english(found)}", *found)
    return text


def _check_refs(v: Validator, shown: str, item: dict, key: str, refs: list[str], known: dict, what: str
                ) -> tuple[str, ...]:
    good = []
    for ref in refs:
        if ref in known:
            good.append(ref)
        else:
            v.refer(shown, item, line_of(item, key), what, ref, [f"{what}s.yaml"])
    return tuple(good)


def _load_contacts(v: Validator, path: Path | None, raw: dict, sources: dict) -> dict[str, Contact]:
    out: dict[str, Contact] = {}
    seen: dict[str, str] = {}
    required = {"id", "name", "role"}
    optional = {"audience", "sources", "as_of", *CONTACT_DETAIL_FIELDS}
    for shown, item in _items(v, path, raw, "contacts"):
        if not v.fields(shown, item, "contact", required, optional):
            continue
        ident = v.ident(shown, item, "contact", seen)
        name = v.lang_texts(shown, item, "name", "contact")
        role = v.lang_texts(shown, item, "role", "contact")
        details = {}
        for key in CONTACT_DETAIL_FIELDS:
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                v.add(shown, line_of(item, key), f"contact '{key}' must be text (leave \"\" when unknown)")
                continue
            stored, problems = check_detail(key, value or "")
            for found in problems:
                v.add(shown, line_of(item, key), f"contact '{key}': {english(found)}", *found)
            details[key] = stored
        refs = v.str_list(shown, item, "sources", "contact", required=False)
        srcs = _check_refs(v, shown, item, "sources", refs, sources, "source")
        audience = tuple(v.str_list(shown, item, "audience", "contact", required=False))
        as_of = as_date(item.get("as_of")) if "as_of" in item else None
        if "as_of" in item and as_of is None:
            v.report(shown, line_of(item, "as_of"), "kb_bad_date", what="contact", field="as_of")
        if ident and name and role:
            out[ident] = Contact(ident, name, role, audience, details, srcs, as_of)
    return out


def _load_smalltalk(v: Validator, path: Path | None, raw: dict) -> dict[str, SmallTalk]:
    out: dict[str, SmallTalk] = {}
    seen: dict[str, str] = {}
    for shown, item in _items(v, path, raw, "smalltalk"):
        if not v.fields(shown, item, "small-talk item", {"id", "patterns", "reply"}, {"menu"}):
            continue
        ident = v.ident(shown, item, "small-talk", seen)
        patterns = v.str_list(shown, item, "patterns", "small-talk")
        reply = v.lang_texts(shown, item, "reply", "small-talk")
        if ident and patterns and reply:
            out[ident] = SmallTalk(ident, tuple(patterns), reply, bool(item.get("menu", False)))
    return out


_WORDS_RE = re.compile(r"\w+")
# white-space-free piece of a phrasing -> its words, folded (see phrasing_key); bounded
_KEY_PIECES: dict[str, str] = {}
_KEY_PIECES_MAX = 1 << 17


def phrasing_key(text: str) -> str:
    """How two phrasings are compared for duplicates: case, diacritics and punctuation ignored."""
    # Folding and finding words never look across white space (the one case rule that reads
    # context, the Greek final sigma, stops at it), so each piece is worked out once.
    pieces = text.split()
    keys = list(map(_KEY_PIECES.get, pieces))
    if None in keys:
        if len(_KEY_PIECES) >= _KEY_PIECES_MAX:
            _KEY_PIECES.clear()
        for i, piece in enumerate(pieces):
            if keys[i] is None:
                keys[i] = _KEY_PIECES[piece] = " ".join(_WORDS_RE.findall(fold(piece)))
    return " ".join(filter(None, keys))


def _load_entries(v: Validator, files: list[Path], raw: dict, topics: dict, sources: dict,
                  contacts: dict) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    seen: dict[str, str] = {}
    phrasings: dict[str, tuple[str, str, str]] = {}  # key -> (entry id, path, line)
    pending_related: list[tuple[str, dict, list[str]]] = []
    for path in files:
        for shown, item in _items(v, path, raw, "entries"):
            entry = _load_entry(v, shown, item, topics, sources, contacts, seen, phrasings)
            if entry is not None:
                out[entry.id] = entry
            related = item.get("related") if isinstance(item, dict) else None
            if isinstance(related, list):
                pending_related.append((shown, item, [str(r) for r in related]))
    homes = [v.shown(path) for path in files]
    for shown, item, related in pending_related:
        for ref in related:
            if ref not in seen:
                v.refer(shown, item, line_of(item, "related"), "related", ref, homes)
    return out


def _load_entry(v: Validator, shown: str, item: Any, topics: dict, sources: dict, contacts: dict,
                seen: dict[str, str], phrasings: dict[str, tuple[str, str, str]]) -> Entry | None:
    if not v.fields(shown, item, "entry", ENTRY_FIELDS, ENTRY_OPTIONAL):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            seen.setdefault(item["id"], f"{shown}:{line_of(item, 'id')}")
        return None
    ident = v.ident(shown, item, "entry", seen)
    ok = ident is not None
    topic = item.get("topic")
    if topic not in topics:
        v.refer(shown, item, line_of(item, "topic"), "topic", str(topic), ["topics.yaml"])
        ok = False
    questions: dict[str, tuple[str, ...]] = {}
    qblock = item.get("questions")
    if v.fields(shown, qblock if isinstance(qblock, dict) else LinedDict(), "entry 'questions'", set(LANGS)):
        for lang in LANGS:
            qs = v.str_list(shown, qblock, lang, f"questions.{lang} of entry")
            if len(qs) < MIN_QUESTIONS[lang]:
                v.report(shown, line_of(qblock, lang), "kb_few_phrasings", min=MIN_QUESTIONS[lang], lang=lang,
                         n=len(qs))
            lines = qblock[lang].item_lines if isinstance(qblock.get(lang), LinedList) else []
            for i, q in enumerate(qs):
                key = phrasing_key(q)
                line = lines[i] if i < len(lines) else line_of(qblock, lang)
                if not key:
                    v.report(shown, line, "kb_phrasing_no_words", text=repr(q))
                    continue
                prior = phrasings.get(key)
                if prior and prior[0] != ident:
                    v.report(shown, line, "kb_phrasing_taken", text=repr(q), entry=prior[0],
                             where=f"{prior[1]}:{prior[2]}")
                elif prior:
                    v.report(shown, line, "kb_phrasing_repeated", text=repr(q))
                else:
                    phrasings[key] = (ident or "?", shown, str(line))
            questions[lang] = tuple(qs)
    else:
        ok = False
    answer = v.lang_texts(shown, item, "answer", "entry")
    for lang, text in answer.items():
        if len(text) > MAX_ANSWER_CHARS:
            v.report(shown, line_of(item["answer"], lang), "kb_answer_too_long", lang=lang, n=len(text),
                     max=MAX_ANSWER_CHARS)
    if len(answer) != len(LANGS) or not all(answer.values()):
        ok = False
    refs = v.str_list(shown, item, "sources", "entry")
    srcs = _check_refs(v, shown, item, "sources", refs, sources, "source")
    if not refs:
        v.report(shown, line_of(item, "sources"), "kb_no_source")
    if len(srcs) != len(refs) or not srcs:
        ok = False
    as_of = as_date(item.get("as_of"))
    if as_of is None:
        v.report(shown, line_of(item, "as_of"), "kb_bad_date", what="entry", field="as_of")
        ok = False
    keywords = v.str_list(shown, item, "keywords", "entry", required=False)
    related = v.str_list(shown, item, "related", "entry", required=False)
    contact = item.get("contact")
    if contact is not None and contact not in contacts:
        v.refer(shown, item, line_of(item, "contact"), "contact", str(contact), ["contacts.yaml"])
        ok = False
    answers = v.str_list(shown, item, "answers", "entry", required=False)
    kinds = set(qtype.QUESTION_TYPES) | set(qtype.NOT_HELD_KINDS)
    for kind in answers:
        if kind not in kinds:
            v.report(shown, line_of(item, "answers"), "kb_unknown_kind", kind=kind,
                     known=", ".join(sorted(kinds)))
    short = _short_titles(v, shown, item)
    if not ok:
        return None
    return Entry(
        id=ident, topic=topic, questions=questions, answer=answer, sources=srcs, as_of=as_of,
        keywords=tuple(keywords), related=tuple(related), contact=contact,
        origin=f"{shown}:{line_of(item, 'id')}", answers=tuple(k for k in answers if k in kinds),
        short=short,
    )


def _short_titles(v: Validator, shown: str, item: dict) -> dict[str, str]:
    """Optional button labels: ``short: {vi: …, en: …}``, each at most MAX_SHORT characters."""
    value = item.get("short")
    if value is None:
        return {}
    if not isinstance(value, dict) or not value or set(value) - set(LANGS):
        v.report(shown, line_of(item, "short"), "kb_short_shape", max=MAX_SHORT)
        return {}
    out: dict[str, str] = {}
    for lang, text in value.items():
        text = " ".join(str(text).split()) if isinstance(text, str) else ""
        if not text or len(text) > MAX_SHORT:
            v.report(shown, line_of(value, lang), "kb_short_length", lang=lang, max=MAX_SHORT, n=len(text))
            continue
        out[lang] = text
    return out
