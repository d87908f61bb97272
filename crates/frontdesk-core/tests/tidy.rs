//! The desk's idle tidying (`Store::tidy_step`): saves leave the write-ahead log and the search
//! segments to it; it merges the segments, then writes the log back into the database once a few
//! dozen saves have gathered, without changing any answer.

mod common;

/// The database file itself (not its log).
fn database_file(d: &common::Desk) -> Vec<u8> {
    std::fs::read(d.dir.path().join("desk.db")).unwrap()
}

fn tidy(d: &common::Desk) -> usize {
    let mut steps = 1;
    while d.store.tidy_step().unwrap() {
        steps += 1;
        assert!(steps < 1000, "tidying does not finish");
    }
    steps
}

#[test]
fn saves_leave_the_log_to_the_idle_tidying() {
    let d = common::desk();
    tidy(&d);
    let answers = |d: &common::Desk| -> Vec<Vec<String>> {
        ["ann", "smi", "900 01", "example.c"].iter().map(|q| d.find(q)).collect()
    };
    let save = |i: usize| {
        d.add(
            ["Ann", "Sam"][i % 2],
            &format!("Smith{i}"),
            Some(&format!("p{i}@example.com")),
            Some(&format!("+44 7700 900{i:03}")),
        );
    };
    for i in 0..10 {
        save(i);
    }
    let file = database_file(&d);
    // A few saves: their segments are merged, the log is left for later.
    tidy(&d);
    assert!(database_file(&d) == file, "ten saves are not written back yet");
    for i in 10..80 {
        save(i);
    }
    // Saves do not write the log back themselves (the database file is as it was)...
    assert!(database_file(&d) == file, "a save wrote the log back");
    let before = answers(&d);
    assert!(before.iter().all(|a| !a.is_empty()), "{before:?}");
    // ...the tidying does, and nothing changes for searching.
    assert!(tidy(&d) > 1, "eighty saves left segments to merge");
    assert!(database_file(&d) != file, "the log was written back");
    assert_eq!(answers(&d), before);
    assert_eq!(d.count("SELECT count(*) FROM customers"), 80);
}

/// Another connection still reading an older snapshot (the app's list, another process) stops
/// the write-back short; the tidying tries again later instead of forgetting the saves.
#[test]
fn a_write_back_stopped_by_a_reader_is_tried_again() {
    let d = common::desk();
    // The log empty: the reader's snapshot is the database file itself.
    d.store.with_writer_connection(|c| Ok(c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?)).unwrap();
    let reader = rusqlite::Connection::open(d.dir.path().join("desk.db")).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let before: i64 = reader.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap();
    for i in 0..60 {
        d.add("Ann", &format!("Smith{i}"), None, None);
    }
    let file = database_file(&d);
    tidy(&d);
    assert!(database_file(&d) == file, "written back past the reader's snapshot");
    // The reader still sees its snapshot; once it is done, the next tidying writes back.
    assert_eq!(reader.query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0)).unwrap(), before);
    reader.execute_batch("COMMIT").unwrap();
    tidy(&d);
    assert!(database_file(&d) != file, "the write-back was not tried again");
    assert_eq!(d.count("SELECT count(*) FROM customers"), before + 60);
}
