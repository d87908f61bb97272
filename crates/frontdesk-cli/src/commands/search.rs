//! `frontdesk search`: one query, or one per line of standard input (`--batch`).

use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

use frontdesk_core::search::SearchRequest;
use frontdesk_core::CoreError;

use crate::cli::{status_filter, SearchArgs};
use crate::desk::open_existing;
use crate::output::output_failed;
use crate::print;

pub(crate) fn run(args: SearchArgs, db: &Path) -> Result<(), CoreError> {
    let SearchArgs { query, limit, json, batch, status, sort, conditions } = args;
    let store = open_existing(db)?;
    let mut req = SearchRequest { limit, ..Default::default() };
    req.filter.conditions = conditions;
    req.filter.status = status_filter(status);
    req.sort = sort.into();
    if batch {
        if let Some(q) = &query {
            return Err(CoreError::validation(
                "query",
                "with_batch",
                format!("--batch reads its queries from standard input; leave out \"{q}\" (or drop --batch)."),
            ));
        }
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for (n, line) in stdin.lock().split(b'\n').enumerate() {
            let line = line.map_err(|e| CoreError::Storage { message: format!("reading standard input: {e}") })?;
            let line = line.strip_suffix(b"\r").unwrap_or(&line);
            let Ok(line) = std::str::from_utf8(line) else {
                // One line in another encoding: said on its own output line, the rest go on.
                let error = format!(
                    "line {} of the input is not UTF-8 text; it was not searched (save the queries as UTF-8)",
                    n + 1
                );
                writeln!(out, "{}", serde_json::json!({"query": String::from_utf8_lossy(line), "error": error}))
                    .unwrap_or_else(|e| output_failed(e));
                continue;
            };
            let line = line.to_string();
            req.query = line.clone();
            let started = Instant::now();
            let page = store.search(&req)?;
            let took_us = started.elapsed().as_micros();
            let ids: Vec<String> = page.hits.iter().map(|h| h.id.to_string()).collect();
            writeln!(
                out,
                "{}",
                serde_json::json!({"query": line, "took_us": took_us, "total": page.total, "ids": ids})
            )
            .unwrap_or_else(|e| output_failed(e));
        }
        return Ok(());
    }
    // With conditions, no query lists everyone who meets them.
    let query = query.or_else(|| (!req.filter.conditions.is_empty()).then(String::new));
    let Some(query) = query else {
        return Err(CoreError::validation(
            "query",
            "required",
            "Give a query, e.g. frontdesk search \"zoe mul\", or use --batch.",
        ));
    };
    req.query = query;
    let started = Instant::now();
    let page = store.search(&req)?;
    let took_us = started.elapsed().as_micros();
    if json {
        let mut v = serde_json::to_value(&page).unwrap_or_default();
        v["took_us"] = (took_us as u64).into();
        outln!("{v}");
    } else {
        print::print_hits(&page, took_us, &store.desk().default_region);
    }
    Ok(())
}
