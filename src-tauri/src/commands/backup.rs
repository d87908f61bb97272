//! Backups, restore and the full export: what the owner needs to never lose the desk and to
//! take everything along.

use std::path::PathBuf;

use frontdesk_core::backup::{BackupInfo, BackupStatus, RestoreReport};
use frontdesk_core::export::EverythingReport;
use frontdesk_core::{CoreError, CoreResult};
use tauri::State;

use super::blocking;
use crate::Desk;

/// The word the owner types to confirm a restore.
pub const RESTORE_CONFIRMATION: &str = "RESTORE";

/// A path the window sent: trimmed, unquoted (pasted from a file manager), and absolute.
pub(super) fn path_from_window(field: &str, path: &str, what: &str) -> CoreResult<PathBuf> {
    let p = path.trim().trim_matches('"');
    if p.is_empty() {
        return Err(CoreError::validation(field, "required", format!("Choose {what}.")));
    }
    let p = PathBuf::from(p);
    if !p.is_absolute() {
        return Err(CoreError::validation(
            field,
            "not_absolute",
            format!("Give the full path of {what} (or choose it with Browse…)."),
        ));
    }
    Ok(p)
}

#[tauri::command]
#[specta::specta]
pub async fn backup_status(desk: State<'_, Desk>) -> CoreResult<BackupStatus> {
    blocking(&desk, |s| s.backup_status()).await
}

/// Backs up into the backup folder now.
#[tauri::command]
#[specta::specta]
pub async fn backup_now(desk: State<'_, Desk>) -> CoreResult<BackupInfo> {
    blocking(&desk, |s| s.backup_now(None)).await
}

/// The backups in the backup folder, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_backups(desk: State<'_, Desk>) -> CoreResult<Vec<BackupInfo>> {
    blocking(&desk, |s| s.backups(None)).await
}

/// `None` (or empty): back to the default folder beside the database.
#[tauri::command]
#[specta::specta]
pub async fn set_backup_folder(desk: State<'_, Desk>, folder: Option<String>) -> CoreResult<BackupStatus> {
    let folder = match folder.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => Some(path_from_window("backup_folder", f, "the backup folder")?.display().to_string()),
        None => None,
    };
    blocking(&desk, move |s| s.set_backup_folder(folder.as_deref())).await
}

/// Reads a backup file in full (every page checked) and says what it holds.
#[tauri::command]
#[specta::specta]
pub async fn inspect_backup(desk: State<'_, Desk>, path: String) -> CoreResult<BackupInfo> {
    let path = path_from_window("path", &path, "the backup file")?;
    blocking(&desk, move |_| frontdesk_core::backup::inspect(&path, true)).await
}

/// Replaces the desk with the backup at `path`; `confirmation` must be the word the window
/// asked the owner to type.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(desk: State<'_, Desk>, path: String, confirmation: String) -> CoreResult<RestoreReport> {
    let path = path_from_window("path", &path, "the backup file")?;
    if confirmation.trim() != RESTORE_CONFIRMATION {
        return Err(CoreError::validation(
            "confirmation",
            "mismatch",
            format!("Type {RESTORE_CONFIRMATION} in capitals to replace the desk with this backup."),
        ));
    }
    blocking(&desk, move |s| s.restore_backup(&path)).await
}

/// Exports every record into a new folder `frontdesk-export-…` inside `parent`.
#[tauri::command]
#[specta::specta]
pub async fn export_everything(desk: State<'_, Desk>, parent: String) -> CoreResult<EverythingReport> {
    let parent = path_from_window("parent", &parent, "the folder to export into")?;
    blocking(&desk, move |s| {
        let folder = frontdesk_core::export::new_folder_in(&parent, s.sources().clock.now_ms())?;
        frontdesk_core::export::export_everything(s, &folder)
    })
    .await
}
