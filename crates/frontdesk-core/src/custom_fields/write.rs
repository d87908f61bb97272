//! Changing definitions: adding a field, editing it, its options, archiving, restoring and
//! deleting. Each change writes outbox records in its transaction.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::model::{FieldDef, FieldInput, FieldKind, OptionChange, Place};
use super::read::{by_key, customers_with_values};
use crate::change::EntityKind;
use crate::error::{CoreError, CoreResult};
use crate::store::{Store, Writer};
use crate::validate::{multi_line, single_line};

const LABEL_MAX: usize = 60;
const KEY_MAX: usize = 40;
pub(super) const OPTION_MAX: usize = 100;
pub(super) const OPTIONS_MAX: usize = 200;

/// A key made from a label: `Patch test (date)` → `patch_test_date`.
pub fn key_from_label(label: &str) -> String {
    let folded = crate::normalize::fold(label);
    let mut key = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let mut key: String = key.trim_end_matches('_').chars().take(KEY_MAX).collect();
    key = key.trim_end_matches('_').to_string();
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        key.insert_str(0, "field_");
    }
    key
}

fn check_key(key: &str) -> CoreResult<String> {
    let key = key.trim().strip_prefix(super::PREFIX).unwrap_or(key.trim()).to_string();
    let ok = !key.is_empty()
        && key.len() <= KEY_MAX
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(key)
    } else {
        Err(CoreError::validation(
            "key",
            "invalid_key",
            format!("\"{key}\" cannot be a key: use lower-case letters, digits and _, starting with a letter (at most {KEY_MAX})."),
        ))
    }
}

/// What every definition must satisfy, whatever else changes.
struct Checked {
    label: String,
    help: Option<String>,
    section: Option<String>,
    unit: Option<String>,
    shown_in: i64,
    branches: Option<String>,
}

