-- The search tables no longer merge their index segments inside the insert that crosses
-- FTS5's threshold (automerge): that merge made one customer save in fifty take 30-40 ms at
-- 1M customers instead of ~1 ms. The desk merges them in small steps when it is idle
-- (`Store::merge_search_step`, run by the desktop app in the background and after imports).
-- FTS5 still merges on its own when a level reaches 16 segments (crisismerge), so the tables
-- stay readable without the background steps, only slower to search.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

INSERT INTO customer_name_fts(customer_name_fts, rank) VALUES ('automerge', 0);
INSERT INTO customer_phone_fts(customer_phone_fts, rank) VALUES ('automerge', 0);
INSERT INTO customer_email_fts(customer_email_fts, rank) VALUES ('automerge', 0);
