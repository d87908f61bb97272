//! Each customer's running stats, kept by the write path in the same transaction as the change
//! (a [`Delta`] applied to the customer's row), never recomputed when read. [`recompute`] does
//! the same sums from the raw records, for checks and tests.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::clock::ms_to_datetime;
use crate::error::{CoreError, CoreResult, CustomerRef};
use crate::store::{Store, Writer};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerStats {
    /// Finished appointments.
    pub visits: i64,
    /// Every appointment booked, whatever became of it.
    pub appointment_count: i64,
    /// Appointments the customer cancelled, late ones included (not those the business did).
    pub cancellations: i64,
    /// Cancelled by the customer within the desk's late-cancellation window.
    pub late_cancellations: i64,
    pub no_shows: i64,
    /// Orders that were paid in full (refunded ones included).
    pub orders_paid: i64,
    pub paid_minor: i64,
    pub refunded_minor: i64,
    pub refunds: i64,
    /// Paid − refunded.
    pub total_spent_minor: i64,
    /// Total spent per paid order.
    pub average_ticket_minor: Option<i64>,
    pub last_visit_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The earliest appointment still to happen (not finished, cancelled or a no-show).
    pub next_appointment_at: Option<chrono::DateTime<chrono::Utc>>,
    pub loyalty_points: i64,
}

/// The raw counters as stored; compared field by field by checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub visits: i64,
    pub appointment_count: i64,
    pub cancellations: i64,
    pub late_cancellations: i64,
    pub no_shows: i64,
    pub orders_paid: i64,
    pub paid_minor: i64,
    pub refunded_minor: i64,
    pub refund_count: i64,
    pub last_visit_at: i64,
    pub next_appointment_at: Option<i64>,
    pub loyalty_points: i64,
}

impl Counters {
    pub(crate) fn stats(&self) -> CustomerStats {
        let spent = self.paid_minor - self.refunded_minor;
        CustomerStats {
            visits: self.visits,
            appointment_count: self.appointment_count,
            cancellations: self.cancellations,
            late_cancellations: self.late_cancellations,
            no_shows: self.no_shows,
            orders_paid: self.orders_paid,
            paid_minor: self.paid_minor,
            refunded_minor: self.refunded_minor,
            refunds: self.refund_count,
            total_spent_minor: spent,
            average_ticket_minor: (self.orders_paid > 0).then(|| spent / self.orders_paid),
            last_visit_at: (self.last_visit_at != 0).then(|| ms_to_datetime(self.last_visit_at)),
            next_appointment_at: self.next_appointment_at.map(ms_to_datetime),
            loyalty_points: self.loyalty_points,
        }
    }
}

/// A change to a customer's counters (all additive; `visit_at` raises the last visit).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Delta {
    pub visits: i64,
    pub appointment_count: i64,
    pub cancellations: i64,
    pub late_cancellations: i64,
    pub no_shows: i64,
    pub orders_paid: i64,
    pub paid_minor: i64,
    pub refunded_minor: i64,
    pub refund_count: i64,
    pub visit_at: i64,
    pub loyalty_points: i64,
}

const COUNTER_COLUMNS: &str = "visits, appointment_count, cancellations, late_cancellations, no_shows, orders_paid, \
    paid_minor, refunded_minor, refund_count, last_visit_at, next_appointment_at, loyalty_points";

pub(crate) fn counters_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Counters> {
    Ok(Counters {
        visits: r.get(at)?,
        appointment_count: r.get(at + 1)?,
        cancellations: r.get(at + 2)?,
        late_cancellations: r.get(at + 3)?,
        no_shows: r.get(at + 4)?,
        orders_paid: r.get(at + 5)?,
        paid_minor: r.get(at + 6)?,
        refunded_minor: r.get(at + 7)?,
        refund_count: r.get(at + 8)?,
        last_visit_at: r.get(at + 9)?,
        next_appointment_at: r.get(at + 10)?,
        loyalty_points: r.get(at + 11)?,
    })
}

pub(crate) fn stored(conn: &Connection, customer_seq: i64) -> CoreResult<Counters> {
    let sql = format!("SELECT {COUNTER_COLUMNS} FROM customers WHERE seq = ?1");
    conn.prepare_cached(&sql)?
        .query_row([customer_seq], |r| counters_from_row(r, 0))
        .optional()?
        .ok_or_else(|| CoreError::not_found("customer", customer_seq))
}

