-- Search tables, rebuilt:
-- * Phone fragments of four characters or more are looked up as a phrase of their four-character
--   pieces in a new table (`customer_phone4_fts`, pieces written by the core:
--   `44:7700900123` → `44x7 4x77 x770 7700 …`). A piece is in ~1,000 of a million numbers where
--   a three-digit one is in ~10,000+, so `3535` or `14161` read short lists (2-3 ms → ~0.1-0.5
--   ms at 1M customers). The trigram table then only answers three-character fragments, which
--   need no positions (`detail=none`).
-- * No table keeps the per-row token counts (`columnsize=0`): they serve only ranking
--   functions, which search does not use (results are ordered by tier and row), and cost
--   ~28 bytes per customer.
-- The tables are refilled from `customers` by the core right after this migration
-- (crates/frontdesk-core/src/search/index.rs, `refill_all`). Merging stays with the desk
-- (automerge off, see 20261123040000_search_merge_in_background.sql).
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

DROP TABLE customer_name_fts;
DROP TABLE customer_phone_fts;
DROP TABLE customer_email_fts;

CREATE VIRTUAL TABLE customer_name_fts USING fts5(
    keys, content='', columnsize=0, detail=none, prefix='1 2 3 4 5 6 7 8 9 10 11',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE customer_phone_fts USING fts5(
    keys, content='', columnsize=0, detail=none, tokenize='trigram'
);
CREATE VIRTUAL TABLE customer_phone4_fts USING fts5(
    keys, content='', columnsize=0, tokenize='ascii'
);
CREATE VIRTUAL TABLE customer_email_fts USING fts5(
    keys, content='', columnsize=0, prefix='1 2 3', tokenize='unicode61 remove_diacritics 0'
);

INSERT INTO customer_name_fts(customer_name_fts, rank) VALUES ('automerge', 0);
INSERT INTO customer_phone_fts(customer_phone_fts, rank) VALUES ('automerge', 0);
INSERT INTO customer_phone4_fts(customer_phone4_fts, rank) VALUES ('automerge', 0);
INSERT INTO customer_email_fts(customer_email_fts, rank) VALUES ('automerge', 0);
