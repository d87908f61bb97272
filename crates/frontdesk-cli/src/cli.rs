//! The command line's shape: every subcommand, its arguments and their help (clap). What each
//! one does is in `commands/<name>.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use frontdesk_core::search::{ActivityFilter, SortBy, StatusFilter};

#[derive(Parser)]
#[command(name = "frontdesk", version, about = "Frontdesk: find, create and keep customers at the front desk.")]
pub(crate) struct Cli {
    /// The database file (default: the desktop app's, in the OS app-data folder).
    #[arg(long, global = true, env = "FRONTDESK_DB")]
    pub(crate) db: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Add realistic demo customers with their history: appointments, orders, refunds,
    /// no-shows (deterministic for a given --seed).
    Seed(SeedArgs),
    /// Import customers from a CSV file (header row; common column names are recognised).
    Import(ImportArgs),
    /// Export every live customer; with --everything, every record into a folder.
    Export(ExportArgs),
    /// Search customers by name, phone (any part), email or code.
    Search(SearchArgs),
    /// List customers by a stat or date, with activity filters (no query), timed in the core.
    List(ListArgs),
    /// Show one customer with tags, status history, stats, appointments, orders and timeline.
    Show(ShowArgs),
    /// Recompute customers' stats from their appointments, orders and loyalty ledger and report
    /// any that differ from the running figures (there should be none).
    CheckStats(CheckStatsArgs),
    /// Back the desk up, list its backups, choose where they go.
    Backup(BackupArgs),
    /// Replace the desk with a backup (checked first; the desk as it is now is kept beside it).
    Restore(RestoreArgs),
    /// The business's own customer fields (hair type, patch test…): list, add, edit, options,
    /// archive, restore, delete.
    Fields(FieldsArgs),
    /// Set a customer's custom values: frontdesk set QKM-1042 'Hair type=Curly' 'Patch test='.
    Set(SetArgs),
    /// Saved segments (groups that stay current): list with live counts, add, edit, show,
    /// delete. Export one with `frontdesk export --segment NAME`.
    Segments(SegmentsArgs),
}

impl Command {
    /// The subcommand as typed, to name this process to another that finds the desk in use.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Command::Seed(_) => "seed",
            Command::Import(_) => "import",
            Command::Export(_) => "export",
            Command::Search(_) => "search",
            Command::List(_) => "list",
            Command::Show(_) => "show",
            Command::CheckStats(_) => "check-stats",
            Command::Backup(_) => "backup",
            Command::Restore(_) => "restore",
            Command::Fields(_) => "fields",
            Command::Set(_) => "set",
            Command::Segments(_) => "segments",
        }
    }
}

#[derive(Args)]
pub(crate) struct SeedArgs {
    #[arg(long, default_value_t = 1000)]
    pub(crate) count: u64,
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Average appointments per customer (0: customers only).
    #[arg(long, default_value_t = 5.0)]
    pub(crate) appointments_per_customer: f64,
}

#[derive(Args)]
pub(crate) struct ImportArgs {
    pub(crate) file: PathBuf,
    /// Country for phone numbers written without a country code (e.g. GB).
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Map a column explicitly: --map 'Mobile Phone=phone', or to a customer field: --map
    /// 'Patch test=custom.patch_test' (`extra` keeps a column as a labelled line in remarks,
    /// `ignore` skips it).
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub(crate) mappings: Vec<String>,
    /// How numeric dates are written: dmy (14/03/1988), mdy (03/14/1988) or ymd. Default:
    /// what each date column proves, else the desk's order.
    #[arg(long = "date-order", value_name = "ORDER")]
    pub(crate) date_order: Option<String>,
    /// The branch (code or name) of rows that name none (default: this desk's).
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// Send the rows of a branch the file names to one the desk has: --branch-map
    /// 'Leeds City=leeds'. A name not mapped that the desk lacks becomes a new branch.
    #[arg(long = "branch-map", value_name = "NAME=BRANCH")]
    pub(crate) branch_map: Vec<String>,
    /// Make a new text field (named as its header) for each column that goes nowhere.
    #[arg(long = "create-fields")]
    pub(crate) create_fields: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// csv (the default) or json lines.
    #[arg(long, value_enum)]
    pub(crate) format: Option<ExportFormat>,
    /// Output file (default: standard output); with --everything, a new or empty folder.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Customers (archived too) and every history record — appointments, orders, lines,
    /// payments, refunds, loyalty, timeline — as CSV files and one JSON file in --out.
    #[arg(long)]
    pub(crate) everything: bool,
    /// Only the customers of a saved segment (name or id).
    #[arg(long)]
    pub(crate) segment: Option<String>,
    /// Only customers meeting a condition (repeat: all must hold), as `search --where`.
    #[arg(long = "where", value_name = "CONDITION", value_parser = parse_condition)]
    pub(crate) conditions: Vec<frontdesk_core::search::Condition>,
}

