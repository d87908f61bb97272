//! The desk's own settings as stored: the key-value table, and the `DeskSettings` every
//! write and read carries (loaded when the desk opens, set up on its first opening). What a
//! manager may change, and branches, are `crate::settings`, above.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{CoreError, CoreResult};
use crate::ids::BranchId;
use crate::store::Sources;

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
