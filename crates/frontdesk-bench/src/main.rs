//! `frontdesk-bench`: speed and size figures, each next to a naive baseline measured in the
//! same run. Results go to docs/benchmarks.md by hand, with the command that made them. Not
//! part of what ships: the desk's `frontdesk` command and the app do not contain it.

/// `println!` that, when the output cannot be written, ends the program with a clear error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            eprintln!("error: cannot write the output: {e}");
            std::process::exit(1)
        }
    }};
}

mod backup;
mod common;
mod create;
mod history;
mod import;
mod search;
mod segments;
mod size;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use frontdesk_core::CoreError;

#[derive(Parser)]
#[command(
    name = "frontdesk-bench",
    about = "Frontdesk benchmarks: search, create, import, size, history, backup, segments."
)]
struct Cli {
    /// The benchmark database (default: one per size under bench-data/).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    what: BenchCommand,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Search latency per query kind, ours vs a naive LIKE '%q%' scan.
    Search {
        /// Customers in the benchmark database (seeded if it has fewer).
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Queries per kind for our search.
        #[arg(long, default_value_t = 300)]
        runs: usize,
        /// Queries per kind for the LIKE baseline (each may scan the whole table).
        #[arg(long, default_value_t = 10)]
        baseline_runs: usize,
        /// Also list this many of the slowest queries of each kind (with their match counts).
        #[arg(long, default_value_t = 0)]
        slowest: usize,
    },
    /// Creating a customer from the form (validation, uniqueness checks, durable commit).
    Create {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        #[arg(long, default_value_t = 300)]
        runs: usize,
    },
    /// Importing a generated CSV of N rows into an empty database; also reports its size.
    Import {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Then measure each part of an import alone on the imported desk: reading and
        /// validating the file, the rows, each index, the search tables (the floor of any import).
        #[arg(long)]
        parts: bool,
    },
    /// Backing up and restoring the desk, and searching while the backup runs.
    Backup {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        /// Searches before (idle) and during the backup.
        #[arg(long, default_value_t = 2000)]
        runs: usize,
    },
    /// Segment conditions (custom fields, stats, with a query) vs testing every customer.
    Segments {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        #[arg(long, default_value_t = 100)]
        runs: usize,
        #[arg(long, default_value_t = 3)]
        baseline_runs: usize,
    },
    /// Bytes per customer of the tables and indexes of a database.
    Size,
    /// Directory sorts by stats, activity filters and the profile with history (bench-data/history-N.db).
    History {
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        #[arg(long, default_value_t = 5.0)]
        appointments_per_customer: f64,
        #[arg(long, default_value_t = 300)]
        runs: usize,
        #[arg(long, default_value_t = 3)]
        baseline_runs: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.what, cli.db.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(what: BenchCommand, db: Option<&Path>) -> Result<(), CoreError> {
    match what {
        BenchCommand::Search { count, runs, baseline_runs, slowest } => {
            search::run(db, count, runs, baseline_runs, slowest)
        }
        BenchCommand::Create { count, runs } => create::run(db, count, runs),
        BenchCommand::Import { count, parts } => import::run(db, count, parts),
        BenchCommand::Backup { count, runs } => backup::run(db, count, runs),
        BenchCommand::Segments { count, runs, baseline_runs } => segments::run(db, count, runs, baseline_runs),
        BenchCommand::Size => {
            let path =
                db.map(Path::to_path_buf).ok_or_else(|| CoreError::validation("db", "required", "Pass --db FILE."))?;
            size::print_size(&path)
        }
        BenchCommand::History { count, appointments_per_customer, runs, baseline_runs } => {
            history::run(db, count, appointments_per_customer, runs, baseline_runs)
        }
    }
}
