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

/// How a record matches a query, best first; a record is ranked by its best tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// The whole code, phone or email.
    Exact,
    /// The start of a customer code.
    CodePrefix,
    /// The start of each word of the name (or the email's words).
    NameWords,
    /// A fragment inside a phone number or an email.
    Fragment,
}

impl Tier {
    /// Every tier, best first.
    pub const ALL: [Tier; 4] = [Tier::Exact, Tier::CodePrefix, Tier::NameWords, Tier::Fragment];

    /// Its place in the ranking, as page cursors keep it.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The tier at `rank`, if there is one.
    pub fn from_rank(rank: u8) -> Option<Tier> {
        Tier::ALL.get(rank as usize).copied()
    }
}

/// The best tier a record matches in, or `None`. (For a complete email address that belongs
/// to a live customer only exact matches count; whether it does is known to the caller, see
/// [`fragments_apply`].)
pub fn tier(q: &ParsedQuery, f: &MatchFields<'_>) -> Option<Tier> {
    Tier::ALL.into_iter().find(|t| in_tier(q, f, *t))
}

/// Whether fragment matches ([`Tier::Fragment`]) are searched: not for a complete, valid email address
/// that some customer has exactly.
pub fn fragments_apply(q: &ParsedQuery, exact_found: bool) -> bool {
    !(exact_found && matches!(q, ParsedQuery::Email { key } if crate::validate::check_email("q", key).is_ok()))
}

/// Whether the record satisfies tier `t`'s condition (regardless of better tiers).
pub fn in_tier(q: &ParsedQuery, f: &MatchFields<'_>, t: Tier) -> bool {
    match (q, t) {
        (ParsedQuery::Empty, Tier::NameWords) => true,
        (ParsedQuery::Digits { digits, exact_e164, plain, .. }, Tier::Exact) => {
            let exact_phone = exact_e164.is_some() && f.phone_e164 == exact_e164.as_deref();
            let exact_code = *plain && f.code.split_once('-').map(|(_, n)| n == digits).unwrap_or(false);
            exact_phone || exact_code
        }
        (ParsedQuery::Digits { digits, fragments, .. }, Tier::Fragment) => {
            digits.len() >= MIN_FRAGMENT
                && f.phone_e164
                    .map(normalize::phone_keys)
                    .map(|k| fragments.iter().any(|x| k.contains(x.as_str())))
                    .unwrap_or(false)
        }
        (ParsedQuery::Email { key }, Tier::Exact) => f.email.map(|e| &normalize::email_key(e) == key).unwrap_or(false),
        (ParsedQuery::Email { key }, Tier::Fragment)
        | (ParsedQuery::Text { email_fragment: Some(key), .. }, Tier::Fragment) => {
            key.chars().count() >= MIN_FRAGMENT && f.email.map(|e| email_words_match(key, e)).unwrap_or(false)
        }
        (ParsedQuery::Text { code: Some(code), .. }, Tier::Exact) => f.code == code,
        (ParsedQuery::Text { code: Some(code), .. }, Tier::CodePrefix) => f.code.starts_with(code.as_str()),
        (ParsedQuery::Text { words, .. }, Tier::NameWords) => {
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
