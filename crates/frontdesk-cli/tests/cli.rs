//! The `frontdesk` binary end to end, on real database files.

use std::io::Write;
use std::process::{Command, Stdio};

fn frontdesk(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_frontdesk")).arg("--db").arg(db).args(args).output().expect("run frontdesk");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `frontdesk --db DB ARGS` with `input` on its standard input; `None`: its output is
/// closed before it writes (a reader that went away).
fn frontdesk_piped(db: &std::path::Path, args: &[&str], input: Option<&[u8]>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match input {
        Some(input) => child.stdin.take().unwrap().write_all(input).unwrap(),
        None => drop(child.stdout.take()),
    }
    child.wait_with_output().unwrap()
}

#[test]
fn seed_search_show_export_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "400", "--seed", "3", "--appointments-per-customer", "0"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Added 400 demo customers"), "{out}");

    // Batch search: one JSON line per query, with the core's own time.
    let out = frontdesk_piped(&db, &["search", "--batch", "--limit", "5"], Some(b"a\nxqzxqz\n"));
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
    std::fs::write(
        &file,
        "Name,Phone Number,Email\nAnn Lee,07911 123456,ann@example.com\nBob Ray,12,bob@example.com\n",
    )
    .unwrap();
    let (ok, out, err) = frontdesk(&db, &["import", file.to_str().unwrap(), "--region", "GB"]);
    assert!(ok, "{err}");
    // A bad phone costs only the phone: the customer is in, the value is in the errors file.
    assert!(out.contains("Imported 2 of 2 rows") && out.contains("1 customer was imported without a value"), "{out}");
    let errors = std::fs::read_to_string(dir.path().join("clients.errors.csv")).unwrap();
    assert!(errors.contains("3,phone,invalid_phone") && errors.contains(",12,imported as "), "{errors}");
    // Dates written day first, proven by the values; a bad --date-order is said so.
    let dated = dir.path().join("dated.csv");
    std::fs::write(&dated, "First Name,Date of Birth,Blocked,Note\nCy,14/03/1988,Yes,Owes £20\nDi,03/05/1990,No,\n")
        .unwrap();
    let (ok, out, err) = frontdesk(&db, &["import", dated.to_str().unwrap(), "--region", "GB"]);
    assert!(ok, "{err}");
    assert!(out.contains("Dates in Date of Birth read as DD/MM/YYYY: the values prove it"), "{out}");
    let (ok, out, _) = frontdesk(&db, &["export"]);
    let di = out.lines().find(|l| l.contains(",Di,")).unwrap_or_default();
    assert!(ok && di.contains("1990-05-03"), "{out}");
    let cy = out.lines().find(|l| l.contains(",Cy,")).unwrap_or_default();
    assert!(cy.contains("1988-03-14") && cy.contains("blocked") && cy.contains("Owes £20"), "{cy}");
    let (ok, _, err) = frontdesk(&db, &["import", dated.to_str().unwrap(), "--date-order", "sideways"]);
    assert!(!ok && err.contains("not a date order"), "{err}");

    // Branches: a named one sent to the desk's, rows naming none to a chosen one; two rows
    // with one phone both come in, listed as a pair.
    let branched = dir.path().join("branched.csv");
    std::fs::write(&branched, "First Name,Mobile,Location\nEd,07700 900001,Leeds City\nFay,07700 900001,\n").unwrap();
    let (ok, _, err) = frontdesk(&db, &["import", branched.to_str().unwrap(), "--branch-map", "Leeds City=Nowhere"]);
    assert!(!ok && err.contains("no branch \"Nowhere\""), "{err}");
    let (ok, out, err) = frontdesk(
        &db,
        &[
            "import",
            branched.to_str().unwrap(),
            "--branch-map",
            "Leeds City=main",
            "--branch",
            "Main",
            "--region",
            "GB",
        ],
    );
    assert!(ok, "{err}");
    assert!(!out.contains("New branches"), "{out}");
    assert!(out.contains("line 2") && out.contains("line 3") && out.contains("phone +447700900001"), "{out}");

    std::fs::write(&file, "Name,Email\nAnn Lee,ann@example.com,extra\n").unwrap();
    let (ok, _, err) = frontdesk(&db, &["import", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("line 2") && err.contains("nothing was imported"), "{err}");

    let (ok, _, err) = frontdesk(&db, &["import", file.to_str().unwrap(), "--map", "Email=favourite_colour"]);
    assert!(!ok);
    assert!(err.contains("not a field"), "{err}");

    // A file that is not there, or a bad --map, changes nothing: no new desk.
    let fresh = dir.path().join("fresh.db");
    let (ok, _, err) = frontdesk(&fresh, &["import", dir.path().join("nope.csv").to_str().unwrap()]);
    assert!(!ok && err.contains("There is no file"), "{err}");
    let (ok, _, err) = frontdesk(&fresh, &["import", file.to_str().unwrap(), "--map", "Email"]);
    assert!(!ok && err.contains("write it as"), "{err}");
    assert!(!fresh.exists());
}

#[test]
fn seeded_history_lists_by_stats_and_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "300", "--seed", "4"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("appointments and") && out.contains("orders"), "{out}");

    // The biggest spender first, with the core's time and the total.
    let (ok, out, err) = frontdesk(&db, &["list", "--sort", "total_spent", "--desc", "--limit", "5", "--json"]);
    assert!(ok, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(list["took_us"].as_u64().is_some());
    assert_eq!(list["total"], 300);
    let ids: Vec<String> = list["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 5);
    let spent = |id: &str| {
        let (ok, out, err) = frontdesk(&db, &["show", id, "--json"]);
        assert!(ok, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let top = spent(&ids[0]);
    let second = spent(&ids[1]);
    assert!(
        top["stats"]["total_spent_minor"].as_i64().unwrap() >= second["stats"]["total_spent_minor"].as_i64().unwrap()
    );
    let stats = &top["stats"];
    for key in [
        "visits",
        "appointment_count",
        "cancellations",
        "late_cancellations",
        "no_shows",
        "total_spent_minor",
        "refunded_minor",
        "loyalty_points",
    ] {
        assert!(stats[key].is_i64(), "stats.{key} missing: {stats}");
    }
    assert!(stats.get("last_visit_at").is_some() && stats.get("next_appointment_at").is_some(), "{stats}");
    let appointments = top["appointments"].as_array().unwrap();
    assert_eq!(appointments.len() as i64, stats["appointment_count"].as_i64().unwrap());
    for a in appointments {
        assert!(
            a["status"].is_string()
                && a["starts_at"].is_string()
                && a["price_minor"].is_i64()
                && a["late_cancel"].is_boolean(),
            "{a}"
        );
    }
    let finished = appointments.iter().filter(|a| a["status"] == "finished").count() as i64;
    assert_eq!(finished, stats["visits"].as_i64().unwrap());
    let orders = top["orders"].as_array().unwrap();
    assert!(!orders.is_empty());
    let kept: i64 =
        orders.iter().map(|o| o["paid_minor"].as_i64().unwrap() - o["refunded_minor"].as_i64().unwrap()).sum();
    assert_eq!(kept, stats["total_spent_minor"].as_i64().unwrap());
    for o in orders {
        assert!(o["status"].is_string() && o["total_minor"].is_i64(), "{o}");
    }

    // Activity filters agree with what the profiles say.
    let (ok, out, _) = frontdesk(&db, &["list", "--activity", "never", "--limit", "500", "--json"]);
    assert!(ok);
    let never: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first_never = never["ids"][0].as_str().unwrap().to_string();
    assert_eq!(spent(&first_never)["stats"]["visits"], 0);
    let (ok, out, _) = frontdesk(&db, &["list", "--activity", "upcoming", "--json"]);
    assert!(ok);
    let upcoming: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first_upcoming = upcoming["ids"][0].as_str().unwrap().to_string();
    assert!(spent(&first_upcoming)["stats"]["next_appointment_at"].is_string());
    assert!(never["total"].as_u64().unwrap() + upcoming["total"].as_u64().unwrap() > 0);

    // Bad input: a clear error, not a panic.
    let (ok, _, err) = frontdesk(&db, &["list", "--activity", "visited:zero"]);
    assert!(!ok && err.contains("visited:DAYS"), "{err}");
    let (ok, _, err) = frontdesk(&db, &["list", "--branch", "nowhere"]);
    assert!(!ok && err.contains("no branch"), "{err}");

    // Every customer's running stats equal a recomputation.
    let (ok, out, err) = frontdesk(&db, &["check-stats"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("0 mismatches"), "{out}");
}

#[test]
fn the_database_is_never_an_export_target_and_reading_needs_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "50", "--appointments-per-customer", "0"]);
    assert!(ok, "{out}{err}");
    for target in [db.clone(), dir.path().join("desk.db-wal"), dir.path().join(".").join("desk.db")] {
        let (ok, _, err) = frontdesk(&db, &["export", "--out", target.to_str().unwrap()]);
        assert!(!ok, "exporting onto {} was allowed", target.display());
        assert!(err.contains("is the desk's database"), "{err}");
    }
    let (ok, out, _) = frontdesk(&db, &["list", "--json", "--limit", "100"]);
    assert!(ok, "{out}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"], 50, "the desk is whole");

    // An export replaces a file only when it is complete, through a link onto its target, and
    // leaves nothing else behind; a device is written directly; a missing folder is named.
    let out_file = dir.path().join("out.csv");
    std::fs::write(&out_file, "earlier export").unwrap();
    let (ok, _, err) = frontdesk(&dir.path().join("missing.db"), &["export", "--out", out_file.to_str().unwrap()]);
    assert!(!ok && err.contains("no desk database at"), "{err}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "earlier export");
    let link = dir.path().join("latest.csv");
    std::os::unix::fs::symlink(&out_file, &link).unwrap();
    let (ok, _, err) = frontdesk(&db, &["export", "--out", link.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&out_file).unwrap().lines().count(), 51);
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.retain(|n| !n.starts_with("desk.db"));
    names.sort();
    assert_eq!(names, vec!["latest.csv", "out.csv"]);
    let (ok, _, err) = frontdesk(&db, &["export", "--out", "/dev/null"]);
    assert!(ok, "{err}");
    let (ok, _, err) = frontdesk(&db, &["export", "--out", dir.path().join("no/such/folder.csv").to_str().unwrap()]);
    assert!(!ok && err.contains("does not exist"), "{err}");

    // Reading commands on a mistyped path: an error, and no new empty desk.
    let typo = dir.path().join("deks.db");
    for args in [&["search", "zoe"][..], &["show", "QKM-1"], &["list"], &["export"], &["check-stats"]] {
        let (ok, out, err) = frontdesk(&typo, args);
        assert!(!ok, "{args:?}: {out}");
        assert!(err.contains("There is no desk database at") && err.contains("deks.db"), "{err}");
    }
    assert!(!typo.exists());
}

#[test]
fn output_into_a_closed_pipe_and_odd_batch_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, _, err) = frontdesk(&db, &["seed", "--count", "300", "--appointments-per-customer", "0"]);
    assert!(ok, "{err}");
    // The reader stops after nothing (like `| head -0`): no panic message.
    let out = frontdesk_piped(&db, &["search", "a", "--limit", "500"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");

    // Output that cannot be written (a full disk): a clear error and a failing exit, no panic.
    for args in [&["search", "a"][..], &["list"], &["export"], &["show", "NOPE-1"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && !err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("No space left on device") || err.contains("was not found"), "{args:?}: {err}");
    }

    // A line in another encoding is answered with an error line; the lines after it are searched.
    let out = frontdesk_piped(&db, &["search", "--batch"], Some(b"a\n\xff\xfe\r\nb\r\n"));
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2 of the input is not UTF-8"), "{}", lines[1]);
    assert_eq!(lines[2]["query"], "b");
    assert!(lines[2]["total"].as_u64().unwrap() > 0);
    let (ok, _, err) = frontdesk(&db, &["search", "--batch", "zoe"]);
    assert!(!ok && err.contains("--batch reads its queries from standard input"), "{err}");
}

/// Rows of a CSV file (without its header).
fn csv_rows(path: &std::path::Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path).unwrap().records().map(|r| r.unwrap()).collect()
}

