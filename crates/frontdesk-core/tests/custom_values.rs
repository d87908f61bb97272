//! Custom values on customers: saved with the form, checked like the standard fields (errors
//! name `custom.<key>`), defaults, required only where the field appears and not retroactively,
//! unique among live customers, branch scope, archived fields, and the timeline and outbox
//! record each change writes.

mod common;

use common::{desk, input, me};
use frontdesk_core::custom_fields::{FieldInput, FieldKind, Place};
use frontdesk_core::customers::CustomerInput;
use frontdesk_core::CoreError;
use serde_json::{json, Value};

fn code_of(e: CoreError) -> (String, String) {
    match e {
        CoreError::Validation { field, code, .. } => (field, code),
        CoreError::Duplicate { field, existing } => (field, format!("duplicate of {}", existing.code)),
        other => panic!("unexpected {other:?}"),
    }
}

fn with(mut form: CustomerInput, values: &[(&str, Value)]) -> CustomerInput {
    for (k, v) in values {
        form.custom.insert(k.to_string(), v.clone());
    }
    form
}

fn field(label: &str, kind: FieldKind) -> FieldInput {
    FieldInput { label: label.into(), kind: Some(kind), ..Default::default() }
}

#[test]
fn values_are_saved_read_back_and_edited_with_the_form() {
    let d = desk();
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Curly".into(), "Straight".into()],
            ..field("Hair type", FieldKind::Choice)
        })
        .unwrap();
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Nuts".into(), "Latex".into(), "PPD".into()],
            ..field("Allergies", FieldKind::Choices)
        })
        .unwrap();
    d.store.add_custom_field(&field("Patch test", FieldKind::Date)).unwrap();
    d.store.add_custom_field(&FieldInput { decimals: Some(1), ..field("Shoe size", FieldKind::Number) }).unwrap();
    d.store.add_custom_field(&field("Vegan", FieldKind::YesNo)).unwrap();
    d.store.add_custom_field(&field("Emergency phone", FieldKind::Phone)).unwrap();
    let form = with(
        input("Ann", "Lee", None, None),
        &[
            ("hair_type", json!("curly")),
            ("custom.allergies", json!(["PPD", "Nuts"])),
            ("patch_test", json!("30/11/2026")),
            ("shoe_size", json!("38.5")),
            ("vegan", json!("yes")),
            ("emergency_phone", json!("07700 900123")),
        ],
    );
    let c = d.store.create_customer(&me(), &form).unwrap();
    let want = json!({
        "hair_type": "Curly",
        "allergies": ["Nuts", "PPD"],
        "patch_test": "2026-11-30",
        "shoe_size": 38.5,
        "vegan": true,
        "emergency_phone": "+447700900123",
    });
    assert_eq!(serde_json::to_value(&c.custom).unwrap(), want, "a UK desk's 30/11/2026; options in field order");
    assert_eq!(serde_json::to_value(&d.store.customer(&c.code).unwrap().custom).unwrap(), want);
    assert_eq!(d.count("SELECT count(*) FROM custom_values"), 7, "two rows for two allergies");

    // An edit that leaves a field out keeps its value; null clears one.
    let mut edit = CustomerInput::from_customer(&c);
    edit.custom.clear();
    edit.custom.insert("vegan".into(), json!(false));
    edit.custom.insert("patch_test".into(), Value::Null);
    let after = d.store.update_customer(&me(), c.id, &edit).unwrap();
    assert_eq!(after.custom.get("vegan"), Some(&json!(false)));
    assert_eq!(after.custom.get("patch_test"), None);
    assert_eq!(after.custom.get("hair_type"), Some(&json!("Curly")));

    // The timeline names each custom change; the outbox carries it.
    let events = d.store.timeline(c.id, None, 10).unwrap();
    let changes: Vec<(String, Value, Value)> =
        events[0].changes.iter().map(|c| (c.field.clone(), c.old.clone(), c.new.clone())).collect();
    assert_eq!(
        changes,
        [
            ("custom.patch_test".to_string(), json!("2026-11-30"), Value::Null),
            ("custom.vegan".to_string(), json!(true), json!(false)),
        ]
    );
    let outbox: Vec<String> = d.store.changes_after(0, 10_000).unwrap().into_iter().map(|c| c.field).collect();
    assert!(outbox.ends_with(&["custom.patch_test".to_string(), "custom.vegan".to_string()]), "{outbox:?}");
    assert!(outbox.contains(&"custom.allergies".to_string()), "a create's values go out too: {outbox:?}");

    // Renaming an option changes what every customer who has it shows.
    d.store.rename_custom_option("hair_type", "Curly", "Curly (type 3)").unwrap();
    assert_eq!(d.store.customer(&c.code).unwrap().custom.get("hair_type"), Some(&json!("Curly (type 3)")));

    // An edit that changes nothing writes nothing.
    let same = CustomerInput::from_customer(&d.store.customer(&c.code).unwrap());
    let before = d.store.timeline(c.id, None, 10).unwrap().len();
    d.store.update_customer(&me(), c.id, &same).unwrap();
    assert_eq!(d.store.timeline(c.id, None, 10).unwrap().len(), before);
}

