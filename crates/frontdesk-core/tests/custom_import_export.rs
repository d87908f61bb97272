//! Custom values through files: one column per field headed by its label on export, columns
//! matched to fields by label or key (or `--map … =custom.<key>`) on import, values that do not
//! validate reported with line, field and reason and kept in remarks, and `--create-fields`.

mod common;

use std::fs;

use common::{desk, input, me};
use frontdesk_core::custom_fields::{FieldInput, FieldKind};
use frontdesk_core::export::{export, Format};
use frontdesk_core::import::{errors_path, import_csv, preview, ImportOptions, ImportReport};
use frontdesk_core::CoreError;
use serde_json::{json, Value};

fn import(d: &common::Desk, name: &str, text: &str, opts: &ImportOptions) -> Result<ImportReport, CoreError> {
    let path = d.dir.path().join(name);
    fs::write(&path, text).unwrap();
    import_csv(&d.store, &path, opts, &mut |_, _| {})
}

fn field(label: &str, kind: FieldKind) -> FieldInput {
    FieldInput { label: label.into(), kind: Some(kind), ..Default::default() }
}

/// The salon's fields, the same on every desk of these tests.
fn salon_fields(d: &common::Desk) {
    let s = &d.store;
    s.add_custom_field(&FieldInput {
        options: vec!["Curly".into(), "Straight".into()],
        ..field("Hair type", FieldKind::Choice)
    })
    .unwrap();
    s.add_custom_field(&FieldInput {
        options: vec!["Nuts".into(), "Latex".into(), "PPD".into()],
        ..field("Allergies", FieldKind::Choices)
    })
    .unwrap();
    s.add_custom_field(&field("Patch test", FieldKind::Date)).unwrap();
    s.add_custom_field(&FieldInput { unique: true, ..field("Membership no", FieldKind::Text) }).unwrap();
    s.add_custom_field(&field("Vegan", FieldKind::YesNo)).unwrap();
}

fn custom_of(d: &common::Desk, first_name: &str) -> Value {
    let code: String = d
        .store
        .read(|r| {
            Ok(r.conn().query_row("SELECT code FROM customers WHERE first_name = ?1", [first_name], |x| x.get(0))?)
        })
        .unwrap();
    serde_json::to_value(d.store.customer(&code).unwrap().custom).unwrap()
}

fn remarks_of(d: &common::Desk, first_name: &str) -> String {
    d.store
        .read(|r| {
            Ok(r.conn().query_row(
                "SELECT coalesce(remarks, '') FROM customers WHERE first_name = ?1",
                [first_name],
                |x| x.get(0),
            )?)
        })
        .unwrap()
}

#[test]
fn an_export_heads_each_field_by_its_label_and_imports_back_on_another_desk() {
    let a = desk();
    salon_fields(&a);
    let mut ann = input("Ann", "Lee", Some("ann@example.com"), None);
    for (k, v) in [
        ("hair_type", json!("Curly")),
        ("allergies", json!(["PPD", "Nuts"])),
        ("patch_test", json!("2026-11-30")),
        ("membership_no", json!("M-100")),
        ("vegan", json!(true)),
    ] {
        ann.custom.insert(k.into(), v);
    }
    a.store.create_customer(&me(), &ann).unwrap();
    a.store.create_customer(&me(), &input("Bo", "Ray", None, None)).unwrap();

    let mut out = Vec::new();
    assert_eq!(export(&a.store, Format::Csv, &mut out).unwrap(), 2);
    let text = String::from_utf8(out).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let at = |h: &str| headers.iter().position(|x| x == h).unwrap_or_else(|| panic!("no column {h}: {headers:?}"));
    let labels = ["Hair type", "Allergies", "Patch test", "Membership no", "Vegan"];
    assert_eq!(&headers[headers.len() - 5..], &labels, "custom columns follow the standard ones, in field order");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ann_row = rows.iter().find(|r| r.iter().any(|c| c == "Ann")).unwrap();
    let cells: Vec<&str> = labels.iter().map(|l| ann_row.get(at(l)).unwrap()).collect();
    assert_eq!(cells, ["Curly", "Nuts | PPD", "2026-11-30", "M-100", "yes"]);
    let bo_row = rows.iter().find(|r| r.iter().any(|c| c == "Bo")).unwrap();
    assert!(labels.iter().all(|l| bo_row.get(at(l)) == Some("")), "no value, an empty cell: {bo_row:?}");

    let mut lines = Vec::new();
    export(&a.store, Format::Json, &mut lines).unwrap();
    let first: Value = serde_json::from_str(String::from_utf8(lines).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["custom"]["allergies"], json!(["Nuts", "PPD"]), "{first}");

    // Another desk with the same fields reads the file back to the same values.
    let b = desk();
    salon_fields(&b);
    let report = import(&b, "export.csv", &text, &ImportOptions::default()).unwrap();
    assert_eq!((report.imported, report.rejected, report.kept_without), (2, 0, 0), "{report:?}");
    for l in labels {
        let key = l.to_lowercase().replace(' ', "_");
        assert!(report.mapping.contains(&(l.to_string(), format!("custom.{key}"))), "{l}: {:?}", report.mapping);
    }
    assert_eq!(custom_of(&b, "Ann"), custom_of(&a, "Ann"));
    assert_eq!(custom_of(&b, "Bo"), json!({}));
}

