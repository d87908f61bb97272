//! Reading what was typed into the search box.

use serde::Serialize;

use crate::normalize;

/// What a query was understood as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParsedQuery {
    Empty,
    /// Digits with optional phone formatting (`+44 (0)7700-900 123`, `0044…`, `555.12`).
    Digits {
        digits: String,
        /// What to look for in the phone index ([`crate::normalize::phone_query_fragments`]).
        fragments: Vec<String>,
        /// The number as an E.164 phone in the desk's region, when it is a complete number.
        exact_e164: Option<String>,
        /// Only digits were typed (no `+`, spaces or punctuation): may be a customer code number.
        plain: bool,
    },
    /// Contains `@`, or looks like part of an address (`gmail.com`, `j.smith`, `salon88`):
    /// lower-cased.
    Email {
        key: String,
    },
    /// Name words, folded; and the query as a customer code when it looks like one.
    /// `email_fragment`: a code-like word with digits (`ann1990`) may also be part of an email.
    Text {
        words: Vec<String>,
        code: Option<String>,
        email_fragment: Option<String>,
    },
}

/// Fragments shorter than this many digits / characters match only exactly.
pub const MIN_FRAGMENT: usize = 3;

pub fn parse(query: &str, region: &str) -> ParsedQuery {
    let q = query.trim();
    if q.is_empty() {
        return ParsedQuery::Empty;
    }
    let phone_chars = |c: char| c.is_ascii_digit() || " +-.()/".contains(c);
    if q.chars().all(phone_chars) && q.chars().any(|c| c.is_ascii_digit()) {
        let (digits, international) = normalize::phone_query_digits(q);
        let exact_e164 = if digits.len() >= 6 {
            crate::validate::parse_phone("query", q, region).ok().map(|p| p.e164).or_else(|| {
                // A whole international number typed without its + (`447700900123`, copied from
                // a messaging app): found as that number.
                (!international && digits.len() >= 10)
                    .then(|| crate::validate::parse_phone("query", &format!("+{digits}"), region).ok().map(|p| p.e164))
                    .flatten()
            })
        } else {
            None
        };
        let fragments = normalize::phone_query_fragments(q, region);
        return ParsedQuery::Digits { plain: q.chars().all(|c| c.is_ascii_digit()), digits, fragments, exact_e164 };
    }
    let code = normalize::code_query(q);
    if q.contains('@') || (code.is_none() && (looks_like_email_fragment(q) || letters_and_digits(q))) {
        return ParsedQuery::Email { key: normalize::email_key(q) };
    }
    // Apostrophes are left out (`o'neill` = `oneill`): names with one are also indexed written
    // together, and some are stored without it.
    let words = normalize::fold(&q.replace(normalize::APOSTROPHES, ""))
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect::<Vec<_>>();
    if words.is_empty() && code.is_none() {
        return ParsedQuery::Empty;
    }
    let email_fragment = (code.is_some() && letters_and_digits(q)).then(|| normalize::email_key(q));
    ParsedQuery::Text { words, code, email_fragment }
}

/// One word mixing letters and digits (`salon88`): only an email address has those.
fn letters_and_digits(q: &str) -> bool {
    !q.chars().any(char::is_whitespace) && q.chars().any(|c| c.is_ascii_digit()) && q.chars().any(char::is_alphabetic)
}

/// One word with a dot inside that joins letters or digits: `gmail.com`, `j.smith`.
fn looks_like_email_fragment(q: &str) -> bool {
    if q.chars().any(char::is_whitespace) || !q.chars().all(|c| c.is_alphanumeric() || "._-+".contains(c)) {
        return false;
    }
    let chars: Vec<char> = q.chars().collect();
    chars.windows(3).any(|w| w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_queries() {
        match parse("+44 7700 900123", "US") {
            ParsedQuery::Digits { digits, exact_e164, plain, .. } => {
                assert_eq!(digits, "447700900123");
                assert_eq!(exact_e164.as_deref(), Some("+447700900123"));
                assert!(!plain);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("1042", "GB"), ParsedQuery::Digits { plain: true, .. }));
        assert!(matches!(parse("(555) 12", "GB"), ParsedQuery::Digits { plain: false, .. }));
        // A whole international number without its +, on a desk of another country; a number
        // written with (0) after the country code.
        let exact = |q: &str, region: &str| match parse(q, region) {
            ParsedQuery::Digits { exact_e164, .. } => exact_e164,
            other => panic!("{other:?}"),
        };
        assert_eq!(exact("447700900123", "US").as_deref(), Some("+447700900123"));
        assert_eq!(exact("4930 1234 5678", "GB").as_deref(), Some("+493012345678"));
        assert_eq!(exact("+44 (0)7700 900123", "US").as_deref(), Some("+447700900123"));
    }

    #[test]
    fn email_and_text_queries() {
        assert_eq!(parse("Ann@Ex", "GB"), ParsedQuery::Email { key: "ann@ex".into() });
        assert_eq!(parse("gmail.com", "GB"), ParsedQuery::Email { key: "gmail.com".into() });
        assert_eq!(
            parse("Zoë  Mül", "GB"),
            ParsedQuery::Text { words: vec!["zoe".into(), "mul".into()], code: None, email_fragment: None }
        );
        assert_eq!(
            parse("qkm-10", "GB"),
            ParsedQuery::Text {
                words: vec!["qkm".into(), "10".into()],
                code: Some("QKM-10".into()),
                email_fragment: Some("qkm-10".into())
            }
        );
        assert_eq!(parse("  ", "GB"), ParsedQuery::Empty);
        assert_eq!(parse("--", "GB"), ParsedQuery::Empty);
    }
}
