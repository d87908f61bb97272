//! Which desk a command works on and how it opens it.

use std::path::{Path, PathBuf};

use frontdesk_core::store::Sources;
use frontdesk_core::{CoreError, Store};

pub(crate) fn default_db() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(frontdesk_core::APP_IDENTIFIER)
        .join(frontdesk_core::DB_FILE)
}

/// The subcommand being run, to name this process to another that finds the desk in use.
pub(crate) static COMMAND: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Opens the desk to write it: refused while another process (the app) has it open.
pub(crate) fn open(db: &Path) -> Result<Store, CoreError> {
    let command = COMMAND.get().copied().unwrap_or_default();
    let holder = frontdesk_core::store::desk_lock::holder_description(&format!("the command `frontdesk {command}`"));
    Store::open_as(db, Sources::default(), &holder)
}

/// Opens a desk that must exist already (commands that only read it): a mistyped `--db` is
/// an error, not a new empty desk. Beside the app (which has the desk open to write) it is
/// opened read-only.
pub(crate) fn open_existing(db: &Path) -> Result<Store, CoreError> {
    if !db.is_file() || db.metadata().map(|m| m.len() == 0).unwrap_or(true) {
        return Err(CoreError::File {
            path: db.display().to_string(),
            line: None,
            code: "no_database".into(),
            message: format!(
                "There is no desk database at {}. Check --db (or FRONTDESK_DB); `frontdesk import FILE.csv` or `frontdesk seed` creates one.",
                db.display()
            ),
        });
    }
    match open(db) {
        Err(CoreError::Conflict { code, .. }) if code == frontdesk_core::error::codes::DESK_IN_USE => {
            Store::open_read_only(db, Sources::default())
        }
        other => other,
    }
}
