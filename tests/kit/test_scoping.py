"""Rules of the code's shape, read from the source itself (ast, not text search):

- tenant filters are written only in repositories: outside them no query compares a
  `workspace_id` or `project_id` column, takes `.in_` of one, or passes one to `filter_by`
  (the scoped base in kit/repository.py adds the filter; docs: DESIGN §3, CONVENTIONS);
- imports point one way: dialects (secmaster, register) -> domain -> iam/workspaces ->
  kit/models, with no cycle between top-level packages.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

import socdesk

SRC = Path(socdesk.__file__).parent
TENANT_COLUMNS = frozenset({"workspace_id", "project_id"})
SET_OPERATORS = frozenset({"in_", "not_in"})
DIALECTS = frozenset({"secmaster", "register"})
# What may import a dialect: the dialects themselves and what assembles or runs the app.
ABOVE_THE_DOMAIN = DIALECTS | {"app", "cli", "__main__", "web"}
# The lower layers, each with every package it may import.
MAY_IMPORT = {
    "kit": frozenset(),
    "models": frozenset({"kit"}),
    "settings": frozenset({"kit"}),
    "iam": frozenset({"kit", "models", "settings"}),
    "workspaces": frozenset({"kit", "models", "settings", "iam"}),
}


def is_repository(path: PurePosixPath) -> bool:
    """Whether a module (relative to src/socdesk) may write tenant filters by hand."""
    if path.parts[0] in ("models", "migrations"):
        return True
    return (
        path.name == "repository.py"
        or path.name.endswith("_repository.py")
        or "repositories" in path.parts[:-1]
    )


def _names_tenant_column(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in TENANT_COLUMNS


def hand_filters(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, code) of every tenant filter written in `tree`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(op, ast.Eq) for op in node.ops) and any(
                _names_tenant_column(o) for o in operands
            ):
                yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in SET_OPERATORS and _names_tenant_column(node.func.value):
                yield node.lineno, ast.unparse(node)
            elif method == "filter_by" and any(k.arg in TENANT_COLUMNS for k in node.keywords):
                yield node.lineno, ast.unparse(node)


@dataclass(frozen=True, slots=True)
class Module:
    path: PurePosixPath  # relative to src/socdesk
    name: str  # socdesk.kit.repository
    tree: ast.Module

    @property
    def top(self) -> str:
        """The top-level package or module it belongs to: kit, app, settings..."""
        return self.path.parts[0].removesuffix(".py")


def _modules() -> list[Module]:
    found = []
    for file in sorted(SRC.rglob("*.py")):
        path = PurePosixPath(file.relative_to(SRC).as_posix())
        parts = ["socdesk", *path.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found.append(Module(path, ".".join(parts), ast.parse(file.read_text(), str(file))))
    return found


MODULES = _modules()


def imports(module: Module) -> Iterator[tuple[int, str]]:
    """(line, module name) of every socdesk import in `module`, at any depth (one inside a
    function or under TYPE_CHECKING is a dependency too)."""
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] if base != "socdesk" else [_in_socdesk(a.name) for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith("socdesk."):
                yield node.lineno, name


def _in_socdesk(name: str) -> str:
    """What `from socdesk import name` imports: a module or package, or the package itself."""
    is_module = (SRC / f"{name}.py").exists() or (SRC / name).is_dir()
    return f"socdesk.{name}" if is_module else "socdesk.__init__"


def _top(name: str) -> str:
    return name.split(".")[1]


def test_tenant_filters_are_written_only_in_repositories() -> None:
    found = [
        f"src/socdesk/{module.path}:{line}: {code}"
        for module in MODULES
        if not is_repository(module.path)
        for line, code in sorted(hand_filters(module.tree))
    ]
    assert not found, "a tenant filter outside a repository (use kit/repository.py):\n" + (
        "\n".join(found)
    )


@pytest.mark.parametrize(
    "code",
    [
        "select(A).where(A.workspace_id == scope.workspace_id)",
        "select(A).where(x == A.project_id)",
        "exists().where(T.workspace_id == Incident.workspace_id)",
        "select(A).where(A.id == 1, A.workspace_id == w)",
        "select(A).where(A.workspace_id.in_(ids))",
        "select(A).where(A.project_id.not_in(ids))",
        "session.query(A).filter_by(workspace_id=w)",
        "update(A).where(and_(A.project_id == p, A.id == i))",
    ],
)
def test_the_scoping_check_finds_every_form_of_hand_filter(code: str) -> None:
    assert [line for line, _ in hand_filters(ast.parse(code))] == [1]


@pytest.mark.parametrize(
    "code",
    [
        "Source(project_id=project.id, name=name)",
        "repo.select().where(Source.name == name)",
        "str(row.workspace_id)",
        "if user.project_id != project.id: pass",
        "dict(workspace_id=w)",
    ],
)
def test_the_scoping_check_lets_other_uses_of_the_columns_be(code: str) -> None:
    assert list(hand_filters(ast.parse(code))) == []


def test_repositories_are_known_by_their_names() -> None:
    for name in (
        "kit/repository.py",
        "incidents/repository.py",
        "incidents/comment_repository.py",
        "incidents/repositories/tags.py",
        "models/incident.py",
        "migrations/versions/0001_identity_and_tenancy.py",
    ):
        assert is_repository(PurePosixPath(name)), name
    for name in ("incidents/service.py", "register/incidents/rows.py", "repositories.py"):
        assert not is_repository(PurePosixPath(name)), name


def test_imports_are_read_in_every_spelling() -> None:
    code = (
        "from . import db\n"
        "from ..models import Incident\n"
        "import socdesk.iam.principal\n"
        "from socdesk import __version__, settings\n"
        "def later():\n"
        "    from socdesk.register.incidents import rows\n"
    )
    module = Module(PurePosixPath("kit/x.py"), "socdesk.kit.x", ast.parse(code))
    assert [name for _, name in imports(module)] == [
        "socdesk.kit",
        "socdesk.models",
        "socdesk.iam.principal",
        "socdesk.__init__",
        "socdesk.settings",
        "socdesk.register.incidents",
    ]


def test_no_domain_module_imports_a_dialect() -> None:
    found = [
        f"src/socdesk/{module.path}:{line}: imports {name}"
        for module in MODULES
        if module.top not in ABOVE_THE_DOMAIN
        for line, name in imports(module)
        if _top(name) in DIALECTS
    ]
    assert not found, "a domain module imports a dialect:\n" + "\n".join(found)


def test_the_lower_layers_import_only_what_is_below_them() -> None:
    found = [
        f"src/socdesk/{module.path}:{line}: imports {name}"
        for module in MODULES
        if module.top in MAY_IMPORT
        for line, name in imports(module)
        if _top(name) != module.top and _top(name) not in MAY_IMPORT[module.top]
    ]
    assert not found, "kit, models, iam and workspaces build on what is below only:\n" + (
        "\n".join(found)
    )


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_top_level_packages() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for module in MODULES:
        for line, name in imports(module):
            target = _top(name)
            if target != module.top:
                edges[module.top].add(target)
                where.setdefault((module.top, target), f"src/socdesk/{module.path}:{line}")
    found = [
        f"{' <-> '.join(group)}: "
        + "; ".join(f"{a} -> {b} at {where[a, b]}" for a in group for b in group if (a, b) in where)
        for group in _cycles(edges)
    ]
    assert not found, "import cycles between packages:\n" + "\n".join(found)
