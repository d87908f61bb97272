//! Running a search against the store.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::matcher::{fragments_apply, tier, MatchFields, TIERS};
use super::query::{parse, ParsedQuery, MIN_FRAGMENT};
use super::{
    ActivityFilter, CustomerHit, MatchTier, SearchFilter, SearchPage, SearchRequest, SortBy, StatusFilter,
    ACTIVITY_MAX_DAYS, COUNT_CAP, NEW_DAYS, SORT_CAP,
};
use crate::customers::{display_name, CustomerStatus};
use crate::error::{CoreError, CoreResult};

/// A candidate row: its seq, and its code in the code-prefix tier.
type Candidate = (i64, Option<String>);
use crate::ids::{BranchId, CustomerId};
use crate::store::{Reader, Store};

pub const MAX_LIMIT: usize = 500;

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
const FEW_EARLIER: usize = 64;

/// An activity-filtered directory with at most this many customers is sorted in memory; a
/// larger one is read along the sort's index, checking the filter on each row. (Settable so
/// tests can check that both ways give the same pages.)
static ACTIVITY_IN_MEMORY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(5_000);

/// Sets the size up to which an activity-filtered directory is sorted in memory (tests).
pub fn set_activity_in_memory_limit(n: usize) {
    ACTIVITY_IN_MEMORY.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// Position after the last hit of a page, and the sort key of a row: compared field by field.
/// `t`: tier (relevance) or phase (email listing); `k`/`k2`/`n`: sort values; `o`: tie-break
/// (seq, or -seq for newest-first); `s`: the row's seq.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    t: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    k: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    k2: String,
    #[serde(default)]
    n: i64,
    #[serde(default)]
    o: i64,
    s: i64,
}

impl Cursor {
    fn decode(text: Option<&str>) -> CoreResult<Option<Cursor>> {
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
    fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    /// Relevance order key: tier, then code within the code-prefix tier, then seq.
    fn relevance(t: u8, code: &str, seq: i64) -> Cursor {
        Cursor { t, k: if t == 1 { code.to_string() } else { String::new() }, o: seq, s: seq, ..Default::default() }
    }
}

/// A matched row before it becomes a hit.
#[derive(Debug, Clone)]
struct Row {
    seq: i64,
    code: String,
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone_e164: Option<String>,
}

impl Row {
    fn fields(&self) -> MatchFields<'_> {
        MatchFields {
            code: &self.code,
            first_name: &self.first_name,
            last_name: &self.last_name,
            email: self.email.as_deref(),
            phone_e164: self.phone_e164.as_deref(),
        }
    }
}

const ROW_COLS: &str = "c.seq, c.code, c.first_name, c.last_name, c.email, c.phone_e164";

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        code: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        email: r.get(4)?,
        phone_e164: r.get(5)?,
    })
}

const DAY_MS: i64 = 86_400_000;

/// The activity filter's days, checked.
fn check_activity(f: &SearchFilter) -> CoreResult<()> {
    if let Some(ActivityFilter::VisitedWithin { days } | ActivityFilter::NotVisitedFor { days }) = f.activity {
        if days == 0 || days > ACTIVITY_MAX_DAYS {
            return Err(CoreError::validation(
                "activity",
                "out_of_range",
                format!("Give a number of days from 1 to {ACTIVITY_MAX_DAYS}."),
            ));
        }
    }
    Ok(())
}

/// SQL conditions on `c` for a filter at time `now` (ms).
fn filter_sql(f: &SearchFilter, now: i64, params: &mut Vec<Value>) -> String {
    filter_sql_for(f, now, params, None)
}

