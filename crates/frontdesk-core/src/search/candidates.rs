//! Where a tier's candidate rows come from: one source per tier over the search tables or
//! the customers' indexes, counted and read in its own order, checked on the record where the
//! index cannot say.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::cursor::*;
use super::matcher::{MatchFields, Tier};
use super::query::ParsedQuery;
use super::sql::*;
use super::{SearchFilter, StatusFilter};
use crate::error::CoreResult;
use crate::store::Reader;

/// A candidate row: its seq, and its code in the code-prefix tier.
pub(super) type Candidate = (i64, Option<String>);

/// A matched row before it becomes a hit.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) seq: i64,
    pub(super) code: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: Option<String>,
    pub(super) phone_e164: Option<String>,
}

impl Row {
    pub(super) fn fields(&self) -> MatchFields<'_> {
        MatchFields {
            code: &self.code,
            first_name: &self.first_name,
            last_name: &self.last_name,
            email: self.email.as_deref(),
            phone_e164: self.phone_e164.as_deref(),
        }
    }
}

pub(super) const ROW_COLS: &str = "c.seq, c.code, c.first_name, c.last_name, c.email, c.phone_e164";

pub(super) fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        code: r.get(1)?,
        first_name: r.get(2)?,
        last_name: r.get(3)?,
        email: r.get(4)?,
        phone_e164: r.get(5)?,
    })
}

/// Rows a name lookup of several words is read up to in its first pass when the first page
/// says there are not many more (see [`Source::first_rows`]): their matches are usually a few
/// dozen to a few hundred (`mic wil`: 82 of a million) spread over long lists, which counting
/// would walk a second time.
pub(super) const WORDS_READ: usize = 600;

/// One tier's source over live records: the SQL `FROM … WHERE …` part selecting its rows
/// (ordered by `order`), with the filter, and whether it can be counted without row look-ups.
pub(super) struct Source {
    pub(super) from_where: String,
    pub(super) order: &'static str,
    pub(super) params: Vec<Value>,
    pub(super) verify: Option<Verify>,
}

/// What a source's rows are checked against when the index only narrowed them down: a long
/// phone fragment looked up by three of its trigrams (much cheaper than matching every
/// trigram's positions), an email fragment whose numbers the index keeps cut short, whose
/// last word was left out of the lookup, or whose candidates came from its word pairs (which
/// keep three letters of each word).
pub(super) enum Verify {
    Phone(Vec<String>),
    Email(String),
}

