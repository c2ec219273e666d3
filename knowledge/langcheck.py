"""The shape of synonyms.yaml and stopwords.yaml: a group written as a string or a number where a
list belongs must be reported by `kb validate`, not crash the bot when it builds its lexicon."""

from __future__ import annotations

from collections.abc import Mapping


def _word(value: object) -> bool:
    """A word or phrase: text, or a number YAML read as one (119 is the word "119")."""
    return (isinstance(value, str) and bool(value.strip())) or (
        isinstance(value, int | float) and not isinstance(value, bool))


def _words(value: object) -> bool:
    return isinstance(value, list) and all(_word(v) for v in value)


def _unquoted(value: object) -> str:
    """The hint for a list holding true/false: YAML reads a bare yes, no, on, off as those."""
    if isinstance(value, list) and any(isinstance(v, bool) for v in value):
        return " (put quotes around yes, no, on, off, true and false: \"no\")"
    return ""


def check_synonyms(data: object) -> list[tuple[str, str]]:
    """Problems in a ``synonyms.yaml`` mapping, as (key, message)."""
    if not isinstance(data, Mapping):
        return [("", "synonyms.yaml must be a mapping")]
    problems: list[tuple[str, str]] = []
    abbreviations = data.get("abbreviations") or {}
    if not isinstance(abbreviations, Mapping):
        problems.append(("abbreviations", "'abbreviations' must be a mapping of shorthand -> full form"))
    else:
        for key, value in abbreviations.items():
            if not _word(key) or not _word(value):
                problems.append((f"abbreviations.{key}", "an abbreviation and its full form must be words"))
    contextual = data.get("contextual") or {}
    if not isinstance(contextual, Mapping):
        problems.append(("contextual", "'contextual' must be a mapping"))
    else:
        for key, rule in contextual.items():
            if not isinstance(rule, Mapping) or not _word(rule.get("near_number")) or not (
                    rule.get("otherwise") is None or _word(rule.get("otherwise"))):
                problems.append((f"contextual.{key}",
                                 "needs 'near_number' (and optionally 'otherwise') as words"))
    groups = data.get("synonyms") or []
    if not isinstance(groups, list):
        problems.append(("synonyms", "'synonyms' must be a list of groups, each a list of phrases"))
    else:
        for n, group in enumerate(groups, 1):
            if not _words(group) or not group:
                problems.append(("synonyms", f"group {n} must be a list of phrases, like "
                                 "[kiều bào, việt kiều]" + _unquoted(group)))
    padding = data.get("padding") or {}
    if not isinstance(padding, Mapping):
        problems.append(("padding", "'padding' must be a mapping with 'leading', 'trailing', 'particles'"))
    else:
        for part in ("leading", "trailing", "particles"):
            if not _words(padding.get(part) or []):
                problems.append((f"padding.{part}", f"'{part}' must be a list of phrases"
                                 + _unquoted(padding.get(part))))
    if not _words(data.get("other_places") or []):
        problems.append(("other_places", "'other_places' must be a list of place names"))
    return problems


def check_stopwords(data: object) -> list[tuple[str, str]]:
    """Problems in a ``stopwords.yaml`` mapping, as (key, message)."""
    if not isinstance(data, Mapping):
        return [("", "stopwords.yaml must be a mapping with 'vi' and 'en'")]
    # "other": words of other languages people mix in, optional
    return [(lang, f"'{lang}' must be a list of words" + _unquoted(data.get(lang)))
            for lang in ("vi", "en", "other") if not _words(data.get(lang) or [])]
