-- A name written with an apostrophe is also found written together, as it is often typed:
-- O'Neill by `oneill`, D’Angelo by `dangelo` (`normalize::name_keys`). The name search table is
-- emptied here and refilled from the customers by the core once the migrations have run.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

INSERT INTO customer_name_fts(customer_name_fts) VALUES ('delete-all');
