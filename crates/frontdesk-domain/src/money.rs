//! Currencies: which one a region uses by default, how many minor units make a whole unit.
//! Amounts everywhere are integer minor units (pence, cents); nothing here uses floats.

use crate::error::{CoreError, CoreResult};

/// A small table of the regions our customers are in; anything else defaults to USD and can be
/// changed in the settings.
const REGION_CURRENCY: &[(&str, &str)] = &[
    ("GB", "GBP"),
    ("IE", "EUR"),
    ("US", "USD"),
    ("CA", "CAD"),
    ("AU", "AUD"),
    ("NZ", "NZD"),
    ("DE", "EUR"),
    ("FR", "EUR"),
    ("ES", "EUR"),
    ("IT", "EUR"),
    ("NL", "EUR"),
    ("BE", "EUR"),
    ("AT", "EUR"),
    ("PT", "EUR"),
    ("FI", "EUR"),
    ("GR", "EUR"),
    ("LU", "EUR"),
    ("SK", "EUR"),
    ("SI", "EUR"),
    ("EE", "EUR"),
    ("LV", "EUR"),
    ("LT", "EUR"),
    ("HR", "EUR"),
    ("MT", "EUR"),
    ("CY", "EUR"),
    ("PL", "PLN"),
    ("CZ", "CZK"),
    ("HU", "HUF"),
    ("SE", "SEK"),
    ("NO", "NOK"),
    ("DK", "DKK"),
    ("CH", "CHF"),
    ("TR", "TRY"),
    ("ZA", "ZAR"),
    ("IN", "INR"),
    ("JP", "JPY"),
    ("KR", "KRW"),
    ("SG", "SGD"),
    ("HK", "HKD"),
    ("AE", "AED"),
    ("SA", "SAR"),
    ("BR", "BRL"),
    ("MX", "MXN"),
    ("AR", "ARS"),
    ("CL", "CLP"),
    ("CO", "COP"),
    ("NG", "NGN"),
    ("KE", "KES"),
    ("RO", "RON"),
    ("BG", "BGN"),
    ("UA", "UAH"),
    ("IL", "ILS"),
    ("TH", "THB"),
    ("MY", "MYR"),
    ("PH", "PHP"),
    ("ID", "IDR"),
    ("VN", "VND"),
    ("CN", "CNY"),
    ("TW", "TWD"),
    ("IS", "ISK"),
];

/// Currencies without minor units (ISO 4217 exponent 0).
const NO_MINOR_UNITS: &[&str] = &["JPY", "KRW", "CLP", "VND", "ISK", "UGX", "PYG", "XOF", "XAF"];

pub fn currency_of_region(region: &str) -> &'static str {
    REGION_CURRENCY.iter().find(|(r, _)| *r == region).map(|(_, c)| *c).unwrap_or("USD")
}

/// Currencies with three decimals (ISO 4217 exponent 3).
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

/// Minor units in one whole unit: 100 for GBP/EUR/USD, 1 for JPY, 1000 for KWD.
pub fn minor_per_unit(currency: &str) -> i64 {
    if NO_MINOR_UNITS.contains(&currency) {
        1
    } else if THREE_DECIMALS.contains(&currency) {
        1000
    } else {
        100
    }
}

/// Checks an ISO 4217 code as typed (three letters).
pub fn currency(field: &str, text: &str) -> CoreResult<String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(code)
    } else {
        Err(CoreError::validation(
            field,
            "invalid_currency",
            format!("\"{}\" is not a currency code; use three letters such as GBP, EUR or USD.", text.trim()),
        ))
    }
}

/// The largest amount a single price, payment or refund may be (10 million whole units).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000;

/// An amount that must be a whole number of minor units from `min` to [`MAX_AMOUNT_MINOR`].
pub fn amount(field: &str, value: i64, min: i64) -> CoreResult<i64> {
    if value < min {
        let what = if min > 0 { "more than zero" } else { "zero or more" };
        return Err(CoreError::validation(field, "out_of_range", format!("The amount must be {what}.")));
    }
    if value > MAX_AMOUNT_MINOR {
        return Err(CoreError::validation(field, "out_of_range", "The amount is too large for one entry."));
    }
    Ok(value)
}

/// `1250`, `GBP` → `12.50 GBP` (plain text, for messages and the CLI).
pub fn format_minor(minor: i64, currency: &str) -> String {
    let per = minor_per_unit(currency);
    if per == 1 {
        return format!("{minor} {currency}");
    }
    let digits = per.ilog10() as usize;
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:0digits$} {currency}", minor.abs() / per, minor.abs() % per)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_with_the_currencys_decimals() {
        assert_eq!(format_minor(1250, "GBP"), "12.50 GBP");
        assert_eq!(format_minor(-5, "EUR"), "-0.05 EUR");
        assert_eq!(format_minor(1250, "JPY"), "1250 JPY");
        assert_eq!(format_minor(1250, "KWD"), "1.250 KWD");
        assert_eq!(currency_of_region("GB"), "GBP");
        assert_eq!(currency_of_region("ZZ"), "USD");
        assert!(currency("currency", "eu").is_err());
        assert_eq!(currency("currency", " eur ").unwrap(), "EUR");
    }
}
