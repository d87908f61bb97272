//! Segment conditions: "visits > 3", "custom.hair_type any of Curly, Wavy", "last visit within
//! the last 90 days". Each is checked against the desk (the field exists, the operator suits it,
//! the value is of its kind, an option exists) and turned into one SQL condition on `c`; the
//! directory's filter ANDs them. Custom fields are answered from `custom_values`' typed indexes.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::custom_fields::{FieldDef, FieldKind, Reading, Stored};
use crate::error::{CoreError, CoreResult};

/// One condition of a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Condition {
    /// A standard field (`status`, `branch`, `country`, `city`, `created`, `birthday_month`,
    /// `marketing_consent`, `has_email`, `has_phone`, `tag`), a stat (`total_spent` in minor
    /// units, `visits`, `last_visit`, `no_shows`, `cancellations`, `loyalty_points`,
    /// `next_appointment`) or a custom field (`custom.<key>`).
    pub field: String,
    pub op: Op,
    /// Text, a number, `YYYY-MM-DD`, yes/no as a boolean, days for `within_*`, a list for
    /// `any_of` / `none_of` / `between`; none for `empty` / `not_empty`.
    #[serde(default)]
    pub value: Option<Json>,
}

impl Condition {
    pub fn new(field: &str, op: Op, value: Option<Json>) -> Self {
        Condition { field: field.to_string(), op, value }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
    Empty,
    NotEmpty,
    AnyOf,
    NoneOf,
    Greater,
    Less,
    Between,
    Before,
    After,
    WithinLastDays,
    WithinNextDays,
}

impl Op {
    pub const ALL: [Op; 15] = [
        Op::Equals,
        Op::NotEquals,
        Op::Contains,
        Op::StartsWith,
        Op::Empty,
        Op::NotEmpty,
        Op::AnyOf,
        Op::NoneOf,
        Op::Greater,
        Op::Less,
        Op::Between,
        Op::Before,
        Op::After,
        Op::WithinLastDays,
        Op::WithinNextDays,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "not_equals",
            Op::Contains => "contains",
            Op::StartsWith => "starts_with",
            Op::Empty => "empty",
            Op::NotEmpty => "not_empty",
            Op::AnyOf => "any_of",
            Op::NoneOf => "none_of",
            Op::Greater => "greater",
            Op::Less => "less",
            Op::Between => "between",
            Op::Before => "before",
            Op::After => "after",
            Op::WithinLastDays => "within_last_days",
            Op::WithinNextDays => "within_next_days",
        }
    }

    pub fn parse(text: &str) -> Option<Op> {
        let t = text.trim().to_lowercase().replace([' ', '-'], "_");
        let alias = match t.as_str() {
            "=" | "==" | "is" => Some(Op::Equals),
            "!=" | "<>" | "is_not" => Some(Op::NotEquals),
            ">" => Some(Op::Greater),
            "<" => Some(Op::Less),
            "in" => Some(Op::AnyOf),
            "not_in" => Some(Op::NoneOf),
            "within_last" => Some(Op::WithinLastDays),
            "within_next" => Some(Op::WithinNextDays),
            _ => None,
        };
        alias.or_else(|| Op::ALL.into_iter().find(|o| o.as_str() == t))
    }
}

/// A bound value of a compiled condition (kept exactly: conditions compare as equal).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
    /// An `f64`'s bits.
    Real(u64),
}

impl Param {
    pub(crate) fn value(&self) -> rusqlite::types::Value {
        match self {
            Param::Int(i) => rusqlite::types::Value::Integer(*i),
            Param::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Param::Real(bits) => rusqlite::types::Value::Real(f64::from_bits(*bits)),
        }
    }
}

/// One condition as SQL on `c`, its parameters in the order of its `?`s.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Compiled {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
}

/// Conditions as SQL, made by the search from [`super::SearchFilter::conditions`] when it
/// starts; outside the core only ever the empty default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CompiledConditions(pub(crate) Vec<Compiled>);

const DAY_MS: i64 = 86_400_000;
/// `within_*` days and list lengths are kept to what a person means.
const MAX_DAYS: i64 = 36_600;
const MAX_LIST: usize = 500;

