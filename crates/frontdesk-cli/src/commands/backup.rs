//! `frontdesk backup …` and `frontdesk restore`: the core's backups from the command line.

use std::path::Path;

use crate::cli::BackupCommand;
use frontdesk_core::backup::BackupCounts;
use frontdesk_core::CoreError;

pub fn run(command: BackupCommand, db: &Path) -> Result<(), CoreError> {
    match command {
        BackupCommand::Now { to, json } => {
            let store = crate::desk::open_existing(db)?;
            let started = std::time::Instant::now();
            let info = store.backup_now(to.as_deref())?;
            if json {
                outln!("{}", serde_json::to_string(&info).unwrap_or_default());
            } else {
                outln!(
                    "Backed up {} to {} ({}, copied and checked in {:.1} s).",
                    describe_counts(&info.counts),
                    info.path,
                    megabytes(info.bytes),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        BackupCommand::List { folder, json } => {
            let store = crate::desk::open_existing(db)?;
            let shown = folder.clone().map_or_else(|| store.backup_folder(), Ok)?;
            let list = store.backups(folder.as_deref())?;
            if json {
                for b in &list {
                    outln!("{}", serde_json::to_string(b).unwrap_or_default());
                }
            } else if list.is_empty() {
                outln!("No backups in {}.", shown.display());
            } else {
                for b in &list {
                    outln!(
                        "{}  {:>9}  {}  {}",
                        when(b.taken_at_ms),
                        megabytes(b.bytes),
                        describe_counts(&b.counts),
                        b.path
                    );
                }
            }
            Ok(())
        }
        BackupCommand::Status { json } => {
            let store = crate::desk::open_existing(db)?;
            let status = store.backup_status()?;
            if json {
                outln!("{}", serde_json::to_string(&status).unwrap_or_default());
                return Ok(());
            }
            outln!(
                "Backups go to {}{}",
                status.folder,
                if status.folder_chosen { "" } else { " (beside the database, on the same disk)" }
            );
            match &status.last_ok {
                Some(b) => {
                    outln!("Last good backup: {} — {} — {}", when(b.taken_at_ms), describe_counts(&b.counts), b.path)
                }
                None => outln!("No backup yet."),
            }
            if let Some(f) = &status.last_failure {
                outln!("Last failure: {} — {}", when(f.at_ms), f.message);
            }
            if status.overdue {
                outln!("The last good backup is more than two days old: run `frontdesk backup now`.");
            }
            Ok(())
        }
        BackupCommand::Folder { folder, default: _ } => {
            let store = crate::desk::open(db)?;
            let status = store.set_backup_folder(folder.as_deref())?;
            outln!("Backups go to {}.", status.folder);
            Ok(())
        }
    }
}

/// `frontdesk restore FILE [--yes]`: without `--yes`, says what would happen.
pub fn restore(db: &Path, file: &Path, yes: bool) -> Result<(), CoreError> {
    let backup = frontdesk_core::backup::inspect(file, true)?;
    let store = crate::desk::open_existing(db)?;
    if !store.is_writable() {
        return Err(CoreError::conflict(
            frontdesk_core::error::codes::DESK_IN_USE,
            format!(
                "{} has the desk open: close it, then run the restore again (the app can also restore from Settings → Backups).",
                frontdesk_core::store::desk_lock::holder_name(db)
            ),
        ));
    }
    let now = store.desk_counts()?;
    outln!("The backup {} of {} holds {}.", file.display(), when(backup.taken_at_ms), describe_counts(&backup.counts));
    outln!("The desk {} holds {} now.", db.display(), describe_counts(&now));
    if !yes {
        return Err(CoreError::validation(
            "yes",
            "confirm",
            "Nothing was changed. Add --yes to replace the desk with the backup (the desk as it is now is kept beside it first).",
        ));
    }
    let report = store.restore_backup(file)?;
    outln!("Restored. The desk as it was is kept at {}.", report.set_aside.path);
    Ok(())
}

fn describe_counts(c: &BackupCounts) -> String {
    format!("{} customers, {} appointments, {} orders, {} payments", c.customers, c.appointments, c.orders, c.payments)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn when(ms: i64) -> String {
    frontdesk_core::clock::ms_to_datetime(ms).with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()
}
