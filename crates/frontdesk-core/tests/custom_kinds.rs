//! Changing a custom field's kind in place where no value can be lost (and refusing the rest,
//! changing nothing), making a field unique, and moving fields and options.

mod common;

use common::{desk, input, me};
use frontdesk_core::custom_fields::{FieldInput, FieldKind, OptionChange};
use frontdesk_core::customers::Customer;
use frontdesk_core::CoreError;
use serde_json::{json, Value};

fn field(label: &str, kind: FieldKind) -> FieldInput {
    FieldInput { label: label.into(), kind: Some(kind), ..Default::default() }
}

fn person(d: &common::Desk, first: &str, values: &[(&str, Value)]) -> Customer {
    let mut form = input(first, "Test", None, None);
    for (k, v) in values {
        form.custom.insert(k.to_string(), v.clone());
    }
    d.store.create_customer(&me(), &form).unwrap()
}

fn value(d: &common::Desk, c: &Customer, key: &str) -> Value {
    d.store.customer(&c.code).unwrap().custom.get(key).cloned().unwrap_or(Value::Null)
}

/// Edits only the kind of `key`.
fn to_kind(d: &common::Desk, key: &str, kind: FieldKind) -> Result<frontdesk_core::custom_fields::FieldDef, CoreError> {
    let def = d.store.custom_field(key).unwrap();
    d.store.edit_custom_field(key, &FieldInput { kind: Some(kind), ..FieldInput::from_def(&def) })
}