/// What kind of value a field compares as.
#[derive(Clone, Copy, PartialEq)]
enum Is {
    Text,
    Number,
    /// A stored date: ms since the epoch on `c` (`never` when 0 or NULL).
    Moment,
    Bool,
}

struct Build<'a> {
    index: usize,
    c: &'a Condition,
    params: Vec<Param>,
}

impl Build<'_> {
    fn field(&self) -> String {
        format!("conditions.{}", self.index)
    }
    fn bad(&self, code: &str, message: String) -> CoreError {
        CoreError::validation(&self.field(), code, message)
    }
    fn op_refused(&self, what: &str, ops: &[Op]) -> CoreError {
        let names: Vec<&str> = ops.iter().map(|o| o.as_str()).collect();
        self.bad(
            "operator",
            format!(
                "\"{}\" cannot be compared with {} ({what}); use {}.",
                self.c.field,
                self.c.op.as_str(),
                names.join(", ")
            ),
        )
    }
    fn push(&mut self, p: Param) -> &'static str {
        self.params.push(p);
        "?"
    }
    fn value(&self) -> CoreResult<Json> {
        match self.c.value.clone() {
            Some(v) if !v.is_null() => Ok(v),
            _ => Err(self.bad(
                "value",
                format!("Give the value to compare \"{}\" with ({}).", self.c.field, self.c.op.as_str()),
            )),
        }
    }
    fn list(&self) -> CoreResult<Vec<Json>> {
        let items = match self.value()? {
            Json::Array(items) => items,
            Json::String(s) => s.split([',', '|', ';']).map(|x| Json::String(x.trim().to_string())).collect(),
            other => vec![other],
        };
        let items: Vec<Json> = items.into_iter().filter(|v| !v.is_null() && v.as_str() != Some("")).collect();
        if items.is_empty() || items.len() > MAX_LIST {
            return Err(self.bad("value", format!("Give 1 to {MAX_LIST} values for \"{}\".", self.c.field)));
        }
        Ok(items)
    }
    fn text(&self, v: &Json) -> CoreResult<String> {
        match v {
            Json::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            Json::Number(n) => Ok(n.to_string()),
            _ => Err(self.bad("value", format!("\"{}\" compares with text; give some text.", self.c.field))),
        }
    }
    fn number(&self, v: &Json) -> CoreResult<f64> {
        let n = match v {
            Json::Number(n) => n.as_f64(),
            Json::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
            _ => None,
        };
        n.filter(|n| n.is_finite())
            .ok_or_else(|| self.bad("value", format!("\"{}\" compares with a number, not {v}.", self.c.field)))
    }
    fn date(&self, v: &Json) -> CoreResult<NaiveDate> {
        v.as_str().and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()).ok_or_else(|| {
            self.bad("value", format!("\"{}\" compares with a date written YYYY-MM-DD, not {v}.", self.c.field))
        })
    }
    fn days(&self) -> CoreResult<i64> {
        let n = self.number(&self.value()?)?;
        if n.fract() != 0.0 || !(1.0..=MAX_DAYS as f64).contains(&n) {
            return Err(self.bad("value", format!("Give a whole number of days from 1 to {MAX_DAYS}.")));
        }
        Ok(n as i64)
    }
    fn bool(&self, v: &Json) -> CoreResult<bool> {
        match v {
            Json::Bool(b) => Ok(*b),
            Json::String(s) => match s.trim().to_lowercase().as_str() {
                "yes" | "true" | "y" | "1" => Ok(true),
                "no" | "false" | "n" | "0" => Ok(false),
                _ => Err(self.bad("value", format!("\"{}\" is yes or no, not \"{s}\".", self.c.field))),
            },
            _ => Err(self.bad("value", format!("\"{}\" is yes or no, not {v}.", self.c.field))),
        }
    }
    fn two(&self) -> CoreResult<(Json, Json)> {
        match self.value()? {
            Json::Array(v) if v.len() == 2 => Ok((v[0].clone(), v[1].clone())),
            _ => Err(self.bad("value", format!("\"{}\" between takes two values: [from, to].", self.c.field))),
        }
    }
}

fn ms_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or(0)
}

fn days_of(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days()
}

