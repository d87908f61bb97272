//! A custom value checked against its field, and the typed form it is stored in. Errors name the
//! field `custom.<key>` with the same codes as the standard fields.

use chrono::NaiveDate;
use serde_json::Value;

use super::model::{FieldDef, FieldKind};
use crate::error::{CoreError, CoreResult};
use crate::validate::{check_email, multi_line, parse_phone, single_line};

pub(super) const TEXT_MAX: usize = 200;
pub(super) const LONG_TEXT_MAX: usize = 5000;
const URL_MAX: usize = 500;
/// Numbers a field accepts, either way.
const NUMBER_MAX: f64 = 1e12;

/// A checked value as `custom_values` keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stored {
    Text(String),
    Number(f64),
    /// Chosen options' ids (one for a single choice).
    Options(Vec<i64>),
}

/// Days since 1970-01-01 (how dates are stored and compared).
pub(crate) fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(d)).num_days()
}

/// How typed values are read: local phone numbers in `region`, numeric dates in `date_order`
/// (`today` places two-digit years).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reading<'a> {
    pub region: &'a str,
    pub date_order: crate::locale::DateOrder,
    pub today: NaiveDate,
}

/// Checks `value` for `def` (`null` or empty: no value).
pub(crate) fn check(def: &FieldDef, value: &Value, reading: &Reading<'_>) -> CoreResult<Option<Stored>> {
    check_holding(def, value, reading, &[])
}

/// Splits a file's cell into option labels: on `|`, `;` or `,`, except where the pieces
/// joined back make an option's label ("Cut, wash & blow-dry").
fn option_labels(def: &FieldDef, cell: &str) -> Vec<String> {
    let mut pieces: Vec<(String, Option<char>)> = Vec::new();
    let mut current = String::new();
    for ch in cell.chars() {
        if matches!(ch, '|' | ';' | ',') {
            pieces.push((std::mem::take(&mut current), Some(ch)));
        } else {
            current.push(ch);
        }
    }
    pieces.push((current, None));
    let is_option = |t: &str| def.options.iter().any(|o| o.label.trim().to_lowercase() == t.trim().to_lowercase());
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        // The longest run of pieces from here that is an option, else the one piece.
        let mut taken = 1;
        let mut joined = String::new();
        for (j, (text, sep)) in pieces.iter().enumerate().skip(i) {
            joined.push_str(text);
            if is_option(&joined) {
                taken = j - i + 1;
            }
            match sep {
                Some(c) => joined.push(*c),
                None => break,
            }
        }
        let label: String = pieces[i..i + taken]
            .iter()
            .enumerate()
            .map(|(k, (text, sep))| if k + 1 < taken { format!("{text}{}", sep.unwrap_or(' ')) } else { text.clone() })
            .collect();
        if !label.trim().is_empty() {
            out.push(label.trim().to_string());
        }
        i += taken;
    }
    out
}