#[derive(Args)]
pub(crate) struct SearchArgs {
    /// The query; omit with --batch.
    pub(crate) query: Option<String>,
    /// Results per query (1 to 500; `total` counts them all).
    #[arg(long, default_value_t = 20, value_parser = parse_limit)]
    pub(crate) limit: usize,
    #[arg(long)]
    pub(crate) json: bool,
    /// Read one query per line from standard input; print one JSON line per query.
    #[arg(long)]
    pub(crate) batch: bool,
    #[arg(long, value_enum, default_value_t = StatusArg::Live)]
    pub(crate) status: StatusArg,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub(crate) sort: SortArg,
    /// Only customers meeting a condition (repeat: all must hold), e.g. --where 'visits > 3'
    /// --where 'custom.hair_type any_of Curly,Wavy' (see `frontdesk segments --help`).
    #[arg(long = "where", value_name = "CONDITION", value_parser = parse_condition)]
    pub(crate) conditions: Vec<frontdesk_core::search::Condition>,
}

#[derive(Args)]
pub(crate) struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListSort::Name)]
    pub(crate) sort: ListSort,
    /// Descending (default: A→Z for names, highest / newest first for figures and dates).
    #[arg(long, conflicts_with = "asc")]
    pub(crate) desc: bool,
    /// Ascending.
    #[arg(long)]
    pub(crate) asc: bool,
    /// visited:DAYS, inactive:DAYS, never, new (last 30 days) or upcoming.
    #[arg(long, value_parser = parse_activity)]
    pub(crate) activity: Option<ActivityFilter>,
    /// Branch code, name or id.
    #[arg(long)]
    pub(crate) branch: Option<String>,
    #[arg(long, value_enum, default_value_t = StatusArg::Live)]
    pub(crate) status: StatusArg,
    /// Customers listed (1 to 500; `total` counts them all).
    #[arg(long, default_value_t = 50, value_parser = parse_limit)]
    pub(crate) limit: usize,
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// Customer id (UUID) or code (e.g. QKM-1042).
    pub(crate) id_or_code: String,
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct CheckStatsArgs {
    /// Check only the first N customers with history.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

#[derive(Args)]
pub(crate) struct RestoreArgs {
    pub(crate) file: PathBuf,
    /// Do it (without: only say what the backup and the desk hold).
    #[arg(long)]
    pub(crate) yes: bool,
}

#[derive(Args)]
pub(crate) struct BackupArgs {
    #[command(subcommand)]
    pub(crate) what: BackupCommand,
}

#[derive(Subcommand)]
pub(crate) enum BackupCommand {
    /// Back the desk up now (it may be open in the app meanwhile), check the copy, rotate.
    Now {
        /// Into this folder instead of the desk's backup folder.
        #[arg(long)]
        to: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The backups in the backup folder (or --in DIR), newest first.
    List {
        #[arg(long = "in")]
        folder: Option<PathBuf>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Where backups go, the last good one, the last failure.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Send the backups to FOLDER (an existing one: a USB disk, a network share), or with
    /// --default back to the folder beside the database.
    Folder {
        #[arg(required_unless_present = "default", conflicts_with = "default")]
        folder: Option<String>,
        #[arg(long)]
        default: bool,
    },
}

#[derive(Args)]
pub(crate) struct FieldsArgs {
    #[command(subcommand)]
    pub(crate) what: FieldsCommand,
}

#[derive(Subcommand)]
pub(crate) enum FieldsCommand {
    /// The fields in form order (--archived: the archived ones too).
    List {
        #[arg(long)]
        archived: bool,
        #[arg(long)]
        json: bool,
    },
    /// Add a field: frontdesk fields add 'Hair type' --kind choice --option Curly --option Straight
    Add {
        label: String,
        /// text, long_text, number, date, yes_no, choice, choices, email, phone or url.
        #[arg(long, value_parser = parse_kind, default_value = "text")]
        kind: frontdesk_core::custom_fields::FieldKind,
        /// Default: made from the label (hair_type). Never reused.
        #[arg(long)]
        key: Option<String>,
        /// A choice's option, in order (repeat it).
        #[arg(long = "option", value_name = "LABEL")]
        options: Vec<String>,
        #[command(flatten)]
        settings: FieldSettings,
        #[arg(long)]
        json: bool,
    },
    /// Change a field's settings (the flags given; the rest stays).
    Edit {
        /// The field's key or label.
        field: String,
        #[arg(long)]
        label: Option<String>,
        /// Change the kind (only where no value can be lost).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<frontdesk_core::custom_fields::FieldKind>,
        #[command(flatten)]
        settings: FieldSettings,
        #[arg(long)]
        json: bool,
    },
    /// Add, rename, retire, bring back or move a choice field's option.
    Option {
        field: String,
        #[command(subcommand)]
        what: OptionCommand,
    },
    /// Move a field to a place on the forms (1: first).
    Move {
        field: String,
        #[arg(long, value_name = "PLACE")]
        to: usize,
    },
    /// Hide a field everywhere; its values are kept.
    Archive { field: String },
    /// Bring an archived field back.
    Restore { field: String },
    /// Delete an archived field and its values (without --yes: say how many customers have one).
    Delete {
        field: String,
        #[arg(long)]
        yes: bool,
    },
}

/// A field's settings on the command line; a flag not given leaves the setting as it is (a new
/// field: its default).
#[derive(Args)]
pub(crate) struct FieldSettings {
    #[arg(long, value_name = "yes|no", value_parser = parse_yes_no)]
    pub(crate) required: Option<bool>,
    #[arg(long = "help-text", value_name = "TEXT")]
    pub(crate) help_text: Option<String>,
    /// The value new customers start with ("" for none).
    #[arg(long, value_name = "VALUE")]
    pub(crate) default: Option<String>,
    #[arg(long)]
    pub(crate) section: Option<String>,
    /// Where it appears: a comma-separated list of form, quick_create, profile, overview, column.
    #[arg(long, value_name = "PLACES", value_parser = parse_places)]
    pub(crate) show: Option<Places>,
    #[arg(long, value_name = "yes|no", value_parser = parse_yes_no)]
    pub(crate) searchable: Option<bool>,
    #[arg(long, value_name = "yes|no", value_parser = parse_yes_no)]
    pub(crate) unique: Option<bool>,
    #[arg(long)]
    pub(crate) decimals: Option<u8>,
    #[arg(long)]
    pub(crate) unit: Option<String>,
    /// Only these branches use it (code or name, repeat it; "all" for every branch).
    #[arg(long = "branch", value_name = "BRANCH")]
    pub(crate) branches: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum OptionCommand {
    Add {
        label: String,
    },
    Rename {
        option: String,
        label: String,
    },
    Retire {
        option: String,
    },
    Unretire {
        option: String,
    },
    /// Move an option to a place in the list (1: first).
    Move {
        option: String,
        #[arg(long, value_name = "PLACE")]
        to: u32,
    },
}

#[derive(Args)]
pub(crate) struct SetArgs {
    /// Customer id (UUID) or code (e.g. QKM-1042).
    pub(crate) id_or_code: String,
    /// FIELD=VALUE, the field by label or key; an empty value clears it; several options of a
    /// multiple choice separated by commas.
    #[arg(required = true, value_name = "FIELD=VALUE")]
    pub(crate) values: Vec<String>,
}

fn parse_kind(text: &str) -> Result<frontdesk_core::custom_fields::FieldKind, String> {
    use frontdesk_core::custom_fields::FieldKind;
    FieldKind::parse(text).ok_or_else(|| {
        let kinds: Vec<&str> = FieldKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("use one of {}", kinds.join(", "))
    })
}

fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err("write yes or no".into()),
    }
}

/// `--show form,profile`: one argument holding several places.
#[derive(Clone)]
pub(crate) struct Places(pub(crate) Vec<frontdesk_core::custom_fields::Place>);

fn parse_places(text: &str) -> Result<Places, String> {
    use frontdesk_core::custom_fields::Place;
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            Place::ALL.into_iter().find(|place| place.as_str() == p.replace('-', "_")).ok_or_else(|| {
                let names: Vec<&str> = Place::ALL.iter().map(|p| p.as_str()).collect();
                format!("\"{p}\" is not a place; use {}", names.join(", "))
            })
        })
        .collect::<Result<_, _>>()
        .map(Places)
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    /// One row per customer with a header (what `import` reads back).
    Csv,
    /// JSON Lines: one JSON object per customer per line.
    Json,
}

