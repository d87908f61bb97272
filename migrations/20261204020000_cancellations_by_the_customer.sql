-- A customer's cancellations count only those the customer made: an appointment the business
-- cancelled (a stylist ill, a double booking) no longer counts against them. Recounted here for
-- the customers who have any; the running counter keeps to this from now on.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.
UPDATE customers SET cancellations = (
    SELECT count(*) FROM appointments a WHERE a.customer_seq = customers.seq AND a.status = 4 AND a.cancelled_by = 'customer'
) WHERE cancellations > 0;
