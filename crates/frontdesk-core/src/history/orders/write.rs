//! Writing orders: creating, paying, refunding, redeeming points and cancelling, each with its
//! timeline entry, outbox records, loyalty points and the customer's running stats.

use rusqlite::params;
use serde_json::{json, Value};

use crate::customers::{Actor, FieldChange, Subject};
use crate::error::{CoreError, CoreResult};
use crate::history::loyalty::{points_for, LoyaltyKind};
use crate::history::stats::Delta;
use crate::history::{appointments, catalog};
use crate::ids::OrderId;
use crate::money::{self, MAX_AMOUNT_MINOR};
use crate::store::Writer;
use crate::validate;

use super::read::*;
use super::*;

pub(super) fn subject(id: OrderId) -> Subject {
    Subject { kind: "order".into(), id: id.to_string() }
}

pub(super) fn change(field: &str, old: Value, new: Value) -> FieldChange {
    FieldChange { field: field.into(), old, new }
}

pub(super) const MAX_LINES: usize = 100;
pub(super) const MAX_QUANTITY: i64 = 999;

impl Writer<'_> {
    pub(super) fn order_event(
        &self,
        t: &Totals,
        actor: &Actor,
        kind: &str,
        id: OrderId,
        changes: &[FieldChange],
        note: Option<&str>,
    ) -> CoreResult<()> {
        self.customer_event(
            t.customer_seq,
            actor,
            kind,
            crate::customers::encode_about(changes, note, Some(&subject(id))),
        )?;
        // The balance change is the ledger's (its own outbox record), not the order's.
        for c in changes.iter().filter(|c| c.field != crate::history::loyalty::POINTS_FIELD) {
            self.outbox_for(crate::change::EntityKind::Order, t.seq, &c.field, Some(&c.new))?;
        }
        Ok(())
    }

    pub(super) fn set_order(&self, t: &Totals) -> CoreResult<()> {
        self.conn()
            .prepare_cached(
                "UPDATE orders SET status = ?2, total_minor = ?3, paid_minor = ?4, refunded_minor = ?5, points_earned = ?6, \
                 points_redeemed = ?7, discount_minor = ?8, updated_at = ?9, points_rate = ?10 WHERE seq = ?1",
            )?
            .execute(params![
                t.seq,
                t.status.to_db(),
                t.total,
                t.paid,
                t.refunded,
                t.points_earned,
                t.points_redeemed,
                t.discount,
                self.now_ms(),
                t.points_rate
            ])?;
        Ok(())
    }

    /// An order earns points when it becomes paid, at the rule in force then, which it keeps:
    /// its points are that rate on the money it keeps (paid − refunded), so they depend on the
    /// net amount only, not on the order of payments and refunds. Orders that earned before the
    /// rate was kept lose the same share of their points as of the money on a refund.
    pub(super) fn settle_points(&self, t: &mut Totals, kept_before: i64) -> CoreResult<Option<FieldChange>> {
        if !matches!(t.status, OrderStatus::Paid | OrderStatus::Refunded) {
            return Ok(None);
        }
        let due = match t.points_rate {
            Some(rate) => points_for(t.kept(), rate, &t.currency),
            None if t.points_earned == 0 && kept_before == t.kept() => {
                // Just paid: earn, and keep the rate.
                let rate = self.desk().loyalty.points_per_unit;
                t.points_rate = Some(rate);
                points_for(t.kept(), rate, &t.currency)
            }
            None if kept_before > 0 => t.points_earned * t.kept() / kept_before,
            None => 0,
        };
        let diff = due - t.points_earned;
        if diff == 0 {
            return Ok(None);
        }
        let kind = if diff > 0 { LoyaltyKind::Order } else { LoyaltyKind::Refund };
        let change = self.loyalty(t.customer_seq, diff, kind, None, Some(t.seq))?;
        t.points_earned = due;
        Ok(change)
    }

    pub fn create_order(&mut self, actor: &Actor, input: &OrderInput) -> CoreResult<(i64, OrderId)> {
        let (customer_seq, customer) = crate::customers::find(self.conn(), &input.customer.to_string())?;
        if customer.archived_at.is_some() {
            return Err(CoreError::conflict(
                "archived",
                format!("{} is archived; restore the record before selling to them.", customer.display_name),
            ));
        }
        if input.lines.is_empty() {
            return Err(CoreError::validation(
                "lines",
                "required",
                "Add at least one service or product to the order.",
            ));
        }
        if input.lines.len() > MAX_LINES {
            return Err(CoreError::validation("lines", "too_many", format!("An order has at most {MAX_LINES} lines.")));
        }
        let mut lines = Vec::with_capacity(input.lines.len());
        for (i, l) in input.lines.iter().enumerate() {
            let field = |name: &str| format!("lines.{i}.{name}");
            if !(1..=MAX_QUANTITY).contains(&l.quantity) {
                return Err(CoreError::validation(
                    &field("quantity"),
                    "out_of_range",
                    format!("A quantity is from 1 to {MAX_QUANTITY}."),
                ));
            }
            let (service, description, price) = match l.kind {
                LineKind::Service => {
                    let Some(sid) = l.service else {
                        return Err(CoreError::validation(&field("service"), "required", "Pick the service."));
                    };
                    let s = catalog::service(self.conn(), sid).map_err(|_| {
                        CoreError::validation(
                            &field("service"),
                            "unknown_service",
                            format!("There is no service with id {sid}; pick one from the list."),
                        )
                    })?;
                    let description = match l
                        .description
                        .as_deref()
                        .map(|d| validate::single_line(&field("description"), d, 200))
                        .transpose()?
                    {
                        Some(d) if !d.is_empty() => d,
                        _ => s.name.clone(),
                    };
                    (Some(s.id.0), description, l.unit_price_minor.unwrap_or(s.price_minor))
                }
                LineKind::Product => {
                    let d = validate::single_line(&field("description"), l.description.as_deref().unwrap_or(""), 200)?;
                    if d.is_empty() {
                        return Err(CoreError::validation(
                            &field("description"),
                            "required",
                            "Say what the product is.",
                        ));
                    }
                    let Some(p) = l.unit_price_minor else {
                        return Err(CoreError::validation(
                            &field("unit_price_minor"),
                            "required",
                            "Give the product's price.",
                        ));
                    };
                    (None, d, p)
                }
            };
            let price = money::amount(&field("unit_price_minor"), price, 0)?;
            lines.push((l.kind, service, description, l.quantity, price));
        }
        let subtotal: i64 = lines.iter().map(|(_, _, _, q, p)| q * p).sum();
        if subtotal > MAX_AMOUNT_MINOR {
            return Err(CoreError::validation(
                "lines",
                "out_of_range",
                "The order's total is too large; split it into several orders.",
            ));
        }
        let appointment_seq = match input.appointment {
            Some(aid) => {
                let (seq, cseq, a) = appointments::load(self.conn(), aid)?;
                if cseq != customer_seq {
                    return Err(CoreError::validation(
                        "appointment",
                        "other_customer",
                        "That appointment belongs to another customer.",
                    ));
                }
                if matches!(
                    a.status,
                    crate::history::AppointmentStatus::Cancelled | crate::history::AppointmentStatus::NoShow
                ) {
                    return Err(CoreError::validation(
                        "appointment",
                        "not_billable",
                        format!(
                            "That appointment is {}; there is nothing to check out.",
                            a.status.as_str().replace('_', "-")
                        ),
                    ));
                }
                let settled: bool = self
                    .conn()
                    .prepare_cached("SELECT EXISTS(SELECT 1 FROM orders WHERE appointment_seq = ?1 AND status != 3)")?
                    .query_row([seq], |r| r.get(0))?;
                if settled {
                    return Err(CoreError::validation(
                        "appointment",
                        "already_settled",
                        "That appointment already has an order; open it from the customer's history.",
                    ));
                }
                Some(seq)
            }
            None => None,
        };
        let notes = crate::history::notes(input.notes.as_deref())?;
        let branch = crate::settings::branch_or_own(self, input.branch)?;
        let id = OrderId(self.sources.ids.new_uuid(self.now_ms()));
        self.conn()
            .prepare_cached(
                "INSERT INTO orders(id, customer_seq, branch_id, appointment_seq, currency, status, subtotal_minor, total_minor, notes, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6, ?7, ?8, ?8)",
            )?
            .execute(params![id.bytes(), customer_seq, branch.0, appointment_seq, self.desk().currency, subtotal, notes, self.now_ms()])?;
        let seq = self.conn().last_insert_rowid();
        for (i, (kind, service, description, q, p)) in lines.iter().enumerate() {
            let kind = if *kind == LineKind::Service { "service" } else { "product" };
            self.conn()
                .prepare_cached("INSERT INTO order_lines(order_seq, line, kind, service_id, description, quantity, unit_price_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
                .execute(params![seq, i as i64, kind, service, description, q, p])?;
        }
        let items: Vec<String> =
            lines.iter().map(|(_, _, d, q, _)| if *q == 1 { d.clone() } else { format!("{q} × {d}") }).collect();
        self.event(
            customer_seq,
            actor,
            "order_created",
            crate::customers::encode_about(
                &[
                    change("items", Value::Null, json!(items.join(", "))),
                    change("total_minor", Value::Null, json!(subtotal)),
                ],
                notes.as_deref(),
                Some(&subject(id)),
            ),
        )?;
        self.outbox_for(crate::change::EntityKind::Order, seq, "*", None)?;
        // A free order is settled at once.
        if subtotal == 0 {
            self.pay_order(actor, id, PaymentMethod::Other, 0)?;
        }
        Ok((seq, id))
    }

    /// Takes a payment of `amount` (not more than is due). Paid in full: the order is paid.
    pub fn pay_order(&mut self, actor: &Actor, id: OrderId, method: PaymentMethod, amount: i64) -> CoreResult<()> {
        let mut t = totals(self.conn(), id)?;
        if t.status != OrderStatus::Open {
            return Err(CoreError::InvalidTransition {
                entity: "order".into(),
                from: t.status.as_str().into(),
                to: "paid".into(),
                message: format!("The order is {}; it takes no more payments.", t.status.as_str()),
            });
        }
        let due = t.due();
        let amount = money::amount("amount_minor", amount, if due == 0 { 0 } else { 1 })?;
        if amount > due {
            return Err(CoreError::validation(
                "amount_minor",
                "more_than_due",
                format!("Only {} is due on this order.", fmt_minor(due, &t.currency)),
            ));
        }
        if amount > 0 {
            self.conn()
                .prepare_cached(
                    "INSERT INTO payments(order_seq, method, amount_minor, at, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![t.seq, method.as_str(), amount, self.now_ms(), actor.0])?;
        }
        let old_paid = t.paid;
        t.paid += amount;
        let mut changes = vec![
            change("paid_minor", json!(old_paid), json!(t.paid)),
            change("method", Value::Null, json!(method.as_str())),
        ];
        let mut delta = Delta { paid_minor: amount, ..Default::default() };
        if t.kept() == t.total {
            t.status = OrderStatus::Paid;
            delta.orders_paid = 1;
            changes.push(change("status", json!("open"), json!("paid")));
        }
        self.bump_stats(t.customer_seq, &delta)?;
        let kept = t.kept();
        let earned = self.settle_points(&mut t, kept)?;
        crate::history::loyalty::record(&mut changes, earned);
        self.set_order(&t)?;
        self.order_event(&t, actor, "payment", id, &changes, None)
    }

    /// Gives back `amount` (at most what was paid and not yet refunded), with a reason.
    pub fn refund_order(
        &mut self,
        actor: &Actor,
        id: OrderId,
        method: PaymentMethod,
        amount: i64,
        reason: &str,
    ) -> CoreResult<()> {
        let mut t = totals(self.conn(), id)?;
        let reason = validate::single_line("reason", reason, 500)?;
        if reason.is_empty() {
            return Err(CoreError::validation(
                "reason",
                "required",
                "Say why the money is given back; it stays on the customer's history.",
            ));
        }
        let refundable = t.paid - t.refunded;
        if refundable == 0 {
            return Err(CoreError::InvalidTransition {
                entity: "order".into(),
                from: t.status.as_str().into(),
                to: "refunded".into(),
                message: "Nothing paid on this order is left to refund.".into(),
            });
        }
        let amount = money::amount("amount_minor", amount, 1)?;
        if amount > refundable {
            return Err(CoreError::validation(
                "amount_minor",
                "more_than_paid",
                format!(
                    "At most {} can be refunded: what was paid and not yet refunded.",
                    fmt_minor(refundable, &t.currency)
                ),
            ));
        }
        self.conn()
            .prepare_cached("INSERT INTO refunds(order_seq, amount_minor, reason, at, actor, method) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![t.seq, amount, reason, self.now_ms(), actor.0, method.as_str()])?;
        let old_refunded = t.refunded;
        let kept_before = t.kept();
        t.refunded += amount;
        let mut changes = vec![
            change("refunded_minor", json!(old_refunded), json!(t.refunded)),
            change("method", Value::Null, json!(method.as_str())),
        ];
        if t.status == OrderStatus::Paid && t.refunded == t.paid {
            t.status = OrderStatus::Refunded;
            changes.push(change("status", json!("paid"), json!("refunded")));
        }
        self.bump_stats(t.customer_seq, &Delta { refunded_minor: amount, refund_count: 1, ..Default::default() })?;
        let taken = self.settle_points(&mut t, kept_before)?;
        crate::history::loyalty::record(&mut changes, taken);
        self.set_order(&t)?;
        self.order_event(&t, actor, "refund", id, &changes, Some(&reason))
    }

    /// Spends loyalty points on an open order, as a discount of `points × point value`.
    pub fn redeem_points(&mut self, actor: &Actor, id: OrderId, points: i64) -> CoreResult<()> {
        let mut t = totals(self.conn(), id)?;
        if t.status != OrderStatus::Open {
            return Err(CoreError::InvalidTransition {
                entity: "order".into(),
                from: t.status.as_str().into(),
                to: "open".into(),
                message: format!("The order is {}; points can only be spent on an open order.", t.status.as_str()),
            });
        }
        if points <= 0 {
            return Err(CoreError::validation("points", "out_of_range", "Spend at least one point."));
        }
        if self.desk().loyalty.point_value_minor == 0 {
            return Err(CoreError::validation(
                "points",
                "no_value",
                "Points have no value at this desk; set what a point is worth in Settings.",
            ));
        }
        let balance = crate::history::stats::stored(self.conn(), t.customer_seq)?.loyalty_points;
        if points > balance {
            return Err(CoreError::validation(
                "points",
                "more_than_balance",
                format!("The customer has {balance} points."),
            ));
        }
        let value = points.saturating_mul(self.desk().loyalty.point_value_minor);
        let due = t.due();
        if value > due {
            return Err(CoreError::validation(
                "points",
                "more_than_due",
                format!(
                    "{points} points are worth {}, more than the {} still due.",
                    fmt_minor(value, &t.currency),
                    fmt_minor(due, &t.currency)
                ),
            ));
        }
        let spent = self.loyalty(t.customer_seq, -points, LoyaltyKind::Redeem, None, Some(t.seq))?;
        let old_total = t.total;
        t.points_redeemed += points;
        t.discount += value;
        t.total -= value;
        let mut changes = vec![
            change("points_redeemed", json!(t.points_redeemed - points), json!(t.points_redeemed)),
            change("total_minor", json!(old_total), json!(t.total)),
        ];
        let mut delta = Delta::default();
        if t.kept() == t.total {
            t.status = OrderStatus::Paid;
            delta.orders_paid = 1;
            changes.push(change("status", json!("open"), json!("paid")));
        }
        self.bump_stats(t.customer_seq, &delta)?;
        crate::history::loyalty::record(&mut changes, spent);
        let kept = t.kept();
        let earned = self.settle_points(&mut t, kept)?;
        crate::history::loyalty::record(&mut changes, earned);
        self.set_order(&t)?;
        self.order_event(&t, actor, "points_redeemed", id, &changes, None)
    }

    /// Cancels an open order that has nothing left paid on it; redeemed points go back.
    pub fn cancel_order(&mut self, actor: &Actor, id: OrderId, reason: &str) -> CoreResult<()> {
        let mut t = totals(self.conn(), id)?;
        let reason = validate::single_line("reason", reason, 500)?;
        if reason.is_empty() {
            return Err(CoreError::validation("reason", "required", "Say why the order is cancelled."));
        }
        if t.status != OrderStatus::Open {
            return Err(CoreError::InvalidTransition {
                entity: "order".into(),
                from: t.status.as_str().into(),
                to: "cancelled".into(),
                message: format!(
                    "The order is {}; only an open order can be cancelled (refund a paid one).",
                    t.status.as_str()
                ),
            });
        }
        if t.paid > t.refunded {
            return Err(CoreError::conflict(
                "payments_left",
                "Refund the payments taken on this order before cancelling it.",
            ));
        }
        let mut changes = vec![change("status", json!("open"), json!("cancelled"))];
        if t.points_redeemed > 0 {
            let back = self.loyalty(t.customer_seq, t.points_redeemed, LoyaltyKind::Return, None, Some(t.seq))?;
            crate::history::loyalty::record(&mut changes, back);
        }
        t.status = OrderStatus::Cancelled;
        self.set_order(&t)?;
        self.order_event(&t, actor, "order_cancelled", id, &changes, Some(&reason))
    }
}

/// `12.50 GBP` — for error messages (the UI formats amounts itself).
pub(crate) fn fmt_minor(minor: i64, currency: &str) -> String {
    money::format_minor(minor, currency)
}