/// The same, for a page read in `sort`'s order: the activity condition is then checked on each
/// row met along the sort's index (`+column` keeps SQLite from reading the activity index and
/// sorting every match instead — a fifth to a third of a million customers), unless the sort
/// is by that very column.
fn filter_sql_for(f: &SearchFilter, now: i64, params: &mut Vec<Value>, sort: Option<SortBy>) -> String {
    let mut sql = String::new();
    match f.status {
        StatusFilter::Live => sql.push_str(" AND c.archived_at IS NULL"),
        StatusFilter::Active => sql.push_str(" AND c.archived_at IS NULL AND c.status = 0"),
        StatusFilter::Blocked => sql.push_str(" AND c.archived_at IS NULL AND c.status = 1"),
        StatusFilter::Archived => sql.push_str(" AND c.archived_at IS NOT NULL"),
        StatusFilter::All => {}
    }
    if let Some(b) = f.branch {
        params.push(Value::Integer(b.0));
        sql.push_str(&format!(" AND c.branch_id = ?{}", params.len()));
    }
    if let Some(from) = f.created_from {
        params.push(Value::Integer(from));
        sql.push_str(&format!(" AND c.created_at >= ?{}", params.len()));
    }
    if let Some(to) = f.created_to {
        params.push(Value::Integer(to));
        sql.push_str(&format!(" AND c.created_at < ?{}", params.len()));
    }
    let mut at = |ms: i64, cond: &str| {
        params.push(Value::Integer(ms));
        sql.push_str(&cond.replace('?', &format!("?{}", params.len())));
    };
    let hint = |own: &[SortBy]| match sort {
        Some(s) if !own.contains(&s) => "+",
        _ => "",
    };
    let visit = hint(&[SortBy::LastVisit]);
    let created = hint(&[SortBy::Created, SortBy::Relevance]);
    let next = hint(&[]);
    match f.activity {
        Some(ActivityFilter::VisitedWithin { days }) => {
            at(now - days as i64 * DAY_MS, &format!(" AND {visit}c.last_visit_at >= ?"))
        }
        Some(ActivityFilter::NotVisitedFor { days }) => {
            at(now - days as i64 * DAY_MS, &format!(" AND {visit}c.last_visit_at > 0 AND {visit}c.last_visit_at < ?"))
        }
        Some(ActivityFilter::Never) => sql.push_str(&format!(" AND {visit}c.last_visit_at = 0")),
        Some(ActivityFilter::New) => at(now - NEW_DAYS * DAY_MS, &format!(" AND {created}c.created_at >= ?")),
        Some(ActivityFilter::Upcoming) => at(now, &format!(" AND {next}c.next_appointment_at >= ?")),
        None => {}
    }
    sql
}

fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The tiers a query can match in, best first.
fn tiers_of(q: &ParsedQuery) -> Vec<u8> {
    (0..TIERS)
        .filter(|t| match (q, t) {
            (ParsedQuery::Digits { .. }, 0) | (ParsedQuery::Email { .. }, 0) => true,
            (ParsedQuery::Digits { digits, .. }, 3) => digits.len() >= MIN_FRAGMENT,
            (ParsedQuery::Email { key }, 3) => {
                key.chars().count() >= MIN_FRAGMENT && !crate::normalize::email_words(key).is_empty()
            }
            (ParsedQuery::Text { code, .. }, 0 | 1) => code.is_some(),
            (ParsedQuery::Text { words, .. }, 2) => !words.is_empty(),
            (ParsedQuery::Text { email_fragment: Some(_), .. }, 3) => true,
            _ => false,
        })
        .collect()
}

/// Whether tier `t` of `q` is a name lookup of several words (an AND of their lists).
fn several_words(q: &ParsedQuery, t: u8) -> bool {
    t == 2 && matches!(q, ParsedQuery::Text { words, .. } if words.len() > 1)
}

/// Rows a name lookup of several words is read up to in its first pass when the first page
/// says there are not many more (see [`Source::first_rows`]): their matches are usually a few
/// dozen to a few hundred (`mic wil`: 82 of a million) spread over long lists, which counting
/// would walk a second time.
const WORDS_READ: usize = 600;

/// One tier's source over live records: the SQL `FROM … WHERE …` part selecting its rows
/// (ordered by `order`), with the filter, and whether it can be counted without row look-ups.
struct Source {
    from_where: String,
    order: &'static str,
    params: Vec<Value>,
    verify: Option<Verify>,
}

/// What a source's rows are checked against when the index only narrowed them down: a long
/// phone fragment looked up by three of its trigrams (much cheaper than matching every
/// trigram's positions), an email fragment whose numbers the index keeps cut short, whose
/// last word was left out of the lookup, or whose candidates came from its word pairs (which
/// keep three letters of each word).
enum Verify {
    Phone(Vec<String>),
    Email(String),
}

impl Verify {
    fn holds(&self, r: &Row) -> bool {
        match self {
            Verify::Phone(fragments) => r
                .phone_e164
                .as_deref()
                .map(crate::normalize::phone_keys)
                .map(|k| fragments.iter().any(|f| k.contains(f.as_str())))
                .unwrap_or(false),
            Verify::Email(fragment) => {
                r.email.as_deref().map(|e| super::matcher::email_words_match(fragment, e)).unwrap_or(false)
            }
        }
    }
}

/// Fragments this long are matched by three spread pieces plus a check ([`Verify`]).
const LONG_FRAGMENT: usize = 7;

