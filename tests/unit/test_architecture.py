"""The house rules of the code itself: dependencies point one way (`ui -> knowledge_base -> rules`,
`ui -> elicitation -> rules`), no module imports itself round a cycle (imports inside functions
count too), no product module is over 600 lines or has a function over 80, and every package
exports exactly what its `__all__` says."""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rules", "elicitation", "knowledge_base", "ui")
# What each top-level package may import of the others (itself always).
ALLOWED = {
    "rules": set(),
    "elicitation": {"rules"},
    "knowledge_base": {"rules"},
    "ui": {"rules", "elicitation", "knowledge_base"},
}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_files() -> dict[str, Path]:
    """Every module of the four packages, by its dotted name."""
    return {module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


MODULES = product_files()


def imported(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """The project modules this module imports anywhere in its body (functions included), with the
    line: `from a import b` names module `a.b` where that is a module, else `a`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]  # `import a.b.c` of a name inside a module
            if target and target != name:
                yield target, node.lineno


def import_graph() -> dict[str, set[str]]:
    return {name: {t for t, _ in imported(name, path)} for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_walk_sees_imports_inside_functions_and_relative_ones(tmp_path: Path) -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "knowledge_base.models" in {
        t for t, _ in imported("knowledge_base.policies", MODULES["knowledge_base.policies"])
    }
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from rules.model import Rule\n    from .engine import Engine\n", encoding="utf-8")
    assert {t for t, _ in imported("rules.sample", source)} == {"rules.model", "rules.engine"}


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert cycles(import_graph()) == []


def test_dependencies_point_one_way() -> None:
    wrong = [
        f"{name} imports {target} (line {line})"
        for name, path in MODULES.items()
        for target, line in imported(name, path)
        if (top := target.split(".")[0]) != name.split(".")[0] and top not in ALLOWED[name.split(".")[0]]
    ]
    assert wrong == []


def _product_modules() -> Iterator[tuple[str, Path]]:
    for name, path in MODULES.items():
        if "migrations" not in path.parts:
            yield name, path


def test_no_product_module_is_over_600_lines() -> None:
    long = {
        name: n for name, path in _product_modules() if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_80_lines() -> None:
    long = [
        f"{name}.{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for name, path in _product_modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


PACKAGE_INITS = sorted(
    name for name, path in MODULES.items() if path.name == "__init__.py" and "migrations" not in path.parts
)


@pytest.mark.parametrize("package", PACKAGE_INITS)
def test_each_package_exports_what_its_all_says(package: str) -> None:
    module = importlib.import_module(package)
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert sorted(getattr(module, "__all__", [])) == sorted(public)
