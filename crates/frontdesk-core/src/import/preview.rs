//! What importing a file would do, shown before anything is written.

use std::path::Path;

use serde::Serialize;

use crate::error::{CoreError, CoreResult};
use crate::store::Store;

use super::*;

/// What importing a file would do, before anything is written: each column's target, the
/// first rows, how dates are read and which branches the file names.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    pub file: String,
    pub rows: u64,
    pub columns: Vec<PreviewColumn>,
    pub date_columns: Vec<DateColumn>,
    pub branches: Vec<FileBranch>,
    /// Every target a column can be given, with its label, in the order to offer them.
    pub targets: Vec<(String, String)>,
    /// Why the file cannot be imported as mapped (no column for the name), if so.
    pub problem: Option<String>,
}

/// One column of a file: where its values would go and the first of them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewColumn {
    pub header: String,
    /// A field, `extra`, `phone_other`, `blocked`, or `ignore`.
    pub target: String,
    /// Why this target: "recognised", "chosen", "figures the other system computed"…
    pub why: String,
    /// The values of the first [`SAMPLES`] rows.
    pub samples: Vec<String>,
}

/// A branch the file names, how many rows name it and the desk's branch of that name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileBranch {
    pub name: String,
    pub rows: u64,
    /// The code of the desk's branch with this name or code; `None`: it would be created.
    pub existing: Option<String>,
    /// The desk's branch of that name is archived: the import brings it back.
    pub archived: bool,
}

/// Reads `path` as [`import_csv`] would with `opts`, writing nothing.
pub fn preview(store: &Store, path: &Path, opts: &ImportOptions) -> CoreResult<ImportPreview> {
    let (plan, _) = planned(store, path, opts, false)?;
    let new_fields = columns_for_new_fields(&plan, opts);
    reading(store, &plan, opts)?;
    let problem = require_name(path, &plan).err().map(|e| match e {
        CoreError::File { message, .. } => message,
        other => other.to_string(),
    });
    let chosen = |h: &str| opts.mappings.iter().any(|(m, _)| m.trim().eq_ignore_ascii_case(h));
    let columns = plan
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let target = match (&plan.columns[i], &plan.custom[i]) {
                (Some(c), _) => c.to_string(),
                (None, Some(key)) => format!("{}{key}", crate::custom_fields::PREFIX),
                _ if new_fields.contains(&i) => {
                    format!("{}{}", crate::custom_fields::PREFIX, crate::custom_fields::key_from_label(h))
                }
                _ => "ignore".to_string(),
            };
            let why = if new_fields.contains(&i) {
                "a new text field (create fields)"
            } else if chosen(h) {
                "chosen"
            } else if plan.computed[i] {
                "a figure the other system computed"
            } else if plan.columns[i] == Some("extra") && alias(h).is_some_and(|a| matches!(a, "id" | "code")) {
                "another system's numbers: kept as a line in remarks"
            } else if plan.columns[i] == Some("extra") && alias(h).is_some_and(|a| a != "extra") {
                "another column already fills that field: kept as a line in remarks"
            } else if plan.columns[i].is_some() || plan.custom[i].is_some() {
                "recognised from its name"
            } else {
                "not recognised: choose where it goes"
            };
            let samples = plan.samples.iter().map(|r| r.get(i).cloned().unwrap_or_default()).collect();
            PreviewColumn { header: h.clone(), target, why: why.into(), samples }
        })
        .collect();
    let (live, archived) = (store.branches()?, store.archived_branches()?);
    let named = |list: &[crate::settings::Branch], name: &str| {
        list.iter()
            .find(|b| b.code.eq_ignore_ascii_case(name.trim()) || b.name.eq_ignore_ascii_case(name.trim()))
            .map(|b| b.code.clone())
    };
    let branches = plan
        .branch_names
        .iter()
        .map(|(name, rows)| {
            let existing = named(&live, name);
            let archived = existing.is_none() && named(&archived, name).is_some();
            FileBranch { name: name.clone(), rows: *rows, existing, archived }
        })
        .collect();
    let custom = store.custom_fields(false)?;
    let targets = fields()
        .iter()
        .map(|t| (t.to_string(), crate::customers::labels::label(t).to_string()))
        .chain(custom.iter().map(|d| (format!("{}{}", crate::custom_fields::PREFIX, d.key), d.label.clone())))
        .chain(MORE_TARGETS.iter().map(|t| (t.to_string(), crate::customers::labels::label(t).to_string())))
        .collect();
    Ok(ImportPreview {
        file: path.display().to_string(),
        rows: plan.rows,
        columns,
        date_columns: plan.dates.clone(),
        branches,
        targets,
        problem,
    })
}
