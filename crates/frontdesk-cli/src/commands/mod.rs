//! What each subcommand does, one file per subcommand.

mod backup;
mod check_stats;
mod export;
mod fields;
mod import;
mod list;
mod search;
mod seed;
mod segments;
mod set;
mod show;

use std::path::Path;

use frontdesk_core::CoreError;

use crate::cli::Command;

pub(crate) fn run(command: Command, db: &Path) -> Result<(), CoreError> {
    match command {
        Command::Seed(args) => seed::run(args, db),
        Command::Import(args) => import::run(args, db),
        Command::Export(args) => export::run(args, db),
        Command::Search(args) => search::run(args, db),
        Command::List(args) => list::run(args, db),
        Command::Show(args) => show::run(args, db),
        Command::CheckStats(args) => check_stats::run(args, db),
        Command::Backup(args) => backup::run(args.what, db),
        Command::Restore(args) => backup::restore(db, &args.file, args.yes),
        Command::Fields(args) => fields::run(args.what, db),
        Command::Set(args) => set::run(args, db),
        Command::Segments(args) => segments::run(args.what, db),
    }
}
