"""The texts catalogue: it loads and is checked, and the code names its keys in full."""

from __future__ import annotations

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from handlers.texts import LANGS, TEXTS, TEXTS_FILE, CatalogueError, load_catalogue, placeholders, t

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("handlers", "bot", "knowledge")


def test_catalogue_loads_complete_and_in_step():
    raw = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    assert load_catalogue() == TEXTS == raw
    assert len(TEXTS) > 200
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert placeholders(texts["vi"]) == placeholders(texts["en"]), key


def test_package_data_ships_the_catalogue():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"].get("handlers", [])
    assert any(fnmatch(TEXTS_FILE.name, pattern) for pattern in patterns)


def test_t_formats_and_falls_back_to_vietnamese():
    assert t("pick_number", "en", numbers="1, 2") == "Type 1, 2 to choose."
    assert t("source", "fr") == TEXTS["source"]["vi"]
    with pytest.raises(KeyError):
        t("no_such_key", "vi")


@pytest.mark.parametrize(("body", "message"), [
    ("a:\n  vi: x\n  en: y\nb:\n  vi: x\n", ":4: 'b' needs a non-empty text for each of vi, en"),
    ("a:\n  vi: x\n  en: ''\n", ":1: 'a' needs a non-empty text"),
    ("a:\n  vi: x\n  en: y\n  fr: z\n", ":1: 'a' needs a non-empty text"),
    ("a:\n  vi: x\n  en: 12\n", ":1: 'a' needs a non-empty text"),
    ("a: x\n", ":1: 'a' needs a non-empty text"),
    ("a:\n  vi: '{n} mục'\n  en: '{count} entries'\n", ":1: 'a' placeholders differ: vi ['n'], en ['count']"),
    ("a:\n  vi: '{n'\n  en: '{n}'\n", ":1: 'a': "),
    ("a:\n  vi: x\n  en: y\na:\n  vi: x\n  en: y\n", ":4: 'a' appears twice"),
    ("- a\n", ": expected a mapping of text keys"),
    ("a: [\n", ": not valid YAML"),
])
def test_bad_catalogue_is_refused_naming_line_and_key(tmp_path: Path, body: str, message: str):
    path = tmp_path / "texts.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert str(caught.value).startswith(f"{path}{message}")


# -- how the code uses the keys ----------------------------------------------------------------------
def _sources() -> list[tuple[str, ast.Module]]:
    out = []
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            out.append((path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _is_admin(rel: str) -> bool:
    return rel == "handlers/admin.py" or rel.startswith("handlers/admin/")


def _leading_literal(node: ast.AST) -> str | None:
    """The fixed start of a string assembled at run time (f-string, +, %, .format), else None."""
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return first.value if isinstance(first, ast.Constant) else ""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        left = node.left
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            return left.value
        return _leading_literal(left)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
        return node.func.value.value.split("{")[0]
    return None


def built_keys() -> list[tuple[str, int, str]]:
    """Strings assembled at run time whose fixed start begins some text key: keys a search can't find."""
    found = []
    for rel, tree in _sources():
        for node in ast.walk(tree):
            start = _leading_literal(node)
            if start and len(start) >= 3 and any(k.startswith(start) and k != start for k in TEXTS):
                found.append((rel, node.lineno, ast.unparse(node)))
    return found


def unnamed_keys() -> list[str]:
    """Catalogue keys that appear nowhere in the code as a literal string."""
    literals = {
        node.value
        for rel, tree in _sources() if rel != "handlers/texts.py"
        for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    return [key for key in TEXTS if key not in literals]


def test_every_literal_key_passed_to_t_exists():
    missing = []
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t":
                arg = node.args[0]
                for choice in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                    if isinstance(choice, ast.Constant) and choice.value not in TEXTS:
                        missing.append(f"{rel}:{node.lineno}: {choice.value}")
    assert missing == []


def test_the_scan_finds_a_built_key():
    tree = ast.parse('t(f"fb_{step}", lang)\nt("adm_import_" + k, lang)\nx = f"{a}_b"')
    starts = [_leading_literal(n) for n in ast.walk(tree)]
    assert "fb_" in starts and "adm_import_" in starts and "" in starts


def test_no_text_keys_built_at_run_time_outside_admin():
    assert [hit for hit in built_keys() if not _is_admin(hit[0])] == []
    assert [key for key in unnamed_keys() if not key.startswith("adm_")] == []


def test_no_text_keys_built_at_run_time_in_admin():
    assert [hit for hit in built_keys() if _is_admin(hit[0])] == []
    assert unnamed_keys() == []
