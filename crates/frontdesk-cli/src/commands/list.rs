//! `frontdesk list`: customers by a stat or date, with activity filters.

use std::path::Path;
use std::time::Instant;

use frontdesk_core::search::{SearchFilter, SearchRequest};
use frontdesk_core::CoreError;

use crate::cli::{status_filter, ListArgs};
use crate::desk::open_existing;
use crate::print;

pub(crate) fn run(args: ListArgs, db: &Path) -> Result<(), CoreError> {
    let ListArgs { sort, desc, asc, activity, branch, status, limit, json } = args;
    let store = open_existing(db)?;
    let branch = branch.map(|b| store.find_branch("branch", &b)).transpose()?;
    let req = SearchRequest {
        query: String::new(),
        filter: SearchFilter { branch, status: status_filter(status), activity, ..Default::default() },
        sort: sort.into(),
        descending: if desc {
            Some(true)
        } else if asc {
            Some(false)
        } else {
            None
        },
        limit,
        after: None,
    };
    let started = Instant::now();
    let page = store.search(&req)?;
    let took_us = started.elapsed().as_micros() as u64;
    if json {
        let ids: Vec<String> = page.hits.iter().map(|h| h.id.to_string()).collect();
        outln!(
            "{}",
            serde_json::json!({"took_us": took_us, "total": page.total, "total_exact": page.total_exact, "ids": ids})
        );
    } else {
        print::print_list(&page, took_us, &store.desk());
    }
    Ok(())
}
