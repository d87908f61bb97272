//! The receptionist's day, in the real window: search, create, duplicates, shared contacts,
//! edit, block/unblock, quick create from the search box, CSV import.
//! Screenshots go to target/e2e-screenshots/.

use frontdesk_core::customers::{Actor, Customer, CustomerInput};
use frontdesk_core::settings::SettingsInput;
use frontdesk_core::Store;
use frontdesk_e2e::{keys, Window};

/// A GB desk with two known customers among 300 demo ones.
fn salon(store: &Store) -> (Customer, Customer) {
    store
        .update_settings(&SettingsInput {
            business_name: Some("Salon Aurora".into()),
            default_region: Some("GB".into()),
            ..Default::default()
        })
        .unwrap();
    frontdesk_core::seed::seed(store, 300, 7, &mut |_| {}).unwrap();
    let actor = Actor::new("setup");
    let zoe = store
        .create_customer(
            &actor,
            &CustomerInput {
                first_name: "Zoë".into(),
                last_name: "Müller".into(),
                phone: Some("07700 900123".into()),
                email: Some("zoe.muller@example.com".into()),
                text: frontdesk_core::customers::TextFields { city: Some("Leeds".into()), ..Default::default() },
                tags: vec!["Allergies: Lavender".into()],
                ..Default::default()
            },
        )
        .unwrap();
    let john = store
        .create_customer(
            &actor,
            &CustomerInput {
                first_name: "John".into(),
                last_name: "Quayle".into(),
                phone: Some("+1 415 555 0142".into()),
                email: Some("john.quayle@example.org".into()),
                ..Default::default()
            },
        )
        .unwrap();
    (zoe, john)
}

/// Zoë and John once the desk is prepared.
type Prepared = std::sync::Arc<std::sync::Mutex<Option<(Customer, Customer)>>>;

fn prepared() -> (impl FnOnce(&Store), Prepared) {
    let out = std::sync::Arc::new(std::sync::Mutex::new(None));
    let o = out.clone();
    (move |s: &Store| *o.lock().unwrap() = Some(salon(s)), out)
}

async fn open_salon(name: &str) -> (Window, Customer, Customer) {
    let (prep, out) = prepared();
    let w = Window::open(name, prep).await;
    let (zoe, john) = out.lock().unwrap().take().unwrap();
    (w, zoe, john)
}

/// Searches, waits for `name` on top and opens the profile with Enter.
async fn open_profile(w: &Window, query: &str, name: &str) {
    w.search(query).await;
    w.rows_until(name, |r| first_is(r, name)).await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.text_until("profile-name", |t| t == name).await;
}

fn first_is(rows: &[String], name: &str) -> bool {
    rows.first().is_some_and(|r| r.contains(name))
}

#[tokio::test]
async fn finds_customers_by_name_phone_fragment_email_and_code() {
    let (w, zoe, john) = open_salon("search").await;
    // The search box has the focus on start: typing goes straight into it.
    w.client.active_element().await.unwrap().send_keys("zoe mul").await.unwrap();
    let rows = w.rows_until("Zoë by name words", |r| first_is(r, "Zoë Müller")).await;
    assert!(rows[0].contains(&zoe.code), "{rows:?}");
    let marked =
        w.js("return [...document.querySelectorAll('[data-testid=customer-row] mark')].map(m => m.textContent)").await;
    assert!(marked.to_string().contains("Zoë") && marked.to_string().contains("Mül"), "highlighted: {marked}");
    // The name is on screen in its column, after the row's tick box (not pushed out by it).
    let shown = w
        .js("const m = document.querySelector('[data-testid=customer-row] .col.name mark'); const r = m.getBoundingClientRect(); \
             return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === m")
        .await;
    assert_eq!(shown, serde_json::json!(true), "the first row's name is visible in the Name column");
    w.shot("directory-search-name").await;

    w.search("900 12").await;
    let rows = w.rows_until("Zoë by a phone fragment typed with a space", |r| first_is(r, "Zoë Müller")).await;
    assert!(rows.iter().all(|r| r.replace(' ', "").contains("90012")), "every row has the digits: {rows:?}");
    w.shot("directory-search-phone").await;

    w.search("quayle@exa").await;
    let rows = w.rows_until("John by email fragment", |r| first_is(r, "John Quayle")).await;
    assert_eq!(rows.len(), 1, "{rows:?}");

    w.search(&john.code.to_lowercase()).await;
    let rows = w.rows_until("John by code", |r| first_is(r, "John Quayle")).await;
    assert!(rows[0].contains(&john.code), "{rows:?}");

    w.search("nobody-like-this").await;
    let empty = w.text_until("no-results", |t| t.contains("No customer matches")).await;
    assert!(empty.contains("Create"), "{empty}");

    // Keyboard: ↓ moves the selection, the overview follows, Enter opens the profile.
    w.search("a").await;
    w.rows_until("many rows", |r| r.len() > 5).await;
    let search = w.testid("search").await;
    search.send_keys(&format!("{}{}", keys::DOWN, keys::DOWN)).await.unwrap();
    let selected = w
        .until("third row selected", || async {
            let t = w.selected_row().await?;
            let rows = w.rows().await;
            (rows.get(2) == Some(&t)).then_some(t)
        })
        .await;
    let name = selected.split(" | ").next().unwrap().to_string();
    w.text_until("overview-name", |t| t == name).await;
    w.shot("directory-overview").await;
    search.send_keys(keys::ENTER).await.unwrap();
    w.text_until("profile-name", |t| t == name).await;
    w.close().await;
}

