//! `frontdesk import`: a CSV file into the desk, then what happened to each row and column.

use std::path::Path;

use frontdesk_core::import::{import_csv, ImportOptions};
use frontdesk_core::{CoreError, CoreResult};
use indicatif::ProgressBar;

use crate::cli::ImportArgs;
use crate::desk::open;
use crate::output::bar;

pub(crate) fn run(args: ImportArgs, db: &Path) -> Result<(), CoreError> {
    let ImportArgs { file, region, mappings, date_order, branch, branch_map, create_fields, json } = args;
    let pairs = |flag: &str, field: &str, list: Vec<String>, form: &str| {
        list.into_iter()
            .map(|m| match m.split_once('=') {
                Some((a, b)) => Ok((a.to_string(), b.to_string())),
                None => {
                    Err(CoreError::validation(field, "invalid_mapping", format!("{flag} {m}: write it as '{form}'.")))
                }
            })
            .collect::<CoreResult<Vec<_>>>()
    };
    let maps = pairs("--map", "map", mappings, "Column Header=field")?;
    let branch_map = pairs("--branch-map", "branch_map", branch_map, "Name in the file=branch")?;
    // Before the desk is opened (or created): a file that is not there changes nothing.
    if !file.is_file() {
        return Err(CoreError::File {
            path: file.display().to_string(),
            line: None,
            code: "unreadable".into(),
            message: format!(
                "There is no file {}{}.",
                file.display(),
                if file.is_dir() { " (it is a folder)" } else { "" }
            ),
        });
    }
    let store = open(db)?;
    let date_order = date_order.map(|o| frontdesk_core::locale::DateOrder::parse("date-order", &o)).transpose()?;
    let opts = ImportOptions { region, mappings: maps, actor: None, date_order, branch, branch_map, create_fields };
    let pb = if json { ProgressBar::hidden() } else { bar(0, "importing") };
    let report = import_csv(&store, &file, &opts, &mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    if json {
        outln!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        outln!(
            "Imported {} of {} rows from {} in {:.1} s.",
            report.imported,
            report.rows,
            report.file,
            report.took_ms as f64 / 1000.0
        );
        if let Some(f) = &report.errors_file {
            let rows = if report.rejected == 1 { "1 row was" } else { "rows were" };
            let n = if report.rejected == 1 { String::new() } else { format!("{} ", report.rejected) };
            if report.rejected > 0 {
                outln!("{n}{rows} rejected; each is listed with its line, field and reason in {f}");
            }
            if report.kept_without > 0 {
                let who = if report.kept_without == 1 {
                    "1 customer was".to_string()
                } else {
                    format!("{} customers were", report.kept_without)
                };
                outln!(
                    "{who} imported without a value that was not valid (a birthday, an email…); each value is listed with its line, field and reason in {f}, and kept in the customer's remarks, to fix on the customer"
                );
            }
        }
        if !report.new_fields.is_empty() {
            outln!("New customer fields (text), named as their columns: {}", report.new_fields.join(", "));
        }
        if !report.new_branches.is_empty() {
            outln!("New branches, named in the file: {}", report.new_branches.join(", "));
        }
        if report.shared_in_file > 0 {
            let rows = if report.shared_in_file == 1 {
                "1 row holds".to_string()
            } else {
                format!("{} rows hold", report.shared_in_file)
            };
            outln!("{rows} an email or phone an earlier row holds: all imported, the contact marked shared on each (merge them if they are one person):");
            for p in &report.first_shared_in_file {
                outln!(
                    "  line {} ({} {}) and line {} ({} {}): {} {}",
                    p.other_line,
                    p.other_name,
                    p.other_customer,
                    p.line,
                    p.name,
                    p.customer,
                    p.field,
                    p.value
                );
            }
        }
        outln!("Columns: {}", report.mapping.iter().map(|(h, f)| format!("{h} → {f}")).collect::<Vec<_>>().join(", "));
        if report.mapping.iter().any(|(_, f)| f == "phone") {
            outln!(
                "Phone numbers without a country code were read as {} numbers (--region XX for another country).",
                report.region
            );
        }
        for c in &report.date_columns {
            outln!("Dates in {} read as {}: {}.", c.column, c.order.pattern(), c.why);
        }
        if !report.computed_columns.is_empty() {
            outln!("Left out, figures the other system computed: {}", report.computed_columns.join(", "));
        }
        if !report.ignored_columns.is_empty() {
            outln!("Not imported: {} (map them with --map 'Column=field', or --map 'Column=extra' to keep them in remarks)", report.ignored_columns.join(", "));
        }
    }
    // A file none of whose rows came in fails the command, for scripts to see.
    if report.rows > 0 && report.imported == 0 {
        return Err(CoreError::validation(
            "file",
            "nothing_imported",
            format!(
                "None of the {} rows of {} was imported{}.",
                report.rows,
                report.file,
                report
                    .errors_file
                    .as_deref()
                    .map(|f| format!(": each is listed with its reason in {f}"))
                    .unwrap_or_default()
            ),
        ));
    }
    Ok(())
}
