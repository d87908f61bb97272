//! Frontdesk's shared domain: what a desk and a sync server both speak. Ids, clocks and the
//! hybrid logical clock, money, the error enum, and the change records a desk's outbox holds
//! with their wire form. Nothing here opens a database, parses a phone number or seeds data.

pub mod change;
pub mod clock;
pub mod error;
pub mod ids;
pub mod money;

pub use error::{CoreError, CoreResult, CustomerRef};
pub use ids::{AppointmentId, BranchId, CustomerId, OrderId, ServiceId, StaffId};
