//! Several processes (the desktop app, the CLI, a second window) open one desk database.

use std::sync::Arc;

use frontdesk_core::store::{Sources, Store};

/// Opening a desk that is already set up only reads; the first opening of a new one takes the
/// write lock before it reads. Either way no opening fails with "database is locked" because
/// another opened it at the same moment.
#[test]
fn opening_one_database_from_several_places_at_once_never_fails() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..15 {
        let path = Arc::new(dir.path().join(format!("desk-{}.db", round % 3)));
        if round % 3 == 0 {
            // A database that exists with its schema but no desk set up yet.
            drop(Store::open(path.as_ref(), Sources::default()).unwrap());
            let c = rusqlite::Connection::open(path.as_ref()).unwrap();
            c.execute_batch("DELETE FROM settings; DELETE FROM code_prefixes; DELETE FROM devices;").unwrap();
        }
        let opened: Vec<_> = (0..4)
            .map(|_| {
                let path = Arc::clone(&path);
                std::thread::spawn(move || Store::open(path.as_ref(), Sources::default()).map(|s| s.desk().code_prefix))
            })
            .collect();
        let prefixes: Vec<String> = opened.into_iter().map(|t| t.join().unwrap().expect("open")).collect();
        // One desk, set up once: everyone sees the same device prefix.
        assert!(prefixes.windows(2).all(|w| w[0] == w[1]), "{prefixes:?}");
    }
}

/// A database from a newer Frontdesk is refused with a message that says what to do, and is
/// left as it was.
#[test]
fn a_database_from_a_newer_version_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(Store::open(&path, Sources::default()).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    match Store::open(&path, Sources::default()) {
        Err(frontdesk_core::CoreError::Storage { message }) => assert!(message.contains("newer Frontdesk"), "{message}"),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("opened a database of a newer schema"),
    }
    let v: i64 = rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 99);
}
