//! The SQL pieces a search is built from: the directory filter, and the FTS5 queries for
//! names, phone fragments and email fragments.

use rusqlite::types::Value;

use super::query::{ParsedQuery, MIN_FRAGMENT};
use super::{ActivityFilter, SearchFilter, SortBy, StatusFilter, ACTIVITY_MAX_DAYS, NEW_DAYS};
use crate::error::{CoreError, CoreResult};

pub(super) const DAY_MS: i64 = 86_400_000;

/// The activity filter's days, checked.
pub(super) fn check_activity(f: &SearchFilter) -> CoreResult<()> {
    if let Some(ActivityFilter::VisitedWithin { days } | ActivityFilter::NotVisitedFor { days }) = f.activity {
        if days == 0 || days > ACTIVITY_MAX_DAYS {
            return Err(CoreError::validation(
                "activity",
                "out_of_range",
                format!("Give a number of days from 1 to {ACTIVITY_MAX_DAYS}."),
            ));
        }
    }
    Ok(())
}

/// SQL conditions on `c` for a filter at time `now` (ms).
pub(super) fn filter_sql(f: &SearchFilter, now: i64, params: &mut Vec<Value>) -> String {
    filter_sql_for(f, now, params, None)
}

/// The same, for a page read in `sort`'s order: the activity condition is then checked on each
/// row met along the sort's index (`+column` keeps SQLite from reading the activity index and
/// sorting every match instead — a fifth to a third of a million customers), unless the sort
/// is by that very column.
pub(super) fn filter_sql_for(f: &SearchFilter, now: i64, params: &mut Vec<Value>, sort: Option<SortBy>) -> String {
    let mut sql = String::new();
    match f.status {
        StatusFilter::Live => sql.push_str(" AND c.archived_at IS NULL"),
        StatusFilter::Active => sql.push_str(" AND c.archived_at IS NULL AND c.status = 0"),
        StatusFilter::Blocked => sql.push_str(" AND c.archived_at IS NULL AND c.status = 1"),
        StatusFilter::Archived => sql.push_str(" AND c.archived_at IS NOT NULL"),
        StatusFilter::All => {}
    }
    if let Some(b) = f.branch {
        params.push(Value::Integer(b.0));
        sql.push_str(&format!(" AND c.branch_id = ?{}", params.len()));
    }
    if let Some(from) = f.created_from {
        params.push(Value::Integer(from));
        sql.push_str(&format!(" AND c.created_at >= ?{}", params.len()));
    }
    if let Some(to) = f.created_to {
        params.push(Value::Integer(to));
        sql.push_str(&format!(" AND c.created_at < ?{}", params.len()));
    }
    let mut at = |ms: i64, cond: &str| {
        params.push(Value::Integer(ms));
        sql.push_str(&cond.replace('?', &format!("?{}", params.len())));
    };
    let hint = |own: &[SortBy]| match sort {
        Some(s) if !own.contains(&s) => "+",
        _ => "",
    };
    let visit = hint(&[SortBy::LastVisit]);
    let created = hint(&[SortBy::Created, SortBy::Relevance]);
    let next = hint(&[]);
    match f.activity {
        Some(ActivityFilter::VisitedWithin { days }) => {
            at(now - days as i64 * DAY_MS, &format!(" AND {visit}c.last_visit_at >= ?"))
        }
        Some(ActivityFilter::NotVisitedFor { days }) => {
            at(now - days as i64 * DAY_MS, &format!(" AND {visit}c.last_visit_at > 0 AND {visit}c.last_visit_at < ?"))
        }
        Some(ActivityFilter::Never) => sql.push_str(&format!(" AND {visit}c.last_visit_at = 0")),
        Some(ActivityFilter::New) => at(now - NEW_DAYS * DAY_MS, &format!(" AND {created}c.created_at >= ?")),
        Some(ActivityFilter::Upcoming) => at(now, &format!(" AND {next}c.next_appointment_at >= ?")),
        None => {}
    }
    // A segment's conditions, each `?` numbered after the parameters before it.
    for c in &f.compiled.0 {
        let mut pieces = c.sql.split('?');
        sql.push_str(" AND (");
        sql.push_str(pieces.next().unwrap_or(""));
        for (piece, p) in pieces.zip(&c.params) {
            params.push(p.value());
            sql.push_str(&format!("?{}", params.len()));
            sql.push_str(piece);
        }
        sql.push(')');
    }
    sql
}

