//! Reading the file once before anything is written: its encoding, delimiter, header and
//! row lengths, each column's target and how its dates are written (the plan).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use serde::Serialize;

use super::columns::header_key;
use crate::custom_fields::FieldDef;
use crate::error::{CoreError, CoreResult};
use crate::ids::CustomerId;

use super::*;

pub(super) fn file_error(path: &Path, line: Option<u64>, code: &str, message: String) -> CoreError {
    CoreError::File { path: path.display().to_string(), line, code: code.into(), message }
}

pub(super) fn sniff_delimiter(first_line: &str) -> u8 {
    let count = |c| first_line.matches(c).count();
    // The last of equal counts wins: `;` over `,` (`Nachname, Vorname;Telefon`), and a tab when
    // there is no separator at all, so a one-column file keeps its commas (`Smith, Anna`).
    [(',', b','), (';', b';'), ('\t', b'\t')].into_iter().max_by_key(|(c, _)| count(*c)).map(|(_, b)| b).unwrap_or(b',')
}

/// Where each line of a file starts and where its text ends (before its break: LF, CR LF or
/// a lone CR), to tell a record's line from the byte the csv reader says the record starts at:
/// the reader counts only LFs, starts a record at the LF of a CR LF before it, and at the blank
/// lines it skips.
pub(super) struct Lines {
    pub(super) starts: Vec<u64>,
    pub(super) ends: Vec<u64>,
}

impl Lines {
    pub(super) fn read(path: &Path) -> CoreResult<Self> {
        let unreadable =
            |e: std::io::Error| file_error(path, None, "unreadable", format!("Cannot read {}: {e}", path.display()));
        let mut f = BufReader::with_capacity(1 << 20, File::open(path).map_err(unreadable)?);
        let (mut starts, mut ends) = (vec![0u64], Vec::new());
        let (mut pos, mut after_cr) = (0u64, false);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                match b {
                    b'\n' if after_cr => *starts.last_mut().expect("a line") = pos + 1,
                    b'\n' | b'\r' => {
                        ends.push(pos);
                        starts.push(pos + 1);
                    }
                    _ => {}
                }
                after_cr = b == b'\r';
                pos += 1;
            }
        }
        ends.push(pos);
        Ok(Lines { starts, ends })
    }

    /// The line (from 1) of the record the csv reader started reading at byte `at`.
    pub(super) fn line_of(&self, at: u64) -> u64 {
        let last = self.starts.len() - 1;
        let mut i = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        if at >= self.ends[i] && i < last && at > self.starts[i] {
            i += 1; // on the break before the record
        }
        while i < last && self.ends[i] == self.starts[i] {
            i += 1; // a blank line the reader skips
        }
        i as u64 + 1
    }

    pub(super) fn of(&self, position: Option<&csv::Position>) -> Option<u64> {
        position.map(|p| self.line_of(p.byte()))
    }
}

pub(super) struct Plan {
    pub(super) delimiter: u8,
    pub(super) file_name: String,
    /// The first [`SAMPLES`] rows, as written.
    pub(super) samples: Vec<Vec<String>>,
    /// Each branch the file names (as first written) and how many rows name it.
    pub(super) branch_names: Vec<(String, u64)>,
    pub(super) lines: std::sync::Arc<Lines>,
    pub(super) columns: Vec<Option<&'static str>>,
    /// The custom field (key) each column goes to, if any (its `columns` entry is then `None`).
    pub(super) custom: Vec<Option<String>>,
    pub(super) headers: Vec<String>,
    pub(super) rows: u64,
    /// How each date column is read, in column order.
    pub(super) dates: Vec<DateColumn>,
    pub(super) computed: Vec<bool>,
}

pub(super) fn is_date(field: &str) -> bool {
    matches!(field, "birthday" | "created_at" | "updated_at" | "marketing_consent_at")
}

/// How a date column of the file was read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DateColumn {
    pub column: String,
    pub order: crate::locale::DateOrder,
    pub why: String,
}

/// Reads the whole file once without writing: encoding, header, row lengths.
/// The custom field `target` names (`custom.<key or label>`), if it is one of `defs`.
fn custom_target<'d>(target: &str, defs: &'d [FieldDef]) -> Option<&'d FieldDef> {
    let name = header_key(target.trim().strip_prefix(crate::custom_fields::PREFIX)?);
    defs.iter().find(|d| header_key(&d.key) == name || header_key(&d.label) == name)
}

