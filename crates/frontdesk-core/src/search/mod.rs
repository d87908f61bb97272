//! Customer search: one query string, parsed ([`query`]), answered from the cheap indexed
//! paths (exact-key b-trees, FTS5 name words with prefix indexes, FTS5 trigrams over phone
//! digits and emails), merged by tier (exact > prefix > fragment) and then by the record's
//! stable `seq`, with keyset pagination.

mod candidates;
mod conditions;
mod cursor;
mod exec;
mod hits;
mod listing;
mod ranking;
mod sql;

pub mod matcher;
pub mod query;

use serde::{Deserialize, Serialize};

pub use conditions::{
    custom_is, operators, set_condition_list_limit, Condition, Op, ValueIs, STANDARD as CONDITION_FIELDS,
};
pub use exec::MAX_LIMIT;
pub use listing::set_activity_in_memory_limit;
pub use query::{parse, ParsedQuery};
pub use ranking::set_first_read;

use crate::customers::CustomerStatus;
use crate::ids::{BranchId, CustomerId};

/// Counting stops here: a larger total is reported as "more than" ([`SearchPage::total_exact`]).
pub const COUNT_CAP: u64 = 10_000;
/// A non-relevance sort of a query's matches sorts at most this many; beyond, the page is in
/// relevance order and says so ([`SearchPage::sorted`]).
pub const SORT_CAP: usize = 10_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// Active and blocked, not archived (the default).
    #[default]
    Live,
    Active,
    Blocked,
    Archived,
    /// Everything, archived included.
    All,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SearchFilter {
    pub branch: Option<BranchId>,
    pub status: StatusFilter,
    /// Created at or after (ms since epoch, UTC).
    pub created_from: Option<i64>,
    /// Created before (ms since epoch, UTC).
    pub created_to: Option<i64>,
    /// What the customer did (or did not do) lately.
    pub activity: Option<ActivityFilter>,
    /// A segment's conditions, all of which must hold (the directory's filter builder).
    pub conditions: Vec<Condition>,
    /// `conditions` as SQL, made by the search when it starts (never sent).
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    #[doc(hidden)]
    pub compiled: conditions::CompiledConditions,
}

/// Activity filters, answered from the running stats' indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ActivityFilter {
    /// Had a finished appointment in the last `days` days.
    VisitedWithin { days: u32 },
    /// Visited before, but not in the last `days` days (lapsed customers).
    NotVisitedFor { days: u32 },
    /// Never had a finished appointment.
    Never,
    /// Created in the last 30 days.
    New,
    /// Has an appointment still to come (its earliest open appointment is in the future; one
    /// left open after its time hides later ones until it is finished or marked a no-show).
    Upcoming,
}

/// Longest window an activity filter takes, in days (ten years).
pub const ACTIVITY_MAX_DAYS: u32 = 3_650;
/// "New" customers: created in this many last days.
pub const NEW_DAYS: i64 = 30;

impl SearchFilter {
    /// Whether only the "live" default applies (the indexed fast path needs no row look-ups).
    pub(crate) fn is_plain_live(&self) -> bool {
        self.status == StatusFilter::Live
            && self.branch.is_none()
            && self.created_from.is_none()
            && self.created_to.is_none()
            && self.activity.is_none()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Best match first; ties in record order. For an empty query: newest first.
    #[default]
    Relevance,
    /// Last name, first name (A→Z).
    Name,
    /// Email (A→Z); customers without email last.
    Email,
    /// Created date, newest first.
    Created,
    /// Total spent (paid − refunded), highest first.
    TotalSpent,
    /// Last finished appointment, most recent first (never visited: last; first when ascending).
    LastVisit,
    /// Number of appointments booked, most first.
    AppointmentCount,
}

impl SortBy {
    pub const ALL: [SortBy; 7] = [
        SortBy::Relevance,
        SortBy::Name,
        SortBy::Email,
        SortBy::Created,
        SortBy::TotalSpent,
        SortBy::LastVisit,
        SortBy::AppointmentCount,
    ];

