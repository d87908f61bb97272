//! `frontdesk`: the desk's command line. Same core, same database as the desktop app. The
//! arguments are in `cli.rs`, what each subcommand does in `commands/`.

/// `println!` that, when the output cannot be written (a full disk, `> /dev/full`), ends the
/// program with a clear error instead of a panic.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::output::output_failed(e)
        }
    }};
}

mod cli;
mod commands;
mod desk;
mod output;
mod print;

use std::process::ExitCode;

use clap::Parser;
use frontdesk_core::CoreError;

fn main() -> ExitCode {
    // `frontdesk search zoe | head -1`: when the reader goes away, stop like other command-line
    // tools do (Rust ignores SIGPIPE, so printing would panic on the broken pipe).
    #[cfg(unix)]
    // SAFETY: restoring a signal's default action before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    let _ = desk::COMMAND.set(cli.command.name());
    let db = cli.db.unwrap_or_else(desk::default_db);
    match commands::run(cli.command, &db) {
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
