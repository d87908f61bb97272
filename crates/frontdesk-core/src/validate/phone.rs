//! Phone numbers, read with libphonenumber's metadata (the `phonenumber` crate).

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::country::Id;
use phonenumber::Mode;

use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPhone {
    pub e164: String,
}

/// libphonenumber's metadata holds some thousand patterns, compiled on first use into a cache
/// of only 100; numbers from a few countries then recompile patterns on every parse (~100 µs
/// each). A cache that holds them all makes a parse a few microseconds.
fn enlarge_pattern_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let cache = phonenumber::metadata::DATABASE.cache();
        let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
        *guard = regex_cache::RegexCache::new(16_384);
    });
}

/// Parses `raw` as typed; numbers without a country code are read in `region`.
pub fn parse_phone(field: &str, raw: &str, region: &str) -> CoreResult<ParsedPhone> {
    enlarge_pattern_cache();
    let id: Option<Id> = region.parse().ok();
    let digits = raw.chars().filter(|c| c.is_ascii_digit()).count();
    if digits < 4 {
        return Err(CoreError::validation(field, "invalid_phone", format!("\"{raw}\" has too few digits to be a phone number.")));
    }
    if raw.chars().any(|c| c.is_alphabetic() && !matches!(c, 'x' | 'X' | 'e' | 'E' | 't' | 'T')) {
        return Err(CoreError::validation(field, "invalid_phone", format!("\"{raw}\" contains letters; type the digits only.")));
    }
    let number = phonenumber::parse(id, raw).map_err(|_| {
        CoreError::validation(field, "invalid_phone", format!("\"{raw}\" is not a phone number (read as a {region} number)."))
    })?;
    let code = number.code().value();
    let national = number.national().to_string();
    if !is_possible(code, national.len()) {
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            format!(
                "\"{raw}\" has the wrong number of digits for a {} number; check it, or add the country code (e.g. +44) if it is from abroad.",
                if id.is_some() && !raw.trim_start().starts_with('+') && !raw.trim_start().starts_with("00") { region.to_string() } else { format!("+{code}") }
            ),
        ));
    }
    Ok(ParsedPhone { e164: format!("+{code}{national}") })
}

/// A possible number: its national significant number has a length that numbers of its
/// country calling code can have (libphonenumber's "possible number" test). Checking every
/// number-type pattern ("valid number") costs ~20 µs a number; this costs nanoseconds and
/// catches the usual typing errors (a digit missing or doubled).
fn is_possible(code: u16, len: usize) -> bool {
    static LENGTHS: OnceLock<HashMap<u16, u64>> = OnceLock::new();
    let lengths = LENGTHS.get_or_init(|| {
        let mut map: HashMap<u16, u64> = HashMap::new();
        for m in phonenumber::metadata::DATABASE.iter() {
            let d = m.descriptors();
            let all = [
                Some(d.general()), d.fixed_line(), d.mobile(), d.toll_free(), d.premium_rate(), d.shared_cost(),
                d.personal_number(), d.voip(), d.pager(), d.uan(), d.voicemail(),
            ];
            let mask = map.entry(m.country_code()).or_default();
            for desc in all.into_iter().flatten() {
                for l in desc.possible_length() {
                    *mask |= 1u64 << (*l).min(63);
                }
            }
        }
        map
    });
    lengths.get(&code).map(|mask| len < 64 && mask & (1u64 << len) != 0).unwrap_or(false)
}

/// A stored E.164 number formatted for display in the desk's region (national form for local
/// numbers, international otherwise).
pub fn display_phone(e164: &str, desk_region: &str) -> String {
    enlarge_pattern_cache();
    match phonenumber::parse(None, e164) {
        Ok(n) => {
            let local = n.country().id().map(|c| c.as_ref() == desk_region).unwrap_or(false);
            n.format().mode(if local { Mode::National } else { Mode::International }).to_string()
        }
        Err(_) => e164.to_string(),
    }
}
