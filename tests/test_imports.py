"""The walls of the house, read from the source: no import cycle among the project's modules, and no import from a
lower layer to a higher one (domain/config ← capture/extractors/checks/signing/storage ← pipeline ← api/jobs/cli),
nor sideways between the stage packages. Deferred imports inside functions count: a cycle hidden in a function is
still a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Layer of each runtime package; harnesses (samples, devtools) sit on top and nothing at run time imports them.
LAYERS = {
    "domain": 0,
    "config": 0,
    "capture": 1,
    "extractors": 1,
    "checks": 1,
    "signing": 1,
    "storage": 1,
    "pipeline": 2,
    "api": 3,
    "jobs": 3,
    "cli": 3,
    "samples": 4,
    "devtools": 4,
}
STAGES = {name for name, layer in LAYERS.items() if layer == 1}


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in LAYERS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts and "versions" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def _imported(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [base, *(f"{base}.{a.name}" for a in node.names)]


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(module, path, node):
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                # A module's own packages are loaded before it by Python itself: an edge to them adds nothing, and
                # a package that re-exports its modules (``from .report import …``) is no cycle with them.
                if name and name != module and not module.startswith(name + "."):
                    deps.add(name)
        graph[module] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_no_import_goes_up_a_layer_or_sideways_between_stages():
    wrong = []
    for module, deps in import_graph().items():
        here = module.split(".")[0]
        for dep in deps:
            there = dep.split(".")[0]
            if LAYERS[there] > LAYERS[here] or (here in STAGES and there in STAGES and here != there):
                wrong.append(f"{module} -> {dep}")
    assert wrong == []


# Entry points inside the stage packages: a stand-alone dev server and Alembic's env script are started on their own,
# so they are where settings are read, like the CLI.
_READS_SETTINGS = {"checks.registries.devserver", "storage.migrations.env"}


def test_stages_take_settings_from_their_caller():
    """Settings are passed down: no module of a stage (or below) reads the process-wide settings itself."""
    readers = []
    for module, path in _modules().items():
        if LAYERS[module.split(".")[0]] > 1 or module in _READS_SETTINGS or module.startswith("config"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "get_settings"
            ):
                readers.append(f"{module}:{node.lineno}")
    assert readers == []
