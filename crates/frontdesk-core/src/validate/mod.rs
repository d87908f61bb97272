//! Field validation: every rule that decides whether a value may be stored, with an error that
//! names the field, a stable code and a sentence a receptionist can act on.

mod email;
mod phone;

pub use email::{check_email, is_disposable_domain};
pub use phone::{display_phone, parse_phone, ParsedPhone};

use crate::error::{CoreError, CoreResult};

/// A trimmed single-line text with whitespace runs collapsed. Control characters are rejected
/// (tabs and newlines inside a one-line field are turned into spaces).
pub fn single_line(field: &str, value: &str, max_chars: usize) -> CoreResult<String> {
    let value: String = value.chars().map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c }).collect();
    reject_controls(field, &value)?;
    let value = crate::normalize::tidy_spaces(&value);
    check_length(field, &value, max_chars)?;
    Ok(value)
}

/// Free text that may have several lines (remarks). Trimmed; `\r\n` becomes `\n`; other control
/// characters are rejected.
pub fn multi_line(field: &str, value: &str, max_chars: usize) -> CoreResult<String> {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    for c in value.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            return Err(control_error(field, c));
        }
    }
    let value = value.trim().to_string();
    check_length(field, &value, max_chars)?;
    Ok(value)
}

fn reject_controls(field: &str, value: &str) -> CoreResult<()> {
    match value.chars().find(|c| c.is_control() || *c == '\u{200b}' || *c == '\u{feff}') {
        Some(c) => Err(control_error(field, c)),
        None => Ok(()),
    }
}

fn control_error(field: &str, c: char) -> CoreError {
    CoreError::validation(
        field,
        "control_character",
        format!(
            "Contains an invisible control character (U+{:04X}); retype the value instead of pasting it.",
            c as u32
        ),
    )
}

fn check_length(field: &str, value: &str, max_chars: usize) -> CoreResult<()> {
    let n = value.chars().count();
    if n > max_chars {
        return Err(CoreError::validation(
            field,
            "too_long",
            format!("Is {n} characters long; the limit is {max_chars}."),
        ));
    }
    Ok(())
}

/// An ISO 3166-1 alpha-2 country code (`gb` → `GB`), one known to the phone-number metadata.
pub fn country(field: &str, value: &str) -> CoreResult<String> {
    let code = value.trim().to_ascii_uppercase();
    if code.len() == 2 && code.parse::<phonenumber::country::Id>().is_ok() {
        Ok(code)
    } else {
        Err(CoreError::validation(
            field,
            "invalid_country",
            format!("\"{}\" is not a two-letter ISO country code (e.g. GB, US, DE).", value.trim()),
        ))
    }
}
