"""The shape of the package: no import cycle inside catalog/, and no heavy import where a query
command starts (the query commands never import Scrapy; SQLAlchemy and pydantic stay out of
their read path)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "catalog"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _top_level_imports(name: str, path: Path) -> set[str]:
    """The catalog modules NAME imports when it is imported (not inside functions, not for typing)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m in MODULES and m != name}


def test_no_import_cycle_inside_catalog():
    graph = {name: _top_level_imports(name, path) for name, path in MODULES.items()}
    # the package's __init__ is the front door: it imports its parts, none of them imports it back
    # except for constants defined before its imports (catalog.__version__, USER_AGENT)
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        for nxt in graph[node]:
            if nxt == "catalog":
                continue  # the package itself: its constants are set before it imports anything
            if nxt in stack:
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in done:
                visit(nxt, [*stack, nxt])
        done.add(node)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("module", ["catalog", "catalog.api", "catalog.reader", "catalog.cli"])
def test_the_read_path_imports_neither_scrapy_nor_sqlalchemy_nor_pydantic(module):
    code = (f"import sys, {module}; "
            "print(sorted(m for m in ('scrapy', 'sqlalchemy', 'pydantic', 'alembic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
