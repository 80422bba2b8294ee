"""The command-line interface: a thin Typer skin over the ``khabar`` library.

Each command parses its options, calls one library function and renders the result. Errors from
the library (:class:`khabar.errors.KhabarError`) are mapped here, once, to a message on stderr and
the error's exit code.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import khabar

from . import render
from .errors import KhabarError, SettingError
from .pipeline import IngestProgress
from .settings import SETTINGS, Settings, load_settings

__all__ = ["app", "main"]

app = typer.Typer(
    name="khabar", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="Make sense of many news reports about armed groups: ingest, find copies, extract actors "
         "and events, answer 'Who is X?' with citations.",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DB_OPTION = typer.Option(..., "--db", help="SQLite knowledge-base file (created by ingest).")


class TextFormat(str, Enum):
    text = "text"
    json = "json"


class DossierFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj if isinstance(ctx.obj, Settings) else load_settings()


@app.callback()
def _root(
    ctx: typer.Context,
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE",
                                   help="Override a setting (see `khabar settings`); repeatable."),
) -> None:
    overrides = {}
    for item in set_:
        name, sep, value = item.partition("=")
        if not sep:
            raise SettingError(f"--set needs NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value.strip()
    ctx.obj = load_settings(overrides)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or directories (searched recursively)."),
    db: Path = DB_OPTION,
    outlet: str = typer.Option(None, help="Outlet name for articles whose files do not say."),
    published: str = typer.Option(None, help="Publication date (ISO) for articles whose files do not say."),
    encoding: str = typer.Option(None, help="Decode files with this encoding instead of detecting it."),
) -> None:
    """Read, clean, analyse and store articles. Safe to re-run: stored articles are skipped."""
    with _progress_bar() as on_progress:
        report = khabar.ingest(paths, db=db, settings=_settings(ctx), outlet=outlet, published=published,
                               encoding=encoding, progress=on_progress)
    out.print(render.ingest_summary(report), markup=False)
    if not report.ok:
        raise typer.Exit(1)


class _progress_bar:
    """A rich progress bar over files, showing articles per second."""

    def __enter__(self):
        self.bar = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), console=err, transient=False,
        )
        self.task = None
        self.bar.__enter__()
        return self.update

    def update(self, p: IngestProgress) -> None:
        rate = p.added / p.seconds if p.seconds else 0.0
        stats = f"{p.added} added, {p.unchanged} unchanged, {p.rejected} skipped, {rate:.1f} articles/s"
        if self.task is None:
            self.task = self.bar.add_task("ingest", total=p.files_total, stats=stats)
        self.bar.update(self.task, completed=p.files_done, stats=stats)

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)


@app.command()
def who(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A name or alias (case and punctuation do not matter)."),
    db: Path = DB_OPTION,
    format: DossierFormat = typer.Option(DossierFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Answer "Who is NAME?" with a cited dossier."""
    dossier = khabar.who(name, db=_existing(db), settings=_settings(ctx))
    renderer = {DossierFormat.text: render.dossier_text, DossierFormat.md: render.dossier_markdown,
                DossierFormat.json: render.dossier_json}[format]
    out.print(renderer(dossier), markup=False)


@app.command()
def search(
    query: str = typer.Argument(..., help="Words to find (all must occur in a sentence)."),
    db: Path = DB_OPTION,
    limit: int = typer.Option(20, help="Maximum number of sentences."),
    format: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Full-text search over the stored sentences, with article and outlet."""
    hits = khabar.search(query, db=_existing(db), limit=limit)
    text = render.search_json(query, hits) if format is TextFormat.json else render.search_text(query, hits)
    out.print(text, markup=False)


@app.command()
def show(
    article: str = typer.Argument(..., help="Article id, unique id prefix, or source path."),
    db: Path = DB_OPTION,
    format: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Show a stored article: metadata, clean paragraphs with languages, and what was dropped."""
    item = khabar.show(article, db=_existing(db))
    if format is TextFormat.json:
        data = render.to_jsonable(item)
        data.pop("raw", None)
        out.print(render.jsonout.dumps({"schema": "khabar.article/1", **data}), markup=False)
    else:
        out.print(render.article_text(item), markup=False)


@app.command("settings")
def settings_cmd(ctx: typer.Context) -> None:
    """List every setting with its current value, default and meaning."""
    current = _settings(ctx)
    for s in SETTINGS:
        out.print(f"{s.name} = {getattr(current, s.name)!r}  (default {s.default!r}; env KHABAR_{s.name.upper()})",
                  markup=False)
        out.print(f"    {s.help}", markup=False)


def _existing(db: Path) -> Path:
    if not db.exists():
        raise khabar.StoreError(f"no database at {db}; run `khabar ingest PATH --db {db}` first")
    return db


def main() -> None:
    """Console-script entry point: run the app, mapping khabar errors to messages and exit codes."""
    try:
        code = app(standalone_mode=False)
    except KhabarError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors carry their own exit codes
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
