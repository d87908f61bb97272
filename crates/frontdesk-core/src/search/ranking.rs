//! Relevance order: each record in the best tier it matches, tier by tier, counted up to the
//! cap; archived records matched one by one.

use std::collections::HashSet;

use rusqlite::params_from_iter;

use super::candidates::*;
use super::cursor::*;
use super::matcher::{fragments_apply, tier, Tier};
use super::query::{ParsedQuery, MIN_FRAGMENT};
use super::sql::*;
use super::{SearchFilter, StatusFilter, COUNT_CAP};
use crate::error::CoreResult;
use crate::store::Reader;

/// Rows of a tier read before it is counted: normally the rest of the page plus one; when
/// fewer come back they are all the matches (count and page in one pass), otherwise SQLite
/// counts the tier (counting on from where the read stopped measured slower: FTS5 seeks to the
/// row id). Settable so tests can check that other sizes give the same pages (0: the page).
static FIRST_READ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets how many rows of a tier are read before the rest is counted (tests; 0: the page size).
pub fn set_first_read(n: usize) {
    FIRST_READ.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// Records taken by better tiers up to which a tier is still counted in SQLite (less those).
pub(super) const FEW_EARLIER: usize = 64;

/// The tiers a query can match in, best first.
pub(super) fn tiers_of(q: &ParsedQuery) -> Vec<Tier> {
    Tier::ALL
        .into_iter()
        .filter(|t| match (q, t) {
            (ParsedQuery::Digits { .. }, Tier::Exact) | (ParsedQuery::Email { .. }, Tier::Exact) => true,
            (ParsedQuery::Digits { digits, .. }, Tier::Fragment) => digits.len() >= MIN_FRAGMENT,
            (ParsedQuery::Email { key }, Tier::Fragment) => {
                key.chars().count() >= MIN_FRAGMENT && !crate::normalize::email_words(key).is_empty()
            }
            (ParsedQuery::Text { code, .. }, Tier::Exact | Tier::CodePrefix) => code.is_some(),
            (ParsedQuery::Text { words, .. }, Tier::NameWords) => !words.is_empty(),
            (ParsedQuery::Text { email_fragment: Some(_), .. }, Tier::Fragment) => true,
            _ => false,
        })
        .collect()
}

/// Whether tier `t` of `q` is a name lookup of several words (an AND of their lists).
pub(super) fn several_words(q: &ParsedQuery, t: Tier) -> bool {
    t == Tier::NameWords && matches!(q, ParsedQuery::Text { words, .. } if words.len() > 1)
}

/// The matches of a query, in relevance order, as far as they were collected.
pub(super) struct Matched {
    pub(super) keys: Vec<Cursor>,
    pub(super) total: u64,
    pub(super) exact: bool,
}

impl Reader<'_> {
    /// Counts the matches (up to the cap) and returns the first `want` after `after`, in
    /// relevance order. Each tier's source is read once, in its own order; a record is kept
    /// only in the best tier it matches.
    pub(super) fn matches(
        &self,
        q: &ParsedQuery,
        f: &SearchFilter,
        after: Option<&Cursor>,
        want: usize,
    ) -> CoreResult<Matched> {
        let mut keys: Vec<Cursor> = Vec::new();
        let mut total = 0u64;
        let mut exact = true;
        if f.status != StatusFilter::Archived {
            let mut plan = Plan::default();
            let tiers = tiers_of(q);
            let mut earlier: HashSet<i64> = HashSet::new();
            for (i, &t) in tiers.iter().enumerate() {
                if t == Tier::Fragment && !fragments_apply(q, !earlier.is_empty()) {
                    break;
                }
                let more_tiers = i + 1 < tiers.len();
                if t == Tier::Fragment {
                    plan.email_exact = email_fragment(q).and_then(exact_email_pair);
                    if plan.email_exact.is_none() {
                        plan.email_candidates = self.email_candidates(q)?;
                    }
                }
                let src = Source::build(q, t, f, self.now_ms, None, &plan);
                if earlier.len() <= FEW_EARLIER && src.verify.is_none() {
                    // Read the first rows: when there are fewer than asked, they are all the
                    // matches (count, page and the records the later tiers leave out, in one
                    // pass). Otherwise count in SQLite, less the records a better tier took
                    // (a few: an exact phone or code), and read only the page.
                    let fresh = |rows: Vec<(i64, Option<String>)>| -> Vec<(i64, Option<String>)> {
                        rows.into_iter().filter(|(seq, _)| !earlier.contains(seq)).collect()
                    };
                    let first_read = match FIRST_READ.load(std::sync::atomic::Ordering::Relaxed) {
                        0 => want.saturating_sub(keys.len()) + 1,
                        n => n,
                    };
                    let sparse = (FIRST_READ.load(std::sync::atomic::Ordering::Relaxed) == 0 && several_words(q, t))
                        .then(|| self.max_seq())
                        .transpose()?
                        .map(|max| (WORDS_READ + earlier.len(), max));
                    let (read, complete) = src.first_rows(self.conn, first_read + earlier.len(), sparse)?;
                    let first = fresh(read);
                    let n = if complete {
                        first.len() as u64
                    } else {
                        src.count(self.conn, COUNT_CAP + earlier.len() as u64)?
                            .saturating_sub(src.overlap(self.conn, &earlier)?)
                    };
                    total += n.min(COUNT_CAP + 1);
                    exact &= n <= COUNT_CAP;
                    let skip = after.map(|a| a.rank > t.rank()).unwrap_or(false);
                    if !skip && keys.len() < want && n > 0 {
                        let from = after.filter(|a| a.rank == t.rank());
                        let need = want - keys.len();
                        let cursors = |rows: Vec<(i64, Option<String>)>| {
                            rows.into_iter()
                                .map(|(seq, code)| Cursor::relevance(t, code.as_deref().unwrap_or(""), seq))
                                .filter(|k| from.map(|a| k > a).unwrap_or(true))
                                .take(need)
                                .collect::<Vec<_>>()
                        };
                        let page = cursors(first.clone());
                        if complete || page.len() == need {
                            keys.extend(page);
                        } else {
                            let rows = Source::build(q, t, f, self.now_ms, from, &plan)
                                .rows(self.conn, need + earlier.len())?;
                            keys.extend(cursors(fresh(rows)));
                        }
                    }
                    if more_tiers && n > 0 {
                        let seen = if complete {
                            first
                        } else {
                            fresh(src.rows(self.conn, COUNT_CAP as usize + 1 + earlier.len())?)
                        };
                        earlier.extend(seen.into_iter().map(|(seq, _)| seq));
                    }
                    continue;
                }
                let cap = COUNT_CAP as usize + 1 + earlier.len();
                let rows = src.rows(self.conn, cap)?;
                let capped = rows.len() >= cap;
                let rows: Vec<Cursor> = rows
                    .into_iter()
                    .filter(|(seq, _)| !earlier.contains(seq))
                    .map(|(seq, code)| Cursor::relevance(t, code.as_deref().unwrap_or(""), seq))
                    .collect();
                total += rows.len() as u64;
                exact &= !capped;
                let last = rows.last().cloned();
                for k in &rows {
                    if keys.len() < want && after.map(|a| k > a).unwrap_or(true) {
                        keys.push(k.clone());
                    }
                }
                // Past the counted rows (a deep page of a huge result): read on from there.
                if capped && keys.len() < want {
                    let from = match (after, last) {
                        (Some(a), Some(l)) if a > &l => a.clone(),
                        (_, Some(l)) => l,
                        (Some(a), None) => a.clone(),
                        (None, None) => Cursor::default(),
                    };
                    let more = Source::build(q, t, f, self.now_ms, Some(&from), &plan)
                        .rows(self.conn, want - keys.len() + earlier.len())?;
                    keys.extend(
                        more.into_iter()
                            .filter(|(seq, _)| !earlier.contains(seq))
                            .map(|(seq, code)| Cursor::relevance(t, code.as_deref().unwrap_or(""), seq))
                            .take(want - keys.len()),
                    );
                }
                if more_tiers {
                    earlier.extend(rows.iter().map(|k| k.seq));
                }
            }
        }
        if matches!(f.status, StatusFilter::Archived | StatusFilter::All) {
            let archived = self.archived_matches(q, f)?;
            total += archived.len() as u64;
            keys.extend(
                archived
                    .into_iter()
                    .map(|(t, r)| Cursor::relevance(t, &r.code, r.seq))
                    .filter(|k| after.map(|a| k > a).unwrap_or(true)),
            );
            keys.sort();
            keys.truncate(want);
        }
        if total > COUNT_CAP {
            total = COUNT_CAP;
            exact = false;
        }
        Ok(Matched { keys, total, exact })
    }

    /// Archived records are not in the search indexes: match them one by one.
    pub(super) fn archived_matches(&self, q: &ParsedQuery, f: &SearchFilter) -> CoreResult<Vec<(Tier, Row)>> {
        let mut params = Vec::new();
        let filter =
            filter_sql(&SearchFilter { status: StatusFilter::Archived, ..f.clone() }, self.now_ms, &mut params);
        let sql = format!("SELECT {ROW_COLS} FROM customers c WHERE c.archived_at IS NOT NULL {filter}");
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params_from_iter(params.iter()), map_row)?;
        let mut out = Vec::new();
        for r in rows {
            let r = r?;
            if let Some(t) = tier(q, &r.fields()) {
                out.push((t, r));
            }
        }
        out.sort_by(|(ta, a), (tb, b)| {
            Cursor::relevance(*ta, &a.code, a.seq).cmp(&Cursor::relevance(*tb, &b.code, b.seq))
        });
        Ok(out)
    }
}
