//! Email syntax (via `email_address`) and the shipped list of disposable-mail domains.

use std::collections::HashSet;
use std::sync::OnceLock;

use email_address::EmailAddress;

use crate::error::{CoreError, CoreResult};

static DISPOSABLE: OnceLock<HashSet<&'static str>> = OnceLock::new();

fn disposable() -> &'static HashSet<&'static str> {
    DISPOSABLE.get_or_init(|| {
        include_str!("../../data/disposable_domains.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `domain` or one of its parent domains is a known throwaway-mail service.
pub fn is_disposable_domain(domain: &str) -> bool {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let list = disposable();
    let mut d = domain.as_str();
    loop {
        if list.contains(d) {
            return true;
        }
        match d.split_once('.') {
            Some((_, rest)) if rest.contains('.') => d = rest,
            _ => return false,
        }
    }
}

/// Checks an email (already trimmed) and returns it unchanged.
pub fn check_email(field: &str, email: &str) -> CoreResult<()> {
    let invalid = |why: &str| {
        CoreError::validation(
            field,
            "invalid_email",
            format!("\"{email}\" is not a valid email address: {}.", why.trim_end_matches('.')),
        )
    };
    if email.chars().any(char::is_whitespace) {
        return Err(invalid("it contains a space"));
    }
    let parsed = EmailAddress::parse_with_options(email, email_address::Options::default().without_display_text())
        .map_err(|e| invalid(&e.to_string().to_lowercase()))?;
    let domain = parsed.domain();
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    if labels.len() < 2
        || tld.len() < 2
        || !tld.chars().all(|c| c.is_alphabetic())
        || labels.iter().any(|l| l.is_empty())
    {
        return Err(invalid("the part after @ must be a domain such as example.com"));
    }
    if is_disposable_domain(domain) {
        return Err(CoreError::validation(
            field,
            "disposable_email",
            format!("{domain} is a throwaway email service; ask the customer for an address they keep."),
        ));
    }
    Ok(())
}
