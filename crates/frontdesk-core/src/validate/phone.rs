//! Phone numbers, read with libphonenumber's metadata (the `phonenumber` crate).

use phonenumber::country::Id;
use phonenumber::Mode;

use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPhone {
    pub e164: String,
    /// The region the number belongs to (`GB`), when the metadata knows it.
    pub region: Option<String>,
    pub international: String,
}

/// Parses `raw` as typed; numbers without a country code are read in `region`.
pub fn parse_phone(field: &str, raw: &str, region: &str) -> CoreResult<ParsedPhone> {
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
    if !phonenumber::is_valid(&number) {
        return Err(CoreError::validation(
            field,
            "invalid_phone",
            format!(
                "\"{raw}\" is not a valid {} number; check the digits, or add the country code (e.g. +44) if it is from abroad.",
                number.country().id().map(|c| c.as_ref().to_string()).unwrap_or_else(|| region.to_string())
            ),
        ));
    }
    Ok(ParsedPhone {
        e164: number.format().mode(Mode::E164).to_string(),
        region: number.country().id().map(|c| c.as_ref().to_string()),
        international: number.format().mode(Mode::International).to_string(),
    })
}

/// A stored E.164 number formatted for display in the desk's region (national form for local
/// numbers, international otherwise).
pub fn display_phone(e164: &str, desk_region: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(n) => {
            let local = n.country().id().map(|c| c.as_ref() == desk_region).unwrap_or(false);
            n.format().mode(if local { Mode::National } else { Mode::International }).to_string()
        }
        Err(_) => e164.to_string(),
    }
}
