//! Reading the dates people and other systems write: `14/03/1988`, `3/14/88`, `14.03.1988`,
//! `1988-03-14`, `14 Mar 1988`, `Mar 14, 1988`, each with or without a time (`10:12`,
//! `4:30 PM`, `2021-03-04T10:12:00Z`).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

use super::DateOrder;

/// A date as written, with its time of day and zone when the text had them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Date(NaiveDate),
    /// A wall-clock time with no zone: the desk's own.
    Local(NaiveDateTime),
    Instant(DateTime<FixedOffset>),
}

impl Written {
    pub fn date(self) -> NaiveDate {
        match self {
            Written::Date(d) => d,
            Written::Local(t) => t.date(),
            Written::Instant(t) => t.date_naive(),
        }
    }

    /// Milliseconds since the epoch; a date or a wall-clock time is read in the desk's zone.
    pub fn timestamp_ms(self) -> i64 {
        use chrono::TimeZone;
        let local = |t: NaiveDateTime| match chrono::Local.from_local_datetime(&t) {
            chrono::LocalResult::Single(x) | chrono::LocalResult::Ambiguous(x, _) => x.timestamp_millis(),
            // In a spring-forward gap: the same wall time an hour later, which exists.
            chrono::LocalResult::None => chrono::Local
                .from_local_datetime(&(t + chrono::Duration::hours(1)))
                .earliest()
                .map_or_else(|| t.and_utc().timestamp_millis(), |x| x.timestamp_millis()),
        };
        match self {
            Written::Date(d) => local(d.and_time(NaiveTime::MIN)),
            Written::Local(t) => local(t),
            Written::Instant(t) => t.timestamp_millis(),
        }
    }
}

/// What a numeric date with the year last says about its order: whether its first or its
/// second number cannot be a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Seen a first number over 12 (only day-first reads it).
    pub day_first: bool,
    /// Seen a second number over 12 (only month-first reads it).
    pub month_first: bool,
    /// Seen a numeric date with the year last at all.
    pub year_last: bool,
}

impl Evidence {
    pub fn add(&mut self, text: &str) {
        if let Some((a, b, _, _)) = year_last_parts(date_part(text.trim()).0) {
            self.year_last = true;
            self.day_first |= a > 12 && b <= 12;
            self.month_first |= b > 12 && a <= 12;
        }
    }

    /// The order the values prove, if they prove one (and only one).
    pub fn proven(&self) -> Option<DateOrder> {
        match (self.day_first, self.month_first) {
            (true, false) => Some(DateOrder::Dmy),
            (false, true) => Some(DateOrder::Mdy),
            _ => None,
        }
    }
}

/// Splits `14/03/1988 10:12` into the date and what follows it.
fn date_part(text: &str) -> (&str, &str) {
    match text.find(['T', ' ']) {
        // `14 Mar 1988` has spaces inside the date: only a numeric date is split at a space.
        Some(i) if text[..i].chars().all(|c| c.is_ascii_digit() || "/.-".contains(c)) => {
            (&text[..i], text[i + 1..].trim())
        }
        _ => (text, ""),
    }
}

/// `a/b/yyyy` (or `.`/`-`, or a two-digit year): the numbers and the year's digit count.
fn year_last_parts(date: &str) -> Option<(u32, u32, i32, usize)> {
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    let [a, b, y] = parts[..] else { return None };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) || !(y.len() == 2 || y.len() == 4) || !y.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, y.parse().ok()?, y.len()))
}

/// Reads `text` as a date (and time) with numeric dates in `order`; `today` places a two-digit
/// year in the past century or this one. `Err` says why it is not one.
pub fn parse(text: &str, order: DateOrder, today: NaiveDate) -> Result<Written, String> {
    let t = text.trim();
    if let Ok(x) = DateTime::parse_from_rfc3339(t) {
        return Ok(Written::Instant(x));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(x) = DateTime::parse_from_str(t, f) {
            return Ok(Written::Instant(x));
        }
    }
    let (date, rest) = date_part(t);
    let day = if let Some((a, b, y, len)) = year_last_parts(date) {
        let year = if len == 2 {
            let this = today.year() % 100;
            today.year() - this + y - if y > this { 100 } else { 0 }
        } else {
            y
        };
        let (d, m) = match order {
            DateOrder::Mdy => (b, a),
            _ => (a, b),
        };
        NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| not_real(t, order))?
    } else if let Some(d) = iso(date) {
        d
    } else if let Some(w) = with_month_name(t) {
        return Ok(w);
    } else {
        return Err(format!("\"{t}\" is not a date; write it as {} (or YYYY-MM-DD).", order.pattern()));
    };
    if rest.is_empty() {
        return Ok(Written::Date(day));
    }
    let time = parse_time(rest)
        .ok_or_else(|| format!("\"{t}\": \"{rest}\" is not a time of day; write it as 10:12 or 4:30 PM."))?;
    Ok(Written::Local(day.and_time(time)))
}

