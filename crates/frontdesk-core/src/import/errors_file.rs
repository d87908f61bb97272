//! The errors file: every rejected row and every value left out, with line, field and
//! reason, beside the imported file and never over an earlier one.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{CoreError, CoreResult};

use super::*;

/// `clients.csv` → `clients.errors.csv`
pub fn errors_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    path.with_file_name(format!("{stem}.errors.csv"))
}

/// [`errors_path`], or `clients.errors-2.csv`, `-3`… when that file is there: an errors file
/// someone may be fixing is never written over.
pub(super) fn free_errors_path(path: &Path) -> PathBuf {
    let first = errors_path(path);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    std::iter::once(first)
        .chain((2..).map(|n| path.with_file_name(format!("{stem}.errors-{n}.csv"))))
        .find(|p| !p.exists())
        .expect("a free name")
}

/// The columns an errors file has before the row's own.
pub(super) const ERROR_COLUMNS: [&str; 6] =
    ["error_line", "error_field", "error_code", "error_reason", "error_value", "error_outcome"];

/// How an errors file says a row was imported without a value: `imported as ABC-1 without it`.
pub(super) const IMPORTED_AS: &str = "imported as ";

/// Writes each rejected row with its line, field, code and reason, then the row as it was.
pub(super) fn write_errors(
    path: &Path,
    err_path: &Path,
    plan: &Plan,
    rejects: Vec<(u64, u64, CoreError)>,
    kept: &[(u64, KeptWithout)],
) -> CoreResult<()> {
    let unwritable = |x: &dyn std::fmt::Display| {
        file_error(err_path, None, "unwritable", format!("Cannot write {}: {x}", err_path.display()))
    };
    let f = File::options().write(true).create_new(true).open(err_path).map_err(|x| unwritable(&x))?;
    let mut w = csv::Writer::from_writer(f);
    // `error_*`: not a customer field, so the file, once fixed, imports as it is (the four
    // columns are ignored).
    let mut header: Vec<String> = ERROR_COLUMNS.iter().map(|c| c.to_string()).collect();
    // An errors file imported again: its old error columns are replaced, not repeated.
    let keep: Vec<usize> =
        (0..plan.headers.len()).filter(|&i| !ERROR_COLUMNS.contains(&plan.headers[i].as_str())).collect();
    header.extend(keep.iter().map(|&i| plan.headers[i].clone()));
    w.write_record(&header).map_err(|x| unwritable(&x))?;
    let by_record: HashMap<u64, (u64, &CoreError)> = rejects.iter().map(|(r, l, e)| (*r, (*l, e))).collect();
    let mut kept_by_record: HashMap<u64, Vec<&KeptWithout>> = HashMap::new();
    for (r, k) in kept {
        kept_by_record.entry(*r).or_default().push(k);
    }
    let mut reader = csv_reader(path, plan.delimiter)?;
    let mut rec = csv::StringRecord::new();
    let mut record = 0u64;
    while reader.read_record(&mut rec).map_err(|e| csv_error(path, e, &plan.lines))? {
        record += 1;
        let row = |mut out: Vec<String>| {
            out.extend(keep.iter().map(|&i| rec.get(i).unwrap_or("").to_string()));
            out
        };
        if let Some((line, e)) = by_record.get(&(record - 1)) {
            let Rejection { field, code, reason, .. } = Rejection::new(*line, e);
            w.write_record(row(vec![line.to_string(), field, code, reason, String::new(), "not imported".into()]))
                .map_err(|x| unwritable(&x))?;
        }
        for k in kept_by_record.get(&(record - 1)).into_iter().flatten() {
            let outcome = format!("{IMPORTED_AS}{} without this value", k.customer);
            let out =
                vec![k.line.to_string(), k.field.clone(), k.code.clone(), k.reason.clone(), k.value.clone(), outcome];
            w.write_record(row(out)).map_err(|x| unwritable(&x))?;
        }
    }
    w.flush().map_err(|x| unwritable(&x))?;
    Ok(())
}