impl Writer<'_> {
    /// Applies `d` to the customer's counters, and their spending to the desk's totals.
    pub(crate) fn bump_stats(&self, customer_seq: i64, d: &Delta) -> CoreResult<()> {
        let spent = d.paid_minor - d.refunded_minor;
        self.conn()
            .prepare_cached(
                "UPDATE customers SET visits = visits + ?2, appointment_count = appointment_count + ?3, \
                 cancellations = cancellations + ?4, late_cancellations = late_cancellations + ?5, no_shows = no_shows + ?6, \
                 orders_paid = orders_paid + ?7, paid_minor = paid_minor + ?8, refunded_minor = refunded_minor + ?9, \
                 refund_count = refund_count + ?10, total_spent_minor = total_spent_minor + ?11, \
                 last_visit_at = max(last_visit_at, ?12), loyalty_points = loyalty_points + ?13 WHERE seq = ?1",
            )?
            .execute(params![
                customer_seq,
                d.visits,
                d.appointment_count,
                d.cancellations,
                d.late_cancellations,
                d.no_shows,
                d.orders_paid,
                d.paid_minor,
                d.refunded_minor,
                d.refund_count,
                spent,
                d.visit_at,
                d.loyalty_points
            ])?;
        if spent != 0 {
            self.conn()
                .prepare_cached(
                    "UPDATE desk_totals SET live_spent_minor = live_spent_minor + ?1 \
                     WHERE (SELECT archived_at IS NULL FROM customers WHERE seq = ?2)",
                )?
                .execute(params![spent, customer_seq])?;
        }
        Ok(())
    }

    /// Re-reads the customer's next appointment from their own appointments (an index range,
    /// a handful of rows).
    pub(crate) fn refresh_next_appointment(&self, customer_seq: i64) -> CoreResult<()> {
        self.conn()
            .prepare_cached(
                "UPDATE customers SET next_appointment_at = \
                 (SELECT min(starts_at) FROM appointments WHERE customer_seq = ?1 AND status IN (0, 1, 2)) WHERE seq = ?1",
            )?
            .execute([customer_seq])?;
        Ok(())
    }

    /// A customer joins or leaves the live set (created, archived, restored): the desk totals follow.
    pub(crate) fn count_live(&self, customer_seq: i64, sign: i64) -> CoreResult<()> {
        self.conn()
            .prepare_cached(
                "UPDATE desk_totals SET live_customers = live_customers + ?1, \
                 live_spent_minor = live_spent_minor + ?1 * (SELECT total_spent_minor FROM customers WHERE seq = ?2)",
            )?
            .execute(params![sign, customer_seq])?;
        Ok(())
    }
}

/// The counters computed from scratch from appointments, orders, payments, refunds and the
/// loyalty ledger: what [`Writer::bump_stats`] must always agree with.
pub(crate) fn recompute(conn: &Connection, customer_seq: i64) -> CoreResult<Counters> {
    let (visits, count, cancellations, late, no_shows, last_visit, next): (i64, i64, i64, i64, i64, i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE status = 3), count(*), count(*) FILTER (WHERE status = 4 AND cancelled_by = 'customer'), \
             count(*) FILTER (WHERE status = 4 AND late_cancel), count(*) FILTER (WHERE status = 5), \
             coalesce(max(starts_at) FILTER (WHERE status = 3), 0), min(starts_at) FILTER (WHERE status IN (0, 1, 2)) \
             FROM appointments WHERE customer_seq = ?1",
        )?
        .query_row([customer_seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
    let orders_paid: i64 = conn
        .prepare_cached("SELECT count(*) FROM orders WHERE customer_seq = ?1 AND status IN (1, 2)")?
        .query_row([customer_seq], |r| r.get(0))?;
    let paid: i64 = conn
        .prepare_cached("SELECT coalesce(sum(p.amount_minor), 0) FROM payments p JOIN orders o ON o.seq = p.order_seq WHERE o.customer_seq = ?1")?
        .query_row([customer_seq], |r| r.get(0))?;
    let (refunded, refund_count): (i64, i64) = conn
        .prepare_cached("SELECT coalesce(sum(x.amount_minor), 0), count(*) FROM refunds x JOIN orders o ON o.seq = x.order_seq WHERE o.customer_seq = ?1")?
        .query_row([customer_seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let points: i64 = conn
        .prepare_cached("SELECT coalesce(sum(points), 0) FROM loyalty WHERE customer_seq = ?1")?
        .query_row([customer_seq], |r| r.get(0))?;
    Ok(Counters {
        visits,
        appointment_count: count,
        cancellations,
        late_cancellations: late,
        no_shows,
        orders_paid,
        paid_minor: paid,
        refunded_minor: refunded,
        refund_count,
        last_visit_at: last_visit,
        next_appointment_at: next,
        loyalty_points: points,
    })
}

/// A customer for the directory's quick stats, with the figure they rank by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RankedCustomer {
    pub customer: CustomerRef,
    pub value: i64,
}

/// The directory's quick stats, all from indexes and running totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DirectoryStats {
    pub live_customers: i64,
    pub new_last_30_days: i64,
    /// Total spent by live customers / live customers.
    pub average_value_minor: i64,
    pub currency: String,
    /// Highest total spent first.
    pub most_valuable: Vec<RankedCustomer>,
    /// Most appointments first.
    pub most_active: Vec<RankedCustomer>,
}

/// One of the desk's stats that disagrees with a from-scratch recomputation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsMismatch {
    pub customer: String,
    pub stored: String,
    pub recomputed: String,
}

