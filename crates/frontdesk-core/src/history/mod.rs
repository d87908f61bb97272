//! What customers do: appointments, orders (payments, refunds), loyalty points — and the
//! running stats and timeline entries every one of those writes keeps up to date in the same
//! transaction.

pub mod appointments;
pub mod catalog;
pub mod loyalty;
pub mod orders;
pub mod stats;

use rusqlite::Connection;
use serde::Serialize;

pub use appointments::{Appointment, AppointmentStatus, BookingInput, CancelledBy};
pub use catalog::{Service, ServiceInput, StaffInput, StaffMember};
pub use loyalty::{LoyaltyEntry, LoyaltyKind};
pub use orders::{LineKind, Order, OrderInput, OrderLine, OrderLineInput, OrderStatus, Payment, PaymentMethod, Refund};
pub use stats::{CustomerStats, DirectoryStats, RankedCustomer, StatsMismatch};

use crate::error::CoreResult;

/// The notes of an appointment or order, checked (blank: none).
pub(crate) fn notes(text: Option<&str>) -> CoreResult<Option<String>> {
    Ok(text.map(|n| crate::validate::multi_line("notes", n, 2000)).transpose()?.filter(|n| !n.is_empty()))
}

/// How many appointments / orders / loyalty entries the profile shows at once.
pub const HISTORY_LIMIT: usize = 50;

/// A customer's history as the profile shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerHistory {
    pub stats: CustomerStats,
    /// Still to happen, soonest first.
    pub upcoming: Vec<Appointment>,
    /// Finished, cancelled and no-shows, newest first.
    pub past: Vec<Appointment>,
    /// Newest first.
    pub orders: Vec<Order>,
    /// Newest first.
    pub loyalty: Vec<LoyaltyEntry>,
    pub currency: String,
}

pub(crate) fn of_customer(
    conn: &Connection,
    customer_seq: i64,
    currency: &str,
    now_ms: i64,
) -> CoreResult<CustomerHistory> {
    let (upcoming, past) = appointments::of_customer(conn, customer_seq, HISTORY_LIMIT)?;
    let mut stats = stats::stored(conn, customer_seq)?.stats();
    // The running figure is the earliest open appointment, which may be overdue (never
    // finished or marked a no-show); the profile says when the next one to come is.
    stats.next_appointment_at = upcoming.iter().map(|a| a.starts_at).find(|t| t.timestamp_millis() >= now_ms);
    Ok(CustomerHistory {
        stats,
        upcoming,
        past,
        orders: orders::of_customer(conn, customer_seq, HISTORY_LIMIT)?,
        loyalty: loyalty::recent(conn, customer_seq, HISTORY_LIMIT)?,
        currency: currency.to_string(),
    })
}

impl crate::store::Store {
    /// Past appointments of a customer older than `before` (the oldest one shown), newest first.
    pub fn past_appointments(
        &self,
        customer: crate::ids::CustomerId,
        before: crate::ids::AppointmentId,
        limit: usize,
    ) -> CoreResult<Vec<Appointment>> {
        self.read(|r| {
            let (seq, _) = crate::customers::find(r.conn(), &customer.to_string())?;
            appointments::past_before(r.conn(), seq, before, limit.clamp(1, 500))
        })
    }

    /// Orders of a customer older than `before` (the oldest one shown), newest first.
    pub fn customer_orders(
        &self,
        customer: crate::ids::CustomerId,
        before: crate::ids::OrderId,
        limit: usize,
    ) -> CoreResult<Vec<Order>> {
        self.read(|r| {
            let (seq, _) = crate::customers::find(r.conn(), &customer.to_string())?;
            orders::before(r.conn(), seq, before, limit.clamp(1, 500))
        })
    }
}
