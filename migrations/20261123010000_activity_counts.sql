-- Counting a directory filtered by activity reads an index only: these cover the live
-- (not archived) customers, so "visited in the last 30 days" counts index entries instead of
-- looking up each customer's row to check it is not archived.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

CREATE INDEX customers_live_last_visit ON customers(last_visit_at) WHERE archived_at IS NULL;

DROP INDEX customers_next_appointment;
CREATE INDEX customers_next_appointment ON customers(next_appointment_at)
    WHERE archived_at IS NULL AND next_appointment_at IS NOT NULL;