impl Writer<'_> {
    fn check_definition(&self, input: &FieldInput, kind: FieldKind, except: Option<i64>) -> CoreResult<Checked> {
        let label = single_line("label", &input.label, LABEL_MAX)?;
        if label.is_empty() {
            return Err(CoreError::validation("label", "required", "Give the field a name, e.g. Hair type."));
        }
        let taken: bool = self.conn().query_row(
            "SELECT EXISTS(SELECT 1 FROM custom_fields WHERE lower(label) = lower(?1) AND deleted_at IS NULL AND id IS NOT ?2)",
            params![label, except],
            |r| r.get(0),
        )?;
        if taken {
            return Err(CoreError::validation(
                "label",
                "taken",
                format!("There is already a field called \"{label}\"."),
            ));
        }
        let text = |field: &str, v: &Option<String>, max: usize| -> CoreResult<Option<String>> {
            Ok(v.as_deref().map(|s| single_line(field, s, max)).transpose()?.filter(|s| !s.is_empty()))
        };
        let help = input.help.as_deref().map(|h| multi_line("help", h, 500)).transpose()?.filter(|h| !h.is_empty());
        let section = text("section", &input.section, LABEL_MAX)?;
        let unit = text("unit", &input.unit, 20)?;
        let not_for = |field: &str, what: &str| {
            CoreError::validation(
                field,
                "not_for_kind",
                format!("{} field cannot be {what}.", super::model::a_kind(kind)),
            )
        };
        if kind != FieldKind::Number && (input.decimals.is_some() || unit.is_some()) {
            return Err(not_for(
                if input.decimals.is_some() { "decimals" } else { "unit" },
                "given decimals or a unit",
            ));
        }
        if input.decimals.is_some_and(|d| d > 6) {
            return Err(CoreError::validation("decimals", "out_of_range", "Use 0 to 6 digits after the point."));
        }
        if input.searchable && !kind.is_text() {
            return Err(not_for("searchable", "searched by the search box (only text kinds are)"));
        }
        if input.unique
            && !matches!(
                kind,
                FieldKind::Text | FieldKind::Email | FieldKind::Phone | FieldKind::Number | FieldKind::Url
            )
        {
            return Err(not_for("unique", "unique"));
        }
        let has_default = input.default_value.as_ref().is_some_and(|v| !v.is_null() && v.as_str() != Some(""));
        if input.unique && has_default {
            return Err(CoreError::validation(
                "default_value",
                "unique_default",
                "A unique field cannot have a default: every new customer would get the same value. Remove the default or untick unique.",
            ));
        }
        for b in &input.branches {
            crate::settings::branch_exists(self.conn(), *b)?;
        }
        let places = input.shown_in.clone().unwrap_or_else(|| vec![Place::Form, Place::Profile]);
        Ok(Checked {
            label,
            help,
            section,
            unit,
            shown_in: places.iter().map(|p| p.bit()).fold(0, |a, b| a | b),
            branches: (!input.branches.is_empty()).then(|| {
                serde_json::to_string(&input.branches.iter().map(|b| b.0).collect::<Vec<_>>()).unwrap_or_default()
            }),
        })
    }

    fn check_option(&self, field_id: Option<i64>, label: &str, others: &[String]) -> CoreResult<String> {
        let label = single_line("options", label, OPTION_MAX)?;
        if label.is_empty() {
            return Err(CoreError::validation("options", "required", "An option needs a name."));
        }
        let in_field: bool = match field_id {
            Some(id) => self.conn().query_row(
                "SELECT EXISTS(SELECT 1 FROM custom_field_options WHERE field_id = ?1 AND lower(label) = lower(?2))",
                params![id, label],
                |r| r.get(0),
            )?,
            None => false,
        };
        if in_field || others.iter().any(|o| o.to_lowercase() == label.to_lowercase()) {
            return Err(CoreError::validation(
                "options",
                "duplicate_option",
                format!("\"{label}\" is already an option of this field; option names must differ."),
            ));
        }
        Ok(label)
    }

    fn field_outbox(&self, id: i64, field: &str, value: serde_json::Value) -> CoreResult<()> {
        self.outbox_for(EntityKind::CustomField, id, field, Some(&value))
    }

    pub fn add_custom_field(&mut self, input: &FieldInput) -> CoreResult<FieldDef> {
        let kind = input.kind.unwrap_or(FieldKind::Text);
        let c = self.check_definition(input, kind, None)?;
        let key = match &input.key {
            Some(k) => {
                let k = check_key(k)?;
                if self.key_used(&k)? {
                    return Err(CoreError::validation(
                        "key",
                        "taken",
                        format!("The key \"{k}\" is used (or was, by a deleted field): keys are never reused."),
                    ));
                }
                k
            }
            None => {
                let base = key_from_label(&c.label);
                let mut key = base.clone();
                let mut n = 2;
                while self.key_used(&key)? {
                    key = format!("{base}_{n}");
                    n += 1;
                }
                key
            }
        };
        let mut options: Vec<String> = Vec::new();
        if !kind.has_options() && !input.options.is_empty() {
            return Err(CoreError::validation(
                "options",
                "not_for_kind",
                "Only choice fields (one choice or several) have options.",
            ));
        }
        for o in &input.options {
            let o = self.check_option(None, o, &options)?;
            options.push(o);
        }
        if kind.has_options() && options.is_empty() {
            return Err(CoreError::validation("options", "required", "A choice field needs at least one option."));
        }
        if options.len() > OPTIONS_MAX {
            return Err(CoreError::validation("options", "too_many", format!("Keep at most {OPTIONS_MAX} options.")));
        }
        let position: i64 =
            self.conn().query_row("SELECT coalesce(max(position), 0) + 1 FROM custom_fields", [], |r| r.get(0))?;
        let uuid = self.sources.ids.new_uuid(self.now_ms);
        self.conn().execute(
            "INSERT INTO custom_fields(uuid, key, label, kind, required, help, position, section, shown_in, searchable, \
             branches, is_unique, decimals, unit, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
            params![
                uuid.as_bytes().to_vec(),
                key,
                c.label,
                kind.as_str(),
                input.required,
                c.help,
                position,
                c.section,
                c.shown_in,
                input.searchable,
                c.branches,
                input.unique,
                input.decimals.map(i64::from),
                c.unit,
                self.now_ms
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        for (i, o) in options.iter().enumerate() {
            self.conn().execute(
                "INSERT INTO custom_field_options(field_id, label, position) VALUES (?1, ?2, ?3)",
                params![id, o, i as i64],
            )?;
        }
        self.outbox_for(EntityKind::CustomField, id, crate::change::WHOLE_RECORD, None)?;
        let def = by_key(self.conn(), &key)?;
        if input.default_value.is_some() {
            return self.set_default(def, input.default_value.clone());
        }
        Ok(def)
    }

    fn set_default(&mut self, def: FieldDef, value: Option<serde_json::Value>) -> CoreResult<FieldDef> {
        let stored = match &value {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                let desk = self.desk();
                let today = crate::clock::ms_to_datetime(self.now_ms).date_naive();
                let reading =
                    super::Reading { region: &desk.default_region, date_order: desk.locale.date_order, today };
                let checked = super::values::check(&def, v, &reading).map_err(|e| match e {
                    CoreError::Validation { code, message, .. } => {
                        CoreError::Validation { field: "default_value".into(), code, message }
                    }
                    other => other,
                })?;
                // Kept as values are shown (`Curly`, `false`, `https://…`), not as typed.
                checked.map(|c| super::stored::shown(&def, &c))
            }
        };
        let value = stored.clone();
        let stored = stored.map(|v| v.to_string());
        self.conn().execute("UPDATE custom_fields SET default_value = ?2 WHERE id = ?1", params![def.id, stored])?;
        self.field_outbox(def.id, "default_value", value.unwrap_or(serde_json::Value::Null))?;
        by_key(self.conn(), &def.key)
    }

    /// Fewer decimals must still hold every value.
    fn check_decimals_fit(&self, def: &FieldDef, decimals: u8) -> CoreResult<()> {
        let scale = 10f64.powi(i32::from(decimals));
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM custom_values WHERE field_id = ?1 AND n IS NOT NULL AND abs(n * ?2 - round(n * ?2)) > 1e-6",
            params![def.id, scale],
            |r| r.get(0),
        )?;
        if n > 0 {
            return Err(CoreError::validation(
                "decimals",
                "values_do_not_fit",
                format!(
                    "{n} customer{} ha{} a {} with more than {decimals} digits after the point; change those values first, or keep the decimals.",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "ve" },
                    def.label
                ),
            ));
        }
        Ok(())
    }

    /// A field made unique must not already hold one value on two live customers.
    fn check_no_shared_value(&self, def: &FieldDef) -> CoreResult<()> {
        let shared: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT coalesce(v.t, CAST(v.n AS TEXT)), count(*) FROM custom_values v \
                 JOIN customers c ON c.seq = v.customer_seq \
                 WHERE v.field_id = ?1 AND c.archived_at IS NULL \
                 GROUP BY v.t, v.n HAVING count(*) > 1 LIMIT 1",
                [def.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match shared {
            None => Ok(()),
            Some((value, n)) => Err(CoreError::validation(
                "unique",
                "not_unique_yet",
                format!(
                    "{n} customers share the {} \"{value}\" (there may be more such values): give each their own, or merge them, before making the field unique.",
                    def.label
                ),
            )),
        }
    }

    fn key_used(&self, key: &str) -> CoreResult<bool> {
        Ok(self.conn().query_row("SELECT EXISTS(SELECT 1 FROM custom_fields WHERE key = ?1)", [key], |r| r.get(0))?)
    }

    /// Saves a field's settings (label, flags, help, section…); its key never changes.
    pub fn edit_custom_field(&mut self, key: &str, input: &FieldInput) -> CoreResult<FieldDef> {
        let old = by_key(self.conn(), key)?;
        let kind = input.kind.unwrap_or(old.kind);
        // Settings only the old kind has (a number's unit, a text's search) go with it.
        let mut input = input.clone();
        if kind != old.kind && kind != FieldKind::Number {
            (input.decimals, input.unit) = (None, None);
        }
        if kind != old.kind && !kind.is_text() {
            input.searchable = false;
        }
        let input = &input;
        let c = self.check_definition(input, kind, Some(old.id))?;
        if input.unique && (!old.unique || kind != old.kind) {
            self.check_no_shared_value(&old)?;
        }
        if kind == FieldKind::Number && old.kind == FieldKind::Number && input.decimals < old.decimals {
            self.check_decimals_fit(&old, input.decimals.unwrap_or(0))?;
        }
        if kind != old.kind {
            super::convert::convert(self, &old, kind)?;
            // A choice made from a field without values gets the options given with it.
            if kind.has_options() && old.options.iter().all(|o| o.retired) {
                let mut seen = Vec::new();
                for label in &input.options {
                    let label = self.check_option(Some(old.id), label, &seen)?;
                    self.conn().execute(
                        "INSERT INTO custom_field_options(field_id, label, position) VALUES (?1, ?2, ?3)",
                        params![old.id, label, (old.options.len() + seen.len()) as i64],
                    )?;
                    seen.push(label);
                }
                let live: bool = self.conn().query_row(
                    "SELECT EXISTS(SELECT 1 FROM custom_field_options WHERE field_id = ?1 AND retired = 0)",
                    [old.id],
                    |r| r.get(0),
                )?;
                if !live {
                    return Err(CoreError::validation(
                        "options",
                        "required",
                        format!("Give {} its options (one per line) to make it a choice.", old.label),
                    ));
                }
            }
            self.conn().execute("UPDATE custom_fields SET kind = ?2 WHERE id = ?1", params![old.id, kind.as_str()])?;
            self.field_outbox(old.id, "kind", json!(kind.as_str()))?;
        }
        self.conn().execute(
            "UPDATE custom_fields SET label = ?2, required = ?3, help = ?4, section = ?5, shown_in = ?6, searchable = ?7, \
             branches = ?8, is_unique = ?9, decimals = ?10, unit = ?11, updated_at = ?12 WHERE id = ?1",
            params![
                old.id,
                c.label,
                input.required,
                c.help,
                c.section,
                c.shown_in,
                input.searchable,
                c.branches,
                input.unique,
                input.decimals.map(i64::from),
                c.unit,
                self.now_ms
            ],
        )?;
        let new = by_key(self.conn(), &old.key)?;
        let before = serde_json::to_value(&old).unwrap_or_default();
        let after = serde_json::to_value(&new).unwrap_or_default();
        for f in
            ["label", "required", "help", "section", "shown_in", "searchable", "branches", "unique", "decimals", "unit"]
        {
            if before.get(f) != after.get(f) {
                self.field_outbox(new.id, f, after.get(f).cloned().unwrap_or_default())?;
            }
        }
        if kind != old.kind {
            // Read again as the new kind: 38.5 becomes "38.5", "curly" the option Curly.
            let value = input.default_value.clone().filter(|v| !v.is_null()).map(|v| match kind.is_text() {
                true => serde_json::Value::String(super::as_text(&v)),
                false => v,
            });
            return self.set_default(new, value);
        }
        if input.default_value != old.default_value {
            return self.set_default(new, input.default_value.clone());
        }
        Ok(new)
    }

    pub fn add_custom_option(&mut self, key: &str, label: &str) -> CoreResult<FieldDef> {
        let def = by_key(self.conn(), key)?;
        if !def.kind.has_options() {
            return Err(CoreError::validation(
                "options",
                "not_for_kind",
                "Only choice fields (one choice or several) have options.",
            ));
        }
        if def.options.len() >= OPTIONS_MAX {
            return Err(CoreError::validation("options", "too_many", format!("Keep at most {OPTIONS_MAX} options.")));
        }
        let label = self.check_option(Some(def.id), label, &[])?;
        self.conn().execute(
            "INSERT INTO custom_field_options(field_id, label, position) VALUES (?1, ?2, ?3)",
            params![def.id, label, def.options.len() as i64],
        )?;
        self.field_outbox(def.id, "options", json!(label))?;
        by_key(self.conn(), &def.key)
    }

    /// Renames an option; customers who have it keep it (values name the option by its id).
    pub fn rename_custom_option(&mut self, key: &str, option: &str, label: &str) -> CoreResult<FieldDef> {
        let def = by_key(self.conn(), key)?;
        let id = option_id(&def, option)?;
        let label = single_line("options", label, OPTION_MAX)?;
        let current = def.options.iter().find(|o| o.id == id).map(|o| o.label.clone()).unwrap_or_default();
        if current == label {
            return Ok(def);
        }
        if current.to_lowercase() != label.to_lowercase() {
            self.check_option(Some(def.id), &label, &[])?;
        } else if label.is_empty() {
            return Err(CoreError::validation("options", "required", "An option needs a name."));
        }
        self.conn().execute("UPDATE custom_field_options SET label = ?2 WHERE id = ?1", params![id, label])?;
        self.field_outbox(def.id, "options", json!({"id": id, "label": label}))?;
        // The default names options as they are called: it follows the rename.
        if let Some(default) = &def.default_value {
            let renamed = match default {
                serde_json::Value::String(s) if *s == current => Some(json!(label)),
                serde_json::Value::Array(items) if items.contains(&json!(current)) => Some(serde_json::Value::Array(
                    items.iter().map(|i| if *i == json!(current) { json!(label) } else { i.clone() }).collect(),
                )),
                _ => None,
            };
            if let Some(renamed) = renamed {
                self.conn().execute(
                    "UPDATE custom_fields SET default_value = ?2 WHERE id = ?1",
                    params![def.id, renamed.to_string()],
                )?;
            }
        }
        by_key(self.conn(), &def.key)
    }

    /// Retires an option (or brings it back): it stays on the customers who have it and is no
    /// longer offered.
    pub fn retire_custom_option(&mut self, key: &str, option: &str, retired: bool) -> CoreResult<FieldDef> {
        let def = by_key(self.conn(), key)?;
        let id = option_id(&def, option)?;
        let label = def.options.iter().find(|o| o.id == id).map(|o| json!(o.label)).unwrap_or_default();
        let is_default = match &def.default_value {
            Some(serde_json::Value::Array(items)) => items.contains(&label),
            Some(other) => *other == label,
            None => false,
        };
        if retired && is_default {
            return Err(CoreError::validation(
                "options",
                "default_option",
                format!("{label} is what new customers get in {}; change the default first.", def.label),
            ));
        }
        if retired && def.options.iter().filter(|o| !o.retired && o.id != id).count() == 0 {
            return Err(CoreError::validation(
                "options",
                "last_option",
                "This is the field's last option in use; add another before retiring it.",
            ));
        }
        self.conn().execute("UPDATE custom_field_options SET retired = ?2 WHERE id = ?1", params![id, retired])?;
        self.field_outbox(def.id, "options", json!({"id": id, "retired": retired}))?;
        by_key(self.conn(), &def.key)
    }

    /// Moves an option to place `to` in the field's list (past the end: last).
    pub fn move_custom_option(&mut self, key: &str, option: &str, to: usize) -> CoreResult<FieldDef> {
        let def = by_key(self.conn(), key)?;
        let id = option_id(&def, option)?;
        let mut order: Vec<i64> = def.options.iter().map(|o| o.id).filter(|o| *o != id).collect();
        order.insert(to.min(order.len()), id);
        for (position, o) in order.iter().enumerate() {
            self.conn()
                .execute("UPDATE custom_field_options SET position = ?2 WHERE id = ?1", params![o, position as i64])?;
        }
        self.field_outbox(def.id, "option_order", json!(order))?;
        by_key(self.conn(), &def.key)
    }

    /// Moves a field to place `to` among the fields (archived ones keep their places too);
    /// returns every field in the new order.
    pub fn move_custom_field(&mut self, key: &str, to: usize) -> CoreResult<Vec<FieldDef>> {
        let def = by_key(self.conn(), key)?;
        let all = super::read::all(self.conn(), true)?;
        let mut order: Vec<i64> = all.iter().map(|f| f.id).filter(|f| *f != def.id).collect();
        order.insert(to.min(order.len()), def.id);
        for (position, f) in order.iter().enumerate() {
            if all.iter().find(|x| x.id == *f).is_some_and(|x| x.position != position as i64) {
                self.conn()
                    .execute("UPDATE custom_fields SET position = ?2 WHERE id = ?1", params![f, position as i64])?;
                self.field_outbox(*f, "position", json!(position))?;
            }
        }
        super::read::all(self.conn(), true)
    }

    /// Hides a field everywhere; its values are kept and it can be restored.
    pub fn archive_custom_field(&mut self, key: &str, archived: bool) -> CoreResult<FieldDef> {
        let def = by_key(self.conn(), key)?;
        if def.archived != archived {
            self.conn().execute(
                "UPDATE custom_fields SET archived_at = ?2, updated_at = ?3 WHERE id = ?1",
                params![def.id, archived.then_some(self.now_ms), self.now_ms],
            )?;
            self.field_outbox(def.id, "archived", json!(archived))?;
        }
        by_key(self.conn(), &def.key)
    }

    /// Deletes an archived field and every value of it; returns how many customers had one.
    /// Its key stays taken. `confirmed`: how many customers' values the user agreed to lose;
    /// if more (or fewer) have one now, nothing is deleted.
    pub fn delete_custom_field(&mut self, key: &str, confirmed: Option<u64>) -> CoreResult<u64> {
        let def = by_key(self.conn(), key)?;
        if !def.archived {
            return Err(CoreError::conflict(
                "field_not_archived",
                format!("Archive \"{}\" first: only an archived field can be deleted.", def.label),
            ));
        }
        let customers = customers_with_values(self.conn(), def.id)?;
        if let Some(n) = confirmed.filter(|n| *n != customers) {
            return Err(CoreError::conflict(
                "count_changed",
                format!(
                    "\"{}\" now has values on {} customer{}, not the {n} you confirmed: nothing was deleted; look again and confirm.",
                    def.label,
                    customers,
                    if customers == 1 { "" } else { "s" }
                ),
            ));
        }
        self.conn().execute("DELETE FROM custom_values WHERE field_id = ?1", [def.id])?;
        self.conn().execute("DELETE FROM custom_field_options WHERE field_id = ?1", [def.id])?;
        self.conn().execute("UPDATE custom_fields SET deleted_at = ?2 WHERE id = ?1", params![def.id, self.now_ms])?;
        self.field_outbox(def.id, "deleted", json!(true))?;
        Ok(customers)
    }
}

