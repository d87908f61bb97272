mod common;

use common::{desk, me};
use frontdesk_core::customers::{CustomerInput, CustomerStatus};
use frontdesk_core::CoreError;

#[test]
fn every_write_leaves_a_timeline_event_and_outbox_records() {
    let d = desk();
    let c = d.add("Ann", "Lee", Some("ann@example.com"), None);
    assert_eq!(d.count("SELECT count(*) FROM events WHERE kind = 'created'"), 1);
    assert_eq!(d.count("SELECT count(*) FROM outbox WHERE field = '*'"), 1);

    d.clock.advance(60_000);
    let mut edit = CustomerInput::from_customer(&c);
    edit.last_name = "Leigh".into();
    edit.text.city = Some("York".into());
    let after = d.store.update_customer(&me(), c.id, &edit).unwrap();
    assert_eq!(after.updated_at.timestamp_millis(), c.created_at.timestamp_millis() + 60_000);
    let detail = d.store.customer_detail(&c.id.to_string(), 10).unwrap();
    let ev = &detail.timeline[0];
    assert_eq!(ev.kind, "updated");
    assert_eq!(ev.actor, "Reception");
    let changes: Vec<_> =
        ev.changes.iter().map(|ch| (ch.field.as_str(), ch.old.to_string(), ch.new.to_string())).collect();
    assert_eq!(
        changes,
        vec![("last_name", "\"Lee\"".into(), "\"Leigh\"".into()), ("city", "null".into(), "\"York\"".into())]
    );
    assert_eq!(d.count("SELECT count(*) FROM outbox WHERE field IN ('last_name', 'city')"), 2);

    // A save that changes nothing writes nothing.
    let before = d.count("SELECT count(*) FROM events");
    d.store.update_customer(&me(), c.id, &CustomerInput::from_customer(&after)).unwrap();
    assert_eq!(d.count("SELECT count(*) FROM events"), before);

    // HLC timestamps only grow, even when the wall clock steps back.
    d.clock.advance(-3_600_000);
    d.store.block_customer(&me(), c.id, "Unpaid balance").unwrap();
    let hlcs: Vec<i64> = d
        .store
        .read(|r| {
            let mut st = r.conn().prepare("SELECT hlc FROM outbox ORDER BY seq")?;
            let v = st.query_map([], |x| x.get(0))?.collect::<Result<Vec<i64>, _>>()?;
            Ok(v)
        })
        .unwrap();
    assert!(hlcs.windows(2).all(|w| w[0] < w[1]), "{hlcs:?}");
}

#[test]
fn block_requires_a_reason_and_keeps_the_status_history() {
    let d = desk();
    let c = d.add("Ann", "Lee", None, None);
    let err = d.store.block_customer(&me(), c.id, "  ").unwrap_err();
    assert!(
        matches!(&err, CoreError::Validation { field, code, .. } if field == "blocked_reason" && code == "required")
    );
    let b = d.store.block_customer(&me(), c.id, "No-show three times").unwrap();
    assert_eq!(b.status, CustomerStatus::Blocked);
    assert_eq!(b.blocked_reason.as_deref(), Some("No-show three times"));
    assert!(matches!(d.store.block_customer(&me(), c.id, "again"), Err(CoreError::Conflict { .. })));
    d.clock.advance(1000);
    let u = d.store.unblock_customer(&me(), c.id, Some("Paid in full")).unwrap();
    assert_eq!(u.status, CustomerStatus::Active);
    assert_eq!(u.blocked_reason, None);
    let detail = d.store.customer_detail(&c.code, 10).unwrap();
    let history: Vec<_> = detail.status_history.iter().map(|e| (e.kind.as_str(), e.note.as_deref())).collect();
    assert_eq!(history, vec![("unblocked", Some("Paid in full")), ("blocked", Some("No-show three times"))]);
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let d = desk();
    let a = d.add("Ann", "Lee", Some("ann@example.com"), None);
    let b = d.add("Bob", "Ray", None, None);
    let (events, outbox) = (d.count("SELECT count(*) FROM events"), d.count("SELECT count(*) FROM outbox"));
    let mut edit = CustomerInput::from_customer(&b);
    edit.email = Some("ann@example.com".into());
    edit.last_name = "Changed".into();
    assert!(d.store.update_customer(&me(), b.id, &edit).is_err());
    assert_eq!(d.store.customer(&b.id.to_string()).unwrap().last_name, "Ray");
    assert_eq!(d.count("SELECT count(*) FROM events"), events);
    assert_eq!(d.count("SELECT count(*) FROM outbox"), outbox);
    assert_eq!(d.find("changed").len(), 0);
    let _ = a;
}

#[test]
fn customers_are_found_by_code_and_codes_are_unique_per_desk() {
    let d = desk();
    let a = d.add("Ann", "Lee", None, None);
    let b = d.add("Bob", "Ray", None, None);
    assert_ne!(a.code, b.code);
    let prefix = &d.store.desk().code_prefix;
    assert!(a.code.starts_with(&format!("{prefix}-")));
    // One form save after another hands out consecutive numbers (no gaps).
    let c = d.add("Cy", "Day", None, None);
    let number = |code: &str| code.rsplit('-').next().unwrap().parse::<u64>().unwrap();
    assert_eq!((number(&a.code), number(&b.code), number(&c.code)), (1, 2, 3));
    assert_eq!(d.store.customer(&a.code.to_lowercase()).unwrap().id, a.id);
    assert!(matches!(d.store.customer("QQQ-999999"), Err(CoreError::NotFound { .. })));
}