#[test]
fn values_that_do_not_validate_are_reported_with_line_field_and_reason_and_kept_in_remarks() {
    let d = desk();
    salon_fields(&d);
    d.store
        .create_customer(&me(), &{
            let mut c = input("Old", "Member", None, None);
            c.custom.insert("membership_no".into(), json!("M-7"));
            c
        })
        .unwrap();
    let csv = "Name,Patch,Hair,Member,Vegan\n\
        Ann Lee,30/11/2026,curly,M-1,yes\n\
        Bo Ray,31/02/2026,Wavy,M-1,maybe\n\
        Cy Po,,Straight,M-7,no\n";
    let opts = ImportOptions {
        mappings: vec![
            ("Patch".into(), "custom.patch_test".into()),
            ("Hair".into(), "custom.Hair type".into()),
            ("Member".into(), "custom.membership_no".into()),
        ],
        ..Default::default()
    };
    let report = import(&d, "bad.csv", csv, &opts).unwrap();
    assert_eq!((report.rows, report.imported, report.rejected), (3, 3, 0), "{report:?}");
    assert_eq!(report.kept_without, 2, "Bo and Cy, each kept without what was wrong");
    let left: Vec<(u64, &str, &str, &str)> = report
        .first_kept_without
        .iter()
        .map(|k| (k.line, k.field.as_str(), k.code.as_str(), k.value.as_str()))
        .collect();
    assert!(left.contains(&(3, "custom.patch_test", "invalid_date", "31/02/2026")), "{left:?}");
    assert!(left.contains(&(3, "custom.hair_type", "unknown_option", "Wavy")), "{left:?}");
    assert!(left.contains(&(3, "custom.membership_no", "duplicate", "M-1")), "an earlier row holds it: {left:?}");
    assert!(left.contains(&(3, "custom.vegan", "invalid_boolean", "maybe")), "{left:?}");
    assert!(left.contains(&(4, "custom.membership_no", "duplicate", "M-7")), "a desk customer holds it: {left:?}");
    assert!(report.first_kept_without.iter().all(|k| !k.reason.is_empty()));

    assert_eq!(
        custom_of(&d, "Ann"),
        json!({"patch_test": "2026-11-30", "hair_type": "Curly", "membership_no": "M-1", "vegan": true})
    );
    assert_eq!(custom_of(&d, "Bo"), json!({}), "every one of Bo's values was wrong");
    assert_eq!(custom_of(&d, "Cy"), json!({"hair_type": "Straight", "vegan": false}));
    let remarks = remarks_of(&d, "Bo");
    for line in ["Patch test: 31/02/2026", "Hair type: Wavy", "Membership no: M-1", "Vegan: maybe"] {
        assert!(remarks.contains(&format!("Not valid when imported, left out — {line}")), "{line}: {remarks}");
    }
    let errors = fs::read_to_string(errors_path(&d.dir.path().join("bad.csv"))).unwrap();
    assert!(errors.lines().any(|l| l.starts_with("3,custom.patch_test,invalid_date,")), "{errors}");
    assert!(errors.lines().any(|l| l.starts_with("4,custom.membership_no,duplicate,")), "{errors}");
}

