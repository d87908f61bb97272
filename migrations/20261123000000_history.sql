-- Bookings, orders and each customer's history: services and staff, appointments, orders with
-- lines / payments / refunds, the loyalty ledger, and per-customer running stats.
-- Append-only: never edit a migration that has landed; add a new timestamped file instead.
--
-- Money is in integer minor units (pence, cents) of the row's ISO 4217 currency. Times are
-- ms since the epoch, UTC. Every write also appends a timeline event (`events`) for the
-- customer and outbox records, in the same transaction (crates/frontdesk-core/src/history/).

CREATE TABLE services (
    id           INTEGER PRIMARY KEY,
    uuid         BLOB NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    duration_min INTEGER NOT NULL,
    price_minor  INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX services_name ON services(name COLLATE NOCASE);

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    uuid       BLOB NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX staff_name ON staff(name COLLATE NOCASE);

CREATE TABLE appointments (
    seq              INTEGER PRIMARY KEY,
    id               BLOB NOT NULL UNIQUE,              -- UUIDv7
    customer_seq     INTEGER NOT NULL REFERENCES customers(seq),
    branch_id        INTEGER NOT NULL REFERENCES branches(id),
    service_id       INTEGER NOT NULL REFERENCES services(id),
    staff_id         INTEGER REFERENCES staff(id),
    starts_at        INTEGER NOT NULL,
    duration_min     INTEGER NOT NULL,
    price_minor      INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    notes            TEXT,
    status           INTEGER NOT NULL DEFAULT 0,        -- 0 pending, 1 customer confirmed, 2 confirmed, 3 finished, 4 cancelled, 5 no-show
    cancelled_by     TEXT,                              -- 'customer' | 'business'
    cancel_reason    TEXT,
    late_cancel      INTEGER NOT NULL DEFAULT 0,
    blocked_override TEXT,                              -- why a blocked customer was booked anyway
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX appointments_customer ON appointments(customer_seq, starts_at);

CREATE TABLE orders (
    seq             INTEGER PRIMARY KEY,
    id              BLOB NOT NULL UNIQUE,
    customer_seq    INTEGER NOT NULL REFERENCES customers(seq),
    branch_id       INTEGER NOT NULL REFERENCES branches(id),
    appointment_seq INTEGER REFERENCES appointments(seq),
    currency        TEXT NOT NULL,
    status          INTEGER NOT NULL DEFAULT 0,         -- 0 open, 1 paid, 2 refunded, 3 cancelled
    subtotal_minor  INTEGER NOT NULL,
    discount_minor  INTEGER NOT NULL DEFAULT 0,         -- loyalty points redeemed, as money
    points_redeemed INTEGER NOT NULL DEFAULT 0,
    total_minor     INTEGER NOT NULL,                   -- subtotal - discount
    paid_minor      INTEGER NOT NULL DEFAULT 0,
    refunded_minor  INTEGER NOT NULL DEFAULT 0,
    points_earned   INTEGER NOT NULL DEFAULT 0,         -- net loyalty points this order earned
    notes           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_seq, seq);

CREATE TABLE order_lines (
    order_seq        INTEGER NOT NULL REFERENCES orders(seq),
    line             INTEGER NOT NULL,
    kind             TEXT NOT NULL,                     -- 'service' | 'product'
    service_id       INTEGER REFERENCES services(id),
    description      TEXT NOT NULL,
    quantity         INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    PRIMARY KEY (order_seq, line)
) WITHOUT ROWID;

CREATE TABLE payments (
    seq          INTEGER PRIMARY KEY,
    order_seq    INTEGER NOT NULL REFERENCES orders(seq),
    method       TEXT NOT NULL,                         -- 'cash' | 'card' | 'voucher' | 'other'
    amount_minor INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL
);
CREATE INDEX payments_order ON payments(order_seq);

CREATE TABLE refunds (
    seq          INTEGER PRIMARY KEY,
    order_seq    INTEGER NOT NULL REFERENCES orders(seq),
    amount_minor INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL
);
CREATE INDEX refunds_order ON refunds(order_seq);

-- Loyalty ledger: + earned (finished visit, paid order, points given back), − redeemed or
-- taken back by a refund. The balance is the sum; `customers.loyalty_points` keeps it.
CREATE TABLE loyalty (
    seq             INTEGER PRIMARY KEY,
    customer_seq    INTEGER NOT NULL REFERENCES customers(seq),
    at              INTEGER NOT NULL,
    points          INTEGER NOT NULL,
    kind            TEXT NOT NULL,                      -- 'visit' | 'order' | 'refund' | 'redeem' | 'return'
    appointment_seq INTEGER REFERENCES appointments(seq),
    order_seq       INTEGER REFERENCES orders(seq)
);
CREATE INDEX loyalty_customer ON loyalty(customer_seq, seq);

-- Running stats, kept by the write path in the same transaction as the change (never
-- recomputed at read time). Derived, local data: not synced. `last_visit_at` is 0 when the
-- customer never visited (a NULL would break keyset pagination on it).
ALTER TABLE customers ADD COLUMN visits             INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN appointment_count  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN cancellations      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN late_cancellations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN no_shows           INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN orders_paid        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN paid_minor         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN refunded_minor     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN refund_count       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN total_spent_minor  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN last_visit_at      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN next_appointment_at INTEGER;
ALTER TABLE customers ADD COLUMN loyalty_points     INTEGER NOT NULL DEFAULT 0;

CREATE INDEX customers_total_spent ON customers(total_spent_minor, seq);
CREATE INDEX customers_last_visit ON customers(last_visit_at, seq);
CREATE INDEX customers_appointment_count ON customers(appointment_count, seq);
CREATE INDEX customers_next_appointment ON customers(next_appointment_at) WHERE next_appointment_at IS NOT NULL;

-- Desk-wide running totals for the directory's quick stats (live customers only).
CREATE TABLE desk_totals (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    live_customers   INTEGER NOT NULL,
    live_spent_minor INTEGER NOT NULL
);
INSERT INTO desk_totals(id, live_customers, live_spent_minor)
    SELECT 1, count(*), 0 FROM customers WHERE archived_at IS NULL;
