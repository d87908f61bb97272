//! The `frontdesk` binary end to end, on real database files.

use std::io::Write;
use std::process::{Command, Stdio};

fn frontdesk(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_frontdesk")).arg("--db").arg(db).args(args).output().expect("run frontdesk");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn seed_search_show_export_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "400", "--seed", "3"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Added 400 demo customers"), "{out}");

    // Batch search: one JSON line per query, with the core's own time.
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .arg("--db")
        .arg(&db)
        .args(["search", "--batch", "--limit", "5"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a\nxqzxqz\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["query"], "a");
    assert!(lines[0]["total"].as_u64().unwrap() > 0);
    assert_eq!(lines[0]["ids"].as_array().unwrap().len(), 5);
    assert!(lines[0]["took_us"].as_u64().is_some());
    assert_eq!(lines[1]["total"], 0);

    // Show by the id a search returned.
    let id = lines[0]["ids"][0].as_str().unwrap().to_string();
    let (ok, out, _) = frontdesk(&db, &["show", &id, "--json"]);
    assert!(ok);
    let detail: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(detail["customer"]["id"], id.as_str());
    assert_eq!(detail["timeline"][0]["kind"], "imported");
    assert_eq!(detail["timeline"][0]["import_file"], "demo data (seed 3)");

    // Export, then import into an empty database: same export.
    let csv = dir.path().join("all.csv");
    let (ok, _, err) = frontdesk(&db, &["export", "--out", csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    let db2 = dir.path().join("second.db");
    let (ok, out, err) = frontdesk(&db2, &["import", csv.to_str().unwrap(), "--json"]);
    assert!(ok, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["imported"], 400);
    let (_, a, _) = frontdesk(&db, &["export", "--format", "json"]);
    let (_, b, _) = frontdesk(&db2, &["export", "--format", "json"]);
    assert_eq!(a.lines().count(), 400);
    for (x, y) in a.lines().zip(b.lines()) {
        assert!(x == y, "the re-imported record differs:\n{x}\n{y}");
    }
}

#[test]
fn import_reports_rejected_rows_and_bad_files_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let file = dir.path().join("clients.csv");
    std::fs::write(&file, "Name,Phone Number,Email\nAnn Lee,07911 123456,ann@example.com\nBob Ray,12,bob@example.com\n").unwrap();
    let (ok, out, err) = frontdesk(&db, &["import", file.to_str().unwrap(), "--region", "GB"]);
    assert!(ok, "{err}");
    assert!(out.contains("Imported 1 of 2 rows"), "{out}");
    let errors = std::fs::read_to_string(dir.path().join("clients.errors.csv")).unwrap();
    assert!(errors.contains("3,phone,invalid_phone"), "{errors}");

    std::fs::write(&file, "Name,Email\nAnn Lee,ann@example.com,extra\n").unwrap();
    let (ok, _, err) = frontdesk(&db, &["import", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("line 2") && err.contains("nothing was imported"), "{err}");

    let (ok, _, err) = frontdesk(&db, &["import", file.to_str().unwrap(), "--map", "Email=favourite_colour"]);
    assert!(!ok);
    assert!(err.contains("not a field"), "{err}");
}