#[test]
fn a_map_to_a_field_the_desk_lacks_is_refused_naming_the_fields_it_has() {
    let d = desk();
    let opts = ImportOptions { mappings: vec![("Patch".into(), "custom.patch".into())], ..Default::default() };
    match import(&d, "a.csv", "Name,Patch\nAnn Lee,x\n", &opts) {
        Err(CoreError::Validation { field, code, message }) => {
            assert_eq!((field.as_str(), code.as_str()), ("map", "unknown_field"));
            assert!(message.contains("--create-fields"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    salon_fields(&d);
    match import(&d, "a.csv", "Name,Patch\nAnn Lee,x\n", &opts) {
        Err(CoreError::Validation { code, message, .. }) => {
            assert_eq!(code, "unknown_field");
            assert!(message.contains("custom.patch_test") && message.contains("custom.vegan"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.count("SELECT count(*) FROM customers"), 0);
}

#[test]
fn create_fields_makes_a_text_field_for_each_column_that_goes_nowhere() {
    let d = desk();
    let csv = "Name,Favourite drink,Gender\nAnn Lee,Tea,F\nBo Ray,,M\n";
    let path = d.dir.path().join("drinks.csv");
    fs::write(&path, csv).unwrap();
    let skip_gender = vec![("Gender".to_string(), "ignore".to_string())];

    // Without asking: the column is not imported and is listed as such.
    let plain = ImportOptions { mappings: skip_gender.clone(), ..Default::default() };
    let p = preview(&d.store, &path, &ImportOptions { create_fields: true, ..plain.clone() }).unwrap();
    let drink = p.columns.iter().find(|c| c.header == "Favourite drink").unwrap();
    assert_eq!(
        (drink.target.as_str(), drink.why.as_str()),
        ("custom.favourite_drink", "a new text field (create fields)")
    );
    assert_eq!(p.columns.iter().find(|c| c.header == "Gender").unwrap().target, "ignore");
    assert!(d.store.custom_fields(true).unwrap().is_empty(), "a preview makes no field");

    // A file that cannot be imported makes no field either.
    let no_name =
        ImportOptions { mappings: vec![("Name".into(), "ignore".into())], create_fields: true, ..plain.clone() };
    assert!(import_csv(&d.store, &path, &no_name, &mut |_, _| {}).is_err());
    assert!(d.store.custom_fields(true).unwrap().is_empty());

    let report = import_csv(&d.store, &path, &ImportOptions { create_fields: true, ..plain }, &mut |_, _| {}).unwrap();
    assert_eq!((report.imported, report.new_fields.clone()), (2, vec!["Favourite drink".to_string()]), "{report:?}");
    assert!(report.ignored_columns.is_empty(), "{:?}", report.ignored_columns);
    let fields = d.store.custom_fields(false).unwrap();
    assert_eq!(fields.len(), 1, "Gender was left out on purpose");
    assert_eq!((fields[0].label.as_str(), fields[0].kind), ("Favourite drink", FieldKind::Text));
    assert_eq!(custom_of(&d, "Ann"), json!({"favourite_drink": "Tea"}));

    // The next file with that column fills the field without being asked.
    let again = import(&d, "more.csv", "Name,Favourite drink\nCy Po,Coffee\n", &ImportOptions::default()).unwrap();
    assert!(again.new_fields.is_empty());
    assert_eq!(custom_of(&d, "Cy"), json!({"favourite_drink": "Coffee"}));
}

#[test]
fn a_standard_header_fills_the_standard_field_and_two_columns_for_one_field_keep_both_values() {
    let d = desk();
    // A field named like a standard one (allowed before names were checked) does not take
    // the standard column.
    d.store.write(|w| w.add_custom_field(&field("Email", FieldKind::Text))).unwrap();
    salon_fields(&d);
    let report =
        import(&d, "a.csv", "First Name,Last Name,Email\nAnn,Lee,ann@example.com\n", &ImportOptions::default())
            .unwrap();
    assert!(report.mapping.contains(&("Email".to_string(), "email".to_string())), "{:?}", report.mapping);
    assert_eq!(d.find("ann@example.com"), vec!["Ann Lee"]);
    // Two columns for one field: the first fills it, the other is kept in remarks.
    let csv = "Name,Hair type,hair_type\nBo Ray,Curly,Straight\n";
    let report = import(&d, "b.csv", csv, &ImportOptions::default()).unwrap();
    assert_eq!(report.imported, 1);
    assert!(report.mapping.contains(&("hair_type".to_string(), "extra".to_string())), "{:?}", report.mapping);
    assert_eq!(custom_of(&d, "Bo")["hair_type"], json!("Curly"));
    assert!(remarks_of(&d, "Bo").contains("Straight"), "{}", remarks_of(&d, "Bo"));
    // Both sent there with --map: which one was meant is not guessed.
    let both = ImportOptions {
        mappings: vec![
            ("Hair type".into(), "custom.hair_type".into()),
            ("hair_type".into(), "custom.hair_type".into()),
        ],
        ..Default::default()
    };
    match import(&d, "c.csv", csv, &both) {
        Err(CoreError::Validation { field, code, .. }) => {
            assert_eq!((field.as_str(), code.as_str()), ("map", "field_twice"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn retired_options_come_in_from_files_and_labels_with_commas_are_read_whole() {
    let d = desk();
    d.store
        .add_custom_field(&FieldInput {
            options: vec!["Cut, wash & blow-dry".into(), "Colour".into(), "Latex".into()],
            ..field("Services wanted", FieldKind::Choices)
        })
        .unwrap();
    d.store
        .change_custom_option(
            "services_wanted",
            &frontdesk_core::custom_fields::OptionChange::Retire { option: "Latex".into() },
        )
        .unwrap();
    let csv = "Name,Services wanted\nAnn Lee,\"Cut, wash & blow-dry,Colour\"\nBo Ray,Latex | Colour\n";
    let report = import(&d, "s.csv", csv, &ImportOptions::default()).unwrap();
    assert_eq!((report.imported, report.kept_without), (2, 0), "{:?}", report.first_kept_without);
    assert_eq!(custom_of(&d, "Ann")["services_wanted"], json!(["Cut, wash & blow-dry", "Colour"]));
    assert_eq!(
        custom_of(&d, "Bo")["services_wanted"],
        json!(["Colour", "Latex"]),
        "a retired option the file holds is kept"
    );
}
