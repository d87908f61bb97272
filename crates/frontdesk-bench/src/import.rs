//! `import`: a generated CSV into an empty desk, and (`--parts`) what each part of it costs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use frontdesk_core::import::{import_csv, ImportOptions};
use frontdesk_core::{CoreError, Store};

use crate::common::*;
use crate::size::print_size;

pub(crate) fn run(db: Option<&Path>, count: u64, parts: bool) -> Result<(), CoreError> {
    let dir = PathBuf::from("bench-data");
    std::fs::create_dir_all(&dir).map_err(err)?;
    let csv_path = dir.join(format!("import-{count}.csv"));
    let db_path = db.map(Path::to_path_buf).unwrap_or_else(|| dir.join(format!("import-{count}.db")));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
    }
    write_csv(&csv_path, count)?;
    let store = open(&db_path)?;
    let t = Instant::now();
    let report = import_csv(&store, &csv_path, &ImportOptions::default(), &mut |_, _| {})?;
    let secs = t.elapsed().as_secs_f64();
    outln!(
        "import of {} rows: {} imported, {} rejected in {:.2} s = {:.0} rows/s (validation, phone parsing, uniqueness, timeline, outbox, search indexes)",
        report.rows,
        report.imported,
        report.rejected,
        secs,
        report.rows as f64 / secs
    );
    if parts {
        print_import_parts(&store, &csv_path)?;
    }
    drop(store);
    print_size(&db_path)
}

fn print_import_parts(store: &Store, csv_path: &Path) -> Result<(), CoreError> {
    let p = frontdesk_core::import_parts::measure(store, csv_path, &ImportOptions::default())?;
    let per_row = |s: f64| s * 1e6 / p.rows as f64;
    let indexes: f64 = p.indexes.iter().map(|(_, s)| s).sum();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    outln!("Parts of importing {} rows, each measured alone (the writing parts in a transaction rolled back):", p.rows);
    outln!("| part | s | µs per row |");
    outln!("|---|---|---|");
    outln!(
        "| read, validate, search keys (one thread, no writes) | {:.2} | {:.1} |",
        p.read_and_check,
        per_row(p.read_and_check)
    );
    outln!("| the rows alone (INSERT … SELECT, no indexes) | {:.2} | {:.1} |", p.rows_alone, per_row(p.rows_alone));
    let list: Vec<String> =
        p.indexes.iter().map(|(n, s)| format!("{} {:.2}", n.trim_start_matches("customers_"), s)).collect();
    outln!(
        "| {} customer indexes, each built once, sorted ({}) | {:.2} | {:.1} |",
        p.indexes.len(),
        list.join(", "),
        indexes,
        per_row(indexes)
    );
    for (table, s) in &p.search_tables {
        outln!("| search table {table}, filled from the rows | {s:.2} | {:.1} |", per_row(*s));
    }
    let writing = p.writing();
    let floor = writing.max((writing + p.read_and_check) / cores as f64);
    outln!(
        "Writing parts in sequence (one writer per database): {writing:.2} s; with the reading on the other {} of {cores} cores, an import takes at least {floor:.2} s = {:.0} rows/s.",
        cores - 1,
        p.rows as f64 / floor
    );
    Ok(())
}

fn write_csv(path: &Path, count: u64) -> Result<(), CoreError> {
    let f = std::fs::File::create(path).map_err(err)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(f));
    w.write_record([
        "First Name",
        "Last Name",
        "Email Address",
        "Mobile Number",
        "Address",
        "City",
        "State",
        "Postcode",
        "Country",
        "Profile Notes",
        "Location",
    ])
    .map_err(err)?;
    for i in 0..count {
        let r = frontdesk_core::seed::customer(3, i);
        let c = &r.input;
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        w.write_record([
            c.first_name.clone(),
            c.last_name.clone(),
            o(&c.email),
            o(&c.phone),
            o(&c.text.address_line1),
            o(&c.text.city),
            o(&c.text.state),
            o(&c.text.postal_code),
            o(&c.text.country),
            c.tags.join(" | "),
            r.branch.clone().unwrap_or_default(),
        ])
        .map_err(err)?;
    }
    w.flush().map_err(err)?;
    Ok(())
}
