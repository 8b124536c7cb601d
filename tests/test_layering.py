"""Imports go one way (DESIGN.md): web → workers → contests → ideas → search → accounts → core."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RANK = {"core": 0, "accounts": 1, "search": 2, "ideas": 3, "contests": 4, "workers": 5, "web": 6}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(RANK)


def test_imports_only_point_down() -> None:
    wrong: list[str] = []
    for package, rank in RANK.items():
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for target in imported_packages(path):
                allowed = RANK[target] < rank or target == package
                if not allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert wrong == []


def test_no_utils_module_and_nothing_huge() -> None:
    for package in RANK:
        for path in (ROOT / package).rglob("*.py"):
            assert path.stem != "utils", path
            if "migrations" not in path.parts:
                lines = path.read_text(encoding="utf-8").count("\n")
                assert lines <= 600, f"{path.relative_to(ROOT)} has {lines} lines"
