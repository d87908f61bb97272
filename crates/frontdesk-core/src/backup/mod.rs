//! Backups of the desk database: online copies made with SQLite's backup API from one read
//! snapshot (the desk keeps saving meanwhile), each checked before it counts, rotated
//! ([`rotation`]), listed and restored.
//!
//! A copy is written as a hidden `.partial` file in the backup folder, synced, checked
//! (`integrity_check`, and its record counts against the snapshot's), and only then renamed to
//! its final name: a backup that is listed is a whole one.

mod check;
pub mod rotation;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub use check::BackupCounts;

use crate::error::{CoreError, CoreResult};
use crate::settings;
use crate::store::Store;

/// Written into each copy: when it was taken.
const TAKEN_AT_KEY: &str = "backup_taken_at";
/// Desk settings: the folder the owner chose, and the outcome of the last backups.
const FOLDER_KEY: &str = "backup_folder";
const LAST_OK_KEY: &str = "backup_last_ok";
const LAST_FAILURE_KEY: &str = "backup_last_failure";

/// The folder backups go to when the owner has chosen none: beside the database.
pub const DEFAULT_FOLDER: &str = "backups";

/// The automatic backup runs when the last good one is this old.
pub const DAILY_MS: i64 = 24 * 3_600_000;
/// The window warns when the last good backup is older than this.
pub const OVERDUE_MS: i64 = 2 * DAILY_MS;

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupInfo {
    pub path: String,
    pub name: String,
    pub taken_at_ms: i64,
    pub bytes: u64,
    /// The business whose desk it is a copy of.
    pub business_name: String,
    pub counts: BackupCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupFailure {
    pub at_ms: i64,
    /// Where it was going.
    pub folder: String,
    pub message: String,
}

/// Where backups go and how the last ones went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupStatus {
    pub folder: String,
    /// `false` while backups go to the default folder beside the database (the same disk).
    pub folder_chosen: bool,
    pub last_ok: Option<BackupInfo>,
    /// The last failure, when it came after the last good backup.
    pub last_failure: Option<BackupFailure>,
    /// The last good backup is older than two days (or there is none and the desk has data).
    pub overdue: bool,
    /// Something was written since the last good backup.
    pub changed_since: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    pub restored: BackupInfo,
    /// The desk as it was just before, kept beside the database.
    pub set_aside: BackupInfo,
}

impl Store {
    /// The folder backups go to.
    pub fn backup_folder(&self) -> CoreResult<PathBuf> {
        let chosen = self.read(|r| settings::get(r.conn(), FOLDER_KEY))?.filter(|f| !f.is_empty());
        Ok(chosen.map(PathBuf::from).unwrap_or_else(|| self.default_backup_folder()))
    }

    fn default_backup_folder(&self) -> PathBuf {
        self.path().parent().unwrap_or(Path::new(".")).join(DEFAULT_FOLDER)
    }

    /// Sends backups to `folder` (`None`: back to the default one beside the database). The
    /// folder must be an absolute path where a file can be written now.
    pub fn set_backup_folder(&self, folder: Option<&str>) -> CoreResult<BackupStatus> {
        let folder = folder.map(str::trim).filter(|f| !f.is_empty());
        if let Some(f) = folder {
            let path = Path::new(f);
            if !path.is_absolute() {
                return Err(CoreError::validation(
                    "backup_folder",
                    "not_absolute",
                    format!("'{f}' is not a full path: choose the folder with Browse… or type it from the drive or / onwards."),
                ));
            }
            if !path.is_dir() {
                return Err(CoreError::validation(
                    "backup_folder",
                    "not_a_folder",
                    format!("{f} is not a folder on this computer: choose an existing folder (a USB disk, a network share)."),
                ));
            }
            writable(path).map_err(|message| CoreError::validation("backup_folder", "not_writable", message))?;
        }
        self.write(|w| settings::put(w.conn(), FOLDER_KEY, folder.unwrap_or("")))?;
        self.backup_status()
    }

