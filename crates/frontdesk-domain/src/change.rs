//! Change records: what every write leaves in a desk's outbox (one per changed field, stamped
//! with the hybrid logical clock and the device) and what a push will carry to a server.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of record a change can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Customer,
    Appointment,
    Order,
    /// An entry of a customer's loyalty ledger.
    Loyalty,
    Service,
    Staff,
    /// An import run (its record says which branches its rows went to).
    Import,
    /// The definition of one of the business's own customer fields.
    CustomField,
    /// A saved segment: its name and conditions.
    Segment,
}

impl EntityKind {
    pub const ALL: [EntityKind; 9] = [
        EntityKind::Customer,
        EntityKind::Appointment,
        EntityKind::Order,
        EntityKind::Loyalty,
        EntityKind::Service,
        EntityKind::Staff,
        EntityKind::Import,
        EntityKind::CustomField,
        EntityKind::Segment,
    ];

    /// The name stored in the outbox and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Customer => "customer",
            EntityKind::Appointment => "appointment",
            EntityKind::Order => "order",
            EntityKind::Loyalty => "loyalty",
            EntityKind::Service => "service",
            EntityKind::Staff => "staff",
            EntityKind::Import => "import",
            EntityKind::CustomField => "custom_field",
            EntityKind::Segment => "segment",
        }
    }

    pub fn parse(name: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The field name of a change that stands for the whole record (it was created).
pub const WHOLE_RECORD: &str = "*";

/// A change's identity: the device that made it and its place in that device's outbox (dense,
/// from 1), so a re-sent change is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangeId {
    pub device: Uuid,
    pub seq: u64,
}

/// One field-level change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    pub id: ChangeId,
    pub entity: EntityKind,
    /// The record's global id. `None` for records that have none yet (loyalty entries, import
    /// runs): they are named by `local`, the desk's row number.
    pub entity_id: Option<Uuid>,
    pub local: i64,
    /// The changed field, or [`WHOLE_RECORD`].
    pub field: String,
    /// Its new value (`None` for a whole record: it is read from the record).
    pub value: Option<serde_json::Value>,
    /// The hybrid logical clock stamp (milliseconds and a counter, see `clock::Hlc`).
    pub hlc: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_read_back_from_its_name() {
        for k in EntityKind::ALL {
            assert_eq!(EntityKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
        assert_eq!(EntityKind::parse("customers"), None);
    }
}
