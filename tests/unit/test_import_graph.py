"""`core/` imports no circle, counting imports inside functions (a lazy import is a circle too); the
workflow package loads without Streamlit."""

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (`workflows/` too: a circle may pass through the tables)."""
    modules = {_module(p): p for top in ("core", "workflows") for p in (ROOT / top).rglob("*.py")}
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            graph[name] |= {target for target in targets if target in modules and target != name}
    return graph


def test_core_has_no_import_circle():
    try:
        TopologicalSorter(import_graph()).prepare()
    except CycleError as err:
        raise AssertionError(f"import circle: {' -> '.join(err.args[1])}") from None


def test_a_circle_is_found():
    graph = import_graph()
    graph["core.accounts.money"].add("core.workflow.engine")  # as if money imported the engine, inside a function
    try:
        TopologicalSorter(graph).prepare()
    except CycleError:
        return
    raise AssertionError("the circle through core.accounts.money was not found")


def test_the_graph_sees_imports_inside_functions():
    assert "core.platform.i18n" in import_graph()["core.platform.errors"]  # imported inside a function only


def test_the_workflow_package_itself_imports_nothing():
    # the tables import core.workflow.spec, which runs core/workflow/__init__.py first: an import there of
    # the engine (which reads the tables through the registry) would be a circle the graph above cannot show
    assert import_graph()["core.workflow"] == set()


def test_importing_the_workflow_package_loads_no_streamlit():
    modules = sorted(_module(p) for p in (ROOT / "core" / "workflow").glob("*.py"))
    code = ("import sys, importlib; "
            f"[importlib.import_module(m) for m in {modules!r}]; print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
