//! Bringing customers in: a CSV file, or demo data.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use frontdesk_core::import::{ImportOptions, ImportPreview, ImportReport};
use frontdesk_core::locale::DateOrder;
use frontdesk_core::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;

use super::blocking;
use crate::Desk;

/// Rows done of `total` (`total` is 0 while unknown).
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Sends progress at most every 50 ms (and always the last report).
fn throttled(channel: Channel<Progress>) -> impl FnMut(u64, u64) {
    let mut last = Instant::now() - Duration::from_secs(1);
    move |done, total| {
        if (total > 0 && done >= total) || last.elapsed() >= Duration::from_millis(50) {
            last = Instant::now();
            let _ = channel.send(Progress { done, total });
        }
    }
}

/// How the window asks for a file to be read: the choices the preview offers.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct ImportChoice {
    /// Country of phone numbers without a country code (`None`: the desk's).
    pub region: Option<String>,
    /// `(column header, target)` for each column the user set.
    pub mappings: Vec<(String, String)>,
    pub date_order: Option<DateOrder>,
    /// Branch (code) of rows that name none (`None`: this desk's).
    pub branch: Option<String>,
    /// `(branch name in the file, desk branch code)`.
    pub branch_map: Vec<(String, String)>,
    /// Columns that go nowhere become new text fields.
    #[serde(default)]
    pub create_fields: bool,
}

fn options(desk: &Desk, path: &str, choice: ImportChoice) -> CoreResult<(PathBuf, ImportOptions)> {
    let path = path.trim().trim_matches('"').to_string();
    if path.is_empty() {
        return Err(CoreError::validation("path", "required", "Choose the CSV file to import."));
    }
    let opts = ImportOptions {
        region: choice.region.filter(|r| !r.trim().is_empty()),
        mappings: choice.mappings,
        actor: Some(desk.actor()),
        date_order: choice.date_order,
        branch: choice.branch,
        branch_map: choice.branch_map,
        create_fields: choice.create_fields,
    };
    Ok((PathBuf::from(path), opts))
}

/// What importing a file would do (columns and their targets, first rows, dates, branches),
/// writing nothing.
#[tauri::command]
#[specta::specta]
pub async fn preview_import(desk: State<'_, Desk>, path: String, choice: ImportChoice) -> CoreResult<ImportPreview> {
    let (path, opts) = options(&desk, &path, choice)?;
    blocking(&desk, move |s| frontdesk_core::import::preview(s, &path, &opts)).await
}

/// Imports a CSV file; rejected rows go to `<file>.errors.csv` and the first ones are listed
/// in the report.
#[tauri::command]
#[specta::specta]
pub async fn import_csv(
    desk: State<'_, Desk>,
    path: String,
    choice: ImportChoice,
    on_progress: Channel<Progress>,
) -> CoreResult<ImportReport> {
    let (path, opts) = options(&desk, &path, choice)?;
    blocking(&desk, move |s| {
        let mut progress = throttled(on_progress);
        frontdesk_core::import::import_csv(s, &path, &opts, &mut progress)
    })
    .await
}

/// Appointments per demo customer, on average.
const DEMO_APPOINTMENTS: f64 = 5.0;

/// What "Load demo data" added.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DemoReport {
    pub created: u64,
    pub rejected: u64,
    pub appointments: u64,
    pub orders: u64,
    pub took_ms: u64,
}

/// Adds `count` demo customers with their history (a fresh data set each time, so a second
/// load adds new people). Progress counts customers written, then customers given a history.
#[tauri::command]
#[specta::specta]
pub async fn load_demo(desk: State<'_, Desk>, count: u32, on_progress: Channel<Progress>) -> CoreResult<DemoReport> {
    if count == 0 || count > 1_000_000 {
        return Err(CoreError::validation("count", "out_of_range", "Load between 1 and 1,000,000 demo customers."));
    }
    let data_set = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(1);
    blocking(&desk, move |s| {
        let mut progress = throttled(on_progress);
        let (customers, history) =
            frontdesk_core::seed::seed_demo(s, u64::from(count), data_set, DEMO_APPOINTMENTS, &mut progress)?;
        Ok(DemoReport {
            created: customers.created,
            rejected: customers.rejected,
            appointments: history.appointments,
            orders: history.orders,
            took_ms: customers.took_ms + history.took_ms,
        })
    })
    .await
}
