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
from khabar.store import database_exists

from . import render
from .cache import set_cache_dir
from .errors import InputError, KhabarError, SettingError
from .pipeline import IngestProgress
from .settings import SETTINGS, Settings, load_settings

__all__ = ["app", "main"]

# The exit codes, documented once: `khabar --help` prints this table and the README repeats it
# (tests/test_cli.py checks both and triggers each code).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success"),
    (1, "ingest read nothing usable"),
    (2, "bad argument, option or setting (usage errors print the command's usage)"),
    (3, "spaCy model missing"),
    (4, "database missing or unusable"),
    (5, "name or article not found"),
    (6, "ambiguous reference"),
)


def exit_codes_text() -> str:
    """The exit codes as one line, as `--help` and the README show them."""
    return "Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES) + "."


app = typer.Typer(
    name="khabar",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Make sense of many news reports about armed groups: ingest, find copies, extract actors "
    "and events, answer 'Who is X?' with citations.",
    epilog=exit_codes_text(),
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# `khabar ingest` exits with this status when some inputs hit a bug in khabar (they were skipped, the
# rest was stored; the summary names the log with the tracebacks). Documented in the README.
INTERNAL_ERRORS_EXIT = 7

DB_OPTION = typer.Option(
    ...,
    "--db",
    help="SQLite knowledge-base file (created by ingest), or a PostgreSQL URL "
    "postgresql://user@host/db (pip install 'khabar[postgres]').",
)


class TextFormat(str, Enum):
    text = "text"
    json = "json"


class DossierFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj if isinstance(ctx.obj, Settings) else load_settings()


def _show_version(value: bool) -> None:
    if value:
        out.print(f"khabar {khabar.__version__}", markup=False)
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Print khabar's version and exit."
    ),
    set_: list[str] = typer.Option(
        [], "--set", metavar="NAME=VALUE", help="Override a setting (see `khabar settings`); repeatable."
    ),
) -> None:
    overrides = {}
    for item in set_:
        name, sep, value = item.partition("=")
        if not sep:
            raise SettingError(f"--set needs NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value.strip()
    ctx.obj = load_settings(overrides)
    set_cache_dir(ctx.obj.cache_dir)  # read deep inside model loading, where no Settings is passed


@app.command()
def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or directories (searched recursively)."),
    db: Path = DB_OPTION,
    outlet: str = typer.Option(None, help="Outlet name for articles whose files do not say."),
    published: str = typer.Option(None, help="Publication date (ISO) for articles whose files do not say."),
    encoding: str = typer.Option(None, help="Decode files with this encoding instead of detecting it."),
    workers: int = typer.Option(
        None, "--workers", min=1, help="Run the per-article work on a local Dask cluster of N worker processes."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Run the per-article work on an existing Dask cluster (tcp://HOST:8786)."
    ),
) -> None:
    """Read, clean, analyse and store articles. Safe to re-run: stored articles are skipped."""
    with _progress_bar() as on_progress:
        if workers or scheduler:  # docs/scale.md; needs khabar[cluster]
            from khabar.cluster import ingest_cluster
            from khabar.store import open_store

            with open_store(db) as store:
                report = ingest_cluster(
                    store,
                    paths,
                    workers=workers,
                    scheduler=scheduler,
                    settings=_settings(ctx),
                    outlet=outlet,
                    published=published,
                    encoding=encoding,
                    progress=on_progress,
                )
        else:
            report = khabar.ingest(
                paths,
                db=db,
                settings=_settings(ctx),
                outlet=outlet,
                published=published,
                encoding=encoding,
                progress=on_progress,
            )
    out.print(render.ingest_summary(report), markup=False)
    if not report.ok:
        raise typer.Exit(1)
    if report.internal_errors:
        raise typer.Exit(INTERNAL_ERRORS_EXIT)


class _progress_bar:
    """A rich progress bar over articles through the stages (not files: one file may hold many)."""

    def __enter__(self):
        self.bar = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("articles"),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )
        self.task = None
        self.bar.__enter__()
        return self.update

    def update(self, p: IngestProgress) -> None:
        rate = p.added / p.seconds if p.seconds else 0.0
        stats = (
            f"({p.files_done}/{p.files_total} files read) {p.added} added, {p.unchanged} unchanged, "
            f"{p.rejected} skipped, {rate:.1f} articles/s"
        )
        done = p.added + p.unchanged
        total = max(p.articles_read, done, 1)  # grows while files are read
        if self.task is None:
            self.task = self.bar.add_task("ingest", total=total, stats=stats)
        self.bar.update(self.task, total=total, completed=done, stats=stats)

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
    renderer = {
        DossierFormat.text: render.dossier_text,
        DossierFormat.md: render.dossier_markdown,
        DossierFormat.json: render.dossier_json,
    }[format]
    out.print(renderer(dossier), markup=False)
    note = khabar.ingest_running(db=db)
    if note:
        err.print(note, markup=False)
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
    renderer = {
        EventsFormat.text: render.events_text,
        EventsFormat.json: render.events_json,
        EventsFormat.csv: render.events_csv,
    }[format]
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
        out.print(render.jsonout.dumps(render.jsonout.article_dict(item)), markup=False)
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
def note(
    ctx: typer.Context,
    subject: str = typer.Argument(..., help="Entity (id or name), event (ev:...) or fact (ENTITY#attribute)."),
    text: str = typer.Argument(..., help="The note."),
    analyst: str = ANALYST_OPTION,
    db: Path = DB_OPTION,
) -> None:
    """Attach a note to an entity, event or fact (kept with who and when; `khabar undo` removes it)."""
    settings = _settings(ctx)
    done = khabar.note(subject, text, db=_existing(db), analyst=analyst or settings.analyst, settings=settings)
    out.print(render.edit_text(done, "Recorded"), markup=False)


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
    misp = "misp"
    geojson = "geojson"