fn like_pattern(text: &str, starts: bool) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    if starts {
        format!("{escaped}%")
    } else {
        format!("%{escaped}%")
    }
}

/// A condition on one column of `c` (`expr`), whose values are `is`.
fn column(b: &mut Build<'_>, expr: &str, is: Is, now_ms: i64) -> CoreResult<String> {
    use Op::*;
    let op = b.c.op;
    let empty = match is {
        Is::Text => format!("coalesce({expr}, '') = ''"),
        Is::Moment => format!("coalesce({expr}, 0) = 0"),
        _ => format!("{expr} IS NULL"),
    };
    Ok(match (is, op) {
        (_, Empty) => empty,
        (_, NotEmpty) => format!("NOT ({empty})"),
        (Is::Text, Equals | NotEquals | AnyOf | NoneOf) => {
            let items = if matches!(op, Equals | NotEquals) { vec![b.value()?] } else { b.list()? };
            let mut marks = Vec::new();
            for item in &items {
                let t = b.text(item)?;
                marks.push(b.push(Param::Text(t.to_lowercase())));
            }
            let inside = format!("lower({expr}) IN ({})", marks.join(", "));
            if matches!(op, Equals | AnyOf) {
                inside
            } else {
                format!("coalesce(NOT ({inside}), 1)")
            }
        }
        (Is::Text, Contains | StartsWith) => {
            let t = b.text(&b.value()?)?;
            let m = b.push(Param::Text(like_pattern(&t, op == StartsWith)));
            format!("{expr} LIKE {m} ESCAPE '\\'")
        }
        (Is::Number, Equals | NotEquals | Greater | Less) => {
            let n = b.number(&b.value()?)?;
            let m = b.push(Param::Real(n.to_bits()));
            let sign = match op {
                Equals => "=",
                NotEquals => "!=",
                Greater => ">",
                _ => "<",
            };
            format!("{expr} {sign} {m}")
        }
        (Is::Number, Between) => {
            let (from, to) = b.two()?;
            let (from, to) = (b.number(&from)?, b.number(&to)?);
            let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
            let (m1, m2) = (b.push(Param::Real(lo.to_bits())), b.push(Param::Real(hi.to_bits())));
            format!("{expr} BETWEEN {m1} AND {m2}")
        }
        (Is::Moment, Before | After) => {
            let d = b.date(&b.value()?)?;
            let at = if op == Before { ms_of(d) } else { ms_of(d) + DAY_MS };
            let m = b.push(Param::Int(at));
            if op == Before {
                format!("{expr} > 0 AND {expr} < {m}")
            } else {
                format!("{expr} >= {m}")
            }
        }
        (Is::Moment, Between) => {
            let (from, to) = b.two()?;
            let (from, to) = (b.date(&from)?, b.date(&to)?);
            let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
            let (m1, m2) = (b.push(Param::Int(ms_of(lo))), b.push(Param::Int(ms_of(hi) + DAY_MS)));
            format!("{expr} >= {m1} AND {expr} < {m2}")
        }
        (Is::Moment, WithinLastDays) => {
            let m = b.push(Param::Int(now_ms - b.days()? * DAY_MS));
            let n = b.push(Param::Int(now_ms));
            format!("{expr} >= {m} AND {expr} <= {n}")
        }
        (Is::Moment, WithinNextDays) => {
            let n = b.push(Param::Int(now_ms));
            let m = b.push(Param::Int(now_ms + b.days()? * DAY_MS));
            format!("{expr} >= {n} AND {expr} <= {m}")
        }
        (Is::Bool, Equals) => {
            let v = b.bool(&b.value()?)?;
            format!("{expr} = {}", i64::from(v))
        }
        (Is::Text, _) => {
            return Err(b.op_refused("text", &[Equals, NotEquals, Contains, StartsWith, AnyOf, NoneOf, Empty, NotEmpty]))
        }
        (Is::Number, _) => {
            return Err(b.op_refused("a number", &[Equals, NotEquals, Greater, Less, Between, Empty, NotEmpty]))
        }
        (Is::Moment, _) => {
            return Err(
                b.op_refused("a date", &[Before, After, Between, WithinLastDays, WithinNextDays, Empty, NotEmpty])
            )
        }
        (Is::Bool, _) => return Err(b.op_refused("yes or no", &[Equals])),
    })
}

