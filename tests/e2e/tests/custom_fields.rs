//! The business's own customer fields in the real window: added in Settings with a preview,
//! asked on the new-customer form (required, with its error next to it), shown on the profile
//! (and marked missing on a customer saved before it was required), named on the timeline,
//! and archived then deleted after a confirmation that counts the values.

use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_core::settings::SettingsInput;
use frontdesk_e2e::{keys, Window};

async fn open_profile(w: &Window, query: &str, name: &str) {
    w.search(query).await;
    w.rows_until(name, |r| r.first().is_some_and(|x| x.contains(name))).await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.text_until("profile-name", |t| t == name).await;
}

#[tokio::test]
async fn a_field_added_in_settings_is_asked_shown_and_deleted_with_its_count() {
    let w = Window::open("custom-fields", |s| {
        s.update_settings(&SettingsInput { default_region: Some("GB".into()), ..Default::default() }).unwrap();
        let ann = CustomerInput { first_name: "Ann".into(), last_name: "Earlier".into(), ..Default::default() };
        s.create_customer(&Actor::new("setup"), &ann).unwrap();
    })
    .await;

    // Settings → Customer fields: a required choice, previewed before it is saved.
    w.click("settings").await;
    w.click("field-add").await;
    w.fill("field_label", "Hair type").await;
    w.choose("field_kind", "choice").await;
    w.fill("field_options", &format!("Curly{}Straight", keys::ENTER)).await;
    w.field("field_required").await.click().await.unwrap();
    w.field("field_place_column").await.click().await.unwrap();
    let preview = w.text_until("field-preview", |t| t.contains("Hair type")).await;
    assert!(preview.contains('*'), "marked required in the preview: {preview}");
    assert!(w.has("[data-testid=field-preview] select option[value=Straight]").await, "one option a line");
    w.shot("field-editor").await;
    w.click("field-save").await;
    w.css("[data-testid=field-row][data-key=hair_type]").await;
    // A date in its own section, with help text.
    w.click("field-add").await;
    w.fill("field_label", "Patch test").await;
    w.choose("field_kind", "date").await;
    w.fill("field_section", "Safety").await;
    w.fill("field_help", "The day of the last patch test").await;
    w.click("field-save").await;
    w.css("[data-testid=field-row][data-key=patch_test]").await;

    // The new-customer form asks for them; the required one is refused empty, beside it.
    w.click("new-customer").await;
    w.fill("first_name", "Ada").await;
    w.fill("last_name", "Lovelace").await;
    let form = w.css("[data-testid=customer-form]").await.text().await.unwrap();
    assert!(form.contains("Safety") && form.contains("The day of the last patch test"), "{form}");
    w.click("save").await;
    let err = w.text_until("error-custom.hair_type", |t| !t.is_empty()).await;
    assert!(err.contains("Hair type"), "{err}");
    assert_eq!(w.query_i64("SELECT count(*) FROM customers WHERE last_name = 'Lovelace'", &[]), 0);
    w.choose("custom.hair_type", "Curly").await;
    w.fill("custom.patch_test", "31/02/2026").await;
    w.field("first_name").await.click().await.unwrap();
    w.click("save").await;
    let err = w.text_until("error-custom.patch_test", |t| !t.is_empty()).await;
    assert!(err.to_lowercase().contains("date"), "{err}");
    w.fill("custom.patch_test", "30/11/2026").await;
    w.field("first_name").await.click().await.unwrap();
    w.shot("custom-form").await;
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Ada Lovelace").await;
    assert_eq!(w.text_until("profile-field-hair_type", |t| !t.is_empty()).await, "Curly");
    assert_eq!(w.text_until("profile-field-patch_test", |t| !t.is_empty()).await, "30/11/2026");

    // An edit shows on the timeline by the field's label.
    w.click("edit").await;
    w.choose("custom.hair_type", "Straight").await;
    w.click("save").await;
    w.text_until("profile-field-hair_type", |t| t == "Straight").await;
    w.text_until("timeline", |t| t.contains("Hair type: Curly → Straight")).await;
    w.shot("custom-profile").await;

    // A directory column.
    w.search("lovelace").await;
    let rows = w.rows_until("Ada's hair type in the list", |r| r.first().is_some_and(|x| x.contains("Straight"))).await;
    assert!(rows[0].contains("Ada Lovelace"), "{rows:?}");

    // A customer saved before the field existed is not invalid, but marked.
    open_profile(&w, "ann earlier", "Ann Earlier").await;
    let missing = w.text_until("profile-field-hair_type", |t| !t.is_empty()).await;
    assert!(missing.contains("Missing (required)"), "{missing}");

    // Archive, then delete: the confirmation counts the customers who lose a value.
    w.click("settings").await;
    w.css("[data-testid=field-row][data-key=patch_test] [data-testid=field-archive]").await.click().await.unwrap();
    w.css("[data-testid=archived-field-row][data-key=patch_test] [data-testid=field-delete]")
        .await
        .click()
        .await
        .unwrap();
    let confirm = w.text_until("field-delete-confirm", |t| !t.is_empty()).await;
    assert!(confirm.contains("1 customer"), "{confirm}");
    w.click("field-delete-yes").await;
    w.until("the field gone", || async { (!w.has("[data-testid=archived-field-row]").await).then_some(()) }).await;
    assert_eq!(w.query_i64("SELECT count(*) FROM custom_fields WHERE deleted_at IS NULL", &[]), 1);
    assert_eq!(
        w.query_i64(
            "SELECT count(*) FROM custom_values v JOIN custom_fields f ON f.id = v.field_id WHERE f.key = 'patch_test'",
            &[]
        ),
        0
    );
    assert_eq!(w.query_i64("SELECT count(*) FROM custom_values", &[]), 1, "Ada's hair type stays");
    w.close().await;
}

