//! `frontdesk export`: the live customers as CSV or JSON lines; `--everything`, every record.

use std::io::Write;
use std::path::Path;

use frontdesk_core::export::Format;
use frontdesk_core::CoreError;

use crate::cli::{ExportArgs, ExportFormat};
use crate::desk::open_existing;
use crate::output::output_failed;

pub(crate) fn run(args: ExportArgs, db: &Path) -> Result<(), CoreError> {
    let ExportArgs { format, out, everything, segment, conditions } = args;
    if everything && (segment.is_some() || !conditions.is_empty()) {
        return Err(CoreError::validation(
            "everything",
            "with_segment",
            "--everything takes every record; leave out --segment and --where (or drop --everything).",
        ));
    }
    if everything {
        if format.is_some() {
            return Err(CoreError::validation(
                "format",
                "with_everything",
                "--everything writes CSV files and one JSON file; leave out --format.",
            ));
        }
        let Some(folder) = out else {
            return Err(CoreError::validation(
                "out",
                "required",
                "--everything writes a folder of files: give it with --out, e.g. --out frontdesk-export.",
            ));
        };
        let store = open_existing(db)?;
        let report = frontdesk_core::export::export_everything(&store, &folder)?;
        for f in &report.files {
            outln!("{:>9} records  {}", f.records, folder.join(&f.name).display());
        }
        return Ok(());
    }
    let store = open_existing(db)?;
    let format = match format.unwrap_or(ExportFormat::Csv) {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    };
    // A segment's conditions, then any given here: all must hold.
    let mut filter = match &segment {
        Some(s) => store.segment(s)?.filter(),
        None => Default::default(),
    };
    filter.conditions.extend(conditions);
    let every = filter.conditions.is_empty();
    let n = match &out {
        Some(path) if every => frontdesk_core::export::export_to_file(&store, format, path)?,
        Some(path) => frontdesk_core::export::export_matching_to_file(&store, &filter, format, path)?,
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            let n = if every {
                frontdesk_core::export::export(&store, format, &mut w)?
            } else {
                frontdesk_core::export::export_matching(&store, &filter, format, &mut w)?
            };
            w.flush().unwrap_or_else(|e| output_failed(e));
            n
        }
    };
    if let Some(path) = out {
        eprintln!("Exported {n} customers to {}.", path.display());
    }
    Ok(())
}
