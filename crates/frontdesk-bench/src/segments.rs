//! Segment conditions at scale: the directory's first page and count for each kind of
//! condition, through `Store::search`, beside the naive plan of testing every customer in turn
//! (a correlated lookup per customer), measured in the same run.
//!
//! The custom values are put in with one SQL statement per field (deterministic by record),
//! as data preparation: a million form saves would take longer than the measurement.

use std::path::Path;
use std::time::Instant;

use frontdesk_core::custom_fields::{FieldInput, FieldKind};
use frontdesk_core::search::{Condition, Op, SearchFilter, SearchRequest};
use frontdesk_core::{CoreError, Store};
use serde_json::json;

use crate::common::{bench_db, seeded, stats};

fn field(label: &str, kind: FieldKind, options: &[&str]) -> FieldInput {
    FieldInput {
        label: label.into(),
        kind: Some(kind),
        options: options.iter().map(|o| o.to_string()).collect(),
        decimals: (kind == FieldKind::Number).then_some(1),
        ..Default::default()
    }
}

/// Adds the salon's fields and a value for most customers (once per database).
fn prepare(store: &Store) -> Result<(), CoreError> {
    if !store.custom_fields(true)?.is_empty() {
        return Ok(());
    }
    let started = Instant::now();
    let hair =
        store.add_custom_field(&field("Hair type", FieldKind::Choice, &["Curly", "Straight", "Wavy", "Coily"]))?;
    let allergies = store.add_custom_field(&field(
        "Allergies",
        FieldKind::Choices,
        &["Nuts", "Latex", "PPD", "Nickel", "Lavender"],
    ))?;
    let patch = store.add_custom_field(&field("Patch test", FieldKind::Date, &[]))?;
    let shoe = store.add_custom_field(&field("Shoe size", FieldKind::Number, &[]))?;
    let referral = store.add_custom_field(&field("Referral", FieldKind::Text, &[]))?;
    let today = (store.sources().clock.now_ms() / 86_400_000) as f64;
    store.write(|w| {
        let c = w.conn();
        let o = |f: &frontdesk_core::custom_fields::FieldDef, i: usize| f.options[i].id;
        // A hair type for 3 in 4; one or two allergies for 1 in 5; a patch test in the last
        // 2 years for 1 in 2; a shoe size for all; one of 20 referral sources for 2 in 3.
        c.execute(
            "INSERT INTO custom_values(customer_seq, field_id, item, n) \
             SELECT seq, ?1, CASE seq % 4 WHEN 0 THEN ?2 WHEN 1 THEN ?3 ELSE ?4 END, \
                    CASE seq % 4 WHEN 0 THEN ?2 WHEN 1 THEN ?3 ELSE ?4 END FROM customers WHERE seq % 4 != 3",
            rusqlite::params![hair.id, o(&hair, 0), o(&hair, 1), o(&hair, 2)],
        )?;
        for (i, m) in [(0usize, 0), (2, 1), (4, 2)] {
            c.execute(
                "INSERT INTO custom_values(customer_seq, field_id, item, n) SELECT seq, ?1, ?2, ?2 FROM customers \
                 WHERE seq % 5 = 0 AND (seq / 5) % 3 IN (?3, 2)",
                rusqlite::params![allergies.id, o(&allergies, i), m],
            )?;
        }
        c.execute(
            "INSERT INTO custom_values(customer_seq, field_id, n) SELECT seq, ?1, ?2 - (seq * 7919) % 730 \
             FROM customers WHERE seq % 2 = 0",
            rusqlite::params![patch.id, today],
        )?;
        c.execute(
            "INSERT INTO custom_values(customer_seq, field_id, n) SELECT seq, ?1, 35 + (seq % 20) / 2.0 FROM customers",
            rusqlite::params![shoe.id],
        )?;
        c.execute(
            "INSERT INTO custom_values(customer_seq, field_id, t) SELECT seq, ?1, 'Source ' || (seq % 20) \
             FROM customers WHERE seq % 3 != 0",
            rusqlite::params![referral.id],
        )?;
        Ok(())
    })?;
    eprintln!("custom values for every customer in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn cond(field: &str, op: Op, value: serde_json::Value) -> Condition {
    Condition::new(field, op, (!value.is_null()).then_some(value))
}

/// The naive plan: every live customer tested in turn, a lookup of its value each.
fn naive(field: &str, pred: &str) -> String {
    format!(
        "SELECT count(*) FROM customers c NOT INDEXED WHERE c.archived_at IS NULL AND EXISTS \
         (SELECT 1 FROM custom_values v JOIN custom_fields f ON f.id = v.field_id \
          WHERE v.customer_seq = c.seq AND f.key = '{field}' AND {pred})",
        // Each customer's own values, by the primary key.
        pred = pred.replace("v.n ", "+v.n ").replace("v.t ", "+v.t ").replace("v.item ", "+v.item ")
    )
}

pub fn run(db: Option<&Path>, count: u64, runs: usize, baseline_runs: usize) -> Result<(), CoreError> {
    let path = bench_db(db, count);
    let store = seeded(&path, count)?;
    prepare(&store)?;
    let option = |key: &str, label: &str| -> Result<i64, CoreError> {
        let f = store.custom_field(key)?;
        Ok(f.options.iter().find(|o| o.label == label).map(|o| o.id).unwrap_or_default())
    };
    let curly = option("hair_type", "Curly")?;
    let ppd = option("allergies", "PPD")?;
    let today = store.sources().clock.now_ms() / 86_400_000;
    let cases: Vec<(&str, Vec<Condition>, &str, Option<String>)> = vec![
        (
            "choice =",
            vec![cond("custom.hair_type", Op::Equals, json!("Curly"))],
            "",
            Some(naive("hair_type", &format!("v.item = {curly}"))),
        ),
        (
            "choices any of",
            vec![cond("custom.allergies", Op::AnyOf, json!(["PPD"]))],
            "",
            Some(naive("allergies", &format!("v.item = {ppd}"))),
        ),
        (
            "date in last 90 days",
            vec![cond("custom.patch_test", Op::WithinLastDays, json!(90))],
            "",
            Some(naive("patch_test", &format!("v.n BETWEEN {} AND {today}", today - 90))),
        ),
        ("number >", vec![cond("custom.shoe_size", Op::Greater, json!(43))], "", Some(naive("shoe_size", "v.n > 43"))),
        (
            "text =",
            vec![cond("custom.referral", Op::Equals, json!("Source 7"))],
            "",
            Some(naive("referral", "v.t = 'Source 7'")),
        ),
        (
            "text contains",
            vec![cond("custom.referral", Op::Contains, json!("ce 1"))],
            "",
            Some(naive("referral", "v.t LIKE '%ce 1%'")),
        ),
        ("is empty", vec![cond("custom.allergies", Op::Empty, json!(null))], "", None),
        (
            "two custom ANDed",
            vec![cond("custom.hair_type", Op::Equals, json!("Curly")), cond("custom.shoe_size", Op::Less, json!(37))],
            "",
            None,
        ),
        (
            "custom + city",
            vec![cond("custom.hair_type", Op::Equals, json!("Curly")), cond("city", Op::StartsWith, json!("l"))],
            "",
            None,
        ),
        ("custom + text query", vec![cond("custom.hair_type", Op::Equals, json!("Curly"))], "anna", None),
        ("created in last 30 days", vec![cond("created", Op::WithinLastDays, json!(30))], "", None),
        ("visits > 3 (no index)", vec![cond("visits", Op::Greater, json!(3))], "", None),
    ];
    outln!("| condition | matches | ours p50 | ours p95 | ours p99 | naive p50 | ratio |");
    outln!("|---|---|---|---|---|---|---|");
    for (name, conditions, query, baseline) in cases {
        let req = SearchRequest {
            query: query.to_string(),
            filter: SearchFilter { conditions, ..Default::default() },
            limit: 50,
            ..Default::default()
        };
        let first = store.search(&req)?;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            store.search(&req)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let s = stats(times);
        let matches = format!("{}{}", first.total, if first.total_exact { "" } else { "+" });
        let (naive_p50, ratio) = match baseline {
            Some(sql) => {
                let mut t = Vec::new();
                for _ in 0..baseline_runs.max(1) {
                    let started = Instant::now();
                    store.read(|r| Ok(r.conn().query_row(&sql, [], |x| x.get::<_, i64>(0))?))?;
                    t.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                let p = stats(t).p50;
                (format!("{p:.1}"), format!("{:.0}×", p / s.p50))
            }
            None => ("—".into(), "—".into()),
        };
        outln!("| {name} | {matches} | {:.3} | {:.3} | {:.3} | {naive_p50} | {ratio} |", s.p50, s.p95, s.p99);
    }
    Ok(())
}