/// Where and how phone fragments are looked up: the search table, its FTS query (the
/// fragments' alternatives joined with OR), and whether the rows must be checked on the record.
/// Three-character fragments are one word of the trigram table. Longer ones are phrases of their
/// four-character pieces ([`crate::normalize::phone_grams`]) while short, and three pieces spread
/// over the national number when long (each then a short list; the calling code's pieces are
/// in every number of that country), checked on the record.
fn phone_expr(fragments: &[String]) -> (&'static str, String, bool) {
    let short = |f: &&String| f.chars().count() <= MIN_FRAGMENT;
    let any = |parts: Vec<String>| parts.join(" OR ");
    if fragments.iter().all(|f| short(&f)) {
        return ("customer_phone_fts", any(fragments.iter().map(|f| fts_phrase(f)).collect()), false);
    }
    if fragments.iter().any(|f| short(&f) && !f.starts_with(':')) {
        // Not asked by the query parser (a short alternative beside a longer one is a local
        // number's start, below): every trigram of each fragment, checked on the record.
        let trigrams = |f: &String| {
            let chars: Vec<char> = f.chars().collect();
            chars
                .windows(MIN_FRAGMENT.min(chars.len()).max(1))
                .map(|w| fts_phrase(&w.iter().collect::<String>()))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        return ("customer_phone_fts", any(fragments.iter().map(|f| format!("({})", trigrams(f))).collect()), true);
    }
    let mut verify = false;
    let expr = fragments
        .iter()
        .map(|f| {
            let pieces = crate::normalize::grams(f, 4);
            if short(&f) {
                // A local number's start (`:12`) beside a longer alternative (after a two-digit
                // trunk prefix, `0612`): the start of a piece, as national numbers are longer.
                return format!("{}*", fts_phrase(&pieces.concat()));
            }
            if f.chars().count() < LONG_FRAGMENT {
                return fts_phrase(&pieces.join(" "));
            }
            verify = true;
            let national = f.split_once(':').map(|(_, n)| n).unwrap_or(f);
            let picked = if national.chars().count() >= 4 { crate::normalize::grams(national, 4) } else { pieces };
            let n = picked.len();
            let mut three = vec![&picked[0], &picked[n / 2], &picked[n - 1]];
            three.dedup();
            format!("({})", three.iter().map(|t| fts_phrase(t)).collect::<Vec<_>>().join(" AND "))
        })
        .collect();
    ("customer_phone4_fts", any(expr), verify)
}

/// The FTS query for name words: each word a prefix. With several words and one of three
/// letters or more (the anchor, the longest), the others are asked as pairs with it
/// ([`crate::normalize::name_pair`]: `maria s` → `maria*` AND `mar`+`s*`; `noel de` → `noel*`
/// AND `noe`+`de`), whose lists are short where a one- or two-letter prefix's are a tenth of the
/// directory. A word longer than a pair keeps of it is also asked by itself.
fn name_expr(words: &[&String]) -> String {
    use crate::normalize::{PAIR_ANCHOR, PAIR_OTHER};
    let mut sorted = words.to_vec();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    // A word that starts a longer one (or repeats it) is matched wherever that one is: `anna a`
    // is `anna*`. The words left each need a record word of their own, so a pair of the anchor
    // and another word comes from two of the record's words (records keep no pair of a word
    // with itself).
    let mut kept: Vec<&String> = Vec::with_capacity(sorted.len());
    for w in sorted {
        if !kept.iter().any(|k| k.starts_with(w.as_str())) {
            kept.push(w);
        }
    }
    let sorted = kept;
    let prefix = |w: &str| format!("{}*", fts_phrase(w));
    let letters = |w: &str| w.chars().count();
    if sorted.len() < 2 || letters(sorted[0]) < PAIR_ANCHOR {
        return sorted.iter().map(|w| prefix(w)).collect::<Vec<_>>().join(" ");
    }
    let anchor = sorted[0];
    let words = std::iter::once(anchor)
        .filter(|w| letters(w) > PAIR_ANCHOR)
        .chain(sorted[1..].iter().copied().filter(|w| letters(w) > PAIR_OTHER))
        .map(|w| prefix(w));
    let pairs = sorted[1..].iter().map(|w| {
        // A one-letter word is the start of pairs: the name table's prefix index of fifteen
        // characters (head, anchor, one letter) has them in one list.
        let pair = crate::normalize::name_pair(anchor, w);
        if letters(w) < PAIR_OTHER {
            prefix(&pair)
        } else {
            fts_phrase(&pair)
        }
    });
    words.chain(pairs).collect::<Vec<_>>().join(" ")
}

/// Words with fewer letters in all are not probed for candidates: a prefix of three or four
/// letters (`zoe`, `anna`) is the start of thousands of a million names.
const PROBE_LETTERS: usize = 5;
/// Candidates up to which an email fragment's probe (its word pairs, or its words before the
/// last) is checked on the records.
const FEW_CANDIDATES: u64 = 600;

impl Source {
    fn build(q: &ParsedQuery, t: u8, f: &SearchFilter, now: i64, after: Option<&Cursor>, plan: &Plan) -> Source {
        let mut params = Vec::new();
        let live = SearchFilter {
            status: if f.status == StatusFilter::All { StatusFilter::Live } else { f.status },
            ..f.clone()
        };
        let plain = live.is_plain_live();
        let mut verify = None;
        let push = |v: Value, params: &mut Vec<Value>| {
            params.push(v);
            format!("?{}", params.len())
        };
        let (mut from_where, order) = match (q, t) {
            (ParsedQuery::Digits { digits, exact_e164, plain: plain_digits, .. }, 0) => {
                let e = push(Value::Text(exact_e164.clone().unwrap_or_default()), &mut params);
                let code = if *plain_digits {
                    let d = push(Value::Text(digits.clone()), &mut params);
                    format!(" OR c.code IN (SELECT prefix || '-' || {d} FROM code_prefixes)")
                } else {
                    String::new()
                };
                (format!("customers c WHERE (c.phone_e164 = {e}{code})"), "c.seq")
            }
            (ParsedQuery::Email { key }, 0) => {
                let k = push(Value::Text(key.clone()), &mut params);
                (format!("customers c WHERE lower(c.email) = {k} AND c.email IS NOT NULL"), "c.seq")
            }
            (ParsedQuery::Text { code: Some(code), .. }, 0) => {
                let k = push(Value::Text(code.clone()), &mut params);
                (format!("customers c WHERE c.code = {k}"), "c.seq")
            }
            (ParsedQuery::Text { code: Some(code), .. }, 1) => {
                let lo = push(Value::Text(code.clone()), &mut params);
                let hi = push(Value::Text(format!("{code}~")), &mut params);
                (format!("customers c WHERE c.code >= {lo} AND c.code < {hi}"), "c.code")
            }
            (ParsedQuery::Text { words, .. }, 2) => {
                let m = push(Value::Text(name_expr(&words.iter().collect::<Vec<_>>())), &mut params);
                (fts_from("customer_name_fts", &m, plain), "x.rowid")
            }
            (ParsedQuery::Digits { fragments, .. }, 3) => {
                let (table, expr, check) = phone_expr(fragments);
                if check {
                    verify = Some(Verify::Phone(fragments.clone()));
                }
                let m = push(Value::Text(expr), &mut params);
                (fts_from(table, &m, plain), "x.rowid")
            }
            (ParsedQuery::Email { .. } | ParsedQuery::Text { .. }, 3) if plan.email_exact.is_some() => {
                let m = push(Value::Text(plan.email_exact.clone().unwrap_or_default()), &mut params);
                (fts_from(crate::store::search_index::EMAIL_PAIRS_TABLE, &m, plain), "x.rowid")
            }
            (ParsedQuery::Email { key }, 3) | (ParsedQuery::Text { email_fragment: Some(key), .. }, 3)
                if plan.email_candidates.is_some() =>
            {
                verify = Some(Verify::Email(key.clone()));
                let list = push(Value::Text(plan.email_candidates.as_deref().unwrap_or("[]").to_string()), &mut params);
                (format!("customers c WHERE c.seq IN (SELECT value FROM json_each({list}))"), "c.seq")
            }
            (ParsedQuery::Email { key }, 3) | (ParsedQuery::Text { email_fragment: Some(key), .. }, 3) => {
                let words = crate::normalize::email_words(key);
                // The index keeps three digits of each number: a number that must match whole
                // (not the last word) or past its third digit is checked on the record.
                let list: Vec<&str> = words.split(' ').collect();
                let digits = |w: &&str| w.starts_with(|c: char| c.is_ascii_digit());
                // (A shorter number is indexed whole: `o2.p` needs no check.)
                let last_long = list.last().map(|w| digits(w) && w.len() > 3).unwrap_or(false);
                if last_long || list[..list.len().saturating_sub(1)].iter().any(|w| digits(w) && w.len() >= 3) {
                    verify = Some(Verify::Email(key.clone()));
                }
                let expr = format!("{}*", fts_phrase(&crate::normalize::email_index_words(&words)));
                let m = push(Value::Text(expr), &mut params);
                (fts_from("customer_email_fts", &m, plain), "x.rowid")
            }
            _ => ("customers c WHERE 0".to_string(), "c.seq"),
        };
        if order != "x.rowid" || !plain {
            from_where.push_str(&filter_sql(&live, now, &mut params));
        }
        if let Some(c) = after {
            if order == "c.code" {
                let k = push(Value::Text(c.k.clone()), &mut params);
                from_where.push_str(&format!(" AND c.code > {k}"));
            } else {
                let s = push(Value::Integer(c.s), &mut params);
                from_where.push_str(&format!(" AND {order} > {s}"));
            }
        }
        Source { from_where, order, params, verify }
    }

    /// How many rows the source has, counting stops past `cap`.
    fn count(&self, conn: &Connection, cap: u64) -> CoreResult<u64> {
        // The cap is bound, not written into the SQL (it varies with the records a better tier
        // took): one cached statement per source shape.
        let mut params = self.params.clone();
        params.push(Value::Integer(cap as i64 + 1));
        let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT ?{})", self.from_where, params.len());
        Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(params.iter()), |r| r.get::<_, i64>(0))? as u64)
    }

    /// How many of `seqs` this source has.
    fn overlap(&self, conn: &Connection, seqs: &HashSet<i64>) -> CoreResult<u64> {
        if seqs.is_empty() {
            return Ok(0);
        }
        let seq = if self.order == "x.rowid" { "x.rowid" } else { "c.seq" };
        let list = format!("[{}]", seqs.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
        let mut params = self.params.clone();
        params.push(Value::Text(list));
        let sql = format!(
            "SELECT count(*) FROM {} AND {seq} IN (SELECT value FROM json_each(?{}))",
            self.from_where,
            params.len()
        );
        Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(params.iter()), |r| r.get::<_, i64>(0))? as u64)
    }

    /// The first `limit` rows (see [`Source::rows`]) and whether they are all. With `sparse`
    /// (a larger limit and the highest row id), reading goes on up to that limit when the rows
    /// read so far, spread over the row ids like the rest, say there are no more than that: the
    /// whole source is then read in one pass instead of being walked again to count it.
    fn first_rows(
        &self,
        conn: &Connection,
        limit: usize,
        sparse: Option<(usize, i64)>,
    ) -> CoreResult<(Vec<Candidate>, bool)> {
        let Some((more, max_seq)) = sparse.filter(|_| self.verify.is_none() && self.order == "x.rowid") else {
            let rows = self.rows(conn, limit)?;
            let complete = rows.len() < limit;
            return Ok((rows, complete));
        };
        let sql = format!("SELECT x.rowid, NULL FROM {} ORDER BY x.rowid", self.from_where);
        let mut st = conn.prepare_cached(&sql)?;
        let mut rows = st.query(params_from_iter(self.params.iter()))?;
        let mut out: Vec<(i64, Option<String>)> = Vec::new();
        let mut until = limit;
        while out.len() < until {
            let Some(r) = rows.next()? else { return Ok((out, true)) };
            out.push((r.get(0)?, r.get(1)?));
            if out.len() == limit {
                let last = out[limit - 1].0.max(1);
                let estimate = (limit as i64).saturating_mul(max_seq.max(last)) / last;
                if estimate <= more as i64 {
                    until = more;
                }
            }
        }
        Ok((out, false))
    }

    /// Up to `limit` rows (seq, and code in the code-prefix tier), in the source's order,
    /// each checked against the query when the index only narrowed the candidates.
    fn rows(&self, conn: &Connection, limit: usize) -> CoreResult<Vec<Candidate>> {
        let (seq, code) = if self.order == "x.rowid" { ("x.rowid", "NULL") } else { ("c.seq", "c.code") };
        let Some(verify) = &self.verify else {
            let mut params = self.params.clone();
            params.push(Value::Integer(limit as i64));
            let sql = format!(
                "SELECT {seq}, {code} FROM {} ORDER BY {} LIMIT ?{}",
                self.from_where,
                self.order,
                params.len()
            );
            let mut st = conn.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(params.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
            return Ok(rows.collect::<Result<_, _>>()?);
        };
        // Candidates in order, checked a chunk at a time until `limit` hold.
        let sql = format!("SELECT {seq}, {code} FROM {} ORDER BY {}", self.from_where, self.order);
        let mut st = conn.prepare_cached(&sql)?;
        let mut rows = st.query(params_from_iter(self.params.iter()))?;
        let mut out: Vec<(i64, Option<String>)> = Vec::new();
        let mut chunk: Vec<(i64, Option<String>)> = Vec::with_capacity(512);
        loop {
            let done = match rows.next()? {
                Some(r) => {
                    chunk.push((r.get(0)?, r.get(1)?));
                    false
                }
                None => true,
            };
            if chunk.len() == 512 || (done && !chunk.is_empty()) {
                let seqs: Vec<i64> = chunk.iter().map(|c| c.0).collect();
                let loaded = load_rows(conn, &seqs)?;
                out.extend(chunk.drain(..).filter(|(s, _)| loaded.get(s).map(|r| verify.holds(r)).unwrap_or(false)));
                if out.len() >= limit {
                    out.truncate(limit);
                    break;
                }
            }
            if done {
                break;
            }
        }
        Ok(out)
    }
}