    /// What the desk holds now, counted as a backup's contents are.
    pub fn desk_counts(&self) -> CoreResult<BackupCounts> {
        self.read(|r| BackupCounts::of(r.conn()))
    }

    /// Where backups go, the last good one, the last failure and whether a backup is overdue.
    pub fn backup_status(&self) -> CoreResult<BackupStatus> {
        let (chosen, last_ok, last_failure, now, current) = self.read(|r| {
            let json = |key| -> CoreResult<Option<String>> { settings::get(r.conn(), key) };
            Ok((
                json(FOLDER_KEY)?.filter(|f| !f.is_empty()),
                json(LAST_OK_KEY)?.and_then(|v| serde_json::from_str::<BackupInfo>(&v).ok()),
                json(LAST_FAILURE_KEY)?.and_then(|v| serde_json::from_str::<BackupFailure>(&v).ok()),
                r.now_ms(),
                BackupCounts::of(r.conn())?,
            ))
        })?;
        let changed_since = last_ok
            .as_ref()
            .map_or(current.last_change > 0 || current.customers > 0, |b| b.counts.last_change != current.last_change);
        let overdue = match &last_ok {
            Some(b) => now - b.taken_at_ms > OVERDUE_MS,
            None => current.customers > 0,
        };
        let last_failure = last_failure.filter(|f| last_ok.as_ref().is_none_or(|b| f.at_ms > b.taken_at_ms));
        Ok(BackupStatus {
            folder: chosen
                .clone()
                .map(PathBuf::from)
                .unwrap_or_else(|| self.default_backup_folder())
                .display()
                .to_string(),
            folder_chosen: chosen.is_some(),
            last_ok,
            last_failure,
            overdue,
            changed_since,
        })
    }

    /// Whether the daily backup is due: the last good one is a day old, or there is none.
    pub fn backup_due(&self) -> CoreResult<bool> {
        let status = self.backup_status()?;
        let now = self.sources().clock.now_ms();
        Ok(status.changed_since && status.last_ok.is_none_or(|b| now - b.taken_at_ms >= DAILY_MS))
    }

    /// Backs the desk up now into `to` (or the backup folder), checks the copy, then deletes the
    /// backups the rotation no longer keeps there. The outcome is remembered either way
    /// ([`Store::backup_status`]).
    pub fn backup_now(&self, to: Option<&Path>) -> CoreResult<BackupInfo> {
        let folder = match to {
            Some(f) => f.to_path_buf(),
            None => self.backup_folder()?,
        };
        let taken = self
            .ensure_folder(&folder)
            .and_then(|()| self.copy_into(&folder, &rotation::file_name(self.sources().clock.now_ms())));
        let remember = match &taken {
            Ok(info) => (LAST_OK_KEY, serde_json::to_string(info)),
            Err(e) => (
                LAST_FAILURE_KEY,
                serde_json::to_string(&BackupFailure {
                    at_ms: self.sources().clock.now_ms(),
                    folder: folder.display().to_string(),
                    message: e.to_string(),
                }),
            ),
        };
        if let (key, Ok(value)) = remember {
            if self.is_writable() {
                self.write_settings_quietly(key, &value)?;
            }
        }
        let info = taken?;
        rotate(&folder)?;
        Ok(info)
    }

    /// The backups in `folder` (or the backup folder), newest first. Files that are not
    /// backups, or not readable ones, are left out.
    pub fn backups(&self, folder: Option<&Path>) -> CoreResult<Vec<BackupInfo>> {
        let folder = match folder {
            Some(f) => f.to_path_buf(),
            None => self.backup_folder()?,
        };
        let mut found: Vec<BackupInfo> =
            backup_files(&folder)?.into_iter().filter_map(|(path, _)| inspect(&path, false).ok()).collect();
        found.sort_by_key(|b| std::cmp::Reverse(b.taken_at_ms));
        Ok(found)
    }