fn not_real(t: &str, order: DateOrder) -> String {
    format!("\"{t}\" is not a real date read as {}.", order.pattern())
}

/// `1988-03-14` or `1988/03/14`.
fn iso(date: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(date, "%Y/%m/%d"))
        .ok()
        .filter(|_| date.len() >= 8 && date[..4].chars().all(|c| c.is_ascii_digit()))
}

/// `14 Mar 1988`, `14 March 1988`, `Mar 14, 1988`, `March 14 1988 10:12`.
fn with_month_name(t: &str) -> Option<Written> {
    let t = t.replace(',', " ");
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() < 3 {
        return None;
    }
    let date = words[..3].join(" ");
    let day = ["%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&date, f).ok())?;
    if words.len() == 3 {
        return Some(Written::Date(day));
    }
    Some(Written::Local(day.and_time(parse_time(&words[3..].join(" "))?)))
}

/// `10:12`, `10:12:30`, `4:30 PM`, `4:30pm`, `4 PM`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim().to_uppercase().replace('.', "");
    let (clock, pm) = match (t.strip_suffix("PM"), t.strip_suffix("AM")) {
        (Some(c), _) => (c.trim().to_string(), Some(true)),
        (_, Some(c)) => (c.trim().to_string(), Some(false)),
        _ => (t.trim_end_matches('Z').to_string(), None),
    };
    let mut parts = clock.split(':');
    let h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next().map_or(Some(0), |m| m.trim().parse().ok())?;
    let s: f64 = parts.next().map_or(Some(0.0), |s| s.trim().parse().ok())?;
    if parts.next().is_some() || (pm.is_none() && !clock.contains(':')) {
        return None;
    }
    let h = match pm {
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(true) => h % 12 + 12,
        Some(false) => h % 12,
        None => h,
    };
    NaiveTime::from_hms_opt(h, m, s as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn numeric_dates_read_in_the_order_given() {
        let today = d(2026, 12, 3);
        let date = |t, o| parse(t, o, today).map(Written::date);
        assert_eq!(date("14/03/1988", DateOrder::Dmy), Ok(d(1988, 3, 14)));
        assert_eq!(date("03/05/1990", DateOrder::Dmy), Ok(d(1990, 5, 3)));
        assert_eq!(date("03/05/1990", DateOrder::Mdy), Ok(d(1990, 3, 5)));
        assert_eq!(date("14.03.1988", DateOrder::Dmy), Ok(d(1988, 3, 14)));
        assert_eq!(date("1988-03-14", DateOrder::Mdy), Ok(d(1988, 3, 14)));
        assert_eq!(date("1988/03/14", DateOrder::Dmy), Ok(d(1988, 3, 14)));
        assert_eq!(date("3/14/88", DateOrder::Mdy), Ok(d(1988, 3, 14)));
        assert_eq!(date("3/14/26", DateOrder::Mdy), Ok(d(2026, 3, 14)));
        assert_eq!(date("14 Mar 1988", DateOrder::Mdy), Ok(d(1988, 3, 14)));
        assert_eq!(date("March 14, 1988", DateOrder::Dmy), Ok(d(1988, 3, 14)));
        assert!(date("14/03/1988", DateOrder::Mdy).unwrap_err().contains("MM/DD/YYYY"));
        assert!(date("31/02/1990", DateOrder::Dmy).is_err());
        assert!(date("next tuesday", DateOrder::Dmy).unwrap_err().contains("DD/MM/YYYY"));
    }

    #[test]
    fn times_come_with_or_without_a_zone() {
        let today = d(2026, 12, 3);
        let at = |h, m| d(2021, 3, 4).and_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse("2021-03-04 10:12", DateOrder::Dmy, today), Ok(Written::Local(at(10, 12))));
        assert_eq!(parse("04/03/2021 4:30 PM", DateOrder::Dmy, today), Ok(Written::Local(at(16, 30))));
        assert_eq!(parse("03/04/2021 12:05 am", DateOrder::Mdy, today), Ok(Written::Local(at(0, 5))));
        assert_eq!(parse("2021-03-04T10:12:00", DateOrder::Dmy, today), Ok(Written::Local(at(10, 12))));
        let z = parse("2021-03-04T10:12:00Z", DateOrder::Dmy, today).unwrap();
        assert_eq!(z.timestamp_ms(), at(10, 12).and_utc().timestamp_millis());
        assert!(parse("04/03/2021 25:00", DateOrder::Dmy, today).is_err());
    }

    #[test]
    fn a_day_over_twelve_proves_the_order() {
        let mut e = Evidence::default();
        for v in ["01/02/1990", "05/06/1991 10:00"] {
            e.add(v);
        }
        assert_eq!(e.proven(), None);
        e.add("30/01/1995");
        assert_eq!(e.proven(), Some(DateOrder::Dmy));
        e.add("01/30/1995");
        assert_eq!(e.proven(), None, "both orders seen: nothing is proven");
        let mut us = Evidence::default();
        us.add("12/25/1990");
        assert_eq!(us.proven(), Some(DateOrder::Mdy));
    }
}
