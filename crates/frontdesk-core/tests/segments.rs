//! Segment conditions in the directory's search: each kind of condition, alone and ANDed with
//! others and with a text query, gives exactly the customers a plain reading of every record
//! says it should (seeded history, custom values set by rule), and a bad condition is refused
//! naming which one and why.

mod common;

use std::collections::BTreeSet;

use common::{desk, me};
use frontdesk_core::custom_fields::{FieldInput, FieldKind};
use frontdesk_core::customers::{Customer, CustomerInput, CustomerStatus};
use frontdesk_core::search::{Condition, Op, SearchFilter, SearchRequest, StatusFilter};
use frontdesk_core::CoreError;
use serde_json::{json, Value};

struct Row {
    c: Customer,
    visits: i64,
    spent: i64,
    last_visit: Option<chrono::DateTime<chrono::Utc>>,
}

/// A seeded desk whose customers have custom values by rule.
fn salon() -> (common::Desk, Vec<Row>) {
    let d = desk();
    frontdesk_core::seed::seed_demo(&d.store, 240, 11, 4.0, &mut |_, _| {}).unwrap();
    let s = &d.store;
    s.add_custom_field(&FieldInput {
        options: vec!["Curly".into(), "Straight".into(), "Wavy".into()],
        ..FieldInput { label: "Hair type".into(), kind: Some(FieldKind::Choice), ..Default::default() }
    })
    .unwrap();
    s.add_custom_field(&FieldInput {
        options: vec!["Nuts".into(), "Latex".into(), "PPD".into()],
        ..FieldInput { label: "Allergies".into(), kind: Some(FieldKind::Choices), ..Default::default() }
    })
    .unwrap();
    s.add_custom_field(&FieldInput { label: "Patch test".into(), kind: Some(FieldKind::Date), ..Default::default() })
        .unwrap();
    s.add_custom_field(&FieldInput { label: "Vegan".into(), kind: Some(FieldKind::YesNo), ..Default::default() })
        .unwrap();
    s.add_custom_field(&FieldInput {
        label: "Shoe size".into(),
        kind: Some(FieldKind::Number),
        decimals: Some(1),
        ..Default::default()
    })
    .unwrap();
    s.add_custom_field(&FieldInput { label: "Referral".into(), ..Default::default() }).unwrap();
    let all = every(&d, SearchFilter { status: StatusFilter::All, ..Default::default() });
    for (i, code) in all.iter().enumerate() {
        let c = s.customer(code).unwrap();
        let mut edit = CustomerInput::from_customer(&c);
        if i % 7 != 0 {
            edit.birthday = Some(format!("19{}-{:02}-15", 70 + i % 30, 1 + i % 12));
        }
        let hair = ["Curly", "Straight", "Wavy", ""][i % 4];
        edit.custom.insert("hair_type".into(), json!(hair));
        let allergies: Vec<&str> = [["Nuts"].as_slice(), &["Latex", "PPD"], &[], &["PPD"]][i % 4].to_vec();
        edit.custom.insert("allergies".into(), json!(allergies));
        if i % 5 != 0 {
            edit.custom.insert("patch_test".into(), json!(format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28)));
        }
        if i % 3 != 2 {
            edit.custom.insert("vegan".into(), json!(i % 3 == 0));
        }
        edit.custom.insert("shoe_size".into(), json!(35.0 + (i % 20) as f64 / 2.0));
        edit.custom.insert("referral".into(), json!(["Instagram", "Walk-in", "Friend of Ann"][i % 3]));
        if let Err(e) = s.update_customer(&me(), c.id, &edit) {
            panic!("{code}: {e:?}");
        }
    }
    let rows = all
        .iter()
        .map(|code| {
            let c = s.customer(code).unwrap();
            let page = s.search(&SearchRequest { limit: 5, ..SearchRequest::new(code.clone()) }).unwrap();
            let hit = page.hits.into_iter().find(|h| &h.code == code).unwrap();
            Row { c, visits: hit.visits, spent: hit.total_spent_minor, last_visit: hit.last_visit_at }
        })
        .collect();
    (d, rows)
}

