"""The layers' import rules: ``handlers/`` never imports ``bot/``; ``knowledge/`` imports neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    """The top-level package of every import in the file, wherever it stands (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(("layer", "forbidden"), [("handlers", {"bot"}), ("knowledge", {"bot", "handlers"})])
def test_layer_imports_nothing_above_it(layer: str, forbidden: set[str]):
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): sorted(imported_packages(f) & forbidden) for f in files}
    assert {f: names for f, names in offenders.items() if names} == {}


def test_the_check_sees_imports_inside_functions(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    from bot.kbexport import dump_entries\n")
    assert imported_packages(sample) == {"os", "bot"}
