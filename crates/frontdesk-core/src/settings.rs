//! What a manager may change about the desk (business name, region, branch, currency, loyalty,
//! locale) and its branches; how settings are stored and loaded is `store::desk_settings`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::ids::BranchId;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Branch {
    pub id: BranchId,
    pub code: String,
    pub name: String,
}

pub(crate) use crate::store::desk_settings::{get, put};
pub use crate::store::desk_settings::{DeskSettings, LoyaltyRule};

/// What a manager may change about this desk.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SettingsInput {
    pub business_name: Option<String>,
    pub default_region: Option<String>,
    pub branch_id: Option<BranchId>,
    /// ISO 4217 code (`GBP`, `EUR`, `USD` …).
    pub currency: Option<String>,
    pub late_cancel_hours: Option<i64>,
    pub loyalty: Option<LoyaltyRule>,
    /// Replaces every override (a `None` inside: follow the country).
    pub locale: Option<crate::locale::LocaleChoice>,
}

impl Store {
    pub fn update_settings(&self, input: &SettingsInput) -> CoreResult<DeskSettings> {
        self.write(|w| {
            if let Some(name) = &input.business_name {
                let name = crate::validate::single_line("business_name", name, 200)?;
                put(w.conn(), "business_name", &name)?;
            }
            if let Some(region) = &input.default_region {
                let region = crate::validate::country("default_region", region)?;
                // A new desk's currency follows its country; once there are prices or sales,
                // moving the desk's country keeps the currency they are in.
                let priced: bool = w.conn().query_row(
                    "SELECT EXISTS(SELECT 1 FROM services) OR EXISTS(SELECT 1 FROM orders) OR EXISTS(SELECT 1 FROM appointments)",
                    [],
                    |r| r.get(0),
                )?;
                if priced && get(w.conn(), "currency")?.is_none() {
                    put(w.conn(), "currency", &w.desk().currency.clone())?;
                }
                put(w.conn(), "default_region", &region)?;
            }
            if let Some(branch) = input.branch_id {
                branch_exists(w.conn(), branch)?;
                put(w.conn(), "branch_id", &branch.0.to_string())?;
            }
            if let Some(currency) = &input.currency {
                let currency = crate::money::currency("currency", currency)?;
                put(w.conn(), "currency", &currency)?;
            }
            if let Some(hours) = input.late_cancel_hours {
                if !(0..=24 * 14).contains(&hours) {
                    return Err(CoreError::validation(
                        "late_cancel_hours",
                        "out_of_range",
                        "The late-cancellation window is a number of hours from 0 to 336 (two weeks).",
                    ));
                }
                put(w.conn(), "late_cancel_hours", &hours.to_string())?;
            }
            if let Some(rule) = input.loyalty {
                for (field, value, max) in [
                    ("loyalty.points_per_visit", rule.points_per_visit, 10_000),
                    ("loyalty.points_per_unit", rule.points_per_unit, 1_000),
                    ("loyalty.point_value_minor", rule.point_value_minor, 100_000),
                ] {
                    if !(0..=max).contains(&value) {
                        return Err(CoreError::validation(field, "out_of_range", format!("Use a whole number from 0 to {max}.")));
                    }
                }
                put(w.conn(), "loyalty_points_per_visit", &rule.points_per_visit.to_string())?;
                put(w.conn(), "loyalty_points_per_unit", &rule.points_per_unit.to_string())?;
                put(w.conn(), "loyalty_point_value_minor", &rule.point_value_minor.to_string())?;
            }
            if let Some(choice) = &input.locale {
                for (key, value) in crate::locale::KEYS.iter().zip(crate::locale::choice_to(choice)) {
                    match value {
                        Some(v) => put(w.conn(), key, &v)?,
                        None => {
                            w.conn().execute("DELETE FROM settings WHERE key = ?1", [key])?;
                        }
                    }
                }
            }
            Ok(())
        })?;
        self.reload_desk()?;
        Ok(self.desk())
    }