#[test]
fn bad_values_are_refused_naming_the_field_and_nothing_is_written() {
    let d = desk();
    d.store.add_custom_field(&FieldInput { options: vec!["A".into()], ..field("Skin", FieldKind::Choice) }).unwrap();
    d.store.add_custom_field(&field("Patch test", FieldKind::Date)).unwrap();
    let cases = [
        (("skin", json!("Oily")), ("custom.skin", "unknown_option")),
        (("patch_test", json!("30/02/2026")), ("custom.patch_test", "invalid_date")),
        (("no_such", json!("x")), ("custom.no_such", "unknown_field")),
    ];
    for ((key, value), (field, code)) in cases {
        let e = d.store.create_customer(&me(), &with(input("Ann", "Lee", None, None), &[(key, value)])).unwrap_err();
        assert_eq!(code_of(e), (field.to_string(), code.to_string()));
    }
    assert_eq!(d.count("SELECT count(*) FROM customers"), 0);
    assert_eq!(d.count("SELECT count(*) FROM custom_values"), 0);
    // The check while typing lists every problem at once.
    let form = with(input("Ann", "Lee", None, None), &[("skin", json!("Oily")), ("patch_test", json!("soon"))]);
    let fields: Vec<String> =
        d.store.check_customer(&form, None).unwrap().errors.into_iter().map(|e| code_of(e).0).collect();
    assert_eq!(fields, ["custom.skin", "custom.patch_test"]);
}

#[test]
fn defaults_fill_new_customers_and_required_applies_where_the_field_appears() {
    let d = desk();
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Walk-in".into(), "Instagram".into()],
            default_value: Some(json!("Walk-in")),
            ..field("Referral source", FieldKind::Choice)
        })
        .unwrap();
    let old = d.add("Old", "Customer", None, None);
    assert_eq!(old.custom.get("referral_source"), Some(&json!("Walk-in")));
    let untouched = d.store.create_customer(&me(), &input("Before", "Required", None, None)).unwrap();

    // Required on the full form only: quick create does not show it.
    d.store
        .add_custom_field(&FieldInput {
            required: true,
            shown_in: Some(vec![Place::Form, Place::Profile]),
            ..field("Membership number", FieldKind::Text)
        })
        .unwrap();
    let e = d.store.create_customer(&me(), &input("New", "One", None, None)).unwrap_err();
    assert_eq!(code_of(e), ("custom.membership_number".into(), "required".into()));
    let quick = CustomerInput { quick_create: true, ..input("Quick", "One", None, None) };
    d.store.create_customer(&me(), &quick).unwrap();

    // Made required later: the existing record is still readable, the profile says what is
    // missing, and the next edit asks for it.
    let detail = d.store.customer_detail(&untouched.code, 5).unwrap();
    assert_eq!(detail.missing, ["membership_number"]);
    let mut edit = CustomerInput::from_customer(&untouched);
    edit.text.city = Some("Leeds".into());
    let e = d.store.update_customer(&me(), untouched.id, &edit).unwrap_err();
    assert_eq!(code_of(e).1, "required");
    edit.custom.insert("membership_number".into(), json!("M-1"));
    d.store.update_customer(&me(), untouched.id, &edit).unwrap();
    assert!(d.store.customer_detail(&untouched.code, 5).unwrap().missing.is_empty());
}

