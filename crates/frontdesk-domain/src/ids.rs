//! Newtype ids: global UUIDv7 identities of records that sync, and local row ids of the desk's
//! small reference tables.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map($name)
            }
        }

        impl $name {
            #[allow(dead_code)]
            pub fn bytes(&self) -> Vec<u8> {
                self.0.as_bytes().to_vec()
            }
            pub fn from_bytes(b: &[u8]) -> Self {
                $name(Uuid::from_slice(b).unwrap_or_default())
            }
        }
    };
}

macro_rules! local_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A customer's global identity (UUIDv7), the same on every desk and on the server.
    CustomerId
);
uuid_id!(
    /// An appointment's global identity (UUIDv7).
    AppointmentId
);
uuid_id!(
    /// An order's global identity (UUIDv7).
    OrderId
);
local_id!(
    /// A branch (location) of the business, local row id.
    BranchId
);
local_id!(
    /// A service of the catalogue (haircut, massage …), local row id.
    ServiceId
);
local_id!(
    /// A member of staff, local row id.
    StaffId
);