pub(super) fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Fragments this long are matched by three spread pieces plus a check ([`Verify`]).
pub(super) const LONG_FRAGMENT: usize = 7;

/// Where and how phone fragments are looked up: the search table, its FTS query (the
/// fragments' alternatives joined with OR), and whether the rows must be checked on the record.
/// Three-character fragments are one word of the trigram table. Longer ones are phrases of their
/// four-character pieces ([`crate::normalize::phone_grams`]) while short, and three pieces spread
/// over the national number when long (each then a short list; the calling code's pieces are
/// in every number of that country), checked on the record.
pub(super) fn phone_expr(fragments: &[String]) -> (&'static str, String, bool) {
    let short = |f: &&String| f.chars().count() <= MIN_FRAGMENT;
    let any = |parts: Vec<String>| parts.join(" OR ");
    if fragments.iter().all(|f| short(&f)) {
        return ("customer_phone_fts", any(fragments.iter().map(|f| fts_phrase(f)).collect()), false);
    }
    if fragments.iter().any(|f| short(&f) && !f.starts_with(':')) {
        // Not asked by the query parser (a short alternative beside a longer one is a local
        // number's start, below): every trigram of each fragment, checked on the record.
        let trigrams = |f: &String| {
            let chars: Vec<char> = f.chars().collect();
            chars
                .windows(MIN_FRAGMENT.min(chars.len()).max(1))
                .map(|w| fts_phrase(&w.iter().collect::<String>()))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        return ("customer_phone_fts", any(fragments.iter().map(|f| format!("({})", trigrams(f))).collect()), true);
    }
    let mut verify = false;
    let expr = fragments
        .iter()
        .map(|f| {
            let pieces = crate::normalize::grams(f, 4);
            if short(&f) {
                // A local number's start (`:12`) beside a longer alternative (after a two-digit
                // trunk prefix, `0612`): the start of a piece, as national numbers are longer.
                return format!("{}*", fts_phrase(&pieces.concat()));
            }
            if f.chars().count() < LONG_FRAGMENT {
                return fts_phrase(&pieces.join(" "));
            }
            verify = true;
            let national = f.split_once(':').map(|(_, n)| n).unwrap_or(f);
            let picked = if national.chars().count() >= 4 { crate::normalize::grams(national, 4) } else { pieces };
            let n = picked.len();
            let mut three = vec![&picked[0], &picked[n / 2], &picked[n - 1]];
            three.dedup();
            format!("({})", three.iter().map(|t| fts_phrase(t)).collect::<Vec<_>>().join(" AND "))
        })
        .collect();
    ("customer_phone4_fts", any(expr), verify)
}

/// The FTS query for name words: each word a prefix. With several words and one of three
/// letters or more (the anchor, the longest), the others are asked as pairs with it
/// ([`crate::normalize::name_pair`]: `maria s` → `maria*` AND `mar`+`s*`; `noel de` → `noel*`
/// AND `noe`+`de`), whose lists are short where a one- or two-letter prefix's are a tenth of the
/// directory. A word longer than a pair keeps of it is also asked by itself.
pub(super) fn name_expr(words: &[&String]) -> String {
    use crate::normalize::{PAIR_ANCHOR, PAIR_OTHER};
    let mut sorted = words.to_vec();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    // A word that starts a longer one (or repeats it) is matched wherever that one is: `anna a`
    // is `anna*`. The words left each need a record word of their own, so a pair of the anchor
    // and another word comes from two of the record's words (records keep no pair of a word
    // with itself).
    let mut kept: Vec<&String> = Vec::with_capacity(sorted.len());
    for w in sorted {
        if !kept.iter().any(|k| k.starts_with(w.as_str())) {
            kept.push(w);
        }
    }
    let sorted = kept;
    let prefix = |w: &str| format!("{}*", fts_phrase(w));
    let letters = |w: &str| w.chars().count();
    if sorted.len() < 2 || letters(sorted[0]) < PAIR_ANCHOR {
        return sorted.iter().map(|w| prefix(w)).collect::<Vec<_>>().join(" ");
    }
    let anchor = sorted[0];
    let words = std::iter::once(anchor)
        .filter(|w| letters(w) > PAIR_ANCHOR)
        .chain(sorted[1..].iter().copied().filter(|w| letters(w) > PAIR_OTHER))
        .map(|w| prefix(w));
    let pairs = sorted[1..].iter().map(|w| {
        // A one-letter word is the start of pairs: the name table's prefix index of fifteen
        // characters (head, anchor, one letter) has them in one list.
        let pair = crate::normalize::name_pair(anchor, w);
        if letters(w) < PAIR_OTHER {
            prefix(&pair)
        } else {
            fts_phrase(&pair)
        }
    });
    words.chain(pairs).collect::<Vec<_>>().join(" ")
}

/// The FTS query for an email fragment's adjacent word pairs ([`crate::normalize::email_pair`]):
/// `o.har` → `"o_har"`, `j.smith.123` → `"j_smi" "smi_123"`. Only whole pair tokens: a last word
/// shorter than a pair keeps (`zoe.r`) leaves its pair out, as the start of a pair token (no
/// prefix index in that table) would merge the lists of every pair that starts so (`gma_c*`:
/// every Gmail address, tens of milliseconds). `None` when no pair is left.
pub(super) fn email_pairs_expr(words: &[&str]) -> Option<String> {
    use crate::normalize::{email_pair, EMAIL_PAIR_LETTERS};
    let pairs: Vec<String> = words
        .windows(2)
        .enumerate()
        .filter(|(i, w)| i + 2 < words.len() || w[1].chars().count() >= EMAIL_PAIR_LETTERS)
        .map(|(_, w)| fts_phrase(&email_pair(w[0], w[1])))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(" "))
}