@app.command()
def export(
    ctx: typer.Context,
    db: Path = DB_OPTION,
    format: ExportFormat = typer.Option(
        ...,
        "--format",
        "-f",
        help="stix (STIX 2.1 bundle), graphml or gexf "
        "(graph), csv (a folder of tables), jsonl (one record per line), "
        "misp (MISP event JSON), geojson (places and events).",
    ),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (a folder for csv)."),
    graph: str = typer.Option(
        "entities", help="Graph for graphml/gexf: entities (co-mentions) or lineage (copies and rewrites)."
    ),
) -> None:
    """Export the knowledge base for OpenCTI (STIX), MISP, Gephi (GraphML, GEXF), GIS (GeoJSON) or spreadsheets (CSV)."""  # noqa: E501 - one line: typer's rich command list in `khabar --help` keeps a docstring's line breaks
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
    from .web import check_bind
    from .web import serve as run

    check_bind(host, token)
    _check_port_free(host, port)
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
    text = (
        show_relations.comparison_json(result) if format is TextFormat.json else show_relations.comparison_text(result)
    )
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


ALLOW_NET_OPTION = typer.Option(
    [],
    "--allow-net",
    metavar="CIDR",
    help="Let fetches reach this private or loopback network (e.g. 10.0.0.0/8); "
    "repeatable. Without it only public addresses are fetched.",
)


