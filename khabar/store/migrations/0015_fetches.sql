-- 0015_fetches: the raw response behind every document fetched over HTTP or read from a web
-- archive (issue 12). One row per document source (the URL, or archive#offset), kept beside the
-- article it produced: join fetches.article_id = articles.id. URLs are stored redacted.

CREATE TABLE fetches (
    source        TEXT PRIMARY KEY,          -- the RawDocument source: final URL, or path#offset
    url           TEXT NOT NULL,             -- as asked for
    final_url     TEXT NOT NULL,             -- after redirects
    canonical_url TEXT NOT NULL,             -- courlan-normalised final URL
    status        INTEGER NOT NULL,
    fetched_at    TEXT NOT NULL,             -- ISO 8601 UTC (capture date for archive records)
    body_hash     TEXT NOT NULL,             -- sha256 of the body bytes
    size          INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    charset       TEXT NOT NULL,             -- declared in headers ('' when none)
    http_version  TEXT NOT NULL,
    headers       TEXT NOT NULL,             -- JSON list of [name, value], no cookies or auth
    redirects     TEXT NOT NULL,             -- JSON list of URLs before final_url
    seconds       REAL NOT NULL,
    via           TEXT NOT NULL,             -- http | warc | arc
    outcome       TEXT NOT NULL,             -- added | unchanged | rejected
    article_id    TEXT,                      -- the article it produced or duplicated
    reason        TEXT NOT NULL DEFAULT '',  -- why it was rejected
    recorded_at   TEXT NOT NULL
);
CREATE INDEX fetches_canonical ON fetches(canonical_url);
CREATE INDEX fetches_body ON fetches(body_hash);
CREATE INDEX fetches_article ON fetches(article_id);
