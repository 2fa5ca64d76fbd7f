"""The packages' layering, read from the source (every import statement, at module level or inside
a function, ``TYPE_CHECKING`` blocks included): no import circle among the assistant's modules, the
assistant, indexer and eval never import the bots, the indexer never imports the assistant, and the
kernel (``plans/``: settings and errors) imports no other package of the project."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module name an import statement of the file names (``from a import b`` gives ``a`` and
    ``a.b``: ``b`` may be a module), relative imports resolved."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                stem = package[: len(package) - node.level + 1]
                base = ".".join([*stem, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


def _graph(package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports."""
    files = {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}
    return {m: {t for t in _imports(p) if t in files and t != m} for m, p in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _importers_of(target: str, packages: tuple[str, ...]) -> list[str]:
    """``file: imported module`` for each import of ``target`` (or its submodules) in ``packages``."""
    hits = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            for m in sorted(_imports(path)):
                if m == target or m.startswith(target + "."):
                    hits.append(f"{path.relative_to(ROOT)}: {m}")
    return hits


def test_the_graph_reader_sees_the_imports() -> None:
    graph = _graph("assistant")
    assert "assistant.service" in graph and "assistant.kinds.order" in graph
    assert "assistant.answering" in graph["assistant.service"]
    assert "assistant.vocab" in graph["assistant.listing"]  # ``from assistant import vocab``
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_among_the_assistant_modules() -> None:
    assert _cycles(_graph("assistant")) == []


def test_nothing_below_the_bots_imports_them() -> None:
    assert _importers_of("bots", ("assistant", "indexer", "eval")) == []


def test_the_indexer_does_not_import_the_assistant() -> None:
    assert _importers_of("assistant", ("indexer",)) == []


PROJECT = ("indexer", "assistant", "bots", "eval", "bench", "tests")


def test_the_kernel_imports_nothing_else_of_the_project() -> None:
    """``plans/`` holds settings and errors, which everything imports; it imports no other package of
    the project (the command line lives in ``bots/cli.py``, with the other interfaces)."""
    assert sorted(p.name for p in (ROOT / "plans").glob("*.py")) == ["__init__.py", "errors.py", "settings.py"]
    assert [hit for target in PROJECT for hit in _importers_of(target, ("plans",))] == []


def test_the_kernel_check_sees_an_import_of_another_package(tmp_path, monkeypatch) -> None:
    """The check above fails when a module of ``plans/`` imports another package of the project."""
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "cli.py").write_text("def main():\n    from assistant.service import Assistant\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert _importers_of("assistant", ("plans",)) == ["plans/cli.py: assistant.service",
                                                     "plans/cli.py: assistant.service.Assistant"]
