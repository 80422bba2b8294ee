"""Event reports and actor facts: what each article says, stored per article, read back typed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ..models import Citation, DateValue, EventReport, Fact, Figure, Perpetrator
from ..names import name_key

__all__ = ["EventQueries"]

# The entity a stored span belongs to *now* (after analyst merges and splits), else the id stored.
_CURRENT_ID = (
    "coalesce((SELECT m.entity_id FROM mentions m WHERE m.article_id = {t}.article_id AND m.entity_id IS NOT NULL"
    " AND m.char_start < {t}.{end} AND m.char_end > {t}.{start} ORDER BY m.char_end - m.char_start DESC LIMIT 1),"
    " {t}.{col})"
)


class EventQueries:
    """Mixin of :class:`khabar.store.Store`: event reports, facts and the citations they need."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by the Store this mixes into (and its RelationQueries)

        def atomic(self) -> AbstractContextManager[sqlite3.Connection]: ...  # Store.atomic

        def source_group_map(self, article_ids: Iterable[str]) -> dict[str, str]: ...

    # --- writes -------------------------------------------------------------------------------

    def save_event_reports(self, article_id: str, reports: Sequence[EventReport]) -> None:
        """Store an article's event reports (replacing any stored for it: re-runs are idempotent)."""
        with self.atomic():
            self.conn.execute("DELETE FROM event_reports WHERE article_id = ?", (article_id,))
            for r in reports:
                self._insert_report(r)

    def _insert_report(self, r: EventReport) -> None:
        d = r.date
        self.conn.execute(
            "INSERT INTO event_reports(article_id, idx, type, date_value, date_precision, date_text, date_start,"
            " date_end, date_note, place, place_id, place_start, place_end, target, char_start, char_end)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.article_id,
                r.index,
                r.type,
                d.value if d else None,
                d.precision if d else "none",
                d.text if d else None,
                d.start if d else None,
                d.end if d else None,
                d.note if d else "",
                r.place,
                r.place_id,
                r.place_start,
                r.place_end,
                r.target,
                r.start,
                r.end,
            ),
        )
        for role, figure in (("killed", r.killed), ("injured", r.injured)):
            if figure is not None:
                self.conn.execute(
                    "INSERT INTO event_figures(article_id, idx, role, value, qualifier, low, high, text, char_start,"
                    " char_end) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        r.article_id,
                        r.index,
                        role,
                        figure.value,
                        figure.qualifier,
                        figure.low,
                        figure.high,
                        figure.text,
                        figure.start,
                        figure.end,
                    ),
                )
        self.conn.executemany(
            "INSERT OR IGNORE INTO event_perpetrators(article_id, idx, name, entity_id, status, source, char_start,"
            " char_end) VALUES (?,?,?,?,?,?,?,?)",
            [(r.article_id, r.index, p.name, p.entity_id, p.status, p.source, p.start, p.end) for p in r.perpetrators],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO event_evidence(article_id, idx, char_start, char_end) VALUES (?,?,?,?)",
            [(r.article_id, r.index, s, e) for s, e in r.evidence],
        )

    def save_facts(self, article_id: str, facts: Sequence[Fact]) -> None:
        """Store an article's facts (replacing any stored for it)."""
        with self.atomic():
            self.conn.execute("DELETE FROM facts WHERE article_id = ?", (article_id,))
            self.conn.executemany(
                "INSERT OR IGNORE INTO facts(article_id, subject, subject_key, subject_id, subject_start, subject_end,"
                " attribute, value, display, qualifier, object_id, char_start, char_end, high, on_person)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        f.article_id,
                        f.subject,
                        name_key(f.subject),
                        f.subject_id,
                        f.subject_start,
                        f.subject_end,
                        f.attribute,
                        f.value,
                        f.display,
                        f.qualifier,
                        f.object_id,
                        f.start,
                        f.end,
                        f.high,
                        f.on,
                    )
                    for f in facts
                ],
            )

    # --- reads --------------------------------------------------------------------------------

    def event_reports(self, *, article_ids: Iterable[str] | None = None) -> list[EventReport]:
        """Stored event reports (of the given articles, or all), oldest publication first."""
        where, params = "", []
        if article_ids is not None:
            ids = list(dict.fromkeys(article_ids))
            if not ids:
                return []
            where = f"WHERE r.article_id IN ({','.join('?' * len(ids))})"
            params = ids
        rows = self.conn.execute(
            "SELECT r.*, a.published, "
            + _CURRENT_ID.format(t="r", start="place_start", end="place_end", col="place_id")
            + " AS current_place FROM event_reports r JOIN articles a ON a.id = r.article_id "
            + where
            + " ORDER BY a.published, r.article_id, r.idx",
            params,
        ).fetchall()
        figures = self._figures(params if article_ids is not None else None)
        perps = self._perpetrators(params if article_ids is not None else None)
        evidence = self._evidence(params if article_ids is not None else None)
        return [_report(r, figures, perps, evidence) for r in rows]

    def _figures(self, ids: list[str] | None) -> dict[tuple[str, int, str], Figure]:
        rows = self._rows("SELECT * FROM event_figures", ids)
        return {
            (r["article_id"], r["idx"], r["role"]): Figure(
                r["text"], r["char_start"], r["char_end"], r["value"], r["qualifier"], r["low"], r["high"]
            )
            for r in rows
        }

    def _perpetrators(self, ids: list[str] | None) -> dict[tuple[str, int], list[Perpetrator]]:
        current = _CURRENT_ID.format(t="p", start="char_start", end="char_end", col="entity_id")
        rows = self._rows(f"SELECT p.*, {current} AS current FROM event_perpetrators p", ids, alias="p")
        out: dict[tuple[str, int], list[Perpetrator]] = {}
        for r in sorted(rows, key=lambda r: r["char_start"]):
            out.setdefault((r["article_id"], r["idx"]), []).append(
                Perpetrator(r["name"], r["status"], r["source"], r["char_start"], r["char_end"], r["current"])
            )
        return out

    def _evidence(self, ids: list[str] | None) -> dict[tuple[str, int], list[tuple[int, int]]]:
        out: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for r in self._rows("SELECT * FROM event_evidence", ids):
            out.setdefault((r["article_id"], r["idx"]), []).append((r["char_start"], r["char_end"]))
        return out

    def _rows(self, sql: str, ids: list[str] | None, *, alias: str = "") -> list[sqlite3.Row]:
        if ids is None:
            return self.conn.execute(sql).fetchall()
        column = f"{alias}.article_id" if alias else "article_id"
        return self.conn.execute(f"{sql} WHERE {column} IN ({','.join('?' * len(ids))})", ids).fetchall()

    def facts(
        self,
        *,
        subject_ids: Iterable[str] | None = None,
        subject_keys: Iterable[str] = (),
        value_keys: Iterable[str] = (),
        object_ids: Iterable[str] = (),
    ) -> list[Fact]:
        """Stored facts, oldest publication first: all, or those whose subject is one of the entities
        (or is named by one of ``subject_keys``), or whose value names one (``value_keys``, ``object_ids``)."""
        current = _CURRENT_ID.format(t="f", start="subject_start", end="subject_end", col="subject_id")
        sql = (
            f"SELECT * FROM (SELECT f.*, {current} AS current, a.published FROM facts f "
            "JOIN articles a ON a.id = f.article_id) AS facts_now"
        )
        tests, params = [], []
        for column, values in (
            ("current", subject_ids),
            ("subject_key", subject_keys),
            ("value", value_keys),
            ("object_id", object_ids),
        ):
            if values is None:
                continue
            values = [v for v in dict.fromkeys(values) if v]
            if values:
                tests.append(f"{column} IN ({','.join('?' * len(values))})")
                params += values
        if subject_ids is not None or subject_keys or value_keys or object_ids:
            if not tests:
                return []
            sql += " WHERE " + " OR ".join(tests)
        rows = self.conn.execute(
            sql + " ORDER BY published, article_id, char_start, attribute, value", params
        ).fetchall()
        return [
            Fact(
                r["article_id"],
                r["subject"],
                r["current"],
                r["attribute"],
                r["value"],
                r["display"],
                r["qualifier"],
                r["char_start"],
                r["char_end"],
                r["object_id"],
                r["subject_start"],
                r["subject_end"],
                r["high"],
                r["on_person"],
            )
            for r in rows
        ]

    def name_mentions(self, labels: Sequence[str]) -> dict[str, list[tuple[int, int, str, str | None, str, str]]]:
        """Per article, its mentions of the given NER labels as (start, end, text, entity id, label,
        the 40 characters before it), in text order."""
        marks = ",".join("?" * len(labels))
        rows = self.conn.execute(
            "SELECT m.article_id, m.char_start, m.char_end, m.text, m.entity_id, m.label, CASE WHEN m.char_start >= 40"
            " THEN substr(a.text, m.char_start - 39, 40) ELSE substr(a.text, 1, m.char_start) END"
            f" FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.label IN ({marks})"
            " ORDER BY m.article_id, m.char_start",
            list(labels),
        )
        out: dict[str, list[tuple[int, int, str, str | None, str, str]]] = {}
        for r in rows:
            out.setdefault(r[0], []).append((r[1], r[2], r[3], r[4], r[5], r[6] or ""))
        return out

    def citations(self, spans: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int, int], Citation]:
        """Citations of many (article id, start, end) spans at once, with each article's source group."""
        spans = list(dict.fromkeys(spans))
        ids = list(dict.fromkeys(s[0] for s in spans))
        groups = self.source_group_map(ids)
        meta = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            rows = self.conn.execute(
                "SELECT id, outlet, title, published, url, text FROM articles"
                f" WHERE id IN ({','.join('?' * len(part))})",
                part,
            )
            meta.update({r["id"]: r for r in rows})
        out = {}
        for article_id, start, end in spans:
            row = meta.get(article_id)
            if row is not None:
                out[(article_id, start, end)] = Citation(
                    article_id,
                    row["outlet"],
                    row["title"],
                    row["published"],
                    start,
                    end,
                    row["text"][start:end],
                    row["url"],
                    groups.get(article_id, article_id),
                )
        return out


def _report(r: sqlite3.Row, figures, perps, evidence) -> EventReport:
    key = (r["article_id"], r["idx"])
    date = None
    if r["date_precision"] != "none" or r["date_text"]:
        date = DateValue(
            r["date_text"] or "",
            r["date_start"] if r["date_start"] is not None else -1,
            r["date_end"] if r["date_end"] is not None else -1,
            r["date_value"],
            r["date_precision"],
            r["date_note"],
        )
    return EventReport(
        article_id=r["article_id"],
        index=r["idx"],
        type=r["type"],
        date=date,
        place=r["place"],
        place_id=r["current_place"],
        perpetrators=tuple(perps.get(key, ())),
        killed=figures.get((*key, "killed")),
        injured=figures.get((*key, "injured")),
        target=r["target"],
        start=r["char_start"],
        end=r["char_end"],
        evidence=tuple(evidence.get(key, ())),
        published=r["published"],
        place_start=r["place_start"] if r["place_start"] is not None else -1,
        place_end=r["place_end"] if r["place_end"] is not None else -1,
    )
