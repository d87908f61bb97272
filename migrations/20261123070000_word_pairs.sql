-- Search by word pairs.
--
-- Names: a query with a one- or two-letter word beside a longer one (`Noël de G`, `Maria S`)
-- or with two three-letter prefixes (`mar van`) used to intersect the long lists of its short
-- prefixes (`de*` is in ~50,000 of a million records, `s*` in ~150,000, `mar*` in ~40,000):
-- 1.5-7 ms in FTS5 alone. Each record now also carries a token per pair of two of its name
-- words: a fixed head of eleven `_` (a word character in this table only: never in a folded
-- name nor in a folded query), the first three letters of one word, the first two of the other
-- (`noël de groot` → `noe`+`de`, `noe`+`gr`, `gro`+`no`, `gro`+`de`). `Noël de G` is then
-- `noel*` AND the pairs `noe`+`de` and `noe`+`g*`: short lists (0.2-0.6 ms). The head is as
-- long as the longest word prefix index, so the prefix entries FTS5 writes for the pair
-- tokens are the head's, the same for all pairs of a record; a new prefix index of fifteen
-- characters (head, three letters, one letter) has each `mar`+`s…` in one list.
-- Both tables split words where the core's folding does, on spaces only (the `ascii` tokenizer
-- keeps every non-ASCII character in a word): `unicode61` knows letters only up to Unicode
-- 6.1 and split a typed word like `a🅰b` (kept whole by the folding) in two, which a table
-- without positions refuses as a phrase ("phrase queries are not supported"). The keys are
-- folded (lower case, no diacritics) before they are written or asked.
--
-- Email fragments: a new table of the address's adjacent word pairs, three letters of each
-- (`zoe.roberts123@ziggo.nl` → `zoe_rob rob_123 123_zig zig_nl`). A fragment of several
-- words whose first is short (`o.har`, `j.hal`) was a phrase over the long list of `o`
-- (50,000 addresses): 1-3 ms. Its pair (`o_har`) is in a few dozen addresses; when the pairs
-- keep less than the fragment says, those are checked on the records. ~6 bytes per customer.
--
-- The keys are written by the core (crates/frontdesk-core/src/normalize.rs, `name_pairs` and
-- `email_pairs`); both tables are filled from `customers` by the core right after this
-- migration. Merging stays with the desk (automerge off, see
-- 20261123040000_search_merge_in_background.sql).
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

DROP TABLE customer_name_fts;
CREATE VIRTUAL TABLE customer_name_fts USING fts5(
    keys, content='', columnsize=0, detail=none, prefix='1 2 3 4 5 6 7 8 9 10 11 15',
    tokenize='ascii tokenchars _'
);
INSERT INTO customer_name_fts(customer_name_fts, rank) VALUES ('automerge', 0);

CREATE VIRTUAL TABLE customer_email_pairs_fts USING fts5(
    keys, content='', columnsize=0, detail=none, tokenize='ascii tokenchars _'
);
INSERT INTO customer_email_pairs_fts(customer_email_pairs_fts, rank) VALUES ('automerge', 0);