/// [`check`], where the options in `held` (the customer has them) may be retired ones.
pub(crate) fn check_holding(
    def: &FieldDef,
    value: &Value,
    reading: &Reading<'_>,
    held: &[i64],
) -> CoreResult<Option<Stored>> {
    let region = reading.region;
    let field = format!("{}{}", super::PREFIX, def.key);
    let bad = |code: &str, message: String| CoreError::validation(&field, code, message);
    let text = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
            _ => None,
        }
    };
    if value.is_null()
        || value.as_str().is_some_and(|s| s.trim().is_empty())
        || value.as_array().is_some_and(|a| a.is_empty())
    {
        return Ok(None);
    }
    let stored = match def.kind {
        FieldKind::Text | FieldKind::Email | FieldKind::Phone | FieldKind::Url => {
            let t = text(value).ok_or_else(|| bad("invalid_type", format!("{} takes text.", def.label)))?;
            let max = if def.kind == FieldKind::Url { URL_MAX } else { TEXT_MAX };
            let t = single_line(&field, &t, max)?;
            match def.kind {
                FieldKind::Email => {
                    check_email(&field, &t)?;
                    // Kept in lower case so that uniqueness and conditions compare addresses.
                    Stored::Text(t.to_lowercase())
                }
                FieldKind::Phone => Stored::Text(parse_phone(&field, &t, region)?.e164),
                FieldKind::Url => {
                    let with_scheme = if t.contains("://") { t.clone() } else { format!("https://{t}") };
                    let host =
                        with_scheme.split("://").nth(1).unwrap_or("").split(['/', '?', '#']).next().unwrap_or("");
                    let scheme_ok = with_scheme.starts_with("http://") || with_scheme.starts_with("https://");
                    if !scheme_ok || !host.contains('.') || host.contains(char::is_whitespace) || t.contains(' ') {
                        return Err(bad(
                            "invalid_url",
                            format!("\"{t}\" is not a web address; write it like example.com/page."),
                        ));
                    }
                    Stored::Text(with_scheme)
                }
                _ => Stored::Text(t),
            }
        }
        FieldKind::LongText => {
            let t = text(value).ok_or_else(|| bad("invalid_type", format!("{} takes text.", def.label)))?;
            Stored::Text(multi_line(&field, &t, LONG_TEXT_MAX)?)
        }
        FieldKind::Number => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => {
                    let t = s.trim();
                    // "38,5" is a decimal comma; "1,000" could be a thousand: said, not guessed.
                    let after_comma = t.rsplit_once(',').map(|(_, d)| d.len());
                    if t.contains(',') && (t.contains('.') || t.matches(',').count() > 1 || after_comma == Some(3)) {
                        return Err(bad(
                            "ambiguous_number",
                            format!("\"{t}\": write numbers without thousands separators (1000, or 38.5)."),
                        ));
                    }
                    t.replace(',', ".").parse::<f64>().ok()
                }
                _ => None,
            }
            .filter(|n| n.is_finite())
            .ok_or_else(|| {
                bad("invalid_number", format!("\"{}\" is not a number.", text(value).unwrap_or_default()))
            })?;
            if n.abs() > NUMBER_MAX {
                return Err(bad("out_of_range", format!("{n} is too large for {}.", def.label)));
            }
            let decimals = def.decimals.unwrap_or(0) as i32;
            let scaled = n * 10f64.powi(decimals);
            if (scaled - scaled.round()).abs() > 1e-6 {
                return Err(bad(
                    "too_many_decimals",
                    if decimals == 0 {
                        format!("{} takes whole numbers.", def.label)
                    } else {
                        format!("{} takes at most {decimals} digits after the point.", def.label)
                    },
                ));
            }
            Stored::Number(n)
        }
        FieldKind::Date => {
            let t = text(value).unwrap_or_default();
            let d = match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
                Ok(d) => d,
                Err(_) => match crate::locale::dates::parse(&t, reading.date_order, reading.today) {
                    Ok(crate::locale::dates::Written::Date(d)) => d,
                    Ok(_) => {
                        return Err(bad("invalid_date", format!("\"{t}\" has a time; {} takes a date.", def.label)))
                    }
                    // The desk's order comes from its country (Settings → This desk); ISO always reads.
                    Err(why) => {
                        return Err(bad(
                            "invalid_date",
                            format!(
                                "{}: {why} Write it as YYYY-MM-DD, or in the desk's order ({}; Settings → This desk changes it).",
                                def.label,
                                reading.date_order.pattern()
                            ),
                        ))
                    }
                },
            };
            let year = chrono::Datelike::year(&d);
            if !(1900..=2200).contains(&year) {
                return Err(bad(
                    "out_of_range",
                    format!("{t} is surely a typing mistake (use a year from 1900 to 2200)."),
                ));
            }
            Stored::Number(day_number(d) as f64)
        }
        FieldKind::YesNo => {
            let b = match value {
                Value::Bool(b) => Some(*b),
                Value::String(s) => match s.trim().to_lowercase().as_str() {
                    "yes" | "y" | "true" | "1" => Some(true),
                    "no" | "n" | "false" | "0" => Some(false),
                    _ => None,
                },
                _ => None,
            }
            .ok_or_else(|| bad("invalid_boolean", format!("\"{}\" is not yes/no.", text(value).unwrap_or_default())))?;
            Stored::Number(if b { 1.0 } else { 0.0 })
        }
        FieldKind::Choice | FieldKind::Choices => {
            let wanted: Vec<String> = match value {
                Value::Array(items) => items.iter().filter_map(text).collect(),
                // A file's cell: several options (a label may hold a comma).
                Value::String(s) if def.kind == FieldKind::Choices => option_labels(def, s),
                other => text(other).into_iter().collect(),
            };
            if def.kind == FieldKind::Choice && wanted.len() > 1 {
                return Err(bad("one_choice", format!("{} takes one option.", def.label)));
            }
            let mut ids = Vec::new();
            for w in wanted {
                let w = w.trim();
                let found =
                    def.options.iter().find(|o| o.label.to_lowercase() == w.to_lowercase() || o.id.to_string() == w);
                match found {
                    Some(o) if o.retired && !held.contains(&o.id) => {
                        return Err(bad(
                            "retired_option",
                            format!("\"{}\" is no longer offered for {}.", o.label, def.label),
                        ))
                    }
                    Some(o) if !ids.contains(&o.id) => ids.push(o.id),
                    Some(_) => {}
                    None => {
                        let offered: Vec<&str> =
                            def.options.iter().filter(|o| !o.retired).map(|o| o.label.as_str()).collect();
                        return Err(bad(
                            "unknown_option",
                            format!("\"{w}\" is not an option of {} (choose from: {}).", def.label, offered.join(", ")),
                        ));
                    }
                }
            }
            // In the field's order, whatever order they were typed in.
            ids.sort_by_key(|id| def.options.iter().position(|o| o.id == *id));
            Stored::Options(ids)
        }
    };
    Ok(Some(stored))
}
