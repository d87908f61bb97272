//! The state every command shares: the open store.

use std::path::PathBuf;
use std::sync::Arc;

use frontdesk_core::customers::Actor;
use frontdesk_core::{Store, DB_FILE};

pub struct Desk {
    pub store: Arc<Store>,
    pub path: PathBuf,
}

impl Desk {
    /// Who is shown on the timeline for changes made at this desk: the signed-in OS user.
    pub fn actor(&self) -> Actor {
        let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
        Actor::new(if user.trim().is_empty() { "front desk".to_string() } else { user })
    }
}

/// `FRONTDESK_DB` when set (tests, benchmarks, a second desk on one machine), else
/// `frontdesk.db` in the OS app-data folder — the same file the `frontdesk` CLI uses.
pub fn database_path(app_data_dir: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("FRONTDESK_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = app_data_dir.ok_or("The OS app-data folder is unknown: set FRONTDESK_DB to the database file to use.")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("Cannot create {}: {e}", dir.display()))?;
    Ok(dir.join(DB_FILE))
}