#[tokio::test]
async fn creates_a_customer_with_field_errors_first() {
    let (w, _, _) = open_salon("create").await;
    w.click("new-customer").await;
    w.click("save").await;
    let err = w.text_until("error-first_name", |t| !t.is_empty()).await;
    assert!(err.to_lowercase().contains("name"), "{err}");
    w.fill("first_name", "Ada").await;
    w.fill("last_name", "Lovelace").await;
    w.fill("email", "ada@@example").await;
    w.field("phone").await.click().await.unwrap();
    w.text_until("error-email", |t| !t.is_empty()).await;
    w.fill("email", "ada.lovelace@example.com").await;
    w.fill("phone", "07700900456").await;
    // Shown formatted as it is typed.
    w.until("formatted phone", || async {
        (w.field("phone").await.prop("value").await.ok()??.as_str() == "07700 900456").then_some(())
    })
    .await;
    w.field("country").await.select_by_value("GB").await.unwrap();
    w.fill("city", "London").await;
    let tags = w.field("tags").await;
    tags.send_keys(&format!("Hair: Curly{}", keys::ENTER)).await.unwrap();
    w.shot("customer-form").await;
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Ada Lovelace").await;
    assert_eq!(w.testid("status-badge").await.text().await.unwrap(), "Active");
    assert!(w.testid("profile-phone").await.text().await.unwrap().contains("07700 900456"));
    assert!(w.has("[data-testid=timeline]").await);
    let page = w.css(".profile").await.text().await.unwrap();
    assert!(page.contains("Hair: Curly") && page.contains("London") && page.contains("United Kingdom"), "{page}");
    w.shot("profile").await;
    w.search("lovelace").await;
    let rows = w.rows_until("Ada in the list", |r| first_is(r, "Ada Lovelace")).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("07700 900456") && rows[0].contains("ada.lovelace@example.com"), "{rows:?}");
    w.close().await;
}

#[tokio::test]
async fn duplicate_email_and_phone_are_caught_while_typing_and_open_existing_works() {
    let (w, _, _) = open_salon("duplicates").await;
    w.click("new-customer").await;
    w.fill("first_name", "Zoe").await;
    w.fill("email", "ZOE.MULLER@example.com").await;
    let warning = w.text_until("duplicate-warning", |t| t.contains("Zoë Müller")).await;
    assert!(warning.contains("email"), "{warning}");
    w.click("save").await;
    // Refused: the save finished (button enabled again), still on the form with the warning,
    // and the database has one customer with that email.
    w.css("[data-testid=save]:not([disabled])").await;
    assert!(!w.has("[data-testid=profile-name]").await);
    assert!(w.has("[data-testid=duplicate-warning]").await);
    assert_eq!(w.customers_with_email("zoe.muller@example.com"), 1);
    w.fill("email", "").await;
    w.until("email warning gone", || async {
        (!w.has("[data-testid=duplicate-warning][data-field=email]").await).then_some(())
    })
    .await;
    w.fill("phone", "+44 7700 900 123").await;
    let warning = w.text_until("duplicate-warning", |t| t.contains("phone")).await;
    assert!(warning.contains("Zoë Müller"), "{warning}");
    w.shot("duplicate-warning").await;
    w.click("open-existing").await;
    // The form has unsaved changes: asked first.
    w.click("discard").await;
    w.text_until("profile-name", |t| t == "Zoë Müller").await;

    // "Use this customer" from quick create hands the existing customer back to the list.
    w.testid("search").await.send_keys(&format!("{}n", keys::CTRL)).await.unwrap();
    w.testid("quick-create").await;
    w.fill("phone", "07700900123").await;
    w.text_until("duplicate-warning", |t| t.contains("Zoë Müller")).await;
    w.click("use-existing").await;
    w.until("Zoë selected in the list", || async { w.selected_row().await.filter(|t| t.contains("Zoë Müller")) }).await;
    w.close().await;
}

