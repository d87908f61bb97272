mod common;

use common::{desk, input, me};
use frontdesk_core::customers::{CustomerInput, TextFields};
use frontdesk_core::CoreError;

#[test]
fn duplicate_email_names_the_existing_customer() {
    let d = desk();
    let ann = d.add("Ann", "Lee", Some("ann@example.com"), None);
    let err = d.store.create_customer(&me(), &input("Anne", "Lee", Some("ANN@example.com"), None)).unwrap_err();
    match err {
        CoreError::Duplicate { field, existing } => {
            assert_eq!(field, "email");
            assert_eq!(existing.id, ann.id);
            assert_eq!(existing.code, ann.code);
            assert_eq!(existing.display_name, "Ann Lee");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.count("SELECT count(*) FROM customers"), 1);
}

#[test]
fn duplicate_phone_in_another_format_is_caught() {
    let d = desk();
    let ann = d.add("Ann", "Lee", None, Some("07911 123456"));
    let err = d.store.create_customer(&me(), &input("Bob", "Lee", None, Some("+44 (0)7911-123-456"))).unwrap_err();
    assert!(
        matches!(&err, CoreError::Duplicate { field, existing } if field == "phone" && existing.id == ann.id),
        "{err:?}"
    );
}

#[test]
fn a_shared_contact_is_accepted_and_both_records_stay_intact() {
    let d = desk();
    let mum = d.add("Maria", "Silva", Some("family@example.com"), Some("07911 123456"));
    let mut kid = input("Tom", "Silva", Some("family@example.com"), Some("07911123456"));
    kid.email_shared = true;
    kid.phone_shared = true;
    let kid = d.store.create_customer(&me(), &kid).unwrap();
    assert!(kid.email_shared && kid.phone_shared);
    let mum_after = d.store.customer(&mum.id.to_string()).unwrap();
    assert_eq!(mum_after, mum);
    // Only the flagged contact is shared: a third person still cannot take the phone.
    let err = d.store.create_customer(&me(), &input("Other", "Person", None, Some("07911 123456"))).unwrap_err();
    assert!(matches!(err, CoreError::Duplicate { .. }));
}

#[test]
fn an_archived_customers_contacts_do_not_block_a_new_record() {
    let d = desk();
    let old = d.add("Ann", "Lee", Some("ann@example.com"), Some("07911 123456"));
    d.store.archive_customer(&me(), old.id).unwrap();
    let new =
        d.store.create_customer(&me(), &input("Ann", "Lee", Some("ann@example.com"), Some("07911 123456"))).unwrap();
    assert_ne!(new.id, old.id);
    // Restoring the old one now conflicts, and says with whom.
    let err = d.store.restore_customer(&me(), old.id).unwrap_err();
    assert!(matches!(&err, CoreError::Duplicate { existing, .. } if existing.id == new.id), "{err:?}");
    assert!(d.store.customer(&old.id.to_string()).unwrap().archived_at.is_some());
}

#[test]
fn an_edit_cannot_take_another_customers_contact() {
    let d = desk();
    d.add("Ann", "Lee", Some("ann@example.com"), None);
    let bob = d.add("Bob", "Ray", Some("bob@example.com"), None);
    let mut edit = CustomerInput::from_customer(&bob);
    edit.email = Some("ann@example.com".into());
    assert!(matches!(d.store.update_customer(&me(), bob.id, &edit), Err(CoreError::Duplicate { .. })));
    assert_eq!(d.store.customer(&bob.id.to_string()).unwrap().email.as_deref(), Some("bob@example.com"));
    // Editing another field of a record keeps its own email without a false duplicate.
    let mut edit = CustomerInput::from_customer(&bob);
    edit.text.city = Some("Leeds".into());
    assert_eq!(d.store.update_customer(&me(), bob.id, &edit).unwrap().text.city.as_deref(), Some("Leeds"));
}

#[test]
fn unmarking_a_shared_contact_is_checked_again() {
    let d = desk();
    d.add("Maria", "Silva", None, Some("07911 123456"));
    let mut kid = input("Tom", "Silva", None, Some("07911 123456"));
    kid.phone_shared = true;
    let kid = d.store.create_customer(&me(), &kid).unwrap();
    let mut edit = CustomerInput::from_customer(&kid);
    edit.phone_shared = false;
    assert!(matches!(d.store.update_customer(&me(), kid.id, &edit), Err(CoreError::Duplicate { .. })));
}

#[test]
fn an_unchanged_phone_is_kept_when_the_desk_region_changes() {
    let d = desk();
    let c = d.add("Ann", "Lee", None, Some("07911 123456"));
    d.store
        .update_settings(&frontdesk_core::settings::SettingsInput {
            default_region: Some("US".into()),
            ..Default::default()
        })
        .unwrap();
    let mut edit = CustomerInput::from_customer(&c);
    edit.text.city = Some("Leeds".into());
    let after = d.store.update_customer(&me(), c.id, &edit).unwrap();
    assert_eq!(after.phone_e164.as_deref(), Some("+447911123456"));
    assert_eq!(after.text.city.as_deref(), Some("Leeds"));
}

#[test]
fn a_form_check_lists_every_field_problem_and_who_has_the_contact() {
    let d = desk();
    let ann = d.add("Ann", "Lee", None, Some("+34 612 345 678"));
    // Typed nationally: found only because the form's country (ES) is used to read it.
    let form = CustomerInput {
        first_name: "".into(),
        email: Some("bob@@example.com".into()),
        phone: Some("612 345 678".into()),
        text: TextFields { country: Some("es".into()), ..Default::default() },
        ..Default::default()
    };
    let check = d.store.check_customer(&form, None).unwrap();
    let fields: Vec<&str> = check.errors.iter().filter_map(|e| e.field()).collect();
    assert!(fields.contains(&"first_name") && fields.contains(&"email"), "{fields:?}");
    assert_eq!(check.owners.len(), 1);
    assert_eq!((check.owners[0].field.as_str(), check.owners[0].existing.id), ("phone", ann.id));
    // Editing Ann herself: her own phone is no warning.
    assert!(d.store.check_customer(&form, Some(ann.id)).unwrap().owners.is_empty());
}
