//! Running a search against the store: a query goes to relevance ranking or to a sorted page,
//! an empty one to the directory listing; the rows become hits.

use super::cursor::*;
use super::query::{parse, ParsedQuery};
use super::sql::*;
use super::{SearchPage, SearchRequest, SortBy, SORT_CAP};
use crate::error::CoreResult;
use crate::store::{Reader, Store};

pub const MAX_LIMIT: usize = 500;

impl Reader<'_> {
    pub fn search(&self, req: &SearchRequest) -> CoreResult<SearchPage> {
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let after = Cursor::decode(req.after.as_deref())?;
        check_activity(&req.filter)?;
        let with_conditions;
        let req = if req.filter.conditions.is_empty() {
            req
        } else {
            let mut r = req.clone();
            r.filter.compiled = self.compile(&req.filter)?;
            with_conditions = r;
            &with_conditions
        };
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
        let hits = self.hits(keys.iter().map(|k| (k.seq, k.tier())).collect())?;
        Ok(SearchPage {
            hits,
            total: m.total,
            total_exact: m.exact,
            next,
            understood_as: q,
            sorted: req.sort == SortBy::Relevance,
        })
    }
}

impl Reader<'_> {
    /// `filter`'s conditions, checked against the desk and made SQL.
    fn compile(&self, filter: &super::SearchFilter) -> CoreResult<super::conditions::CompiledConditions> {
        let today = crate::clock::ms_to_datetime(self.now_ms).date_naive();
        let reading = crate::custom_fields::Reading {
            region: &self.desk.default_region,
            date_order: self.desk.locale.date_order,
            today,
        };
        Ok(super::conditions::CompiledConditions(super::conditions::compile(
            self.conn,
            &filter.conditions,
            self.now_ms,
            &reading,
        )?))
    }

    /// SQL conditions on customers `c` (each starting ` AND `) for `filter` and their
    /// parameters: what an export of a segment reads.
    pub(crate) fn filter_where(
        &self,
        filter: &super::SearchFilter,
    ) -> CoreResult<(String, Vec<rusqlite::types::Value>)> {
        check_activity(filter)?;
        let mut f = filter.clone();
        f.compiled = self.compile(filter)?;
        let mut params = Vec::new();
        let sql = filter_sql(&f, self.now_ms, &mut params);
        Ok((sql, params))
    }
}

impl Store {
    pub fn search(&self, req: &SearchRequest) -> CoreResult<SearchPage> {
        self.read(|r| r.search(req))
    }
}
