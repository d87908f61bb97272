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

/// What the fast path needs to know about a region, from libphonenumber's metadata.
struct RegionRules {
    code: u16,
    /// Trunk prefix dialled before national numbers (`0`), when parsing it is that simple.
    trunk: Option<String>,
    /// `00` is the international prefix.
    intl_00: bool,
    /// The region's parsing rules are simple enough for [`fast_e164`].
    simple: bool,
}

fn region_rules(region: &str) -> Option<&'static RegionRules> {
    static RULES: OnceLock<HashMap<String, RegionRules>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            phonenumber::metadata::DATABASE
                .iter()
                .map(|m| {
                    let trunk = m.national_prefix().map(String::from).filter(|p| !p.is_empty());
                    let for_parsing = m.national_prefix_for_parsing().map(|r| r.as_str().to_string());
                    let simple = m.national_prefix_transform_rule().is_none()
                        && match (&for_parsing, &trunk) {
                            (None, _) => true,
                            (Some(p), Some(t)) => p == t,
                            (Some(_), None) => false,
                        };
                    let intl_00 = m.international_prefix().map(|r| r.as_str() == "00").unwrap_or(false);
                    (m.id().to_string(), RegionRules { code: m.country_code(), trunk, intl_00, simple })
                })
                .collect()
        })
        .get(region)
}

/// The common case without libphonenumber's full parser (~8 µs a number): digits with spaces,
/// dashes, dots, slashes or parentheses, in `+CC …`, `00 CC …` or national form, for a region
/// whose trunk-prefix rule is a plain prefix. Returns `None` whenever it is not sure, and the
/// full parser decides; a test checks both agree on thousands of numbers from ten countries.
fn fast_e164(raw: &str, region: &str) -> Option<String> {
    let t = raw.trim();
    let plus = t.starts_with('+');
    let body = if plus { &t[1..] } else { t };
    if !body.chars().all(|c| c.is_ascii_digit() || " -./()".contains(c)) {
        return None;
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    // Written with its +, a number reads the same on every desk (known country or not).
    let rules = region_rules(region);
    let (code, nsn) = if plus || rules.is_some_and(|r| r.intl_00 && digits.starts_with("00")) {
        let intl = if plus { &digits[..] } else { &digits[2..] };
        let (cc, nsn) = (1..=3.min(intl.len()))
            .find_map(|len| {
                let code = intl[..len].parse::<u16>().ok()?;
                phonenumber::metadata::DATABASE.by_code(&code).map(|metas| (code, &intl[len..], metas))
            })
            .map(|(c, n, metas)| {
                // A trunk prefix written after the country code ("+44 07911…"; a "(0)" is gone
                // already where the country dials one) is the full parser's business.
                let trunk_after_code = metas
                    .iter()
                    .any(|m| m.national_prefix().map(|p| !p.is_empty() && n.starts_with(p)).unwrap_or(false));
                (c, n, trunk_after_code)
            })
            .and_then(|(c, n, trunk)| (!trunk).then_some((c, n)))?;
        (cc, nsn.to_string())
    } else {
        let rules = rules?;
        if !rules.simple || digits.starts_with("00") {
            return None;
        }
        match &rules.trunk {
            Some(p) if digits.starts_with(p.as_str()) => (rules.code, digits[p.len()..].to_string()),
            Some(_) if rules.code != 1 => return None, // a local number without its trunk 0: let the parser judge
            _ => (rules.code, digits.clone()),
        }
    };
    (!nsn.is_empty() && !nsn.starts_with('0') && is_possible(code, nsn.len())).then(|| format!("+{code}{nsn}"))
}

/// Zero-width and direction marks (Unicode format characters that copy and paste carries).
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// Parses `raw` as typed; numbers without a country code are read in `region`.
pub fn parse_phone(field: &str, typed: &str, region: &str) -> CoreResult<ParsedPhone> {
    enlarge_pattern_cache();
    // Invisible marks a number pasted from a web page or a phone's contacts carries (direction
    // marks, zero-width spaces) are not part of it.
    let visible: String;
    let typed_visible = if typed.chars().any(invisible) {
        visible = typed.chars().filter(|c| !invisible(*c)).collect();
        visible.as_str()
    } else {
        typed
    };
    if let Some(c) = typed_visible.chars().find(|c| (c.is_control() && !c.is_whitespace()) || *c == '\u{FFFD}') {
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            format!(
                "\"{}\" contains a character that is not part of a phone number ({}); type the digits only.",
                typed.escape_debug(),
                c.escape_unicode()
            ),
        ));
    }
    // Messages quote the number as typed; it is read without a `(0)` after the country code.
    let raw = &*crate::normalize::without_written_trunk(typed_visible);
    // "+31 …", "(+31) …": written with its country code.
    let international = raw.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '+').starts_with('+');
    let id: Option<Id> = region.parse().ok();
    let digits = raw.chars().filter(|c| c.is_ascii_digit()).count();
    if digits < 4 {
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            format!("\"{typed}\" has too few digits to be a phone number."),
        ));
    }
    if raw.chars().any(|c| c.is_alphabetic() && !matches!(c, 'x' | 'X' | 'e' | 'E' | 't' | 'T')) {
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            format!("\"{typed}\" contains letters; type the digits only."),
        ));
    }
    if let Some(e164) = fast_e164(raw, region) {
        return Ok(ParsedPhone { e164 });
    }
    // A number written with + does not depend on the desk's region (and the parser, given one,
    // wrongly applies its trunk prefix to foreign numbers).
    let id = if international { None } else { id };
    let number = phonenumber::parse(id, raw).map_err(|_| {
        CoreError::validation(
            field,
            "invalid_phone",
            format!("\"{typed}\" is not a phone number (read as a {region} number)."),
        )
    })?;
    let code = number.code().value();
    let national = number.national().to_string();
    if !is_possible(code, national.len()) {
        let national = id.is_some() && !international && !raw.trim_start().starts_with("00");
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            if national {
                format!("\"{typed}\" has the wrong number of digits for a {region} number; check it, or add the country code (e.g. +44) if it is from abroad.")
            } else {
                format!("\"{typed}\" has the wrong number of digits for a +{code} number; check it.")
            },
        ));
    }
    let e164 = format!("+{code}{national}");
    // Every number kept reads back as itself: the same customer's number typed again later
    // (or found in an import) must be the same number.
    if read_back(&e164).as_deref() != Some(e164.as_str()) {
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            format!("\"{typed}\" is not a phone number (read as a {region} number)."),
        ));
    }
    Ok(ParsedPhone { e164 })
}

