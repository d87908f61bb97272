//! Reading orders: a row with its lines, payments and refunds, and its money state for the
//! write path.

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::ms_to_datetime;
use crate::error::{CoreError, CoreResult, CustomerRef};
use crate::ids::{AppointmentId, BranchId, CustomerId, OrderId, ServiceId};

use super::*;

/// The money state of an order row, for the write path.
#[derive(Debug, Clone)]
pub(super) struct Totals {
    pub(super) seq: i64,
    pub(super) customer_seq: i64,
    pub(super) status: OrderStatus,
    pub(super) total: i64,
    pub(super) paid: i64,
    pub(super) refunded: i64,
    pub(super) points_earned: i64,
    pub(super) points_redeemed: i64,
    pub(super) discount: i64,
    pub(super) currency: String,
    /// Points per currency unit, fixed when the order earned.
    pub(super) points_rate: Option<i64>,
}

impl Totals {
    /// Money kept on the order: paid − refunded.
    pub(super) fn kept(&self) -> i64 {
        self.paid - self.refunded
    }
    /// Still to pay on an open order (a refund of a part payment makes it due again).
    pub(super) fn due(&self) -> i64 {
        self.total - self.kept()
    }
}

pub(super) fn totals(conn: &Connection, id: OrderId) -> CoreResult<Totals> {
    conn.prepare_cached(
        "SELECT seq, customer_seq, status, total_minor, paid_minor, refunded_minor, points_earned, points_redeemed, discount_minor, currency, \
         points_rate FROM orders WHERE id = ?1",
    )?
    .query_row([id.bytes()], |r| {
        Ok(Totals {
            seq: r.get(0)?,
            customer_seq: r.get(1)?,
            status: OrderStatus::from_db(r.get(2)?),
            total: r.get(3)?,
            paid: r.get(4)?,
            refunded: r.get(5)?,
            points_earned: r.get(6)?,
            points_redeemed: r.get(7)?,
            discount: r.get(8)?,
            currency: r.get(9)?,
            points_rate: r.get(10)?,
        })
    })
    .optional()?
    .ok_or_else(|| CoreError::not_found("order", id))
}

pub(super) const SELECT: &str = "SELECT o.seq, o.id, c.id, c.code, c.first_name, c.last_name, o.branch_id, b.name, a.id, o.currency, o.status, \
    o.subtotal_minor, o.discount_minor, o.points_redeemed, o.total_minor, o.paid_minor, o.refunded_minor, o.points_earned, o.notes, \
    o.created_at, o.updated_at FROM orders o JOIN customers c ON c.seq = o.customer_seq JOIN branches b ON b.id = o.branch_id \
    LEFT JOIN appointments a ON a.seq = o.appointment_seq";

pub(super) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Order)> {
    let id: Vec<u8> = r.get(1)?;
    let cid: Vec<u8> = r.get(2)?;
    let first: String = r.get(4)?;
    let last: String = r.get(5)?;
    let appointment: Option<Vec<u8>> = r.get(8)?;
    let (total, paid, refunded): (i64, i64, i64) = (r.get(14)?, r.get(15)?, r.get(16)?);
    let status = OrderStatus::from_db(r.get(10)?);
    Ok((
        r.get(0)?,
        Order {
            id: OrderId::from_bytes(&id),
            customer: CustomerRef {
                id: CustomerId::from_bytes(&cid),
                code: r.get(3)?,
                display_name: crate::customers::display_name(&first, &last),
            },
            branch_id: BranchId(r.get(6)?),
            branch: r.get(7)?,
            appointment: appointment.map(|a| AppointmentId::from_bytes(&a)),
            currency: r.get(9)?,
            status,
            lines: vec![],
            subtotal_minor: r.get(11)?,
            discount_minor: r.get(12)?,
            points_redeemed: r.get(13)?,
            total_minor: total,
            paid_minor: paid,
            refunded_minor: refunded,
            due_minor: if status == OrderStatus::Open { total - (paid - refunded) } else { 0 },
            refundable_minor: paid - refunded,
            points_earned: r.get(17)?,
            payments: vec![],
            refunds: vec![],
            notes: r.get(18)?,
            created_at: ms_to_datetime(r.get(19)?),
            updated_at: ms_to_datetime(r.get(20)?),
        },
    ))
}

