-- 0016_feeds: watched feeds and sitemaps with their conditional-GET state, and every entry they
-- listed (issue 12). An entry is 'pending' until its page is fetched and its article committed,
-- so a watch killed half-way resumes with the entries it had not finished.

CREATE TABLE feeds (
    url           TEXT PRIMARY KEY,          -- redacted
    parent        TEXT NOT NULL DEFAULT '',  -- the OPML list or sitemap index that named it
    kind          TEXT NOT NULL DEFAULT '',  -- rss | atom | jsonfeed | sitemap | sitemapindex | opml
    title         TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    added_at      TEXT NOT NULL,
    checked_at    TEXT NOT NULL DEFAULT '',
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_outcome  TEXT NOT NULL DEFAULT '',  -- new | unchanged | failed
    last_reason   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE feed_entries (
    feed_url   TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
    key        TEXT NOT NULL,                -- the entry id, else its link
    url        TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    published  TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL,                -- pending | done | refused | failed
    reason     TEXT NOT NULL DEFAULT '',
    tries      INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    done_at    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (feed_url, key)
);
CREATE INDEX feed_entries_state ON feed_entries(feed_url, state);
