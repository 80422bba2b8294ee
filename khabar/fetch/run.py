"""The live-source run: fetch pages and feeds, hand the pages to the ingest path, keep the state.

Pages become :class:`RawDocument` values (their raw response attached) and go through
:func:`khabar.pipeline.ingest_documents`, the same cleaning, analysis and store path as files; the
pipeline stores each response beside its article. What only this module knows is the state of
watched feeds (conditional-GET validators, entries seen), which it saves through the store in
this order, so that a kill at any point loses nothing:

1. the feed's new entries are saved as *pending* together with its ETag / Last-Modified;
2. pending entries are fetched and ingested a chunk at a time (articles commit as they go);
3. each entry of the chunk is marked done, refused or failed (with the reason) after the chunk's
   articles are committed.

A re-run after a kill gets ``304 Not Modified`` for the feed and still finishes the pending entries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..models import Feed, FeedEntry, FetchRow, IngestReport, RawDocument, Rejection
from ..pipeline import ArticleStage, ingest_documents
from ..settings import Settings
from ..store import Store
from .client import TRANSIENT, Fetcher, FetchOptions, Response, canonical_url
from .feeds import FEED_ACCEPT, parse_feed
from .guard import redact
from .pages import PAGE_ACCEPT, to_document

__all__ = [
    "Sources",
    "list_sources",
    "PageOutcome",
    "FetchReport",
    "FeedReport",
    "fetch_pages",
    "watch_feeds",
    "watch_every",
    "parse_every",
]

CHUNK = 20  # entries fetched and committed together: a kill repeats at most this many fetches
MAX_TRIES = 3  # a page failing for a transient reason (timeout, 5xx) is tried on this many passes


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What happened to one URL: added, unchanged, rejected, refused, failed or skipped, and why."""

    url: str
    state: str
    reason: str = ""
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class FetchReport:
    """The pages of one `khabar fetch`, and what their ingest did."""

    pages: tuple[PageOutcome, ...]
    ingest: IngestReport

    @property
    def ok(self) -> bool:
        return any(p.state in ("added", "unchanged", "skipped") for p in self.pages) or not self.pages


@dataclass(frozen=True, slots=True)
class FeedReport:
    """One feed in one watch pass: new, unchanged or failed (with the reason), and its entries."""

    url: str
    outcome: str
    reason: str = ""
    kind: str = ""
    new_entries: int = 0
    pages: tuple[PageOutcome, ...] = ()
    waiting: int = 0  # entries left pending for the next pass
    children: int = 0  # feeds named by an OPML list or sitemap index

    def count(self, state: str) -> int:
        return sum(p.state == state for p in self.pages)


@dataclass(frozen=True, slots=True)
class _Pass:
    store: Store
    fetcher: Fetcher
    settings: Settings
    stages: Sequence[ArticleStage] | None
    reports: list[FeedReport] = field(default_factory=list)


def _state_of(got: Response | Rejection) -> str:
    return "failed" if isinstance(got, Rejection) and got.code in TRANSIENT else "refused"


def _fetch_and_ingest(run: _Pass, urls: Sequence[str]) -> tuple[list[PageOutcome], IngestReport]:
    """Fetch URLs, ingest the pages, and say per URL what became of it."""
    got = run.fetcher.get_many(list(urls), accept=PAGE_ACCEPT)
    items = [g if isinstance(g, Rejection) else to_document(g.record, g.body) for g in got]
    report = ingest_documents(run.store, items, settings=run.settings, stages=run.stages)
    outcomes = []
    for url, fetched, item in zip(urls, got, items):
        if isinstance(fetched, Rejection):
            outcomes.append(PageOutcome(redact(url), _state_of(fetched), f"{fetched.code}: {fetched.reason}"))
        elif isinstance(item, Rejection):
            outcomes.append(PageOutcome(redact(url), "refused", f"{item.code}: {item.reason}"))
        else:
            outcomes.append(_stored_outcome(run.store, redact(url), item))
    return outcomes, report