/// How many customers' values a condition reads as a list at most (negative: the default).
static LIST_LIMIT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(-1);

/// Sets [`LIST_LIMIT`] (tests and benchmarks: 0 checks every condition on each customer).
pub fn set_condition_list_limit(n: Option<i64>) {
    LIST_LIMIT.store(n.unwrap_or(-1), std::sync::atomic::Ordering::Relaxed);
}

/// `c.seq` among (or, `negated`, not among) the customers with a value of `def` matching `pred`
/// (on `v`, its `?`s being `b`'s parameters). A value few customers hold is read from the
/// field's index into a list; one more hold is checked on each customer the page or the count
/// walks past (a long list is read whole and sorted: docs/benchmarks.md, segments).
fn values_in(b: &Build<'_>, conn: &Connection, def: &FieldDef, pred: &str, negated: bool) -> CoreResult<String> {
    let not = if negated { "NOT " } else { "" };
    let and = if pred.is_empty() { String::new() } else { format!(" AND {pred}") };
    // A list is read whole and its customers sorted for the page: cheap only while short.
    let many = match LIST_LIMIT.load(std::sync::atomic::Ordering::Relaxed) {
        n if n >= 0 => n,
        _ => 2000,
    };
    let held: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM custom_values v WHERE v.field_id = {}{and} LIMIT {many})",
            def.id
        ))?
        .query_row(rusqlite::params_from_iter(b.params.iter().map(Param::value)), |r| r.get(0))?;
    Ok(if held >= many {
        // `+v.n`, `+v.t`: the customer's own values by the primary key, never a walk of the
        // field's value index for each customer.
        let and = and.replace("v.n ", "+v.n ").replace("v.t ", "+v.t ");
        format!(
            "{not}EXISTS (SELECT 1 FROM custom_values v WHERE v.customer_seq = c.seq AND v.field_id = {}{and})",
            def.id
        )
    } else {
        format!("c.seq {not}IN (SELECT v.customer_seq FROM custom_values v WHERE v.field_id = {}{and})", def.id)
    })
}

