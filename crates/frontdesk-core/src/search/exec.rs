//! Running a search against the store.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::matcher::{in_tier, tier, MatchFields, TIERS};
use super::query::{parse, ParsedQuery, MIN_FRAGMENT};
use super::{CustomerHit, MatchTier, SearchFilter, SearchPage, SearchRequest, SortBy, StatusFilter, COUNT_CAP, SORT_CAP};
use crate::customers::{display_name, CustomerStatus};
use crate::error::{CoreError, CoreResult};
use crate::ids::{BranchId, CustomerId};
use crate::store::{Reader, Store};
use crate::validate::display_phone;

pub const MAX_LIMIT: usize = 500;

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
                CoreError::validation("after", "invalid_cursor", "The page cursor is not one this search returned; start from the first page.")
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

/// SQL conditions on `c` for a filter; `live` restricts to records in the search indexes.
fn filter_sql(f: &SearchFilter, params: &mut Vec<Value>) -> String {
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
            (ParsedQuery::Email { key }, 3) => key.chars().count() >= MIN_FRAGMENT,
            (ParsedQuery::Text { code, .. }, 0 | 1) => code.is_some(),
            (ParsedQuery::Text { words, .. }, 2) => !words.is_empty(),
            _ => false,
        })
        .collect()
}

/// One tier's source over live records: the SQL `FROM … WHERE …` part selecting its rows
/// (ordered by `order`), with the filter, and whether it can be counted without row look-ups.
struct Source {
    from_where: String,
    order: &'static str,
    params: Vec<Value>,
}

impl Source {
    fn build(q: &ParsedQuery, t: u8, f: &SearchFilter, after: Option<&Cursor>) -> Source {
        let mut params = Vec::new();
        let live = SearchFilter { status: if f.status == StatusFilter::All { StatusFilter::Live } else { f.status }, ..f.clone() };
        let plain = live.is_plain_live();
        let push = |v: Value, params: &mut Vec<Value>| {
            params.push(v);
            format!("?{}", params.len())
        };
        let (mut from_where, order) = match (q, t) {
            (ParsedQuery::Digits { digits, exact_e164, plain: plain_digits }, 0) => {
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
                let expr = words.iter().map(|w| format!("{}*", fts_phrase(w))).collect::<Vec<_>>().join(" ");
                let m = push(Value::Text(expr), &mut params);
                (fts_from("customer_name_fts", &m, plain), "x.rowid")
            }
            (ParsedQuery::Digits { digits, .. }, 3) => {
                let m = push(Value::Text(fts_phrase(digits)), &mut params);
                (fts_from("customer_phone_fts", &m, plain), "x.rowid")
            }
            (ParsedQuery::Email { key }, 3) => {
                let m = push(Value::Text(fts_phrase(key)), &mut params);
                (fts_from("customer_email_fts", &m, plain), "x.rowid")
            }
            _ => ("customers c WHERE 0".to_string(), "c.seq"),
        };
        if order == "c.seq" || !plain {
            from_where.push_str(&filter_sql(&live, &mut params));
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
        Source { from_where, order, params }
    }

    fn seq_col(&self) -> &'static str {
        if self.order == "x.rowid" { "x.rowid" } else { "c.seq" }
    }