fn code(e: CoreError) -> String {
    match e {
        CoreError::Validation { field, code, message } => {
            assert!(!message.is_empty());
            format!("{field}:{code}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_becomes_a_choice_with_an_option_per_value_then_several_choices() {
    let d = desk();
    d.store.add_custom_field(&field("Referral", FieldKind::Text)).unwrap();
    let ann = person(&d, "Ann", &[("referral", json!("Instagram"))]);
    let bo = person(&d, "Bo", &[("referral", json!("instagram"))]);
    let cy = person(&d, "Cy", &[("referral", json!("Walk-in"))]);
    let dee = person(&d, "Dee", &[]);
    let f = to_kind(&d, "referral", FieldKind::Choice).unwrap();
    assert_eq!(f.kind, FieldKind::Choice);
    let labels: Vec<&str> = f.options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Instagram", "Walk-in"], "values differing in case share the first spelling");
    assert_eq!(
        [
            value(&d, &ann, "referral"),
            value(&d, &bo, "referral"),
            value(&d, &cy, "referral"),
            value(&d, &dee, "referral")
        ],
        [json!("Instagram"), json!("Instagram"), json!("Walk-in"), Value::Null]
    );
    // Renaming the option now renames every customer's value.
    d.store
        .change_custom_option("referral", &OptionChange::Rename { option: "Walk-in".into(), label: "Walked in".into() })
        .unwrap();
    assert_eq!(value(&d, &cy, "referral"), json!("Walked in"));
    let f = to_kind(&d, "referral", FieldKind::Choices).unwrap();
    assert_eq!(f.kind, FieldKind::Choices);
    assert_eq!(value(&d, &ann, "referral"), json!(["Instagram"]));
    // Back to one choice: nobody holds two.
    assert_eq!(to_kind(&d, "referral", FieldKind::Choice).unwrap().kind, FieldKind::Choice);
    assert_eq!(value(&d, &ann, "referral"), json!("Instagram"));
    assert_eq!(d.count("SELECT count(*) FROM custom_values"), 3);
}

#[test]
fn numbers_dates_and_contacts_become_text_as_they_read() {
    let d = desk();
    d.store
        .add_custom_field(&FieldInput {
            decimals: Some(1),
            default_value: Some(json!("40")),
            ..field("Shoe size", FieldKind::Number)
        })
        .unwrap();
    d.store.add_custom_field(&field("Patch test", FieldKind::Date)).unwrap();
    d.store.add_custom_field(&field("Work email", FieldKind::Email)).unwrap();
    let ann = person(
        &d,
        "Ann",
        &[("shoe_size", json!("38.5")), ("patch_test", json!("2026-11-30")), ("work_email", json!("Ann@Example.com"))],
    );
    let bo = person(&d, "Bo", &[("shoe_size", json!(41))]);
    let f = to_kind(&d, "shoe_size", FieldKind::Text).unwrap();
    assert_eq!(f.default_value, Some(json!("40")), "the default reads as text too");
    assert_eq!((value(&d, &ann, "shoe_size"), value(&d, &bo, "shoe_size")), (json!("38.5"), json!("41")));
    to_kind(&d, "patch_test", FieldKind::Text).unwrap();
    assert_eq!(value(&d, &ann, "patch_test"), json!("2026-11-30"));
    to_kind(&d, "work_email", FieldKind::Text).unwrap();
    assert_eq!(value(&d, &ann, "work_email"), json!("ann@example.com"));
    // And the text is now text: any wording is taken.
    let mut edit = frontdesk_core::customers::CustomerInput::from_customer(&d.store.customer(&ann.code).unwrap());
    edit.custom.insert("shoe_size".into(), json!("38½ (wide)"));
    d.store.update_customer(&me(), ann.id, &edit).unwrap();
    assert_eq!(value(&d, &ann, "shoe_size"), json!("38½ (wide)"));
}

#[test]
fn a_change_that_could_lose_values_is_refused_and_changes_nothing() {
    let d = desk();
    d.store.add_custom_field(&field("Colour notes", FieldKind::LongText)).unwrap();
    d.store.add_custom_field(&field("Vegan", FieldKind::YesNo)).unwrap();
    d.store.add_custom_field(&field("Card", FieldKind::Text)).unwrap();
    let ann = person(&d, "Ann", &[("colour_notes", json!("Line one\nLine two")), ("vegan", json!(true))]);
    assert_eq!(code(to_kind(&d, "colour_notes", FieldKind::Text).unwrap_err()), "kind:values_do_not_fit");
    assert_eq!(d.store.custom_field("colour_notes").unwrap().kind, FieldKind::LongText);
    assert_eq!(value(&d, &ann, "colour_notes"), json!("Line one\nLine two"));
    assert_eq!(code(to_kind(&d, "vegan", FieldKind::Text).unwrap_err()), "kind:change_not_supported");
    // More different values than a choice may offer.
    for i in 0..201 {
        person(&d, &format!("P{i}"), &[("card", json!(format!("card {i}")))]);
    }
    assert_eq!(code(to_kind(&d, "card", FieldKind::Choice).unwrap_err()), "kind:too_many_values");
    assert_eq!(
        code(to_kind(&d, "card", FieldKind::Number).unwrap_err()),
        "kind:values_do_not_fit",
        "\"card 1\" is no number"
    );
    let card = d.store.custom_field("card").unwrap();
    assert_eq!((card.kind, card.options.len()), (FieldKind::Text, 0), "no option was left behind");
    // Once a line break is gone, long text becomes text.
    let mut edit = frontdesk_core::customers::CustomerInput::from_customer(&d.store.customer(&ann.code).unwrap());
    edit.custom.insert("colour_notes".into(), json!("One line"));
    d.store.update_customer(&me(), ann.id, &edit).unwrap();
    assert_eq!(to_kind(&d, "colour_notes", FieldKind::Text).unwrap().kind, FieldKind::Text);
}

#[test]
fn a_field_is_made_unique_only_when_no_two_live_customers_share_a_value() {
    let d = desk();
    d.store.add_custom_field(&field("Membership no", FieldKind::Text)).unwrap();
    let _ann = person(&d, "Ann", &[("membership_no", json!("M-1"))]);
    let bo = person(&d, "Bo", &[("membership_no", json!("M-1"))]);
    let def = d.store.custom_field("membership_no").unwrap();
    let unique = FieldInput { unique: true, ..FieldInput::from_def(&def) };
    match d.store.edit_custom_field("membership_no", &unique).unwrap_err() {
        CoreError::Validation { field, code, message } => {
            assert_eq!((field.as_str(), code.as_str()), ("unique", "not_unique_yet"));
            assert!(message.contains("\"M-1\"") && message.contains("2 customers"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!d.store.custom_field("membership_no").unwrap().unique);
    // An archived customer's value does not count.
    d.store.archive_customer(&me(), bo.id).unwrap();
    assert!(d.store.edit_custom_field("membership_no", &unique).unwrap().unique);
}

#[test]
fn fields_and_options_move_and_values_follow_the_options_order() {
    let d = desk();
    for l in ["A", "B", "C"] {
        d.store.add_custom_field(&field(l, FieldKind::Text)).unwrap();
    }
    let keys =
        |fields: Vec<frontdesk_core::custom_fields::FieldDef>| fields.into_iter().map(|f| f.key).collect::<Vec<_>>();
    assert_eq!(keys(d.store.move_custom_field("c", 0).unwrap()), ["c", "a", "b"]);
    assert_eq!(keys(d.store.move_custom_field("c", 99).unwrap()), ["a", "b", "c"], "past the end: last");
    assert_eq!(keys(d.store.custom_fields(false).unwrap()), ["a", "b", "c"]);
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Nuts".into(), "Latex".into(), "PPD".into()],
            ..field("Allergies", FieldKind::Choices)
        })
        .unwrap();
    let ann = person(&d, "Ann", &[("allergies", json!(["PPD", "Nuts"]))]);
    assert_eq!(value(&d, &ann, "allergies"), json!(["Nuts", "PPD"]));
    let f = d.store.change_custom_option("allergies", &OptionChange::Move { option: "PPD".into(), to: 0 }).unwrap();
    assert_eq!(f.options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["PPD", "Nuts", "Latex"]);
    assert_eq!(value(&d, &ann, "allergies"), json!(["PPD", "Nuts"]), "in the options' new order");
    assert_eq!(d.count("SELECT count(*) FROM outbox WHERE entity = 'custom_field' AND field = 'option_order'"), 1);
}

#[test]
fn fewer_decimals_are_refused_while_a_value_needs_them() {
    let d = desk();
    d.store.add_custom_field(&FieldInput { decimals: Some(2), ..field("Strength", FieldKind::Number) }).unwrap();
    let ann = person(&d, "Ann", &[("strength", json!("3.25"))]);
    let def = d.store.custom_field("strength").unwrap();
    let whole = FieldInput { decimals: Some(0), ..FieldInput::from_def(&def) };
    assert_eq!(code(d.store.edit_custom_field("strength", &whole).unwrap_err()), "decimals:values_do_not_fit");
    let one = FieldInput { decimals: Some(1), ..FieldInput::from_def(&def) };
    assert_eq!(code(d.store.edit_custom_field("strength", &one).unwrap_err()), "decimals:values_do_not_fit");
    let mut edit = frontdesk_core::customers::CustomerInput::from_customer(&d.store.customer(&ann.code).unwrap());
    edit.custom.insert("strength".into(), json!(3.5));
    d.store.update_customer(&me(), ann.id, &edit).unwrap();
    assert_eq!(d.store.edit_custom_field("strength", &one).unwrap().decimals, Some(1));
}

#[test]
fn other_changes_go_through_when_every_value_reads_as_the_new_kind() {
    let d = desk();
    // No values yet: any kind; a choice gets the options given with it.
    d.store.add_custom_field(&field("Locker", FieldKind::Text)).unwrap();
    let def = d.store.custom_field("locker").unwrap();
    let to_choice = FieldInput { kind: Some(FieldKind::Choice), ..FieldInput::from_def(&def) };
    assert_eq!(code(d.store.edit_custom_field("locker", &to_choice).unwrap_err()), "options:required");
    let f = d
        .store
        .edit_custom_field("locker", &FieldInput { options: vec!["A".into(), "B".into()], ..to_choice })
        .unwrap();
    assert_eq!((f.kind, f.options.len()), (FieldKind::Choice, 2));
    // One choice back to text: the labels.
    let ann = person(&d, "Ann", &[("locker", json!("B"))]);
    to_kind(&d, "locker", FieldKind::Text).unwrap();
    assert_eq!(value(&d, &ann, "locker"), json!("B"));
    // Text to a number when every value is one.
    d.store.add_custom_field(&field("Shoe size", FieldKind::Text)).unwrap();
    let bo = person(&d, "Bo", &[("shoe_size", json!("41"))]);
    assert_eq!(to_kind(&d, "shoe_size", FieldKind::Number).unwrap().kind, FieldKind::Number);
    assert_eq!(value(&d, &bo, "shoe_size"), json!(41));
    // Several choices to one when nobody holds two.
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Nuts".into(), "PPD".into()],
            ..field("Allergies", FieldKind::Choices)
        })
        .unwrap();
    let cy = person(&d, "Cy", &[("allergies", json!(["Nuts", "PPD"]))]);
    assert_eq!(code(to_kind(&d, "allergies", FieldKind::Choice).unwrap_err()), "kind:values_do_not_fit");
    let mut edit = frontdesk_core::customers::CustomerInput::from_customer(&d.store.customer(&cy.code).unwrap());
    edit.custom.insert("allergies".into(), json!(["PPD"]));
    d.store.update_customer(&me(), cy.id, &edit).unwrap();
    to_kind(&d, "allergies", FieldKind::Choice).unwrap();
    assert_eq!(value(&d, &cy, "allergies"), json!("PPD"));
}