/// `export --everything`: every record of every kind, in CSV files and one JSON file, whose
/// counts and sums are the database's; a folder with files in it is never written into.
#[test]
fn export_everything_takes_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "150", "--seed", "5", "--appointments-per-customer", "3"]);
    assert!(ok, "{out}{err}");
    // An archived customer leaves with the rest.
    let archived = {
        let store = frontdesk_core::Store::open(&db, frontdesk_core::store::Sources::default()).unwrap();
        let code: String = store
            .read(|r| Ok(r.conn().query_row("SELECT code FROM customers ORDER BY seq LIMIT 1", [], |x| x.get(0))?))
            .unwrap();
        let c = store.customer(&code).unwrap();
        store.archive_customer(&frontdesk_core::customers::Actor::new("test"), c.id).unwrap();
        c.id.to_string()
    };
    // The business's own fields and its segments leave with it too.
    for args in [
        &["fields", "add", "Hair type", "--kind", "choice", "--option", "Curly", "--option", "Wavy"][..],
        &["segments", "add", "Regulars", "--where", "visits > 2"],
    ] {
        let (ok, out, err) = frontdesk(&db, args);
        assert!(ok, "{args:?}: {out}{err}");
    }
    let folder = dir.path().join("leaving");
    let (ok, out, err) = frontdesk(&db, &["export", "--everything", "--out", folder.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("frontdesk-export.json")).unwrap()).unwrap();
    assert_eq!(json["format"], "frontdesk-export");
    for (file, sql) in [
        ("customers", "SELECT count(*) FROM customers"),
        ("appointments", "SELECT count(*) FROM appointments"),
        ("orders", "SELECT count(*) FROM orders"),
        ("order_lines", "SELECT count(*) FROM order_lines"),
        ("payments", "SELECT count(*) FROM payments"),
        ("refunds", "SELECT count(*) FROM refunds"),
        ("loyalty", "SELECT count(*) FROM loyalty"),
        (
            "timeline",
            "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM customers WHERE import_id IS NOT NULL)",
        ),
        ("services", "SELECT count(*) FROM services"),
        ("customer_fields", "SELECT count(*) FROM custom_fields"),
        ("segments", "SELECT count(*) FROM segments"),
    ] {
        let n = count(sql);
        assert!(n > 0 || file == "refunds", "the seeded desk has {file}");
        assert_eq!(csv_rows(&folder.join(format!("{file}.csv"))).len() as i64, n, "{file}.csv");
        assert_eq!(json[file].as_array().unwrap().len() as i64, n, "{file} in the JSON file");
        assert!(out.contains(&format!("{file}.csv")), "{out}");
    }
    assert_eq!(json["customer_fields"][0]["options"], "Curly | Wavy");
    assert_eq!(json["segments"][0]["conditions"][0]["field"], "visits", "conditions as JSON");
    // Records refer to each other by id; money adds up; the archived customer is there.
    let customers: std::collections::HashSet<&str> =
        json["customers"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(customers.contains(archived.as_str()));
    let row = json["customers"].as_array().unwrap().iter().find(|c| c["id"] == archived.as_str()).unwrap();
    assert!(row["archived_at"].is_string(), "{row}");
    assert!(json["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| customers.contains(a["customer_id"].as_str().unwrap())));
    let orders: std::collections::HashSet<&str> =
        json["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    let paid: i64 = json["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert!(orders.contains(p["order_id"].as_str().unwrap()));
            p["amount_minor"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(paid, count("SELECT sum(amount_minor) FROM payments"));
    let statuses: std::collections::HashSet<&str> =
        json["appointments"].as_array().unwrap().iter().map(|a| a["status"].as_str().unwrap()).collect();
    assert!(statuses.contains("finished"), "{statuses:?}");
    assert!(json["timeline"][0]["at"].as_str().unwrap().ends_with('Z'));
    // The CSV's archived_at column says the same.
    let header = csv::Reader::from_path(folder.join("customers.csv")).unwrap().headers().unwrap().clone();
    let at = header.iter().position(|h| h == "archived_at").unwrap();
    assert_eq!(csv_rows(&folder.join("customers.csv")).iter().filter(|r| !r[at].is_empty()).count(), 1);

    // A folder that holds files is not written into; nothing there changes.
    let before = std::fs::read(folder.join("customers.csv")).unwrap();
    let (ok, _, err) = frontdesk(&db, &["export", "--everything", "--out", folder.to_str().unwrap()]);
    assert!(!ok && err.contains("already holds files"), "{err}");
    assert_eq!(std::fs::read(folder.join("customers.csv")).unwrap(), before);
    let (ok, _, err) =
        frontdesk(&db, &["export", "--everything", "--out", folder.join("customers.csv").to_str().unwrap()]);
    assert!(!ok && err.contains("is a file"), "{err}");
    let (ok, _, err) = frontdesk(&db, &["export", "--everything"]);
    assert!(!ok && err.contains("--out"), "{err}");
    let (ok, _, err) = frontdesk(&db, &["export", "--everything", "--format", "json", "--out", "x"]);
    assert!(!ok && err.contains("--format"), "{err}");
    // An empty folder is fine; no staging folder is left beside it.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (ok, out, err) = frontdesk(&db, &["export", "--everything", "--out", empty.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    assert_eq!(std::fs::read(empty.join("customers.csv")).unwrap(), before);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `backup now`, `backup list`, `restore`: a backup made while another process holds the desk,
/// a restore that asks for --yes, refuses beside a running app, and brings the records back.
#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "60", "--seed", "3"]);
    assert!(ok, "{out}{err}");
    let usb = dir.path().join("usb");
    let customers = |db: &std::path::Path| -> i64 {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).unwrap()
    };

    // Beside a process that has the desk open (as the app would), the backup is still made.
    let holder = frontdesk_core::Store::open(&db, frontdesk_core::store::Sources::default()).unwrap();
    let (ok, out, err) = frontdesk(&db, &["backup", "now", "--to", usb.to_str().unwrap(), "--json"]);
    assert!(ok, "{out}{err}");
    let info: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(info["counts"]["customers"], 60);
    let file = info["path"].as_str().unwrap().to_string();
    let (ok, out, _) = frontdesk(&db, &["backup", "list", "--in", usb.to_str().unwrap(), "--json"]);
    assert!(ok);
    assert_eq!(out.lines().count(), 1);
    assert!(out.contains(&file), "{out}");
    // ... but a restore waits for it to close.
    let (ok, _, err) = frontdesk(&db, &["restore", &file, "--yes"]);
    assert!(!ok && err.contains("has the desk open"), "{err}");
    drop(holder);

    let (ok, out, err) = frontdesk(&db, &["seed", "--count", "25", "--seed", "4"]);
    assert!(ok, "{out}{err}");
    let more = customers(&db);
    assert!(more > 60);
    // Without --yes nothing changes.
    let (ok, out, err) = frontdesk(&db, &["restore", &file]);
    assert!(
        !ok && err.contains("--yes") && out.contains("60 customers") && out.contains(&format!("{more} customers")),
        "{out}{err}"
    );
    assert_eq!(customers(&db), more);
    // A file that is not a backup is refused.
    let bad = dir.path().join("clients.csv");
    std::fs::write(&bad, "first_name,last_name\nAnn,Lee\n").unwrap();
    let (ok, _, err) = frontdesk(&db, &["restore", bad.to_str().unwrap(), "--yes"]);
    assert!(!ok && err.contains("not a Frontdesk backup"), "{err}");
    // With --yes the backup's records are back; the others are kept beside the database.
    let (ok, out, err) = frontdesk(&db, &["restore", &file, "--yes"]);
    assert!(ok, "{out}{err}");
    assert_eq!(customers(&db), 60);
    let aside = out
        .lines()
        .last()
        .unwrap()
        .trim_start_matches("Restored. The desk as it was is kept at ")
        .trim_end_matches('.');
    assert_eq!(customers(std::path::Path::new(aside)), more);
    let (ok, out, err) = frontdesk(&db, &["check-stats"]);
    assert!(ok, "{out}{err}");

    // The backup folder setting: a missing folder is refused; status says where they go.
    let (ok, _, err) = frontdesk(&db, &["backup", "folder", dir.path().join("nope").to_str().unwrap()]);
    assert!(!ok && err.contains("not a folder"), "{err}");
    let (ok, out, _) = frontdesk(&db, &["backup", "folder", usb.to_str().unwrap()]);
    assert!(ok && out.contains(usb.to_str().unwrap()), "{out}");
    let (ok, out, err) = frontdesk(&db, &["backup", "now"]);
    assert!(ok, "{out}{err}");
    let (ok, out, _) = frontdesk(&db, &["backup", "status"]);
    assert!(ok && out.contains("Last good backup") && out.contains("60 customers"), "{out}");
}

#[test]
fn custom_fields_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let run = |args: &[&str]| {
        let (ok, out, err) = frontdesk(&db, args);
        assert!(ok, "{args:?}: {out}{err}");
        out
    };
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "First name,Last name\nAnn,Lee\n").unwrap();
    run(&["import", csv.to_str().unwrap()]);
    let code = run(&["search", "ann lee", "--json"]);
    let code = code.split("\"code\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // A standard field's name is refused, saying why.
    let (ok, _, err) = frontdesk(&db, &["fields", "add", "Mobile"]);
    assert!(!ok && err.contains("phone"), "{err}");
    run(&["fields", "add", "Hair type", "--kind", "choice", "--option", "Curly", "--option", "Straight"]);
    run(&["set", &code, "Hair type=curly"]);
    run(&["set", &code, "Hair type=Straight"]);
    let shown = run(&["show", &code]);
    assert!(shown.contains("Hair type: Straight"), "{shown}");
    assert!(shown.contains("Hair type: Curly → Straight"), "the timeline names the field by its label: {shown}");
    // Made required later: an edit of another field asks for it, saying so.
    run(&["fields", "add", "Patch test", "--kind", "date", "--required", "yes"]);
    let (ok, _, err) = frontdesk(&db, &["set", &code, "Hair type=Curly"]);
    assert!(!ok && err.contains("Patch test") && err.contains("add 'Patch test=…'"), "{err}");
    // Deleting asks for archiving first, before anything else.
    let (ok, _, err) = frontdesk(&db, &["fields", "delete", "Hair type"]);
    assert!(!ok && err.contains("fields archive hair_type"), "{err}");
    // A file none of whose rows come in fails the command.
    std::fs::write(&csv, "First name,Email\n,x@example.com\n").unwrap();
    let (ok, out, err) = frontdesk(&db, &["import", csv.to_str().unwrap()]);
    assert!(!ok && err.contains("None of the 1 rows"), "{out}{err}");
}

#[test]
fn segments_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let run = |args: &[&str]| {
        let (ok, out, err) = frontdesk(&db, args);
        assert!(ok, "{args:?}: {out}{err}");
        out
    };
    run(&["seed", "--count", "300", "--seed", "5"]);
    let (ok, _, err) = frontdesk(&db, &["segments", "add", "Odd", "--where", "visits about 3"]);
    assert!(!ok && err.contains("not an operator"), "{err}");
    run(&["segments", "add", "Regulars", "--where", "visits > 3"]);
    let listed = run(&["segments", "list"]);
    let n: u64 = listed.split_whitespace().skip_while(|w| *w != "Regulars").nth(1).unwrap().parse().unwrap();
    let searched = run(&["search", "--where", "visits > 3", "--limit", "1"]);
    assert!(searched.starts_with(&format!("{n} found")), "{searched} vs {listed}");
    let out = dir.path().join("regulars.csv");
    run(&["export", "--segment", "regulars", "--out", out.to_str().unwrap()]);
    assert_eq!(csv_rows(&out).len() as u64, n);
    run(&["segments", "edit", "regulars", "--name", "Loyal", "--where", "visits > 5"]);
    assert!(run(&["segments", "show", "loyal"]).contains("visits greater 5"));
    run(&["segments", "delete", "loyal"]);
    assert!(run(&["segments", "list"]).contains("No segments yet"));
}