/// How a query's sources are built.
#[derive(Debug, Clone, Default)]
struct Plan {
    /// The records (a JSON array of seqs) that have an email fragment's adjacent word pairs
    /// (`o.har` → `o_har`), or else its words before the last one (`j.smith@gm` → `j smith`),
    /// when there are few; they are checked on the records. A phrase in the email table would
    /// read the long lists of a short word (`o`: 50,000 addresses) or of the last word, a prefix
    /// the index expands into every word that starts with it (`gm` → `gmail`, a third of all
    /// addresses).
    email_candidates: Option<std::rc::Rc<str>>,
    /// The pair query that matches exactly what an email fragment asks ([`exact_email_pair`]);
    /// then there are no candidates to check.
    email_exact: Option<String>,
}

/// The FTS query for an email fragment's adjacent word pairs ([`crate::normalize::email_pair`]):
/// `o.har` → `"o_har"`, `j.smith.123` → `"j_smi" "smi_123"`. Only whole pair tokens: a last word
/// shorter than a pair keeps (`zoe.r`) leaves its pair out, as the start of a pair token (no
/// prefix index in that table) would merge the lists of every pair that starts so (`gma_c*`:
/// every Gmail address, tens of milliseconds). `None` when no pair is left.
fn email_pairs_expr(words: &[&str]) -> Option<String> {
    use crate::normalize::{email_pair, EMAIL_PAIR_LETTERS};
    let pairs: Vec<String> = words
        .windows(2)
        .enumerate()
        .filter(|(i, w)| i + 2 < words.len() || w[1].chars().count() >= EMAIL_PAIR_LETTERS)
        .map(|(_, w)| fts_phrase(&email_pair(w[0], w[1])))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(" "))
}

