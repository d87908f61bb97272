mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{desk, input, me};
use frontdesk_core::backup::{inspect, rotation};
use frontdesk_core::clock::{Clock, ManualClock, SequentialIds};
use frontdesk_core::store::Sources;
use frontdesk_core::{CoreError, Store};

const DAY: i64 = 24 * 3_600_000;

fn file_code(e: &CoreError) -> &str {
    match e {
        CoreError::File { code, .. } => code,
        other => panic!("expected a File error, got {other:?}"),
    }
}

/// A backup taken while another thread keeps saving customers holds every save acknowledged
/// before it began, passes `integrity_check`, and its counts are those of one moment.
#[test]
fn backup_while_the_desk_saves() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("desk.db"), Sources::default()).unwrap());
    for i in 0..300 {
        store.create_customer(&me(), &input("Ann", &format!("Before{i}"), None, None)).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let saver = {
        let (store, stop, acked) = (store.clone(), stop.clone(), acked.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let c = store.create_customer(&me(), &input("Bo", &format!("During{i}"), None, None)).unwrap();
                acked.lock().unwrap().push(c.code);
                i += 1;
            }
        })
    };
    while acked.lock().unwrap().len() < 50 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let folder = dir.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let info = store.backup_now(Some(&folder)).unwrap();
    let during_backup = acked.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    saver.join().unwrap();
    assert!(during_backup > before.len(), "saves went on while the copy was made");

    let copy = rusqlite::Connection::open(&info.path).unwrap();
    let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let mode: String = copy.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "the copy is one file");
    for id in &before {
        let n: i64 = copy.query_row("SELECT count(*) FROM customers WHERE code = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "acknowledged save {id} is in the backup");
    }
    let customers: i64 = copy.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap();
    assert_eq!(info.counts.customers, customers);
    assert!(customers >= 300 + before.len() as i64);
    // Every customer in the copy has its timeline and outbox records: one snapshot.
    let orphans: i64 = copy
        .query_row(
            "SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_seq = c.seq)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    // The desk's status says so; nothing but the backup is in the folder.
    let status = store.backup_status().unwrap();
    assert_eq!(status.last_ok.as_ref().map(|b| &b.name), Some(&info.name));
    let names: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec![info.name.clone()]);
}

fn desk_with_clock(dir: &std::path::Path) -> (Store, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_796_601_600_000)); // Monday 2026-12-07
    let store =
        Store::open(dir.join("desk.db"), Sources { clock: clock.clone(), ids: Arc::new(SequentialIds::default()) })
            .unwrap();
    (store, clock)
}

/// Daily backups over seven weeks leave those of the last day, 7 daily and 4 weekly ones;
/// other files stay.
#[test]
fn rotation_keeps_seven_days_and_four_weeks() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = desk_with_clock(dir.path());
    let folder = dir.path().join("share");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("holiday.jpg"), b"not ours").unwrap();
    std::fs::write(folder.join("frontdesk-backup-notes.txt"), b"not ours either").unwrap();
    store.set_backup_folder(Some(folder.to_str().unwrap())).unwrap();
    let start = clock.now_ms();
    for day in 0..49 {
        clock.set(start + day * DAY + 9 * 3_600_000);
        store.create_customer(&me(), &input("Day", &format!("N{day}"), None, None)).unwrap();
        store.backup_now(None).unwrap();
        // Another the same evening (on quit): the morning's is kept only for a day.
        clock.advance(8 * 3_600_000);
        assert!(!store.backup_due().unwrap(), "a backup of this morning is not a day old");
        store.backup_now(None).unwrap();
    }
    // A day later the daily one is due only if something was written since.
    clock.advance(DAY);
    assert!(!store.backup_due().unwrap(), "nothing new to back up");
    store.create_customer(&me(), &input("Day", "Last", None, None)).unwrap();
    assert!(store.backup_due().unwrap());
    let kept = store.backups(None).unwrap();
    assert_eq!(kept.len(), 12, "{:?}", kept.iter().map(|b| &b.name).collect::<Vec<_>>());
    // Newest first: both of the last day, then the last of each of seven days, then one a week.
    let days: Vec<i64> = kept.iter().map(|b| (b.taken_at_ms - start) / DAY).collect();
    assert_eq!(days, vec![48, 48, 47, 46, 45, 44, 43, 42, 41, 34, 27, 20]);
    assert_eq!(kept[0].counts.customers, 49);
    assert!(folder.join("holiday.jpg").exists() && folder.join("frontdesk-backup-notes.txt").exists());
}