    pub fn branches(&self) -> CoreResult<Vec<Branch>> {
        self.read(|r| {
            let mut st =
                r.conn().prepare_cached("SELECT id, code, name FROM branches WHERE archived = 0 ORDER BY name")?;
            let rows =
                st.query_map([], |row| Ok(Branch { id: BranchId(row.get(0)?), code: row.get(1)?, name: row.get(2)? }))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The live branch a person names by its code, its name (any case) or its id; `field` is
    /// the one a miss is reported on.
    pub fn find_branch(&self, field: &str, text: &str) -> CoreResult<BranchId> {
        let key = text.trim().to_lowercase();
        self.branches()?
            .into_iter()
            .find(|b| b.code == key || b.name.to_lowercase() == key || b.id.0.to_string() == key)
            .map(|b| b.id)
            .ok_or_else(|| {
                CoreError::validation(
                    field,
                    "unknown_branch",
                    format!("There is no branch \"{}\" (give its code, name or id).", text.trim()),
                )
            })
    }

    /// Adds a branch; `code` is a short unique handle (`north`, `city-centre`).
    pub fn add_branch(&self, code: &str, name: &str) -> CoreResult<Branch> {
        let code = crate::validate::single_line("code", &code.to_lowercase(), 40)?;
        let name = crate::validate::single_line("name", name, 100)?;
        if code.is_empty() {
            return Err(CoreError::validation("code", "required", "A branch needs a short code, e.g. \"north\"."));
        }
        if name.is_empty() {
            return Err(CoreError::validation("name", "required", "A branch needs a name."));
        }
        self.write(|w| {
            let archived: Option<bool> =
                w.conn().query_row("SELECT archived FROM branches WHERE code = ?1", [&code], |r| r.get(0)).optional()?;
            match archived {
                Some(true) => {
                    return Err(CoreError::validation(
                        "code",
                        "taken",
                        format!("The archived branch has code \"{code}\"; restore it under Archived branches, or choose another code."),
                    ))
                }
                Some(false) => return Err(CoreError::validation("code", "taken", format!("A branch with code \"{code}\" already exists."))),
                None => {}
            }
            let named: bool = w.conn().query_row("SELECT EXISTS(SELECT 1 FROM branches WHERE archived = 0 AND lower(name) = lower(?1))", [&name], |r| r.get(0))?;
            if named {
                return Err(CoreError::validation("name", "taken", format!("A branch is already called \"{name}\"; choose a different name.")));
            }
            let uuid = w.sources.ids.new_uuid(w.now_ms);
            w.conn().execute(
                "INSERT INTO branches(uuid, code, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![uuid.as_bytes().to_vec(), code, name, w.now_ms],
            )?;
            Ok(Branch { id: BranchId(w.conn().last_insert_rowid()), code: code.clone(), name: name.clone() })
        })
    }
}

pub(crate) fn branch_exists(conn: &Connection, id: BranchId) -> CoreResult<()> {
    let ok: bool =
        conn.query_row("SELECT EXISTS(SELECT 1 FROM branches WHERE id = ?1 AND archived = 0)", [id.0], |r| r.get(0))?;
    if ok {
        Ok(())
    } else {
        Err(CoreError::validation("branch_id", "unknown_branch", format!("There is no branch with id {id}.")))
    }
}

/// The branch a record is written for: the one chosen (which must be live), else the desk's own.
pub(crate) fn branch_or_own(w: &crate::store::Writer<'_>, chosen: Option<BranchId>) -> CoreResult<BranchId> {
    let branch = chosen.unwrap_or(w.desk().branch_id);
    branch_exists(w.conn(), branch)?;
    Ok(branch)
}

/// Finds a branch by its code or name (case-insensitive), for imports.
pub(crate) fn branch_by_code_or_name(conn: &Connection, text: &str) -> CoreResult<Option<BranchId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM branches WHERE archived = 0 AND (code = lower(?1) OR lower(name) = lower(?1)) LIMIT 1",
            [text.trim()],
            |r| r.get(0),
        )
        .optional()?
        .map(BranchId))
}

/// An archived branch with this code or name (case-insensitive).
pub(crate) fn archived_branch_by_code_or_name(conn: &Connection, text: &str) -> CoreResult<Option<BranchId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM branches WHERE archived = 1 AND (code = lower(?1) OR lower(name) = lower(?1)) ORDER BY id DESC LIMIT 1",
            [text.trim()],
            |r| r.get(0),
        )
        .optional()?
        .map(BranchId))
}

/// Creates a branch named `name` with a code made from it (`City Centre` → `city-centre`).
pub(crate) fn insert_branch(w: &crate::store::Writer<'_>, name: &str) -> CoreResult<BranchId> {
    let base: String = crate::normalize::fold(name).replace(' ', "-");
    let base = if base.is_empty() { "branch".to_string() } else { base };
    let mut code = base.clone();
    let mut n = 1;
    while w
        .conn()
        .query_row("SELECT EXISTS(SELECT 1 FROM branches WHERE code = ?1)", [&code], |r| r.get::<_, bool>(0))?
    {
        n += 1;
        code = format!("{base}-{n}");
    }
    let uuid = w.sources.ids.new_uuid(w.now_ms);
    w.conn().execute(
        "INSERT INTO branches(uuid, code, name, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![uuid.as_bytes().to_vec(), code, name, w.now_ms],
    )?;
    Ok(BranchId(w.conn().last_insert_rowid()))
}
