//! Backups in the real window: the top bar's warning, backing up into a chosen folder,
//! restoring a backup with a typed confirmation (the desk as it was set aside), a file that is
//! not a backup refused, the full export, and the backup made on quit. Screenshots go to target/e2e-screenshots/.

use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_e2e::Window;

fn customer(first: &str, last: &str) -> CustomerInput {
    CustomerInput { first_name: first.into(), last_name: last.into(), ..Default::default() }
}

#[tokio::test]
async fn back_up_restore_and_take_everything_along() {
    let w = Window::open("backups", |s| {
        frontdesk_core::seed::seed(s, 40, 3, &mut |_| {}).unwrap();
        s.create_customer(&Actor::new("setup"), &customer("Ann", "Lee")).unwrap();
    })
    .await;
    let live = |w: &Window| w.query_i64("SELECT count(*) FROM customers WHERE archived_at IS NULL", &[]);
    let before = live(&w);

    // A desk with customers and no backup says so in the top bar.
    let warning = w.text_until("backup-warning", |t| t.contains("No backup yet")).await;
    assert!(warning.contains("No backup"), "{warning}");
    w.click("backup-warning").await;
    w.testid("backups").await;

    // Backups into a folder of the owner's choosing (as a USB disk would be).
    let usb = tempfile::tempdir().unwrap();
    w.fill("backup_folder", &usb.path().display().to_string()).await;
    w.click("save-backup-folder").await;
    w.text_until("backup-done", |t| t.contains("Backups go to")).await;
    w.click("backup-now").await;
    let done = w.text_until("backup-done", |t| t.contains("checked")).await;
    assert!(done.contains(&format!("{before} customers")), "{done}");
    w.until("the warning gone", || async { (!w.has("[data-testid=backup-warning]").await).then_some(()) }).await;
    w.until("the backup listed", || async { (w.texts("[data-testid=backup-row]").await.len() == 1).then_some(()) })
        .await;
    let files: Vec<_> = std::fs::read_dir(usb.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(w.testid("backup-last").await.text().await.unwrap().contains("just now"));
    w.shot("backups").await;

    // A customer added after the backup...
    w.click("new-customer").await;
    w.fill("first_name", "Zed").await;
    w.fill("last_name", "Later").await;
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Zed Later").await;
    assert_eq!(live(&w), before + 1);

    // ... is gone after restoring it, and kept in the copy set aside.
    w.click("settings").await;
    w.until("the backup listed", || async { (w.texts("[data-testid=backup-row]").await.len() == 1).then_some(()) })
        .await;
    w.click("restore-backup").await;
    let counts = w.text_until("restore-counts", |t| !t.is_empty()).await;
    assert!(counts.contains(&format!("{before} customers")), "{counts}");
    assert!(
        w.testid("restore-confirm").await.attr("disabled").await.unwrap().is_some(),
        "not before the word is typed"
    );
    w.fill("restore_confirmation", "restore").await;
    assert!(w.testid("restore-confirm").await.attr("disabled").await.unwrap().is_some(), "the word in capitals");
    w.fill("restore_confirmation", "RESTORE").await;
    w.shot("restore-dialog").await;
    w.click("restore-confirm").await;
    let restored = w.text_until("backup-done", |t| t.contains("Restored")).await;
    assert_eq!(live(&w), before);
    let aside = restored.split("kept at ").nth(1).unwrap().trim_end_matches('.').to_string();
    let conn = rusqlite::Connection::open(&aside).unwrap();
    let zed: i64 =
        conn.query_row("SELECT count(*) FROM customers WHERE last_name = 'Later'", [], |r| r.get(0)).unwrap();
    assert_eq!(zed, 1, "the desk as it was is kept");
    w.search("zed later").await;
    w.rows_until("no Zed", |r| r.is_empty()).await;
    w.search("ann lee").await;
    w.rows_until("Ann", |r| r.first().is_some_and(|x| x.contains("Ann Lee"))).await;

    // A file that is not a backup is refused with a reason; nothing changes.
    w.click("settings").await;
    let junk = usb.path().join("clients.db");
    std::fs::write(&junk, "first_name,last_name\nAnn,Lee\n").unwrap();
    w.fill("restore_path", &junk.display().to_string()).await;
    w.click("restore-other").await;
    let err = w.text_until("error-path", |t| !t.is_empty()).await;
    assert!(err.contains("not a Frontdesk backup"), "{err}");
    assert!(!w.has("[data-testid=restore-dialog]").await);

    // Everything, into a new folder inside the one chosen.
    let out = tempfile::tempdir().unwrap();
    w.fill("export_parent", &out.path().display().to_string()).await;
    w.click("export-everything").await;
    let exported = w.text_until("export-done", |t| t.contains("customers.csv")).await;
    let folder = std::fs::read_dir(out.path()).unwrap().next().unwrap().unwrap().path();
    assert!(folder.file_name().unwrap().to_string_lossy().starts_with("frontdesk-export-"), "{}", folder.display());
    let rows = csv::Reader::from_path(folder.join("customers.csv")).unwrap().records().count() as i64;
    assert_eq!(rows, w.query_i64("SELECT count(*) FROM customers", &[]));
    assert!(folder.join("frontdesk-export.json").exists() && folder.join("appointments.csv").exists(), "{exported}");
    w.shot("export-everything").await;

    // A change, then the PC shuts down: the app backs up on its way out.
    w.click("new-customer").await;
    w.fill("first_name", "Quinn").await;
    w.fill("last_name", "Onquit").await;
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Quinn Onquit").await;
    let backups = || {
        std::fs::read_dir(usb.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("frontdesk-backup-"))
            .count()
    };
    assert_eq!(backups(), 1);
    // As the OS asks programs to end when it shuts down.
    let pid = w.app_pid().expect("the app's process");
    std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    let started = std::time::Instant::now();
    while backups() < 2 && started.elapsed() < std::time::Duration::from_secs(20) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(backups(), 2, "a backup on quit");
    let newest = std::fs::read_dir(usb.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("frontdesk-backup-"))
        .max()
        .unwrap();
    let conn = rusqlite::Connection::open(&newest).unwrap();
    let quinn: i64 =
        conn.query_row("SELECT count(*) FROM customers WHERE last_name = 'Onquit'", [], |r| r.get(0)).unwrap();
    assert_eq!(quinn, 1);
    w.close().await;
}