fn custom(
    b: &mut Build<'_>,
    conn: &Connection,
    def: &FieldDef,
    today: NaiveDate,
    reading: &Reading<'_>,
) -> CoreResult<String> {
    use Op::*;
    let op = b.c.op;
    if matches!(op, Empty | NotEmpty) {
        return values_in(b, conn, def, "", op == Empty);
    }
    match def.kind {
        k if k.has_options() => {
            if !matches!(op, Equals | NotEquals | AnyOf | NoneOf | Contains) {
                return Err(b.op_refused("a choice", &[Equals, NotEquals, AnyOf, NoneOf, Empty, NotEmpty]));
            }
            let items = if matches!(op, Equals | NotEquals | Contains) { vec![b.value()?] } else { b.list()? };
            let mut ids = Vec::new();
            for item in &items {
                let label = b.text(item)?;
                let found = def.options.iter().find(|o| o.label.to_lowercase() == label.to_lowercase());
                let Some(o) = found else {
                    let names: Vec<&str> = def.options.iter().map(|o| o.label.as_str()).collect();
                    return Err(b.bad(
                        "unknown_option",
                        format!("\"{label}\" is not an option of {} (its options: {}).", def.label, names.join(", ")),
                    ));
                };
                ids.push(o.id.to_string());
            }
            values_in(b, conn, def, &format!("v.n IN ({})", ids.join(", ")), matches!(op, NotEquals | NoneOf))
        }
        FieldKind::Number => {
            let (pred, negated) = match op {
                Between => {
                    let (from, to) = b.two()?;
                    let (from, to) = (b.number(&from)?, b.number(&to)?);
                    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
                    let (m1, m2) = (b.push(Param::Real(lo.to_bits())), b.push(Param::Real(hi.to_bits())));
                    (format!("v.n BETWEEN {m1} AND {m2}"), false)
                }
                Equals | NotEquals | Greater | Less => {
                    let n = b.number(&b.value()?)?;
                    let m = b.push(Param::Real(n.to_bits()));
                    let sign = match op {
                        Greater => ">",
                        Less => "<",
                        _ => "=",
                    };
                    (format!("v.n {sign} {m}"), op == NotEquals)
                }
                _ => {
                    return Err(b.op_refused("a number", &[Equals, NotEquals, Greater, Less, Between, Empty, NotEmpty]))
                }
            };
            values_in(b, conn, def, &pred, negated)
        }
        FieldKind::Date => {
            let today = days_of(today);
            let pred = match op {
                Equals | NotEquals | Before | After => {
                    let d = days_of(b.date(&b.value()?)?);
                    let m = b.push(Param::Real((d as f64).to_bits()));
                    let sign = match op {
                        Before => "<",
                        After => ">",
                        _ => "=",
                    };
                    format!("v.n {sign} {m}")
                }
                Between => {
                    let (from, to) = b.two()?;
                    let (from, to) = (days_of(b.date(&from)?), days_of(b.date(&to)?));
                    let (lo, hi) = (from.min(to), from.max(to));
                    let (m1, m2) =
                        (b.push(Param::Real((lo as f64).to_bits())), b.push(Param::Real((hi as f64).to_bits())));
                    format!("v.n BETWEEN {m1} AND {m2}")
                }
                WithinLastDays | WithinNextDays => {
                    let n = b.days()?;
                    let (lo, hi) = if op == WithinLastDays { (today - n, today) } else { (today, today + n) };
                    let (m1, m2) =
                        (b.push(Param::Real((lo as f64).to_bits())), b.push(Param::Real((hi as f64).to_bits())));
                    format!("v.n BETWEEN {m1} AND {m2}")
                }
                _ => {
                    return Err(b.op_refused(
                        "a date",
                        &[Equals, NotEquals, Before, After, Between, WithinLastDays, WithinNextDays, Empty, NotEmpty],
                    ))
                }
            };
            values_in(b, conn, def, &pred, op == NotEquals)
        }
        FieldKind::YesNo => {
            if op != Equals {
                return Err(b.op_refused("yes or no", &[Equals, Empty, NotEmpty]));
            }
            let v = b.bool(&b.value()?)?;
            values_in(b, conn, def, &format!("v.n = {}", i64::from(v)), false)
        }
        _ => match op {
            Equals | NotEquals | AnyOf | NoneOf => {
                let items = if matches!(op, Equals | NotEquals) { vec![b.value()?] } else { b.list()? };
                let mut marks = Vec::new();
                for item in &items {
                    // Read as the field stores it: an email in lower case, a phone in E.164.
                    let stored = crate::custom_fields::check_value(def, item, reading)
                        .map_err(|e| b.bad("value", e.to_string()))?;
                    let Some(Stored::Text(t)) = stored else {
                        return Err(b.bad("value", format!("Give a value for \"{}\".", b.c.field)));
                    };
                    marks.push(b.push(Param::Text(t)));
                }
                values_in(b, conn, def, &format!("v.t IN ({})", marks.join(", ")), matches!(op, NotEquals | NoneOf))
            }
            Contains | StartsWith => {
                let t = b.text(&b.value()?)?;
                let m = b.push(Param::Text(like_pattern(&t, op == StartsWith)));
                values_in(b, conn, def, &format!("v.t LIKE {m} ESCAPE '\\'"), false)
            }
            _ => Err(b.op_refused("text", &[Equals, NotEquals, Contains, StartsWith, AnyOf, NoneOf, Empty, NotEmpty])),
        },
    }
}

/// What a condition's field holds, which decides its operators and its value's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ValueIs {
    Text,
    Number,
    /// An amount in minor units.
    Money,
    /// A moment on the record (created, last visit…).
    Moment,
    /// A custom date.
    Date,
    /// Yes, no, or not given.
    Bool,
    /// Yes or no, always known (has an email).
    Flag,
    Status,
    Branch,
    Month,
    Tag,
    /// One of a custom field's options (one choice or several).
    Choice,
}

