"""Load and validate the curated YAML files.

Validation collects every problem with its file and line instead of stopping at the first, so an
official fixing a file sees the whole list at once. The bot refuses to start on a knowledge base
with problems; it never runs on half of one.
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge import qtype
from knowledge.model import (
    CONTACT_DETAIL_FIELDS,
    LANGS,
    Contact,
    Entry,
    KnowledgeBase,
    SmallTalk,
    Source,
    Topic,
    gc_paused,
)
from knowledge.normalize import fold

DEFAULT_DIR = Path(__file__).resolve().parent / "data"
MAX_ANSWER_CHARS = 3500
MIN_QUESTIONS = {"vi": 5, "en": 2}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

ENTRY_FIELDS = {"id", "topic", "questions", "answer", "sources", "as_of"}
ENTRY_OPTIONAL = {"keywords", "related", "contact", "answers"}
SPECIAL_FILES = {"topics.yaml", "sources.yaml", "contacts.yaml", "synonyms.yaml", "stopwords.yaml",
                 "smalltalk.yaml", "question_types.yaml"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """Raised when the knowledge base cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Map(dict):
    line: int = 0
    key_lines: dict


class _List(list):
    line: int = 0
    item_lines: list


# libyaml's parser when available: ten times faster on a large knowledge base, same marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader that remembers the line of every mapping key and list item."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []
        # The parser asks these three for every node; without path resolvers (there are none)
        # the first two do nothing and the answer of the third is plain to see for nearly all.
        if not self.yaml_path_resolvers and None not in self.yaml_implicit_resolvers:
            self.descend_resolver = _ignore_two
            self.ascend_resolver = _ignore_none
            self.resolve = _quick_resolve(super().resolve, self.yaml_implicit_resolvers)


_ignore_two = operator.is_  # a builtin taking two arguments and doing nothing else: cheapest call
_ignore_none = tuple  # the same with no argument
_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_STR_TAG = _BaseLoader.DEFAULT_SCALAR_TAG
_MAP_TAG = _BaseLoader.DEFAULT_MAPPING_TAG
_SEQ_TAG = _BaseLoader.DEFAULT_SEQUENCE_TAG


def _quick_resolve(resolve: Callable[[type, Any, Any], str], implicit_by_first: dict
                   ) -> Callable[[type, Any, Any], str]:
    def quick(kind: type, value: Any, implicit: Any) -> str:
        # Nearly every scalar is text that no implicit type (null, bool, number, date, ...) can
        # start with: answer at once instead of trying the patterns of its first character.
        if kind is _ScalarNode:
            if value and value[0] not in implicit_by_first:
                return _STR_TAG
        elif kind is _MappingNode:
            return _MAP_TAG
        elif kind is _SequenceNode:
            return _SEQ_TAG
        return resolve(kind, value, implicit)

    return quick


def _construct_child(loader: _Loader, node: yaml.Node) -> Any:
    """What construct_object(node, deep=True) gives, without its general machinery for the usual
    nodes: text is the node's own value, and plain mappings and lists are built here, with the
    same bookkeeping for aliases and the same error for a node that contains itself."""
    tag = node.tag
    kind = type(node)
    if tag == _STR_TAG and kind is _ScalarNode:
        return node.value
    if (tag == _MAP_TAG and kind is _MappingNode) or (tag == _SEQ_TAG and kind is _SequenceNode):
        built = loader.constructed_objects
        if node in built:
            return built[node]
        if node in loader.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, "found unconstructable recursive node",
                                                    node.start_mark)
        loader.recursive_objects[node] = None
        data = _construct_map(loader, node) if kind is _MappingNode else _construct_list(loader, node)
        built[node] = data
        del loader.recursive_objects[node]
        return data
    return loader.construct_object(node, deep=True)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    result = _Map()
    result.line = node.start_mark.line + 1
    key_lines = result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        if key_node.tag == _STR_TAG and type(key_node) is _ScalarNode:
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool | dt.date) or key is None:
                key = str(key)
        if key in result:
            loader.duplicates.append((key_node.start_mark.line + 1, f"duplicate key '{key}'"))
        result[key] = _construct_child(loader, value_node)
        key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> _List:
    result = _List([_construct_child(loader, child) for child in node.value])
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _line(obj: Any, key: Any = None, default: int = 1) -> int:
    if key is not None and isinstance(obj, _Map):
        return obj.key_lines.get(key, obj.line)
    return getattr(obj, "line", default)


