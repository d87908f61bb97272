//! The loyalty ledger: points earned by finished visits and paid orders, taken back by refunds,
//! spent on orders. Every entry also moves the customer's running balance.

use rusqlite::params;
use serde::Serialize;

use serde_json::json;

use super::stats::Delta;
use crate::clock::ms_to_datetime;
use crate::customers::FieldChange;
use crate::error::CoreResult;
use crate::store::Writer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LoyaltyKind {
    /// Earned by a finished appointment.
    Visit,
    /// Earned (or, negative, taken back) by what was paid on an order.
    Order,
    /// Taken back by a refund.
    Refund,
    /// Spent on an order.
    Redeem,
    /// Given back when an order they were spent on was cancelled.
    Return,
}

impl LoyaltyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LoyaltyKind::Visit => "visit",
            LoyaltyKind::Order => "order",
            LoyaltyKind::Refund => "refund",
            LoyaltyKind::Redeem => "redeem",
            LoyaltyKind::Return => "return",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoyaltyEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub points: i64,
    pub kind: LoyaltyKind,
}

/// Points earned on `net_minor` of money (paid − refunded) under the desk's rule.
pub(crate) fn points_for(net_minor: i64, points_per_unit: i64, currency: &str) -> i64 {
    net_minor.max(0) * points_per_unit / crate::money::minor_per_unit(currency)
}

impl Writer<'_> {
    /// Appends a ledger entry (nothing for zero points), moves the balance, and returns the
    /// balance's change for the timeline event of the write that earned or spent the points.
    pub(crate) fn loyalty(
        &self,
        customer_seq: i64,
        points: i64,
        kind: LoyaltyKind,
        appointment_seq: Option<i64>,
        order_seq: Option<i64>,
    ) -> CoreResult<Option<FieldChange>> {
        if points == 0 {
            return Ok(None);
        }
        let before = super::stats::stored(self.conn(), customer_seq)?.loyalty_points;
        self.conn()
            .prepare_cached("INSERT INTO loyalty(customer_seq, at, points, kind, appointment_seq, order_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![customer_seq, self.now_ms(), points, kind.as_str(), appointment_seq, order_seq])?;
        self.outbox_for(crate::change::EntityKind::Loyalty, self.conn().last_insert_rowid(), "*", None)?;
        self.bump_stats(customer_seq, &Delta { loyalty_points: points, ..Default::default() })?;
        Ok(Some(FieldChange { field: POINTS_FIELD.into(), old: json!(before), new: json!(before + points) }))
    }
}

/// The field name of a loyalty balance change on a timeline event.
pub(crate) const POINTS_FIELD: &str = "loyalty_points";

/// Adds a balance change to an event's changes, folding it into one already there.
pub(crate) fn record(changes: &mut Vec<FieldChange>, change: Option<FieldChange>) {
    let Some(c) = change else { return };
    match changes.iter_mut().find(|x| x.field == POINTS_FIELD) {
        Some(existing) => existing.new = c.new,
        None => changes.push(c),
    }
}

pub(crate) fn recent(conn: &rusqlite::Connection, customer_seq: i64, limit: usize) -> CoreResult<Vec<LoyaltyEntry>> {
    let mut st =
        conn.prepare_cached("SELECT at, points, kind FROM loyalty WHERE customer_seq = ?1 ORDER BY seq DESC LIMIT ?2")?;
    let rows = st.query_map(params![customer_seq, limit as i64], |r| {
        let kind: String = r.get(2)?;
        Ok(LoyaltyEntry {
            at: ms_to_datetime(r.get(0)?),
            points: r.get(1)?,
            kind: match kind.as_str() {
                "visit" => LoyaltyKind::Visit,
                "order" => LoyaltyKind::Order,
                "refund" => LoyaltyKind::Refund,
                "redeem" => LoyaltyKind::Redeem,
                _ => LoyaltyKind::Return,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
