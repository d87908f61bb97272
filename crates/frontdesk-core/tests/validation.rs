mod common;

use common::{desk, input, me};
use frontdesk_core::customers::CustomerInput;
use frontdesk_core::CoreError;

fn rejects(i: CustomerInput) -> (String, String) {
    let d = desk();
    match d.store.create_customer(&me(), &i) {
        Err(CoreError::Validation { field, code, message }) => {
            assert!(!message.is_empty());
            (field, code)
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_name_is_required() {
    assert_eq!(rejects(input(" ", "", Some("a@example.com"), None)), ("first_name".into(), "required".into()));
}

#[test]
fn email_syntax_and_disposable_domains() {
    assert_eq!(rejects(input("Ann", "Lee", Some("ann@@example.com"), None)), ("email".into(), "invalid_email".into()));
    assert_eq!(rejects(input("Ann", "Lee", Some("ann@localhost"), None)), ("email".into(), "invalid_email".into()));
    assert_eq!(
        rejects(input("Ann", "Lee", Some("ann lee@example.com"), None)),
        ("email".into(), "invalid_email".into())
    );
    assert_eq!(
        rejects(input("Ann", "Lee", Some("ann@mailinator.com"), None)),
        ("email".into(), "disposable_email".into())
    );
    assert_eq!(
        rejects(input("Ann", "Lee", Some("ann@eu.mailinator.com"), None)),
        ("email".into(), "disposable_email".into())
    );
}

#[test]
fn phones_must_be_possible_numbers() {
    assert_eq!(rejects(input("Ann", "Lee", None, Some("12"))), ("phone".into(), "invalid_phone".into()));
    assert_eq!(rejects(input("Ann", "Lee", None, Some("0791 112 345 678"))), ("phone".into(), "invalid_phone".into()));
    assert_eq!(rejects(input("Ann", "Lee", None, Some("call me maybe"))), ("phone".into(), "invalid_phone".into()));
    let d = desk();
    let c = d.store.create_customer(&me(), &input("Ann", "Lee", None, Some("07911 123456"))).unwrap();
    assert_eq!(c.phone_e164.as_deref(), Some("+447911123456"));
    assert_eq!(c.phone_raw.as_deref(), Some("07911 123456"));
    // The customer's own country reads their local number.
    let mut i = input("Hans", "Groß", None, Some("0171 1234567"));
    i.text.country = Some("de".into());
    let c = d.store.create_customer(&me(), &i).unwrap();
    assert_eq!(c.phone_e164.as_deref(), Some("+491711234567"));
    assert_eq!(c.text.country.as_deref(), Some("DE"));
}

#[test]
fn country_length_control_characters_birthday() {
    let mut i = input("Ann", "Lee", None, None);
    i.text.country = Some("XX".into());
    assert_eq!(rejects(i), ("country".into(), "invalid_country".into()));
    assert_eq!(rejects(input(&"a".repeat(101), "Lee", None, None)), ("first_name".into(), "too_long".into()));
    assert_eq!(rejects(input("Ann\u{0007}", "Lee", None, None)), ("first_name".into(), "control_character".into()));
    let mut i = input("Ann", "Lee", None, None);
    i.birthday = Some("2030-01-01".into());
    assert_eq!(rejects(i), ("birthday".into(), "in_future".into()));
    let mut i = input("Ann", "Lee", None, None);
    i.birthday = Some("31/02/1990".into());
    assert_eq!(rejects(i), ("birthday".into(), "invalid_date".into()));
}

/// A birthday typed as the desk writes dates is read that way; one that is not a date is said
/// so in the desk's order.
#[test]
fn a_birthday_is_read_in_the_desks_order() {
    let d = desk(); // a UK desk: day first
    let born = |text: &str| {
        let mut i = input("Ann", "Lee", None, None);
        i.birthday = Some(text.into());
        d.store.create_customer(&me(), &i).map(|c| c.birthday)
    };
    let day = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
    assert_eq!(born("23/04/1990").unwrap(), day(1990, 4, 23));
    assert_eq!(born("14/3/88").unwrap(), day(1988, 3, 14));
    assert_eq!(born("1990-04-23").unwrap(), day(1990, 4, 23));
    match born("31/02/1990") {
        Err(CoreError::Validation { field, message, .. }) => {
            assert!(field == "birthday" && message.contains("DD/MM/YYYY"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // Every problem at once, the birthday's too, while the form is typed.
    let mut i = input("", "", Some("ann@@example.com"), None);
    i.birthday = Some("32/13/1990".into());
    let fields: Vec<String> =
        d.store.validate_customer(&i).into_iter().filter_map(|e| e.field().map(String::from)).collect();
    assert!(fields.contains(&"birthday".to_string()) && fields.contains(&"email".to_string()), "{fields:?}");
    // A US desk reads month first.
    d.store
        .update_settings(&frontdesk_core::settings::SettingsInput {
            default_region: Some("US".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(born("04/23/1990").unwrap(), day(1990, 4, 23));
}

#[test]
fn every_problem_is_reported_at_once_and_nothing_is_written() {
    let d = desk();
    let mut i = input("", "", Some("nope"), Some("1"));
    i.text.country = Some("ZZ".into());
    let errors = d.store.validate_customer(&i);
    let fields: Vec<_> = errors.iter().filter_map(|e| e.field()).collect();
    assert_eq!(fields, vec!["first_name", "country", "email", "phone"]);
    assert!(d.store.create_customer(&me(), &i).is_err());
    assert_eq!(d.count("SELECT count(*) FROM customers"), 0);
    assert_eq!(d.count("SELECT count(*) FROM events"), 0);
    assert_eq!(d.count("SELECT count(*) FROM outbox"), 0);
}

#[test]
fn values_are_tidied() {
    let d = desk();
    let mut i = input("  Zoë   Anne ", " Müller\t", Some("  Zoe@Example.COM "), None);
    i.tags = vec!["Allergies: Lavender".into(), "allergies: lavender".into(), " ".into()];
    i.text.postal_code = Some("sw1a 1aa".into());
    let c = d.store.create_customer(&me(), &i).unwrap();
    assert_eq!(c.first_name, "Zoë Anne");
    assert_eq!(c.last_name, "Müller");
    assert_eq!(c.display_name, "Zoë Anne Müller");
    assert_eq!(c.email.as_deref(), Some("Zoe@Example.COM"));
    assert_eq!(c.tags, vec!["Allergies: Lavender"]);
    assert_eq!(c.text.postal_code.as_deref(), Some("SW1A 1AA"));
}