    /// Replaces the desk's data with the backup `file`, after checking it in full and setting
    /// the desk as it is now aside as a backup beside the database. The desk stays open (this
    /// process keeps its lock throughout); the backup settings of this desk are kept.
    pub fn restore_backup(&self, file: &Path) -> CoreResult<RestoreReport> {
        let restored = inspect(file, true)?;
        let set_aside_name = format!("before-restore-{}", rotation::file_name(self.sources().clock.now_ms()));
        let set_aside = self.copy_into(self.path().parent().unwrap_or(Path::new(".")), &set_aside_name)?;
        let keep: Vec<(&str, Option<String>)> = self.read(|r| {
            [FOLDER_KEY, LAST_OK_KEY, LAST_FAILURE_KEY, "code_counter"]
                .into_iter()
                .map(|k| Ok((k, settings::get(r.conn(), k)?)))
                .collect()
        })?;
        let source = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        self.replace_contents(&source, |conn| {
            for (key, value) in &keep {
                match (key, value) {
                    // Codes handed out since the backup stay used: a receipt may carry one.
                    (&"code_counter", Some(v)) => {
                        let now: i64 = settings::get(conn, key)?.and_then(|c| c.parse().ok()).unwrap_or(0);
                        let before: i64 = v.parse().unwrap_or(0);
                        settings::put(conn, key, &now.max(before).to_string())?;
                    }
                    (_, Some(v)) => settings::put(conn, key, v)?,
                    (_, None) => {
                        conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
                    }
                }
            }
            conn.execute("DELETE FROM settings WHERE key = ?1", [TAKEN_AT_KEY])?;
            Ok(())
        })?;
        Ok(RestoreReport { restored, set_aside })
    }

