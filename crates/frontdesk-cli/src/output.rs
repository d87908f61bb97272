//! Writing to the terminal: output that cannot be written ends the program clearly; progress bars.

use indicatif::{ProgressBar, ProgressStyle};

/// Ends the program: its output could not be written.
pub(crate) fn output_failed(e: std::io::Error) -> ! {
    eprintln!("error: cannot write the output: {e}");
    std::process::exit(1)
}

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
