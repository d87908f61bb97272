//! Saving, renaming and deleting segments.

use rusqlite::params;
use serde_json::json;

use super::{find, Segment, SegmentInput};
use crate::change::EntityKind;
use crate::error::{CoreError, CoreResult};
use crate::store::{Store, Writer};
use crate::validate::single_line;

const NAME_MAX: usize = 60;

impl Writer<'_> {
    fn check_segment(&self, input: &SegmentInput, except: Option<i64>) -> CoreResult<String> {
        let name = single_line("name", &input.name, NAME_MAX)?;
        if name.is_empty() {
            return Err(CoreError::validation(
                "name",
                "required",
                "Name the segment, e.g. \"Curly hair, not seen in 90 days\".",
            ));
        }
        let taken: bool = self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM segments WHERE deleted_at IS NULL AND lower(name) = lower(?1) AND id IS NOT ?2)",
            params![name, except],
            |r| r.get(0),
        )?;
        if taken {
            return Err(CoreError::validation(
                "name",
                "taken",
                format!("There is already a segment called \"{name}\"."),
            ));
        }
        if input.conditions.is_empty() {
            return Err(CoreError::validation(
                "conditions",
                "required",
                "Add at least one condition: a segment of everyone is the directory itself.",
            ));
        }
        let desk = self.desk();
        let today = crate::clock::ms_to_datetime(self.now_ms()).date_naive();
        let reading =
            crate::custom_fields::Reading { region: &desk.default_region, date_order: desk.locale.date_order, today };
        crate::search::check_conditions(self.conn(), &input.conditions, &reading, self.now_ms())?;
        Ok(name)
    }

    pub fn save_segment(&mut self, input: &SegmentInput) -> CoreResult<Segment> {
        let name = self.check_segment(input, None)?;
        let uuid = self.sources.ids.new_uuid(self.now_ms());
        let conditions = serde_json::to_string(&input.conditions).unwrap_or_default();
        self.conn().execute(
            "INSERT INTO segments(uuid, name, conditions, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![uuid.as_bytes().to_vec(), name, conditions, self.now_ms()],
        )?;
        let id = self.conn().last_insert_rowid();
        self.outbox_for(EntityKind::Segment, id, crate::change::WHOLE_RECORD, None)?;
        self.outbox_for(EntityKind::Segment, id, "name", Some(&json!(name)))?;
        self.outbox_for(EntityKind::Segment, id, "conditions", Some(&json!(input.conditions)))?;
        find(self.conn(), &id.to_string())
    }

    /// Saves a segment's new name and conditions.
    pub fn update_segment(&mut self, id_or_name: &str, input: &SegmentInput) -> CoreResult<Segment> {
        let old = find(self.conn(), id_or_name)?;
        let name = self.check_segment(input, Some(old.id))?;
        let conditions = serde_json::to_string(&input.conditions).unwrap_or_default();
        self.conn().execute(
            "UPDATE segments SET name = ?2, conditions = ?3, updated_at = ?4 WHERE id = ?1",
            params![old.id, name, conditions, self.now_ms()],
        )?;
        if name != old.name {
            self.outbox_for(EntityKind::Segment, old.id, "name", Some(&json!(name)))?;
        }
        if input.conditions != old.conditions {
            self.outbox_for(EntityKind::Segment, old.id, "conditions", Some(&json!(input.conditions)))?;
        }
        find(self.conn(), &old.id.to_string())
    }

    /// Deletes a segment (its customers are untouched: it only ever named conditions).
    pub fn delete_segment(&mut self, id_or_name: &str) -> CoreResult<Segment> {
        let old = find(self.conn(), id_or_name)?;
        self.conn().execute("UPDATE segments SET deleted_at = ?2 WHERE id = ?1", params![old.id, self.now_ms()])?;
        self.outbox_for(EntityKind::Segment, old.id, "deleted", Some(&json!(true)))?;
        Ok(old)
    }
}

impl Store {
    pub fn save_segment(&self, input: &SegmentInput) -> CoreResult<Segment> {
        self.write(|w| w.save_segment(input))
    }
    pub fn update_segment(&self, id_or_name: &str, input: &SegmentInput) -> CoreResult<Segment> {
        self.write(|w| w.update_segment(id_or_name, input))
    }
    pub fn delete_segment(&self, id_or_name: &str) -> CoreResult<Segment> {
        self.write(|w| w.delete_segment(id_or_name))
    }
}
