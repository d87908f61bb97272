//! This desk: settings, branches, where its database is.

use frontdesk_core::branches::{MoveReport, Movers};
use frontdesk_core::history::{Service, StaffMember};
use frontdesk_core::search::SearchRequest;
use frontdesk_core::settings::{Branch, DeskSettings, SettingsInput};
use frontdesk_core::{BranchId, CoreError, CoreResult};
use serde::Serialize;
use tauri::State;

use super::{blocking, customer_id};
use crate::Desk;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DeskInfo {
    pub settings: DeskSettings,
    pub branches: Vec<Branch>,
    /// Archived branches (restorable; old records still name them).
    pub archived_branches: Vec<Branch>,
    /// The country this computer is set to (its locale, `en_GB.UTF-8` → GB), if it says.
    pub system_country: Option<String>,
    /// The database file this window works on.
    pub database: String,
    /// Live customers, exact up to the search count cap (`customers_exact`).
    pub customers: u64,
    pub customers_exact: bool,
    /// The services catalogue and staff list (active first), for booking and selling.
    pub services: Vec<Service>,
    pub staff: Vec<StaffMember>,
    /// The business's own customer fields, archived ones too, in form order.
    pub fields: Vec<frontdesk_core::custom_fields::FieldDef>,
}

#[tauri::command]
#[specta::specta]
pub async fn desk_info(desk: State<'_, Desk>) -> CoreResult<DeskInfo> {
    let database = desk.path.display().to_string();
    blocking(&desk, move |s| {
        let count = s.search(&SearchRequest { limit: 1, ..Default::default() })?;
        Ok(DeskInfo {
            settings: s.desk(),
            branches: s.branches()?,
            archived_branches: s.archived_branches()?,
            system_country: system_country(),
            database,
            customers: count.total,
            customers_exact: count.total_exact,
            services: s.services()?,
            staff: s.staff()?,
            fields: s.custom_fields(true)?,
        })
    })
    .await
}

/// The country of the first locale variable set (as the C library reads them).
fn system_country() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .next()
        .and_then(|v| frontdesk_core::locale::country_of_locale_name(&v))
}

#[tauri::command]
#[specta::specta]
pub async fn update_settings(desk: State<'_, Desk>, input: SettingsInput) -> CoreResult<DeskSettings> {
    blocking(&desk, move |s| s.update_settings(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_branch(desk: State<'_, Desk>, code: String, name: String) -> CoreResult<Branch> {
    blocking(&desk, move |s| s.add_branch(&code, &name)).await
}

/// Gives a branch a new name (the first branch too).
#[tauri::command]
#[specta::specta]
pub async fn rename_branch(desk: State<'_, Desk>, id: BranchId, name: String) -> CoreResult<Branch> {
    blocking(&desk, move |s| s.rename_branch(id, &name)).await
}

/// Archives a branch no customer belongs to.
#[tauri::command]
#[specta::specta]
pub async fn archive_branch(desk: State<'_, Desk>, id: BranchId) -> CoreResult<()> {
    blocking(&desk, move |s| s.archive_branch(id)).await
}

/// Brings an archived branch back.
#[tauri::command]
#[specta::specta]
pub async fn restore_branch(desk: State<'_, Desk>, id: BranchId) -> CoreResult<Branch> {
    blocking(&desk, move |s| s.restore_branch(id)).await
}

/// Moves the customers `ids` — or, with `matching`, everyone that search matches — to `to`.
#[tauri::command]
#[specta::specta]
pub async fn move_customers(
    desk: State<'_, Desk>,
    ids: Vec<String>,
    matching: Option<SearchRequest>,
    to: BranchId,
) -> CoreResult<MoveReport> {
    let movers = match matching {
        Some(_) if !ids.is_empty() => {
            return Err(CoreError::validation(
                "ids",
                "both",
                "Move either the selected customers or those matching the search, not both.",
            ))
        }
        Some(req) => Movers::Matching(req),
        None if ids.is_empty() => {
            return Err(CoreError::validation("ids", "required", "Select the customers to move."))
        }
        None => Movers::Ids(ids.iter().map(|i| customer_id(i)).collect::<CoreResult<_>>()?),
    };
    let actor = desk.actor();
    blocking(&desk, move |s| s.move_customers(&actor, &movers, to)).await
}
