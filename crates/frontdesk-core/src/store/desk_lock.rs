//! Who may write the desk: one process at a time, decided by a lock on a file beside the
//! database (`desk.db.lock`) that is taken before any SQLite connection opens and held for the
//! life of the [`Store`](super::Store).
//!
//! SQLite's own locks are POSIX advisory locks, which belong to the process and are all dropped
//! when *any* descriptor of the file is closed in it (a file chooser sniffing the folder, a
//! library reading the file's first bytes). Another process could then believe it was the last
//! one, write the log back and delete it under the running app. This lock is an `flock`-style
//! lock on its own open file (`File::try_lock`): closing other descriptors never releases it.
//! So a second writing process never shares the desk with the app; a process that only reads
//! opens the database read-only with a private log index instead (see `Store::open_read_only`),
//! which cannot disturb the writer whatever state its locks are in.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{CoreError, CoreResult};

/// Held while this process may write the desk; released when dropped (or when the process
/// ends, however it ends: the kernel releases it).
#[derive(Debug)]
pub struct DeskLock {
    _file: File,
}

/// The lock file of the database at `db`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_os_string();
    p.push(".lock");
    PathBuf::from(p)
}

/// What a process says about itself in the lock file, for the message another one shows.
pub fn holder_description(program: &str) -> String {
    format!("{program} (process {})", std::process::id())
}

impl DeskLock {
    /// Takes the desk's write lock for `holder` (e.g. "the Frontdesk app (process 1234)"), or
    /// says who has it.
    pub fn take(db: &Path, holder: &str) -> CoreResult<DeskLock> {
        let path = lock_path(db);
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(|e| {
                CoreError::Storage { message: format!("cannot open the desk's lock file {}: {e}", path.display()) }
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(in_use(db, &read_holder(&mut file))),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(CoreError::Storage {
                    message: format!("cannot lock the desk's lock file {}: {e}", path.display()),
                })
            }
        }
        // Best effort: the lock itself is what counts, the text only names its holder.
        let _ =
            file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).and_then(|_| file.write_all(holder.as_bytes()));
        Ok(DeskLock { _file: file })
    }

    /// Who holds the desk's write lock now, if anyone (the lock is not taken).
    pub fn holder(db: &Path) -> Option<String> {
        let mut file = OpenOptions::new().read(true).write(true).open(lock_path(db)).ok()?;
        match file.try_lock() {
            // Free: this probe's lock goes with its file.
            Ok(()) => None,
            Err(_) => Some(read_holder(&mut file)),
        }
    }
}

/// Who holds the desk's write lock, as a message names it.
pub fn holder_name(db: &Path) -> String {
    DeskLock::holder(db).unwrap_or_else(|| SOMEONE.into())
}

const SOMEONE: &str = "another Frontdesk program";

fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.take(200).read_to_string(&mut text);
    let text = text.trim();
    if text.is_empty() {
        SOMEONE.to_string()
    } else {
        text.to_string()
    }
}

/// The error of a second writer: who has the desk, and what to do.
pub fn in_use(db: &Path, holder: &str) -> CoreError {
    CoreError::Conflict {
        code: crate::error::codes::DESK_IN_USE.into(),
        message: format!(
            "The desk database {} is open in {holder}, which may be writing to it. Close it first \
             (or do this there); commands that only read (search, show, list, export) work beside it.",
            db.display()
        ),
    }
}
