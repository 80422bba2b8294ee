"""A timeline picture of events (matplotlib, PNG or SVG by the file's extension).

Each event is a stem at its date; the stem's height is the range of reported deaths (a bar from
the lowest to the highest figure, a dot at the latest), on a log scale so that a bombing with 500
dead and a raid with 2 both show. Colour says how the actor is linked (claimed, attributed,
suspected). Events without a resolved date are listed under the plot rather than guessed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import InputError
from ..models import Event

__all__ = ["timeline_picture"]

_COLOURS = {"claimed": "#b2182b", "attributed": "#ef8a62", "suspected": "#67a9cf", "unknown": "#999999"}


def timeline_picture(events: tuple[Event, ...] | list[Event], path: Path, *, title: str) -> Path:
    """Draw ``events`` to ``path`` (.png or .svg) and return the path."""
    if path.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"timeline pictures are .png or .svg files, not {path.name!r}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dated = [e for e in events if e.date is not None and e.date.value]
    undated = [e for e in events if e not in dated]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    for event in dated:
        _draw(ax, event)
    _finish(ax, dated, title)
    if undated:
        names = "; ".join(f"{e.type.replace('_', ' ')} in {e.place or '?'}" for e in undated[:6])
        fig.text(0.01, 0.01, f"Undated ({len(undated)}): {names}", fontsize=7, color="#555555")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout(rect=(0, 0.04 if undated else 0, 1, 1))
    fig.savefig(path, dpi=150)
    plt.close(fig)
    if path.suffix.lower() == ".svg":  # renders under the web app's CSP too (no inline styles)
        from .svgstyle import without_css

        path.write_text(without_css(path.read_text("utf-8")), "utf-8")
    return path


def _draw(ax, event: Event) -> None:
    assert event.date is not None and event.date.value  # only dated events are drawn
    when = date.fromisoformat(event.date.value)
    status = next((p.status for p in event.perpetrators if p.status != "denied"), "unknown")
    colour = _COLOURS.get(status, _COLOURS["unknown"])
    toll = event.killed
    label = f"{event.place or '?'}\n{event.type.replace('_', ' ')}"
    if toll is None:  # no figure reported: a hollow marker on the floor, not a made-up count
        ax.plot([when], [1], "o", markerfacecolor="white", color=colour, markersize=6)
        ax.annotate(
            label + "\n(no toll)", (when, 1), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7
        )
        return
    low = max(toll.low, 1)
    high = max(toll.high or toll.latest.figure.value, low)
    latest = max(toll.latest.figure.value, 1)
    ax.vlines(when, 0.8, low, color=colour, alpha=0.35, linewidth=1)
    ax.vlines(when, low, high, color=colour, linewidth=4, alpha=0.8)
    ax.plot([when], [latest], "o", color=colour, markersize=6)
    ax.annotate(label, (when, high), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)


def _finish(ax, dated: list[Event], title: str) -> None:
    ax.set_yscale("log")
    ax.set_ylim(0.8, max([2] + [(e.killed.high or e.killed.latest.figure.value) for e in dated if e.killed]) * 3)
    ax.set_ylabel("reported deaths (range, dot = latest)")
    ax.set_title(title, loc="left")
    ax.grid(axis="y", alpha=0.3)
    for status, colour in _COLOURS.items():
        ax.plot([], [], "o", color=colour, label=status)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=4, fontsize=8, frameon=False)
    if not dated:
        ax.text(0.5, 0.5, "no dated events", transform=ax.transAxes, ha="center", color="#777777")
