//! The desk's SQLite store: one writer connection (every write in `BEGIN IMMEDIATE`), a small
//! pool of read connections, WAL, `synchronous=FULL`, foreign keys on.
//!
//! Reads go through [`Store::read`] with a [`Reader`]; writes through [`Store::write`] with a
//! [`Writer`] that holds the transaction, the clock, the id source and the HLC.

pub(crate) mod deferred_indexes;
pub mod desk_lock;
pub(crate) mod desk_settings;
pub(crate) mod outbox;
mod schema;
pub(crate) mod search_index;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use self::desk_settings::{self as settings, DeskSettings};
use crate::clock::{Clock, Hlc, IdSource, RandomIds, SystemClock};
use crate::error::{CoreError, CoreResult};
use desk_lock::DeskLock;

const READERS: usize = 4;

/// Write transactions after which the idle tidying writes the log back (a save is ~20 pages:
/// about SQLite's own threshold of 1,000 pages).
const CHECKPOINT_AFTER_WRITES: u64 = 50;

/// Pages of write-ahead log after which a commit copies the log back into the database.
const AUTO_CHECKPOINT_PAGES: i64 = 8_000;

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Where time and new ids come from.
#[derive(Clone)]
pub struct Sources {
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdSource>,
}

impl Default for Sources {
    fn default() -> Self {
        Sources { clock: Arc::new(SystemClock), ids: Arc::new(RandomIds) }
    }
}

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    sources: Sources,
    hlc: Hlc,
    desk: Mutex<DeskSettings>,
    /// Write transactions (other than the tidying's) since the log was last written back in
    /// full ([`Store::tidy_step`]).
    unchecked_writes: AtomicU64,
    /// `None` for a desk opened only to read beside the process that writes it.
    /// Declared last: released only after every connection has closed.
    lock: Option<DeskLock>,
}

impl Drop for Store {
    /// The read connections close first: the last connection to close writes the log back into
    /// the database file and removes it, which a read-only one cannot do (a copy of the file
    /// alone would otherwise miss the last writes).
    fn drop(&mut self) {
        self.readers.get_mut().map(Vec::clear).unwrap_or_else(|poisoned| poisoned.into_inner().clear());
    }
}

/// A read-only view of the database; several queries through one `Reader` see one snapshot.
pub struct Reader<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) desk: DeskSettings,
    /// The time the read started (activity filters: "visited in the last 30 days").
    pub(crate) now_ms: i64,
}