    /// Copies the desk into `folder/name` through a checked `.partial` file.
    fn copy_into(&self, folder: &Path, name: &str) -> CoreResult<BackupInfo> {
        let failed = |what: &str, e: &dyn std::fmt::Display| CoreError::Storage {
            message: format!("backing up into {}: {what}: {e}", folder.display()),
        };
        let target = folder.join(name);
        if target.exists() {
            return Err(failed("a file of that name is there already", &name));
        }
        let partial = folder.join(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        let result = (|| {
            let mut copy = Connection::open(&partial).map_err(|e| failed("cannot create the copy", &e))?;
            // A new file that is thrown away if anything fails: no journal, no syncs until the
            // end (the file is synced once, below, before it is checked and named).
            copy.pragma_update(None, "journal_mode", "OFF")?;
            copy.pragma_update(None, "synchronous", "OFF")?;
            copy.pragma_update(None, "cache_size", -64_000)?;
            let at = self.sources().clock.now_ms();
            let counts = self.read(|r| {
                // The counts and the copy come from the same snapshot: this read transaction.
                let counts = BackupCounts::of(r.conn())?;
                let backup = rusqlite::backup::Backup::new(r.conn(), &mut copy)?;
                // All pages in one step: the snapshot stays the same throughout, and writes in
                // the meantime (to the log) neither wait nor restart the copy.
                backup.step(-1)?;
                Ok(counts)
            })?;
            // One file that opens anywhere on its own, without a write-ahead log beside it.
            copy.pragma_update(None, "journal_mode", "DELETE")?;
            settings::put(&copy, TAKEN_AT_KEY, &at.to_string())?;
            copy.close().map_err(|(_, e)| failed("cannot finish the copy", &e))?;
            std::fs::File::open(&partial)
                .and_then(|f| f.sync_all())
                .map_err(|e| failed("cannot write the copy to disk", &e))?;
            let checked = check::read(&partial, true)?;
            if checked.counts != counts {
                return Err(failed(
                    "the copy does not hold what the desk held",
                    &format!("{:?} instead of {:?}", checked.counts, counts),
                ));
            }
            std::fs::rename(&partial, &target).map_err(|e| failed("cannot name the copy", &e))?;
            if let Ok(dir) = std::fs::File::open(folder) {
                let _ = dir.sync_all();
            }
            info(&target, &checked, at)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// The default folder is made when missing; a chosen one must be there (a USB disk that is
    /// not plugged in is not replaced by a folder of the same name on this computer's disk).
    fn ensure_folder(&self, folder: &Path) -> CoreResult<()> {
        let missing = |why: String| CoreError::File {
            path: folder.display().to_string(),
            line: None,
            code: "backup_folder_missing".into(),
            message: why,
        };
        if folder.is_dir() {
            return Ok(());
        }
        if folder.exists() {
            return Err(missing(format!("The backup folder {} is a file, not a folder.", folder.display())));
        }
        let parent_there = folder.parent().is_some_and(|p| p.as_os_str().is_empty() || p.is_dir());
        if folder == self.default_backup_folder() || parent_there {
            return std::fs::create_dir(folder)
                .map_err(|e| missing(format!("cannot create the backup folder {}: {e}", folder.display())));
        }
        Err(missing(format!(
            "The backup folder {} is not there (is its disk plugged in, its network share reachable?). \
             Connect it, or choose another folder in Settings.",
            folder.display()
        )))
    }

    fn write_settings_quietly(&self, key: &str, value: &str) -> CoreResult<()> {
        self.write(|w| settings::put(w.conn(), key, value))
    }
}

/// What the backup `file` holds; `thorough` checks every page first (see [`check::read`]).
/// A file that is not a Frontdesk desk, is damaged, or comes from a newer Frontdesk is refused.
pub fn inspect(file: &Path, thorough: bool) -> CoreResult<BackupInfo> {
    let contents = check::read(file, thorough)?;
    if contents.schema_version > crate::store::schema_version() as i64 {
        return Err(CoreError::File {
            path: file.display().to_string(),
            line: None,
            code: "newer_version".into(),
            message: format!("{} was made by a newer Frontdesk; update Frontdesk to restore it.", file.display()),
        });
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let modified = std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as i64);
    let at = contents.taken_at_ms.or_else(|| rotation::taken_at(&name)).unwrap_or(modified);
    info(file, &contents, at)
}

fn info(file: &Path, contents: &check::Contents, taken_at_ms: i64) -> CoreResult<BackupInfo> {
    Ok(BackupInfo {
        path: file.display().to_string(),
        name: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        taken_at_ms,
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
        business_name: contents.business_name.clone(),
        counts: contents.counts,
    })
}

/// The backup files in `folder` with the time in their names (a missing folder has none).
fn backup_files(folder: &Path) -> CoreResult<Vec<(PathBuf, i64)>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(CoreError::Storage {
                message: format!("cannot read the backup folder {}: {e}", folder.display()),
            })
        }
    };
    Ok(entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            rotation::taken_at(&name).map(|at| (e.path(), at))
        })
        .collect())
}

/// Deletes the backups in `folder` that the rotation does not keep (only files named as
/// backups: nothing else in the folder is touched).
fn rotate(folder: &Path) -> CoreResult<()> {
    let files = backup_files(folder)?;
    let times: Vec<i64> = files.iter().map(|(_, at)| *at).collect();
    let delete = rotation::to_delete(&times);
    for (path, at) in files {
        if delete.contains(&at) {
            std::fs::remove_file(&path).map_err(|e| CoreError::Storage {
                message: format!("cannot delete the old backup {}: {e}", path.display()),
            })?;
        }
    }
    Ok(())
}

/// Whether a file can be created in `folder` now (a USB disk that is not plugged in cannot).
fn writable(folder: &Path) -> Result<(), String> {
    let probe = folder.join(format!(".frontdesk-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| format!("cannot write into {}: {e}", folder.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
