-- Frontdesk desk database: customers, branches, settings, timeline, outbox, search indexes.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.
--
-- The search tables are contentless FTS5 tables kept in step with `customers` by triggers
-- using the 'delete' + insert pattern. Their text comes from deterministic SQL functions the
-- core registers on every connection (fd_name_keys, fd_phone_keys, fd_email_key), so the
-- normalisation used for indexing and for querying is one Rust function.

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
    keys, content='', detail=none, prefix='1 2 3', tokenize='unicode61 remove_diacritics 2'
);
-- Phone digits: E.164 digits and the national form, for fragments anywhere in the number.
CREATE VIRTUAL TABLE customer_phone_fts USING fts5(
    keys, content='', tokenize='trigram'
);
-- Normalised email, for fragments anywhere in the address.
CREATE VIRTUAL TABLE customer_email_fts USING fts5(
    keys, content='', tokenize='trigram'
);

-- Only live (not archived) customers are in the search indexes: archived records are few and
-- are searched by a scan of the `customers_archived` index, so the everyday search never pays
-- for them.
CREATE INDEX customers_archived ON customers(archived_at) WHERE archived_at IS NOT NULL;

CREATE TRIGGER customers_ai AFTER INSERT ON customers WHEN new.archived_at IS NULL BEGIN
    INSERT INTO customer_name_fts(rowid, keys)
        VALUES (new.seq, fd_name_keys(new.first_name, new.last_name, new.email));
    INSERT INTO customer_phone_fts(rowid, keys)
        SELECT new.seq, fd_phone_keys(new.phone_e164) WHERE new.phone_e164 IS NOT NULL;
    INSERT INTO customer_email_fts(rowid, keys)
        SELECT new.seq, fd_email_key(new.email) WHERE new.email IS NOT NULL;
END;

CREATE TRIGGER customers_ad AFTER DELETE ON customers WHEN old.archived_at IS NULL BEGIN
    INSERT INTO customer_name_fts(customer_name_fts, rowid, keys)
        VALUES ('delete', old.seq, fd_name_keys(old.first_name, old.last_name, old.email));
    INSERT INTO customer_phone_fts(customer_phone_fts, rowid, keys)
        SELECT 'delete', old.seq, fd_phone_keys(old.phone_e164) WHERE old.phone_e164 IS NOT NULL;
    INSERT INTO customer_email_fts(customer_email_fts, rowid, keys)
        SELECT 'delete', old.seq, fd_email_key(old.email) WHERE old.email IS NOT NULL;
END;

-- Archiving takes the record out of the search indexes; restoring puts it back.
CREATE TRIGGER customers_au_archive AFTER UPDATE OF archived_at ON customers
WHEN old.archived_at IS NULL AND new.archived_at IS NOT NULL
BEGIN
    INSERT INTO customer_name_fts(customer_name_fts, rowid, keys)
        VALUES ('delete', old.seq, fd_name_keys(old.first_name, old.last_name, old.email));
    INSERT INTO customer_phone_fts(customer_phone_fts, rowid, keys)
        SELECT 'delete', old.seq, fd_phone_keys(old.phone_e164) WHERE old.phone_e164 IS NOT NULL;
    INSERT INTO customer_email_fts(customer_email_fts, rowid, keys)
        SELECT 'delete', old.seq, fd_email_key(old.email) WHERE old.email IS NOT NULL;
END;

CREATE TRIGGER customers_au_restore AFTER UPDATE OF archived_at ON customers
WHEN old.archived_at IS NOT NULL AND new.archived_at IS NULL
BEGIN
    INSERT INTO customer_name_fts(rowid, keys)
        VALUES (new.seq, fd_name_keys(new.first_name, new.last_name, new.email));
    INSERT INTO customer_phone_fts(rowid, keys)
        SELECT new.seq, fd_phone_keys(new.phone_e164) WHERE new.phone_e164 IS NOT NULL;
    INSERT INTO customer_email_fts(rowid, keys)
        SELECT new.seq, fd_email_key(new.email) WHERE new.email IS NOT NULL;
END;

-- Edits of a live record: the 'delete' + insert pattern (an UPDATE of an FTS row would leave
-- the old tokens behind).
CREATE TRIGGER customers_au_name AFTER UPDATE OF first_name, last_name, email ON customers
WHEN old.archived_at IS NULL AND new.archived_at IS NULL
  AND (old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name OR old.email IS NOT new.email)
BEGIN
    INSERT INTO customer_name_fts(customer_name_fts, rowid, keys)
        VALUES ('delete', old.seq, fd_name_keys(old.first_name, old.last_name, old.email));
    INSERT INTO customer_name_fts(rowid, keys)
        VALUES (new.seq, fd_name_keys(new.first_name, new.last_name, new.email));
END;

CREATE TRIGGER customers_au_phone AFTER UPDATE OF phone_e164 ON customers
WHEN old.archived_at IS NULL AND new.archived_at IS NULL AND old.phone_e164 IS NOT new.phone_e164
BEGIN
    INSERT INTO customer_phone_fts(customer_phone_fts, rowid, keys)
        SELECT 'delete', old.seq, fd_phone_keys(old.phone_e164) WHERE old.phone_e164 IS NOT NULL;
    INSERT INTO customer_phone_fts(rowid, keys)
        SELECT new.seq, fd_phone_keys(new.phone_e164) WHERE new.phone_e164 IS NOT NULL;
END;

CREATE TRIGGER customers_au_email AFTER UPDATE OF email ON customers
WHEN old.archived_at IS NULL AND new.archived_at IS NULL AND old.email IS NOT new.email
BEGIN
    INSERT INTO customer_email_fts(customer_email_fts, rowid, keys)
        SELECT 'delete', old.seq, fd_email_key(old.email) WHERE old.email IS NOT NULL;
    INSERT INTO customer_email_fts(rowid, keys)
        SELECT new.seq, fd_email_key(new.email) WHERE new.email IS NOT NULL;
END;

-- Timeline: one row per change, who/when/what. `data` holds the field changes as JSON
-- ([["field", old, new], ...]); a row created by an import carries only a reference to the
-- import, so a 1M-row import adds a few bytes per customer, not a copy of each record.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    customer_seq INTEGER NOT NULL REFERENCES customers(seq),
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    import_id    INTEGER REFERENCES imports(id),
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
-- record is not copied into the outbox. Updates write one row per changed field.
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
