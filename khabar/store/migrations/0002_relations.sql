-- 0002_relations: independent source groups. An article with no row is its own group.
-- (The relations stage extends this migration's tables in later migrations.)

CREATE TABLE source_groups (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    group_id   TEXT NOT NULL,               -- id of the group's originating (earliest) article
    updated_at TEXT NOT NULL
);
CREATE INDEX source_groups_group ON source_groups(group_id);