impl ValueIs {
    pub const ALL: [ValueIs; 12] = [
        ValueIs::Text,
        ValueIs::Number,
        ValueIs::Money,
        ValueIs::Moment,
        ValueIs::Date,
        ValueIs::Bool,
        ValueIs::Flag,
        ValueIs::Status,
        ValueIs::Branch,
        ValueIs::Month,
        ValueIs::Tag,
        ValueIs::Choice,
    ];
}

/// The operators a field of each kind takes, in the order to offer them.
pub fn operators(is: ValueIs) -> &'static [Op] {
    use Op::*;
    match is {
        ValueIs::Text => &[Equals, NotEquals, Contains, StartsWith, AnyOf, NoneOf, Empty, NotEmpty],
        ValueIs::Tag => &[Contains, Equals, NotEquals, StartsWith, AnyOf, NoneOf, Empty, NotEmpty],
        ValueIs::Number => &[Greater, Less, Equals, NotEquals, Between, Empty, NotEmpty],
        ValueIs::Money => &[Greater, Less, Equals, NotEquals, Between],
        ValueIs::Moment => &[WithinLastDays, WithinNextDays, Before, After, Between, Empty, NotEmpty],
        ValueIs::Date => &[Equals, NotEquals, WithinLastDays, WithinNextDays, Before, After, Between, Empty, NotEmpty],
        ValueIs::Bool => &[Equals, Empty, NotEmpty],
        ValueIs::Flag => &[Equals],
        ValueIs::Status | ValueIs::Branch => &[Equals, NotEquals, AnyOf, NoneOf],
        ValueIs::Month => &[AnyOf, NoneOf, Equals, NotEquals, Empty, NotEmpty],
        ValueIs::Choice => &[AnyOf, NoneOf, Equals, NotEquals, Empty, NotEmpty],
    }
}

/// The standard fields and stats a condition may name: key, the label people read, what it holds.
pub const STANDARD: [(&str, &str, ValueIs); 17] = [
    ("status", "Status", ValueIs::Status),
    ("branch", "Branch", ValueIs::Branch),
    ("country", "Country", ValueIs::Text),
    ("city", "Town / city", ValueIs::Text),
    ("created", "Created", ValueIs::Moment),
    ("birthday_month", "Birthday month", ValueIs::Month),
    ("marketing_consent", "Marketing consent", ValueIs::Bool),
    ("has_email", "Has an email", ValueIs::Flag),
    ("has_phone", "Has a phone", ValueIs::Flag),
    ("tag", "Profile note", ValueIs::Tag),
    ("total_spent", "Total spent", ValueIs::Money),
    ("visits", "Visits", ValueIs::Number),
    ("last_visit", "Last visit", ValueIs::Moment),
    ("no_shows", "No-shows", ValueIs::Number),
    ("cancellations", "Cancellations", ValueIs::Number),
    ("loyalty_points", "Loyalty points", ValueIs::Number),
    ("next_appointment", "Next appointment", ValueIs::Moment),
];

/// What a custom field of `kind` holds, as a condition reads it.
pub fn custom_is(kind: FieldKind) -> ValueIs {
    match kind {
        FieldKind::Number => ValueIs::Number,
        FieldKind::Date => ValueIs::Date,
        FieldKind::YesNo => ValueIs::Bool,
        FieldKind::Choice | FieldKind::Choices => ValueIs::Choice,
        _ => ValueIs::Text,
    }
}

/// The operator is one `is` takes, else the error naming those it does.
fn check_op(b: &Build<'_>, is: ValueIs) -> CoreResult<()> {
    let ops = operators(is);
    if ops.contains(&b.c.op) {
        return Ok(());
    }
    let what = match is {
        ValueIs::Text | ValueIs::Tag => "text",
        ValueIs::Number | ValueIs::Money => "a number",
        ValueIs::Moment | ValueIs::Date => "a date",
        ValueIs::Bool | ValueIs::Flag => "yes or no",
        ValueIs::Status => "a status",
        ValueIs::Branch => "a branch",
        ValueIs::Month => "a month",
        ValueIs::Choice => "a choice",
    };
    Err(b.op_refused(what, ops))
}