#[test]
fn unique_values_belong_to_one_live_customer() {
    let d = desk();
    d.store.add_custom_field(&FieldInput { unique: true, ..field("Membership number", FieldKind::Text) }).unwrap();
    let ann = d
        .store
        .create_customer(&me(), &with(input("Ann", "Lee", None, None), &[("membership_number", json!("M-7"))]))
        .unwrap();
    let bob_form = with(input("Bob", "Ray", None, None), &[("membership_number", json!("M-7"))]);
    let e = d.store.create_customer(&me(), &bob_form).unwrap_err();
    assert_eq!(code_of(e), ("custom.membership_number".into(), format!("duplicate of {}", ann.code)));
    // Ann archived, the number is free; restoring her while Bob has it is refused.
    d.store.archive_customer(&me(), ann.id).unwrap();
    let bob = d.store.create_customer(&me(), &bob_form).unwrap();
    let e = d.store.restore_customer(&me(), ann.id).unwrap_err();
    assert_eq!(code_of(e), ("custom.membership_number".into(), format!("duplicate of {}", bob.code)));
    // Ann's own unchanged value does not stop an edit of anything else... once Bob's is gone.
    let mut edit = CustomerInput::from_customer(&d.store.customer(&bob.code).unwrap());
    edit.custom.insert("membership_number".into(), json!("M-8"));
    d.store.update_customer(&me(), bob.id, &edit).unwrap();
    d.store.restore_customer(&me(), ann.id).unwrap();
}

#[test]
fn branch_scope_and_archived_fields() {
    let d = desk();
    let other = d.store.add_branch("SOH", "Soho").unwrap();
    d.store.add_custom_field(&FieldInput { branches: vec![other.id], ..field("Locker", FieldKind::Text) }).unwrap();
    d.store.add_custom_field(&field("Referral source", FieldKind::Text)).unwrap();
    let e =
        d.store.create_customer(&me(), &with(input("Ann", "Lee", None, None), &[("locker", json!("12"))])).unwrap_err();
    assert_eq!(code_of(e), ("custom.locker".into(), "not_in_branch".into()));
    let soho = CustomerInput { branch_id: Some(other.id), ..input("Sam", "Soho", None, None) };
    let sam = d
        .store
        .create_customer(&me(), &with(soho, &[("locker", json!("12")), ("referral_source", json!("Flyer"))]))
        .unwrap();
    assert_eq!(sam.custom.get("locker"), Some(&json!("12")));
    // Scoped to another branch after a value was set: the value can still be cleared.
    let main = d.store.desk().branch_id;
    let def = d.store.custom_field("locker").unwrap();
    d.store.edit_custom_field("locker", &FieldInput { branches: vec![main], ..FieldInput::from_def(&def) }).unwrap();
    let mut clear = CustomerInput::from_customer(&d.store.customer(&sam.code).unwrap());
    clear.custom.insert("locker".into(), Value::Null);
    d.store.update_customer(&me(), sam.id, &clear).unwrap();
    assert_eq!(d.store.customer(&sam.code).unwrap().custom.get("locker"), None);

    // Archived: hidden, kept, refused as input, back when restored.
    d.store.archive_custom_field("referral_source", true).unwrap();
    let hidden = d.store.customer(&sam.code).unwrap();
    assert_eq!(hidden.custom.get("referral_source"), None);
    let mut edit = CustomerInput::from_customer(&hidden);
    edit.custom.insert("referral_source".into(), json!("Radio"));
    assert_eq!(code_of(d.store.update_customer(&me(), sam.id, &edit).unwrap_err()).1, "archived");
    d.store.archive_custom_field("referral_source", false).unwrap();
    assert_eq!(d.store.customer(&sam.code).unwrap().custom.get("referral_source"), Some(&json!("Flyer")));
    assert_eq!(d.store.custom_field_value_count("referral_source").unwrap(), 1);
}