const DAY_MS: i64 = 86_400_000;

fn top(conn: &Connection, column: &str, n: usize) -> CoreResult<Vec<RankedCustomer>> {
    let sql = format!(
        "SELECT id, code, first_name, last_name, {column} FROM customers \
         WHERE archived_at IS NULL AND {column} > 0 ORDER BY {column} DESC, seq DESC LIMIT {n}"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map([], |r| {
        let id: Vec<u8> = r.get(0)?;
        let first: String = r.get(2)?;
        let last: String = r.get(3)?;
        Ok(RankedCustomer {
            customer: CustomerRef {
                id: crate::ids::CustomerId::from_bytes(&id),
                code: r.get(1)?,
                display_name: crate::customers::display_name(&first, &last),
            },
            value: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    pub fn directory_stats(&self) -> CoreResult<DirectoryStats> {
        let now = self.sources().clock.now_ms();
        self.read(|r| {
            let conn = r.conn();
            let (live, spent): (i64, i64) = conn
                .prepare_cached("SELECT live_customers, live_spent_minor FROM desk_totals WHERE id = 1")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let new: i64 = conn
                .prepare_cached("SELECT count(*) FROM customers WHERE created_at >= ?1 AND archived_at IS NULL")?
                .query_row([now - 30 * DAY_MS], |r| r.get(0))?;
            Ok(DirectoryStats {
                live_customers: live,
                new_last_30_days: new,
                average_value_minor: if live > 0 { spent / live } else { 0 },
                currency: r.desk().currency.clone(),
                most_valuable: top(conn, "total_spent_minor", 3)?,
                most_active: top(conn, "appointment_count", 3)?,
            })
        })
    }

    /// The customer's stats as stored and as recomputed from scratch (they must be equal).
    pub fn stats_check(&self, id_or_code: &str) -> CoreResult<(CustomerStats, CustomerStats)> {
        self.read(|r| {
            let (seq, _) = crate::customers::find(r.conn(), id_or_code)?;
            Ok((stored(r.conn(), seq)?.stats(), recompute(r.conn(), seq)?.stats()))
        })
    }

    /// Compares every customer with history (or the first `limit`) against a recomputation;
    /// also checks the desk totals. Returns what disagrees.
    pub fn audit_stats(&self, limit: Option<usize>) -> CoreResult<Vec<StatsMismatch>> {
        self.read(|r| {
            let conn = r.conn();
            let mut out = Vec::new();
            let sql = format!(
                "SELECT seq, code FROM customers WHERE appointment_count > 0 OR paid_minor > 0 OR loyalty_points != 0 \
                 OR seq IN (SELECT customer_seq FROM orders) ORDER BY seq LIMIT {}",
                limit.map(|l| l as i64).unwrap_or(-1)
            );
            let mut st = conn.prepare(&sql)?;
            let rows: Vec<(i64, String)> =
                st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            for (seq, code) in rows {
                let (a, b) = (stored(conn, seq)?, recompute(conn, seq)?);
                if a != b {
                    out.push(StatsMismatch { customer: code, stored: format!("{a:?}"), recomputed: format!("{b:?}") });
                }
            }
            let totals: (i64, i64) =
                conn.query_row("SELECT live_customers, live_spent_minor FROM desk_totals", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            let actual: (i64, i64) = conn.query_row(
                "SELECT count(*), coalesce(sum(total_spent_minor), 0) FROM customers WHERE archived_at IS NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if totals != actual {
                out.push(StatsMismatch {
                    customer: "(desk totals)".into(),
                    stored: format!("{totals:?}"),
                    recomputed: format!("{actual:?}"),
                });
            }
            Ok(out)
        })
    }
}
