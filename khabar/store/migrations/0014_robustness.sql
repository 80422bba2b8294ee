-- Issue 16: `published` is parsed once at ingest (khabar/sources.py): ISO 8601 or NULL, never a free
-- string; the value as the source gave it and its precision are kept beside it.
ALTER TABLE articles ADD COLUMN published_original TEXT;
ALTER TABLE articles ADD COLUMN published_precision TEXT;   -- time | day | month | year | unknown

-- Databases written before: a stored value that is not an ISO day moves to published_original.
UPDATE articles SET published_original = published, published = NULL, published_precision = 'unknown'
 WHERE published IS NOT NULL AND published NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]*';
UPDATE fingerprints SET published = NULL
 WHERE published IS NOT NULL AND published NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]*';

-- Ingest runs: `who` and the web app say "an ingest is running" while one is (pid on this host).
CREATE TABLE ingest_runs (
    id          INTEGER PRIMARY KEY,
    pid         INTEGER NOT NULL,
    host        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
