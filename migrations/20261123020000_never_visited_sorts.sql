-- Customers who never visited, by what they spent / booked: they all sit at the low end of the
-- spending and booking indexes, so walking those from the top to find them would read most of
-- the table. These small indexes hold just them, in sort order.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.

CREATE INDEX customers_never_spent ON customers(total_spent_minor, seq) WHERE last_visit_at = 0 AND archived_at IS NULL;
CREATE INDEX customers_never_appointments ON customers(appointment_count, seq) WHERE last_visit_at = 0 AND archived_at IS NULL;
