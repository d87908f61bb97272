//! Appointments: booking, the status lifecycle, cancellations (late or not), no-shows.
//!
//! Pending → Customer confirmed → Confirmed → Finished, moving forward only (a step may be
//! skipped: a walk-in is booked and finished); Cancelled and No-show from any open status.
//! Finished, Cancelled and No-show are final. Every change writes the appointment, a timeline
//! event on the customer, outbox records and the customer's stats in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::catalog;
use super::loyalty::LoyaltyKind;
use super::stats::Delta;
use crate::clock::ms_to_datetime;
use crate::customers::{Actor, CustomerStatus, FieldChange, Subject};
use crate::error::{CoreError, CoreResult, CustomerRef};
use crate::ids::{AppointmentId, BranchId, CustomerId, ServiceId, StaffId};
use crate::store::{Reader, Store, Writer};
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Pending,
    CustomerConfirmed,
    Confirmed,
    Finished,
    Cancelled,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 6] = [
        AppointmentStatus::Pending,
        AppointmentStatus::CustomerConfirmed,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Finished,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "pending",
            AppointmentStatus::CustomerConfirmed => "customer_confirmed",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Finished => "finished",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    fn label(self) -> &'static str {
        match self {
            AppointmentStatus::Pending => "pending",
            AppointmentStatus::CustomerConfirmed => "confirmed by the customer",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Finished => "finished",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "a no-show",
        }
    }

    pub(crate) fn to_db(self) -> i64 {
        AppointmentStatus::ALL.iter().position(|s| *s == self).unwrap_or(0) as i64
    }

    pub(crate) fn from_db(v: i64) -> Self {
        AppointmentStatus::ALL.get(v as usize).copied().unwrap_or(AppointmentStatus::Pending)
    }

    /// Still to happen: not finished, cancelled or a no-show.
    pub fn is_open(self) -> bool {
        matches!(self, AppointmentStatus::Pending | AppointmentStatus::CustomerConfirmed | AppointmentStatus::Confirmed)
    }

    /// Whether the lifecycle allows going from `self` to `to`.
    pub fn can_become(self, to: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        match (self, to) {
            (Pending, CustomerConfirmed | Confirmed | Finished) => true,
            (CustomerConfirmed, Confirmed | Finished) => true,
            (Confirmed, Finished) => true,
            (from, Cancelled | NoShow) => from.is_open(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CancelledBy {
    Customer,
    Business,
}

impl CancelledBy {
    fn as_str(self) -> &'static str {
        match self {
            CancelledBy::Customer => "customer",
            CancelledBy::Business => "business",
        }
    }
}

/// What the booking screen sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BookingInput {
    pub customer: CustomerId,
    pub service: ServiceId,
    pub staff: Option<StaffId>,
    pub starts_at: DateTime<Utc>,
    /// Defaults to the service's duration.
    pub duration_min: Option<i64>,
    /// Defaults to the service's price.
    pub price_minor: Option<i64>,
    pub notes: Option<String>,
    /// Defaults to this desk's branch.
    pub branch: Option<BranchId>,
    /// Required to book a blocked customer: why they are booked anyway (kept on the timeline).
    pub blocked_override: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Appointment {
    pub id: AppointmentId,
    pub customer: CustomerRef,
    pub branch_id: BranchId,
    pub branch: String,
    pub service_id: ServiceId,
    pub service: String,
    pub staff_id: Option<StaffId>,
    pub staff: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub price_minor: i64,
    pub currency: String,
    pub notes: Option<String>,
    pub status: AppointmentStatus,
    pub cancelled_by: Option<CancelledBy>,
    pub cancel_reason: Option<String>,
    pub late_cancel: bool,
    pub blocked_override: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT a.seq, a.id, c.id, c.code, c.first_name, c.last_name, a.branch_id, b.name, a.service_id, s.name, \
    a.staff_id, st.name, a.starts_at, a.duration_min, a.price_minor, a.currency, a.notes, a.status, a.cancelled_by, \
    a.cancel_reason, a.late_cancel, a.blocked_override, a.created_at, a.updated_at, a.customer_seq \
    FROM appointments a JOIN customers c ON c.seq = a.customer_seq JOIN branches b ON b.id = a.branch_id \
    JOIN services s ON s.id = a.service_id LEFT JOIN staff st ON st.id = a.staff_id";

/// (appointment seq, customer seq, appointment)
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, Appointment)> {
    let id: Vec<u8> = r.get(1)?;
    let cid: Vec<u8> = r.get(2)?;
    let first: String = r.get(4)?;
    let last: String = r.get(5)?;
    let by: Option<String> = r.get(18)?;
    Ok((
        r.get(0)?,
        r.get(24)?,
        Appointment {
            id: AppointmentId::from_bytes(&id),
            customer: CustomerRef {
                id: CustomerId::from_bytes(&cid),
                code: r.get(3)?,
                display_name: crate::customers::display_name(&first, &last),
            },
            branch_id: BranchId(r.get(6)?),
            branch: r.get(7)?,
            service_id: ServiceId(r.get(8)?),
            service: r.get(9)?,
            staff_id: r.get::<_, Option<i64>>(10)?.map(StaffId),
            staff: r.get(11)?,
            starts_at: ms_to_datetime(r.get(12)?),
            duration_min: r.get(13)?,
            price_minor: r.get(14)?,
            currency: r.get(15)?,
            notes: r.get(16)?,
            status: AppointmentStatus::from_db(r.get(17)?),
            cancelled_by: by.map(|b| if b == "customer" { CancelledBy::Customer } else { CancelledBy::Business }),
            cancel_reason: r.get(19)?,
            late_cancel: r.get(20)?,
            blocked_override: r.get(21)?,
            created_at: ms_to_datetime(r.get(22)?),
            updated_at: ms_to_datetime(r.get(23)?),
        },
    ))
}

pub(crate) fn load(conn: &Connection, id: AppointmentId) -> CoreResult<(i64, i64, Appointment)> {
    let sql = format!("{SELECT} WHERE a.id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id.bytes()], from_row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("appointment", id))
}

/// A customer's appointments still to happen (soonest first) and past or closed ones (newest
/// first), up to `limit` each.
pub(crate) fn of_customer(
    conn: &Connection,
    customer_seq: i64,
    limit: usize,
) -> CoreResult<(Vec<Appointment>, Vec<Appointment>)> {
    let upcoming_sql =
        format!("{SELECT} WHERE a.customer_seq = ?1 AND a.status IN (0, 1, 2) ORDER BY a.starts_at, a.seq LIMIT ?2");
    let past_sql = format!("{SELECT} WHERE a.customer_seq = ?1 AND a.status NOT IN (0, 1, 2) ORDER BY a.starts_at DESC, a.seq DESC LIMIT ?2");
    let read = |sql: &str| -> CoreResult<Vec<Appointment>> {
        let mut st = conn.prepare_cached(sql)?;
        let rows = st.query_map(params![customer_seq, limit as i64], from_row)?;
        Ok(rows.map(|r| r.map(|(_, _, a)| a)).collect::<Result<_, _>>()?)
    };
    Ok((read(&upcoming_sql)?, read(&past_sql)?))
}

/// A customer's past (closed) appointments older than `before` (an appointment of theirs already
/// shown), newest first.
pub(crate) fn past_before(
    conn: &Connection,
    customer_seq: i64,
    before: AppointmentId,
    limit: usize,
) -> CoreResult<Vec<Appointment>> {
    let (seq, owner, a) = load(conn, before)?;
    if owner != customer_seq {
        return Err(CoreError::validation("before", "other_customer", "That appointment belongs to another customer."));
    }
    let sql = format!(
        "{SELECT} WHERE a.customer_seq = ?1 AND a.status NOT IN (0, 1, 2) AND (a.starts_at < ?2 OR (a.starts_at = ?2 AND a.seq < ?3)) \
         ORDER BY a.starts_at DESC, a.seq DESC LIMIT ?4"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params![customer_seq, a.starts_at.timestamp_millis(), seq, limit as i64], from_row)?;
    Ok(rows.map(|r| r.map(|(_, _, a)| a)).collect::<Result<_, _>>()?)
}

fn subject(id: AppointmentId) -> Subject {
    Subject { kind: "appointment".into(), id: id.to_string() }
}

fn change(field: &str, old: Value, new: Value) -> FieldChange {
    FieldChange { field: field.into(), old, new }
}

/// How far from now an appointment may be booked.
const PAST_LIMIT_MS: i64 = 366 * 86_400_000;
const FUTURE_LIMIT_MS: i64 = 2 * 366 * 86_400_000;

impl Writer<'_> {
    pub(crate) fn appointment_event(
        &self,
        customer_seq: i64,
        actor: &Actor,
        kind: &str,
        id: AppointmentId,
        changes: &[FieldChange],
        note: Option<&str>,
    ) -> CoreResult<()> {
        self.customer_event(
            customer_seq,
            actor,
            kind,
            crate::customers::encode_about(changes, note, Some(&subject(id))),
        )
    }

    pub fn book_appointment(&mut self, actor: &Actor, input: &BookingInput) -> CoreResult<(i64, AppointmentId)> {
        let (customer_seq, customer) = crate::customers::find(self.conn(), &input.customer.to_string())?;
        if customer.archived_at.is_some() {
            return Err(CoreError::conflict(
                "archived",
                format!("{} is archived; restore the record before booking.", customer.display_name),
            ));
        }
        let blocked_override = input
            .blocked_override
            .as_deref()
            .map(|o| validate::single_line("blocked_override", o, 500))
            .transpose()?
            .filter(|o| !o.is_empty());
        if customer.status == CustomerStatus::Blocked && blocked_override.is_none() {
            return Err(CoreError::conflict(
                crate::error::codes::CUSTOMER_BLOCKED,
                format!(
                    "{} is blocked ({}). To book anyway, give the reason for the exception.",
                    customer.display_name,
                    customer.blocked_reason.as_deref().unwrap_or("no reason given")
                ),
            ));
        }
        let blocked_override = if customer.status == CustomerStatus::Blocked { blocked_override } else { None };
        let service = catalog::service(self.conn(), input.service)?;
        if !service.active {
            return Err(CoreError::validation(
                "service",
                "inactive_service",
                format!("\"{}\" is no longer offered; pick another service.", service.name),
            ));
        }
        let staff = match input.staff {
            Some(id) => {
                let s = catalog::staff_member(self.conn(), id)?;
                if !s.active {
                    return Err(CoreError::validation(
                        "staff",
                        "inactive_staff",
                        format!("{} is no longer on the staff list; pick someone else.", s.name),
                    ));
                }
                Some(s)
            }
            None => None,
        };
        let starts = input.starts_at.timestamp_millis();
        if starts < self.now_ms() - PAST_LIMIT_MS || starts > self.now_ms() + FUTURE_LIMIT_MS {
            return Err(CoreError::validation(
                "starts_at",
                "out_of_range",
                "An appointment can be booked from a year ago to two years ahead.",
            ));
        }
        let duration = catalog::duration("duration_min", input.duration_min.unwrap_or(service.duration_min))?;
        let price = crate::money::amount("price_minor", input.price_minor.unwrap_or(service.price_minor), 0)?;
        let notes = super::notes(input.notes.as_deref())?;
        let branch = crate::settings::branch_or_own(self, input.branch)?;
        let id = AppointmentId(self.sources.ids.new_uuid(self.now_ms()));
        let currency = self.desk().currency.clone();
        self.conn()
            .prepare_cached(
                "INSERT INTO appointments(id, customer_seq, branch_id, service_id, staff_id, starts_at, duration_min, price_minor, \
                 currency, notes, status, blocked_override, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12, ?12)",
            )?
            .execute(params![
                id.bytes(),
                customer_seq,
                branch.0,
                service.id.0,
                staff.as_ref().map(|s| s.id.0),
                starts,
                duration,
                price,
                currency,
                notes,
                blocked_override,
                self.now_ms()
            ])?;
        let seq = self.conn().last_insert_rowid();
        let mut changes = vec![
            change("service", Value::Null, json!(service.name)),
            change("starts_at", Value::Null, json!(input.starts_at)),
            change("duration_min", Value::Null, json!(duration)),
            change("price_minor", Value::Null, json!(price)),
        ];
        if let Some(s) = &staff {
            changes.push(change("staff", Value::Null, json!(s.name)));
        }
        if let Some(o) = &blocked_override {
            changes.push(change("blocked_override", Value::Null, json!(o)));
        }
        self.appointment_event(customer_seq, actor, "appointment_booked", id, &changes, notes.as_deref())?;
        self.outbox_for(crate::change::EntityKind::Appointment, seq, "*", None)?;
        self.bump_stats(customer_seq, &Delta { appointment_count: 1, ..Default::default() })?;
        self.refresh_next_appointment(customer_seq)?;
        Ok((seq, id))
    }

    /// Moves an appointment along its lifecycle (confirm, finish, no-show). Cancelling needs
    /// who and why: [`Writer::cancel_appointment`].
    pub fn set_appointment_status(
        &mut self,
        actor: &Actor,
        id: AppointmentId,
        to: AppointmentStatus,
    ) -> CoreResult<()> {
        if to == AppointmentStatus::Cancelled {
            return Err(CoreError::validation("cancel_reason", "required", "Say who cancelled and why."));
        }
        self.transition(actor, id, to, None)
    }

    pub fn cancel_appointment(
        &mut self,
        actor: &Actor,
        id: AppointmentId,
        by: CancelledBy,
        reason: &str,
    ) -> CoreResult<()> {
        let reason = validate::single_line("cancel_reason", reason, 500)?;
        if reason.is_empty() {
            return Err(CoreError::validation(
                "cancel_reason",
                "required",
                "Say why the appointment is cancelled; it stays on the customer's history.",
            ));
        }
        self.transition(actor, id, AppointmentStatus::Cancelled, Some((by, reason)))
    }

    fn transition(
        &mut self,
        actor: &Actor,
        id: AppointmentId,
        to: AppointmentStatus,
        cancel: Option<(CancelledBy, String)>,
    ) -> CoreResult<()> {
        let (seq, customer_seq, a) = load(self.conn(), id)?;
        if !a.status.can_become(to) {
            let message = if a.status == to {
                format!("The appointment is already {}.", to.label())
            } else if a.status.is_open() {
                format!("A {} appointment cannot go back to {}.", a.status.label(), to.label())
            } else {
                format!("The appointment is {}; it cannot be marked {} any more.", a.status.label(), to.label())
            };
            return Err(CoreError::InvalidTransition {
                entity: "appointment".into(),
                from: a.status.as_str().into(),
                to: to.as_str().into(),
                message,
            });
        }
        let starts = a.starts_at.timestamp_millis();
        if matches!(to, AppointmentStatus::Finished | AppointmentStatus::NoShow) && starts > self.now_ms() {
            return Err(CoreError::conflict(
                "not_started",
                format!(
                    "The appointment starts at {} UTC; it can be marked {} once it has started.",
                    a.starts_at.format("%Y-%m-%d %H:%M"),
                    to.label()
                ),
            ));
        }
        let mut changes = vec![change("status", json!(a.status.as_str()), json!(to.as_str()))];
        let mut delta = Delta::default();
        let mut note = None;
        match to {
            AppointmentStatus::Finished => {
                delta.visits = 1;
                delta.visit_at = starts;
            }
            AppointmentStatus::NoShow => delta.no_shows = 1,
            AppointmentStatus::Cancelled => {
                let (by, reason) = cancel.clone().unwrap_or((CancelledBy::Business, String::new()));
                let window = self.desk().late_cancel_hours * 3_600_000;
                let late = by == CancelledBy::Customer && starts - self.now_ms() < window;
                self.conn()
                    .prepare_cached("UPDATE appointments SET cancelled_by = ?2, cancel_reason = ?3, late_cancel = ?4 WHERE seq = ?1")?
                    .execute(params![seq, by.as_str(), reason, late])?;
                changes.push(change("cancelled_by", Value::Null, json!(by.as_str())));
                changes.push(change("late_cancel", json!(false), json!(late)));
                // Only the customer's own cancellations count against them.
                delta.cancellations = (by == CancelledBy::Customer) as i64;
                delta.late_cancellations = late as i64;
                note = Some(reason);
            }
            _ => {}
        }
        self.conn()
            .prepare_cached("UPDATE appointments SET status = ?2, updated_at = ?3 WHERE seq = ?1")?
            .execute(params![seq, to.to_db(), self.now_ms()])?;
        for c in &changes {
            self.outbox_for(crate::change::EntityKind::Appointment, seq, &c.field, Some(&c.new))?;
        }
        self.bump_stats(customer_seq, &delta)?;
        if !to.is_open() {
            self.refresh_next_appointment(customer_seq)?;
        }
        if to == AppointmentStatus::Finished {
            let points = self.desk().loyalty.points_per_visit;
            let earned = self.loyalty(customer_seq, points, LoyaltyKind::Visit, Some(seq), None)?;
            super::loyalty::record(&mut changes, earned);
        }
        self.appointment_event(
            customer_seq,
            actor,
            &format!("appointment_{}", to.as_str()),
            id,
            &changes,
            note.as_deref(),
        )
    }
}

impl Reader<'_> {
    pub fn appointment(&self, id: AppointmentId) -> CoreResult<Appointment> {
        load(self.conn(), id).map(|(_, _, a)| a)
    }
}

impl Store {
    pub fn book_appointment(&self, actor: &Actor, input: &BookingInput) -> CoreResult<Appointment> {
        let (_, id) = self.write(|w| w.book_appointment(actor, input))?;
        self.read(|r| r.appointment(id))
    }

    pub fn set_appointment_status(
        &self,
        actor: &Actor,
        id: AppointmentId,
        to: AppointmentStatus,
    ) -> CoreResult<Appointment> {
        self.write(|w| w.set_appointment_status(actor, id, to))?;
        self.read(|r| r.appointment(id))
    }

    pub fn cancel_appointment(
        &self,
        actor: &Actor,
        id: AppointmentId,
        by: CancelledBy,
        reason: &str,
    ) -> CoreResult<Appointment> {
        self.write(|w| w.cancel_appointment(actor, id, by, reason))?;
        self.read(|r| r.appointment(id))
    }

    pub fn appointment(&self, id: AppointmentId) -> CoreResult<Appointment> {
        self.read(|r| r.appointment(id))
    }
}
