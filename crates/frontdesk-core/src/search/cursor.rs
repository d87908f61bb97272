//! Where a page ends: the sort key of its last row, written into the `after` token the next
//! page is asked with.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};

/// Position after the last hit of a page, and the sort key of a row: compared field by field.
/// `t`: tier (relevance) or phase (email listing); `k`/`k2`/`n`: sort values; `o`: tie-break
/// (seq, or -seq for newest-first); `s`: the row's seq.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct Cursor {
    #[serde(default)]
    pub(super) t: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(super) k: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(super) k2: String,
    #[serde(default)]
    pub(super) n: i64,
    #[serde(default)]
    pub(super) o: i64,
    pub(super) s: i64,
}

impl Cursor {
    pub(super) fn decode(text: Option<&str>) -> CoreResult<Option<Cursor>> {
        text.map(|t| {
            serde_json::from_str(t).map_err(|_| {
                CoreError::validation(
                    "after",
                    "invalid_cursor",
                    "The page cursor is not one this search returned; start from the first page.",
                )
            })
        })
        .transpose()
    }
    pub(super) fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    /// Relevance order key: tier, then code within the code-prefix tier, then seq.
    pub(super) fn relevance(t: u8, code: &str, seq: i64) -> Cursor {
        Cursor { t, k: if t == 1 { code.to_string() } else { String::new() }, o: seq, s: seq, ..Default::default() }
    }
}
