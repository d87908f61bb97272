-- The business's own customer fields (issue #17). A definition keeps its key for ever (a
-- deleted field's row stays, marked, so the key is never reused); options have stable ids, so
-- renaming one changes no stored value.
CREATE TABLE custom_fields (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL UNIQUE,
    key          TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    required     INTEGER NOT NULL DEFAULT 0,
    help         TEXT,
    default_value TEXT,
    position     INTEGER NOT NULL,
    section      TEXT,
    shown_in     INTEGER NOT NULL DEFAULT 5,
    searchable   INTEGER NOT NULL DEFAULT 0,
    branches     TEXT,
    is_unique    INTEGER NOT NULL DEFAULT 0,
    decimals     INTEGER,
    unit         TEXT,
    archived_at  INTEGER,
    deleted_at   INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE custom_field_options (
    id        INTEGER PRIMARY KEY,
    field_id  INTEGER NOT NULL REFERENCES custom_fields(id),
    label     TEXT NOT NULL,
    position  INTEGER NOT NULL,
    retired   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX custom_field_options_field ON custom_field_options(field_id, position);

-- Values, typed: one row per customer and field (a multiple choice: one per chosen option, `item`
-- its option id). `t` holds text (text, long text, email, phone, URL), `n` numbers, dates (days
-- since 1970-01-01), yes/no (0/1) and chosen options' ids, so comparisons are typed.
CREATE TABLE custom_values (
    customer_seq INTEGER NOT NULL REFERENCES customers(seq),
    field_id     INTEGER NOT NULL REFERENCES custom_fields(id),
    item         INTEGER NOT NULL DEFAULT 0,
    t            TEXT,
    n            REAL,
    PRIMARY KEY (customer_seq, field_id, item)
) WITHOUT ROWID;
CREATE INDEX custom_values_number ON custom_values(field_id, n, customer_seq) WHERE n IS NOT NULL;
CREATE INDEX custom_values_text ON custom_values(field_id, t, customer_seq) WHERE t IS NOT NULL;
