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
    timeline: Path = typer.Option(None, "--timeline", help="Also draw the actor's attacks to this .png or .svg file."),
) -> None:
    """Answer "Who is NAME?" with a cited dossier."""
    dossier = khabar.who(name, db=_existing(db), settings=_settings(ctx))
    renderer = {DossierFormat.text: render.dossier_text, DossierFormat.md: render.dossier_markdown,
                DossierFormat.json: render.dossier_json}[format]
    out.print(renderer(dossier), markup=False)
    if timeline is not None:
        from .render.timeline import timeline_picture

        written = timeline_picture(dossier.attacks, timeline, title=f"Attacks attributed to {dossier.entity.name}")
        err.print(f"timeline written to {written}", markup=False)


class EventsFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command()
def events(
    ctx: typer.Context,
    db: Path = DB_OPTION,
    actor: str = typer.Option(None, "--actor", help="Only events this actor (any name or alias) is named behind."),
    place: str = typer.Option(None, "--place", help="Only events at this place or inside this region or country."),
    since: str = typer.Option(None, "--since", help="Only events on or after this date (2021-08-01) or year (2021)."),
    format: EventsFormat = typer.Option(EventsFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List attack events across articles, each with its reports, tolls over time and conflicts."""
    items = khabar.events(db=_existing(db), actor=actor, place=place, since=since, settings=_settings(ctx))
    renderer = {EventsFormat.text: render.events_text, EventsFormat.json: render.events_json,
                EventsFormat.csv: render.events_csv}[format]
    out.print(renderer(items), markup=False, end="" if format is EventsFormat.csv else "\n")


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


ANALYST_OPTION = typer.Option(None, "--analyst", help="Who makes the edit (default: the analyst setting, or $USER).")


@app.command()
def merge(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="Entity to merge away (id, or a name that matches one entity)."),
    target: str = typer.Argument(..., help="Entity to keep (id or name)."),
    reason: str = typer.Option(..., "--reason", help="Why: kept with the edit."),
    analyst: str = ANALYST_OPTION,
    db: Path = DB_OPTION,
) -> None:
    """Merge entity SOURCE into TARGET (reversible with `khabar undo`)."""
    edit = khabar.merge(source, target, db=_existing(db), reason=reason, analyst=analyst or _settings(ctx).analyst)
    out.print(render.edit_text(edit, "Recorded"), markup=False)


@app.command()
def split(
    ctx: typer.Context,
    entity: str = typer.Argument(..., help="Entity to split (id or name)."),
    aliases: list[str] = typer.Argument(..., help="Names whose mentions move to a new entity."),
    reason: str = typer.Option(..., "--reason", help="Why: kept with the edit."),
    analyst: str = ANALYST_OPTION,
    db: Path = DB_OPTION,
) -> None:
    """Move ENTITY's mentions named ALIAS... to a new entity (reversible with `khabar undo`)."""
    edit = khabar.split(entity, aliases, db=_existing(db), reason=reason, analyst=analyst or _settings(ctx).analyst)
    out.print(render.edit_text(edit, "Recorded"), markup=False)


@app.command()
def undo(
    ctx: typer.Context,
    edit: int = typer.Option(None, "--edit", help="Edit number to undo (default: the latest in force)."),
    analyst: str = ANALYST_OPTION,
    db: Path = DB_OPTION,
) -> None:
    """Undo the latest analyst merge or split (or the one given with --edit)."""
    done = khabar.undo(db=_existing(db), analyst=analyst or _settings(ctx).analyst, edit_id=edit)
    out.print(render.edit_text(done, "Undid"), markup=False)


@app.command("edits")
def edits_cmd(
    db: Path = DB_OPTION,
    format: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List analyst edits with who, when and why."""
    items = khabar.edits(db=_existing(db))
    out.print(render.edits_json(items) if format is TextFormat.json else render.edits_text(items), markup=False)


@app.command()
def conflicts(db: Path = DB_OPTION) -> None:
    """List names that would have joined two registry entities (kept apart for you to decide)."""
    out.print(render.conflicts_text(khabar.alias_conflicts(db=_existing(db))), markup=False)


class ExportFormat(str, Enum):
    stix = "stix"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def export(
    ctx: typer.Context,
    db: Path = DB_OPTION,
    format: ExportFormat = typer.Option(..., "--format", "-f", help="stix (STIX 2.1 bundle), graphml or gexf "
                                        "(graph), csv (a folder of tables), jsonl (one record per line)."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (a folder for csv)."),
    graph: str = typer.Option("entities", help="Graph for graphml/gexf: entities (co-mentions) or lineage "
                              "(copies and rewrites)."),
) -> None:
    """Export the knowledge base for OpenCTI/MISP (STIX), Gephi (GraphML, GEXF) or spreadsheets (CSV)."""
    written = khabar.export(format.value, output, db=_existing(db), graph=graph, settings=_settings(ctx))
    out.print("\n".join(f"wrote {path}" for path in written), markup=False)


@app.command()
def serve(
    ctx: typer.Context,
    db: Path = DB_OPTION,
    host: str = typer.Option("127.0.0.1", help="Address to listen on; anything but loopback needs --token."),
    port: int = typer.Option(8000, help="TCP port."),
    token: str = typer.Option(None, help="Secret that every request must carry (Authorization: Bearer TOKEN)."),
) -> None:
    """Run the web app: search, dossiers, articles, ingest form and the JSON API (docs/web.md)."""
    from .web import check_bind, serve as run

    check_bind(host, token)
    err.print(f"khabar: serving {db} on http://{host}:{port}/ (Ctrl-C stops)", markup=False)
    run(_existing(db), host=host, port=port, token=token, settings=_settings(ctx))


@app.command()
def compare(
    ctx: typer.Context,
    a: str = typer.Argument(..., help="First article: a file, or with --db a stored id, id prefix or source path."),
    b: str = typer.Argument(..., help="Second article, the same way."),
    db: Path = typer.Option(None, "--db", help="Compare stored articles of this knowledge base instead of files."),
    format: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """How two articles relate: copy, rewrite, same story or unrelated, with direction and aligned sentences."""
    from .render import relations as show_relations

    result = khabar.compare(a, b, db=_existing(db) if db else None, settings=_settings(ctx))
    text = show_relations.comparison_json(result) if format is TextFormat.json else \
        show_relations.comparison_text(result)
    out.print(text, markup=False)


@app.command()
def lineage(
    db: Path = DB_OPTION,
    format: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Output format."),
    picture: Path = typer.Option(None, "--picture", help="Also draw the groups to this .svg or .png file."),
) -> None:
    """Independent source groups: which articles are copies or rewrites of which, with directions."""
    from .render import relations as show_relations

    result = khabar.lineage(db=_existing(db))
    if picture:
        from .render.lineage_plot import lineage_picture

        lineage_picture(result, picture)
        err.print(f"picture written to {picture}", markup=False)
    text = show_relations.lineage_json(result) if format is TextFormat.json else show_relations.lineage_text(result)
    out.print(text, markup=False)


@app.command()
def relate(ctx: typer.Context, db: Path = DB_OPTION) -> None:
    """Compare stored articles that no relation run has seen yet (databases from before relations existed)."""
    done = khabar.relate(db=_existing(db), settings=_settings(ctx))
    out.print(f"{done} article(s) compared with the rest of the knowledge base.", markup=False)


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
