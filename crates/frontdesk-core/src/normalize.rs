//! Match keys: the one place where text is folded for indexing and for querying.
//!
//! The search index stores what these functions return (written by `store::search_index`), and the
//! query parser folds what the user typed with the same functions, so indexing and querying
//! can never disagree.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, diacritics removed, every run of non-alphanumeric characters turned into one
/// space, trimmed. `"  Zoë  Müller-Lüdenscheidt "` → `"zoe muller ludenscheidt"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'ß' | 'ẞ' => 's', // "s" keeps prefixes working ("stra" ~ "straße"); "ss" is in spelled_out
            'ø' | 'Ø' => 'o',
            'đ' | 'Đ' => 'd',
            'ł' | 'Ł' => 'l',
            'æ' | 'Æ' => 'a',
            'œ' | 'Œ' => 'o',
            'ı' => 'i',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// The words a customer is found by in a name search: first name, last name and the letter
/// runs of the email's local part (`zm.salon88@…` → `zm salon`), folded. Digits of email
/// addresses are left out: they are found as email fragments, and as words they would make
/// thousands of one-customer terms (`smith1`, `smith2`, …) that slow every prefix query.
pub fn name_keys(first: &str, last: &str, email: Option<&str>) -> String {
    let mut keys = fold(first);
    let local = email.map(|e| letter_runs(&fold(email_local_part(e)))).unwrap_or_default();
    for part in
        [fold(last), local, spelled_out(first), spelled_out(last), written_together(first), written_together(last)]
    {
        if !part.is_empty() {
            if !keys.is_empty() {
                keys.push(' ');
            }
            keys.push_str(&part);
        }
    }
    keys
}

/// Letters a name pair keeps of its anchor word (`noel` → `noe`), and of the other word.
pub const PAIR_ANCHOR: usize = 3;
pub const PAIR_OTHER: usize = 2;
/// Letters an email pair keeps of each word.
pub const EMAIL_PAIR_LETTERS: usize = 3;

/// The start of every name pair token: eleven `_` (a word character of the name search table
/// only, never in folded text or a folded query), as long as the table's longest word prefix
/// index, so the prefix entries FTS5 writes for the pair tokens are the head's, shared by all
/// pairs of a record.
const PAIR_HEAD: &str = "___________";

/// The pair token of two name words (or word starts): the head, the first three letters of
/// `anchor`, the first two (or one) of `other`. A record has `name_pair(a, b)` for every word `a`
/// of three letters or more and every other word `b` of its [`name_keys`].
pub fn name_pair(anchor: &str, other: &str) -> String {
    let mut t = String::with_capacity(PAIR_HEAD.len() + 24);
    t.push_str(PAIR_HEAD);
    t.extend(anchor.chars().take(PAIR_ANCHOR));
    t.extend(other.chars().take(PAIR_OTHER));
    t
}

/// The pair tokens of a record's [`name_keys`], space-separated (empty when no word has three
/// letters): what lets a search for `Noël de G` read the short lists of `noe`+`de` and
/// `noe`+`g` instead of the long ones of `de*` and `g*`.
pub fn name_pairs(keys: &str) -> String {
    let words: Vec<&str> = keys.split(' ').filter(|w| !w.is_empty()).collect();
    let mut pairs: Vec<String> = Vec::new();
    for (i, a) in words.iter().enumerate().filter(|(_, w)| w.chars().nth(PAIR_ANCHOR - 1).is_some()) {
        // Not a word with itself: a query word that only its anchor's record word could match
        // starts the anchor, and is left out of the lookup (see `search::exec::name_expr`).
        for b in words.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, b)| b) {
            let t = name_pair(a, b);
            if !pairs.contains(&t) {
                pairs.push(t);
            }
        }
    }
    pairs.join(" ")
}

/// The adjacent word pairs of an email address, three letters (or digits) of each, joined by
/// `_`: `zoe.roberts123@ziggo.nl` → `zoe_rob rob_123 123_zig zig_nl` (see [`email_words`]).
pub fn email_pairs(email: &str) -> String {
    let words = email_words(email);
    let words: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let mut pairs: Vec<String> = Vec::new();
    for w in words.windows(2) {
        let t = email_pair(w[0], w[1]);
        if !pairs.contains(&t) {
            pairs.push(t);
        }
    }
    pairs.join(" ")
}

