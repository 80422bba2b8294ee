"""The architecture (docs/architecture.md) as tests: layers, the public names, settings declared once.

The import rules are checked on the source with ``ast`` (``scripts/import_graph.py``, which anyone
can run to print the graph): an import hidden inside a function still counts.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import httpx
from typer.testing import CliRunner

import khabar
from khabar.cli import app
from khabar.settings import SETTINGS, Settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "khabar"


def _graph_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


graph = _graph_module()


def _trees() -> dict[str, ast.Module]:
    return {name: ast.parse(path.read_text("utf-8")) for name, path in graph.modules(ROOT).items()}


# --- layers -----------------------------------------------------------------------------------------


def test_the_graph_is_read_from_the_whole_package():
    edges = graph.edges(ROOT)
    modules = graph.modules(ROOT)
    assert len(modules) > 80 and len(edges) > 250
    assert graph.Edge("khabar.pipeline", "khabar.store.__init__", "top", 0).target in {e.target for e in edges}
    lazy = [e for e in edges if e.kind == "lazy"]
    assert lazy, "imports inside functions are part of the graph"


def test_no_stage_store_or_library_surface_import():
    breaks = graph.rule_breaks(graph.edges(ROOT))
    assert not breaks, "\n".join(breaks)


def test_the_rules_catch_what_they_forbid():
    bad = [
        graph.Edge("khabar.store.relations", "khabar.relations.align", "top", 1),
        graph.Edge("khabar.events.__init__", "khabar.store.__init__", "lazy", 1),
        graph.Edge("khabar.dossier", "khabar.web.app", "typing", 1),
    ]
    assert len(graph.rule_breaks(bad)) == 3
    assert graph.circles([graph.Edge("khabar.a", "khabar.b", "top", 1), graph.Edge("khabar.b", "khabar.a", "lazy", 1)])


def test_no_import_circles():
    circles = graph.circles(graph.edges(ROOT))
    assert not circles, circles


# --- the public API ---------------------------------------------------------------------------------


def test_all_is_exactly_the_public_names_sorted():
    # Importing every submodule first: a submodule loaded later must not replace a function of the same name.
    for name in graph.modules(ROOT):
        if not name.endswith("__main__") and ".web" not in name:
            importlib.import_module(name.removesuffix(".__init__"))
    public = [
        n
        for n, v in vars(khabar).items()
        if (not n.startswith("_") or n == "__version__") and not isinstance(v, ModuleType)
    ]
    assert khabar.__all__ == sorted(public, key=lambda n: (n.casefold(), n))
    assert callable(khabar.edits) and callable(khabar.events) and callable(khabar.facts) and callable(khabar.export)


# --- settings ---------------------------------------------------------------------------------------


def test_settings_are_generated_from_the_table():
    fields = Settings.__dataclass_fields__
    assert list(fields) == [s.name for s in SETTINGS]
    assert Settings() == Settings(**{s.name: s.default for s in SETTINGS})
    for s in SETTINGS:
        assert fields[s.name].type is s.type or fields[s.name].type == s.type.__name__


def test_the_typing_view_of_settings_matches_the_table():
    tree = ast.parse((PACKAGE / "settings.py").read_text("utf-8"))
    stub = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Settings")
    annotated = [
        (n.target.id, ast.unparse(n.annotation))
        for n in stub.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    assert annotated == [(s.name, s.type.__name__) for s in SETTINGS], (
        "add the new setting to the TYPE_CHECKING view of Settings in khabar/settings.py too (name: type)"
    )
    assert not any(n.value for n in stub.body if isinstance(n, ast.AnnAssign)), "defaults live in SETTINGS only"


# Library parameters and fields that hold a setting under another name.
_ALIASES = {
    "window_days": "event_window_days",
    "copy": "copy_containment",
    "passages": "shared_passages",
    "sentence": "sentence_similarity",
    "derived": "rewrite_evidence",
    "same_story": "same_story_score",
}


def test_no_setting_default_is_copied_into_the_library():
    names = {s.name for s in SETTINGS} | set(_ALIASES)
    copies = []
    for module, tree in _trees().items():
        if module == "khabar.settings" or module == "khabar.models" or module.startswith("khabar.models."):
            # models hold measured values, not settings
            continue
        for node in ast.walk(tree):
            pairs = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                positional = args.posonlyargs + args.args
                pairs += zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
                pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
                pairs = [(a.arg, d) for a, d in pairs]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                pairs = [(node.target.id, node.value)]
            for name, default in pairs:
                if name in names and isinstance(default, ast.Constant) and default.value is not None:
                    copies.append(f"{module}:{default.lineno} {name}={default.value!r}")
    assert not copies, "use khabar.settings.default_of(...) or pass the setting: " + "; ".join(copies)


def test_only_the_entry_points_read_settings():
    allowed = {"khabar.settings", "khabar.cli", "khabar.__init__", "khabar.web.app"}
    callers = sorted(
        {
            m
            for m, tree in _trees().items()
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and ast.unparse(n.func).endswith("load_settings")
        }
        - allowed
    )
    assert not callers, f"these modules read settings themselves instead of being given them: {callers}"


# --- --set reaches every surface ----------------------------------------------------------------------

_WINDOW = "3"  # a narrower date window than the default splits one report off an event of the demo corpus


def _differing_event(db: Path) -> tuple[str, str, int, int]:
    """(event id, a perpetrator entity id, reports by default, reports with the narrow window)."""
    narrow = khabar.load_settings({"event_window_days": _WINDOW})
    wide = {e.id: e for e in khabar.events(db=db)}
    for e in khabar.events(db=db, settings=narrow):
        actors = [p.entity_id for p in e.perpetrators if p.entity_id]
        if e.id in wide and len(wide[e.id].reports) != len(e.reports) and actors:
            return e.id, actors[0], len(wide[e.id].reports), len(e.reports)
    raise AssertionError(f"no event of the demo corpus changes with event_window_days={_WINDOW}: pick another")


def _reports(events: list[dict], event_id: str) -> int:
    return next(len(e["reports"]) for e in events if e["id"] == event_id)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_set_event_window_reaches_cli_dossier_and_the_web_app(demo_db):
    event_id, actor, default, narrow = _differing_event(demo_db)
    runner, db = CliRunner(), str(demo_db)
    for args, expected in (([], default), (["--set", f"event_window_days={_WINDOW}"], narrow)):
        events = json.loads(runner.invoke(app, [*args, "events", "--db", db, "-f", "json"]).output)["events"]
        assert _reports(events, event_id) == expected
        dossier = json.loads(runner.invoke(app, [*args, "who", actor, "--db", db, "-f", "json"]).output)
        assert _reports(dossier["attacks"], event_id) == expected
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "khabar",
        "--set",
        f"event_window_days={_WINDOW}",
        "serve",
        "--db",
        db,
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        base, deadline, answer = f"http://127.0.0.1:{port}", time.time() + 60, None
        while answer is None and time.time() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"{base}/api/events/{event_id}", timeout=10)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, server.stderr.read().decode() if server.poll() is not None else "no answer"
        assert len(answer.json()["reports"]) == narrow
        listed = httpx.get(f"{base}/api/events", timeout=30).json()["events"]
        assert _reports(listed, event_id) == narrow
        page = httpx.get(f"{base}/event/{event_id}", timeout=30)
        assert page.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
