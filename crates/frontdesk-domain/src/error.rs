//! The error enum every boundary answers with: machine-readable variants, human messages.

use serde::Serialize;

use crate::ids::CustomerId;

/// Enough about an existing customer for a UI to offer "open existing" / "use this customer".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerRef {
    pub id: CustomerId,
    pub code: String,
    pub display_name: String,
}

#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "data")]
pub enum CoreError {
    /// A field's value is not acceptable. `code` is stable (`required`, `too_long`,
    /// `invalid_email`, `disposable_email`, `invalid_phone`, `invalid_country`, ...).
    #[error("{field}: {message}")]
    Validation { field: String, code: String, message: String },

    /// The contact point already belongs to another live customer.
    #[error("{field} already belongs to {} ({})", existing.display_name, existing.code)]
    Duplicate { field: String, existing: CustomerRef },

    #[error("{entity} {id} was not found")]
    NotFound { entity: String, id: String },

    /// The change conflicts with the record's current state (e.g. unblocking an active customer).
    #[error("{message}")]
    Conflict { code: String, message: String },

    /// A status change that the record's lifecycle does not allow (e.g. finishing a cancelled
    /// appointment). `from` and `to` are the statuses' snake_case names.
    #[error("{message}")]
    InvalidTransition { entity: String, from: String, to: String, message: String },

    /// A file could not be read as asked (bad encoding, ragged rows, missing header ...).
    #[error("{message}")]
    File { path: String, line: Option<u64>, code: String, message: String },

    /// The database failed. The message says what was being done.
    #[error("storage error: {message}")]
    Storage { message: String },
}

pub type CoreResult<T> = Result<T, CoreError>;

/// The error codes callers act on (not only show): the window's bindings carry them, so the UI
/// compares a generated value, not a typed string.
pub mod codes {
    /// `Conflict`: the customer is blocked; a booking needs a manager's reason to go ahead.
    pub const CUSTOMER_BLOCKED: &str = "customer_blocked";
    /// `Conflict`: another process has the desk open to write.
    pub const DESK_IN_USE: &str = "desk_in_use";

    /// `(name, code)` of each, for the bindings.
    pub const ALL: &[(&str, &str)] = &[("customer_blocked", CUSTOMER_BLOCKED), ("desk_in_use", DESK_IN_USE)];
}

impl CoreError {
    pub fn validation(field: &str, code: &str, message: impl Into<String>) -> Self {
        CoreError::Validation { field: field.to_string(), code: code.to_string(), message: message.into() }
    }

    pub fn not_found(entity: &str, id: impl ToString) -> Self {
        CoreError::NotFound { entity: entity.to_string(), id: id.to_string() }
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        CoreError::Conflict { code: code.to_string(), message: message.into() }
    }

    /// The field a validation or duplicate error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            CoreError::Validation { field, .. } | CoreError::Duplicate { field, .. } => Some(field),
            _ => None,
        }
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        CoreError::Storage { message: e.to_string() }
    }
}
