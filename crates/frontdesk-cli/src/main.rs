//! `frontdesk`: the desk's command line. Same core, same database as the desktop app.

/// `println!` that, when the output cannot be written (a full disk, `> /dev/full`), ends the
/// program with a clear error instead of a panic.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::output_failed(e)
        }
    }};
}

mod backup;
mod bench;
mod bench_backup;
mod bench_history;
mod show;

/// Ends the program: its output could not be written.
pub(crate) fn output_failed(e: std::io::Error) -> ! {
    eprintln!("error: cannot write the output: {e}");
    std::process::exit(1)
}

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use frontdesk_core::export::Format;
use frontdesk_core::import::{import_csv, ImportOptions};
use frontdesk_core::search::{ActivityFilter, SearchRequest, SortBy, StatusFilter};
use frontdesk_core::store::Sources;
use frontdesk_core::{CoreError, CoreResult, Store};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(name = "frontdesk", version, about = "Frontdesk: find, create and keep customers at the front desk.")]
struct Cli {
    /// The database file (default: the desktop app's, in the OS app-data folder).
    #[arg(long, global = true, env = "FRONTDESK_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add realistic demo customers with their history: appointments, orders, refunds,
    /// no-shows (deterministic for a given --seed).
    Seed {
        #[arg(long, default_value_t = 1000)]
        count: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Average appointments per customer (0: customers only).
        #[arg(long, default_value_t = 5.0)]
        appointments_per_customer: f64,
    },
    /// Import customers from a CSV file (header row; common column names are recognised).
    Import {
        file: PathBuf,
        /// Country for phone numbers written without a country code (e.g. GB).
        #[arg(long)]
        region: Option<String>,
        /// Map a column explicitly: --map 'Mobile Phone=phone' (`extra` keeps a column as a
        /// labelled line in remarks, `ignore` skips it).
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        mappings: Vec<String>,
        /// How numeric dates are written: dmy (14/03/1988), mdy (03/14/1988) or ymd. Default:
        /// what each date column proves, else the desk's order.
        #[arg(long = "date-order", value_name = "ORDER")]
        date_order: Option<String>,
        /// The branch (code or name) of rows that name none (default: this desk's).
        #[arg(long)]
        branch: Option<String>,
        /// Send the rows of a branch the file names to one the desk has: --branch-map
        /// 'Leeds City=leeds'. A name not mapped that the desk lacks becomes a new branch.
        #[arg(long = "branch-map", value_name = "NAME=BRANCH")]
        branch_map: Vec<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export every live customer; with --everything, every record into a folder.
    Export {
        /// csv (the default) or json lines.
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// Output file (default: standard output); with --everything, a new or empty folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Customers (archived too) and every history record — appointments, orders, lines,
        /// payments, refunds, loyalty, timeline — as CSV files and one JSON file in --out.
        #[arg(long)]
        everything: bool,
    },
    /// Search customers by name, phone (any part), email or code.
    Search {
        /// The query; omit with --batch.
        query: Option<String>,
        /// Results per query (1 to 500; `total` counts them all).
        #[arg(long, default_value_t = 20, value_parser = parse_limit)]
        limit: usize,
        #[arg(long)]
        json: bool,
        /// Read one query per line from standard input; print one JSON line per query.
        #[arg(long)]
        batch: bool,
        #[arg(long, value_enum, default_value_t = StatusArg::Live)]
        status: StatusArg,
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
    },
    /// List customers by a stat or date, with activity filters (no query), timed in the core.
    List {
        #[arg(long, value_enum, default_value_t = ListSort::Name)]
        sort: ListSort,
        /// Descending (default: A→Z for names, highest / newest first for figures and dates).
        #[arg(long, conflicts_with = "asc")]
        desc: bool,
        /// Ascending.
        #[arg(long)]
        asc: bool,
        /// visited:DAYS, inactive:DAYS, never, new (last 30 days) or upcoming.
        #[arg(long, value_parser = parse_activity)]
        activity: Option<ActivityFilter>,
        /// Branch code, name or id.
        #[arg(long)]
        branch: Option<String>,
        #[arg(long, value_enum, default_value_t = StatusArg::Live)]
        status: StatusArg,
        /// Customers listed (1 to 500; `total` counts them all).
        #[arg(long, default_value_t = 50, value_parser = parse_limit)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one customer with tags, status history, stats, appointments, orders and timeline.
    Show {
        /// Customer id (UUID) or code (e.g. QKM-1042).
        id_or_code: String,
        #[arg(long)]
        json: bool,
    },
    /// Recompute customers' stats from their appointments, orders and loyalty ledger and report
    /// any that differ from the running figures (there should be none).
    CheckStats {
        /// Check only the first N customers with history.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Back the desk up, list its backups, choose where they go.
    Backup {
        #[command(subcommand)]
        what: backup::BackupCommand,
    },
    /// Replace the desk with a backup (checked first; the desk as it is now is kept beside it).
    Restore {
        file: PathBuf,
        /// Do it (without: only say what the backup and the desk hold).
        #[arg(long)]
        yes: bool,
    },
    /// Measure search, create, import and size.
    Bench {
        #[command(subcommand)]
        what: bench::BenchCommand,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// One row per customer with a header (what `import` reads back).
    Csv,
    /// JSON Lines: one JSON object per customer per line.
    Json,
}

/// A page size the search accepts (the core answers at most [`MAX_LIMIT`] rows a page).
fn parse_limit(text: &str) -> Result<usize, String> {
    use frontdesk_core::search::MAX_LIMIT;
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!("give a number from 1 to {MAX_LIMIT}")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Live,
    Active,
    Blocked,
    Archived,
    All,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
enum ListSort {
    Name,
    Created,
    TotalSpent,
    LastVisit,
    AppointmentCount,
}

fn parse_activity(text: &str) -> Result<ActivityFilter, String> {
    let days = |d: &str| {
        d.parse::<u32>().map_err(|_| {
            format!("\"{d}\" is not a number of days (write visited:DAYS or inactive:DAYS, e.g. visited:30)")
        })
    };
    match text.split_once(':') {
        Some(("visited", d)) => Ok(ActivityFilter::VisitedWithin { days: days(d)? }),
        Some(("inactive", d)) => Ok(ActivityFilter::NotVisitedFor { days: days(d)? }),
        None if text == "never" => Ok(ActivityFilter::Never),
        None if text == "new" => Ok(ActivityFilter::New),
        None if text == "upcoming" => Ok(ActivityFilter::Upcoming),
        _ => Err("use visited:DAYS, inactive:DAYS, never, new or upcoming".into()),
    }
}

fn status_filter(status: StatusArg) -> StatusFilter {
    match status {
        StatusArg::Live => StatusFilter::Live,
        StatusArg::Active => StatusFilter::Active,
        StatusArg::Blocked => StatusFilter::Blocked,
        StatusArg::Archived => StatusFilter::Archived,
        StatusArg::All => StatusFilter::All,
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SortArg {
    Relevance,
    Name,
    Email,
    Created,
}

fn default_db() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(frontdesk_core::APP_IDENTIFIER)
        .join(frontdesk_core::DB_FILE)
}

/// Opens the desk to write it: refused while another process (the app) has it open.
pub(crate) fn open(db: &std::path::Path) -> Result<Store, CoreError> {
    let command = COMMAND.get().copied().unwrap_or_default();
    let holder = frontdesk_core::store::desk_lock::holder_description(&format!("the command `frontdesk {command}`"));
    Store::open_as(db, Sources::default(), &holder)
}

/// The subcommand being run, to name this process to another that finds the desk in use.
static COMMAND: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

pub(crate) fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

fn main() -> ExitCode {
    // `frontdesk search zoe | head -1`: when the reader goes away, stop like other command-line
    // tools do (Rust ignores SIGPIPE, so printing would panic on the broken pipe).
    #[cfg(unix)]
    // SAFETY: restoring a signal's default action before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let matches = Cli::command().get_matches();
    // A benchmark seeds its database: it never takes FRONTDESK_DB, only an explicit --db.
    let explicit_db = matches.value_source("db") == Some(clap::parser::ValueSource::CommandLine);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let _ = COMMAND.set(match &cli.command {
        Command::Seed { .. } => "seed",
        Command::Import { .. } => "import",
        Command::Export { .. } => "export",
        Command::Search { .. } => "search",
        Command::List { .. } => "list",
        Command::Show { .. } => "show",
        Command::CheckStats { .. } => "check-stats",
        Command::Backup { .. } => "backup",
        Command::Restore { .. } => "restore",
        Command::Bench { .. } => "bench",
    });
    match run(cli.command, cli.db.as_deref(), explicit_db) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::from(1)
        }
    }
}

fn describe(e: &CoreError) -> String {
    match e {
        CoreError::Validation { field, code, message } => format!("{field}: {message} [{code}]"),
        CoreError::File { path, line: Some(l), message, .. } if !path.is_empty() => {
            format!("{path}, line {l}: {message}")
        }
        other => other.to_string(),
    }
}

/// Writes the export to a temporary file in the folder of `path`, then renames it over `path`
/// (through a symbolic link, onto what it points at): a failed or interrupted export leaves an
/// existing file as it was. Never onto the database or its companion files; a device or pipe
/// (`/dev/stdout`) is written directly.
fn export_to_file(
    store: &Store,
    db: &std::path::Path,
    format: Format,
    path: &std::path::Path,
) -> Result<u64, CoreError> {
    let file_error = |code: &str, message: String| CoreError::File {
        path: path.display().to_string(),
        line: None,
        code: code.into(),
        message,
    };
    let target = resolve(path);
    let db = resolve(db);
    for suffix in ["", "-wal", "-shm", "-journal", ".import-lock"] {
        let mut companion = db.clone().into_os_string();
        companion.push(suffix);
        if target.as_os_str() == companion {
            return Err(file_error(
                "is_database",
                format!(
                    "{} is the desk's database{}; export to another file, e.g. --out customers.csv.",
                    path.display(),
                    if suffix.is_empty() { "" } else { " file" }
                ),
            ));
        }
    }
    let unwritable =
        |e: &dyn std::fmt::Display| file_error("unwritable", format!("Cannot write {}: {e}", path.display()));
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(file_error(
                "is_directory",
                format!(
                    "{} is a folder; give a file name, e.g. --out {}/customers.csv.",
                    path.display(),
                    path.display()
                ),
            ))
        }
        Ok(m) if !m.is_file() => {
            let f = std::fs::OpenOptions::new().write(true).open(&target).map_err(|e| unwritable(&e))?;
            let mut w = std::io::BufWriter::new(f);
            let n = frontdesk_core::export::export(store, format, &mut w)?;
            w.flush().map_err(|e| unwritable(&e))?;
            return Ok(n);
        }
        _ => {}
    }
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        return Err(file_error(
            "no_folder",
            format!("The folder {} does not exist; create it first or export to another folder.", folder.display()),
        ));
    }
    let mut tmp =
        tempfile::Builder::new().prefix(".frontdesk-export-").tempfile_in(folder).map_err(|e| unwritable(&e))?;
    let mut w = std::io::BufWriter::new(tmp.as_file_mut());
    let n = frontdesk_core::export::export(store, format, &mut w)?;
    w.flush().map_err(|e| unwritable(&e))?;
    drop(w);
    tmp.as_file().sync_all().map_err(|e| unwritable(&e))?;
    tmp.persist(&target).map_err(|e| unwritable(&e.error))?;
    Ok(n)
}

/// `path` made absolute with its folder's links resolved (the file itself may not exist yet).
fn resolve(path: &std::path::Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Opens a desk that must exist already (commands that only read it): a mistyped `--db` is
/// an error, not a new empty desk. Beside the app (which has the desk open to write) it is
/// opened read-only.
pub(crate) fn open_existing(db: &std::path::Path) -> Result<Store, CoreError> {
    if !db.is_file() || db.metadata().map(|m| m.len() == 0).unwrap_or(true) {
        return Err(CoreError::File {
            path: db.display().to_string(),
            line: None,
            code: "no_database".into(),
            message: format!(
                "There is no desk database at {}. Check --db (or FRONTDESK_DB); `frontdesk import FILE.csv` or `frontdesk seed` creates one.",
                db.display()
            ),
        });
    }
    match open(db) {
        Err(CoreError::Conflict { code, .. }) if code == "desk_in_use" => Store::open_read_only(db, Sources::default()),
        other => other,
    }
}

fn run(command: Command, db_arg: Option<&std::path::Path>, explicit_db: bool) -> Result<(), CoreError> {
    let default = db_arg.map(std::path::Path::to_path_buf).unwrap_or_else(default_db);
    let db = default.as_path();
    match command {
        Command::Seed { count, seed, appointments_per_customer } => {
            if !(0.0..=50.0).contains(&appointments_per_customer) {
                return Err(CoreError::validation(
                    "appointments-per-customer",
                    "out_of_range",
                    "Use a number from 0 to 50.",
                ));
            }
            let store = open(db)?;
            let pb = bar(2 * count, "seeding customers, then their history");
            let (report, history) =
                frontdesk_core::seed::seed_demo(&store, count, seed, appointments_per_customer, &mut |done, _| {
                    pb.set_position(done)
                })?;
            pb.finish_and_clear();
            outln!(
                "Added {} demo customers to {} in {:.1} s ({} skipped as duplicates), then {} appointments and {} orders in {:.1} s.",
                report.created,
                db.display(),
                report.took_ms as f64 / 1000.0,
                report.rejected,
                history.appointments,
                history.orders,
                history.took_ms as f64 / 1000.0
            );
            Ok(())
        }
        Command::List { sort, desc, asc, activity, branch, status, limit, json } => {
            let store = open_existing(db)?;
            let branch = match branch {
                Some(b) => {
                    let key = b.trim().to_lowercase();
                    let found = store
                        .branches()?
                        .into_iter()
                        .find(|x| x.code == key || x.name.to_lowercase() == key || x.id.0.to_string() == key);
                    match found {
                        Some(x) => Some(x.id),
                        None => {
                            return Err(CoreError::validation(
                                "branch",
                                "unknown_branch",
                                format!("There is no branch \"{b}\" (give its code, name or id)."),
                            ))
                        }
                    }
                }
                None => None,
            };
            let req = SearchRequest {
                query: String::new(),
                filter: frontdesk_core::search::SearchFilter {
                    branch,
                    status: status_filter(status),
                    activity,
                    ..Default::default()
                },
                sort: match sort {
                    ListSort::Name => SortBy::Name,
                    ListSort::Created => SortBy::Created,
                    ListSort::TotalSpent => SortBy::TotalSpent,
                    ListSort::LastVisit => SortBy::LastVisit,
                    ListSort::AppointmentCount => SortBy::AppointmentCount,
                },
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
                show::print_list(&page, took_us, &store.desk());
            }
            Ok(())
        }
        Command::Import { file, region, mappings, date_order, branch, branch_map, json } => {
            let pairs = |flag: &str, field: &str, list: Vec<String>, form: &str| {
                list.into_iter()
                    .map(|m| match m.split_once('=') {
                        Some((a, b)) => Ok((a.to_string(), b.to_string())),
                        None => Err(CoreError::validation(
                            field,
                            "invalid_mapping",
                            format!("{flag} {m}: write it as '{form}'."),
                        )),
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
            let date_order =
                date_order.map(|o| frontdesk_core::locale::DateOrder::parse("date-order", &o)).transpose()?;
            let opts = ImportOptions { region, mappings: maps, actor: None, date_order, branch, branch_map };
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
                outln!(
                    "Columns: {}",
                    report.mapping.iter().map(|(h, f)| format!("{h} → {f}")).collect::<Vec<_>>().join(", ")
                );
                if report.mapping.iter().any(|(_, f)| f == "phone") {
                    outln!("Phone numbers without a country code were read as {} numbers (--region XX for another country).", report.region);
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
            Ok(())
        }
        Command::Export { format, out, everything: true } => {
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
            Ok(())
        }
        Command::Export { format, out, everything: false } => {
            let store = open_existing(db)?;
            let format = match format.unwrap_or(ExportFormat::Csv) {
                ExportFormat::Csv => Format::Csv,
                ExportFormat::Json => Format::Json,
            };
            let n = match &out {
                Some(path) => export_to_file(&store, db, format, path)?,
                None => {
                    let stdout = std::io::stdout();
                    let mut w = std::io::BufWriter::new(stdout.lock());
                    let n = frontdesk_core::export::export(&store, format, &mut w)?;
                    w.flush().unwrap_or_else(|e| output_failed(e));
                    n
                }
            };
            if let Some(path) = out {
                eprintln!("Exported {n} customers to {}.", path.display());
            }
            Ok(())
        }
        Command::Search { query, limit, json, batch, status, sort } => {
            let store = open_existing(db)?;
            let mut req = SearchRequest { limit, ..Default::default() };
            req.filter.status = status_filter(status);
            req.sort = match sort {
                SortArg::Relevance => SortBy::Relevance,
                SortArg::Name => SortBy::Name,
                SortArg::Email => SortBy::Email,
                SortArg::Created => SortBy::Created,
            };
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
                    let line =
                        line.map_err(|e| CoreError::Storage { message: format!("reading standard input: {e}") })?;
                    let line = line.strip_suffix(b"\r").unwrap_or(&line);
                    let Ok(line) = std::str::from_utf8(line) else {
                        // One line in another encoding: said on its own output line, the rest go on.
                        let error = format!(
                            "line {} of the input is not UTF-8 text; it was not searched (save the queries as UTF-8)",
                            n + 1
                        );
                        writeln!(
                            out,
                            "{}",
                            serde_json::json!({"query": String::from_utf8_lossy(line), "error": error})
                        )
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
                show::print_hits(&page, took_us, &store.desk().default_region);
            }
            Ok(())
        }
        Command::Show { id_or_code, json } => {
            if id_or_code.trim().is_empty() {
                return Err(CoreError::validation(
                    "id_or_code",
                    "required",
                    "Give a customer's code (e.g. QKM-1042) or id.",
                ));
            }
            let store = open_existing(db)?;
            let detail = store.customer_detail(&id_or_code, 100)?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&show::detail_json(&detail)).unwrap_or_default());
            } else {
                show::print_detail(&detail, &store.desk().default_region);
            }
            Ok(())
        }
        Command::Backup { what } => backup::run(what, db),
        Command::Restore { file, yes } => backup::restore(db, &file, yes),
        Command::CheckStats { limit } => {
            let store = open_existing(db)?;
            let started = Instant::now();
            let bad = store.audit_stats(limit)?;
            for m in &bad {
                outln!("{}: stored {} ≠ recomputed {}", m.customer, m.stored, m.recomputed);
            }
            outln!("{} mismatches ({:.1} s).", bad.len(), started.elapsed().as_secs_f64());
            if bad.is_empty() {
                Ok(())
            } else {
                Err(CoreError::conflict(
                    "stats_mismatch",
                    format!("{} customers' stats differ from a recomputation.", bad.len()),
                ))
            }
        }
        // Benchmarks use their own database unless --db names one.
        Command::Bench { what } => bench::run(what, db_arg.filter(|_| explicit_db)),
    }
}
