//! Which backups a folder keeps: every one of the last 24 hours (the one made on demand before
//! an afternoon's mistake is still there after the backup on quit), the newest of each of the
//! last 7 days that have one, then the newest of each of the 4 weeks before those days that have
//! one. Days and weeks are UTC ones, as in the
//! file names; a desk closed for a fortnight keeps the backups from before it closed.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Every backup this recent (before the newest) is kept.
pub const RECENT_MS: i64 = 24 * 3_600_000;
/// Daily backups kept.
pub const DAYS: usize = 7;
/// Weekly backups kept, older than the daily ones.
pub const WEEKS: usize = 4;

const PREFIX: &str = "frontdesk-backup-";
const SUFFIX: &str = ".db";
const STAMP: &str = "%Y-%m-%dT%H-%M-%S%.3fZ";

/// The file name of a backup taken at `at_ms`: sorts by time, says when in UTC.
pub fn file_name(at_ms: i64) -> String {
    let at = DateTime::<Utc>::from_timestamp_millis(at_ms).unwrap_or_default();
    format!("{PREFIX}{}{SUFFIX}", at.format(STAMP))
}

/// When the backup named `name` was taken, if the name is one [`file_name`] makes.
pub fn taken_at(name: &str) -> Option<i64> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let at = chrono::NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    Some(at.and_utc().timestamp_millis())
}

/// The backups (by time taken) to delete from a folder holding `taken`.
pub fn to_delete(taken: &[i64]) -> Vec<i64> {
    let mut newest_first = taken.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    newest_first.dedup();
    let day = |ms: i64| -> NaiveDate { DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default().date_naive() };
    let week = |d: NaiveDate| (d.iso_week().year(), d.iso_week().week());
    let mut keep = HashSet::new();
    let (mut days, mut weeks) = (Vec::new(), Vec::new());
    let newest = newest_first.first().copied().unwrap_or_default();
    for &at in &newest_first {
        if newest - at <= RECENT_MS {
            keep.insert(at);
        }
        let d = day(at);
        if days.len() < DAYS {
            if !days.contains(&d) {
                days.push(d);
                keep.insert(at);
            }
        } else if !days.contains(&d) && weeks.len() < WEEKS + 1 {
            // The week the oldest daily backup is in counts as covered already.
            if weeks.is_empty() {
                weeks.push(week(days[DAYS - 1]));
            }
            if !weeks.contains(&week(d)) {
                weeks.push(week(d));
                keep.insert(at);
            }
        }
    }
    newest_first.into_iter().filter(|at| !keep.contains(at)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;

    #[test]
    fn names_round_trip_and_others_are_not_ours() {
        let at = 1_796_300_000_123;
        let name = file_name(at);
        assert_eq!(name, "frontdesk-backup-2026-12-03T12-13-20.123Z.db");
        assert_eq!(taken_at(&name), Some(at));
        for other in [
            "frontdesk.db",
            "frontdesk-backup-yesterday.db",
            "holiday.jpg",
            "frontdesk-backup-2026-12-03T11-33-20.123Z.db.partial",
        ] {
            assert_eq!(taken_at(other), None, "{other}");
        }
    }

    #[test]
    fn keeps_seven_days_and_four_weeks() {
        // Monday 2026-12-07 00:00 UTC.
        let monday = 1_796_601_600_000;
        // Three backups a day (on demand, daily, on quit) for 60 days up to that Monday.
        let taken: Vec<i64> = (0..60).flat_map(|d| [9, 13, 18].map(|h| monday - d * DAY + h * HOUR)).collect();
        let deleted = to_delete(&taken);
        let kept: Vec<i64> = taken.iter().copied().filter(|t| !deleted.contains(t)).collect();
        // Every one of the last 24 hours...
        for h in [9, 13] {
            assert!(kept.contains(&(monday + h * HOUR)), "{h}:00 today");
        }
        assert!(!kept.contains(&(monday - DAY + 13 * HOUR)), "yesterday 13:00 is more than a day before the newest");
        // ... the last backup of each of the last 7 days...
        for d in 0..7 {
            assert!(kept.contains(&(monday - d * DAY + 18 * HOUR)), "day {d}");
        }
        // ... then of each of the 4 weeks before the week of the oldest of them (Tuesday 1st):
        // their Sundays, 29 November back to 8 November.
        for w in 1..=4 {
            let sunday_evening = monday - (7 * w + 1) * DAY + 18 * HOUR;
            assert!(kept.contains(&sunday_evening), "week {w}");
        }
        assert_eq!(kept.len(), 2 + 7 + 4, "{kept:?}");
        assert_eq!(kept.len() + deleted.len(), taken.len());
    }

    #[test]
    fn a_closed_fortnight_keeps_what_came_before() {
        let start = 1_796_601_600_000;
        let taken = [start, start + DAY, start + 20 * DAY];
        assert!(to_delete(&taken).is_empty());
        // One backup: nothing to delete; the same time twice counts once.
        assert!(to_delete(&[start, start]).is_empty());
    }
}
