-- Frontdesk desk database: customers, branches, settings, timeline, outbox, search indexes.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.
--
-- The search tables are contentless FTS5 tables kept in step with `customers` by the core's
-- write path (crates/frontdesk-core/src/search/index.rs) in the same transaction, using the
-- 'delete' + insert pattern: an UPDATE of an FTS row would leave the old tokens behind.
-- Not triggers: a statement that fires triggers runs under a statement savepoint, and FTS5
-- flushes its pending terms to a new segment at every savepoint: one segment per row, then
-- constant merging (measured: ~100x slower bulk import).
-- Only live (not archived) customers are in the search indexes: archived records are few and
-- are searched by scanning the `customers_archived` index.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE branches (
    id         INTEGER PRIMARY KEY,
    uuid       BLOB NOT NULL UNIQUE,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    archived   INTEGER NOT NULL DEFAULT 0
);

-- Devices that wrote local rows (this desk is always id 1 after setup).
CREATE TABLE devices (
    id        INTEGER PRIMARY KEY,
    uuid      BLOB NOT NULL UNIQUE,
    code_prefix TEXT NOT NULL
);

-- Prefixes of customer codes present in this database (own and imported), so a digits-only
-- query can look up `PREFIX-digits` exactly.
CREATE TABLE code_prefixes (
    prefix TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE customers (
    seq                  INTEGER PRIMARY KEY,        -- local row number: stable tie-break, FTS rowid
    id                   BLOB NOT NULL,               -- UUIDv7, 16 bytes, global identity
    code                 TEXT NOT NULL,               -- e.g. 'QKM-1042': per-device prefix + counter
    first_name           TEXT NOT NULL DEFAULT '',
    last_name            TEXT NOT NULL DEFAULT '',
    phone_raw            TEXT,                         -- as typed
    phone_e164           TEXT,                         -- match key
    email                TEXT,                         -- as typed (trimmed); match key is lower(email)
    shared_contacts      INTEGER NOT NULL DEFAULT 0,   -- bit 1: phone shared, bit 2: email shared
    address_line1        TEXT,
    address_line2        TEXT,
    city                 TEXT,
    state                TEXT,
    postal_code          TEXT,
    country              TEXT,                         -- ISO 3166-1 alpha-2
    branch_id            INTEGER NOT NULL REFERENCES branches(id),
    status               INTEGER NOT NULL DEFAULT 0,   -- 0 active, 1 blocked
    blocked_reason       TEXT,
    remarks              TEXT,
    tags                 TEXT,                         -- JSON array of strings, NULL when none
    birthday             TEXT,                         -- YYYY-MM-DD
    marketing_consent    INTEGER,                      -- NULL unknown, 0 no, 1 yes
    marketing_consent_at INTEGER,
    marketing_consent_by TEXT,
    archived_at          INTEGER,                      -- soft delete (ms since epoch)
    import_id            INTEGER,                      -- the import that created it (its timeline's first entry)
    created_at           INTEGER NOT NULL,             -- ms since epoch, UTC
    updated_at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX customers_id ON customers(id);
CREATE UNIQUE INDEX customers_code ON customers(code);
CREATE INDEX customers_email ON customers(lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_phone ON customers(phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE INDEX customers_name_sort ON customers(last_name COLLATE NOCASE, first_name COLLATE NOCASE);

-- Name words (first, last, email local part), folded: lower case, no diacritics.
CREATE VIRTUAL TABLE customer_name_fts USING fts5(
    keys, content='', detail=none, prefix='1 2 3 4 5 6 7 8', tokenize='unicode61 remove_diacritics 2'
);
-- Phones as `44:7700900123` (calling code, colon, national number), in trigrams: fragments
-- anywhere in the number, in international or national form.
CREATE VIRTUAL TABLE customer_phone_fts USING fts5(
    keys, content='', tokenize='trigram'
);
-- Email addresses as words (`c bakker 318 o 2 pl`): a fragment is a run of words, the last
-- one possibly cut short.
CREATE VIRTUAL TABLE customer_email_fts USING fts5(
    keys, content='', prefix='1', tokenize='unicode61 remove_diacritics 0'
);

CREATE INDEX customers_archived ON customers(archived_at) WHERE archived_at IS NOT NULL;

-- Timeline: one row per change, who/when/what. `data` holds the field changes as JSON
-- ({"changes": [["field", old, new], ...], "note": ...}). A customer created by an import has
-- no row here: its first timeline entry is read from `customers.import_id` and `imports`, so
-- a 1M-row import adds one byte per customer to the timeline, not a million events.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    customer_seq INTEGER NOT NULL REFERENCES customers(seq),
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    data         TEXT
);
CREATE INDEX events_customer ON events(customer_seq, seq);

CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    file_name  TEXT NOT NULL,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    imported   INTEGER NOT NULL DEFAULT 0,
    rejected   INTEGER NOT NULL DEFAULT 0
);

-- Outbox of unsynced changes, field level, stamped with a hybrid logical clock and the device.
-- field '*' on a create means "every field of the record as it is when pushed": a created
-- record is not copied into the outbox. Updates write one row per changed field. An import
-- writes one row per transaction: entity 'import', entity_seq the import, value
-- {"from": seq, "to": seq} — the customers it created, pushed like creates.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    entity_seq INTEGER NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT,
    hlc        INTEGER NOT NULL,
    device_id  INTEGER NOT NULL REFERENCES devices(id)
);

CREATE INDEX customers_created ON customers(created_at);
