-- The points per currency unit an order earned at, fixed when it is paid: its points are then
-- always that rate applied to the money it kept (paid − refunded), whatever the order of its
-- payments and refunds and whatever the desk's rule becomes. NULL: not earned yet, or earned
-- before this column (those keep the share-of-the-money rule).
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.
ALTER TABLE orders ADD COLUMN points_rate INTEGER;