/// What an E.164 number the desk stored reads as when it is typed again.
fn read_back(e164: &str) -> Option<String> {
    // Written with its +, the desk's country plays no part.
    if let Some(fast) = fast_e164(e164, "US") {
        return Some(fast);
    }
    let number = phonenumber::parse(None, e164).ok()?;
    let (code, national) = (number.code().value(), number.national().to_string());
    is_possible(code, national.len()).then(|| format!("+{code}{national}"))
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
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(raw: &str, region: &str) -> Option<String> {
        let number = phonenumber::parse(region.parse().ok(), raw).ok()?;
        Some(format!("+{}{}", number.code().value(), number.national()))
    }

    #[test]
    fn the_fast_path_agrees_with_libphonenumber() {
        let mut fast_used = 0;
        for i in 0..6000u64 {
            let row = crate::seed::customer(17, i);
            let (Some(raw), Some(country)) = (row.input.phone, row.input.text.country) else { continue };
            for region in [country.as_str(), "GB", "US", "DE"] {
                if let Some(fast) = fast_e164(&raw, region) {
                    fast_used += 1;
                    // A number written with + means the same on every desk: compare with the
                    // parser reading it in its own country (the parser applies the desk's trunk
                    // prefix to foreign numbers: "+49 172…" read in US loses its 1).
                    let reference = if raw.starts_with('+') { country.as_str() } else { region };
                    assert_eq!(Some(fast), slow(&raw, reference), "{raw} read in {region}");
                }
            }
        }
        for (raw, region) in [
            ("+44 (0)7911 123456", "GB"),
            ("07911 123456", "GB"),
            ("0044 7911 123456", "DE"),
            ("1 (212) 555-0199", "US"),
            ("(212) 555-0199", "US"),
            ("011 44 7911 123456", "US"),
            ("06 12 34 56 78", "FR"),
            ("06 1234 5678", "IT"),
            ("0171/1234567", "DE"),
            ("7911 123456", "GB"),
        ] {
            if let Some(fast) = fast_e164(raw, region) {
                assert_eq!(Some(fast), slow(raw, region), "{raw} read in {region}");
            }
        }
        assert!(fast_used > 10_000, "the fast path should handle the common formats ({fast_used})");
    }

    #[test]
    fn a_foreign_number_keeps_its_digits_on_any_desk() {
        for region in ["US", "GB", "DE"] {
            assert_eq!(parse_phone("phone", "+49 172 6266371", region).unwrap().e164, "+491726266371");
            assert_eq!(parse_phone("phone", "+49 (0)172 6266371", region).unwrap().e164, "+491726266371");
        }
    }

    /// Found by fuzzing: junk before the `+` made the desk's country apply to a number with
    /// its country code, and the same number typed again later got another E.164.
    #[test]
    fn what_was_pasted_around_a_number_does_not_change_it() {
        let clean = parse_phone("phone", "+31 6 1234 5678", "GB").unwrap().e164;
        for typed in ["(+31) 6 1234 5678", "\u{202A}+31 6 1234 5678\u{202C}", "\u{200B}+31 6 1234\u{200B} 5678"] {
            assert_eq!(parse_phone("phone", typed, "GB").unwrap().e164, clean, "{typed:?}");
        }
        for typed in ["\u{3}+31 6 1234 5678", "\u{FFFD}\u{FFFD}+ 3 1045646 30 17"] {
            match parse_phone("phone", typed, "EE") {
                Err(CoreError::Validation { code, message, .. }) => {
                    assert_eq!(code, "invalid_phone");
                    assert!(message.contains("not part of a phone number"), "{message}");
                }
                other => panic!("{typed:?}: {other:?}"),
            }
        }
        // Every number the parser accepts reads back as itself; one that would not is refused.
        let e164 = parse_phone("phone", "+ 3 1045646 30 17", "EE").unwrap().e164;
        assert_eq!(parse_phone("phone", &e164, "EE").unwrap().e164, e164);
        assert!(matches!(parse_phone("phone", "]00]0]080080]12", "GE"), Err(CoreError::Validation { .. })));
        // A number with its + reads the same on a desk whose country the metadata lacks.
        let e164 = parse_phone("phone", "+86001100211292", "DQ").map(|p| p.e164);
        if let Ok(e164) = &e164 {
            assert_eq!(parse_phone("phone", e164, "DQ").unwrap().e164, *e164);
            assert_eq!(parse_phone("phone", e164, "GB").unwrap().e164, *e164);
        }
    }
}