/// The pair query when it matches exactly what the fragment does: two words, the first shorter
/// than a pair keeps (so the pair has it whole: `j_hal` is `j` then a word starting with `hal`),
/// the second as long as a pair keeps (a start is all a pair keeps; a shorter one is left out,
/// see [`email_pairs_expr`]).
pub(super) fn exact_email_pair(fragment: &str) -> Option<String> {
    use crate::normalize::EMAIL_PAIR_LETTERS;
    let words = crate::normalize::email_words(fragment);
    let list: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let shape = list.len() == 2
        && list[0].chars().count() < EMAIL_PAIR_LETTERS
        && list[1].chars().count() == EMAIL_PAIR_LETTERS;
    shape.then(|| email_pairs_expr(&list)).flatten()
}

/// The email fragment a query asks for in the fragment tier, if any.
pub(super) fn email_fragment(q: &ParsedQuery) -> Option<&str> {
    match q {
        ParsedQuery::Email { key } | ParsedQuery::Text { email_fragment: Some(key), .. } => Some(key),
        _ => None,
    }
}

/// An FTS table as a source; joined to `customers` only when a filter needs the row.
pub(super) fn fts_from(table: &str, m: &str, plain: bool) -> String {
    if plain {
        format!("{table} x WHERE {table} MATCH {m}")
    } else {
        format!("{table} x JOIN customers c ON c.seq = x.rowid WHERE {table} MATCH {m}")
    }
}