#[test]
fn deleting_a_field_takes_only_the_values_the_user_was_told_of() {
    let d = desk();
    d.store.add_custom_field(&field("Referral source", FieldKind::Text)).unwrap();
    d.store.archive_custom_field("referral_source", true).unwrap();
    // Confirmed with none to lose, then a customer gets one (a restore, an import…).
    d.store.archive_custom_field("referral_source", false).unwrap();
    d.store
        .create_customer(&me(), &with(input("Ann", "Lee", None, None), &[("referral_source", json!("Instagram"))]))
        .unwrap();
    d.store.archive_custom_field("referral_source", true).unwrap();
    match d.store.delete_custom_field("referral_source", Some(0)).unwrap_err() {
        CoreError::Conflict { code, message } => {
            assert_eq!(code, "count_changed");
            assert!(message.contains("on 1 customer,") && message.contains("nothing was deleted"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.count("SELECT count(*) FROM custom_values"), 1, "kept");
    assert_eq!(d.store.custom_field_value_count("referral_source").unwrap(), 1);
    assert_eq!(d.store.delete_custom_field("referral_source", Some(1)).unwrap(), 1);
    assert_eq!(d.count("SELECT count(*) FROM custom_values"), 0);
}

#[test]
fn fields_chosen_as_columns_come_with_each_search_hit() {
    let d = desk();
    let places = Some(vec![Place::Form, Place::Column]);
    d.store
        .add_custom_field(&FieldInput {
            shown_in: places.clone(),
            options: vec!["Nuts".into(), "PPD".into()],
            ..field("Allergies", FieldKind::Choices)
        })
        .unwrap();
    d.store.add_custom_field(&FieldInput { shown_in: places, ..field("Patch test", FieldKind::Date) }).unwrap();
    d.store.add_custom_field(&field("Referral", FieldKind::Text)).unwrap();
    let values =
        [("allergies", json!(["PPD", "Nuts"])), ("patch_test", json!("2026-11-30")), ("referral", json!("Instagram"))];
    d.store.create_customer(&me(), &with(input("Ann", "Lee", None, None), &values)).unwrap();
    d.store.create_customer(&me(), &input("Bo", "Lee", None, None)).unwrap();
    let page = d.store.search(&frontdesk_core::search::SearchRequest::new("lee")).unwrap();
    let by_name = |n: &str| page.hits.iter().find(|h| h.first_name == n).unwrap().columns.clone();
    let ann: Vec<(String, String)> = by_name("Ann").into_iter().collect();
    assert_eq!(
        ann,
        [("allergies".to_string(), "Nuts | PPD".to_string()), ("patch_test".to_string(), "2026-11-30".to_string())],
        "the referral is not a column"
    );
    assert!(by_name("Bo").is_empty());
    // Archived, a field is no column.
    d.store.archive_custom_field("patch_test", true).unwrap();
    let page = d.store.search(&frontdesk_core::search::SearchRequest::new("ann lee")).unwrap();
    assert_eq!(page.hits[0].columns.keys().collect::<Vec<_>>(), ["allergies"]);
}

#[test]
fn a_retired_option_stays_through_edits_and_numbers_and_unique_text_are_read_carefully() {
    let d = desk();
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Nuts".into(), "Latex".into(), "Nickel".into()],
            ..field("Allergies", FieldKind::Choices)
        })
        .unwrap();
    d.store.add_custom_field(&FieldInput { decimals: Some(1), ..field("Strength", FieldKind::Number) }).unwrap();
    d.store.add_custom_field(&FieldInput { unique: true, ..field("Membership no", FieldKind::Text) }).unwrap();
    let ann = d
        .store
        .create_customer(
            &me(),
            &with(
                input("Ann", "Lee", None, None),
                &[("allergies", json!(["Latex"])), ("membership_no", json!("M-0001"))],
            ),
        )
        .unwrap();
    d.store
        .change_custom_option(
            "allergies",
            &frontdesk_core::custom_fields::OptionChange::Retire { option: "Latex".into() },
        )
        .unwrap();
    // Ann keeps Latex while adding Nickel; a new customer cannot be given it.
    let mut edit = CustomerInput::from_customer(&d.store.customer(&ann.code).unwrap());
    edit.custom.insert("allergies".into(), json!("Nickel, Latex"));
    d.store.update_customer(&me(), ann.id, &edit).unwrap();
    assert_eq!(d.store.customer(&ann.code).unwrap().custom["allergies"], json!(["Latex", "Nickel"]));
    let bo = with(input("Bo", "Ray", None, None), &[("allergies", json!(["Latex"]))]);
    assert_eq!(
        code_of(d.store.create_customer(&me(), &bo).unwrap_err()),
        ("custom.allergies".into(), "retired_option".into())
    );
    // "1,000" might be a thousand or one: asked, not guessed; "38,5" is a decimal comma.
    let thousand = with(input("Cy", "Po", None, None), &[("strength", json!("1,000"))]);
    assert_eq!(
        code_of(d.store.create_customer(&me(), &thousand).unwrap_err()),
        ("custom.strength".into(), "ambiguous_number".into())
    );
    let c =
        d.store.create_customer(&me(), &with(input("Cy", "Po", None, None), &[("strength", json!("38,5"))])).unwrap();
    assert_eq!(c.custom["strength"], json!(38.5));
    // A unique value in another case is the same value.
    let dup = with(input("Di", "Ng", None, None), &[("membership_no", json!("m-0001"))]);
    assert_eq!(
        code_of(d.store.create_customer(&me(), &dup).unwrap_err()),
        ("custom.membership_no".into(), format!("duplicate of {}", ann.code))
    );
}