class _Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def read(self, path: Path) -> Any:
        shown = _display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.add(shown, 1, f"not UTF-8 text ({exc.reason})")
            return None
        except OSError as exc:
            self.add(shown, 1, f"cannot read file ({exc.strerror})")
            return None
        loader = _Loader(text)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            self.add(shown, line, f"YAML syntax error: {exc.problem or exc.context}")
            return None
        except yaml.YAMLError as exc:
            self.add(shown, 1, f"YAML error: {exc}")
            return None
        finally:
            loader.dispose()
        for line, message in loader.duplicates:
            self.add(shown, line, message)
        return data

    def fields(self, path: str, obj: Any, what: str, required: set[str], optional: set[str] = frozenset()
               ) -> bool:
        if not isinstance(obj, dict):
            self.add(path, _line(obj), f"{what} must be a mapping of fields")
            return False
        for key in obj:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted(required | set(optional)))
                self.add(path, _line(obj, key), f"unknown field '{key}' in {what} (allowed: {allowed})")
        missing = sorted(required - set(obj))
        for key in missing:
            self.add(path, _line(obj), f"missing field '{key}' in {what}")
        return not missing

    def text(self, path: str, obj: dict, key: str, what: str) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(path, _line(obj, key), f"{what} '{key}' must be non-empty text")
            return ""
        return value.strip()

    def lang_texts(self, path: str, obj: Any, key: str, what: str) -> dict[str, str]:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, dict):
            self.add(path, _line(obj, key), f"{what} '{key}' must have 'vi' and 'en' texts")
            return {}
        if not self.fields(path, value, f"{what} '{key}'", set(LANGS)):
            return {}
        return {lang: self.text(path, value, lang, f"{what} '{key}'") for lang in LANGS}

    def str_list(self, path: str, obj: dict, key: str, what: str, required: bool = True) -> list[str]:
        value = obj.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.add(path, _line(obj, key), f"{what} '{key}' must be a list")
            return []
        # The usual case at once: all text, none of it blank.
        out = [item.strip() for item in value if type(item) is str]
        if len(out) == len(value) and all(out):
            return out
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str | int) or not str(item).strip():
                line = value.item_lines[i] if isinstance(value, _List) else _line(obj, key)
                self.add(path, line, f"{what} '{key}' item {i + 1} must be non-empty text")
            else:
                out.append(str(item).strip())
        return out

    def ident(self, path: str, obj: dict, what: str, seen: dict[str, str]) -> str | None:
        ident = obj.get("id")
        if not isinstance(ident, str) or not _ID_RE.match(ident):
            self.add(path, _line(obj, "id"),
                     f"{what} id {ident!r} must be lower-case letters, digits and '-' (at most 63)")
            return None
        if ident in seen:
            self.add(path, _line(obj, "id"), f"duplicate id '{ident}' (first defined at {seen[ident]})")
            return None
        seen[ident] = f"{path}:{_line(obj, 'id')}"
        return ident