/// The pair query when it matches exactly what the fragment does: two words, the first shorter
/// than a pair keeps (so the pair has it whole: `j_hal` is `j` then a word starting with `hal`),
/// the second as long as a pair keeps (a start is all a pair keeps; a shorter one is left out,
/// see [`email_pairs_expr`]).
fn exact_email_pair(fragment: &str) -> Option<String> {
    use crate::normalize::EMAIL_PAIR_LETTERS;
    let words = crate::normalize::email_words(fragment);
    let list: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let shape = list.len() == 2
        && list[0].chars().count() < EMAIL_PAIR_LETTERS
        && list[1].chars().count() == EMAIL_PAIR_LETTERS;
    shape.then(|| email_pairs_expr(&list)).flatten()
}

/// The email fragment a query asks for in the fragment tier, if any.
fn email_fragment(q: &ParsedQuery) -> Option<&str> {
    match q {
        ParsedQuery::Email { key } | ParsedQuery::Text { email_fragment: Some(key), .. } => Some(key),
        _ => None,
    }
}

/// An FTS table as a source; joined to `customers` only when a filter needs the row.
fn fts_from(table: &str, m: &str, plain: bool) -> String {
    if plain {
        format!("{table} x WHERE {table} MATCH {m}")
    } else {
        format!("{table} x JOIN customers c ON c.seq = x.rowid WHERE {table} MATCH {m}")
    }
}