/// Reads the whole file once without writing: encoding, header, row lengths. `defs`: the
/// desk's live custom fields, which columns headed by their label or key go to.
pub(super) fn plan(
    path: &Path,
    opts: &ImportOptions,
    desk_order: crate::locale::DateOrder,
    defs: &[FieldDef],
) -> CoreResult<Plan> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| BufReader::new(f).take(64 * 1024).read_to_end(&mut bytes))
        .map_err(|e| file_error(path, None, "unreadable", format!("Cannot read {}: {e}", path.display())))?;
    let head = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // The header is the first line with something on it (the csv reader skips blank lines).
    let first_line =
        String::from_utf8_lossy(head.split(|b| *b == b'\n').find(|l| !l.is_empty() && *l != b"\r").unwrap_or(b""));
    let delimiter = sniff_delimiter(&first_line);
    let lines = Lines::read(path)?;
    let mut reader = csv_reader(path, delimiter)?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e, &lines))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(file_error(
            path,
            Some(1),
            "no_header",
            "The first line must name the columns (e.g. First Name,Last Name,Email,Phone).".into(),
        ));
    }
    let overrides: HashMap<String, String> =
        opts.mappings.iter().map(|(h, f)| (h.trim().to_lowercase(), f.trim().to_string())).collect();
    for (i, (h, f)) in opts.mappings.iter().enumerate() {
        for (h2, f2) in &opts.mappings[..i] {
            if h2.trim().eq_ignore_ascii_case(h.trim()) {
                return Err(CoreError::validation(
                    "map",
                    "mapped_twice",
                    format!("\"{h2}\" is mapped twice ({h2}={f2}, {h}={f}); keep one."),
                ));
            }
            if !["ignore", "extra"].contains(&f.trim()) && f2.trim() == f.trim() {
                return Err(CoreError::validation(
                    "map",
                    "field_twice",
                    format!("\"{h2}\" and \"{h}\" are both mapped to {f}; keep one, and map the other to another field, to extra (a line in remarks) or to ignore."),
                ));
            }
        }
        if f.trim().starts_with(crate::custom_fields::PREFIX) && custom_target(f, defs).is_none() {
            let names: Vec<String> = defs.iter().map(|d| format!("custom.{}", d.key)).collect();
            return Err(CoreError::validation(
                "map",
                "unknown_field",
                if names.is_empty() {
                    format!("{h}={f}: the desk has no customer fields yet; add one in Settings → Customer fields or `frontdesk fields add`, or import with --create-fields.")
                } else {
                    format!("{h}={f}: there is no customer field \"{f}\"; the desk's are {}.", names.join(", "))
                },
            ));
        }
        if !f.trim().starts_with(crate::custom_fields::PREFIX)
            && !fields().contains(&f.as_str())
            && !MORE_TARGETS.contains(&f.as_str())
        {
            return Err(CoreError::validation(
                "map",
                "unknown_field",
                format!(
                    "{h}={f}: \"{f}\" is not a field; use one of {}, extra (a line in remarks) or ignore.",
                    fields().join(", ")
                ),
            ));
        }
        if !headers.iter().any(|x| x.to_lowercase() == h.trim().to_lowercase()) {
            return Err(CoreError::validation(
                "map",
                "unknown_column",
                format!("{h}={f}: the file has no column \"{h}\"; its columns are {}.", headers.join(", ")),
            ));
        }
    }
    // A column headed by a custom field's label or key goes to it (before the aliases of other
    // systems' headers: the business named the field, and its own exports head it so).
    // A header naming a standard field goes there even if an older field of the business is
    // named so too (only --map sends it to that field).
    let mut custom: Vec<Option<String>> = headers
        .iter()
        .map(|h| match overrides.get(&h.to_lowercase()) {
            Some(f) => custom_target(f, defs).map(|d| d.key.clone()),
            None if super::columns::standard_name(h).is_some() => None,
            None => custom_target(&format!("{}{h}", crate::custom_fields::PREFIX), defs).map(|d| d.key.clone()),
        })
        .collect();
    // Two columns for one field: the one --map chose, else the first, fills it; the other is
    // kept as a line in remarks.
    let mut custom_extra = vec![false; headers.len()];
    for i in 0..headers.len() {
        let Some(key) = custom[i].clone() else { continue };
        let explicit = |j: usize| overrides.contains_key(&headers[j].to_lowercase());
        if let Some(j) = (0..i).find(|&j| custom[j].as_deref() == Some(key.as_str())) {
            let loser = if explicit(i) && !explicit(j) { j } else { i };
            if explicit(i) && explicit(j) {
                return Err(CoreError::validation(
                    "map",
                    "field_twice",
                    format!("--map sends both \"{}\" and \"{}\" to custom.{key}; keep one.", headers[j], headers[i]),
                ));
            }
            custom[loser] = None;
            custom_extra[loser] = true;
        }
    }
    let mut columns: Vec<Option<&'static str>> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| match overrides.get(&h.to_lowercase()) {
            _ if custom[i].is_some() => None,
            _ if custom_extra[i] => Some("extra"),
            Some(f) if f == "ignore" => None,
            Some(f) => fields().iter().chain(MORE_TARGETS).copied().find(|x| x == f),
            None => alias(h).filter(|t| *t != "ignore"),
        })
        .collect();
    // Known figures another system computed (visits, spend): left out, and said so apart.
    let computed: Vec<bool> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| custom[i].is_none() && !overrides.contains_key(&h.to_lowercase()) && alias(h) == Some("ignore"))
        .collect();
    // When two columns map to the same field, one the user mapped with --map wins; otherwise
    // the first.
    let explicit: Vec<bool> = headers.iter().map(|h| overrides.contains_key(&h.to_lowercase())).collect();
    // The other column is kept as a line in remarks (nothing in the file is lost).
    for i in 0..columns.len() {
        if let Some(f) = columns[i].filter(|f| *f != "extra") {
            let claimed = (0..columns.len()).any(|j| {
                j != i && columns[j] == Some(f) && (explicit[j] && !explicit[i] || explicit[j] == explicit[i] && j < i)
            });
            if claimed {
                columns[i] = Some("extra");
            }
        }
    }
    // A column recognised as our id or code by its header ("Client ID", "Customer Number") that
    // holds another system's numbers is not ours: it is left out rather than failing every row.
    let mut ours: Vec<usize> =
        (0..columns.len()).filter(|&i| matches!(columns[i], Some("id" | "code")) && !explicit[i]).collect();
    let mut evidence: Vec<crate::locale::dates::Evidence> = vec![Default::default(); columns.len()];
    let mut rows = 0u64;
    let (mut samples, mut branch_names) = (Vec::new(), Vec::<(String, u64)>::new());
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.of(record.position()).unwrap_or(rows + 2);
                if record.len() != headers.len() {
                    return Err(file_error(
                        path,
                        Some(line),
                        "ragged_row",
                        format!("Line {line} has {} fields but the header has {}; nothing was imported. Check for a missing or extra separator or an unclosed quote.", record.len(), headers.len()),
                    ));
                }
                if let Err(e) = std::str::from_utf8(record.as_slice()) {
                    let _ = e;
                    return Err(file_error(
                        path,
                        Some(line),
                        "not_utf8",
                        format!("Line {line} is not UTF-8 text; nothing was imported. Save the file as \"CSV UTF-8\" and import it again."),
                    ));
                }
                ours.retain(|&i| {
                    let v = std::str::from_utf8(record.get(i).unwrap_or(b"")).unwrap_or("").trim();
                    match columns[i] {
                        _ if v.is_empty() => true,
                        Some("id") => v.parse::<CustomerId>().is_ok(),
                        _ => crate::normalize::code_query(v).is_some(),
                    }
                });
                for (i, e) in evidence.iter_mut().enumerate() {
                    if columns[i].is_some_and(is_date) {
                        e.add(std::str::from_utf8(record.get(i).unwrap_or(b"")).unwrap_or(""));
                    }
                }
                if samples.len() < SAMPLES {
                    samples.push(record.iter().map(|v| String::from_utf8_lossy(v).into_owned()).collect());
                }
                for (i, c) in columns.iter().enumerate() {
                    let v = std::str::from_utf8(record.get(i).unwrap_or(b"")).unwrap_or("").trim();
                    if *c == Some("branch") && !v.is_empty() {
                        match branch_names.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(v)) {
                            Some((_, n)) => *n += 1,
                            None => branch_names.push((v.to_string(), 1)),
                        }
                    }
                }
                rows += 1;
            }
            Err(e) => return Err(csv_error(path, e, &lines)),
        }
    }
    // Another system's numbers are kept as a line in remarks.
    for (i, c) in columns.iter_mut().enumerate() {
        if matches!(c, Some("id" | "code")) && !explicit[i] && !ours.contains(&i) {
            *c = Some("extra");
        }
    }
    let dates = (0..columns.len())
        .filter(|&i| columns[i].is_some_and(is_date))
        .map(|i| {
            let e = &evidence[i];
            let (order, why) = match (opts.date_order, e.proven()) {
                (Some(o), _) => (o, "chosen for this import".to_string()),
                (None, Some(o)) => (
                    o,
                    format!(
                        "the values prove it (a {} over 12)",
                        if o == crate::locale::DateOrder::Dmy { "first number" } else { "second number" }
                    ),
                ),
                (None, None) if e.day_first && e.month_first => (
                    desk_order,
                    "the values hold both orders; read in the desk's order, the others reported".to_string(),
                ),
                (None, None) => (desk_order, "the desk's order (the values fit either)".to_string()),
            };
            DateColumn { column: headers[i].clone(), order, why }
        })
        .collect();
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Plan {
        delimiter,
        file_name,
        samples,
        branch_names,
        lines: std::sync::Arc::new(lines),
        columns,
        custom,
        headers,
        rows,
        dates,
        computed,
    })
}