/// Restore brings back the backup's records; what came after is kept in the set-aside copy;
/// the desk stays open, writable and searchable, in WAL mode, with codes never handed out twice.
#[test]
fn restore_round_trip() {
    let d = desk();
    let ann = d.add("Ann", "Lee", Some("ann@example.com"), None);
    let folder = d.dir.path().join("backups-usb");
    std::fs::create_dir(&folder).unwrap();
    let backup = d.store.backup_now(Some(&folder)).unwrap();
    d.clock.advance(60_000);
    let bo = d.add("Bo", "Berg", Some("bo@example.com"), None);
    d.store.archive_customer(&me(), ann.id).unwrap();
    let set_folder = d.store.set_backup_folder(Some(folder.to_str().unwrap())).unwrap();

    let report = d.store.restore_backup(std::path::Path::new(&backup.path)).unwrap();
    assert_eq!(report.restored.counts.customers, 1);
    assert_eq!(report.set_aside.counts.customers, 2);
    assert!(d.store.customer(&ann.code).unwrap().archived_at.is_none(), "Ann is live again");
    assert!(matches!(d.store.customer(&bo.code), Err(CoreError::NotFound { .. })));
    assert_eq!(d.find("ann"), vec!["Ann Lee"]);
    assert!(d.find("bo").is_empty());
    // The set-aside copy beside the database holds Bo.
    let aside = rusqlite::Connection::open(&report.set_aside.path).unwrap();
    let n: i64 =
        aside.query_row("SELECT count(*) FROM customers WHERE email = 'bo@example.com'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    assert_eq!(std::path::Path::new(&report.set_aside.path).parent(), d.store.path().parent());
    // Still this desk's backup settings; still WAL; new saves get new codes.
    assert_eq!(d.store.backup_status().unwrap().folder, set_folder.folder);
    let mode: String = d.store.read(|r| Ok(r.conn().query_row("PRAGMA journal_mode", [], |x| x.get(0))?)).unwrap();
    assert_eq!(mode, "wal");
    let cy = d.add("Cy", "Dunn", Some("bo@example.com"), None);
    assert_ne!(cy.code, bo.code, "a code handed out before the restore is not handed out again");
    let check: String = d.store.read(|r| Ok(r.conn().query_row("PRAGMA integrity_check", [], |x| x.get(0))?)).unwrap();
    assert_eq!(check, "ok");
    assert!(d.store.search_index_differences(10).unwrap().is_empty());
    // The desk reopens as restored.
    let path = d.store.path().to_path_buf();
    drop(d.store);
    let again = Store::open(&path, Sources::default()).unwrap();
    assert_eq!(again.customer(&ann.code).unwrap().display_name, "Ann Lee");
}

/// Files that are not whole Frontdesk backups are refused with a reason, and the desk is
/// left as it was.
#[test]
fn corrupt_and_foreign_files_are_refused() {
    let d = desk();
    for i in 0..200 {
        d.add("Ann", &format!("Lee{i}"), None, None);
    }
    let folder = d.dir.path().join("b");
    std::fs::create_dir(&folder).unwrap();
    let good = d.store.backup_now(Some(&folder)).unwrap();
    let bytes = std::fs::read(&good.path).unwrap();
    let dir = d.dir.path();

    let text = dir.join("notes.db");
    std::fs::write(&text, "name,phone\nAnn,123\n").unwrap();
    let half = dir.join("half.db");
    std::fs::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    let scribbled = dir.join("scribbled.db");
    let mut s = bytes.clone();
    for b in &mut s[bytes.len() / 3..bytes.len() / 3 + 20_000] {
        *b = 0x5a;
    }
    std::fs::write(&scribbled, &s).unwrap();
    let foreign = dir.join("photos.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT);")
        .unwrap();
    let newer = dir.join("newer.db");
    std::fs::write(&newer, &bytes).unwrap();
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 9999).unwrap();

    let before = d.count("SELECT count(*) FROM customers");
    for (file, code) in [
        (text, "not_a_backup"),
        (half, "damaged"),
        (scribbled, "damaged"),
        (foreign, "not_a_backup"),
        (newer, "newer_version"),
        (dir.join("missing.db"), "not_found"),
    ] {
        let err = d.store.restore_backup(&file).unwrap_err();
        assert_eq!(file_code(&err), code, "{}: {err}", file.display());
        assert!(err.to_string().contains(&file.display().to_string()), "{err}");
        assert_eq!(d.count("SELECT count(*) FROM customers"), before);
    }
    // Nothing was set aside for a refused restore.
    let aside = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("before-restore"))
        .count();
    assert_eq!(aside, 0);
    assert_eq!(inspect(std::path::Path::new(&good.path), true).unwrap().counts.customers, before);
}

/// A chosen folder that is not there (a USB disk unplugged) is not created on this disk; the
/// failure is remembered and the desk says a backup is overdue after two days.
#[test]
fn missing_folder_and_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = desk_with_clock(dir.path());
    let status = store.backup_status().unwrap();
    assert!(!status.overdue && !status.folder_chosen, "an empty desk has nothing to lose");
    assert!(status.folder.ends_with(frontdesk_core::backup::DEFAULT_FOLDER));
    store.create_customer(&me(), &input("Ann", "Lee", None, None)).unwrap();
    assert!(store.backup_status().unwrap().overdue);
    // The default folder is made on first use.
    store.backup_now(None).unwrap();
    assert!(!store.backup_status().unwrap().overdue);

    let usb = dir.path().join("media").join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    store.set_backup_folder(Some(usb.to_str().unwrap())).unwrap();
    std::fs::remove_dir_all(dir.path().join("media")).unwrap();
    clock.advance(DAY);
    let err = store.backup_now(None).unwrap_err();
    assert_eq!(file_code(&err), "backup_folder_missing", "{err}");
    assert!(!usb.exists(), "not made on this computer's disk");
    let status = store.backup_status().unwrap();
    assert!(status.last_failure.as_ref().unwrap().message.contains("not there"), "{status:?}");
    assert!(!status.overdue);
    clock.advance(DAY + 1);
    assert!(store.backup_status().unwrap().overdue);

    // A folder setting must be a real, absolute folder.
    for (bad, code) in [("relative/dir", "not_absolute"), ("/no/such/folder/anywhere", "not_a_folder")] {
        match store.set_backup_folder(Some(bad)) {
            Err(CoreError::Validation { field, code: c, .. }) => {
                assert_eq!((field.as_str(), c.as_str()), ("backup_folder", code))
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // Back to the default folder.
    assert!(!store.set_backup_folder(None).unwrap().folder_chosen);
    let b = store.backup_now(None).unwrap();
    assert_eq!(rotation::taken_at(&b.name), Some(clock.now_ms()));
}
