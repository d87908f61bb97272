//! Everything a business takes with it when it leaves: customers (archived ones too) and every
//! history record, one CSV file per kind of record and one JSON file with all of them, read
//! from one snapshot of the desk. Records refer to each other by their ids (UUIDs) and
//! customers also by code; times are RFC 3339 in UTC, money in minor units beside its currency.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;
use rusqlite::types::ValueRef;
use serde::Serialize;
use serde_json::Value;

use super::{customers, io_err, Format};
use crate::error::{CoreError, CoreResult};
use crate::history::{AppointmentStatus, OrderStatus};
use crate::store::{Reader, Store};

/// The files of an export and how many records each holds.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EverythingReport {
    pub folder: String,
    pub files: Vec<ExportedFile>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportedFile {
    pub name: String,
    pub records: u64,
}

/// The JSON file's name (the CSV files are named after their records).
pub const JSON_FILE: &str = "frontdesk-export.json";

/// `CASE column WHEN 0 THEN 'first' …`: a status stored as its position, as its name.
fn named(column: &str, names: &[&str]) -> String {
    let whens: String = names.iter().enumerate().map(|(i, n)| format!(" WHEN {i} THEN '{n}'")).collect();
    format!("CASE {column}{whens} END")
}

/// The history tables: file name and the query that reads them (column names are the headers).
fn tables() -> Vec<(&'static str, String)> {
    let appointment = AppointmentStatus::ALL.map(AppointmentStatus::as_str);
    let order = OrderStatus::ALL.map(OrderStatus::as_str);
    vec![
        (
            "appointments",
            format!(
                "SELECT a.id, c.id AS customer_id, c.code AS customer_code, b.code AS branch, s.name AS service, st.name AS staff, \
                 a.starts_at, a.duration_min, a.price_minor, a.currency, {} AS status, a.cancelled_by, a.cancel_reason, \
                 a.late_cancel, a.blocked_override, a.notes, a.created_at, a.updated_at \
                 FROM appointments a JOIN customers c ON c.seq = a.customer_seq JOIN branches b ON b.id = a.branch_id \
                 JOIN services s ON s.id = a.service_id LEFT JOIN staff st ON st.id = a.staff_id ORDER BY a.seq",
                named("a.status", &appointment)
            ),
        ),
        (
            "orders",
            format!(
                "SELECT o.id, c.id AS customer_id, c.code AS customer_code, b.code AS branch, a.id AS appointment_id, o.currency, \
                 {} AS status, o.subtotal_minor, o.discount_minor, o.points_redeemed, o.total_minor, o.paid_minor, o.refunded_minor, \
                 o.points_earned, o.notes, o.created_at, o.updated_at \
                 FROM orders o JOIN customers c ON c.seq = o.customer_seq JOIN branches b ON b.id = o.branch_id \
                 LEFT JOIN appointments a ON a.seq = o.appointment_seq ORDER BY o.seq",
                named("o.status", &order)
            ),
        ),
        (
            "order_lines",
            "SELECT o.id AS order_id, l.line, l.kind, s.name AS service, l.description, l.quantity, l.unit_price_minor, o.currency \
             FROM order_lines l JOIN orders o ON o.seq = l.order_seq LEFT JOIN services s ON s.id = l.service_id \
             ORDER BY l.order_seq, l.line"
                .into(),
        ),
        (
            "payments",
            "SELECT o.id AS order_id, p.method, p.amount_minor, o.currency, p.at, p.actor \
             FROM payments p JOIN orders o ON o.seq = p.order_seq ORDER BY p.seq"
                .into(),
        ),
        (
            "refunds",
            "SELECT o.id AS order_id, r.amount_minor, o.currency, r.reason, r.at, r.actor \
             FROM refunds r JOIN orders o ON o.seq = r.order_seq ORDER BY r.seq"
                .into(),
        ),
        (
            "loyalty",
            "SELECT c.id AS customer_id, c.code AS customer_code, l.at, l.points, l.kind, a.id AS appointment_id, o.id AS order_id \
             FROM loyalty l JOIN customers c ON c.seq = l.customer_seq LEFT JOIN appointments a ON a.seq = l.appointment_seq \
             LEFT JOIN orders o ON o.seq = l.order_seq ORDER BY l.seq"
                .into(),
        ),
        (
            // A customer an import created has its first entry in `imports` (see the migration).
            "timeline",
            "SELECT customer_id, customer_code, at, actor, kind, data FROM ( \
             SELECT c.id AS customer_id, c.code AS customer_code, e.at, e.actor, e.kind, e.data, 1 AS o, e.seq AS s \
             FROM events e JOIN customers c ON c.seq = e.customer_seq \
             UNION ALL SELECT c.id, c.code, i.at, i.actor, 'imported', json_object('file', i.file_name), 0, c.seq \
             FROM customers c JOIN imports i ON i.id = c.import_id) ORDER BY at, o, s"
                .into(),
        ),
        ("services", "SELECT uuid AS id, name, duration_min, price_minor, active, created_at FROM services ORDER BY id".into()),
        ("staff", "SELECT uuid AS id, name, active, created_at FROM staff ORDER BY id".into()),
        ("branches", "SELECT uuid AS id, code, name, archived, created_at FROM branches ORDER BY id".into()),
        ("imports", "SELECT file_name, at, actor, imported, rejected FROM imports ORDER BY id".into()),
        (
            // The business's own fields (their values are columns of customers.csv), archived too.
            "customer_fields",
            "SELECT f.uuid AS id, f.key, f.label, f.kind, f.required, f.help, f.default_value, f.section, f.position, \
             f.is_unique AS \"unique\", f.decimals, f.unit, \
             (SELECT group_concat(o.label || CASE o.retired WHEN 1 THEN ' (retired)' ELSE '' END, ' | ') \
              FROM (SELECT * FROM custom_field_options WHERE field_id = f.id ORDER BY position, id) o) AS options, \
             f.archived_at, f.created_at FROM custom_fields f WHERE f.deleted_at IS NULL ORDER BY f.position, f.id"
                .into(),
        ),
        (
            "segments",
            "SELECT uuid AS id, name, conditions, created_at, updated_at FROM segments WHERE deleted_at IS NULL ORDER BY id"
                .into(),
        ),
    ]
}

