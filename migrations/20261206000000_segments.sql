-- Saved segments (issue #17): a name and a list of conditions (JSON, as the search takes them),
-- all of which must hold. Counted live when listed; never a stored list of customers.
CREATE TABLE segments (
    id         INTEGER PRIMARY KEY,
    uuid       BLOB NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    conditions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE UNIQUE INDEX segments_name ON segments(lower(name)) WHERE deleted_at IS NULL;
