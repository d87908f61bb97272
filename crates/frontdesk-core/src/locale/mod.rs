//! How a desk's country writes dates, times and addresses, and the manager's overrides.
//!
//! One shipped table (`data/locales.csv`) describes each country we know; a country missing
//! from it reads dates day first with a 24-hour clock, which most of the world uses. The window
//! reads the same table, so lists, forms and imports agree.

pub mod address;
pub mod dates;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};

/// The shipped table, one row per country.
pub const TABLE: &str = include_str!("../../data/locales.csv");

/// Which part of a numeric date comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// 14/03/1988
    Dmy,
    /// 03/14/1988
    Mdy,
    /// 1988-03-14
    Ymd,
}

impl DateOrder {
    pub fn code(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
            DateOrder::Ymd => "ymd",
        }
    }

    /// What a person calls it: "DD/MM/YYYY".
    pub fn pattern(self) -> &'static str {
        match self {
            DateOrder::Dmy => "DD/MM/YYYY",
            DateOrder::Mdy => "MM/DD/YYYY",
            DateOrder::Ymd => "YYYY-MM-DD",
        }
    }

    pub fn parse(field: &str, text: &str) -> CoreResult<Self> {
        match text.trim().to_lowercase().replace(['/', '-', '.', ' '], "").as_str() {
            "dmy" | "ddmmyyyy" | "ddmmyy" => Ok(DateOrder::Dmy),
            "mdy" | "mmddyyyy" | "mmddyy" => Ok(DateOrder::Mdy),
            "ymd" | "yyyymmdd" | "iso" => Ok(DateOrder::Ymd),
            _ => Err(CoreError::validation(
                field,
                "invalid_date_order",
                format!("\"{text}\" is not a date order; use dmy (14/03/1988), mdy (03/14/1988) or ymd (1988-03-14)."),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Sat,
    Sun,
}

impl Weekday {
    fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().get(..3)? {
            "mon" => Some(Weekday::Mon),
            "sat" => Some(Weekday::Sat),
            "sun" => Some(Weekday::Sun),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }
}

/// How this desk shows and reads dates and times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Locale {
    /// The country whose conventions these are (the desk's).
    pub country: String,
    pub date_order: DateOrder,
    /// What goes between the parts of a date: `/`, `.` or `-`.
    pub date_separator: String,
    /// 4:30 PM rather than 16:30.
    pub hour12: bool,
    pub first_weekday: Weekday,
    /// How money and counts are written: the BCP 47 tag of the country's main language with
    /// the country (`en-GB`: £1,234.50; `de-DE`: 1.234,50 €).
    pub number_locale: String,
}

/// What a manager chose instead of the country's conventions (`None`: the country's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LocaleChoice {
    pub date_order: Option<DateOrder>,
    pub hour12: Option<bool>,
    pub first_weekday: Option<Weekday>,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct CountryRow {
    pub date_order: DateOrder,
    pub separator: String,
    pub hour12: bool,
    pub first_weekday: Weekday,
    /// Lines separated by `|`, with `street`, `city`, `state`, `postcode`, `country`.
    pub address: String,
    /// The country's main language (ISO 639-1).
    pub language: String,
}

fn table() -> &'static HashMap<String, CountryRow> {
    static T: OnceLock<HashMap<String, CountryRow>> = OnceLock::new();
    T.get_or_init(|| {
        let mut out = HashMap::new();
        let mut r = csv::Reader::from_reader(TABLE.as_bytes());
        for rec in r.records().map_while(Result::ok) {
            let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
            let (Ok(order), Some(weekday)) = (DateOrder::parse("date_order", &get(1)), Weekday::parse(&get(4))) else {
                continue;
            };
            out.insert(
                get(0).to_uppercase(),
                CountryRow {
                    date_order: order,
                    separator: get(2),
                    hour12: get(3) == "yes",
                    first_weekday: weekday,
                    address: get(5),
                    language: get(6),
                },
            );
        }
        out
    })
}

/// The table's row for `country`, or the conventions most of the world uses.
pub fn country(country: &str) -> CountryRow {
    table().get(&country.to_uppercase()).cloned().unwrap_or_else(|| CountryRow {
        date_order: DateOrder::Dmy,
        separator: "/".into(),
        hour12: false,
        first_weekday: Weekday::Mon,
        address: "street|postcode city|country".into(),
        language: "en".into(),
    })
}

/// The desk's locale: its country's conventions with the manager's choices over them.
pub fn resolve(desk_country: &str, choice: &LocaleChoice) -> Locale {
    let row = country(desk_country);
    let date_order = choice.date_order.unwrap_or(row.date_order);
    // A separator belongs to an order: ISO dates always take dashes; a country's own order
    // keeps its separator; a chosen other order takes the one people write it with.
    let date_separator = match date_order {
        DateOrder::Ymd => "-".to_string(),
        o if o == row.date_order => row.separator.clone(),
        _ => "/".to_string(),
    };
    Locale {
        country: desk_country.to_uppercase(),
        date_order,
        date_separator,
        hour12: choice.hour12.unwrap_or(row.hour12),
        first_weekday: choice.first_weekday.unwrap_or(row.first_weekday),
        number_locale: format!("{}-{}", row.language, desk_country.to_uppercase()),
    }
}

/// Settings keys of the overrides.
pub(crate) const KEYS: [&str; 3] = ["date_order", "hour12", "first_weekday"];

/// Reads the overrides from their stored text (anything unreadable: the country's).
pub(crate) fn choice_from(
    date_order: Option<String>,
    hour12: Option<String>,
    first_weekday: Option<String>,
) -> LocaleChoice {
    LocaleChoice {
        date_order: date_order.and_then(|v| DateOrder::parse("date_order", &v).ok()),
        hour12: hour12.map(|v| v == "yes"),
        first_weekday: first_weekday.and_then(|v| Weekday::parse(&v)),
    }
}

/// The overrides as stored text, in [`KEYS`] order (`None`: remove the key).
pub(crate) fn choice_to(c: &LocaleChoice) -> [Option<String>; 3] {
    [
        c.date_order.map(|o| o.code().to_string()),
        c.hour12.map(|h| if h { "yes" } else { "no" }.to_string()),
        c.first_weekday.map(|w| w.code().to_string()),
    ]
}

/// The country of a POSIX locale name as the system sets it (`en_GB.UTF-8`, `de_AT@euro` →
/// GB, AT); `None` for `C`, `POSIX` or a name without a country.
pub fn country_of_locale_name(name: &str) -> Option<String> {
    let name = name.split(['.', '@']).next()?;
    let (lang, country) = name.split_once(['_', '-'])?;
    let ok = (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && country.len() == 2
        && country.chars().all(|c| c.is_ascii_alphabetic());
    ok.then(|| country.to_uppercase())
}

/// A country's two-letter code from what a file may hold: the code itself or its English name
/// ("United Kingdom", "UK", "England" → GB).
pub fn country_code(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase().replace('.', "");
    if t.len() == 2 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(if t == "uk" { "GB".into() } else { t.to_uppercase() });
    }
    const NAMES: &[(&str, &str)] = &[
        ("united kingdom", "GB"),
        ("great britain", "GB"),
        ("england", "GB"),
        ("scotland", "GB"),
        ("wales", "GB"),
        ("northern ireland", "GB"),
        ("united states", "US"),
        ("united states of america", "US"),
        ("usa", "US"),
        ("ireland", "IE"),
        ("republic of ireland", "IE"),
        ("germany", "DE"),
        ("deutschland", "DE"),
        ("france", "FR"),
        ("spain", "ES"),
        ("españa", "ES"),
        ("italy", "IT"),
        ("italia", "IT"),
        ("netherlands", "NL"),
        ("the netherlands", "NL"),
        ("belgium", "BE"),
        ("austria", "AT"),
        ("switzerland", "CH"),
        ("portugal", "PT"),
        ("poland", "PL"),
        ("sweden", "SE"),
        ("norway", "NO"),
        ("denmark", "DK"),
        ("finland", "FI"),
        ("canada", "CA"),
        ("australia", "AU"),
        ("new zealand", "NZ"),
        ("south africa", "ZA"),
        ("india", "IN"),
        ("mexico", "MX"),
        ("brazil", "BR"),
        ("japan", "JP"),
        ("united arab emirates", "AE"),
        ("uae", "AE"),
        ("singapore", "SG"),
        ("greece", "GR"),
        ("turkey", "TR"),
        ("czech republic", "CZ"),
    ];
    NAMES.iter().find(|(n, _)| *n == t).map(|(_, c)| c.to_string())
}

impl Locale {
    /// 1988-03-14 as this desk writes it: `14/03/1988`, `03/14/1988`, `14.03.1988`, `1988-03-14`.
    pub fn format_date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let s = &self.date_separator;
        let (y, m, dd) = (d.year(), d.month(), d.day());
        match self.date_order {
            DateOrder::Dmy => format!("{dd:02}{s}{m:02}{s}{y:04}"),
            DateOrder::Mdy => format!("{m:02}{s}{dd:02}{s}{y:04}"),
            DateOrder::Ymd => format!("{y:04}-{m:02}-{dd:02}"),
        }
    }

    /// 16:30 or 4:30 PM.
    pub fn format_time(&self, t: chrono::NaiveTime) -> String {
        use chrono::Timelike;
        if self.hour12 {
            let h = t.hour() % 12;
            format!("{}:{:02} {}", if h == 0 { 12 } else { h }, t.minute(), if t.hour() < 12 { "AM" } else { "PM" })
        } else {
            format!("{:02}:{:02}", t.hour(), t.minute())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_systems_locale_name_gives_its_country() {
        for (name, want) in [
            ("en_GB.UTF-8", Some("GB")),
            ("de_AT@euro", Some("AT")),
            ("fr_FR", Some("FR")),
            ("en-IE", Some("IE")),
            ("C.UTF-8", None),
            ("POSIX", None),
            ("en", None),
            ("", None),
        ] {
            assert_eq!(country_of_locale_name(name).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn every_row_of_the_table_reads() {
        let rows = TABLE.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        assert_eq!(table().len(), rows, "a row of data/locales.csv did not read");
        for (code, row) in table() {
            assert_eq!(code.len(), 2);
            assert!(row.address.contains("street"), "{code}: {}", row.address);
            assert!(["/", ".", "-"].contains(&row.separator.as_str()), "{code}");
        }
    }

    #[test]
    fn a_uk_desk_writes_day_first_on_a_24_hour_clock() {
        let gb = resolve("GB", &LocaleChoice::default());
        let d = chrono::NaiveDate::from_ymd_opt(1988, 3, 14).unwrap();
        let t = chrono::NaiveTime::from_hms_opt(16, 30, 0).unwrap();
        assert_eq!((gb.format_date(d), gb.format_time(t)), ("14/03/1988".into(), "16:30".into()));
        let us = resolve("us", &LocaleChoice::default());
        assert_eq!((us.format_date(d), us.format_time(t)), ("03/14/1988".into(), "4:30 PM".into()));
        assert_eq!(resolve("DE", &LocaleChoice::default()).format_date(d), "14.03.1988");
        let chosen = resolve(
            "GB",
            &LocaleChoice { date_order: Some(DateOrder::Ymd), hour12: Some(true), first_weekday: Some(Weekday::Sun) },
        );
        assert_eq!(
            (chosen.format_date(d), chosen.format_time(t), chosen.first_weekday),
            ("1988-03-14".into(), "4:30 PM".into(), Weekday::Sun)
        );
        // A country the table does not have: day first, 24 hours.
        assert_eq!(resolve("KE", &LocaleChoice::default()).date_order, DateOrder::Dmy);
    }
}
