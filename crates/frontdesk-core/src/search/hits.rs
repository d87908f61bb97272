//! The rows of a result page: matched records read with their branch and stats.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::types::Value;

use super::matcher::Tier;
use super::{CustomerHit, MatchTier};
use crate::customers::{display_name, CustomerStatus};
use crate::error::CoreResult;
use crate::ids::{BranchId, CustomerId};
use crate::store::Reader;

impl Reader<'_> {
    /// Turns (seq, tier) pairs into result rows, in the given order.
    pub(super) fn hits(&self, order: Vec<(i64, Tier)>) -> CoreResult<Vec<CustomerHit>> {
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
                    columns: Default::default(),
                },
            ))
        })?;
        let columns = crate::custom_fields::column_defs(self.conn)?;
        for r in rows {
            let (seq, mut hit) = r?;
            if !columns.is_empty() {
                hit.columns = crate::custom_fields::of_customer(self.conn, seq, &columns)?
                    .into_iter()
                    .map(|(k, v)| (k, crate::custom_fields::as_text(&v)))
                    .collect();
            }
            by_seq.insert(seq, hit);
        }
        Ok(order
            .into_iter()
            .filter_map(|(s, t)| by_seq.remove(&s).map(|h| CustomerHit { matched: MatchTier::from(t), ..h }))
            .collect())
    }
}
