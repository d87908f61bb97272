//! Where a page ends: the sort key of its last row, written into the `after` token the next
//! page is asked with.

use serde::{Deserialize, Serialize};

use super::matcher::Tier;

use crate::error::{CoreError, CoreResult};

/// Position after the last hit of a page, and the sort key of a row: compared field by field
/// (the order of the fields is the order of the keys). Serialised with one-letter names: it
/// travels in every page token.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct Cursor {
    /// The match tier's rank (relevance), or the phase of an email listing (0 with an email,
    /// 1 without).
    #[serde(default, rename = "t")]
    pub(super) rank: u8,
    /// The text sort value: the code in the code-prefix tier, a last name, an email.
    #[serde(default, rename = "k", skip_serializing_if = "String::is_empty")]
    pub(super) text: String,
    /// The second text sort value (a first name).
    #[serde(default, rename = "k2", skip_serializing_if = "String::is_empty")]
    pub(super) text2: String,
    /// The number sort value (a date, an amount, a count).
    #[serde(default, rename = "n")]
    pub(super) number: i64,
    /// The tie-break between equal keys.
    #[serde(default, rename = "o")]
    pub(super) tie: i64,
    /// The row's seq.
    #[serde(rename = "s")]
    pub(super) seq: i64,
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
    /// The match tier of a relevance key.
    pub(super) fn tier(&self) -> Tier {
        Tier::from_rank(self.rank).unwrap_or(Tier::NameWords)
    }

    /// Relevance order key: tier, then code within the code-prefix tier, then seq.
    pub(super) fn relevance(t: Tier, code: &str, seq: i64) -> Cursor {
        Cursor {
            rank: t.rank(),
            text: if t == Tier::CodePrefix { code.to_string() } else { String::new() },
            tie: seq,
            seq,
            ..Default::default()
        }
    }
}
