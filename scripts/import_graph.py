"""khabar's import graph, read from the source with ``ast`` (nothing is imported or run).

    python scripts/import_graph.py            # layers, circles and rule breaks (exit 1 on a break)
    python scripts/import_graph.py --edges    # also every module -> module edge
    python scripts/import_graph.py --root DIR # the graph of another checkout (e.g. a main worktree)

An edge is "lazy" when the import sits inside a function and "typing" when it sits under
``if TYPE_CHECKING:``; both still count for the rules and the circles: an import moved into a
function hides a circle, it does not remove it. The rules are those of docs/architecture.md;
``tests/test_architecture.py`` fails on any break.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Surfaces: the skins over the library. The library must not import them.
SURFACES = ("khabar.cli", "khabar.__main__", "khabar.web")
# Values and pure helpers (no other khabar import) that every layer may use.
BASE = ("khabar.models", "khabar.errors", "khabar.settings", "khabar.names")
# Per-article and cross-article stages (what the pipeline runs): they never see the store.
STAGES = (
    "khabar.clean",
    "khabar.sources",
    "khabar.language",
    "khabar.nlp",
    "khabar.entities",
    "khabar.places",
    "khabar.registry",
    "khabar.geonames",
    "khabar.dates",
    "khabar.numbers",
    "khabar.facts",
    "khabar.events.__init__",
    "khabar.events.article",
    "khabar.events.lexicon",
    "khabar.events.perpetrators",
    "khabar.events.sentences",
    "khabar.events.syntax",
    "khabar.corroborate",
    "khabar.relations.align",
    "khabar.relations.classify",
    "khabar.relations.compare",
    "khabar.relations.embed",
    "khabar.relations.fingerprints",
    "khabar.relations.groups",
    "khabar.relations.index",
    "khabar.relations.minilm",
    "khabar.relations.stage",
    "khabar.relations.text",
    "khabar.relations.values",
    "khabar.relations.views",
    "khabar.relations.__init__",
)


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    kind: str  # "top", "lazy" (inside a function) or "typing" (under TYPE_CHECKING)
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted((root / "khabar").rglob("*.py"))}


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    package = (
        package[: len(package) - node.level]
        if not module.endswith("__init__")
        else package[:-1][: len(package) - node.level]
    )
    return ".".join(package + ([node.module] if node.module else []))


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module file an import name lands in (a package is its __init__)."""
    while name:
        if name in known:
            return name
        if f"{name}.__init__" in known:
            return f"{name}.__init__"
        name = name.rpartition(".")[0]
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: str, known: dict[str, Path]) -> None:
        self.module, self.known = module, known
        self.edges: list[Edge] = []
        self._function = 0
        self._typing = 0

    def visit_FunctionDef(self, node) -> None:
        self._function += 1
        self.generic_visit(node)
        self._function -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        test = ast.unparse(node.test)
        typing = test in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        self._typing += typing
        for child in node.body:
            self.visit(child)
        self._typing -= typing
        for child in node.orelse:
            self.visit(child)

    def _add(self, name: str, line: int) -> None:
        target = _resolve(name, self.known)
        if target and target != self.module:
            kind = "typing" if self._typing else "lazy" if self._function else "top"
            self.edges.append(Edge(self.module, target, kind, line))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith("khabar"):
                self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _absolute(node, self.module)
        if not base.startswith("khabar"):
            return
        for alias in node.names:  # "from . import x" may name a submodule
            full = f"{base}.{alias.name}"
            self._add(
                full if _resolve(full, self.known) not in (None, _resolve(base, self.known)) else base, node.lineno
            )


def edges(root: Path = ROOT) -> list[Edge]:
    known = modules(root)
    out: list[Edge] = []
    for module, path in known.items():
        visitor = _Visitor(module, known)
        visitor.visit(ast.parse(path.read_text("utf-8"), str(path)))
        out += visitor.edges
    return sorted(set(out))


def _in(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def rule_breaks(found: list[Edge]) -> list[str]:
    """Edges that break the layering rules of docs/architecture.md."""
    out = []
    for e in found:
        where = f"{e.source} -> {e.target} ({e.kind}, line {e.line})"
        if _in(e.source, ("khabar.store",)) and not _in(e.target, ("khabar.store", *BASE)):
            out.append(f"store imports a non-model module: {where}")
        if _in(e.source, STAGES) and _in(e.target, ("khabar.store", "khabar.pipeline")):
            out.append(f"stage imports the store or the pipeline: {where}")
        if not _in(e.source, SURFACES) and _in(e.target, SURFACES):
            out.append(f"library imports a surface: {where}")
    return out


def circles(found: list[Edge]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (package __init__ re-exports excluded)."""
    graph: dict[str, set[str]] = {}
    for e in found:
        if e.source.endswith("__init__") and e.target.startswith(e.source.removesuffix("__init__")):
            continue  # a package re-exporting its own modules is not a circle of meaning
        graph.setdefault(e.source, set()).add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def _layer(module: str) -> str:
    if _in(module, SURFACES):
        return "surface"
    if _in(module, ("khabar.store",)):
        return "store"
    if _in(module, BASE):
        return "models"
    if _in(module, STAGES):
        return "stage"
    return "library"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to read (default: this one)")
    parser.add_argument("--edges", action="store_true", help="print every edge")
    args = parser.parse_args(argv)
    found = edges(args.root)
    counts: dict[tuple[str, str], int] = {}
    for e in found:
        key = (_layer(e.source), _layer(e.target))
        counts[key] = counts.get(key, 0) + 1
    print(f"{len(found)} import edges between {len(modules(args.root))} modules of {args.root}")
    print("\nlayer -> layer: edges")
    for (a, b), n in sorted(counts.items()):
        print(f"  {a:8} -> {b:8} {n}")
    if args.edges:
        print("\nedges")
        for e in found:
            print(f"  {e.source} -> {e.target} [{e.kind}]")
    groups = circles(found)
    print(f"\ncircles ({len(groups)})")
    for g in groups:
        print("  " + " <-> ".join(g))
    breaks = rule_breaks(found)
    print(f"\nrule breaks ({len(breaks)})")
    for b in breaks:
        print("  " + b)
    return 1 if breaks or groups else 0


if __name__ == "__main__":
    sys.exit(main())
