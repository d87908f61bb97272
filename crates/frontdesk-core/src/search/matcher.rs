//! The search semantics written plainly, one record at a time. The indexed search must return
//! exactly what this returns (property-tested); archived records, which are not in the search
//! indexes, are searched with it directly.

use super::query::{ParsedQuery, MIN_FRAGMENT};
use crate::normalize;

/// The fields a record is matched on.
#[derive(Debug, Clone)]
pub struct MatchFields<'a> {
    pub code: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: Option<&'a str>,
    pub phone_e164: Option<&'a str>,
}

/// Tiers, best first: 0 exact (code, phone, email), 1 customer-code prefix, 2 name-word
/// prefix, 3 fragment inside a phone number or email. A record is ranked by its best tier.
pub const TIERS: u8 = 4;

/// The best tier a record matches in, or `None`. (For a complete email address that belongs
/// to a live customer only exact matches count; whether it does is known to the caller, see
/// [`fragments_apply`].)
pub fn tier(q: &ParsedQuery, f: &MatchFields<'_>) -> Option<u8> {
    (0..TIERS).find(|t| in_tier(q, f, *t))
}

/// Whether fragment matches (tier 3) are searched: not for a complete, valid email address
/// that some customer has exactly.
pub fn fragments_apply(q: &ParsedQuery, exact_found: bool) -> bool {
    !(exact_found && matches!(q, ParsedQuery::Email { key } if crate::validate::check_email("q", key).is_ok()))
}

/// Whether the record satisfies tier `t`'s condition (regardless of better tiers).
pub fn in_tier(q: &ParsedQuery, f: &MatchFields<'_>, t: u8) -> bool {
    match (q, t) {
        (ParsedQuery::Empty, 2) => true,
        (ParsedQuery::Digits { digits, exact_e164, plain, .. }, 0) => {
            let exact_phone = exact_e164.is_some() && f.phone_e164 == exact_e164.as_deref();
            let exact_code = *plain && f.code.split_once('-').map(|(_, n)| n == digits).unwrap_or(false);
            exact_phone || exact_code
        }
        (ParsedQuery::Digits { digits, fragments, .. }, 3) => {
            digits.len() >= MIN_FRAGMENT
                && f.phone_e164
                    .map(normalize::phone_keys)
                    .map(|k| fragments.iter().any(|x| k.contains(x.as_str())))
                    .unwrap_or(false)
        }
        (ParsedQuery::Email { key }, 0) => f.email.map(|e| &normalize::email_key(e) == key).unwrap_or(false),
        (ParsedQuery::Email { key }, 3) | (ParsedQuery::Text { email_fragment: Some(key), .. }, 3) => {
            key.chars().count() >= MIN_FRAGMENT && f.email.map(|e| email_words_match(key, e)).unwrap_or(false)
        }
        (ParsedQuery::Text { code: Some(code), .. }, 0) => f.code == code,
        (ParsedQuery::Text { code: Some(code), .. }, 1) => f.code.starts_with(code.as_str()),
        (ParsedQuery::Text { words, .. }, 2) => {
            let keys = normalize::name_keys(f.first_name, f.last_name, f.email);
            let tokens: Vec<&str> = keys.split(' ').collect();
            !words.is_empty() && words.iter().all(|w| tokens.iter().any(|t| t.starts_with(w.as_str())))
        }
        _ => false,
    }
}

/// An email fragment matches when its words run, in order, through the address's words: each
/// equal except the last, which may be the start of a word (`bakker31` in `c.bakker318@x.pl`,
/// `@o2.p` in `…@o2.pl`).
pub fn email_words_match(fragment: &str, email: &str) -> bool {
    let q = normalize::email_words(fragment);
    let q: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
    let e = normalize::email_words(email);
    let e: Vec<&str> = e.split(' ').collect();
    if q.is_empty() || q.len() > e.len() {
        return false;
    }
    (0..=e.len() - q.len()).any(|start| {
        q.iter()
            .enumerate()
            .all(|(i, w)| if i + 1 == q.len() { e[start + i].starts_with(w) } else { e[start + i] == *w })
    })
}