/// The write handle: one `BEGIN IMMEDIATE` transaction plus the sources every write stamps.
pub struct Writer<'a> {
    pub(crate) tx: Transaction<'a>,
    pub(crate) sources: &'a Sources,
    pub(crate) hlc: &'a Hlc,
    pub(crate) desk: DeskSettings,
    pub(crate) now_ms: i64,
    pub(crate) next_code: Option<u64>,
    /// Bulk writes: search keys of the customers inserted so far, written in one statement per
    /// search table when the batch ends, when the desk's live count also grows by their number
    /// (see [`Writer::defer_search_index`]).
    pub(crate) deferred_index: Option<Vec<(i64, crate::store::search_index::IndexKeys)>>,
    /// The HLC when the transaction began (its floor is saved only if it moved).
    pub(crate) hlc_at_start: u64,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// Only one process at a time may have a desk open this way (see [`desk_lock`]): another
    /// one gets a `Conflict` with code `desk_in_use` naming it.
    pub fn open(path: impl AsRef<Path>, sources: Sources) -> CoreResult<Store> {
        let program = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "a Frontdesk program".into());
        Store::open_as(path, sources, &desk_lock::holder_description(&program))
    }

    /// [`Store::open`], naming this process as `holder` to any other that tries to open the
    /// desk meanwhile (e.g. "the Frontdesk app (process 1234)").
    pub fn open_as(path: impl AsRef<Path>, sources: Sources, holder: &str) -> CoreResult<Store> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| CoreError::Storage {
                    message: format!("cannot create the folder {}: {e}", dir.display()),
                })?;
            }
        }
        // libphonenumber's metadata takes ~0.1 s to load; load it while the desk starts rather
        // than on the first phone typed.
        std::thread::spawn(|| {
            let _ = crate::validate::parse_phone("phone", "+442079460000", "GB");
        });
        // Before any connection: SQLite's locks are only trustworthy once no other process can
        // write (see `desk_lock`).
        let lock = DeskLock::take(&path, holder)?;
        let mut conn = open_connection(&path, Access::Write)?;
        schema::migrate(&mut conn)?;
        let desk = settings::bootstrap(&mut conn, &sources)?;
        let floor: u64 = conn
            .query_row("SELECT value FROM settings WHERE key = 'hlc_floor'", [], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(Store {
            path,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            sources,
            hlc: Hlc::new(floor),
            desk: Mutex::new(desk),
            unchecked_writes: AtomicU64::new(0),
            lock: Some(lock),
        })
    }

    /// Opens an existing desk only to read it, beside the process that has it open for writing
    /// (the app). Every connection is read-only and builds its own index of the write-ahead log
    /// rather than sharing the writer's (`readonly_shm`): nothing this process does, nor the
    /// state of the writer's locks, can change what the writer has written. Writes are refused.
    pub fn open_read_only(path: impl AsRef<Path>, sources: Sources) -> CoreResult<Store> {
        let path = path.as_ref().to_path_buf();
        let conn = open_connection(&path, Access::ReadBeside)?;
        if !schema::is_current(&conn)? {
            return Err(CoreError::Conflict {
                code: crate::error::codes::DESK_IN_USE.into(),
                message: format!(
                    "The desk database {} is open in {} and has not been upgraded to this version yet; \
                     close it and run the command again.",
                    path.display(),
                    desk_lock::holder_name(&path)
                ),
            });
        }
        let desk = settings::load(&conn)?;
        Ok(Store {
            path,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            sources,
            hlc: Hlc::new(0),
            desk: Mutex::new(desk),
            unchecked_writes: AtomicU64::new(0),
            lock: None,
        })
    }

    /// Whether this store may write (it holds the desk's lock).
    pub fn is_writable(&self) -> bool {
        self.lock.is_some()
    }

    fn refuse_write(&self) -> CoreResult<()> {
        if self.lock.is_some() {
            return Ok(());
        }
        let holder = desk_lock::holder_name(&self.path);
        Err(desk_lock::in_use(&self.path, &holder))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    pub fn desk(&self) -> DeskSettings {
        lock(&self.desk).clone()
    }

    /// Runs `f` in one write transaction. On `Err` nothing is written.
    pub fn write<T>(&self, f: impl FnOnce(&mut Writer<'_>) -> CoreResult<T>) -> CoreResult<T> {
        let out = self.write_quietly(f)?;
        self.unchecked_writes.fetch_add(1, Ordering::Relaxed);
        Ok(out)
    }

    /// [`Store::write`] for the tidying itself: not counted towards writing the log back.
    fn write_quietly<T>(&self, f: impl FnOnce(&mut Writer<'_>) -> CoreResult<T>) -> CoreResult<T> {
        self.refuse_write()?;
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = Writer {
            tx,
            sources: &self.sources,
            hlc: &self.hlc,
            desk: self.desk(),
            now_ms: self.sources.clock.now_ms(),
            next_code: None,
            deferred_index: None,
            hlc_at_start: self.hlc.last(),
        };
        let out = f(&mut w)?;
        w.finish()?;
        Ok(out)
    }

    /// Runs `f` on a pooled read connection inside one read transaction (one snapshot).
    pub fn read<T>(&self, f: impl FnOnce(&Reader<'_>) -> CoreResult<T>) -> CoreResult<T> {
        let conn = match lock(&self.readers).pop() {
            Some(c) => c,
            None => open_connection(&self.path, if self.lock.is_some() { Access::Read } else { Access::ReadBeside })?,
        };
        let result = (|| {
            let tx = conn.unchecked_transaction()?;
            let r = Reader { conn: &tx, desk: self.desk(), now_ms: self.sources.clock.now_ms() };
            let out = f(&r);
            drop(r);
            tx.finish()?;
            out
        })();
        let mut pool = lock(&self.readers);
        if pool.len() < READERS {
            pool.push(conn);
        }
        result
    }

    /// Re-reads the desk settings after they were changed.
    pub(crate) fn reload_desk(&self) -> CoreResult<()> {
        let conn = lock(&self.writer);
        *lock(&self.desk) = settings::load(&conn)?;
        Ok(())
    }

    /// One small step of tidying the search indexes (merging the segments each write adds), in
    /// its own short write transaction. Returns whether there was work to do: call it while the
    /// desk is idle until it returns `false`. Searching is correct either way, only slower when
    /// many segments pile up.
    pub fn merge_search_step(&self) -> CoreResult<bool> {
        self.write_quietly(|w| crate::store::search_index::merge_step(&w.tx))
    }

    /// One step of the desk's idle tidying: merging search segments while there are some
    /// (see [`Store::merge_search_step`]), then copying the write-ahead log back into the
    /// database (a passive checkpoint: it never waits for readers). Returns whether there is more
    /// to do. The desktop app runs it every few seconds, so saves find both done: a save that
    /// crossed SQLite's automatic checkpoint threshold paid for writing back the log of the last
    /// few dozen saves (p99 of saves 6-8 ms at 1M customers instead of under 2).
    pub fn tidy_step(&self) -> CoreResult<bool> {
        if self.lock.is_none() {
            return Ok(false);
        }
        // Sort indexes an import in another process took away and did not bring back (it
        // stopped half way): build them.
        let stopped = deferred_indexes::stopped(&lock(&self.writer))?;
        if stopped && self.write_quietly(|w| deferred_indexes::restore_if_stopped(w.conn()))? {
            return Ok(true);
        }
        if self.merge_search_step()? {
            return Ok(true);
        }
        // Not after every save: the save after a checkpoint restarts the log (one more sync).
        if self.unchecked_writes.load(Ordering::Relaxed) >= CHECKPOINT_AFTER_WRITES {
            let conn = lock(&self.writer);
            // (blocked, frames in the log, frames written back): a reader still on an older
            // snapshot (or another process) can stop it short; then it is tried again next time.
            let (blocked, log, done): (i64, i64, i64) =
                conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            if blocked == 0 && done == log {
                self.unchecked_writes.store(0, Ordering::Relaxed);
            }
        }
        Ok(false)
    }

    /// Runs [`Store::merge_search_step`] until there is nothing left to merge.
    pub fn merge_search(&self) -> CoreResult<()> {
        while self.merge_search_step()? {}
        Ok(())
    }

    /// Replaces every page of the database with those of `source` (another desk database,
    /// e.g. a backup) in one write transaction, upgrades its schema if it is older, then runs
    /// `after` in a transaction of its own. This process keeps the desk's lock throughout, so no
    /// other one can open the desk in between; a crash before the copy commits leaves the desk
    /// as it was.
    pub(crate) fn replace_contents(
        &self,
        source: &Connection,
        after: impl FnOnce(&Connection) -> CoreResult<()>,
    ) -> CoreResult<()> {
        self.refuse_write()?;
        let mut conn = lock(&self.writer);
        rusqlite::backup::Backup::new(source, &mut conn)?.step(-1)?;
        schema::migrate(&mut conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        after(&tx)?;
        tx.commit()?;
        *lock(&self.desk) = settings::load(&conn)?;
        // The whole database is in the log now: the next idle tidying writes it back.
        self.unchecked_writes.store(CHECKPOINT_AFTER_WRITES, Ordering::Relaxed);
        Ok(())
    }

    /// Direct access to the writer connection for maintenance (bulk pragmas, size reports).
    pub fn with_writer_connection<T>(&self, f: impl FnOnce(&mut Connection) -> CoreResult<T>) -> CoreResult<T> {
        self.refuse_write()?;
        let mut conn = lock(&self.writer);
        f(&mut conn)
    }
}

impl<'a> Writer<'a> {
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    pub fn desk(&self) -> &DeskSettings {
        &self.desk
    }

    /// A new HLC timestamp for an outbox record.
    pub(crate) fn hlc_now(&self) -> u64 {
        self.hlc.now(self.now_ms)
    }

    /// Refreshes the time used to stamp records (long transactions such as imports).
    pub(crate) fn tick(&mut self) {
        self.now_ms = self.sources.clock.now_ms();
    }

    /// From now on, new customers' search keys are collected and written when the transaction
    /// ends, one statement per search table. FTS5 writes its pending terms to a new segment at
    /// every statement that may abort (each row INSERT), so indexing row by row writes one
    /// segment per row and then spends most of an import merging them.
    pub(crate) fn defer_search_index(&mut self) {
        self.deferred_index.get_or_insert_with(Vec::new);
    }

    fn finish(mut self) -> CoreResult<()> {
        if let Some(rows) = self.deferred_index.take() {
            crate::store::search_index::add_many(&self.tx, &rows)?;
            self.tx
                .prepare_cached("UPDATE desk_totals SET live_customers = live_customers + ?1")?
                .execute([rows.len() as i64])?;
        }
        // `code_counter` is the last number issued; `next_code` the next one to try.
        if let Some(next) = self.next_code.take() {
            settings::put(&self.tx, "code_counter", &(next - 1).to_string())?;
        }
        // Only when this transaction stamped something: a write with nothing to stamp (a merge
        // step with no work) then commits nothing.
        if self.hlc.last() != self.hlc_at_start {
            settings::put(&self.tx, "hlc_floor", &self.hlc.last().to_string())?;
        }
        self.tx.commit()?;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.tx
    }
}

impl<'a> Reader<'a> {
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }
    pub fn desk(&self) -> &DeskSettings {
        &self.desk
    }
    pub fn conn(&self) -> &Connection {
        self.conn
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How many migrations this version of the schema has (`PRAGMA user_version` of a current desk).
pub fn schema_version() -> usize {
    schema::version()
}

/// A read-only connection to a desk that another process may have open to write: what
/// [`Store::open_read_only`] reads through, for tools and tests that run their own SQL.
pub fn read_beside_connection(path: &Path) -> CoreResult<Connection> {
    open_connection(path, Access::ReadBeside)
}

/// How a connection uses the database.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// The writer of the process that holds the desk's lock.
    Write,
    /// A reader in that same process (SQLite coordinates connections of one process itself).
    Read,
    /// A reader in another process, beside the writer: read-only, with a private index of the
    /// log, and never writing the log back when it closes.
    ReadBeside,
}

fn open_connection(path: &Path, access: Access) -> CoreResult<Connection> {
    let read_only = access != Access::Write;
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    };
    let opened = if access == Access::ReadBeside {
        Connection::open_with_flags(format!("{}?mode=ro&readonly_shm=1", file_uri(path)), flags)
    } else {
        Connection::open_with_flags(path, flags)
    };
    let conn = opened
        .map_err(|e| CoreError::Storage { message: format!("cannot open the database {}: {e}", path.display()) })?;
    if access == Access::ReadBeside {
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Readers keep a modest cache; the writer a large one, since an import updates every index
    // at random places (SQLite allocates cache pages only as they are used).
    conn.pragma_update(None, "cache_size", if read_only { -16_000 } else { -256_000 })?;
    if !read_only {
        // Saves leave the log to the desk's idle tidying (`Store::tidy_step`); this threshold
        // only bounds the log when nothing tidies (command-line imports, seeding): 32 MB.
        conn.pragma_update(None, "wal_autocheckpoint", AUTO_CHECKPOINT_PAGES)?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    rusqlite::vtab::array::load_module(&conn)?;
    Ok(conn)
}

/// `path` as an SQLite `file:` URI (characters with a meaning in URIs and non-ASCII bytes escaped).
fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    for b in absolute.to_string_lossy().bytes() {
        match b {
            b'%' | b'?' | b'#' | 0x80.. => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(b as char),
        }
    }
    uri
}