fn standard(b: &mut Build<'_>, conn: &Connection, now_ms: i64) -> CoreResult<String> {
    use Op::*;
    let op = b.c.op;
    match b.c.field.trim() {
        "city" => column(b, "c.city", Is::Text, now_ms),
        "country" => column(b, "c.country", Is::Text, now_ms),
        "created" => column(b, "c.created_at", Is::Moment, now_ms),
        "last_visit" => column(b, "c.last_visit_at", Is::Moment, now_ms),
        "next_appointment" => column(b, "c.next_appointment_at", Is::Moment, now_ms),
        "total_spent" => column(b, "c.total_spent_minor", Is::Number, now_ms),
        "visits" => column(b, "c.visits", Is::Number, now_ms),
        "no_shows" => column(b, "c.no_shows", Is::Number, now_ms),
        "cancellations" => column(b, "c.cancellations", Is::Number, now_ms),
        "loyalty_points" => column(b, "c.loyalty_points", Is::Number, now_ms),
        "has_email" => yes_no(b, "coalesce(c.email, '') != ''"),
        "has_phone" => yes_no(b, "(c.phone_e164 IS NOT NULL OR coalesce(c.phone_raw, '') != '')"),
        "marketing_consent" => column(b, "c.marketing_consent", Is::Bool, now_ms),
        "status" => {
            if !matches!(op, Equals | NotEquals | AnyOf | NoneOf) {
                return Err(b.op_refused("a status", &[Equals, NotEquals, AnyOf, NoneOf]));
            }
            let items = if matches!(op, Equals | NotEquals) { vec![b.value()?] } else { b.list()? };
            let mut codes = Vec::new();
            for item in &items {
                codes.push(match b.text(item)?.to_lowercase().as_str() {
                    "active" => "0",
                    "blocked" => "1",
                    other => return Err(b.bad("value", format!("A status is active or blocked, not \"{other}\"."))),
                });
            }
            let not = if matches!(op, NotEquals | NoneOf) { "NOT " } else { "" };
            Ok(format!("c.status {not}IN ({})", codes.join(", ")))
        }
        "branch" => {
            if !matches!(op, Equals | NotEquals | AnyOf | NoneOf) {
                return Err(b.op_refused("a branch", &[Equals, NotEquals, AnyOf, NoneOf]));
            }
            let items = if matches!(op, Equals | NotEquals) { vec![b.value()?] } else { b.list()? };
            let mut ids = Vec::new();
            for item in &items {
                ids.push(branch_id(b, conn, item)?.to_string());
            }
            let not = if matches!(op, NotEquals | NoneOf) { "NOT " } else { "" };
            Ok(format!("c.branch_id {not}IN ({})", ids.join(", ")))
        }
        "birthday_month" => {
            if !matches!(op, Equals | NotEquals | AnyOf | NoneOf | Empty | NotEmpty) {
                return Err(b.op_refused("a month", &[Equals, NotEquals, AnyOf, NoneOf, Empty, NotEmpty]));
            }
            if matches!(op, Empty | NotEmpty) {
                return column(b, "c.birthday", Is::Text, now_ms);
            }
            let items = if matches!(op, Equals | NotEquals) { vec![b.value()?] } else { b.list()? };
            let mut months = Vec::new();
            for item in &items {
                let m = b.number(item)?;
                if m.fract() != 0.0 || !(1.0..=12.0).contains(&m) {
                    return Err(b.bad("value", "A birthday month is 1 (January) to 12 (December).".into()));
                }
                months.push(format!("'{:02}'", m as i64));
            }
            let inside = format!("substr(c.birthday, 6, 2) IN ({})", months.join(", "));
            Ok(if matches!(op, NotEquals | NoneOf) { format!("coalesce(NOT ({inside}), 1)") } else { inside })
        }
        "tag" => {
            let has = |pred: &str| format!("EXISTS (SELECT 1 FROM json_each(coalesce(c.tags, '[]')) t WHERE {pred})");
            match op {
                Empty => Ok(format!("NOT {}", has("1"))),
                NotEmpty => Ok(has("1")),
                Contains | StartsWith => {
                    let t = b.text(&b.value()?)?;
                    let m = b.push(Param::Text(like_pattern(&t, op == StartsWith)));
                    Ok(has(&format!("t.value LIKE {m} ESCAPE '\\'")))
                }
                Equals | NotEquals | AnyOf | NoneOf => {
                    let items = if matches!(op, Equals | NotEquals) { vec![b.value()?] } else { b.list()? };
                    let mut marks = Vec::new();
                    for item in &items {
                        let t = b.text(item)?;
                        marks.push(b.push(Param::Text(t.to_lowercase())));
                    }
                    let inside = has(&format!("lower(t.value) IN ({})", marks.join(", ")));
                    Ok(if matches!(op, NotEquals | NoneOf) { format!("NOT {inside}") } else { inside })
                }
                _ => Err(b.op_refused(
                    "a profile note",
                    &[Equals, NotEquals, Contains, StartsWith, AnyOf, NoneOf, Empty, NotEmpty],
                )),
            }
        }
        other => {
            let names: Vec<&str> = STANDARD.iter().map(|(k, _, _)| *k).collect();
            Err(b.bad(
                "unknown_field",
                format!(
                    "There is no field \"{other}\" to filter on; use {}, or custom.<key> for the business's own fields.",
                    names.join(", ")
                ),
            ))
        }
    }
}

