-- Email words are also indexed by their first one, two and three letters. A fragment's last
-- word is a prefix (`gmail.co` → `gmail` then words starting `co`): without an index of that
-- length FTS5 merges every word that starts with it (`com`, in nearly every address) in memory
-- before matching the phrase, ~40 ms at 1M customers; with it the phrase is read lazily and
-- stops at the counting cap.
-- The table is refilled from `customers` by the core right after this migration (the words
-- are computed in Rust: crates/frontdesk-core/src/search/index.rs, `refill_email`).
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

DROP TABLE customer_email_fts;
CREATE VIRTUAL TABLE customer_email_fts USING fts5(
    keys, content='', prefix='1 2 3', tokenize='unicode61 remove_diacritics 0'
);