/// The pair token of two adjacent email words (or a word and the start of the next).
pub fn email_pair(first: &str, next: &str) -> String {
    let mut t: String = first.chars().take(EMAIL_PAIR_LETTERS).collect();
    t.push('_');
    t.extend(next.chars().take(EMAIL_PAIR_LETTERS));
    t
}

/// Apostrophes (and the marks typed for them) that people leave out when typing a name.
pub const APOSTROPHES: &[char] = &['\'', '’', '‘', 'ʼ', '`', '´'];

/// The words of a name written with an apostrophe, written together and folded (`O'Neill` →
/// `oneill`, typed as often as `o'neill`; `O'Brien-Smith` → `obrien`); empty when there is none.
fn written_together(name: &str) -> String {
    name.split(|c: char| !(c.is_alphanumeric() || APOSTROPHES.contains(&c) || is_combining_mark(c)))
        .filter(|w| w.contains(APOSTROPHES))
        .map(|w| fold(&w.replace(APOSTROPHES, "")))
        .filter(|j| !j.is_empty() && !j.contains(' '))
        .filter(|j| fold(name).split(' ').all(|w| w != j))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The way names with umlauts and similar letters are often typed on keyboards without them
/// (`Müller` → `mueller`, `Weiß` → `weiss`, `Søren` → `soeren`), folded; empty when the name
/// has none of those letters.
fn spelled_out(name: &str) -> String {
    if !name.chars().any(|c| "äöüßøæÄÖÜẞØÆ".contains(c)) {
        return String::new();
    }
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        match c {
            'ä' | 'Ä' | 'æ' | 'Æ' => out.push_str("ae"),
            'ö' | 'Ö' | 'ø' | 'Ø' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' | 'ẞ' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    fold(&out)
}

fn letter_runs(folded: &str) -> String {
    folded.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

pub fn email_local_part(email: &str) -> &str {
    email.rsplit_once('@').map(|(l, _)| l).unwrap_or(email)
}

/// The key an email is matched by: ASCII lower case. (It equals SQLite's `lower()`, which the
/// unique-lookup index is built on.)
pub fn email_key(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

/// Digits after `00` for a query to be read as an international number (a calling code and the
/// start of the number); fewer, and `00…` is a piece of a number (the last four digits `0042`).
const INTERNATIONAL_00_DIGITS: usize = 4;

/// A phone as typed without a trunk prefix written in parentheses after the country code
/// (`+44 (0)7700 900123`, as UK and German business cards write it): the `(0)` is dialled only
/// from inside the country. Only for countries that dial 0 before local numbers: in Italy the
/// 0 belongs to the number (`+39 (0)2 1234 5678` is `+390212345678`).
pub fn without_written_trunk(text: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let t = text.trim_start();
    let Some(at) = t.find("(0)") else { return Cow::Borrowed(text) };
    let digits: String = t[..at].chars().filter(char::is_ascii_digit).collect();
    let code = if t.starts_with('+') {
        digits.as_str()
    } else if t.starts_with("00") {
        &digits[2..]
    } else {
        return Cow::Borrowed(text);
    };
    let dials_zero = match split_calling_code(code) {
        Some((cc, "")) => cc
            .parse::<u16>()
            .ok()
            .and_then(|cc| phonenumber::metadata::DATABASE.by_code(&cc))
            .is_some_and(|metas| metas.iter().any(|m| m.national_prefix() == Some("0"))),
        _ => false,
    };
    if dials_zero {
        Cow::Owned(format!("{}{}", &t[..at], &t[at + 3..]))
    } else {
        Cow::Borrowed(text)
    }
}

/// Digits of a phone as typed, plus whether it was written in international form (`+`, or `00`
/// with a number after it: `0042` is the end of a number, `0044 77` the start of one).
pub fn phone_query_digits(text: &str) -> (String, bool) {
    let text = without_written_trunk(text);
    let t = text.trim_start();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if t.starts_with('+') {
        (digits, true)
    } else if let Some(rest) = digits.strip_prefix("00").filter(|rest| rest.len() >= INTERNATIONAL_00_DIGITS) {
        (rest.to_string(), true)
    } else {
        (digits, false)
    }
}

/// The text a phone is found by: its country calling code, a colon, and its national
/// (significant) number: `+447700900123` → `44:7700900123`. Fragments typed in international
/// form (`+44 7700`) become `44:7700`, national ones with a trunk prefix (`07700`) become
/// `:7700`, and any other digits are matched as they are (see [`phone_query_fragments`]).
pub fn phone_keys(e164: &str) -> String {
    let digits: String = e164.chars().filter(|c| c.is_ascii_digit()).collect();
    match split_calling_code(&digits) {
        Some((cc, nsn)) => format!("{cc}:{nsn}"),
        None => digits,
    }
}

/// The phone's four-character pieces, in order, as indexed for fragments of four characters or
/// more (`44:7700900123` → `44x7 4x77 x770 7700 …`; the colon is written `x`, a word character).
/// A fragment is then a phrase of its own pieces: each piece is in a thousandth of the numbers
/// a three-digit piece is in, so the phrase is read from short lists.
pub fn phone_grams(keys: &str) -> String {
    grams(keys, 4).join(" ")
}

/// The `n`-character pieces of a phone key or query fragment, the colon written `x`.
pub fn grams(keys: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = keys.chars().map(|c| if c == ':' { 'x' } else { c }).collect();
    if chars.len() < n {
        return vec![chars.into_iter().collect()];
    }
    chars.windows(n).map(|w| w.iter().collect()).collect()
}

/// Splits E.164 digits (without `+`) into country calling code and national number, using
/// the calling codes libphonenumber knows.
fn split_calling_code(digits: &str) -> Option<(&str, &str)> {
    // No calling code starts with 0 (`+0123` is not Belize's 501 read as 01).
    if digits.starts_with('0') {
        return None;
    }
    let db = &*phonenumber::metadata::DATABASE;
    (1..=3.min(digits.len())).find_map(|len| {
        let code = digits[..len].parse::<u16>().ok()?;
        db.by_code(&code).map(|_| (&digits[..len], &digits[len..]))
    })
}

/// The national (trunk) prefix dialled before local numbers in `region` (`0` in GB), if any.
fn trunk_prefix(region: &str) -> Option<String> {
    phonenumber::metadata::DATABASE
        .by_id(region)
        .and_then(|m| m.national_prefix().map(String::from))
        .filter(|p| !p.is_empty())
}

/// What a phone query is looked for as, in [`phone_keys`] text: one or two alternatives.
/// `+44 7700` → [`44:7700`]; in GB `07700` → [`:7700`, `07700`] (a local number, or digits
/// that happen to start with 0); `7700` → [`7700`].
pub fn phone_query_fragments(text: &str, region: &str) -> Vec<String> {
    let (digits, international) = phone_query_digits(text);
    if international {
        return match split_calling_code(&digits) {
            Some((cc, rest)) => vec![format!("{cc}:{rest}")],
            None => vec![digits],
        };
    }
    match trunk_prefix(region) {
        // (Only with two digits or more after it: `:1` is shorter than any fragment.)
        Some(p) if digits.len() >= p.len() + 2 && digits.starts_with(&p) => {
            vec![format!(":{}", &digits[p.len()..]), digits]
        }
        // A visitor's local number as written on their card (`06 5996 1190`, Dutch) at a desk
        // whose country dials another trunk prefix before local numbers (1 in the US): 0 is the
        // trunk prefix of most countries, so the rest is looked for anywhere (which includes the
        // digits with the 0). Not where there is no trunk prefix: in Italy the 0 is part of the
        // number (`+39 06…`).
        Some(p) if !p.starts_with('0') && digits.starts_with('0') && digits.len() >= 7 => vec![digits[1..].to_string()],
        _ => vec![digits],
    }
}

/// The email words as indexed: digit runs cut to their first three digits, so the index holds
/// a thousand digit words rather than one per customer (`bakker318819` → `bakker 318`). A
/// fragment with digits is therefore checked on the record after the index narrowed it down.
pub fn email_index_words(email: &str) -> String {
    email_words(email)
        .split(' ')
        .map(|w| if w.starts_with(|c: char| c.is_ascii_digit()) { &w[..w.len().min(3)] } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words of an email address for fragment search: lower case, split at every character that
/// is not a letter or digit and between letters and digits: `C.Bakker31@o2.pl` →
/// `c bakker 31 o 2 pl`.
pub fn email_words(email: &str) -> String {
    let mut out = String::with_capacity(email.len() + 8);
    let mut prev: Option<bool> = None; // Some(is_digit) of the previous kept char
    for c in email.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            let digit = c.is_ascii_digit();
            if matches!(prev, Some(d) if d != digit) || (prev.is_none() && !out.is_empty()) {
                out.push(' ');
            }
            out.push(c);
            prev = Some(digit);
        } else {
            prev = None;
        }
    }
    out
}

/// A customer code as the user may type it (`qkm1042`, `QKM-1042`, ` qkm 10`) in canonical form
/// (`QKM-1042`, `QKM-10`), when it looks like a code: three letters then digits.
pub fn code_query(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let (letters, digits) = compact.split_at(compact.find(|c: char| c.is_ascii_digit())?);
    if letters.len() == 3
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        Some(format!("{}-{digits}", letters.to_ascii_uppercase()))
    } else {
        None
    }
}

/// Collapse whitespace runs to one space and trim.
pub fn tidy_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_diacritics_and_punctuation() {
        assert_eq!(fold("  Zoë  Müller-Lüdenscheidt "), "zoe muller ludenscheidt");
        assert_eq!(fold("Łukasz Dąbrowski"), "lukasz dabrowski");
        assert_eq!(fold("O'Brien"), "o brien");
        assert_eq!(fold("Åsa Löfgren"), "asa lofgren");
        assert_eq!(fold(""), "");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn name_keys_include_email_local_part() {
        assert_eq!(name_keys("Zoë", "Müller", Some("zm.salon88@example.com")), "zoe muller zm salon mueller");
        assert_eq!(name_keys("", "Lee", None), "lee");
        assert_eq!(name_keys("Jörg", "Weiß", None), "jorg weis joerg weiss");
        // Written with an apostrophe: also written together.
        assert_eq!(name_keys("Siobhán", "O'Brien", None), "siobhan o brien obrien");
        assert_eq!(name_keys("D’Arcy", "Ó Néill", None), "d arcy o neill darcy");
        assert_eq!(name_keys("Ann'", "Lee", None), "ann lee");
        assert_eq!(name_keys("Kate", "O'Brien-Smith", None), "kate o brien smith obrien");
        assert_eq!(name_keys("Jo", "Smith-O’Hara", None), "jo smith o hara ohara");
    }

    #[test]
    fn name_pairs_pair_every_three_letter_start_with_every_word() {
        let head = "_".repeat(11);
        let pairs = name_pairs("noel de groot");
        let want: Vec<String> = ["noede", "noegr", "grono", "grode"].iter().map(|p| format!("{head}{p}")).collect();
        assert_eq!(pairs.split(' ').collect::<Vec<_>>(), want);
        assert_eq!(name_pair("zoë", "m"), format!("{head}zoëm"));
        // No word of three letters: no pairs; a word pairs with itself only when it is there
        // twice.
        assert_eq!(name_pairs("li na"), "");
        assert_eq!(name_pairs("ann"), "");
        assert_eq!(name_pairs("ann ann"), format!("{head}annan"));
        // The head is as long as the name table's longest word prefix index, and the table has
        // a prefix index of head, anchor and one letter (`maria s`).
        let migration = include_str!("../../../migrations/20261123070000_word_pairs.sql");
        let name_table = &migration[migration.find("CREATE VIRTUAL TABLE customer_name_fts").unwrap()..];
        let prefixes: Vec<usize> = name_table
            .split("prefix='")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap()
            .split(' ')
            .map(|p| p.parse().unwrap())
            .collect();
        let head = PAIR_HEAD.chars().count();
        assert_eq!(prefixes.iter().filter(|&&p| p <= head).max(), Some(&head), "{prefixes:?}");
        assert!(prefixes.contains(&(head + PAIR_ANCHOR + 1)), "{prefixes:?}");
        assert!(!prefixes.iter().any(|&p| p > head && p != head + PAIR_ANCHOR + 1), "{prefixes:?}");
    }

    #[test]
    fn email_pairs_are_adjacent_words_three_letters_each() {
        assert_eq!(email_pairs("Zoe.Roberts123@ziggo.nl"), "zoe_rob rob_123 123_zig zig_nl");
        assert_eq!(email_pairs("o.hara@o2.pl"), "o_har har_o o_2 2_pl");
        assert_eq!(email_pairs("x@y"), "x_y");
        assert_eq!(email_pair("j", "ha"), "j_ha");
    }

    #[test]
    fn phone_keys_separate_the_calling_code() {
        assert_eq!(phone_keys("+447700900123"), "44:7700900123");
        assert_eq!(phone_keys("+12015550123"), "1:2015550123");
        assert_eq!(phone_keys("+353871234567"), "353:871234567");
    }

    #[test]
    fn phone_query_fragments_follow_how_numbers_are_dialled() {
        assert_eq!(phone_query_fragments("+44 7700 9", "US"), vec!["44:77009"]);
        assert_eq!(phone_query_fragments("0044 7700", "US"), vec!["44:7700"]);
        assert_eq!(phone_query_fragments("07700 900", "GB"), vec![":7700900", "07700900"]);
        assert_eq!(phone_query_fragments("(201) 555", "US"), vec!["201555"]);
        assert_eq!(phone_query_fragments("0123", "US"), vec!["0123"]);
        assert_eq!(phone_query_fragments("06 5996 1190", "US"), vec!["659961190"]);
        // Italy has no trunk prefix: the 0 belongs to the number.
        assert_eq!(phone_query_fragments("06 1234 5", "IT"), vec!["0612345"]);
        assert_eq!(phone_query_fragments("0044 7700 900", "US"), vec!["44:7700900"]);
        // No calling code starts with 0: digits, not Belize's 501 read as 01.
        assert_eq!(phone_query_fragments("+0123", "GB"), vec!["0123"]);
        // Hungary dials 06 before local numbers; one digit after it is too short to be one.
        assert_eq!(phone_query_fragments("0612", "HU"), vec![":12", "0612"]);
        assert_eq!(phone_query_fragments("061", "HU"), vec!["061"]);
    }

    #[test]
    fn phone_pieces_are_the_four_character_runs_with_the_colon_as_x() {
        assert_eq!(phone_grams("44:7700900"), "44x7 4x77 x770 7700 7009 0090 0900");
        assert_eq!(grams(":12", 4), vec!["x12"]);
        assert_eq!(grams("4477", 4), vec!["4477"]);
    }

    #[test]
    fn email_words_split_letters_digits_and_punctuation() {
        assert_eq!(email_words("C.Bakker318819@o2.pl"), "c bakker 318819 o 2 pl");
        assert_eq!(email_words("ann@example.com"), "ann example com");
        assert_eq!(email_words("@"), "");
        assert_eq!(email_index_words("C.Bakker318819@o2.pl"), "c bakker 318 o 2 pl");
    }

    #[test]
    fn phone_query_digits_understands_international_prefixes() {
        assert_eq!(phone_query_digits("+44 (0)7700-900.123"), ("447700900123".into(), true));
        assert_eq!(phone_query_digits("0049 (0)30 1234"), ("49301234".into(), true));
        assert_eq!(phone_query_digits("(0)7700 900"), ("07700900".into(), false));
        // Italy dials no trunk prefix: its 0 is part of the number.
        assert_eq!(phone_query_digits("+39 (0)2 1234"), ("39021234".into(), true));
        assert_eq!(phone_query_digits("+44 77 (0)12"), ("4477012".into(), true));
        assert_eq!(phone_query_digits("0044 7700"), ("447700".into(), true));
        // The last four digits, not a country code.
        assert_eq!(phone_query_digits("0042"), ("0042".into(), false));
        assert_eq!(phone_query_digits("00 19"), ("0019".into(), false));
        assert_eq!(phone_query_digits("07700 900"), ("07700900".into(), false));
    }

    #[test]
    fn code_query_accepts_loose_forms() {
        assert_eq!(code_query("qkm1042").as_deref(), Some("QKM-1042"));
        assert_eq!(code_query(" QKM-10").as_deref(), Some("QKM-10"));
        assert_eq!(code_query("QKM"), None);
        assert_eq!(code_query("1042"), None);
        assert_eq!(code_query("smith12"), None);
    }
}