/// Refuses a plan with no column for the customer's name: no row could make a customer.
pub(super) fn require_name(path: &Path, plan: &Plan) -> CoreResult<()> {
    let has = |f: &str| plan.columns.contains(&Some(f));
    if has("first_name") || has("last_name") || has("full_name") {
        return Ok(());
    }
    Err(file_error(
        path,
        Some(1),
        "no_name_column",
        format!(
            "No column holds the customer's name. Columns found: {}. Name one \"First Name\"/\"Last Name\" (or \"Name\"), or map it with --map 'Column=first_name'.",
            plan.headers.join(", ")
        ),
    ))
}

/// How many rows a preview shows.
pub const SAMPLES: usize = 5;

pub(super) fn csv_reader(path: &Path, delimiter: u8) -> CoreResult<csv::Reader<BufReader<File>>> {
    let f = File::open(path)
        .map_err(|e| file_error(path, None, "unreadable", format!("Cannot open {}: {e}", path.display())))?;
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(BufReader::with_capacity(1 << 20, f)))
}

pub(super) fn csv_error(path: &Path, e: csv::Error, lines: &Lines) -> CoreError {
    let line = lines.of(e.position());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => file_error(
            path,
            line,
            "not_utf8",
            format!(
                "{} is not UTF-8 text{}; nothing was imported. Save it as \"CSV UTF-8\" and import it again.",
                path.display(),
                line.map(|l| format!(" (line {l})")).unwrap_or_default()
            ),
        ),
        _ => file_error(
            path,
            line,
            "malformed_csv",
            format!("{} cannot be read as CSV: {e}; nothing was imported.", path.display()),
        ),
    }
}

/// The columns `--create-fields` makes a new text field for: those with no target that the
/// user did not choose to leave out (and not an errors file's own columns).
pub(super) fn columns_for_new_fields(plan: &Plan, opts: &ImportOptions) -> Vec<usize> {
    if !opts.create_fields {
        return Vec::new();
    }
    (0..plan.headers.len())
        .filter(|&i| plan.columns[i].is_none() && plan.custom[i].is_none() && !plan.computed[i])
        .filter(|&i| {
            let h = plan.headers[i].trim();
            !h.is_empty()
                && !ERROR_COLUMNS.contains(&h)
                && !opts.mappings.iter().any(|(m, _)| m.trim().eq_ignore_ascii_case(h))
        })
        .collect()
}