/// A stored value as the export writes it: ids as UUIDs, `…_at` times as RFC 3339, the
/// timeline's `data` as the JSON it is.
fn value(column: &str, v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(ms) if column == "at" || column.ends_with("_at") => {
            Value::String(crate::clock::ms_to_datetime(ms).to_rfc3339_opts(SecondsFormat::Millis, true))
        }
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null),
        ValueRef::Text(t) if matches!(column, "data" | "conditions" | "default_value") => {
            serde_json::from_slice(t).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(t).into()))
        }
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into()),
        ValueRef::Blob(b) => match uuid::Uuid::from_slice(b) {
            Ok(u) => Value::String(u.to_string()),
            Err(_) => Value::String(b.iter().map(|x| format!("{x:02x}")).collect()),
        },
    }
}

fn csv_field(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Writes one table to its CSV file and, as an array, to the JSON file. Returns its records.
fn table(r: &Reader<'_>, sql: &str, csv_out: &mut dyn Write, json: &mut dyn Write) -> CoreResult<u64> {
    let mut st = r.conn().prepare(sql)?;
    let names: Vec<String> = st.column_names().into_iter().map(String::from).collect();
    let mut w = csv::Writer::from_writer(csv_out);
    w.write_record(&names).map_err(io_err)?;
    json.write_all(b"[").map_err(io_err)?;
    let mut rows = st.query([])?;
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let mut object = serde_json::Map::with_capacity(names.len());
        let mut fields = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let v = value(name, row.get_ref(i)?);
            fields.push(csv_field(&v));
            object.insert(name.clone(), v);
        }
        w.write_record(&fields).map_err(io_err)?;
        json.write_all(if n == 0 { b"\n" } else { b",\n" }).map_err(io_err)?;
        serde_json::to_writer(&mut *json, &object).map_err(io_err)?;
        n += 1;
    }
    w.flush().map_err(io_err)?;
    json.write_all(b"]").map_err(io_err)?;
    Ok(n)
}