def _stored_outcome(store: Store, url: str, doc: RawDocument) -> PageOutcome:
    rows = store.fetch_rows(source=doc.source, limit=1)
    if not rows:
        return PageOutcome(url, "failed", "the page was fetched but not stored")
    row = rows[0]
    if row.outcome == "rejected":
        rejection = store.rejection_of(doc.source)
        code = f"{rejection.code}: " if rejection else ""
        return PageOutcome(url, "rejected", code + row.reason)
    return PageOutcome(url, row.outcome, "" if row.final_url == url else f"now at {row.final_url}", row.article_id)


def fetch_pages(
    store: Store,
    urls: Iterable[str],
    *,
    settings: Settings,
    allow_net: Sequence[str] = (),
    again: bool = False,
    stages: Sequence[ArticleStage] | None = None,
    fetcher: Fetcher | None = None,
) -> FetchReport:
    """Fetch pages and ingest them; a URL whose canonical form was fetched before is skipped."""
    urls = list(dict.fromkeys(urls))
    known = set() if again else store.fetched_canonical(canonical_url(u) for u in urls)
    skipped = [
        PageOutcome(redact(u), "skipped", "already fetched (use --again to fetch it anew)")
        for u in urls
        if canonical_url(u) in known
    ]
    todo = [u for u in urls if canonical_url(u) not in known]
    own = fetcher is None
    fetcher = fetcher or Fetcher(FetchOptions.from_settings(settings, allow_net=allow_net))
    try:
        outcomes, report = _fetch_and_ingest(_Pass(store, fetcher, settings, stages), todo)
    finally:
        if own:
            fetcher.close()
    order = {redact(u): i for i, u in enumerate(urls)}
    pages = sorted([*skipped, *outcomes], key=lambda p: order.get(p.url, 0))
    return FetchReport(tuple(pages), report)


def watch_feeds(
    store: Store,
    feeds: Iterable[str],
    *,
    settings: Settings,
    allow_net: Sequence[str] = (),
    stages: Sequence[ArticleStage] | None = None,
    fetcher: Fetcher | None = None,
) -> list[FeedReport]:
    """One pass over the given feeds (all watched feeds when none): new entries fetched and ingested."""
    given = list(dict.fromkeys(feeds))
    with store.atomic():
        for url in given:
            store.add_feed(url)
    queue = given or [f.url for f in store.feeds()]
    own = fetcher is None
    fetcher = fetcher or Fetcher(FetchOptions.from_settings(settings, allow_net=allow_net))
    run = _Pass(store, fetcher, settings, stages)
    seen: set[str] = set()
    try:
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            report, children = _check_feed(run, url)
            queue.extend(children)
            run.reports.append(_fetch_pending(run, url, report))
    finally:
        if own:
            fetcher.close()
    return run.reports


def _header(got: Response, name: str) -> str:
    return next((v for k, v in got.record.headers if k.lower() == name), "")


def _check_feed(run: _Pass, url: str) -> tuple[FeedReport, list[str]]:
    """Fetch a feed (conditionally) and save its new entries as pending, with its validators."""
    store, state = run.store, run.store.feed(url)
    got = run.fetcher.get(
        url, accept=FEED_ACCEPT, etag=state.etag if state else "", last_modified=state.last_modified if state else ""
    )
    if isinstance(got, Rejection):
        store.save_feed_check(url, status=0, outcome="failed", reason=f"{got.code}: {got.reason}")
        return FeedReport(redact(url), "failed", f"{got.code}: {got.reason}"), []
    if got.record.status == 304:
        store.save_feed_check(url, status=304, outcome="unchanged")
        return FeedReport(redact(url), "unchanged", "304 Not Modified", kind=state.kind if state else ""), []
    parsed = parse_feed(got.body, url=redact(url), max_bytes=run.settings.max_bytes)  # links keep no secrets
    if isinstance(parsed, Rejection):
        store.save_feed_check(url, status=got.record.status, outcome="failed", reason=parsed.reason)
        return FeedReport(redact(url), "failed", parsed.reason), []
    with store.atomic():
        for child in parsed.children:
            store.add_feed(child, parent=url)
        new = store.add_feed_entries(url, parsed.entries)
        store.save_feed_check(
            url,
            status=got.record.status,
            outcome="new" if new else "unchanged",
            kind=parsed.kind,
            title=parsed.title,
            etag=_header(got, "etag"),
            last_modified=_header(got, "last-modified"),
        )
    return FeedReport(
        redact(url), "new" if new else "unchanged", kind=parsed.kind, new_entries=new, children=len(parsed.children)
    ), list(parsed.children)