#[tokio::test]
async fn a_shared_family_phone_can_be_saved_on_purpose() {
    let (w, _, _) = open_salon("shared").await;
    w.click("new-customer").await;
    w.fill("first_name", "Max").await;
    w.fill("last_name", "Müller").await;
    w.fill("phone", "07700 900123").await;
    w.testid("duplicate-warning").await;
    w.field("phone_shared").await.click().await.unwrap();
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Max Müller").await;
    assert!(w.testid("profile-phone").await.text().await.unwrap().contains("(shared)"));
    // Both records intact, both found by the number.
    w.search("900123").await;
    let rows = w.rows_until("both Müllers", |r| r.len() == 2).await;
    assert!(rows.iter().any(|r| r.contains("Zoë Müller")) && rows.iter().any(|r| r.contains("Max Müller")), "{rows:?}");
    w.close().await;
}

#[tokio::test]
async fn an_edit_shows_in_the_list_and_on_the_timeline() {
    let (w, _, _) = open_salon("edit").await;
    open_profile(&w, "zoe mül", "Zoë Müller").await;
    w.click("edit").await;
    w.until("form loaded", || async {
        (w.field("last_name").await.prop("value").await.ok()??.as_str() == "Müller").then_some(())
    })
    .await;
    w.fill("last_name", "Müller-Lang").await;
    w.fill("city", "York").await;
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Zoë Müller-Lang").await;
    let timeline = w.text_until("timeline", |t| t.contains("Edited")).await;
    assert!(timeline.contains("Müller → Müller-Lang") && timeline.contains("Leeds → York"), "{timeline}");
    w.testid("search").await.send_keys(keys::ESC).await.unwrap();
    w.search("zoe lang").await;
    w.rows_until("renamed Zoë in the list", |r| first_is(r, "Zoë Müller-Lang | ")).await;
    w.close().await;
}

#[tokio::test]
async fn blocking_needs_a_reason_and_unblocking_keeps_the_history() {
    let (w, _, _) = open_salon("block").await;
    open_profile(&w, "quayle", "John Quayle").await;
    w.click("block").await;
    w.click("save").await;
    let err = w.text_until("error-blocked_reason", |t| !t.is_empty()).await;
    assert!(err.contains("why"), "{err}");
    w.fill("blocked_reason", "Three no-shows in a row").await;
    w.click("save").await;
    w.text_until("status-badge", |t| t == "Blocked: Three no-shows in a row").await;
    w.shot("profile-blocked").await;
    w.click("unblock").await;
    w.fill("note", "Paid the deposit").await;
    w.click("save").await;
    w.text_until("status-badge", |t| t == "Active").await;
    let history = w.text_until("status-history", |t| t.contains("Unblocked")).await;
    assert!(
        history.contains("Blocked") && history.contains("Three no-shows") && history.contains("Paid the deposit"),
        "{history}"
    );
    // Esc goes back to the list as it was left.
    w.css("body").await.send_keys(keys::ESC).await.unwrap();
    w.rows_until("the list again, John selected", |r| first_is(r, "John Quayle")).await;
    assert!(!w.has("[data-testid=profile-name]").await);
    w.close().await;
}

/// Searches for `query`, sees nothing found, and opens quick create with Ctrl+N.
async fn quick_create_from(w: &Window, query: &str) {
    w.search(query).await;
    w.testid("no-results").await;
    w.testid("search").await.send_keys(&format!("{}n", keys::CTRL)).await.unwrap();
    w.testid("quick-create").await;
}

