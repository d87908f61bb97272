//! The desk open in one process (as the app holds it) while this same process opens and closes
//! the database's files through plain `std::fs` (as a file chooser sniffing the folder does),
//! and the `frontdesk` command runs beside it: no acknowledged write may be lost.
//!
//! SQLite's POSIX locks belong to the process and vanish when *any* descriptor of the file is
//! closed in it; a second process then believed it was the last one, wrote the log back and
//! deleted it under the running app, whose later saves went to a deleted file.

use std::io::Read;
use std::process::Command;

use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_core::store::Sources;
use frontdesk_core::Store;

fn frontdesk(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_frontdesk")).arg("--db").arg(db).args(args).output().expect("run frontdesk");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a file chooser does to every file of a folder it shows: open, read a little, close.
fn sniff_folder(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if let Ok(mut f) = std::fs::File::open(&path) {
            let mut head = [0u8; 512];
            let _ = f.read(&mut head);
        }
    }
}

fn integrity(db: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_file_chooser_in_the_apps_process_and_the_command_beside_it_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("try.db");
    let actor = Actor::new("desk");
    let mut codes = Vec::new();
    {
        let store = Store::open(&db, Sources::default()).unwrap();
        for (i, name) in ["Ada", "Brid", "Cian"].iter().enumerate() {
            let input =
                CustomerInput { first_name: name.to_string(), last_name: format!("Walsh{i}"), ..Default::default() };
            codes.push(store.create_customer(&actor, &input).unwrap());
        }
        store.archive_customer(&actor, codes[0].id).unwrap();

        sniff_folder(dir.path());
        // Reading beside the app works and sees the app's last save.
        let (ok, out, err) = frontdesk(&db, &["show", &codes[0].code, "--json"]);
        assert!(ok, "show beside the app: {out}{err}");
        let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(!shown["customer"]["archived_at"].is_null(), "the command sees the archive: {out}");
        let (ok, out, _) = frontdesk(&db, &["search", "Brid", "--json"]);
        assert!(ok);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"], 1);

        // Writing beside the app is refused, naming the process that has the desk open.
        let (ok, out, err) = frontdesk(&db, &["seed", "--count", "5", "--appointments-per-customer", "0"]);
        assert!(!ok, "a second writer was let in: {out}");
        assert!(err.contains("is open in") && err.contains(&std::process::id().to_string()), "{err}");

        sniff_folder(dir.path());
        let (ok, ..) = frontdesk(&db, &["show", &codes[1].code]);
        assert!(ok);

        // The app goes on saving: the restore and a new customer must survive.
        store.restore_customer(&actor, codes[0].id).unwrap();
        let input = CustomerInput { first_name: "Dara".into(), last_name: "Walsh3".into(), ..Default::default() };
        codes.push(store.create_customer(&actor, &input).unwrap());
        let (ok, out, _) = frontdesk(&db, &["search", "Dara", "--json"]);
        assert!(ok);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"],
            1,
            "the command sees the app's new save"
        );

        // Many rounds of the same, each save checked from the other process.
        for round in 0..15u8 {
            sniff_folder(dir.path());
            let name = format!("Round{}", (b'a' + round) as char);
            let input = CustomerInput { first_name: name.clone(), last_name: "Walsh".into(), ..Default::default() };
            codes.push(store.create_customer(&actor, &input).unwrap());
            let (ok, out, err) = frontdesk(&db, &["search", &name, "--json"]);
            assert!(ok, "{err}");
            assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"], 1, "round {round}");
        }
    }
    // After the app closed, its every acknowledged write is in the database.
    assert!(std::fs::metadata(dir.path().join("try.db-wal")).is_err(), "a closed desk leaves no log behind");
    assert_eq!(integrity(&db), "ok");
    let store = Store::open(&db, Sources::default()).unwrap();
    assert_eq!(store.customer(&codes[0].code).unwrap().archived_at, None, "the restore was lost");
    assert_eq!(store.customer(&codes[3].code).unwrap().first_name, "Dara", "the last save was lost");
    for c in &codes[4..] {
        assert!(store.customer(&c.code).is_ok(), "{} was lost", c.code);
    }
    let detail = store.customer_detail(&codes[0].code, 50).unwrap();
    assert!(detail.timeline.iter().any(|e| format!("{e:?}").contains("estore")), "the restore is on the timeline");
}