def _fetch_pending(run: _Pass, feed_url: str, report: FeedReport) -> FeedReport:
    """Fetch and ingest the feed's pending entries, a chunk at a time, marking each when committed."""
    store = run.store
    pages: list[PageOutcome] = []
    entries = store.pending_entries(feed_url, limit=run.settings.watch_max_entries)  # each tried once a pass
    for start in range(0, len(entries), CHUNK):
        pages += _fetch_chunk(run, feed_url, entries[start : start + CHUNK])
    waiting = len(store.pending_entries(feed_url, limit=1_000_000))
    return FeedReport(
        report.url,
        report.outcome,
        report.reason,
        report.kind,
        report.new_entries,
        tuple(pages),
        waiting,
        report.children,
    )


def _fetch_chunk(run: _Pass, feed_url: str, entries: list[FeedEntry]) -> list[PageOutcome]:
    store = run.store
    known = store.fetched_canonical(canonical_url(e.url) for e in entries)
    fresh = [e for e in entries if canonical_url(e.url) not in known]
    outcomes, _ = _fetch_and_ingest(run, [e.url for e in fresh])
    pages = [PageOutcome(redact(e.url), "skipped", "already fetched") for e in entries if e not in fresh]
    with store.atomic():
        for entry in entries:
            if entry not in fresh:
                store.finish_entry(feed_url, entry.key, state="done", reason="already fetched")
        for entry, outcome in zip(fresh, outcomes):
            store.finish_entry(feed_url, entry.key, **_entry_state(store, feed_url, entry, outcome))
    return pages + outcomes


def _entry_state(store: Store, feed_url: str, entry: FeedEntry, outcome: PageOutcome) -> dict[str, str]:
    if outcome.state == "failed":
        last_try = store.entry_tries(feed_url, entry.key) + 1 >= MAX_TRIES
        return {"state": "failed" if last_try else "pending", "reason": outcome.reason}
    if outcome.state == "refused":
        return {"state": "refused", "reason": outcome.reason}
    return {"state": "done", "reason": outcome.state if not outcome.reason else f"{outcome.state}: {outcome.reason}"}


def parse_every(text: str) -> float:
    """'15m', '2h', '90s', '1d' or a number of seconds -> seconds (at least 60)."""
    from ..errors import InputError

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise InputError(f"--every needs a duration like 15m, 2h or 900, got {text!r}") from None
    if seconds < 60:
        raise InputError("--every must be at least 1m: watching a feed more often is impolite")
    return seconds


def watch_every(
    store: Store,
    feeds: Sequence[str],
    *,
    every: float,
    settings: Settings,
    allow_net: Sequence[str] = (),
    on_pass: Callable[[list[FeedReport]], None],
    passes: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Watch passes every ``every`` seconds (``passes`` of them, or until interrupted)."""
    done = 0
    while passes is None or done < passes:
        started = time.monotonic()
        on_pass(watch_feeds(store, feeds, settings=settings, allow_net=allow_net))
        done += 1
        if passes is None or done < passes:
            sleep(max(0.0, every - (time.monotonic() - started)))


@dataclass(frozen=True, slots=True)
class Sources:
    """Watched feeds with their state, and the latest fetches (URLs shown redacted)."""

    feeds: tuple[Feed, ...]
    fetches: tuple[FetchRow, ...]


def list_sources(store: Store, *, limit: int = 50) -> Sources:
    """What ``khabar sources`` and the web app's Sources page show."""
    from dataclasses import replace

    feeds = tuple(replace(f, url=redact(f.url), parent=redact(f.parent) if f.parent else "") for f in store.feeds())
    return Sources(feeds, tuple(store.fetch_rows(limit=limit)))
