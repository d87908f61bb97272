//! Moving a UK salon in, in the real window: a Fresha-style export of 40 clients with
//! DD/MM/YYYY birthdays, notes, blocked flags, "Added" date-times and two locations, through
//! the import preview; then dates shown the UK way, branches renamed and moved, and quick create
//! warning about a number another client holds.

use frontdesk_e2e::{keys, Window};

const FIRST: [&str; 8] = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace"];
const LAST: [&str; 5] = ["Hart", "Shaw", "Booth", "Pratt", "Lowe"];

/// 40 clients as Fresha exports them: line 2 is Amelia Hart, born 14/03/1988, blocked with a
/// note; client 26 holds 07700 900126; 25 in Leeds and 15 in Wakefield.
fn fresha_file() -> String {
    let mut s = String::from("Client ID,First Name,Last Name,Mobile Number,Email,Date of Birth,Note,Blocked,Block Reason,Added,Location,Referral Source,Total Visits,Address,City,Post Code\n");
    for i in 0..40 {
        let (first, last) = (FIRST[i % 8], LAST[i / 8]);
        // Days 1..28: some over 12 (which proves the order), most not.
        let birthday =
            if i == 0 { "14/03/1988".to_string() } else { format!("{:02}/{:02}/19{}", i % 28 + 1, i % 12 + 1, 70 + i) };
        let (note, blocked, reason) = if i == 0 {
            ("Owes £20 — deposit only", "Yes", "")
        } else if i == 7 {
            ("", "TRUE", "Rude to staff")
        } else {
            ("", "No", "")
        };
        let location = if i < 25 { "Leeds" } else { "Wakefield" };
        // Amelia was added in summer (British Summer Time): her "client since" keeps 16:49.
        let added = if i == 0 { "22/08/2021 16:49".to_string() } else { format!("{:02}/03/2021 10:12", i % 28 + 1) };
        let address = if i == 0 { "3 Wood Street,Wakefield,WF1 1HX" } else { ",," };
        s.push_str(&format!(
            "{},{first},{last},07700 9001{:02},{}.{}{i}@example.com,{birthday},{note},{blocked},{reason},{added},{location},Instagram,{},{address}\n",
            900_000 + i,
            i,
            first.to_lowercase(),
            last.to_lowercase(),
            i * 3
        ));
    }
    s
}

