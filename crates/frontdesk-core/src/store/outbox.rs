//! The outbox: one record per changed field of every write, in the write's transaction, stamped
//! with the hybrid logical clock and this device; what sync will push. Read back as
//! [`Change`]s with each record's global id, found in the same query.

use rusqlite::params;
use serde_json::Value;
use uuid::Uuid;

use super::{Reader, Store, Writer};
use crate::change::{Change, ChangeId, EntityKind};
use crate::error::CoreResult;

impl Writer<'_> {
    /// Records that `field` of the `entity` at row `seq` changed to `value` (`"*"`, no value:
    /// the record was created).
    pub(crate) fn outbox_for(
        &self,
        entity: EntityKind,
        seq: i64,
        field: &str,
        value: Option<&Value>,
    ) -> CoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO outbox(entity, entity_seq, field, value, hlc, device_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                entity.as_str(),
                seq,
                field,
                value.map(|v| v.to_string()),
                self.hlc_now() as i64,
                self.desk.device_row
            ])?;
        Ok(())
    }
}

/// Each kind's global id, looked up from the outbox row `o` (kinds without one have `NULL`).
const ENTITY_ID: &str = "CASE o.entity \
    WHEN 'customer' THEN (SELECT id FROM customers WHERE seq = o.entity_seq) \
    WHEN 'appointment' THEN (SELECT id FROM appointments WHERE seq = o.entity_seq) \
    WHEN 'order' THEN (SELECT id FROM orders WHERE seq = o.entity_seq) \
    WHEN 'service' THEN (SELECT uuid FROM services WHERE id = o.entity_seq) \
    WHEN 'staff' THEN (SELECT uuid FROM staff WHERE id = o.entity_seq) \
    WHEN 'custom_field' THEN (SELECT uuid FROM custom_fields WHERE id = o.entity_seq) \
    WHEN 'segment' THEN (SELECT uuid FROM segments WHERE id = o.entity_seq) END";

impl Reader<'_> {
    /// The outbox records after `after` (an outbox seq; 0 for the first), at most `limit`, in order.
    pub fn changes_after(&self, after: u64, limit: usize) -> CoreResult<Vec<Change>> {
        let sql = format!(
            "SELECT o.seq, d.uuid, o.entity, {ENTITY_ID}, o.entity_seq, o.field, o.value, o.hlc \
             FROM outbox o JOIN devices d ON d.id = o.device_id WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params![after as i64, limit as i64], |r| {
            let device: Vec<u8> = r.get(1)?;
            let entity: String = r.get(2)?;
            let id: Option<Vec<u8>> = r.get(3)?;
            let value: Option<String> = r.get(6)?;
            Ok((
                r.get::<_, i64>(0)?,
                device,
                entity,
                id,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                value,
                r.get::<_, i64>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, device, entity, id, local, field, value, hlc) = row?;
            let Some(entity) = EntityKind::parse(&entity) else {
                return Err(crate::error::CoreError::Storage {
                    message: format!("outbox record {seq} names an unknown kind of record \"{entity}\""),
                });
            };
            out.push(Change {
                id: ChangeId { device: Uuid::from_slice(&device).unwrap_or_default(), seq: seq as u64 },
                entity,
                entity_id: id.and_then(|b| Uuid::from_slice(&b).ok()),
                local,
                field,
                value: value.and_then(|v| serde_json::from_str(&v).ok()),
                hlc: hlc as u64,
            });
        }
        Ok(out)
    }
}

impl Store {
    /// [`Reader::changes_after`] on a snapshot of its own.
    pub fn changes_after(&self, after: u64, limit: usize) -> CoreResult<Vec<Change>> {
        self.read(|r| r.changes_after(after, limit))
    }
}
