-- 0002_relations: relations between articles (copy, rewrite, same story), the fingerprints the
-- candidate index is built from, and independent source groups. An article with no row in
-- source_groups is its own group.

CREATE TABLE source_groups (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL,               -- id of the group's originating (earliest) article
    updated_at TEXT NOT NULL
);
CREATE INDEX source_groups_group ON source_groups(group_id);

-- What the candidate index keeps of each article (khabar/relations/fingerprints.py).
CREATE TABLE fingerprints (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    minhash    BLOB NOT NULL,               -- 128 x uint32: MinHash of the word 5-shingles
    embedding  BLOB NOT NULL,               -- float32 document vector (model below), L2-normalised
    model      TEXT NOT NULL,               -- model of the document vector (wordllama)
    lede       BLOB,                        -- float32 multilingual vector of the first 100 words, or NULL
    keys       TEXT NOT NULL,               -- key terms (capitalised words n:..., numbers d:...), tab-separated
    language   TEXT NOT NULL,
    published  TEXT
);

-- One row per related pair (a < b). Unrelated pairs are not stored.
CREATE TABLE relations (
    a                TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    b                TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    relation         TEXT NOT NULL,         -- copy | rewrite | same-story
    score            REAL NOT NULL,         -- 0..1 story similarity
    coverage_a       REAL NOT NULL,         -- share of a's sentence text aligned with b
    coverage_b       REAL NOT NULL,
    shared_passages  REAL NOT NULL,         -- share of the shorter article's word 5-grams in the other
    in_order         REAL NOT NULL,         -- share of aligned pairs in the same order
    origin           TEXT,                  -- a or b: the article the other derives from; NULL if unknown
    reason           TEXT NOT NULL,
    direction_reason TEXT NOT NULL,
    model            TEXT NOT NULL,         -- sentence model of the alignment
    pairs            TEXT NOT NULL,         -- JSON [[sentence of a, sentence of b, similarity, verbatim], ...]
    created_at       TEXT NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
);
CREATE INDEX relations_b ON relations(b);
CREATE INDEX relations_kind ON relations(relation);
