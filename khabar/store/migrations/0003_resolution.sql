-- 0003_resolution: places with coordinates, analyst edits (merge/split, reversible), alias conflicts,
-- and what resolution needs to keep apart the resolver's choice from the analyst's.

-- One row per place entity: the gazetteer entry it resolved to, or an unresolved place
-- (level 'unresolved', no coordinates: never 0,0) with the reason in note.
CREATE TABLE places (
    entity_id   TEXT PRIMARY KEY REFERENCES entities(id),
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,              -- country | admin1 | admin2 | city | unresolved
    country     TEXT,                       -- ISO 3166-1 alpha-2
    admin1      TEXT,                       -- first-level region containing it
    latitude    REAL,
    longitude   REAL,
    population  INTEGER NOT NULL DEFAULT 0,
    geonames_id INTEGER,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX places_country ON places(country);

-- entity_id is the entity after analyst edits; resolved_id the resolver's own choice. Undoing an
-- edit recomputes entity_id from resolved_id and the edits still in force.
ALTER TABLE mentions ADD COLUMN resolved_id TEXT;
UPDATE mentions SET resolved_id = entity_id;
ALTER TABLE aliases ADD COLUMN resolved_id TEXT;
UPDATE aliases SET resolved_id = entity_id;

-- Spelling-variant key of the alias (khabar.entities.variant_key): "al-Qaida" and "Al Qaeda" share one.
ALTER TABLE aliases ADD COLUMN variant TEXT NOT NULL DEFAULT '';
CREATE INDEX aliases_variant ON aliases(variant);

-- Analyst edits, in order. merge: entity_id merged into target_id. split: the mentions and aliases
-- of entity_id named by one of `aliases` (JSON list of name keys) move to the new target_id.
CREATE TABLE edits (
    id         INTEGER PRIMARY KEY,
    action     TEXT NOT NULL,               -- merge | split
    entity_id  TEXT NOT NULL,
    target_id  TEXT NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '[]',
    reason     TEXT NOT NULL,
    analyst    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at  TEXT,
    undone_by  TEXT
);

-- A name that would have joined two registry entities: kept apart, recorded for the analyst.
CREATE TABLE alias_conflicts (
    alias      TEXT NOT NULL,
    norm       TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    other_id   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    article_id TEXT NOT NULL DEFAULT '',
    char_start INTEGER NOT NULL DEFAULT -1,
    char_end   INTEGER NOT NULL DEFAULT -1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (entity_id, other_id, norm, article_id, char_start)
);
CREATE INDEX alias_conflicts_other ON alias_conflicts(other_id);