@app.command()
def fetch(
    ctx: typer.Context,
    urls: list[str] = typer.Argument(..., help="Web pages to fetch (http or https)."),
    db: Path = DB_OPTION,
    allow_net: list[str] = ALLOW_NET_OPTION,
    again: bool = typer.Option(False, "--again", help="Fetch URLs that were fetched before, too."),
) -> None:
    """Fetch web pages politely (robots.txt, rate limits) and safely, and ingest them (docs/sources.md)."""
    from .render.fetches import fetch_text

    report = khabar.fetch_urls(urls, db=db, settings=_settings(ctx), allow_net=allow_net, again=again)
    out.print(fetch_text(report), markup=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def watch(
    ctx: typer.Context,
    feeds: list[str] = typer.Argument(
        None, help="RSS/Atom/JSON feeds, OPML lists or sitemaps to watch; none: every feed watched before."
    ),
    db: Path = DB_OPTION,
    every: str = typer.Option(None, "--every", help="Check again at this interval (15m, 2h ...) until stopped."),
    once: bool = typer.Option(False, "--once", help="One pass, then exit (the default without --every)."),
    allow_net: list[str] = ALLOW_NET_OPTION,
) -> None:
    """Watch feeds and sitemaps: fetch and ingest new entries only; state is kept, a kill loses nothing."""
    from .fetch import parse_every, watch_every
    from .render.fetches import watch_text

    settings = _settings(ctx)
    if once or not every:
        out.print(
            watch_text(khabar.watch_feeds(feeds or [], db=db, settings=settings, allow_net=allow_net)), markup=False
        )
        return
    seconds = parse_every(every)
    with khabar.open_kb(db) as store:
        err.print(f"khabar: watching every {every} (Ctrl-C stops)", markup=False)
        watch_every(
            store,
            feeds or [],
            every=seconds,
            settings=settings,
            allow_net=allow_net,
            on_pass=lambda reports: out.print(watch_text(reports), markup=False),
        )


@app.command("sources")
def sources_cmd(
    db: Path = DB_OPTION,
    limit: int = typer.Option(50, help="Latest fetches shown."),
    format: TextFormat = typer.Option(TextFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List watched feeds with their state (validators, entries done, pending, refused) and the latest fetches."""
    from .render.fetches import sources_text

    view = khabar.live_sources(db=_existing(db), limit=limit)
    if format is TextFormat.json:
        out.print(render.jsonout.dumps({"schema": "khabar.sources/1", **render.to_jsonable(view)}), markup=False)
    else:
        out.print(sources_text(view), markup=False)


@app.command("settings")
def settings_cmd(ctx: typer.Context) -> None:
    """List every setting with its current value, default and meaning."""
    current = _settings(ctx)
    for s in SETTINGS:
        out.print(
            f"{s.name} = {getattr(current, s.name)!r}  (default {s.default!r}; env KHABAR_{s.name.upper()})",
            markup=False,
        )
        out.print(f"    {s.help}", markup=False)


def _check_port_free(host: str, port: int) -> None:
    """A busy port is a bad --port (exit 2), said before the app starts, not uvicorn's exit 1 later."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind((host, port))
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None


def _existing(db: Path) -> Path:
    if not database_exists(db):
        raise khabar.StoreError(f"no database at {db}; run `khabar ingest PATH --db {db}` first")
    return db


def _usage_error(exc: Exception) -> int:
    """A usage error as one line plus the command's usage (no traceback); returns the exit code."""
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if type(exc).__name__ == "NoArgsIsHelpError":  # `khabar` alone: the help text, as documented
        err.print(message, markup=False)
        return 2
    err.print(f"error: {message.splitlines()[0] if message else type(exc).__name__}", markup=False)
    if ctx is not None:
        err.print(ctx.get_usage(), markup=False)
        err.print(f"Try '{ctx.command_path} --help' for help.", markup=False)
    code = getattr(exc, "exit_code", 2)
    return code if isinstance(code, int) and code != 1 else 2


def _usage_exceptions() -> tuple[type[Exception], ...]:
    """Click's usage-error classes: Typer vendors click since 0.2x, older Typers use click itself."""
    found: list[type[Exception]] = []
    try:
        from typer._click.exceptions import ClickException as vendored

        found.append(vendored)
    except ImportError:
        pass
    try:
        import click

        found.append(click.ClickException)
    except ImportError:
        pass
    return tuple(found)


def main() -> None:
    """Console-script entry point: run the app, mapping khabar errors to messages and exit codes."""
    usage_errors = _usage_exceptions()
    try:
        code = app(standalone_mode=False, prog_name="khabar")
    except KhabarError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except usage_errors as exc:
        sys.exit(_usage_error(exc))
    sys.exit(code if isinstance(code, int) else 0)