    /// The direction a sort takes when none is asked for: A→Z for names and emails, newest /
    /// highest first for dates and figures.
    pub fn descending_by_default(self) -> bool {
        !matches!(self, SortBy::Name | SortBy::Email)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SearchRequest {
    pub query: String,
    pub filter: SearchFilter,
    pub sort: SortBy,
    /// `Some(true)`: descending, `Some(false)`: ascending, `None`: the sort's usual direction
    /// ([`SortBy::descending_by_default`]). Ties are broken by the record's `seq` in the same
    /// direction.
    pub descending: Option<bool>,
    pub limit: usize,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filter: SearchFilter::default(),
            sort: SortBy::Relevance,
            descending: None,
            limit: 50,
            after: None,
        }
    }
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest { query: query.into(), ..Default::default() }
    }
}

/// How a hit matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MatchTier {
    Exact,
    Prefix,
    Fragment,
}

impl From<matcher::Tier> for MatchTier {
    fn from(t: matcher::Tier) -> Self {
        match t {
            matcher::Tier::Exact => MatchTier::Exact,
            matcher::Tier::CodePrefix | matcher::Tier::NameWords => MatchTier::Prefix,
            matcher::Tier::Fragment => MatchTier::Fragment,
        }
    }
}

/// One row of the result list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerHit {
    pub id: CustomerId,
    pub code: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_e164: Option<String>,
    /// The phone as it was typed. (Formatting for display is the UI's job, for the rows it
    /// shows: libphonenumber formatting costs ~30 µs a number, more than the search itself.)
    pub phone_raw: Option<String>,
    pub email: Option<String>,
    pub branch_id: BranchId,
    pub branch: String,
    pub status: CustomerStatus,
    pub archived: bool,
    pub matched: MatchTier,
    pub visits: i64,
    pub appointment_count: i64,
    pub total_spent_minor: i64,
    pub last_visit_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Values of the custom fields shown as directory columns, by key, as files hold them
    /// (`2026-11-30`, `yes`, `Nuts | PPD`); none when no field is a column.
    pub columns: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchPage {
    pub hits: Vec<CustomerHit>,
    /// Number of matches; exact up to [`COUNT_CAP`], otherwise a lower bound.
    pub total: u64,
    /// `false` when there are more than [`COUNT_CAP`] matches and `total` is the cap.
    pub total_exact: bool,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<String>,
    /// What the query was understood as.
    pub understood_as: ParsedQuery,
    /// `false` when a name/email/created sort was asked for more than [`SORT_CAP`] matches
    /// and the page is in relevance order instead.
    pub sorted: bool,
}

impl crate::Store {
    /// Customers whose search entries are not exactly what their fields give (by code; `#seq`
    /// for entries of a row that is not there), at most `limit`; empty when the index is whole.
    pub fn search_index_differences(&self, limit: usize) -> crate::CoreResult<Vec<String>> {
        self.read(|r| {
            let conn = r.conn();
            crate::store::search_index::differences(conn, limit)?
                .into_iter()
                .map(|seq| {
                    let code: Option<String> =
                        conn.query_row("SELECT code FROM customers WHERE seq = ?1", [seq], |x| x.get(0)).ok();
                    Ok(code.unwrap_or_else(|| format!("#{seq}")))
                })
                .collect()
        })
    }
}

/// Checks `conditions` as a search at `now_ms` would (which field, why), writing nothing:
/// what saving a segment needs.
pub(crate) fn check_conditions(
    conn: &rusqlite::Connection,
    conditions: &[Condition],
    reading: &crate::custom_fields::Reading<'_>,
    now_ms: i64,
) -> crate::CoreResult<()> {
    conditions::compile(conn, conditions, now_ms, reading).map(drop)
}