fn folder_error(folder: &Path, code: &str, message: String) -> CoreError {
    CoreError::File { path: folder.display().to_string(), line: None, code: code.into(), message }
}

/// A new folder name for an export into the existing folder `parent` (the one the owner picked):
/// `frontdesk-export-2026-12-03-1415`, with `-2`, `-3` … when that is taken.
pub fn new_folder_in(parent: &Path, now_ms: i64) -> CoreResult<PathBuf> {
    if !parent.is_dir() {
        return Err(folder_error(
            parent,
            "no_folder",
            format!("{} is not a folder; choose the folder to export into.", parent.display()),
        ));
    }
    let stamp = crate::clock::ms_to_datetime(now_ms).with_timezone(&chrono::Local).format("%Y-%m-%d-%H%M");
    let base = format!("frontdesk-export-{stamp}");
    (1..1000)
        .map(|n| parent.join(if n == 1 { base.clone() } else { format!("{base}-{n}") }))
        .find(|p| !p.exists())
        .ok_or_else(|| {
            folder_error(parent, "not_empty", format!("{} holds too many exports named {base}.", parent.display()))
        })
}

/// A file name in `parent` no file has yet: `<name>-<date-time>.<ext>` (the name made safe for
/// a file system), numbered if taken.
pub fn new_file_in(parent: &Path, name: &str, ext: &str, now_ms: i64) -> CoreResult<PathBuf> {
    if !parent.is_dir() {
        return Err(folder_error(
            parent,
            "no_folder",
            format!("{} is not a folder; choose the folder to export into.", parent.display()),
        ));
    }
    let safe: String = crate::normalize::fold(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let safe = if safe.is_empty() { "customers".to_string() } else { safe.chars().take(60).collect() };
    let stamp = crate::clock::ms_to_datetime(now_ms).with_timezone(&chrono::Local).format("%Y-%m-%d-%H%M");
    let base = format!("{safe}-{stamp}");
    (1..1000)
        .map(|n| parent.join(if n == 1 { format!("{base}.{ext}") } else { format!("{base}-{n}.{ext}") }))
        .find(|p| !p.exists())
        .ok_or_else(|| {
            folder_error(parent, "not_empty", format!("{} holds too many exports named {base}.", parent.display()))
        })
}

/// Exports everything into `folder`, which must not exist yet or be empty (two exports are
/// never mixed). The files are written beside it first and moved in once all are complete: an
/// export that fails leaves no folder that looks whole.
pub fn export_everything(store: &Store, folder: &Path) -> CoreResult<EverythingReport> {
    match std::fs::read_dir(folder) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(folder_error(
                    folder,
                    "not_empty",
                    format!(
                        "{} already holds files; export into a new or empty folder, e.g. {}-2.",
                        folder.display(),
                        folder.display()
                    ),
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) if folder.is_file() => {
            return Err(folder_error(
                folder,
                "is_file",
                format!("{} is a file; give a folder for the export.", folder.display()),
            ));
        }
        Err(e) => return Err(folder_error(folder, "unreadable", format!("Cannot use {}: {e}", folder.display()))),
    }
    let name = folder.file_name().ok_or_else(|| {
        folder_error(folder, "no_name", "Give the export folder a name, e.g. --out frontdesk-export.".into())
    })?;
    let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(folder_error(
            folder,
            "no_folder",
            format!("The folder {} does not exist; create it first or export elsewhere.", parent.display()),
        ));
    }
    let mut staging_name = std::ffi::OsString::from(".");
    staging_name.push(name);
    staging_name.push(format!(".partial-{}", std::process::id()));
    let staging = parent.join(staging_name);
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging)
        .map_err(|e| folder_error(folder, "unwritable", format!("Cannot write in {}: {e}", parent.display())))?;
    let written = write_all(store, &staging).and_then(|files| {
        move_in(&staging, folder, &files)?;
        Ok(files)
    });
    let _ = std::fs::remove_dir_all(&staging);
    Ok(EverythingReport { folder: folder.display().to_string(), files: written? })
}