/// Every customer's code the directory lists with `filter` (paging through).
fn every(d: &common::Desk, filter: SearchFilter) -> Vec<String> {
    let mut out = Vec::new();
    let mut req = SearchRequest { limit: 500, filter, ..Default::default() };
    loop {
        let page = d.store.search(&req).unwrap();
        out.extend(page.hits.into_iter().map(|h| h.code));
        match page.next {
            Some(n) => req.after = Some(n),
            None => return out,
        }
    }
}

fn with(conditions: Vec<Condition>) -> SearchFilter {
    SearchFilter { conditions, ..Default::default() }
}

fn cond(field: &str, op: Op, value: Option<Value>) -> Condition {
    Condition::new(field, op, value)
}

fn custom<'a>(r: &'a Row, key: &str) -> Option<&'a Value> {
    r.c.custom.get(key)
}

#[test]
fn each_condition_picks_exactly_the_customers_it_describes() {
    let (d, rows) = salon();
    let now = chrono::DateTime::from_timestamp_millis(1_767_225_600_000).unwrap();
    let live: Vec<&Row> = rows.iter().filter(|r| r.c.archived_at.is_none()).collect();
    type Want = Box<dyn Fn(&Row) -> bool>;
    let cases: Vec<(Vec<Condition>, Want)> = vec![
        (vec![cond("visits", Op::Greater, Some(json!(3)))], Box::new(|r: &Row| r.visits > 3)),
        (
            vec![cond("total_spent", Op::Between, Some(json!([10000, 60000])))],
            Box::new(|r: &Row| (10000..=60000).contains(&r.spent)),
        ),
        (
            vec![cond("last_visit", Op::WithinLastDays, Some(json!(120)))],
            Box::new(move |r: &Row| r.last_visit.is_some_and(|t| t >= now - chrono::Duration::days(120) && t <= now)),
        ),
        (vec![cond("last_visit", Op::Empty, None)], Box::new(|r: &Row| r.last_visit.is_none())),
        (
            vec![
                cond("custom.hair_type", Op::AnyOf, Some(json!(["curly", "Wavy"]))),
                cond("visits", Op::Greater, Some(json!(0))),
            ],
            Box::new(|r: &Row| {
                matches!(custom(r, "hair_type").and_then(Value::as_str), Some("Curly" | "Wavy")) && r.visits > 0
            }),
        ),
        (
            vec![cond("custom.hair_type", Op::NotEquals, Some(json!("Curly")))],
            Box::new(|r: &Row| custom(r, "hair_type") != Some(&json!("Curly"))),
        ),
        (vec![cond("custom.hair_type", Op::Empty, None)], Box::new(|r: &Row| custom(r, "hair_type").is_none())),
        (
            vec![cond("custom.allergies", Op::AnyOf, Some(json!("PPD")))],
            Box::new(|r: &Row| {
                custom(r, "allergies").and_then(Value::as_array).is_some_and(|a| a.contains(&json!("PPD")))
            }),
        ),
        (
            vec![cond("custom.allergies", Op::NoneOf, Some(json!(["Nuts", "Latex"])))],
            Box::new(|r: &Row| {
                !custom(r, "allergies")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.contains(&json!("Nuts")) || a.contains(&json!("Latex")))
            }),
        ),
        (
            vec![cond("custom.patch_test", Op::Before, Some(json!("2026-06-01")))],
            Box::new(|r: &Row| custom(r, "patch_test").and_then(Value::as_str).is_some_and(|d| d < "2026-06-01")),
        ),
        (
            vec![cond("custom.patch_test", Op::Between, Some(json!(["2026-03-01", "2026-04-30"])))],
            Box::new(|r: &Row| {
                custom(r, "patch_test")
                    .and_then(Value::as_str)
                    .is_some_and(|d| ("2026-03-01"..="2026-04-30").contains(&d))
            }),
        ),
        (
            vec![cond("custom.vegan", Op::Equals, Some(json!("yes")))],
            Box::new(|r: &Row| custom(r, "vegan") == Some(&json!(true))),
        ),
        (
            vec![cond("custom.shoe_size", Op::Greater, Some(json!("40,5")))],
            Box::new(|r: &Row| custom(r, "shoe_size").and_then(Value::as_f64).is_some_and(|n| n > 40.5)),
        ),
        (
            vec![cond("custom.referral", Op::Contains, Some(json!("ann")))],
            Box::new(|r: &Row| {
                custom(r, "referral").and_then(Value::as_str).is_some_and(|t| t.to_lowercase().contains("ann"))
            }),
        ),
        (
            vec![cond("custom.referral", Op::Equals, Some(json!("Walk-in")))],
            Box::new(|r: &Row| custom(r, "referral") == Some(&json!("Walk-in"))),
        ),
        (vec![cond("has_email", Op::Equals, Some(json!(false)))], Box::new(|r: &Row| r.c.email.is_none())),
        (
            vec![cond("status", Op::Equals, Some(json!("blocked")))],
            Box::new(|r: &Row| r.c.status == CustomerStatus::Blocked),
        ),
        (
            vec![cond("birthday_month", Op::AnyOf, Some(json!([1, 2, 12])))],
            Box::new(|r: &Row| r.c.birthday.is_some_and(|b| [1, 2, 12].contains(&chrono::Datelike::month(&b)))),
        ),
        (
            vec![cond("city", Op::StartsWith, Some(json!("l")))],
            Box::new(|r: &Row| r.c.text.city.as_deref().is_some_and(|c| c.to_lowercase().starts_with('l'))),
        ),
    ];
    // Both plans: values read as a list from the field's index, and checked on each customer.
    for limit in [None, Some(0)] {
        frontdesk_core::search::set_condition_list_limit(limit);
        for (conditions, want) in &cases {
            let conditions = conditions.clone();
            let got: BTreeSet<String> = every(&d, with(conditions.clone())).into_iter().collect();
            let expected: BTreeSet<String> = live.iter().filter(|r| want(r)).map(|r| r.c.code.clone()).collect();
            assert!(!expected.is_empty() && expected.len() < live.len(), "a case that tells something: {conditions:?}");
            assert_eq!(got, expected, "{conditions:?}");
            let page = d
                .store
                .search(&SearchRequest { limit: 1, filter: with(conditions.clone()), ..Default::default() })
                .unwrap();
            assert_eq!(page.total as usize, expected.len(), "the count: {conditions:?}");
        }
    }
    frontdesk_core::search::set_condition_list_limit(None);
}