fn load_rows(conn: &Connection, seqs: &[i64]) -> CoreResult<HashMap<i64, Row>> {
    if seqs.is_empty() {
        return Ok(HashMap::new());
    }
    let list = Rc::new(seqs.iter().map(|s| Value::Integer(*s)).collect::<Vec<_>>());
    let sql = format!("SELECT {ROW_COLS} FROM customers c WHERE c.seq IN rarray(?1)");
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map([list], map_row)?;
    let mut out = HashMap::with_capacity(seqs.len());
    for r in rows {
        let r = r?;
        out.insert(r.seq, r);
    }
    Ok(out)
}

/// The matches of a query, in relevance order, as far as they were collected.
struct Matched {
    keys: Vec<Cursor>,
    total: u64,
    exact: bool,
}

impl Reader<'_> {
    pub fn search(&self, req: &SearchRequest) -> CoreResult<SearchPage> {
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let after = Cursor::decode(req.after.as_deref())?;
        check_activity(&req.filter)?;
        let q = parse(&req.query, &self.desk.default_region);
        if q == ParsedQuery::Empty {
            return self.listing(req, limit, after, q);
        }
        if req.sort != SortBy::Relevance {
            let all = self.matches(&q, &req.filter, None, SORT_CAP + 1)?;
            if all.keys.len() <= SORT_CAP {
                return self.sorted_matches(req, &q, all.keys, limit, after);
            }
        }
        let m = self.matches(&q, &req.filter, after.as_ref(), limit + 1)?;
        let mut keys = m.keys;
        let next = if keys.len() > limit {
            keys.truncate(limit);
            keys.last().map(Cursor::encode)
        } else {
            None
        };
        let hits = self.hits(keys.iter().map(|k| (k.s, k.t)).collect())?;
        Ok(SearchPage {
            hits,
            total: m.total,
            total_exact: m.exact,
            next,
            understood_as: q,
            sorted: req.sort == SortBy::Relevance,
        })
    }

    /// Counts the matches (up to the cap) and returns the first `want` after `after`, in
    /// relevance order. Each tier's source is read once, in its own order; a record is kept
    /// only in the best tier it matches.
    fn matches(&self, q: &ParsedQuery, f: &SearchFilter, after: Option<&Cursor>, want: usize) -> CoreResult<Matched> {
        let mut keys: Vec<Cursor> = Vec::new();
        let mut total = 0u64;
        let mut exact = true;
        if f.status != StatusFilter::Archived {
            let mut plan = Plan::default();
            let tiers = tiers_of(q);
            let mut earlier: HashSet<i64> = HashSet::new();
            for (i, &t) in tiers.iter().enumerate() {
                if t == 3 && !fragments_apply(q, !earlier.is_empty()) {
                    break;
                }
                let more_tiers = i + 1 < tiers.len();
                if t == 3 {
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
                    let skip = after.map(|a| a.t > t).unwrap_or(false);
                    if !skip && keys.len() < want && n > 0 {
                        let from = after.filter(|a| a.t == t);
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
                    earlier.extend(rows.iter().map(|k| k.s));
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

    /// The highest row number (for estimating how many rows a source has from its first ones).
    fn max_seq(&self) -> CoreResult<i64> {
        Ok(self.conn.prepare_cached("SELECT coalesce(max(seq), 0) FROM customers")?.query_row([], |r| r.get(0))?)
    }

    /// The email fragment's candidates (see [`Plan::email_candidates`]); asked for only when
    /// the fragment tier is reached (not when an exact address was found).
    fn email_candidates(&self, q: &ParsedQuery) -> CoreResult<Option<std::rc::Rc<str>>> {
        let Some(key) = email_fragment(q) else { return Ok(None) };
        let words = crate::normalize::email_words(key);
        let list: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
        if list.len() < 2 {
            return Ok(None);
        }
        // Its adjacent pairs first (`ava.lop` → `ava_lop`): short lists even when a word is short.
        if let Some(pairs) = email_pairs_expr(&list) {
            if let Some(seqs) = self.few_candidates(crate::store::search_index::EMAIL_PAIRS_TABLE, &pairs)? {
                return Ok(Some(seqs));
            }
        }
        let letters: usize = list.iter().take(list.len() - 1).map(|w| w.chars().count()).sum();
        if letters < PROBE_LETTERS {
            return Ok(None);
        }
        let before = crate::normalize::email_index_words(&list[..list.len() - 1].join(" "));
        self.few_candidates("customer_email_fts", &fts_phrase(&before))
    }

    /// The records `expr` matches in `table` as a JSON array, when there are at most
    /// [`FEW_CANDIDATES`] of them.
    fn few_candidates(&self, table: &str, expr: &str) -> CoreResult<Option<std::rc::Rc<str>>> {
        // Collected in SQLite: a query with more than that is told by its count alone.
        let (n, seqs): (i64, String) = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*), json_group_array(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)"
            ))?
            .query_row(rusqlite::params![expr, FEW_CANDIDATES as i64 + 1], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((n as u64 <= FEW_CANDIDATES).then(|| seqs.into()))
    }

    /// Archived records are not in the search indexes: match them one by one.
    fn archived_matches(&self, q: &ParsedQuery, f: &SearchFilter) -> CoreResult<Vec<(u8, Row)>> {
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

    /// A query's matches in a non-relevance order (at most [`SORT_CAP`] of them).
    fn sorted_matches(
        &self,
        req: &SearchRequest,
        q: &ParsedQuery,
        all: Vec<Cursor>,
        limit: usize,
        after: Option<Cursor>,
    ) -> CoreResult<SearchPage> {
        let desc = req.descending.unwrap_or(req.sort.descending_by_default());
        let seqs: Vec<i64> = all.iter().map(|k| k.s).collect();
        let tiers: HashMap<i64, u8> = all.iter().map(|k| (k.s, k.t)).collect();
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
        let hits = self.hits(page.iter().map(|k| (k.s, tiers.get(&k.s).copied().unwrap_or(2))).collect())?;
        Ok(SearchPage { hits, total, total_exact: true, next, understood_as: q.clone(), sorted: true })
    }

    /// The directory without a query: every record matching the filter, in the chosen order,
    /// read from the sort's index (keyset: the page starts after the cursor's key and seq).
    fn listing(
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
                hits: self.hits(keys.iter().map(|k| (k.s, 2)).collect())?,
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
                let c = after.as_ref().map(|c| (c.n, c.s)).unwrap_or_default();
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
                            vec![Value::Text(c.k.clone()), Value::Text(c.k2.clone())]
                        } else {
                            vec![Value::Integer(c.n)]
                        };
                        let marks: Vec<String> = (1..=values.len() + 1).map(a).collect();
                        let mut values = values;
                        values.push(Value::Integer(c.s));
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
                let at = after.as_ref().map(|c| phases.iter().position(|p| *p == c.t).unwrap_or(0)).unwrap_or(0);
                for (i, phase) in phases.iter().enumerate().skip(at) {
                    if keys.len() > limit {
                        break;
                    }
                    let from = after.as_ref().filter(|c| c.t == *phase && i == at);
                    let (cond, extra) = match (phase, from) {
                        (0, Some(c)) => (
                            format!(" AND c.email IS NOT NULL AND (lower(c.email), c.seq) {op} ({}, {})", a(1), a(2)),
                            vec![Value::Text(c.k.clone()), Value::Integer(c.s)],
                        ),
                        (0, None) => (" AND c.email IS NOT NULL".to_string(), vec![]),
                        (_, Some(c)) => {
                            (format!(" AND c.email IS NULL AND c.seq {op} {}", a(1)), vec![Value::Integer(c.s)])
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

    /// Turns (seq, tier) pairs into result rows, in the given order.
    fn hits(&self, order: Vec<(i64, u8)>) -> CoreResult<Vec<CustomerHit>> {
        if order.is_empty() {
            return Ok(vec![]);
        }
        let list = Rc::new(order.iter().map(|(s, _)| Value::Integer(*s)).collect::<Vec<_>>());
        let mut st = self.conn.prepare_cached(
            "SELECT c.seq, c.id, c.code, c.first_name, c.last_name, c.phone_e164, c.email, c.branch_id, b.name, c.status, \
             c.archived_at IS NOT NULL, c.phone_raw, c.visits, c.appointment_count, c.total_spent_minor, c.last_visit_at \
             FROM customers c JOIN branches b ON b.id = c.branch_id WHERE c.seq IN rarray(?1)",
        )?;
        let mut by_seq: HashMap<i64, CustomerHit> = HashMap::new();
        let rows = st.query_map([list], |r| {
            let id: Vec<u8> = r.get(1)?;
            let first: String = r.get(3)?;
            let last: String = r.get(4)?;
            let phone: Option<String> = r.get(5)?;
            Ok((
                r.get::<_, i64>(0)?,
                CustomerHit {
                    id: CustomerId(uuid::Uuid::from_slice(&id).unwrap_or_default()),
                    code: r.get(2)?,
                    display_name: display_name(&first, &last),
                    first_name: first,
                    last_name: last,
                    phone_raw: r.get(11)?,
                    phone_e164: phone,
                    email: r.get(6)?,
                    branch_id: BranchId(r.get(7)?),
                    branch: r.get(8)?,
                    status: CustomerStatus::from_db(r.get(9)?),
                    archived: r.get(10)?,
                    matched: MatchTier::Exact,
                    visits: r.get(12)?,
                    appointment_count: r.get(13)?,
                    total_spent_minor: r.get(14)?,
                    last_visit_at: Some(r.get::<_, i64>(15)?).filter(|t| *t != 0).map(crate::clock::ms_to_datetime),
                },
            ))
        })?;
        for r in rows {
            let (seq, hit) = r?;
            by_seq.insert(seq, hit);
        }
        Ok(order
            .into_iter()
            .filter_map(|(s, t)| by_seq.remove(&s).map(|h| CustomerHit { matched: MatchTier::from_u8(t), ..h }))
            .collect())
    }
}

/// The columns every sort reads, in [`SortRow::read`]'s order.
const SORT_COLS: &str = "c.seq, c.last_name, c.first_name, c.email, c.created_at, c.total_spent_minor, c.last_visit_at, c.appointment_count";

struct SortRow {
    seq: i64,
    last: String,
    first: String,
    email: Option<String>,
    created: i64,
    spent: i64,
    last_visit: i64,
    appointments: i64,
}

impl SortRow {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<SortRow> {
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
fn sort_key(sort: SortBy, r: &SortRow) -> Cursor {
    let number = |n: i64| Cursor { n, o: r.seq, s: r.seq, ..Default::default() };
    match sort {
        SortBy::Name => Cursor {
            k: r.last.to_ascii_lowercase(),
            k2: r.first.to_ascii_lowercase(),
            o: r.seq,
            s: r.seq,
            ..Default::default()
        },
        SortBy::Email => match &r.email {
            Some(e) => Cursor { t: 0, k: e.to_ascii_lowercase(), o: r.seq, s: r.seq, ..Default::default() },
            None => Cursor { t: 1, o: r.seq, s: r.seq, ..Default::default() },
        },
        SortBy::Relevance | SortBy::Created => number(r.created),
        SortBy::TotalSpent => number(r.spent),
        SortBy::LastVisit => number(r.last_visit),
        SortBy::AppointmentCount => number(r.appointments),
    }
}

impl Store {
    pub fn search(&self, req: &SearchRequest) -> CoreResult<SearchPage> {
        self.read(|r| r.search(req))
    }
}
