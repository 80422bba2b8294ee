-- 0004_events: what each article reports about attacks (one row per event it reports) and about
-- actors (facts). Cross-article events are computed from these rows at query time
-- (khabar.corroborate), so a new article can merge or split events without rewriting stored rows.
-- Offsets are character offsets into articles.text.

CREATE TABLE event_reports (
    article_id      TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,           -- 0 = the article's main event
    type            TEXT NOT NULL,              -- khabar.events schema: bombing, suicide_bombing, ...
    date_value      TEXT,                       -- ISO date of the period's first day; NULL when unresolved
    date_precision  TEXT NOT NULL DEFAULT 'none', -- day | week | month | year | decade | none
    date_text       TEXT,
    date_start      INTEGER,
    date_end        INTEGER,
    date_note       TEXT NOT NULL DEFAULT '',
    place           TEXT,                       -- the place as written
    place_id        TEXT,                       -- its entity id at extraction time
    place_start     INTEGER,
    place_end       INTEGER,
    target          TEXT,
    char_start      INTEGER NOT NULL,           -- the first sentence reporting the event
    char_end        INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX event_reports_date ON event_reports(date_value);

-- Killed and injured counts as reported, kept as ranges with their qualifier.
CREATE TABLE event_figures (
    article_id TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    role       TEXT NOT NULL,                   -- killed | injured
    value      INTEGER NOT NULL,                -- the number as written
    qualifier  TEXT NOT NULL,                   -- exact, at_least, more_than, about, up_to, fewer_than, range, vague
    low        INTEGER NOT NULL,
    high       INTEGER,                         -- NULL: open-ended
    text       TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx, role),
    FOREIGN KEY (article_id, idx) REFERENCES event_reports(article_id, idx) ON DELETE CASCADE
);

-- Who is said to be behind the event, how firmly (claimed/attributed/suspected/denied), who says so.
CREATE TABLE event_perpetrators (
    article_id TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    entity_id  TEXT,                            -- at extraction time; reads prefer the mention's current id
    status     TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx, char_start, status),
    FOREIGN KEY (article_id, idx) REFERENCES event_reports(article_id, idx) ON DELETE CASCADE
);
CREATE INDEX event_perpetrators_entity ON event_perpetrators(entity_id);

-- Every sentence that contributed to an event report.
CREATE TABLE event_evidence (
    article_id TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx, char_start),
    FOREIGN KEY (article_id, idx) REFERENCES event_reports(article_id, idx) ON DELETE CASCADE
);

-- Facts about actors: (subject, attribute, value) normalised, with the sentence stating it.
CREATE TABLE facts (
    article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    subject_key TEXT NOT NULL DEFAULT '',       -- khabar.names.name_key(subject)
    subject_id  TEXT,                           -- at extraction time; reads prefer the mention's current id
    subject_start INTEGER NOT NULL DEFAULT -1,  -- the subject's mention, when it is named in the sentence
    subject_end   INTEGER NOT NULL DEFAULT -1,
    attribute   TEXT NOT NULL,
    value       TEXT NOT NULL,
    display     TEXT NOT NULL,
    qualifier   TEXT NOT NULL DEFAULT '',
    object_id   TEXT,
    high        INTEGER,                        -- upper end of a count range (strength)
    on_person   TEXT NOT NULL DEFAULT '',       -- bounty: the person the reward is for
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL,
    PRIMARY KEY (article_id, subject, attribute, value, char_start)
);
CREATE INDEX facts_subject ON facts(subject_id);
CREATE INDEX facts_subject_key ON facts(subject_key);
CREATE INDEX facts_value ON facts(value);