/// An option of `def` named by its id or its label (any case).
fn option_id(def: &FieldDef, option: &str) -> CoreResult<i64> {
    let text = option.trim();
    def.options
        .iter()
        .find(|o| o.id.to_string() == text || o.label.to_lowercase() == text.to_lowercase())
        .map(|o| o.id)
        .ok_or_else(|| {
            let names: Vec<&str> = def.options.iter().map(|o| o.label.as_str()).collect();
            CoreError::validation(
                "options",
                "unknown_option",
                format!("\"{text}\" is not an option of {} (its options: {}).", def.label, names.join(", ")),
            )
        })
}

impl Store {
    pub fn add_custom_option(&self, key: &str, label: &str) -> CoreResult<FieldDef> {
        self.write(|w| w.add_custom_option(key, label))
    }
    pub fn change_custom_option(&self, key: &str, change: &OptionChange) -> CoreResult<FieldDef> {
        self.write(|w| match change {
            OptionChange::Add { label } => w.add_custom_option(key, label),
            OptionChange::Rename { option, label } => w.rename_custom_option(key, option, label),
            OptionChange::Retire { option } => w.retire_custom_option(key, option, true),
            OptionChange::Unretire { option } => w.retire_custom_option(key, option, false),
            OptionChange::Move { option, to } => w.move_custom_option(key, option, *to as usize),
        })
    }
    pub fn move_custom_field(&self, key: &str, to: usize) -> CoreResult<Vec<FieldDef>> {
        self.write(|w| w.move_custom_field(key, to))
    }
    pub fn rename_custom_option(&self, key: &str, option: &str, label: &str) -> CoreResult<FieldDef> {
        self.write(|w| w.rename_custom_option(key, option, label))
    }
    pub fn retire_custom_option(&self, key: &str, option: &str, retired: bool) -> CoreResult<FieldDef> {
        self.write(|w| w.retire_custom_option(key, option, retired))
    }
    pub fn archive_custom_field(&self, key: &str, archived: bool) -> CoreResult<FieldDef> {
        self.write(|w| w.archive_custom_field(key, archived))
    }
    pub fn delete_custom_field(&self, key: &str, confirmed: Option<u64>) -> CoreResult<u64> {
        self.write(|w| w.delete_custom_field(key, confirmed))
    }
}