impl Verify {
    pub(super) fn holds(&self, r: &Row) -> bool {
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

/// Words with fewer letters in all are not probed for candidates: a prefix of three or four
/// letters (`zoe`, `anna`) is the start of thousands of a million names.
pub(super) const PROBE_LETTERS: usize = 5;
/// Candidates up to which an email fragment's probe (its word pairs, or its words before the
/// last) is checked on the records.
pub(super) const FEW_CANDIDATES: u64 = 600;

impl Source {
    pub(super) fn build(
        q: &ParsedQuery,
        t: Tier,
        f: &SearchFilter,
        now: i64,
        after: Option<&Cursor>,
        plan: &Plan,
    ) -> Source {
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
            (ParsedQuery::Digits { digits, exact_e164, plain: plain_digits, .. }, Tier::Exact) => {
                let e = push(Value::Text(exact_e164.clone().unwrap_or_default()), &mut params);
                let code = if *plain_digits {
                    let d = push(Value::Text(digits.clone()), &mut params);
                    format!(" OR c.code IN (SELECT prefix || '-' || {d} FROM code_prefixes)")
                } else {
                    String::new()
                };
                (format!("customers c WHERE (c.phone_e164 = {e}{code})"), "c.seq")
            }
            (ParsedQuery::Email { key }, Tier::Exact) => {
                let k = push(Value::Text(key.clone()), &mut params);
                (format!("customers c WHERE lower(c.email) = {k} AND c.email IS NOT NULL"), "c.seq")
            }
            (ParsedQuery::Text { code: Some(code), .. }, Tier::Exact) => {
                let k = push(Value::Text(code.clone()), &mut params);
                (format!("customers c WHERE c.code = {k}"), "c.seq")
            }
            (ParsedQuery::Text { code: Some(code), .. }, Tier::CodePrefix) => {
                let lo = push(Value::Text(code.clone()), &mut params);
                let hi = push(Value::Text(format!("{code}~")), &mut params);
                (format!("customers c WHERE c.code >= {lo} AND c.code < {hi}"), "c.code")
            }
            (ParsedQuery::Text { words, .. }, Tier::NameWords) => {
                let m = push(Value::Text(name_expr(&words.iter().collect::<Vec<_>>())), &mut params);
                (fts_from("customer_name_fts", &m, plain), "x.rowid")
            }
            (ParsedQuery::Digits { fragments, .. }, Tier::Fragment) => {
                let (table, expr, check) = phone_expr(fragments);
                if check {
                    verify = Some(Verify::Phone(fragments.clone()));
                }
                let m = push(Value::Text(expr), &mut params);
                (fts_from(table, &m, plain), "x.rowid")
            }
            (ParsedQuery::Email { .. } | ParsedQuery::Text { .. }, Tier::Fragment) if plan.email_exact.is_some() => {
                let m = push(Value::Text(plan.email_exact.clone().unwrap_or_default()), &mut params);
                (fts_from(crate::store::search_index::EMAIL_PAIRS_TABLE, &m, plain), "x.rowid")
            }
            (ParsedQuery::Email { key }, Tier::Fragment)
            | (ParsedQuery::Text { email_fragment: Some(key), .. }, Tier::Fragment)
                if plan.email_candidates.is_some() =>
            {
                verify = Some(Verify::Email(key.clone()));
                let list = push(Value::Text(plan.email_candidates.as_deref().unwrap_or("[]").to_string()), &mut params);
                (format!("customers c WHERE c.seq IN (SELECT value FROM json_each({list}))"), "c.seq")
            }
            (ParsedQuery::Email { key }, Tier::Fragment)
            | (ParsedQuery::Text { email_fragment: Some(key), .. }, Tier::Fragment) => {
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
                let k = push(Value::Text(c.text.clone()), &mut params);
                from_where.push_str(&format!(" AND c.code > {k}"));
            } else {
                let s = push(Value::Integer(c.seq), &mut params);
                from_where.push_str(&format!(" AND {order} > {s}"));
            }
        }
        Source { from_where, order, params, verify }
    }

    /// How many rows the source has, counting stops past `cap`.
    pub(super) fn count(&self, conn: &Connection, cap: u64) -> CoreResult<u64> {
        // The cap is bound, not written into the SQL (it varies with the records a better tier
        // took): one cached statement per source shape.
        let mut params = self.params.clone();
        params.push(Value::Integer(cap as i64 + 1));
        let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT ?{})", self.from_where, params.len());
        Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(params.iter()), |r| r.get::<_, i64>(0))? as u64)
    }

    /// How many of `seqs` this source has.
    pub(super) fn overlap(&self, conn: &Connection, seqs: &HashSet<i64>) -> CoreResult<u64> {
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
    pub(super) fn first_rows(
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
    pub(super) fn rows(&self, conn: &Connection, limit: usize) -> CoreResult<Vec<Candidate>> {
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
pub(super) struct Plan {
    /// The records (a JSON array of seqs) that have an email fragment's adjacent word pairs
    /// (`o.har` → `o_har`), or else its words before the last one (`j.smith@gm` → `j smith`),
    /// when there are few; they are checked on the records. A phrase in the email table would
    /// read the long lists of a short word (`o`: 50,000 addresses) or of the last word, a prefix
    /// the index expands into every word that starts with it (`gm` → `gmail`, a third of all
    /// addresses).
    pub(super) email_candidates: Option<std::rc::Rc<str>>,
    /// The pair query that matches exactly what an email fragment asks ([`exact_email_pair`]);
    /// then there are no candidates to check.
    pub(super) email_exact: Option<String>,
}

pub(super) fn load_rows(conn: &Connection, seqs: &[i64]) -> CoreResult<HashMap<i64, Row>> {
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
    /// The highest row number (for estimating how many rows a source has from its first ones).
    pub(super) fn max_seq(&self) -> CoreResult<i64> {
        Ok(self.conn.prepare_cached("SELECT coalesce(max(seq), 0) FROM customers")?.query_row([], |r| r.get(0))?)
    }

    /// The email fragment's candidates (see [`Plan::email_candidates`]); asked for only when
    /// the fragment tier is reached (not when an exact address was found).
    pub(super) fn email_candidates(&self, q: &ParsedQuery) -> CoreResult<Option<std::rc::Rc<str>>> {
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
    pub(super) fn few_candidates(&self, table: &str, expr: &str) -> CoreResult<Option<std::rc::Rc<str>>> {
        // Collected in SQLite: a query with more than that is told by its count alone.
        let (n, seqs): (i64, String) = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*), json_group_array(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)"
            ))?
            .query_row(rusqlite::params![expr, FEW_CANDIDATES as i64 + 1], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((n as u64 <= FEW_CANDIDATES).then(|| seqs.into()))
    }
}
