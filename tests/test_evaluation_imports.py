"""The evaluation package has no import circle: the compiled program depends on its two
evaluators, never the reverse, so that each module can be read (and imported) alone.

Every import statement counts, those under `if TYPE_CHECKING:` and inside functions
included: a circle hidden from the interpreter is still one for a reader.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import fitn7.evaluation

PACKAGE = "fitn7.evaluation"
FOLDER = Path(fitn7.evaluation.__file__).parent


def _module_name(path: Path) -> str:
    return PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"


def _imported(tree: ast.AST) -> set[str]:
    """Every module an `import` or `from … import` of the tree names (absolute imports:
    the package uses no relative ones), with the submodules a `from` names."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            assert node.module is not None
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports."""
    modules = {_module_name(p): p for p in FOLDER.glob("*.py")}
    return {
        name: {m for m in _imported(ast.parse(path.read_text(encoding="utf-8")))
               if m in modules and m != name}
        for name, path in modules.items()
    }


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """A circle of imports (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found is not None:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found is not None:
                return found
    return None


def reachable(graph: Mapping[str, set[str]], start: str) -> set[str]:
    """The modules `start` imports, directly or not."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_cycle_finder_finds_a_circle() -> None:
    """The check below can fail: the circle the package had is found, a chain is not."""
    circle = {"program": {"fastpath", "reference"}, "fastpath": {"program"},
              "reference": {"program"}}
    assert find_cycle(circle) == ["fastpath", "program", "fastpath"]
    assert find_cycle({"program": {"fastpath", "reference"}, "fastpath": {"steps"},
                       "reference": {"steps"}, "steps": set()}) is None


def test_the_evaluation_package_has_no_import_circle() -> None:
    """No module of `fitn7.evaluation` imports itself back through the others."""
    graph = import_graph()
    assert len(graph) >= 10  # the walk found the package
    assert find_cycle(graph) is None


def test_the_program_depends_on_its_evaluators_never_the_reverse() -> None:
    """`program` imports the fast path and the reference; neither reaches `program`."""
    graph = import_graph()
    program = f"{PACKAGE}.program"
    assert {f"{PACKAGE}.fastpath", f"{PACKAGE}.reference"} <= graph[program]
    for evaluator in ("fastpath", "reference"):
        assert program not in reachable(graph, f"{PACKAGE}.{evaluator}"), evaluator


@pytest.mark.parametrize("module", ["reference", "fastpath"])
def test_each_evaluator_imports_alone(module: str) -> None:
    """In a fresh interpreter, an evaluator imports without loading the program."""
    code = (
        "import sys\n"
        f"import {PACKAGE}.{module}\n"
        f"assert '{PACKAGE}.program' not in sys.modules, sorted(sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
