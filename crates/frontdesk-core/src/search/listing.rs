//! Pages in a chosen order: a query's matches sorted by name, email or date, and the directory
//! without a query read along the sort's index.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::cursor::*;
use super::matcher::Tier;
use super::query::ParsedQuery;
use super::sql::*;
use super::{ActivityFilter, SearchPage, SearchRequest, SortBy, StatusFilter, COUNT_CAP};
use crate::error::CoreResult;
use crate::store::Reader;

/// An activity-filtered directory with at most this many customers is sorted in memory; a
/// larger one is read along the sort's index, checking the filter on each row. (Settable so
/// tests can check that both ways give the same pages.)
static ACTIVITY_IN_MEMORY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(5_000);

/// Sets the size up to which an activity-filtered directory is sorted in memory (tests).
pub fn set_activity_in_memory_limit(n: usize) {
    ACTIVITY_IN_MEMORY.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// The columns every sort reads, in [`SortRow::read`]'s order.
pub(super) const SORT_COLS: &str = "c.seq, c.last_name, c.first_name, c.email, c.created_at, c.total_spent_minor, c.last_visit_at, c.appointment_count";

pub(super) struct SortRow {
    pub(super) seq: i64,
    pub(super) last: String,
    pub(super) first: String,
    pub(super) email: Option<String>,
    pub(super) created: i64,
    pub(super) spent: i64,
    pub(super) last_visit: i64,
    pub(super) appointments: i64,
}

impl SortRow {
    pub(super) fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<SortRow> {
        Ok(SortRow {
            seq: r.get(0)?,
            last: r.get(1)?,
            first: r.get(2)?,
            email: r.get(3)?,
            created: r.get(4)?,
            spent: r.get(5)?,
            last_visit: r.get(6)?,
            appointments: r.get(7)?,
        })
    }
}

/// A row's key in ascending order of `sort` (a descending sort reverses the order of keys).
pub(super) fn sort_key(sort: SortBy, r: &SortRow) -> Cursor {
    let number = |n: i64| Cursor { number: n, tie: r.seq, seq: r.seq, ..Default::default() };
    match sort {
        SortBy::Name => Cursor {
            text: r.last.to_ascii_lowercase(),
            text2: r.first.to_ascii_lowercase(),
            tie: r.seq,
            seq: r.seq,
            ..Default::default()
        },
        SortBy::Email => match &r.email {
            Some(e) => Cursor { rank: 0, text: e.to_ascii_lowercase(), tie: r.seq, seq: r.seq, ..Default::default() },
            None => Cursor { rank: 1, tie: r.seq, seq: r.seq, ..Default::default() },
        },
        SortBy::Relevance | SortBy::Created => number(r.created),
        SortBy::TotalSpent => number(r.spent),
        SortBy::LastVisit => number(r.last_visit),
        SortBy::AppointmentCount => number(r.appointments),
    }
}

impl Reader<'_> {
    /// A query's matches in a non-relevance order (at most [`SORT_CAP`] of them).
    pub(super) fn sorted_matches(
        &self,
        req: &SearchRequest,
        q: &ParsedQuery,
        all: Vec<Cursor>,
        limit: usize,
        after: Option<Cursor>,
    ) -> CoreResult<SearchPage> {
        let desc = req.descending.unwrap_or(req.sort.descending_by_default());
        let seqs: Vec<i64> = all.iter().map(|k| k.seq).collect();
        let tiers: HashMap<i64, Tier> = all.iter().map(|k| (k.seq, k.tier())).collect();
        let list = Rc::new(seqs.iter().map(|s| Value::Integer(*s)).collect::<Vec<_>>());
        let sql = format!("SELECT {SORT_COLS} FROM customers c WHERE c.seq IN rarray(?1)");
        let mut st = self.conn.prepare_cached(&sql)?;
        let mut keys: Vec<Cursor> =
            st.query_map([list], |r| Ok(sort_key(req.sort, &SortRow::read(r)?)))?.collect::<Result<_, _>>()?;
        keys.sort();
        if desc {
            keys.reverse();
        }
        let total = keys.len() as u64;
        let past = |k: &Cursor| match &after {
            None => true,
            Some(a) if desc => k < a,
            Some(a) => k > a,
        };
        let mut page: Vec<Cursor> = keys.into_iter().filter(past).take(limit + 1).collect();
        let next = if page.len() > limit {
            page.truncate(limit);
            page.last().map(Cursor::encode)
        } else {
            None
        };
        let hits =
            self.hits(page.iter().map(|k| (k.seq, tiers.get(&k.seq).copied().unwrap_or(Tier::NameWords))).collect())?;
        Ok(SearchPage { hits, total, total_exact: true, next, understood_as: q.clone(), sorted: true })
    }

    /// The directory without a query: every record matching the filter, in the chosen order,
    /// read from the sort's index (keyset: the page starts after the cursor's key and seq).
    pub(super) fn listing(
        &self,
        req: &SearchRequest,
        limit: usize,
        after: Option<Cursor>,
        q: ParsedQuery,
    ) -> CoreResult<SearchPage> {
        let desc = req.descending.unwrap_or(req.sort.descending_by_default());
        let mut count_params = Vec::new();
        let count_filter = filter_sql(&req.filter, self.now_ms, &mut count_params);
        let sql =
            format!("SELECT count(*) FROM (SELECT 1 FROM customers c WHERE 1 {count_filter} LIMIT {})", COUNT_CAP + 1);
        let count: i64 =
            self.conn.prepare_cached(&sql)?.query_row(params_from_iter(count_params.iter()), |r| r.get(0))?;
        let page = |keys: Vec<Cursor>, next: Option<String>| -> CoreResult<SearchPage> {
            Ok(SearchPage {
                hits: self.hits(keys.iter().map(|k| (k.seq, Tier::NameWords)).collect())?,
                total: (count as u64).min(COUNT_CAP),
                total_exact: count as u64 <= COUNT_CAP,
                next,
                understood_as: q.clone(),
                sorted: true,
            })
        };
        // Few customers pass an activity filter: read them all through the filter's index and
        // sort them here, rather than walk the sort's index looking for them.
        if req.filter.activity.is_some()
            && count as usize <= ACTIVITY_IN_MEMORY.load(std::sync::atomic::Ordering::Relaxed)
        {
            let sql = format!("SELECT {SORT_COLS} FROM customers c WHERE 1 {count_filter}");
            let mut st = self.conn.prepare_cached(&sql)?;
            let mut keys: Vec<Cursor> = st
                .query_map(params_from_iter(count_params.iter()), |r| Ok(sort_key(req.sort, &SortRow::read(r)?)))?
                .collect::<Result<_, _>>()?;
            keys.sort();
            if desc {
                keys.reverse();
            }
            let mut keys: Vec<Cursor> = keys
                .into_iter()
                .filter(|k| match &after {
                    None => true,
                    Some(a) if desc => k < a,
                    Some(a) => k > a,
                })
                .take(limit + 1)
                .collect();
            let next = if keys.len() > limit {
                keys.truncate(limit);
                keys.last().map(Cursor::encode)
            } else {
                None
            };
            return page(keys, next);
        }
        let (op, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
        let mut params = Vec::new();
        // Never-visited customers by spending or bookings: read from their own small index
        // (the planner would not pick a partial index for an ORDER BY on its own).
        let live = matches!(req.filter.status, StatusFilter::Live | StatusFilter::Active | StatusFilter::Blocked);
        let never = live && req.filter.activity == Some(ActivityFilter::Never);
        let (filter, indexed) = match req.sort {
            SortBy::TotalSpent if never => {
                (filter_sql(&req.filter, self.now_ms, &mut params), "INDEXED BY customers_never_spent")
            }
            SortBy::AppointmentCount if never => {
                (filter_sql(&req.filter, self.now_ms, &mut params), "INDEXED BY customers_never_appointments")
            }
            _ => (filter_sql_for(&req.filter, self.now_ms, &mut params, Some(req.sort)), ""),
        };
        let mut keys: Vec<Cursor> = Vec::new();
        let base = params.len();
        let run = |cond: &str, order: &str, extra: Vec<Value>, keys: &mut Vec<Cursor>| -> CoreResult<()> {
            let mut p = params.clone();
            p.extend(extra);
            let need = limit + 1 - keys.len();
            let sql = format!(
                "SELECT {SORT_COLS} FROM customers c {indexed} WHERE 1 {filter} {cond} ORDER BY {order} LIMIT {need}"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(p.iter()), |r| Ok(sort_key(req.sort, &SortRow::read(r)?)))?;
            for k in rows {
                keys.push(k?);
            }
            Ok(())
        };
        let a = |i: usize| format!("?{}", base + i);
        // The sort's columns and the cursor's values for them.
        let columns: Option<(Vec<&str>, Vec<Value>)> = match req.sort {
            SortBy::Relevance | SortBy::Created => Some((vec!["c.created_at"], vec![])),
            SortBy::TotalSpent => Some((vec!["c.total_spent_minor"], vec![])),
            SortBy::LastVisit => Some((vec!["c.last_visit_at"], vec![])),
            SortBy::AppointmentCount => Some((vec!["c.appointment_count"], vec![])),
            SortBy::Name => Some((vec!["c.last_name COLLATE NOCASE", "c.first_name COLLATE NOCASE"], vec![])),
            SortBy::Email => None,
        };
        match columns {
            // One sort column (a figure or a date): many customers share a value (nothing spent,
            // never visited), and SQLite seeks a row-value range on its first column only. So
            // the rest of the cursor's value, then the values past it: two index seeks.
            Some((cols, _)) if cols.len() == 1 && after.is_some() => {
                let c = after.as_ref().map(|c| (c.number, c.seq)).unwrap_or_default();
                let col = cols[0];
                let order = format!("{col} {dir}, c.seq {dir}");
                run(
                    &format!(" AND {col} = {} AND c.seq {op} {}", a(1), a(2)),
                    &order,
                    vec![Value::Integer(c.0), Value::Integer(c.1)],
                    &mut keys,
                )?;
                if keys.len() <= limit {
                    run(&format!(" AND {col} {op} {}", a(1)), &order, vec![Value::Integer(c.0)], &mut keys)?;
                }
            }
            Some((cols, _)) => {
                let (cond, extra) = match &after {
                    Some(c) => {
                        let values = if req.sort == SortBy::Name {
                            vec![Value::Text(c.text.clone()), Value::Text(c.text2.clone())]
                        } else {
                            vec![Value::Integer(c.number)]
                        };
                        let marks: Vec<String> = (1..=values.len() + 1).map(a).collect();
                        let mut values = values;
                        values.push(Value::Integer(c.seq));
                        (format!(" AND ({}, c.seq) {op} ({})", cols.join(", "), marks.join(", ")), values)
                    }
                    None => (String::new(), vec![]),
                };
                let order = cols
                    .iter()
                    .map(|c| format!("{c} {dir}"))
                    .chain(std::iter::once(format!("c.seq {dir}")))
                    .collect::<Vec<_>>()
                    .join(", ");
                run(&cond, &order, extra, &mut keys)?;
            }
            None => {
                // Emails A→Z, then customers without one (reversed when descending).
                let phases: [u8; 2] = if desc { [1, 0] } else { [0, 1] };
                let at = after.as_ref().map(|c| phases.iter().position(|p| *p == c.rank).unwrap_or(0)).unwrap_or(0);
                for (i, phase) in phases.iter().enumerate().skip(at) {
                    if keys.len() > limit {
                        break;
                    }
                    let from = after.as_ref().filter(|c| c.rank == *phase && i == at);
                    let (cond, extra) = match (phase, from) {
                        (0, Some(c)) => (
                            format!(" AND c.email IS NOT NULL AND (lower(c.email), c.seq) {op} ({}, {})", a(1), a(2)),
                            vec![Value::Text(c.text.clone()), Value::Integer(c.seq)],
                        ),
                        (0, None) => (" AND c.email IS NOT NULL".to_string(), vec![]),
                        (_, Some(c)) => {
                            (format!(" AND c.email IS NULL AND c.seq {op} {}", a(1)), vec![Value::Integer(c.seq)])
                        }
                        (_, None) => (" AND c.email IS NULL".to_string(), vec![]),
                    };
                    let order =
                        if *phase == 0 { format!("lower(c.email) {dir}, c.seq {dir}") } else { format!("c.seq {dir}") };
                    run(&cond, &order, extra, &mut keys)?;
                }
            }
        }
        let next = if keys.len() > limit {
            keys.truncate(limit);
            keys.last().map(Cursor::encode)
        } else {
            None
        };
        page(keys, next)
    }
}
