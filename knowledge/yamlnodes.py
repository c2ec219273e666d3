"""YAML read into plain dicts and lists that remember the line of every key and item.

Validation messages point at a line, which ``safe_load`` forgets. So a file is composed into
nodes (libyaml's composer when installed, ten times faster) and the values are built here from
the nodes, whose start marks give the lines. Text, mappings and lists, nearly every node, are
built directly; anything else (numbers, dates, booleans, explicit tags) goes to PyYAML's safe
constructor, so the values are exactly what ``safe_load`` gives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


class LinedDict(dict):
    """A mapping with its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict


class LinedList(list):
    """A list with its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list


def line_of(obj: Any, key: Any = None, default: int = 1) -> int:
    """Where ``obj`` (or its ``key``) starts, for a problem report; ``default`` for plain values."""
    if key is not None and isinstance(obj, LinedDict):
        return obj.key_lines.get(key, obj.line)
    return getattr(obj, "line", default)


# Errors whose context mark is where the unfinished thing began, on the line the person broke: a key
# without its ':', a quote never closed, a block scalar.
_STARTED_HERE = ("while scanning a simple key", "while scanning a quoted scalar",
                 "while scanning a block scalar")

_OPEN_OR_COMMA = (yaml.FlowEntryToken, yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)


def error_line(text: str, exc: yaml.MarkedYAMLError) -> int:
    """The line (1-based) a person most likely broke, which is often not where PyYAML noticed.

    The problem mark is where the parser gave up: after a quote left open or a ':' dropped, the
    text that follows is read as part of one value, so the mark lands lines below the mistake.
    The context mark is no better in general (for a block mapping it is the mapping's first line).
    So: an unfinished key, quote or block scalar is reported where it began; in a ``[…]`` list, a
    line that ends with neither ',' nor ']' before the problem; a quoted value, or a key that lost
    its ':', read across several lines up to the problem, where it began.
    """
    last = len(text.splitlines()) or 1  # the end of the text, not the empty line after it
    return max(1, min(_error_line(text, exc), last))


def _error_line(text: str, exc: yaml.MarkedYAMLError) -> int:
    problem, context = exc.problem_mark, exc.context_mark
    if problem is None:
        return context.line + 1 if context is not None else 1
    if context is not None and exc.context in _STARTED_HERE and context.line <= problem.line:
        return context.line + 1
    tokens = _tokens_before(text, problem.index)
    if context is not None and (exc.context or "").startswith("while parsing a flow"):
        inside = [tok for tok in tokens if tok.start_mark.index >= context.index]
        starts = [tok.start_mark.line for tok in inside[1:]] + [problem.line] if inside else []
        for prev, next_line in zip(inside, starts, strict=True):
            runs_on = prev.end_mark.line > prev.start_mark.line
            if isinstance(prev, yaml.ScalarToken) and not prev.style and runs_on:
                return prev.start_mark.line + 1  # a plain word runs on to the next line in a list
            if next_line > prev.end_mark.line and not isinstance(prev, _OPEN_OR_COMMA):
                return prev.end_mark.line + 1
        return problem.line + 1
    before = tokens[-1] if tokens else None
    if isinstance(before, yaml.ScalarToken) and before.start_mark.line < before.end_mark.line:
        start = before.start_mark
        line_start = text.rfind("\n", 0, start.index) + 1
        if before.style in ('"', "'") or (not before.style and not text[line_start:start.index].strip(" -")):
            return start.line + 1
    return problem.line + 1


def _tokens_before(text: str, index: int) -> list[yaml.Token]:
    """The tokens that end before ``index``; the scanner may itself fail on the way."""
    out: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.end_mark.index > index:
                break
            if not isinstance(token, yaml.BlockEndToken | yaml.StreamStartToken):
                out.append(token)
    except yaml.YAMLError:
        pass
    return out


def read_yaml(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The document's value and its repeated keys as (line, key); raises yaml.YAMLError."""
    node = yaml.compose(text, Loader=_Loader)
    builder = _Builder()
    return (None if node is None else builder.build(node)), builder.duplicates


class _Builder:
    def __init__(self) -> None:
        self.duplicates: list[tuple[int, str]] = []
        self._built: dict[int, Any] = {}  # id(node) -> value, so an alias gives the same object
        self._open: set[int] = set()  # nodes being built, to refuse one that contains itself
        self._safe = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        is_map = tag == _MAP and isinstance(node, yaml.MappingNode)
        if not is_map and not (tag == _SEQ and isinstance(node, yaml.SequenceNode)):
            return self._safe.construct_object(node, deep=True)
        key = id(node)
        if key in self._built:
            return self._built[key]
        if key in self._open:
            raise yaml.constructor.ConstructorError(None, None, "found unconstructable recursive node",
                                                    node.start_mark)
        self._open.add(key)
        value = self._mapping(node) if is_map else self._sequence(node)
        self._open.discard(key)
        self._built[key] = value
        return value

    def _mapping(self, node: yaml.MappingNode) -> LinedDict:
        merged = 0
        if any(k.tag == _MERGE for k, _ in node.value):
            own = sum(k.tag != _MERGE for k, _ in node.value)
            self._safe.flatten_mapping(node)  # '<<: *base' puts the base's pairs first, as safe_load does
            merged = len(node.value) - own
        out = LinedDict()
        out.line = node.start_mark.line + 1
        lines = out.key_lines = {}
        inherited: set[Any] = set()
        for i, (key_node, value_node) in enumerate(node.value):
            if key_node.tag == _STR and isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
            else:
                key = self._safe.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool | dt.date) or key is None:
                    key = str(key)  # a list or mapping as a key: unhashable, kept as its text
            line = key_node.start_mark.line + 1
            if key in out and key not in inherited:
                self.duplicates.append((line, str(key)))
            out[key] = self.build(value_node)
            lines[key] = line
            if i < merged:
                inherited.add(key)  # a key of its own may override it: no repeat
            else:
                inherited.discard(key)
        return out

    def _sequence(self, node: yaml.SequenceNode) -> LinedList:
        out = LinedList([self.build(child) for child in node.value])
        out.line = node.start_mark.line + 1
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out
