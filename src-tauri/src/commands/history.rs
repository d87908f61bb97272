//! Bookings and orders: the appointment lifecycle, payments, refunds, loyalty points, and the
//! directory's quick stats.

use frontdesk_core::history::{
    Appointment, AppointmentStatus, BookingInput, CancelledBy, DirectoryStats, Order, OrderInput, PaymentMethod,
};
use frontdesk_core::{AppointmentId, CoreError, CoreResult, OrderId};

use super::customer_id;
use tauri::State;

use super::blocking;
use crate::Desk;

fn appointment_id(id: &str) -> CoreResult<AppointmentId> {
    id.parse().map_err(|_| CoreError::validation("id", "invalid_id", format!("'{id}' is not an appointment id.")))
}

fn order_id(id: &str) -> CoreResult<OrderId> {
    id.parse().map_err(|_| CoreError::validation("id", "invalid_id", format!("'{id}' is not an order id.")))
}

#[tauri::command]
#[specta::specta]
pub async fn book_appointment(desk: State<'_, Desk>, input: BookingInput) -> CoreResult<Appointment> {
    let actor = desk.actor();
    blocking(&desk, move |s| s.book_appointment(&actor, &input)).await
}

/// Confirm, finish or mark a no-show (cancelling is [`cancel_appointment`]).
#[tauri::command]
#[specta::specta]
pub async fn set_appointment_status(
    desk: State<'_, Desk>,
    id: String,
    status: AppointmentStatus,
) -> CoreResult<Appointment> {
    let (id, actor) = (appointment_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.set_appointment_status(&actor, id, status)).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_appointment(
    desk: State<'_, Desk>,
    id: String,
    by: CancelledBy,
    reason: String,
) -> CoreResult<Appointment> {
    let (id, actor) = (appointment_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.cancel_appointment(&actor, id, by, &reason)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_order(desk: State<'_, Desk>, input: OrderInput) -> CoreResult<Order> {
    let actor = desk.actor();
    blocking(&desk, move |s| s.create_order(&actor, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn pay_order(
    desk: State<'_, Desk>,
    id: String,
    method: PaymentMethod,
    amount_minor: i64,
) -> CoreResult<Order> {
    let (id, actor) = (order_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.pay_order(&actor, id, method, amount_minor)).await
}

#[tauri::command]
#[specta::specta]
pub async fn refund_order(
    desk: State<'_, Desk>,
    id: String,
    method: PaymentMethod,
    amount_minor: i64,
    reason: String,
) -> CoreResult<Order> {
    let (id, actor) = (order_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.refund_order(&actor, id, method, amount_minor, &reason)).await
}

#[tauri::command]
#[specta::specta]
pub async fn redeem_points(desk: State<'_, Desk>, id: String, points: i64) -> CoreResult<Order> {
    let (id, actor) = (order_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.redeem_points(&actor, id, points)).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_order(desk: State<'_, Desk>, id: String, reason: String) -> CoreResult<Order> {
    let (id, actor) = (order_id(&id)?, desk.actor());
    blocking(&desk, move |s| s.cancel_order(&actor, id, &reason)).await
}

#[tauri::command]
#[specta::specta]
pub async fn directory_stats(desk: State<'_, Desk>) -> CoreResult<DirectoryStats> {
    blocking(&desk, move |s| s.directory_stats()).await
}

/// Older past appointments of a customer: `before` is the oldest one shown.
#[tauri::command]
#[specta::specta]
pub async fn past_appointments(
    desk: State<'_, Desk>,
    id: String,
    before: String,
    limit: u32,
) -> CoreResult<Vec<Appointment>> {
    let (id, before) = (customer_id(&id)?, appointment_id(&before)?);
    blocking(&desk, move |s| s.past_appointments(id, before, limit as usize)).await
}

/// Older orders of a customer: `before` is the oldest one shown.
#[tauri::command]
#[specta::specta]
pub async fn customer_orders(desk: State<'_, Desk>, id: String, before: String, limit: u32) -> CoreResult<Vec<Order>> {
    let (id, before) = (customer_id(&id)?, order_id(&before)?);
    blocking(&desk, move |s| s.customer_orders(id, before, limit as usize)).await
}