#[test]
fn conditions_combine_with_a_text_query() {
    let (d, rows) = salon();
    let someone = rows.iter().find(|r| custom(r, "hair_type") == Some(&json!("Wavy"))).unwrap();
    let name = someone.c.last_name.clone();
    let filter = with(vec![cond("custom.hair_type", Op::Equals, Some(json!("Wavy")))]);
    let mut req = SearchRequest { limit: 500, filter, ..SearchRequest::new(name.clone()) };
    let page = d.store.search(&req).unwrap();
    let got: BTreeSet<String> = page.hits.iter().map(|h| h.code.clone()).collect();
    let named: BTreeSet<String> = d
        .store
        .search(&SearchRequest { limit: 500, ..SearchRequest::new(name.clone()) })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.code)
        .collect();
    let expected: BTreeSet<String> = rows
        .iter()
        .filter(|r| named.contains(&r.c.code) && custom(r, "hair_type") == Some(&json!("Wavy")))
        .map(|r| r.c.code.clone())
        .collect();
    assert!(got.contains(&someone.c.code));
    assert_eq!(got, expected, "{name}");
    // And with a sort.
    req.sort = frontdesk_core::search::SortBy::Name;
    let sorted: BTreeSet<String> = d.store.search(&req).unwrap().hits.into_iter().map(|h| h.code).collect();
    assert_eq!(sorted, expected);
}

#[test]
fn a_bad_condition_is_refused_naming_it_and_why() {
    let (d, _) = salon();
    let refused = |c: Condition| match d.store.search(&SearchRequest {
        filter: with(vec![cond("visits", Op::Greater, Some(json!(0))), c]),
        ..Default::default()
    }) {
        Err(CoreError::Validation { field, code, message }) => {
            assert!(!message.is_empty());
            (field, code)
        }
        other => panic!("{other:?}"),
    };
    let c = |s: &str| ("conditions.1".to_string(), s.to_string());
    assert_eq!(refused(cond("custom.eye_colour", Op::Equals, Some(json!("blue")))), c("unknown_field"));
    assert_eq!(refused(cond("shoe", Op::Equals, Some(json!(3)))), c("unknown_field"));
    assert_eq!(refused(cond("custom.hair_type", Op::Equals, Some(json!("Bald")))), c("unknown_option"));
    assert_eq!(refused(cond("custom.hair_type", Op::Greater, Some(json!("Curly")))), c("operator"));
    assert_eq!(refused(cond("custom.patch_test", Op::Before, Some(json!("31/02/2026")))), c("value"));
    assert_eq!(refused(cond("visits", Op::Greater, None)), c("value"));
    assert_eq!(refused(cond("last_visit", Op::WithinLastDays, Some(json!(0)))), c("value"));
    assert_eq!(refused(cond("status", Op::Equals, Some(json!("sleepy")))), c("value"));
}