#[tokio::test]
async fn quick_create_from_the_search_box_keeps_the_list() {
    let (w, _, _) = open_salon("quick-create").await;
    quick_create_from(&w, "grace hopper").await;
    assert_eq!(w.field("first_name").await.prop("value").await.unwrap().as_deref(), Some("Grace"));
    assert_eq!(w.field("last_name").await.prop("value").await.unwrap().as_deref(), Some("Hopper"));
    w.fill("phone", "0113 496 0000").await;
    w.shot("quick-create").await;
    w.click("save").await;
    w.until("dialog closed and Grace selected", || async {
        if w.has("[data-testid=quick-create]").await {
            return None;
        }
        w.selected_row().await.filter(|t| t.contains("Grace Hopper"))
    })
    .await;
    assert!(!w.has("[data-testid=profile-name]").await, "stayed on the list");
    // The keys go back to the search box when the dialog closes.
    w.client.active_element().await.unwrap().send_keys(&format!("zoe mül{}", keys::ENTER)).await.unwrap();
    w.text_until("profile-name", |t| t == "Zoë Müller").await;
    // ... and after a profile, typing anywhere searches again.
    w.css("body").await.send_keys(keys::ESC).await.unwrap();
    w.client.active_element().await.unwrap().send_keys("quayle").await.unwrap();
    w.rows_until("John", |r| first_is(r, "John Quayle")).await;

    // Digits typed in the search box become the phone.
    quick_create_from(&w, "0113 496 0999").await;
    assert_eq!(w.field("phone").await.prop("value").await.unwrap().as_deref(), Some("0113 496 0999"));
    w.css("body").await.send_keys(keys::ESC).await.unwrap();

    // A name and a number together: the name is the name, the number the phone, and a number
    // that belongs to someone is said so at once.
    quick_create_from(&w, "Bella 0113 496 0000").await;
    assert_eq!(w.field("first_name").await.prop("value").await.unwrap().as_deref(), Some("Bella"));
    assert_eq!(w.field("last_name").await.prop("value").await.unwrap().as_deref(), Some(""));
    assert_eq!(w.field("phone").await.prop("value").await.unwrap().as_deref(), Some("0113 496 0000"));
    let warning = w.text_until("duplicate-warning", |t| t.contains("Grace Hopper")).await;
    assert!(warning.contains("Grace Hopper"), "{warning}");
    w.close().await;
}

#[tokio::test]
async fn first_run_imports_a_csv_with_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("clients.csv");
    std::fs::write(
        &csv,
        "First Name,Last Name,Email Address,Mobile Number,Postcode\n\
         Amara,Okafor,amara@example.com,07700 900001,LS1 4AP\n\
         Bea,,bea@@example.com,07700 900002,LS2\n\
         Chen,Wei,chen.wei@example.com,07700 900003,LS3\n\
         ,,,,\n\
         Dara,Byrne,dara@example.com,12,LS4\n",
    )
    .unwrap();
    let w = Window::open("import", |_| {}).await;
    w.testid("first-run").await;
    // Step 1: the desk's country, for phone numbers without +country code.
    w.field("default_region").await.select_by_value("GB").await.unwrap();
    w.shot("first-run").await;
    w.click("import-csv").await;
    w.until("the desk's country in the import dialog", || async {
        let t = w.js("return document.querySelector('[name=import_region] option')?.textContent ?? ''").await;
        t.as_str()?.contains("This desk's country (GB)").then_some(())
    })
    .await;
    w.fill("import_path", &csv.display().to_string()).await;
    w.click("import-preview-button").await;
    w.testid("import-preview").await;
    w.click("import-start").await;
    let summary = w.text_until("import-summary", |t| t.contains("Imported")).await;
    // A bad email or phone costs only that value; the empty row is refused.
    assert!(summary.contains("Imported 4 of 5 rows"), "{summary}");
    let rejected = w.client.find_all(fantoccini::Locator::Css("[data-testid=import-rejection]")).await.unwrap();
    assert_eq!(rejected.len(), 1);
    let kept = w.client.find_all(fantoccini::Locator::Css("[data-testid=import-kept-without]")).await.unwrap();
    assert_eq!(kept.len(), 2);
    let first = kept[0].text().await.unwrap();
    assert!(first.starts_with("3") && first.contains("bea@@example.com"), "{first}");
    assert!(dir.path().join("clients.errors.csv").exists());
    w.shot("import-summary").await;
    w.click("import-done").await;
    let rows = w.rows_until("the imported customers", |r| r.len() == 4).await;
    assert!(rows.iter().any(|r| r.contains("Amara Okafor")) && rows.iter().any(|r| r.contains("Bea")), "{rows:?}");
    w.close().await;
}

#[tokio::test]
async fn an_archived_customer_is_pointed_out_instead_of_created_again() {
    let (w, _, _) = open_salon("archive").await;
    open_profile(&w, "zoe mül", "Zoë Müller").await;
    w.click("archive").await;
    w.click("confirm-archive").await;
    w.text_until("status-badge", |t| t == "Archived").await;
    w.search("900 123").await;
    let hint = w.text_until("archived-matches", |t| !t.is_empty()).await;
    assert!(hint.contains("archived customer matches"), "{hint}");
    w.shot("archived-hint").await;
    w.click("show-archived").await;
    w.rows_until("Zoë among the archived", |r| first_is(r, "Zoë Müller")).await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.click("restore").await;
    w.text_until("status-badge", |t| t == "Active").await;
    w.close().await;
}
