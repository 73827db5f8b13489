"""The code's shape: no import cycles, the catalog independent of plans, one feature one folder.

Read from the source with `ast`, so these run without any service (`manage.py test --quick`).
Every import counts, including those inside functions: a cycle hidden in a function is still a
cycle a reader has to untangle. Imports under `if TYPE_CHECKING:` are for type checkers only.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("harmplan", "plans", "strategies")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    is_package = path.name == "__init__.py"
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                targets.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    name = ".".join([*base, child.module] if child.module else base)
                else:
                    name = child.module or ""
                targets.add(name)
                # `from package import module` imports the module.
                targets.update(f"{name}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(), filename=str(path)))
    return {target for target in targets if target in known and target != module}


def import_graph() -> dict[str, set[str]]:
    known = _modules()
    return {module: _imports(module, path, known) for module, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_catalog_knows_nothing_of_plans():
    graph = import_graph()
    offenders = {
        module: sorted(t for t in targets if t.split(".")[0] == "plans")
        for module, targets in graph.items()
        if module.split(".")[0] == "strategies"
    }
    assert {module: found for module, found in offenders.items() if found} == {}


def test_feature_packages_have_their_parts():
    # Progress only reads: it has pages and statistics, no forms and no writes.
    parts = {
        "goals": ("urls", "views", "forms", "services"),
        "checkins": ("urls", "views", "forms", "services"),
        "progress": ("urls", "views", "stats"),
        "reminders": ("urls", "views", "forms", "services", "tasks"),
        "reports": ("urls", "views", "forms", "services"),
        "records": ("urls", "views", "forms", "services", "tasks"),
        # Today only reads, and lives at "/" (harmplan.views.home): no URLs, forms or writes.
        "today": ("views", "selectors", "feedback"),
    }
    for feature, names in parts.items():
        for name in ("__init__", *names):
            assert (ROOT / "plans" / feature / f"{name}.py").exists(), f"plans/{feature}/{name}.py"


def test_every_package_says_what_lives_there():
    for init in (ROOT / name for name in PACKAGES):
        for path in init.rglob("__init__.py"):
            if {"migrations", "commands", "management"} & set(path.parts):
                continue
            docstring = ast.get_docstring(ast.parse(path.read_text()))
            assert docstring, f"{path.relative_to(ROOT)} has no docstring"


def test_no_template_tags_run_queries():
    # Whatever a page costs is visible in its view.
    for package in PACKAGES:
        assert not list((ROOT / package).rglob("templatetags/*.py")), package
