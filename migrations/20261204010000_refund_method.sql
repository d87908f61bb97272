-- How a refund's money went back (card, cash, …, as payments' methods). NULL: refunds made
-- before this column, which did not say.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.
ALTER TABLE refunds ADD COLUMN method TEXT;
