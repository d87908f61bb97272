//! The business's own customer fields: definitions, options, archive and delete, and the checks
//! every value of each kind goes through.

mod common;

use common::desk;
use frontdesk_core::change::EntityKind;
use frontdesk_core::custom_fields::{key_from_label, FieldInput, FieldKind};
use frontdesk_core::CoreError;
use serde_json::json;

fn code_of(e: CoreError) -> (String, String) {
    match e {
        CoreError::Validation { field, code, .. } => (field, code),
        CoreError::Conflict { code, .. } => ("".into(), code),
        other => panic!("unexpected {other:?}"),
    }
}

fn choice(label: &str, options: &[&str]) -> FieldInput {
    FieldInput {
        label: label.into(),
        kind: Some(FieldKind::Choice),
        options: options.iter().map(|o| o.to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn keys_come_from_labels_and_are_never_reused() {
    assert_eq!(key_from_label("Patch test (date)"), "patch_test_date");
    assert_eq!(key_from_label("Café notes"), "cafe_notes");
    assert_eq!(key_from_label("2nd phone"), "field_2nd_phone");
    let d = desk();
    let hair = d.store.add_custom_field(&choice("Hair type", &["Curly", "Straight", "Wavy"])).unwrap();
    assert_eq!(hair.key, "hair_type");
    assert_eq!(hair.options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["Curly", "Straight", "Wavy"]);
    assert_eq!(
        code_of(d.store.add_custom_field(&choice("hair TYPE", &["A"])).unwrap_err()),
        ("label".into(), "taken".into())
    );
    // Deleted, the key stays taken: a new field of that label gets another one.
    d.store.archive_custom_field("hair_type", true).unwrap();
    assert_eq!(d.store.delete_custom_field("hair_type", Some(0)).unwrap(), 0);
    assert!(d.store.custom_field("hair_type").is_err());
    let again = d.store.add_custom_field(&choice("Hair type", &["Curly"])).unwrap();
    assert_eq!(again.key, "hair_type_2");
    let explicit = FieldInput { key: Some("hair_type".into()), ..choice("Hair", &["X"]) };
    assert_eq!(code_of(d.store.add_custom_field(&explicit).unwrap_err()), ("key".into(), "taken".into()));
    let bad = FieldInput { key: Some("Hair Type".into()), ..choice("Hair 3", &["X"]) };
    assert_eq!(code_of(d.store.add_custom_field(&bad).unwrap_err()), ("key".into(), "invalid_key".into()));
}

#[test]
fn definitions_are_checked_field_by_field() {
    let d = desk();
    let cases = [
        (FieldInput { label: " ".into(), ..Default::default() }, "label", "required"),
        (choice("Hair", &[]), "options", "required"),
        (choice("Hair", &["Curly", "curly"]), "options", "duplicate_option"),
        (
            FieldInput { label: "Hair notes".into(), options: vec!["A".into()], ..Default::default() },
            "options",
            "not_for_kind",
        ),
        (
            FieldInput { label: "Allergic".into(), kind: Some(FieldKind::YesNo), unique: true, ..Default::default() },
            "unique",
            "not_for_kind",
        ),
        (
            FieldInput {
                label: "Last colour".into(),
                kind: Some(FieldKind::Date),
                searchable: true,
                ..Default::default()
            },
            "searchable",
            "not_for_kind",
        ),
        (FieldInput { label: "Locker".into(), decimals: Some(2), ..Default::default() }, "decimals", "not_for_kind"),
        // Names files read as a standard field: imports could not tell the two apart.
        (FieldInput { label: "Phone".into(), ..Default::default() }, "label", "standard_field"),
        (FieldInput { label: "Surname".into(), ..Default::default() }, "label", "standard_field"),
        (FieldInput { label: "E-mail".into(), ..Default::default() }, "label", "standard_field"),
        (FieldInput { label: "Marketing consent".into(), ..Default::default() }, "label", "standard_field"),
        (
            FieldInput { label: "Member".into(), key: Some("code".into()), ..Default::default() },
            "key",
            "standard_field",
        ),
        (
            FieldInput { label: "Card".into(), unique: true, default_value: Some(json!("M-0")), ..Default::default() },
            "default_value",
            "unique_default",
        ),
        (
            FieldInput {
                label: "Weight".into(),
                kind: Some(FieldKind::Number),
                decimals: Some(9),
                ..Default::default()
            },
            "decimals",
            "out_of_range",
        ),
    ];
    for (input, field, code) in cases {
        assert_eq!(code_of(d.store.add_custom_field(&input).unwrap_err()), (field.into(), code.into()), "{input:?}");
    }
    assert!(d.store.custom_fields(true).unwrap().is_empty(), "a refused definition leaves nothing");
}

#[test]
fn options_keep_their_ids_through_renames_and_retirement() {
    let d = desk();
    let f = d.store.add_custom_field(&choice("Skin type", &["Dry", "Oily"])).unwrap();
    let dry = f.options[0].id;
    let f = d.store.rename_custom_option("skin_type", "dry", "Very dry").unwrap();
    assert_eq!((f.options[0].id, f.options[0].label.as_str()), (dry, "Very dry"));
    assert_eq!(
        code_of(d.store.rename_custom_option("skin_type", "Very dry", "oily").unwrap_err()).1,
        "duplicate_option"
    );
    assert_eq!(code_of(d.store.rename_custom_option("skin_type", "Normal", "x").unwrap_err()).1, "unknown_option");
    let f = d.store.retire_custom_option("skin_type", "Oily", true).unwrap();
    assert!(f.options[1].retired);
    assert_eq!(code_of(d.store.retire_custom_option("skin_type", "Very dry", true).unwrap_err()).1, "last_option");
    let f = d.store.add_custom_option("skin_type", "Combination").unwrap();
    assert_eq!(f.options.len(), 3);
    // A retired option is not accepted as a value, an unknown one neither, a live one is.
    let with_default =
        |v| frontdesk_core::custom_fields::FieldInput { default_value: Some(v), ..choice("Skin type", &[]) };
    assert_eq!(
        code_of(d.store.edit_custom_field("skin_type", &with_default(json!("Oily"))).unwrap_err()).1,
        "retired_option"
    );
    assert_eq!(
        code_of(d.store.edit_custom_field("skin_type", &with_default(json!("Normal"))).unwrap_err()).1,
        "unknown_option"
    );
    let f = d.store.edit_custom_field("skin_type", &with_default(json!("combination"))).unwrap();
    assert_eq!(f.default_value, Some(json!("Combination")), "kept as the option is called");
    // The default follows a rename, and its option cannot be retired while it is the default.
    let f = d.store.rename_custom_option("skin_type", "Combination", "Mixed").unwrap();
    assert_eq!(f.default_value, Some(json!("Mixed")));
    assert_eq!(code_of(d.store.retire_custom_option("skin_type", "Mixed", true).unwrap_err()).1, "default_option");
}

#[test]
fn archive_hides_a_field_and_only_an_archived_one_is_deleted() {
    let d = desk();
    d.store.add_custom_field(&FieldInput { label: "Referral source".into(), ..Default::default() }).unwrap();
    assert_eq!(code_of(d.store.delete_custom_field("referral_source", None).unwrap_err()).1, "field_not_archived");
    d.store.archive_custom_field("referral_source", true).unwrap();
    assert!(d.store.custom_fields(false).unwrap().is_empty());
    assert_eq!(d.store.custom_fields(true).unwrap().len(), 1);
    let back = d.store.archive_custom_field("referral_source", false).unwrap();
    assert!(!back.archived);
    assert_eq!(d.store.custom_fields(false).unwrap().len(), 1);
    // A kind change a value does not survive is refused with the reason.
    let mut ann = common::input("Ann", "Lee", None, None);
    ann.custom.insert("referral_source".into(), json!("Instagram"));
    d.store.create_customer(&common::me(), &ann).unwrap();
    let to_date = FieldInput { label: "Referral source".into(), kind: Some(FieldKind::Date), ..Default::default() };
    assert_eq!(
        code_of(d.store.edit_custom_field("referral_source", &to_date).unwrap_err()),
        ("kind".into(), "values_do_not_fit".into())
    );
}

#[test]
fn every_kind_checks_its_values() {
    let d = desk();
    let number = FieldInput {
        label: "Shoe size".into(),
        kind: Some(FieldKind::Number),
        decimals: Some(1),
        ..Default::default()
    };
    d.store.add_custom_field(&number).unwrap();
    let cases: &[(FieldKind, &str, serde_json::Value, Result<serde_json::Value, &str>)] = &[
        (FieldKind::Number, "Shoe size", json!("38.5"), Ok(json!(38.5))),
        (FieldKind::Number, "Shoe size", json!(38.25), Err("too_many_decimals")),
        (FieldKind::Number, "Shoe size", json!("big"), Err("invalid_number")),
        (FieldKind::Date, "Patch test", json!("2026-02-30"), Err("invalid_date")),
        (FieldKind::Date, "Patch test", json!("1800-01-01"), Err("out_of_range")),
        (FieldKind::Date, "Patch test", json!("2026-03-14"), Ok(json!("2026-03-14"))),
        (FieldKind::YesNo, "Allergic", json!("maybe"), Err("invalid_boolean")),
        (FieldKind::YesNo, "Allergic", json!("yes"), Ok(json!(true))),
        (FieldKind::Email, "Work email", json!("ann@@x.com"), Err("invalid_email")),
        (FieldKind::Url, "Instagram", json!("not a site"), Err("invalid_url")),
        (FieldKind::Url, "Instagram", json!("instagram.com/ann"), Ok(json!("https://instagram.com/ann"))),
        (FieldKind::Phone, "Emergency contact", json!("12"), Err("invalid_phone")),
        (FieldKind::Text, "Membership", json!("x".repeat(201)), Err("too_long")),
    ];
    for (kind, label, value, want) in cases {
        let key = key_from_label(label);
        if d.store.custom_field(&key).is_err() {
            d.store
                .add_custom_field(&FieldInput { label: label.to_string(), kind: Some(*kind), ..Default::default() })
                .unwrap();
        }
        let current = d.store.custom_field(&key).unwrap();
        let input = FieldInput {
            label: current.label.clone(),
            decimals: current.decimals,
            default_value: Some(value.clone()),
            ..Default::default()
        };
        match (d.store.edit_custom_field(&key, &input), want) {
            (Ok(f), Ok(v)) => assert_eq!(f.default_value.as_ref(), Some(v), "{label}"),
            (Err(e), Err(code)) => {
                assert_eq!(code_of(e), ("default_value".into(), code.to_string()), "{label} {value}")
            }
            (got, want) => panic!("{label} {value}: got {got:?}, wanted {want:?}"),
        }
    }
}

#[test]
fn definition_changes_leave_outbox_records() {
    let d = desk();
    let before = d.store.changes_after(0, 10_000).unwrap().len();
    let f = d.store.add_custom_field(&choice("Preferred stylist", &["Sam", "Jo"])).unwrap();
    d.store.rename_custom_option("preferred_stylist", "Jo", "Joanna").unwrap();
    d.store.archive_custom_field("preferred_stylist", true).unwrap();
    let changes: Vec<_> = d.store.changes_after(0, 10_000).unwrap().into_iter().skip(before).collect();
    assert!(changes.iter().all(|c| c.entity == EntityKind::CustomField && c.entity_id.is_some() && c.local == f.id));
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["*", "options", "archived"]);
}