def _date(value: Any) -> dt.date | None:
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
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Every problem in the directory, sorted by file and line, and the knowledge base if usable."""
    with gc_paused():
        return _validate_dir(Path(directory) if directory else DEFAULT_DIR)


def _validate_dir(root: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    v = _Validator()
    if not root.is_dir():
        v.add(_display(root), 1, "knowledge directory not found")
        return None, v.problems
    files = yaml_files(root)
    by_name = {p.name: p for p in files if p.parent == root}
    for name in ("topics.yaml", "sources.yaml"):
        if name not in by_name:
            v.add(_display(root / name), 1, f"required file {name} is missing")
    raw: dict[Path, Any] = {p: v.read(p) for p in files}

    topics = _load_topics(v, by_name.get("topics.yaml"), raw)
    sources = _load_sources(v, by_name.get("sources.yaml"), raw)
    contacts = _load_contacts(v, by_name.get("contacts.yaml"), raw, sources)
    language = {name: raw.get(by_name[name]) or {}
                for name in ("synonyms.yaml", "stopwords.yaml", "question_types.yaml") if name in by_name}
    for name, data in language.items():
        if not isinstance(data, dict):
            v.add(_display(by_name[name]), 1, f"{name} must be a mapping")
    if "question_types.yaml" in by_name:
        for key, message in qtype.check(language["question_types.yaml"]):
            data = language["question_types.yaml"]
            section = data.get(key.split(".")[0]) if isinstance(data, dict) else None
            line = _line(section, key.split(".")[1]) if "." in key and isinstance(section, dict) else 1
            v.add(_display(by_name["question_types.yaml"]), line, message)
    smalltalk = _load_smalltalk(v, by_name.get("smalltalk.yaml"), raw)
    entry_files = [p for p in files if not (p.parent == root and p.name in SPECIAL_FILES)]
    entries = _load_entries(v, entry_files, raw, topics, sources, contacts)
    if not entries and not any(p.path.endswith(".yaml") for p in v.problems):
        v.add(_display(root), 1, "no entries found")
    kb = KnowledgeBase(entries, topics, sources, contacts, smalltalk,
                       {k: (d if isinstance(d, dict) else {}) for k, d in language.items()})
    return kb, sorted(set(v.problems), key=lambda p: (p.path, p.line, p.message))


def _items(v: _Validator, path: Path | None, raw: dict, key: str) -> Iterable[tuple[str, Any]]:
    if path is None:
        return []
    data = raw.get(path)
    shown = _display(path)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        v.add(shown, _line(data), f"file must contain a list under '{key}:'")
        return []
    for extra in set(data) - {key}:
        v.add(shown, _line(data, extra), f"unknown top-level field '{extra}' (expected '{key}')")
    return [(shown, item) for item in data[key]]


def _load_topics(v: _Validator, path: Path | None, raw: dict) -> dict[str, Topic]:
    out: dict[str, Topic] = {}
    seen: dict[str, str] = {}
    for shown, item in _items(v, path, raw, "topics"):
        if not v.fields(shown, item, "topic", {"id", "title"}, {"order"}):
            continue
        ident = v.ident(shown, item, "topic", seen)
        title = v.lang_texts(shown, item, "title", "topic")
        order = item.get("order", 100)
        if not isinstance(order, int):
            v.add(shown, _line(item, "order"), "topic 'order' must be a whole number")
            order = 100
        if ident and title:
            out[ident] = Topic(ident, order, title)
    return out


def _load_sources(v: _Validator, path: Path | None, raw: dict) -> dict[str, Source]:
    out: dict[str, Source] = {}
    seen: dict[str, str] = {}
    for shown, item in _items(v, path, raw, "sources"):
        if not v.fields(shown, item, "source", {"id", "title", "where"}, {"where_en"}):
            continue
        ident = v.ident(shown, item, "source", seen)
        title = v.text(shown, item, "title", "source")
        where = v.text(shown, item, "where", "source")
        where_en = str(item.get("where_en") or "").strip()
        if ident and title and where:
            out[ident] = Source(ident, title, where, where_en)
    return out


def _check_refs(v: _Validator, shown: str, item: dict, key: str, refs: list[str], known: dict, what: str
                ) -> tuple[str, ...]:
    good = []
    for ref in refs:
        if ref in known:
            good.append(ref)
        else:
            v.add(shown, _line(item, key), f"unknown {what} '{ref}'")
    return tuple(good)


def _load_contacts(v: _Validator, path: Path | None, raw: dict, sources: dict) -> dict[str, Contact]:
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
                v.add(shown, _line(item, key), f"contact '{key}' must be text (leave \"\" when unknown)")
                continue
            details[key] = (value or "").strip()
        refs = v.str_list(shown, item, "sources", "contact", required=False)
        srcs = _check_refs(v, shown, item, "sources", refs, sources, "source")
        audience = tuple(v.str_list(shown, item, "audience", "contact", required=False))
        as_of = _date(item.get("as_of")) if "as_of" in item else None
        if "as_of" in item and as_of is None:
            v.add(shown, _line(item, "as_of"), "contact 'as_of' must be a date YYYY-MM-DD")
        if ident and name and role:
            out[ident] = Contact(ident, name, role, audience, details, srcs, as_of)
    return out


def _load_smalltalk(v: _Validator, path: Path | None, raw: dict) -> dict[str, SmallTalk]:
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


def _load_entries(v: _Validator, files: list[Path], raw: dict, topics: dict, sources: dict,
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
    for shown, item, related in pending_related:
        for ref in related:
            if ref not in seen:
                v.add(shown, _line(item, "related"), f"unknown related entry '{ref}'")
    return out


def _load_entry(v: _Validator, shown: str, item: Any, topics: dict, sources: dict, contacts: dict,
                seen: dict[str, str], phrasings: dict[str, tuple[str, str, str]]) -> Entry | None:
    if not v.fields(shown, item, "entry", ENTRY_FIELDS, ENTRY_OPTIONAL):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            seen.setdefault(item["id"], f"{shown}:{_line(item, 'id')}")
        return None
    ident = v.ident(shown, item, "entry", seen)
    ok = ident is not None
    topic = item.get("topic")
    if topic not in topics:
        v.add(shown, _line(item, "topic"), f"unknown topic '{topic}'")
        ok = False
    questions: dict[str, tuple[str, ...]] = {}
    qblock = item.get("questions")
    if v.fields(shown, qblock if isinstance(qblock, dict) else _Map(), "entry 'questions'", set(LANGS)):
        for lang in LANGS:
            qs = v.str_list(shown, qblock, lang, f"questions.{lang} of entry")
            if len(qs) < MIN_QUESTIONS[lang]:
                v.add(shown, _line(qblock, lang),
                      f"entry needs at least {MIN_QUESTIONS[lang]} '{lang}' phrasings (has {len(qs)})")
            lines = qblock[lang].item_lines if isinstance(qblock.get(lang), _List) else []
            for i, q in enumerate(qs):
                key = phrasing_key(q)
                line = lines[i] if i < len(lines) else _line(qblock, lang)
                if not key:
                    v.add(shown, line, f"phrasing {q!r} has no words")
                    continue
                prior = phrasings.get(key)
                if prior and prior[0] != ident:
                    v.add(shown, line,
                          f"phrasing {q!r} also belongs to entry '{prior[0]}' ({prior[1]}:{prior[2]})")
                elif prior:
                    v.add(shown, line, f"phrasing {q!r} is repeated in the same entry")
                else:
                    phrasings[key] = (ident or "?", shown, str(line))
            questions[lang] = tuple(qs)
    else:
        ok = False
    answer = v.lang_texts(shown, item, "answer", "entry")
    for lang, text in answer.items():
        if len(text) > MAX_ANSWER_CHARS:
            v.add(shown, _line(item["answer"], lang),
                  f"answer.{lang} is {len(text)} characters; at most {MAX_ANSWER_CHARS} fit a message")
    if len(answer) != len(LANGS) or not all(answer.values()):
        ok = False
    refs = v.str_list(shown, item, "sources", "entry")
    srcs = _check_refs(v, shown, item, "sources", refs, sources, "source")
    if not refs:
        v.add(shown, _line(item, "sources"), "entry must name at least one source")
    if len(srcs) != len(refs) or not srcs:
        ok = False
    as_of = _date(item.get("as_of"))
    if as_of is None:
        v.add(shown, _line(item, "as_of"), "entry 'as_of' must be a date YYYY-MM-DD")
        ok = False
    keywords = v.str_list(shown, item, "keywords", "entry", required=False)
    related = v.str_list(shown, item, "related", "entry", required=False)
    contact = item.get("contact")
    if contact is not None and contact not in contacts:
        v.add(shown, _line(item, "contact"), f"unknown contact '{contact}'")
        ok = False
    answers = v.str_list(shown, item, "answers", "entry", required=False)
    kinds = set(qtype.QUESTION_TYPES) | set(qtype.NOT_HELD_KINDS)
    for kind in answers:
        if kind not in kinds:
            v.add(shown, _line(item, "answers"), f"unknown kind '{kind}' in answers (known: {', '.join(sorted(kinds))})")
    if not ok:
        return None
    return Entry(
        id=ident, topic=topic, questions=questions, answer=answer, sources=srcs, as_of=as_of,
        keywords=tuple(keywords), related=tuple(related), contact=contact,
        origin=f"{shown}:{_line(item, 'id')}", answers=tuple(k for k in answers if k in kinds),
    )