/// A page size the search accepts (the core answers at most [`MAX_LIMIT`] rows a page).
pub(crate) fn parse_limit(text: &str) -> Result<usize, String> {
    use frontdesk_core::search::MAX_LIMIT;
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!("give a number from 1 to {MAX_LIMIT}")),
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatusArg {
    Live,
    Active,
    Blocked,
    Archived,
    All,
}

#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum ListSort {
    Name,
    Created,
    TotalSpent,
    LastVisit,
    AppointmentCount,
}

pub(crate) fn parse_activity(text: &str) -> Result<ActivityFilter, String> {
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

pub(crate) fn status_filter(status: StatusArg) -> StatusFilter {
    match status {
        StatusArg::Live => StatusFilter::Live,
        StatusArg::Active => StatusFilter::Active,
        StatusArg::Blocked => StatusFilter::Blocked,
        StatusArg::Archived => StatusFilter::Archived,
        StatusArg::All => StatusFilter::All,
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SortArg {
    Relevance,
    Name,
    Email,
    Created,
}

impl From<ListSort> for SortBy {
    fn from(sort: ListSort) -> SortBy {
        match sort {
            ListSort::Name => SortBy::Name,
            ListSort::Created => SortBy::Created,
            ListSort::TotalSpent => SortBy::TotalSpent,
            ListSort::LastVisit => SortBy::LastVisit,
            ListSort::AppointmentCount => SortBy::AppointmentCount,
        }
    }
}

impl From<SortArg> for SortBy {
    fn from(sort: SortArg) -> SortBy {
        match sort {
            SortArg::Relevance => SortBy::Relevance,
            SortArg::Name => SortBy::Name,
            SortArg::Email => SortBy::Email,
            SortArg::Created => SortBy::Created,
        }
    }
}

#[derive(Args)]
#[command(after_help = CONDITIONS_HELP)]
pub(crate) struct SegmentsArgs {
    #[command(subcommand)]
    pub(crate) what: SegmentsCommand,
}

pub(crate) const CONDITIONS_HELP: &str = "A condition is FIELD OPERATOR [VALUE]:
  fields: status, branch, country, city, created, birthday_month, marketing_consent, has_email,
          has_phone, tag, total_spent (minor units), visits, last_visit, no_shows,
          cancellations, loyalty_points, next_appointment, custom.<key>
  operators: = != contains starts_with empty not_empty any_of none_of > < between before after
             within_last within_next
  e.g. 'visits > 3', 'last_visit within_last 90', 'custom.hair_type any_of Curly,Wavy',
       'created between 2026-01-01,2026-06-30', 'custom.allergies empty'";

#[derive(Subcommand)]
pub(crate) enum SegmentsCommand {
    /// Every segment with how many customers are in it now.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Save a segment: a name and its conditions (all must hold).
    Add {
        name: String,
        #[arg(long = "where", value_name = "CONDITION", value_parser = parse_condition, required = true)]
        conditions: Vec<frontdesk_core::search::Condition>,
    },
    /// Rename a segment or replace its conditions.
    Edit {
        segment: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "where", value_name = "CONDITION", value_parser = parse_condition)]
        conditions: Vec<frontdesk_core::search::Condition>,
    },
    /// A segment's conditions, count and first customers.
    Show {
        segment: String,
        #[arg(long, default_value_t = 20, value_parser = parse_limit)]
        limit: usize,
    },
    /// Delete a segment (its customers are untouched).
    Delete { segment: String },
}

/// `FIELD OPERATOR [VALUE]` → a condition (the value read as JSON when it is a number, a
/// boolean or a list, else as text; `a,b` a list for between).
pub(crate) fn parse_condition(text: &str) -> Result<frontdesk_core::search::Condition, String> {
    use frontdesk_core::search::{Condition, Op};
    let text = text.trim();
    let (field, rest) = text.split_once(char::is_whitespace).ok_or_else(|| {
        format!("\"{text}\" is not FIELD OPERATOR [VALUE], e.g. 'visits > 3' or 'custom.hair_type = Curly'")
    })?;
    let rest = rest.trim();
    let (op_text, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let op = Op::parse(op_text).ok_or_else(|| {
        let ops: Vec<&str> = Op::ALL.iter().map(|o| o.as_str()).collect();
        format!("\"{op_text}\" is not an operator; use =, !=, >, <, or one of {}", ops.join(", "))
    })?;
    let value = value.trim();
    let value = if value.is_empty() {
        None
    } else if op == Op::Between {
        let (a, b) = value
            .split_once("..")
            .or_else(|| value.split_once(','))
            .ok_or_else(|| format!("between takes two values: '{field} between FROM,TO'"))?;
        let one = |v: &str| {
            serde_json::from_str(v.trim()).unwrap_or_else(|_| serde_json::Value::String(v.trim().to_string()))
        };
        Some(serde_json::Value::Array(vec![one(a), one(b)]))
    } else {
        Some(serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_string())))
    };
    Ok(Condition::new(field, op, value))
}
