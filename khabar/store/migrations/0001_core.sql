-- 0001_core: articles, paragraphs, dropped text, sentences (+ full-text index), mentions,
-- entities, aliases with evidence, rejected inputs. Offsets are character offsets into articles.text.

CREATE TABLE articles (
    id           TEXT PRIMARY KEY,          -- hash of normalised clean text + outlet
    content_hash TEXT NOT NULL,             -- hash of normalised clean text
    source       TEXT NOT NULL,             -- file path (path:line for JSON Lines)
    kind         TEXT NOT NULL,             -- html | text
    url          TEXT,
    title        TEXT,
    outlet       TEXT,
    author       TEXT,
    published    TEXT,                      -- ISO 8601 as found
    language     TEXT NOT NULL,
    raw          TEXT NOT NULL,             -- the page or text as read
    text         TEXT NOT NULL,             -- clean main text
    words        INTEGER NOT NULL,
    ingested_at  TEXT NOT NULL
);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_outlet ON articles(outlet);

CREATE TABLE paragraphs (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    language   TEXT NOT NULL,
    score      REAL NOT NULL,
    PRIMARY KEY (article_id, idx)
);

CREATE TABLE dropped (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);

CREATE TABLE sentences (
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    UNIQUE (article_id, idx)
);

CREATE VIRTUAL TABLE sentences_fts USING fts5(
    text, content='sentences', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER sentences_ad AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE entities (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,              -- PERSON, ORG, NORP, GPE, LOC, FAC
    class       TEXT NOT NULL,              -- PERSON, GROUP, PLACE
    registry_id TEXT,                       -- actor:<id> / person:<id> / place:<id> when linked
    created_at  TEXT NOT NULL
);
CREATE INDEX entities_registry ON entities(registry_id);

CREATE TABLE mentions (
    id          INTEGER PRIMARY KEY,
    article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence    INTEGER NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    label       TEXT NOT NULL,
    cluster     TEXT NOT NULL,              -- canonical form of the in-article group
    entity_id   TEXT REFERENCES entities(id),
    UNIQUE (article_id, char_start, char_end, label)
);
CREATE INDEX mentions_entity ON mentions(entity_id);
CREATE INDEX mentions_article ON mentions(article_id, sentence);

-- Every name of an entity with where it was used (source 'text'), stated as an alias
-- ('stated'), listed in the registry ('registry') or added by an analyst ('analyst').
CREATE TABLE aliases (
    entity_id  TEXT NOT NULL REFERENCES entities(id),
    alias      TEXT NOT NULL,
    norm       TEXT NOT NULL,
    source     TEXT NOT NULL,
    article_id TEXT NOT NULL DEFAULT '',    -- '' for registry/analyst aliases
    char_start INTEGER NOT NULL DEFAULT -1,
    char_end   INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (entity_id, norm, source, article_id, char_start)
);
CREATE INDEX aliases_norm ON aliases(norm);

CREATE TABLE rejections (
    source     TEXT NOT NULL,
    code       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    PRIMARY KEY (source, code)
);
