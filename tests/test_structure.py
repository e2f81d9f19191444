"""The architecture as tests: layers point one way, no cycles, small files and functions, typed public API.

The layers, lowest first (README, "Architecture"): a module may import its own layer or a lower
one, never a higher one; the command-line modules are imported by nobody; no module reaches
into another's private names; only `core.settings` knows the `MNIST_LAB_*` variables.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from core.settings import REPO_ROOT

# Most specific prefix wins. Same layer may import each other (the cycle test keeps that honest).
LAYERS = {
    "core.settings": 0,
    "core.datasets": 1, "core.i18n": 1, "core.classroom": 1,
    "core.lecture.spec": 2, "core.training.summary": 2,
    "core.lecture": 3, "core.models.card": 3,
    "core.lecture.network": 4, "core.models": 4, "core.drawing": 4, "core.training": 4,
    "core.training.trainer": 5, "core.models.evaluation": 5, "core.drawing.inference": 5,
    "core.runs": 6,
    "core.charts": 7,
    "core.data": 8, "core.train": 8, "core.evaluate": 8, "core.predict": 8, "core.models.__main__": 8,
    "ui": 9,
    "app": 10, "pages": 10,
}
COMMAND_LINES = {"core.data", "core.train", "core.evaluate", "core.predict", "core.models.__main__"}
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60


def tracked_python_files() -> list[Path]:
    """Every Python file git tracks (or is about to: new files count too)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return [REPO_ROOT / name for name in listed if (REPO_ROOT / name).is_file()]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) for every import in the file, lazy ones inside functions included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.extend((alias.name, [], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def layer_of(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, layer)
    return best[1] if best else None


def resolve(module: str, names: list[str]) -> list[str]:
    """`from core.runs import store` imports the module core.runs.store: name the modules really imported."""
    modules = []
    for name in names:
        candidate = f"{module}.{name}"
        if (REPO_ROOT / Path(*candidate.split("."))).with_suffix(".py").is_file():
            modules.append(candidate)
    return modules or [module]


APP_FILES = [path for path in tracked_python_files() if layer_of(module_name(path)) is not None]
CORE_FILES = [path for path in APP_FILES if module_name(path).startswith("core")]


def edges() -> list[tuple[str, str, int]]:
    result = []
    for path in APP_FILES:
        for module, names, line in imports_of(path):
            for target in resolve(module, names):
                if layer_of(target) is not None:
                    result.append((module_name(path), target, line))
    return result


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    wrong = [f"{source} (layer {layer_of(source)}) imports {target} (layer {layer_of(target)}) at line {line}"
             for source, target, line in edges() if layer_of(target) > layer_of(source)]
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_command_line_module():
    wrong = [f"{source} imports {target}" for source, target, _ in edges() if target in COMMAND_LINES and source != target]
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for path in APP_FILES + [p for p in tracked_python_files() if p.parts[-2] in ("bench", "harness")]:
        for module, names, line in imports_of(path):
            wrong.extend(f"{module_name(path)}:{line} imports {module}.{name}" for name in names
                         if name.startswith("_") and not name.startswith("__") and name != "_")  # _: gettext
    assert not wrong, "\n".join(wrong)


def test_there_are_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for source, target, _ in edges():
        if source != target:
            graph.setdefault(source, set()).add(target)
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_core_never_imports_streamlit():
    wrong = [f"{module_name(path)}:{line}" for path in CORE_FILES for module, _, line in imports_of(path)
             if module.split(".")[0] in ("streamlit", "streamlit_drawable_canvas")]
    assert not wrong, "\n".join(wrong)


def test_no_file_is_longer_than_300_lines():
    long = [f"{path.relative_to(REPO_ROOT)}: {count} lines" for path in tracked_python_files()
            if (count := len(path.read_text().splitlines())) > MAX_FILE_LINES]
    assert not long, "\n".join(long)


def test_no_function_is_longer_than_60_lines():
    long = []
    for path in tracked_python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert not long, "\n".join(long)


def public_functions(path: Path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            yield from (item for item in node.body if isinstance(item, ast.FunctionDef)
                        and not item.name.startswith("_"))


def test_public_functions_of_core_have_type_hints_and_a_docstring():
    missing = []
    for path in CORE_FILES:
        for function in public_functions(path):
            arguments = [a for a in function.args.args + function.args.kwonlyargs if a.arg not in ("self", "cls")]
            where = f"{module_name(path)}.{function.name}"
            if ast.get_docstring(function) is None:
                missing.append(f"{where}: no docstring")
            if function.returns is None or any(a.annotation is None for a in arguments):
                missing.append(f"{where}: missing type hints")
    assert not missing, "\n".join(missing)


def test_every_core_module_has_a_test_module():
    missing = []
    for path in CORE_FILES:
        relative = path.relative_to(REPO_ROOT)
        if relative.name == "__init__.py":
            continue
        expected = REPO_ROOT / "tests" / relative.parent / f"test_{relative.name}"
        if not expected.is_file():
            missing.append(f"{relative} has no {expected.relative_to(REPO_ROOT)}")
    assert not missing, "\n".join(missing)


def code_strings(path: Path) -> list[str]:
    """String constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_only_the_settings_module_names_the_environment_variables():
    wrong = [module_name(path) for path in CORE_FILES + [REPO_ROOT / "app.py"]
             if module_name(path) != "core.settings" and any("MNIST_LAB_" in text for text in code_strings(path))]
    assert not wrong, wrong


@pytest.mark.parametrize("suffix", ["*.py", "*.md"])
def test_references_point_inside_the_repository(suffix):
    """Every `something.md` a file names exists in the repository, and none points at a folder beside it."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", suffix], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    wrong = []
    for name in listed:
        text = (REPO_ROOT / name).read_text()
        if re.search(r"\.\./shared|shared/(docs|data|seeds)", text):
            wrong.append(f"{name}: points at the shared folder outside the repository")
        for reference in set(re.findall(r"(?<![\w/.-])((?:[\w-]+/)*[A-Z][A-Z_]+\.md)\b", text)):
            if not any((base / reference).is_file() for base in (REPO_ROOT, (REPO_ROOT / name).parent)):
                wrong.append(f"{name}: names {reference}, which is not in the repository")
    assert not wrong, "\n".join(wrong)