#[tokio::test]
async fn the_filter_builder_counts_saves_and_reopens_a_segment() {
    let w = Window::open("segments", |s| {
        s.update_settings(&SettingsInput { default_region: Some("GB".into()), ..Default::default() }).unwrap();
        frontdesk_core::seed::seed_demo(s, 200, 4, 4.0, &mut |_, _| {}).unwrap();
        let hair = frontdesk_core::custom_fields::FieldInput {
            label: "Hair type".into(),
            kind: Some(frontdesk_core::custom_fields::FieldKind::Choice),
            options: vec!["Curly".into(), "Straight".into()],
            ..Default::default()
        };
        s.add_custom_field(&hair).unwrap();
        let page = s.search(&frontdesk_core::search::SearchRequest { limit: 500, ..Default::default() }).unwrap();
        for (i, h) in page.hits.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
            let c = s.customer(&h.code).unwrap();
            let mut edit = CustomerInput::from_customer(&c);
            edit.custom.insert("hair_type".into(), serde_json::json!(if i % 2 == 0 { "Curly" } else { "Straight" }));
            s.update_customer(&Actor::new("setup"), c.id, &edit).unwrap();
        }
    })
    .await;
    let shown = |n: i64| move |t: &str| t.starts_with(&format!("{n} customer"));
    let regulars = w.query_i64("SELECT count(*) FROM customers WHERE archived_at IS NULL AND visits > 3", &[]);
    assert!(regulars > 0);
    w.click("add-condition").await;
    w.choose("condition_op_0", "greater").await;
    // Not a number: said beside the condition.
    w.fill("condition_value_0", "lots").await;
    w.field("condition_value_0").await.send_keys(keys::TAB).await.unwrap();
    let err = w.text_until("condition-error", |t| !t.is_empty()).await;
    assert!(err.contains("number"), "{err}");
    w.fill("condition_value_0", "3").await;
    w.field("condition_value_0").await.send_keys(keys::TAB).await.unwrap();
    w.text_until("result-count", shown(regulars)).await;
    // And curly hair.
    w.click("add-condition").await;
    w.choose("condition_field_1", "custom.hair_type").await;
    w.css("[data-testid=condition]:last-of-type .chip input").await.click().await.unwrap();
    let curly = w.query_i64(
        "SELECT count(*) FROM customers c JOIN custom_values v ON v.customer_seq = c.seq \
         JOIN custom_field_options o ON o.id = v.item WHERE c.archived_at IS NULL AND c.visits > 3 AND o.label = 'Curly'",
        &[],
    );
    w.text_until("result-count", shown(curly)).await;
    w.shot("filter-builder").await;
    // Saved, cleared, reopened from the list with its live count.
    w.click("save-segment").await;
    w.fill("segment_name", "Curly regulars").await;
    w.click("segment-save").await;
    w.text_until("filter-note", |t| t.contains("Saved")).await;
    let options = w.texts("[data-testid=segment-select] option").await;
    assert!(options.iter().any(|o| o == &format!("Curly regulars ({curly})")), "{options:?}");
    w.css("[data-testid=filter-builder] button.link").await.click().await.unwrap();
    let all = w.query_i64("SELECT count(*) FROM customers WHERE archived_at IS NULL", &[]);
    w.text_until("result-count", shown(all)).await;
    let id = w.query_i64("SELECT id FROM segments WHERE name = 'Curly regulars'", &[]);
    w.choose("segment", &id.to_string()).await;
    w.text_until("result-count", shown(curly)).await;
    assert_eq!(w.texts("[data-testid=condition]").await.len(), 2);
    w.close().await;
}
