//! `frontdesk segments`: saved groups of customers that stay current.

use std::path::Path;

use frontdesk_core::search::{Condition, SearchRequest};
use frontdesk_core::segments::SegmentInput;
use frontdesk_core::CoreError;

use crate::cli::SegmentsCommand;
use crate::desk::{open, open_existing};
use crate::print;

fn conditions_text(conditions: &[Condition]) -> String {
    conditions
        .iter()
        .map(|c| match &c.value {
            Some(v) => format!("{} {} {}", c.field, c.op.as_str(), frontdesk_core::custom_fields::as_text(v)),
            None => format!("{} {}", c.field, c.op.as_str()),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

pub(crate) fn run(what: SegmentsCommand, db: &Path) -> Result<(), CoreError> {
    match what {
        SegmentsCommand::List { json } => {
            let store = open_existing(db)?;
            let segments = store.segments()?;
            if json {
                for s in &segments {
                    outln!("{}", serde_json::to_string(s).unwrap_or_default());
                }
            } else if segments.is_empty() {
                outln!("No segments yet: `frontdesk segments add NAME --where 'visits > 3'` saves one.");
            }
            for s in segments.iter().filter(|_| !json) {
                let count = match &s.problem {
                    Some(p) => format!("cannot be counted: {p}"),
                    None if s.exact => format!("{} customers", s.customers),
                    None => format!("more than {} customers", s.customers),
                };
                outln!(
                    "{:<4} {:<32} {count}\n       {}",
                    s.segment.id,
                    s.segment.name,
                    conditions_text(&s.segment.conditions)
                );
            }
            Ok(())
        }
        SegmentsCommand::Add { name, conditions } => {
            let s = open(db)?.save_segment(&SegmentInput { name, conditions })?;
            outln!("Saved segment {} \"{}\": {}", s.id, s.name, conditions_text(&s.conditions));
            Ok(())
        }
        SegmentsCommand::Edit { segment, name, conditions } => {
            let store = open(db)?;
            let old = store.segment(&segment)?;
            let input = SegmentInput {
                name: name.unwrap_or(old.name),
                conditions: if conditions.is_empty() { old.conditions } else { conditions },
            };
            let s = store.update_segment(&segment, &input)?;
            outln!("Saved segment {} \"{}\": {}", s.id, s.name, conditions_text(&s.conditions));
            Ok(())
        }
        SegmentsCommand::Show { segment, limit } => {
            let store = open_existing(db)?;
            let s = store.segment(&segment)?;
            let started = std::time::Instant::now();
            let page = store.search(&SearchRequest { limit, filter: s.filter(), ..Default::default() })?;
            let took = started.elapsed().as_micros();
            outln!("{} ({}): {}", s.name, s.id, conditions_text(&s.conditions));
            print::print_hits(&page, took, &store.desk().default_region);
            Ok(())
        }
        SegmentsCommand::Delete { segment } => {
            let s = open(db)?.delete_segment(&segment)?;
            outln!("Deleted segment \"{}\" (no customer was changed).", s.name);
            Ok(())
        }
    }
}