#[tokio::test]
async fn a_uk_salon_moves_in_from_fresha_through_the_preview() {
    // The desk's computer is in the UK: summer times are an hour off UTC. (The only test in
    // this binary, so no other test sees the change.)
    std::env::set_var("TZ", "Europe/London");
    std::env::set_var("LANG", "en_GB.UTF-8");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("fresha-clients.csv");
    std::fs::write(&csv, fresha_file()).unwrap();
    let w = Window::open("uk-salon", |_| {}).await;
    w.testid("first-run").await;
    // A new desk on a computer set to British English starts in the United Kingdom.
    w.until("the desk's country from the computer's", || async {
        (w.field("default_region").await.prop("value").await.ok()??.as_str() == "GB").then_some(())
    })
    .await;
    assert_eq!(w.query_i64("SELECT count(*) FROM settings WHERE key = 'default_region' AND value = 'GB'", &[]), 1);

    // The first branch is renamed to where the desk is.
    w.click("settings").await;
    w.css("[data-testid=branch-row][data-code=main] [data-testid=branch-rename]").await.click().await.unwrap();
    w.fill("branch_rename_main", "Leeds").await;
    w.click("branch-rename-save").await;
    w.until("Main renamed", || async {
        w.texts("[data-testid=branch-row]").await.iter().any(|t| t.starts_with("Leeds")).then_some(())
    })
    .await;

    // The preview: every column's target, the dates proven day-first, the two locations.
    w.click("import-csv").await;
    w.fill("import_path", &csv.display().to_string()).await;
    w.click("import-preview-button").await;
    w.testid("import-preview").await;
    let target = |h: &'static str| {
        let w = &w;
        async move { w.field(&format!("import_target_{h}")).await.prop("value").await.unwrap().unwrap_or_default() }
    };
    assert_eq!(target("Date of Birth").await, "birthday");
    assert_eq!(target("Note").await, "remarks");
    assert_eq!(target("Blocked").await, "blocked");
    assert_eq!(target("Added").await, "created_at");
    assert_eq!(target("Location").await, "branch");
    assert_eq!(target("Client ID").await, "extra");
    assert_eq!(target("Total Visits").await, "ignore");
    let dates = w.texts("[data-testid=import-date-order]").await;
    assert!(dates.iter().any(|d| d.starts_with("Date of Birth: DD/MM/YYYY")), "{dates:?}");
    let branches = w.texts("[data-testid=import-file-branch]").await;
    assert_eq!(branches.len(), 2, "{branches:?}");
    assert!(
        branches[0].starts_with("Leeds (25 rows)") && branches[1].starts_with("Wakefield (15 rows)"),
        "{branches:?}"
    );
    // The referral source is not wanted; its column is set to "do not import".
    w.choose("import_target_Referral Source", "ignore").await;
    w.until("the preview read again", || async {
        let why = w.js("return [...document.querySelectorAll('[data-testid=import-column]')].find(r => r.dataset.header === 'Referral Source')?.textContent ?? ''").await;
        why.as_str()?.contains("chosen").then_some(())
    })
    .await;
    w.shot("import-preview").await;
    w.click("import-start").await;
    let summary = w.text_until("import-summary", |t| t.contains("Imported")).await;
    assert!(summary.contains("Imported 40 of 40 rows"), "{summary}");
    assert!(summary.contains("New branches, named in the file: Wakefield"), "{summary}");
    assert!(!summary.contains("not imported"), "{summary}");
    w.shot("import-done").await;
    w.click("import-done").await;

    // In the database: Leeds (renamed Main) and Wakefield, no third branch.
    assert_eq!(w.query_i64("SELECT count(*) FROM branches WHERE archived = 0", &[]), 2);
    assert_eq!(
        w.query_i64(
            "SELECT count(*) FROM customers c JOIN branches b ON b.id = c.branch_id WHERE b.name = 'Leeds'",
            &[]
        ),
        25
    );
    assert_eq!(w.query_i64("SELECT count(*) FROM customers WHERE status = 1", &[]), 2);
    assert_eq!(w.query_i64("SELECT count(*) FROM customers WHERE remarks LIKE '%Instagram%'", &[]), 0);

    // Amelia: blocked, with her note, born 14/03/1988, a client since 22/08/2021 16:49.
    w.search("amelia hart").await;
    w.rows_until("Amelia", |r| r.first().is_some_and(|x| x.contains("Amelia Hart"))).await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.text_until("profile-name", |t| t == "Amelia Hart").await;
    let profile = w.text_until("profile", |t| t.contains("14/03/1988")).await;
    assert!(profile.contains("Owes £20 — deposit only"), "{profile}");
    assert!(profile.contains("Blocked"), "{profile}");
    assert!(profile.contains("customer since 22/08/2021 16:49"), "24-hour times, the wall time as written: {profile}");
    let address = w.texts("[data-testid=profile-address]").await;
    assert_eq!(address, ["3 Wood Street | Wakefield | WF1 1HX"], "the town before the postcode");
    assert!(!profile.contains(" PM") && !profile.contains(" AM"), "24-hour times: {profile}");
    w.shot("uk-profile").await;
    w.css("body").await.send_keys(keys::ESC).await.unwrap();

    // Quick create: a name and a number another client holds.
    w.search("Bella 07700 900126").await;
    w.testid("no-results").await;
    w.testid("search").await.send_keys(&format!("{}n", keys::CTRL)).await.unwrap();
    w.testid("quick-create").await;
    assert_eq!(w.field("first_name").await.prop("value").await.unwrap().as_deref(), Some("Bella"));
    let warning = w.text_until("duplicate-warning", |t| t.contains("Isla Pratt")).await;
    assert!(warning.contains("Isla Pratt"), "{warning}");
    w.css("body").await.send_keys(keys::ESC).await.unwrap();

    // Everyone in Wakefield moves to Leeds; the empty branch is archived.
    w.testid("search").await.send_keys(keys::ESC).await.unwrap();
    w.text_until("result-count", |t| t.starts_with("40 ")).await;
    let wakefield = w.query_i64("SELECT id FROM branches WHERE name = 'Wakefield'", &[]);
    w.choose("filter_branch", &wakefield.to_string()).await;
    w.text_until("result-count", |t| t.starts_with("15 ")).await;
    w.click("move-customers").await;
    w.testid("move-dialog").await;
    let leeds = w.query_i64("SELECT id FROM branches WHERE name = 'Leeds'", &[]);
    w.choose("move_to", &leeds.to_string()).await;
    w.click("move-save").await;
    w.text_until("moved-note", |t| t.contains("Moved 15 customers")).await;
    w.text_until("result-count", |t| t.starts_with("0 ")).await;
    w.click("settings").await;
    w.css("[data-testid=branch-row][data-code=wakefield] [data-testid=branch-archive]").await.click().await.unwrap();
    w.until("Wakefield archived", || async { (w.texts("[data-testid=branch-row]").await.len() == 1).then_some(()) })
        .await;
    assert_eq!(
        w.query_i64(
            "SELECT count(*) FROM customers c JOIN branches b ON b.id = c.branch_id WHERE b.name = 'Leeds'",
            &[]
        ),
        40
    );
    w.until("archived branch listed", || async {
        (w.texts("[data-testid=archived-branch-row]").await.len() == 1).then_some(())
    })
    .await;

    // Back in the directory the filter on the archived branch is gone: all 40 are listed, and
    // a moved customer's timeline names both branches.
    w.css("body").await.send_keys(keys::ESC).await.unwrap();
    w.text_until("result-count", |t| t.starts_with("40 ")).await;
    w.search("isla pratt").await;
    w.rows_until("Isla", |r| r.first().is_some_and(|x| x.contains("Isla Pratt"))).await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.text_until("timeline", |t| t.contains("Branch: Wakefield → Leeds")).await;

    // The same file again: every row is refused (they are all in), and no branch is made or
    // brought back for them.
    w.click("settings").await;
    w.click("import-csv").await;
    w.fill("import_path", &csv.display().to_string()).await;
    w.click("import-preview-button").await;
    w.testid("import-preview").await;
    w.click("import-start").await;
    let summary = w.text_until("import-summary", |t| t.contains("Imported")).await;
    assert!(summary.contains("Imported 0 of 40 rows") && !summary.contains("New branches"), "{summary}");
    assert_eq!(w.query_i64("SELECT count(*) FROM branches", &[]), 2);
    w.close().await;
}