#[test]
fn saved_segments_stay_current_and_export() {
    let (d, rows) = salon();
    use frontdesk_core::segments::SegmentInput;
    let curly = SegmentInput {
        name: "Curly hair, visited".into(),
        conditions: vec![
            cond("custom.hair_type", Op::Equals, Some(json!("Curly"))),
            cond("visits", Op::Greater, Some(json!(0))),
        ],
    };
    let saved = d.store.save_segment(&curly).unwrap();
    assert_eq!(
        code_of(d.store.save_segment(&SegmentInput { name: "curly HAIR, visited".into(), ..curly.clone() })),
        "name:taken"
    );
    assert_eq!(
        code_of(d.store.save_segment(&SegmentInput { name: "Everyone".into(), conditions: vec![] })),
        "conditions:required"
    );
    let bad = SegmentInput {
        name: "Bald".into(),
        conditions: vec![cond("custom.hair_type", Op::Equals, Some(json!("Bald")))],
    };
    assert_eq!(code_of(d.store.save_segment(&bad)), "conditions.0:unknown_option");
    let expected = |hair: &str| {
        rows.iter()
            .filter(|r| r.c.archived_at.is_none() && custom(r, "hair_type") == Some(&json!(hair)) && r.visits > 0)
            .count() as u64
    };
    let counts = d.store.segments().unwrap();
    assert_eq!((counts.len(), counts[0].customers, counts[0].exact), (1, expected("Curly"), true));
    // Current: a customer who gets curly hair is in it at once.
    let someone = rows
        .iter()
        .find(|r| r.c.archived_at.is_none() && r.visits > 0 && custom(r, "hair_type") == Some(&json!("Straight")))
        .unwrap();
    let mut edit = CustomerInput::from_customer(&d.store.customer(&someone.c.code).unwrap());
    edit.custom.insert("hair_type".into(), json!("Curly"));
    d.store.update_customer(&me(), someone.c.id, &edit).unwrap();
    assert_eq!(d.store.segments().unwrap()[0].customers, expected("Curly") + 1);
    // Its CSV holds exactly its customers.
    let mut out = Vec::new();
    let n = frontdesk_core::export::export_matching(
        &d.store,
        &saved.filter(),
        frontdesk_core::export::Format::Csv,
        &mut out,
    )
    .unwrap();
    assert_eq!(n, expected("Curly") + 1);
    assert_eq!(String::from_utf8(out).unwrap().lines().count() as u64, n + 1, "a header and a line each");
    // Renamed and changed, then deleted; each change leaves outbox records.
    let wavy = SegmentInput {
        name: "Wavy hair, visited".into(),
        conditions: vec![
            cond("custom.hair_type", Op::Equals, Some(json!("Wavy"))),
            cond("visits", Op::Greater, Some(json!(0))),
        ],
    };
    d.store.update_segment("curly hair, visited", &wavy).unwrap();
    assert_eq!(d.store.segments().unwrap()[0].customers, expected("Wavy"));
    // A field it names archived: listed with the reason, not an error.
    d.store.archive_custom_field("hair_type", true).unwrap();
    let listed = d.store.segments().unwrap();
    assert!(listed[0].problem.as_deref().is_some_and(|p| p.contains("custom.hair_type")), "{:?}", listed[0].problem);
    d.store.delete_segment(&saved.id.to_string()).unwrap();
    assert!(d.store.segments().unwrap().is_empty());
    assert_eq!(d.count("SELECT count(*) FROM outbox WHERE entity = 'segment'"), 3 + 2 + 1);
}

fn code_of<T: std::fmt::Debug>(r: Result<T, CoreError>) -> String {
    match r {
        Err(CoreError::Validation { field, code, .. }) => format!("{field}:{code}"),
        other => panic!("{other:?}"),
    }
}