/// Lines, payments and refunds of an order read with [`SELECT`].
pub(super) fn fill(conn: &Connection, seq: i64, o: &mut Order) -> CoreResult<()> {
    let mut st = conn.prepare_cached("SELECT kind, service_id, description, quantity, unit_price_minor FROM order_lines WHERE order_seq = ?1 ORDER BY line")?;
    o.lines = st
        .query_map([seq], |r| {
            let kind: String = r.get(0)?;
            let (q, p): (i64, i64) = (r.get(3)?, r.get(4)?);
            Ok(OrderLine {
                kind: if kind == "service" { LineKind::Service } else { LineKind::Product },
                service_id: r.get::<_, Option<i64>>(1)?.map(ServiceId),
                description: r.get(2)?,
                quantity: q,
                unit_price_minor: p,
                amount_minor: q * p,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut st =
        conn.prepare_cached("SELECT method, amount_minor, at, actor FROM payments WHERE order_seq = ?1 ORDER BY seq")?;
    o.payments = st
        .query_map([seq], |r| {
            Ok(Payment {
                method: PaymentMethod::parse(&r.get::<_, String>(0)?),
                amount_minor: r.get(1)?,
                at: ms_to_datetime(r.get(2)?),
                actor: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut st = conn.prepare_cached(
        "SELECT amount_minor, reason, at, actor, method FROM refunds WHERE order_seq = ?1 ORDER BY seq",
    )?;
    o.refunds = st
        .query_map([seq], |r| {
            let method = r.get::<_, Option<String>>(4)?.map(|m| PaymentMethod::parse(&m));
            Ok(Refund {
                method,
                amount_minor: r.get(0)?,
                reason: r.get(1)?,
                at: ms_to_datetime(r.get(2)?),
                actor: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(())
}

pub(crate) fn load(conn: &Connection, id: OrderId) -> CoreResult<Order> {
    let sql = format!("{SELECT} WHERE o.id = ?1");
    let (seq, mut o) = conn
        .prepare_cached(&sql)?
        .query_row([id.bytes()], from_row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("order", id))?;
    fill(conn, seq, &mut o)?;
    Ok(o)
}

/// A customer's orders, newest first.
pub(crate) fn of_customer(conn: &Connection, customer_seq: i64, limit: usize) -> CoreResult<Vec<Order>> {
    older_than(conn, customer_seq, i64::MAX, limit)
}

/// A customer's orders older than `before` (an order of theirs already shown), newest first.
pub(crate) fn before(conn: &Connection, customer_seq: i64, before: OrderId, limit: usize) -> CoreResult<Vec<Order>> {
    let t = totals(conn, before)?;
    if t.customer_seq != customer_seq {
        return Err(CoreError::validation("before", "other_customer", "That order belongs to another customer."));
    }
    older_than(conn, customer_seq, t.seq, limit)
}

pub(super) fn older_than(conn: &Connection, customer_seq: i64, seq: i64, limit: usize) -> CoreResult<Vec<Order>> {
    let sql = format!("{SELECT} WHERE o.customer_seq = ?1 AND o.seq < ?2 ORDER BY o.seq DESC LIMIT ?3");
    let mut st = conn.prepare_cached(&sql)?;
    let rows: Vec<(i64, Order)> =
        st.query_map(params![customer_seq, seq, limit as i64], from_row)?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(seq, mut o)| {
            fill(conn, seq, &mut o)?;
            Ok(o)
        })
        .collect()
}
