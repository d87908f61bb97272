//! Saved segments: a named AND of conditions (the directory's filter builder's), which stays
//! current — its customers are whoever matches now, counted live, never a stored list. Each
//! change writes outbox records in its transaction, like every other write.

mod write;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::search::{Condition, SearchFilter, SearchRequest};
use crate::store::{Reader, Store};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub conditions: Vec<Condition>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Segment {
    /// The directory's filter that shows this segment.
    pub fn filter(&self) -> SearchFilter {
        SearchFilter { conditions: self.conditions.clone(), ..Default::default() }
    }
}

/// What a segment is saved with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SegmentInput {
    pub name: String,
    pub conditions: Vec<Condition>,
}

/// A segment and how many live customers are in it now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SegmentCount {
    pub segment: Segment,
    /// Exact up to [`crate::search::COUNT_CAP`], else that many and `exact` is false.
    pub customers: u64,
    pub exact: bool,
    /// Why the segment cannot be counted now (a field it names was archived or deleted…).
    pub problem: Option<String>,
}

const COLUMNS: &str = "id, name, conditions, created_at, updated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Segment> {
    let conditions: String = r.get(2)?;
    Ok(Segment {
        id: r.get(0)?,
        name: r.get(1)?,
        conditions: serde_json::from_str(&conditions).unwrap_or_default(),
        created_at: crate::clock::ms_to_datetime(r.get(3)?),
        updated_at: crate::clock::ms_to_datetime(r.get(4)?),
    })
}

/// A live segment by id or by name (any case).
pub(crate) fn find(conn: &Connection, id_or_name: &str) -> CoreResult<Segment> {
    let text = id_or_name.trim();
    let found = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM segments WHERE deleted_at IS NULL AND (CAST(id AS TEXT) = ?1 OR lower(name) = lower(?1))"
        ))?
        .query_row(params![text], from_row)
        .optional()?;
    found.ok_or_else(|| CoreError::not_found("segment", text))
}

impl Reader<'_> {
    /// The live segments, by name.
    pub fn segments(&self) -> CoreResult<Vec<Segment>> {
        let mut st = self
            .conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM segments WHERE deleted_at IS NULL ORDER BY lower(name)"))?;
        let rows = st.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn segment(&self, id_or_name: &str) -> CoreResult<Segment> {
        find(self.conn(), id_or_name)
    }

    /// Every segment with its live count (one search count each).
    pub fn segment_counts(&self) -> CoreResult<Vec<SegmentCount>> {
        self.segments()?
            .into_iter()
            .map(|segment| {
                let req = SearchRequest { limit: 1, filter: segment.filter(), ..Default::default() };
                Ok(match self.search(&req) {
                    Ok(page) => SegmentCount { segment, customers: page.total, exact: page.total_exact, problem: None },
                    Err(CoreError::Validation { message, .. }) => {
                        SegmentCount { segment, customers: 0, exact: true, problem: Some(message) }
                    }
                    Err(other) => return Err(other),
                })
            })
            .collect()
    }
}

impl Store {
    pub fn segments(&self) -> CoreResult<Vec<SegmentCount>> {
        self.read(|r| r.segment_counts())
    }

    pub fn segment(&self, id_or_name: &str) -> CoreResult<Segment> {
        self.read(|r| r.segment(id_or_name))
    }
}