fn create(dir: &Path, name: &str) -> CoreResult<BufWriter<File>> {
    let path = dir.join(name);
    File::create(&path)
        .map(BufWriter::new)
        .map_err(|e| folder_error(&path, "unwritable", format!("Cannot write {}: {e}", path.display())))
}

fn finish(w: BufWriter<File>) -> CoreResult<()> {
    let f = w.into_inner().map_err(|e| io_err(e.error()))?;
    f.sync_all().map_err(io_err)
}

fn write_all(store: &Store, dir: &Path) -> CoreResult<Vec<ExportedFile>> {
    store.read(|r| {
        let mut files = Vec::new();
        let mut json = create(dir, JSON_FILE)?;
        let head = serde_json::json!({
            "format": "frontdesk-export",
            "version": 1,
            "exported_at": crate::clock::ms_to_datetime(r.now_ms()).to_rfc3339_opts(SecondsFormat::Millis, true),
        });
        let head = head.to_string();
        // The header's fields, then one array per kind of record.
        json.write_all(&head.as_bytes()[..head.len() - 1]).map_err(io_err)?;
        let mut csv_out = create(dir, "customers.csv")?;
        let n = customers(r, Format::Csv, true, &mut csv_out)?;
        finish(csv_out)?;
        json.write_all(b",\"customers\":[").map_err(io_err)?;
        let mut lines: Vec<u8> = Vec::new();
        let mut first = true;
        // JSON lines of the customers, joined into the array one at a time.
        let mut sink = JoinLines { out: &mut json, first: &mut first, line: &mut lines };
        customers(r, Format::Json, true, &mut sink)?;
        json.write_all(b"]").map_err(io_err)?;
        files.push(ExportedFile { name: "customers.csv".into(), records: n });
        for (name, sql) in tables() {
            let file = format!("{name}.csv");
            let mut csv_out = create(dir, &file)?;
            json.write_all(format!(",\"{name}\":").as_bytes()).map_err(io_err)?;
            let n = table(r, &sql, &mut csv_out, &mut json)?;
            finish(csv_out)?;
            files.push(ExportedFile { name: file, records: n });
        }
        json.write_all(b"}\n").map_err(io_err)?;
        finish(json)?;
        files.push(ExportedFile { name: JSON_FILE.into(), records: files.iter().map(|f| f.records).sum() });
        Ok(files)
    })
}

/// Turns JSON lines into the elements of an array (a comma between records).
struct JoinLines<'a> {
    out: &'a mut dyn Write,
    first: &'a mut bool,
    line: &'a mut Vec<u8>,
}

impl Write for JoinLines<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            if b == b'\n' {
                self.out.write_all(if *self.first { b"\n" } else { b",\n" })?;
                self.out.write_all(self.line)?;
                self.line.clear();
                *self.first = false;
            } else {
                self.line.push(b);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Moves the finished files into `folder` (created when missing).
fn move_in(staging: &Path, folder: &Path, files: &[ExportedFile]) -> CoreResult<()> {
    let unwritable =
        |e: std::io::Error| folder_error(folder, "unwritable", format!("Cannot write {}: {e}", folder.display()));
    if !folder.exists() {
        return std::fs::rename(staging, folder).map_err(unwritable);
    }
    for f in files {
        let from: PathBuf = staging.join(&f.name);
        std::fs::rename(&from, folder.join(&f.name)).map_err(unwritable)?;
    }
    Ok(())
}