fn yes_no(b: &mut Build<'_>, expr: &str) -> CoreResult<String> {
    if b.c.op != Op::Equals {
        return Err(b.op_refused("yes or no", &[Op::Equals]));
    }
    let v = b.bool(&b.value()?)?;
    Ok(if v { expr.to_string() } else { format!("NOT {expr}") })
}

fn branch_id(b: &Build<'_>, conn: &Connection, item: &Json) -> CoreResult<i64> {
    let found: Option<i64> = match item {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => {
            let s = s.trim();
            conn.query_row(
                "SELECT id FROM branches WHERE lower(code) = lower(?1) OR lower(name) = lower(?1) OR CAST(id AS TEXT) = ?1",
                [s],
                |r| r.get(0),
            )
            .ok()
        }
        _ => None,
    };
    let exists = match found {
        Some(id) => conn.query_row("SELECT EXISTS(SELECT 1 FROM branches WHERE id = ?1)", [id], |r| r.get(0))?,
        None => false,
    };
    match found {
        Some(id) if exists => Ok(id),
        _ => Err(b.bad("value", format!("There is no branch {item}; give its code, name or id."))),
    }
}

/// Checks `conditions` and turns each into SQL on `c` (customers), at time `now_ms`.
pub(crate) fn compile(
    conn: &Connection,
    conditions: &[Condition],
    now_ms: i64,
    reading: &Reading<'_>,
) -> CoreResult<Vec<Compiled>> {
    if conditions.is_empty() {
        return Ok(Vec::new());
    }
    const MAX_CONDITIONS: usize = 50;
    if conditions.len() > MAX_CONDITIONS {
        return Err(CoreError::validation(
            "conditions",
            "too_many",
            format!("A filter has at most {MAX_CONDITIONS} conditions."),
        ));
    }
    let defs = crate::custom_fields::all_defs(conn)?;
    let mut out = Vec::with_capacity(conditions.len());
    for (index, c) in conditions.iter().enumerate() {
        let mut b = Build { index, c, params: Vec::new() };
        let sql = match c.field.trim().strip_prefix(crate::custom_fields::PREFIX) {
            Some(key) => {
                let def = defs.iter().find(|d| d.key == key.trim() && !d.archived).ok_or_else(|| {
                    let names: Vec<String> =
                        defs.iter().filter(|d| !d.archived).map(|d| format!("custom.{}", d.key)).collect();
                    b.bad(
                        "unknown_field",
                        if names.is_empty() {
                            format!("There is no customer field \"{}\" (the desk has none yet).", c.field)
                        } else {
                            format!("There is no customer field \"{}\"; the desk's are {}.", c.field, names.join(", "))
                        },
                    )
                })?;
                check_op(&b, custom_is(def.kind))?;
                custom(&mut b, conn, def, reading.today, reading)?
            }
            None => {
                if let Some((_, _, is)) = STANDARD.iter().find(|(k, _, _)| *k == c.field.trim()) {
                    check_op(&b, *is)?;
                }
                standard(&mut b, conn, now_ms)?
            }
        };
        out.push(Compiled { sql, params: b.params });
    }
    Ok(out)
}
