"""Everything the bot says that is not knowledge-base content, in both languages.

The wording lives in texts.yaml so the officials who own the bot can review it without reading
Python. It is read once at import and checked then, so a missing translation or a placeholder
that only one language has stops the bot at start-up instead of surfacing as a KeyError in a chat.
"""

from __future__ import annotations

import string
from pathlib import Path

import yaml

LANGS = ("vi", "en")
TEXTS_FILE = Path(__file__).with_name("texts.yaml")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class CatalogueError(ValueError):
    """The texts file is not a valid catalogue; the message names the file and the key."""


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields ``str.format`` would fill in ``text``."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def load_catalogue(path: Path = TEXTS_FILE) -> dict[str, dict[str, str]]:
    """Read and check a catalogue: each key once, a text per language, the same placeholders in each.

    Walks the composed nodes rather than ``safe_load`` so a repeated key (which YAML would let
    silently win) is caught, and so every problem names its line.
    """
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise CatalogueError(f"{path}: expected a mapping of text keys")
    texts: dict[str, dict[str, str]] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        where = f"{path}:{key_node.start_mark.line + 1}: '{key}'"
        if key in texts:
            raise CatalogueError(f"{where} appears twice")
        langs = _strings(value_node) if isinstance(value_node, yaml.MappingNode) else {}
        if set(langs) != set(LANGS) or not all(langs.values()):
            raise CatalogueError(f"{where} needs a non-empty text for each of {', '.join(LANGS)}")
        try:
            fields = {lang: placeholders(text) for lang, text in langs.items()}
        except ValueError as exc:
            raise CatalogueError(f"{where}: {exc}") from exc
        if fields["vi"] != fields["en"]:
            raise CatalogueError(
                f"{where} placeholders differ: vi {sorted(fields['vi'])}, en {sorted(fields['en'])}"
            )
        texts[key] = {lang: langs[lang] for lang in LANGS}
    return texts


def _strings(node: yaml.MappingNode) -> dict[str, str]:
    """The language -> text pairs of one key; a value that is not a plain string counts as missing."""
    return {
        k.value: v.value if isinstance(v, yaml.ScalarNode) and v.tag == _STR else ""
        for k, v in node.value
    }


TEXTS: dict[str, dict[str, str]] = load_catalogue()


def t(key: str, lang: str, **kwargs: str) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese for a language the catalogue lacks), filled in."""
    text = TEXTS[key].get(lang) or TEXTS[key]["vi"]
    return text.format(**kwargs) if kwargs else text
