//! Orders: line items, payments, refunds (full or partial, never more than was paid), loyalty
//! points redeemed as a discount, cancellation. Status: open → paid (paid in full) → refunded
//! (everything paid given back); an open order with nothing left paid can be cancelled.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::customers::Actor;
use crate::error::{CoreResult, CustomerRef};
use crate::ids::{AppointmentId, BranchId, CustomerId, OrderId, ServiceId};
use crate::store::{Reader, Store};

mod read;
mod write;

pub(crate) use read::{before, load, of_customer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Open,
    Paid,
    Refunded,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] =
        [OrderStatus::Open, OrderStatus::Paid, OrderStatus::Refunded, OrderStatus::Cancelled];
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::Paid => "paid",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Cancelled => "cancelled",
        }
    }
    pub(super) fn to_db(self) -> i64 {
        OrderStatus::ALL.iter().position(|s| *s == self).unwrap_or(0) as i64
    }
    pub(super) fn from_db(v: i64) -> Self {
        OrderStatus::ALL.get(v as usize).copied().unwrap_or(OrderStatus::Open)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Service,
    Product,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Voucher,
    Other,
}

impl PaymentMethod {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Voucher => "voucher",
            PaymentMethod::Other => "other",
        }
    }
    pub(super) fn parse(s: &str) -> Self {
        match s {
            "cash" => PaymentMethod::Cash,
            "card" => PaymentMethod::Card,
            "voucher" => PaymentMethod::Voucher,
            _ => PaymentMethod::Other,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderLineInput {
    pub kind: LineKind,
    /// For a service line: which service (its name and price are the defaults).
    pub service: Option<ServiceId>,
    /// Required for a product line.
    pub description: Option<String>,
    pub quantity: i64,
    /// Required for a product line; defaults to the service's price.
    pub unit_price_minor: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderInput {
    pub customer: CustomerId,
    pub lines: Vec<OrderLineInput>,
    /// The appointment this order settles, if any.
    pub appointment: Option<AppointmentId>,
    pub notes: Option<String>,
    pub branch: Option<BranchId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderLine {
    pub kind: LineKind,
    pub service_id: Option<ServiceId>,
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Payment {
    pub method: PaymentMethod,
    pub amount_minor: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Refund {
    /// How the money went back (`None`: a refund recorded before refunds said).
    pub method: Option<PaymentMethod>,
    pub amount_minor: i64,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Order {
    pub id: OrderId,
    pub customer: CustomerRef,
    pub branch_id: BranchId,
    pub branch: String,
    pub appointment: Option<AppointmentId>,
    pub currency: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub subtotal_minor: i64,
    /// Loyalty points redeemed, as money.
    pub discount_minor: i64,
    pub points_redeemed: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub refunded_minor: i64,
    /// Still to pay: total − paid (0 once paid).
    pub due_minor: i64,
    /// Paid − refunded: what a refund can still give back.
    pub refundable_minor: i64,
    pub points_earned: i64,
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Reader<'_> {
    pub fn order(&self, id: OrderId) -> CoreResult<Order> {
        load(self.conn(), id)
    }
}

impl Store {
    pub fn create_order(&self, actor: &Actor, input: &OrderInput) -> CoreResult<Order> {
        let (_, id) = self.write(|w| w.create_order(actor, input))?;
        self.order(id)
    }
    pub fn pay_order(&self, actor: &Actor, id: OrderId, method: PaymentMethod, amount_minor: i64) -> CoreResult<Order> {
        self.write(|w| w.pay_order(actor, id, method, amount_minor))?;
        self.order(id)
    }
    pub fn refund_order(
        &self,
        actor: &Actor,
        id: OrderId,
        method: PaymentMethod,
        amount_minor: i64,
        reason: &str,
    ) -> CoreResult<Order> {
        self.write(|w| w.refund_order(actor, id, method, amount_minor, reason))?;
        self.order(id)
    }
    pub fn redeem_points(&self, actor: &Actor, id: OrderId, points: i64) -> CoreResult<Order> {
        self.write(|w| w.redeem_points(actor, id, points))?;
        self.order(id)
    }
    pub fn cancel_order(&self, actor: &Actor, id: OrderId, reason: &str) -> CoreResult<Order> {
        self.write(|w| w.cancel_order(actor, id, reason))?;
        self.order(id)
    }
    pub fn order(&self, id: OrderId) -> CoreResult<Order> {
        self.read(|r| r.order(id))
    }
}
