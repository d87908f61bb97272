//! Desk settings (business name, default region, this desk's branch, device identity) and
//! branches.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{CoreError, CoreResult};
use crate::ids::BranchId;
use crate::store::{Sources, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeskSettings {
    pub business_name: String,
    /// ISO 3166-1 alpha-2 region used to read phone numbers typed without a country code.
    pub default_region: String,
    /// The branch new customers are created in when none is given.
    pub branch_id: BranchId,
    /// This desk's identity for sync.
    pub device_id: Uuid,
    /// The three letters that start every customer code this desk hands out.
    pub code_prefix: String,
    /// ISO 4217 currency of prices, orders and payments.
    pub currency: String,
    /// A customer's cancellation this many hours or less before the start is a late one.
    pub late_cancel_hours: i64,
    /// How loyalty points are earned and what they are worth.
    pub loyalty: LoyaltyRule,
    /// How dates and times are shown and read: the country's conventions with `locale_choice`
    /// over them.
    pub locale: crate::locale::Locale,
    /// What a manager chose over the country's conventions.
    pub locale_choice: crate::locale::LocaleChoice,
    #[serde(skip)]
    pub(crate) device_row: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Branch {
    pub id: BranchId,
    pub code: String,
    pub name: String,
}

/// How loyalty points are earned and redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoyaltyRule {
    /// Points for each finished appointment.
    pub points_per_visit: i64,
    /// Points for each whole unit of currency paid on an order (taken back by refunds).
    pub points_per_unit: i64,
    /// What one point is worth, in minor units, when redeemed on an order.
    pub point_value_minor: i64,
}

impl Default for LoyaltyRule {
    fn default() -> Self {
        LoyaltyRule { points_per_visit: 10, points_per_unit: 1, point_value_minor: 1 }
    }
}

/// Letters without vowels, so a code prefix never spells a word.
const PREFIX_LETTERS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

pub(crate) fn bootstrap(conn: &mut Connection, sources: &Sources) -> CoreResult<DeskSettings> {
    // Written once. Checked first with a read so that opening a set-up desk never waits for the
    // write lock (an import in the desktop app while the CLI searches); when something is missing
    // the write lock is taken before reading again: a deferred transaction that read before
    // another process wrote could not write at all ("database is locked", without waiting).
    let set_up: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM devices WHERE id = 1) AND EXISTS(SELECT 1 FROM branches)          AND (SELECT count(*) FROM settings WHERE key IN ('business_name', 'default_region', 'branch_id', 'code_counter')) = 4",
        [],
        |r| r.get(0),
    )?;
    if set_up {
        return load(conn);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = sources.clock.now_ms();
    let has_device: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM devices WHERE id = 1)", [], |r| r.get(0))?;
    if !has_device {
        let uuid = sources.ids.new_uuid(now);
        let b = uuid.as_bytes();
        let n = PREFIX_LETTERS.len();
        let prefix: String = [b[10], b[12], b[14]].iter().map(|x| PREFIX_LETTERS[*x as usize % n] as char).collect();
        tx.execute(
            "INSERT INTO devices(id, uuid, code_prefix) VALUES (1, ?1, ?2)",
            params![uuid.as_bytes().to_vec(), prefix],
        )?;
        tx.execute("INSERT OR IGNORE INTO code_prefixes(prefix) VALUES (?1)", [&prefix])?;
    }
    let has_branch: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM branches)", [], |r| r.get(0))?;
    if !has_branch {
        let uuid = sources.ids.new_uuid(now);
        tx.execute(
            "INSERT INTO branches(id, uuid, code, name, created_at) VALUES (1, ?1, 'main', 'Main', ?2)",
            params![uuid.as_bytes().to_vec(), now],
        )?;
    }
    for (k, v) in [("business_name", ""), ("default_region", "US"), ("branch_id", "1"), ("code_counter", "0")] {
        tx.execute("INSERT OR IGNORE INTO settings(key, value) VALUES (?1, ?2)", [k, v])?;
    }
    tx.commit()?;
    load(conn)
}

pub(crate) fn load(conn: &Connection) -> CoreResult<DeskSettings> {
    let (device_row, uuid, code_prefix): (i64, Vec<u8>, String) =
        conn.query_row("SELECT id, uuid, code_prefix FROM devices WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let int = |key: &str, default: i64| -> CoreResult<i64> {
        Ok(get(conn, key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    let rule = LoyaltyRule::default();
    let region = get(conn, "default_region")?.unwrap_or_else(|| "US".into());
    let [order, hour12, weekday] = crate::locale::KEYS.map(|k| get(conn, k));
    let locale_choice = crate::locale::choice_from(order?, hour12?, weekday?);
    Ok(DeskSettings {
        locale: crate::locale::resolve(&region, &locale_choice),
        locale_choice,
        currency: get(conn, "currency")?.unwrap_or_else(|| crate::money::currency_of_region(&region).to_string()),
        late_cancel_hours: int("late_cancel_hours", 24)?,
        loyalty: LoyaltyRule {
            points_per_visit: int("loyalty_points_per_visit", rule.points_per_visit)?,
            points_per_unit: int("loyalty_points_per_unit", rule.points_per_unit)?,
            point_value_minor: int("loyalty_point_value_minor", rule.point_value_minor)?,
        },
        business_name: get(conn, "business_name")?.unwrap_or_default(),
        default_region: region,
        branch_id: BranchId(get(conn, "branch_id")?.and_then(|v| v.parse().ok()).unwrap_or(1)),
        device_id: Uuid::from_slice(&uuid).map_err(|e| CoreError::Storage { message: format!("device id: {e}") })?,
        code_prefix,
        device_row,
    })
}

pub(crate) fn get(conn: &Connection, key: &str) -> CoreResult<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub(crate) fn put(conn: &Connection, key: &str, value: &str) -> CoreResult<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

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
