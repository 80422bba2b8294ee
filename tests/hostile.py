"""The hostile corpus of issue 16, built at test time: every file khabar must survive, and what it must do.

:func:`build_corpus` writes the files into a folder and returns, per file (or JSON Lines record), the
expected outcome: ``"stored"``, a rejection code, or ``"any"`` (stored or rejected, but with a trace).
Every text here is written for these tests. ``bench/hostile.py`` ingests the same corpus at full size.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import zlib
from pathlib import Path

# Short articles in our own words; each has a distinct first line so that it can be found again.
ARTICLES = [
    "Militants attacked a police checkpoint outside the town of Zarbak on Monday night, killing three officers "
    "and wounding five, the district governor said. No group has claimed the attack.",
    "A roadside bomb struck a minibus carrying farm workers near the Kelsar bridge, local officials said. Two "
    "passengers died at the scene and eleven were taken to the provincial hospital.",
    "Security forces said they had cleared a hideout in the hills above Darvan after a two-day operation. "
    "Weapons and radio equipment were seized and four suspects were detained.",
    "Gunmen on motorcycles fired on a market crowd in Ostrel before fleeing towards the border, witnesses told "
    "reporters. The interior ministry promised an inquiry into the shooting.",
    "Residents of Pelmar reported heavy shelling overnight as fighting moved closer to the river port. Aid "
    "agencies said hundreds of families had left their homes since the weekend.",
    "The prosecutor in Varnesse charged six men with planning attacks on fuel depots, saying the group had "
    "received money and instructions from abroad over several months.",
    "A car bomb exploded outside the customs office in Tolbek at midday, damaging shops across the street. "
    "Officials said at least seven people were hurt, two of them seriously.",
    "Villagers in the Sarnow valley said armed men took twelve cattle herders and demanded a ransom. Elders "
    "were negotiating for their release, a local council member said.",
]
PARAGRAPH = (
    "The council met again on Thursday to discuss the repairs to the northern road, the water supply "
    "and the school roof, and agreed to meet again next month. "
)


def article(i: int, salt: str = "") -> str:
    """Article ``i`` of :data:`ARTICLES` (cycled), made distinct by ``salt``."""
    return ARTICLES[i % len(ARTICLES)] + (f" The report was filed as note {salt}." if salt else "")


def _txt(path: Path, title: str, body: str, **meta: str) -> None:
    head = "".join(f"{k}: {v}\n" for k, v in {"title": title, **meta}.items())
    path.write_text(f"---\n{head}---\n{body}\n", encoding="utf-8")


def _html(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


def _gzip_bomb(path: Path, expanded: int) -> None:
    """A gzip file of a few MB that expands to ``expanded`` bytes of one letter."""
    block = b"a" * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip header
    with path.open("wb") as out:
        for _ in range(expanded // len(block)):
            out.write(deflate.compress(block))
        out.write(deflate.flush())


def build_corpus(
    folder: Path, *, max_bytes: int, bomb_bytes: int = 3 * 10**9, jsonl_lines: int = 10_000, long_chars: int = 60_000
) -> dict[str, str]:
    """Write the hostile corpus into ``folder``; returns {file or file:line: expected outcome}."""
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, outcome: str) -> Path:
        expect[name] = outcome
        return folder / name

    # --- good inputs: every one must be stored -----------------------------------------------
    _txt(
        put("good-plain.txt", "stored"),
        "Checkpoint attack in Zarbak",
        article(0),
        outlet="Ledger",
        published="2021-08-27",
    )
    put("good-page.html", "stored").write_text(_html("Minibus bomb at Kelsar", article(1)), encoding="utf-8")
    put("good-page.html.gz", "stored").write_bytes(gzip.compress(_html("Hideout cleared", article(2)).encode()))
    put("good-utf16-nobom.txt", "stored").write_bytes(f"Market shooting\n\n{article(3)}".encode("utf-16-le"))
    mixed = (
        f"Shelling near Pelmar\n\nLe préfet a parlé: {article(4)}\n".encode()
        + "Selon le préfet, la région reste très tendue après la nuit.\n".encode("latin-1")
    )
    put("good-mixed-encodings.txt", "stored").write_bytes(mixed)
    put("good-cp1252.txt", "stored").write_bytes(
        f"Charges in Varnesse\n\n{article(5)} Le procès débutera en été.".encode("cp1252")
    )
    _txt(put("published-words.txt", "stored"), "Customs office bomb", article(6), published="Friday, August 27, 2021")
    _txt(put("published-nonsense.txt", "stored"), "Herders taken", article(7), published="the day after the storm")
    long_text = (PARAGRAPH * (long_chars // len(PARAGRAPH) + 1))[:long_chars].rsplit(" ", 1)[0] + "."
    _txt(put("long-one-paragraph.txt", "stored"), "A very long minute book", long_text)
    put("entity-bomb.html", "any").write_text(
        _html("Entities", "&amp;&lt;&#65;&#x10FFFF;&bogus;" * 50_000 + " " + article(0, "e")), encoding="utf-8"
    )
    attrs = " ".join(f'data-a{i}="v{i}"' for i in range(80_000))
    put("attribute-bomb.html", "any").write_text(f"<html><body><p {attrs}>{article(1, 'attrs')}</p></body></html>")
    put("deep-divs.html", "any").write_text(
        "<html><body>" + "<div>" * 100_000 + f"<p>{article(2, 'deep')}</p>" + "</div>" * 100_000 + "</body></html>"
    )

    # --- bad inputs: each must be skipped with its reason ------------------------------------
    put("deep.json", "json").write_text("[" * 100_000 + "]" * 100_000)
    _gzip_bomb(put("bomb.txt.gz", "too-large"), bomb_bytes)
    put("fake.txt.gz", "gzip").write_bytes(b"this is not gzip at all, only a name")
    put("truncated.html.gz", "gzip").write_bytes(gzip.compress(_html("Cut", article(3, "cut")).encode())[:60])
    put("report.txt", "binary").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    put("photo.html", "binary").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    put("program.txt", "binary").write_bytes(b"\x7fELF" + os.urandom(2000))
    db = folder / "kb-copy.json"
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.commit()
    expect[db.name] = "binary"
    put("empty.txt", "empty").write_bytes(b"")
    put("blank.html", "empty").write_bytes(b" \n\t\n ")
    put("too-big.txt", "too-large").write_bytes(b"word " * (max_bytes // 5 + 10))
    put("broken.html", "any").write_text("<html><body><div class='x'><p>unterminated <b>bold")
    put("noise.txt", "encoding").write_bytes(bytes(b for b in os.urandom(6000) if b and b != 10))
    put("nul-after-8k.txt", "nul").write_bytes(
        f"Late NUL\n\n{article(4, 'nul')}\n".encode() + b" " * 9000 + b"\x00tail"
    )
    put("invisible.txt", "invisible").write_text("\ufeff\u200b\u200c\u200d\u2060 \ufeff\n" * 50, encoding="utf-8")
    put("notes.docx", "unsupported").write_bytes(b"PK\x03\x04" + os.urandom(100))
    put(".hidden-article.txt", "hidden").write_text(f"Hidden\n\n{article(5, 'hidden')}")
    os.mkfifo(put("pipe.txt", "special"))
    os.symlink(folder / "no-such-target.txt", put("dangling.txt", "symlink"))
    os.symlink(folder / "loop-b.txt", put("loop-a.txt", "symlink"))
    os.symlink(folder / "loop-a.txt", put("loop-b.txt", "symlink"))
    (folder / "sub").mkdir()
    _txt(put("sub/nested-good.txt", "stored"), "Nested", article(6, "nested"))
    os.symlink(folder, put("sub/back-to-top", "symlink"))
    if os.geteuid() != 0:  # root reads anything: the case exists only for other users
        locked = put("locked.txt", "unreadable")
        locked.write_text("Locked\n\n" + article(7, "locked"))
        locked.chmod(0)
    expect.update(_jsonl(folder / "feed.jsonl", lines=jsonl_lines, max_bytes=max_bytes))
    return expect


def _jsonl(path: Path, *, lines: int, max_bytes: int) -> dict[str, str]:
    """A JSON Lines file with a few good records among every kind of bad line."""
    kinds = [
        (b"{broken json", "json"),
        (json.dumps(["a", "list"]).encode(), "json"),
        (json.dumps({"title": "no text field"}).encode(), "json"),
        (json.dumps({"text": "   "}).encode(), "json"),
        (json.dumps({"text": "a\u0000b " * 20}).encode(), "nul"),
        (json.dumps({"text": "\u200b\ufeff" * 40}).encode(), "invisible"),
        (b"[" * 5000 + b"]" * 5000, "json"),
        (b"\x89PNG\r\x1a binary junk", "binary"),
        (json.dumps({"text": "too short"}).encode(), "too-short"),
        (json.dumps({"text": 12345}).encode(), "json"),
        (b'{"text": "unterminated', "json"),
    ]
    expect, out = {}, []
    good = 0
    for n in range(1, lines + 1):
        if n % 2000 == 1:  # five good records spread through the file
            record = {
                "text": article(good, f"feed-{n}"),
                "title": f"Feed record {n}",
                "outlet": "Wire",
                "published": ["2021-08-27", "27/08/2021", "Aug 27 2021", "2021", "soon"][good % 5],
            }
            out.append(json.dumps(record).encode())
            expect[f"{path.name}:{n}"] = "stored"
            good += 1
        elif n == 3:
            out.append(json.dumps({"text": "x " * (max_bytes // 2 + 10)}).encode())
            expect[f"{path.name}:{n}"] = "too-large"
        else:
            line, code = kinds[n % len(kinds)]
            out.append(line)
            expect[f"{path.name}:{n}"] = code
    path.write_bytes(b"\n".join(out) + b"\n")
    return expect