    fn seqs(&self, conn: &Connection, limit: usize) -> CoreResult<Vec<i64>> {
        let sql = format!("SELECT {} FROM {} ORDER BY {} LIMIT {limit}", self.seq_col(), self.from_where, self.order);
        let mut st = conn.prepare_cached(&sql)?;
        let rows = st.query_map(params_from_iter(self.params.iter()), |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count(&self, conn: &Connection, cap: u64) -> CoreResult<u64> {
        let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {})", self.from_where, cap + 1);
        Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(self.params.iter()), |r| r.get::<_, i64>(0))? as u64)
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

impl Reader<'_> {
    pub fn search(&self, req: &SearchRequest) -> CoreResult<SearchPage> {
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let after = Cursor::decode(req.after.as_deref())?;
        let q = parse(&req.query, &self.desk.default_region);
        if q == ParsedQuery::Empty {
            return self.listing(req, limit, after, q);
        }
        if req.sort != SortBy::Relevance {
            let all = self.relevance(&q, &req.filter, None, SORT_CAP + 1)?;
            if all.len() <= SORT_CAP {
                return self.sorted_matches(req, &q, all, limit, after);
            }
        }
        let mut rows = self.relevance(&q, &req.filter, after.as_ref(), limit + 1)?;
        let (total, total_exact) = self.count(&q, &req.filter)?;
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|(t, r)| Cursor::relevance(*t, &r.code, r.seq).encode())
        } else {
            None
        };
        let hits = self.hits(rows.iter().map(|(t, r)| (r.seq, *t)).collect())?;
        Ok(SearchPage { hits, total, total_exact, next, understood_as: q, sorted: req.sort == SortBy::Relevance })
    }

    /// Up to `limit` matching rows after `after`, in relevance order, with their tiers.
    fn relevance(&self, q: &ParsedQuery, f: &SearchFilter, after: Option<&Cursor>, limit: usize) -> CoreResult<Vec<(u8, Row)>> {
        let mut out: Vec<(u8, Row)> = Vec::new();
        if f.status != StatusFilter::Archived {
            for t in tiers_of(q) {
                if after.map(|c| t < c.t).unwrap_or(false) {
                    continue;
                }
                let mut pos = after.filter(|c| c.t == t).cloned();
                loop {
                    let need = limit - out.len();
                    let src = Source::build(q, t, f, pos.as_ref());
                    let seqs = src.seqs(self.conn, need + 8)?;
                    let exhausted = seqs.len() < need + 8;
                    let mut loaded = load_rows(self.conn, &seqs)?;
                    for s in &seqs {
                        let Some(row) = loaded.remove(s) else { continue };
                        pos = Some(Cursor::relevance(t, &row.code, row.seq));
                        // A row that also matches a better tier was listed there.
                        if tier(q, &row.fields()) == Some(t) {
                            out.push((t, row));
                        }
                    }
                    if out.len() >= limit || exhausted {
                        break;
                    }
                }
                if out.len() >= limit {
                    break;
                }
            }
        }
        if matches!(f.status, StatusFilter::Archived | StatusFilter::All) {
            let mut archived = self.archived_matches(q, f)?;
            if let Some(c) = after {
                archived.retain(|(t, r)| &Cursor::relevance(*t, &r.code, r.seq) > c);
            }
            out.extend(archived);
            out.sort_by(|(ta, a), (tb, b)| Cursor::relevance(*ta, &a.code, a.seq).cmp(&Cursor::relevance(*tb, &b.code, b.seq)));
        }
        out.truncate(limit);
        Ok(out)
    }

    /// Archived records are not in the search indexes: match them one by one.
    fn archived_matches(&self, q: &ParsedQuery, f: &SearchFilter) -> CoreResult<Vec<(u8, Row)>> {
        let mut params = Vec::new();
        let filter = filter_sql(&SearchFilter { status: StatusFilter::Archived, ..f.clone() }, &mut params);
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
        out.sort_by(|(ta, a), (tb, b)| Cursor::relevance(*ta, &a.code, a.seq).cmp(&Cursor::relevance(*tb, &b.code, b.seq)));
        Ok(out)
    }

    /// Number of matches: exact up to the cap.
    fn count(&self, q: &ParsedQuery, f: &SearchFilter) -> CoreResult<(u64, bool)> {
        let mut total = 0u64;
        if f.status != StatusFilter::Archived {
            let tiers = tiers_of(q);
            let mut counts = Vec::new();
            for &t in &tiers {
                let c = Source::build(q, t, f, None).count(self.conn, COUNT_CAP)?;
                if c > COUNT_CAP {
                    return Ok((COUNT_CAP, false));
                }
                counts.push(c);
            }
            // A record in several tiers is counted once, in its best.
            for (i, &t) in tiers.iter().enumerate() {
                let mut c = counts[i];
                if c > 0 && i > 0 && counts[..i].iter().any(|&p| p > 0) {
                    let mut earlier = Vec::new();
                    for &u in &tiers[..i] {
                        earlier.extend(Source::build(q, u, f, None).seqs(self.conn, COUNT_CAP as usize)?);
                    }
                    let unique: HashSet<i64> = earlier.into_iter().collect();
                    let rows = load_rows(self.conn, &unique.into_iter().collect::<Vec<_>>())?;
                    c -= rows.values().filter(|r| in_tier(q, &r.fields(), t)).count() as u64;
                }
                total += c;
            }
        }
        if matches!(f.status, StatusFilter::Archived | StatusFilter::All) {
            total += self.archived_matches(q, f)?.len() as u64;
        }
        Ok(if total > COUNT_CAP { (COUNT_CAP, false) } else { (total, true) })
    }

    /// A query's matches in name / email / created order (at most [`SORT_CAP`] of them).
    fn sorted_matches(
        &self,
        req: &SearchRequest,
        q: &ParsedQuery,
        all: Vec<(u8, Row)>,
        limit: usize,
        after: Option<Cursor>,
    ) -> CoreResult<SearchPage> {
        let seqs: Vec<i64> = all.iter().map(|(_, r)| r.seq).collect();
        let tiers: HashMap<i64, u8> = all.iter().map(|(t, r)| (r.seq, *t)).collect();
        let list = Rc::new(seqs.iter().map(|s| Value::Integer(*s)).collect::<Vec<_>>());
        let mut st = self.conn.prepare_cached("SELECT seq, last_name, first_name, email, created_at FROM customers WHERE seq IN rarray(?1)")?;
        let mut keys: Vec<Cursor> = st
            .query_map([list], |r| {
                let seq: i64 = r.get(0)?;
                let last: String = r.get(1)?;
                let first: String = r.get(2)?;
                let email: Option<String> = r.get(3)?;
                let created: i64 = r.get(4)?;
                Ok(sort_key(req.sort, seq, &last, &first, email.as_deref(), created))
            })?
            .collect::<Result<_, _>>()?;
        keys.sort();
        let total = keys.len() as u64;
        let mut page: Vec<Cursor> = keys.into_iter().filter(|k| after.as_ref().map(|a| k > a).unwrap_or(true)).take(limit + 1).collect();
        let next = if page.len() > limit {
            page.truncate(limit);
            page.last().map(Cursor::encode)
        } else {
            None
        };
        let hits = self.hits(page.iter().map(|k| (k.s, tiers.get(&k.s).copied().unwrap_or(2))).collect())?;
        Ok(SearchPage { hits, total, total_exact: true, next, understood_as: q.clone(), sorted: true })
    }

    /// The directory without a query: every record matching the filter, in the chosen order.
    fn listing(&self, req: &SearchRequest, limit: usize, after: Option<Cursor>, q: ParsedQuery) -> CoreResult<SearchPage> {
        let mut params = Vec::new();
        let filter = filter_sql(&req.filter, &mut params);
        let mut keys: Vec<Cursor> = Vec::new();
        let base = params.len();
        let run = |cond: &str, order: &str, extra: Vec<Value>, phase: u8, keys: &mut Vec<Cursor>| -> CoreResult<()> {
            let mut p = params.clone();
            p.extend(extra);
            let need = limit + 1 - keys.len();
            let sql = format!(
                "SELECT c.seq, c.last_name, c.first_name, c.email, c.created_at FROM customers c WHERE 1 {filter} {cond} ORDER BY {order} LIMIT {need}"
            );
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(p.iter()), |r| {
                let email: Option<String> = r.get(3)?;
                let mut k = sort_key(req.sort, r.get(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, email.as_deref(), r.get(4)?);
                k.t = phase;
                Ok(k)
            })?;
            for k in rows {
                keys.push(k?);
            }
            Ok(())
        };
        let a = |i: usize| format!("?{}", base + i);
        match req.sort {
            SortBy::Relevance | SortBy::Created => {
                let (cond, extra) = match &after {
                    Some(c) => (format!(" AND (c.created_at, c.seq) < ({}, {})", a(1), a(2)), vec![Value::Integer(-c.n), Value::Integer(c.s)]),
                    None => (String::new(), vec![]),
                };
                run(&cond, "c.created_at DESC, c.seq DESC", extra, 0, &mut keys)?;
            }
            SortBy::Name => {
                let (cond, extra) = match &after {
                    Some(c) => (
                        format!(" AND (c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.seq) > ({}, {}, {})", a(1), a(2), a(3)),
                        vec![Value::Text(c.k.clone()), Value::Text(c.k2.clone()), Value::Integer(c.s)],
                    ),
                    None => (String::new(), vec![]),
                };
                run(&cond, "c.last_name COLLATE NOCASE, c.first_name COLLATE NOCASE, c.seq", extra, 0, &mut keys)?;
            }
            SortBy::Email => {
                if after.as_ref().map(|c| c.t == 0).unwrap_or(true) {
                    let (cond, extra) = match &after {
                        Some(c) => (format!(" AND (lower(c.email), c.seq) > ({}, {})", a(1), a(2)), vec![Value::Text(c.k.clone()), Value::Integer(c.s)]),
                        None => (String::new(), vec![]),
                    };
                    run(&format!(" AND c.email IS NOT NULL {cond}"), "lower(c.email), c.seq", extra, 0, &mut keys)?;
                }
                if keys.len() <= limit {
                    let (cond, extra) = match after.as_ref().filter(|c| c.t == 1) {
                        Some(c) => (format!(" AND c.seq > {}", a(1)), vec![Value::Integer(c.s)]),
                        None => (String::new(), vec![]),
                    };
                    run(&format!(" AND c.email IS NULL {cond}"), "c.seq", extra, 1, &mut keys)?;
                }
            }
        }
        let next = if keys.len() > limit {
            keys.truncate(limit);
            keys.last().map(Cursor::encode)
        } else {
            None
        };
        let sql = format!("SELECT count(*) FROM (SELECT 1 FROM customers c WHERE 1 {filter} LIMIT {})", COUNT_CAP + 1);
        let count: i64 = self.conn.prepare_cached(&sql)?.query_row(params_from_iter(params.iter()), |r| r.get(0))?;
        let hits = self.hits(keys.iter().map(|k| (k.s, 2)).collect())?;
        Ok(SearchPage {
            hits,
            total: (count as u64).min(COUNT_CAP),
            total_exact: count as u64 <= COUNT_CAP,
            next,
            understood_as: q,
            sorted: true,
        })
    }

    /// Turns (seq, tier) pairs into result rows, in the given order.
    fn hits(&self, order: Vec<(i64, u8)>) -> CoreResult<Vec<CustomerHit>> {
        if order.is_empty() {
            return Ok(vec![]);
        }
        let list = Rc::new(order.iter().map(|(s, _)| Value::Integer(*s)).collect::<Vec<_>>());
        let mut st = self.conn.prepare_cached(
            "SELECT c.seq, c.id, c.code, c.first_name, c.last_name, c.phone_e164, c.email, c.branch_id, b.name, c.status, \
             c.archived_at IS NOT NULL FROM customers c JOIN branches b ON b.id = c.branch_id WHERE c.seq IN rarray(?1)",
        )?;
        let region = self.desk.default_region.clone();
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
                    phone_display: phone.as_deref().map(|p| display_phone(p, &region)),
                    phone_e164: phone,
                    email: r.get(6)?,
                    branch_id: BranchId(r.get(7)?),
                    branch: r.get(8)?,
                    status: CustomerStatus::from_db(r.get(9)?),
                    archived: r.get(10)?,
                    matched: MatchTier::Exact,
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

fn sort_key(sort: SortBy, seq: i64, last: &str, first: &str, email: Option<&str>, created: i64) -> Cursor {
    match sort {
        SortBy::Name => Cursor { k: last.to_ascii_lowercase(), k2: first.to_ascii_lowercase(), o: seq, s: seq, ..Default::default() },
        SortBy::Email => match email {
            Some(e) => Cursor { t: 0, k: e.to_ascii_lowercase(), o: seq, s: seq, ..Default::default() },
            None => Cursor { t: 1, o: seq, s: seq, ..Default::default() },
        },
        SortBy::Relevance | SortBy::Created => Cursor { n: -created, o: -seq, s: seq, ..Default::default() },
    }
}

impl Store {
    pub fn search(&self, req: &SearchRequest) -> CoreResult<SearchPage> {
        self.read(|r| r.search(req))
    }
}
