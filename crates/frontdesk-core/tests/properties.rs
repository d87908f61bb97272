//! Property tests: the indexed search returns exactly what the plain per-record matcher says,
//! in relevance order, up to the limit; normalisation is idempotent.

mod common;

use frontdesk_core::customers::{CustomerInput, TextFields};
use frontdesk_core::normalize::{email_key, fold, phone_keys};
use frontdesk_core::search::matcher::{fragments_apply, tier, MatchFields, Tier};
use frontdesk_core::search::{parse, ParsedQuery, SearchRequest};
use frontdesk_core::validate::parse_phone;
use proptest::prelude::*;

/// Letters beyond ASCII too (`ж`, `þ` stay themselves when folded: pairs count letters, not
/// bytes; `🅰` is a letter to the folding and was a separator to SQLite's `unicode61`).
const SYLLABLES: &[&str] =
    &["an", "na", "zo", "ë", "mü", "ll", "er", "sm", "it", "h", "é", "ø", "ber", "ka", "ja", "жа", "þó", "ł", "🅰"];

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SYLLABLES), 1..4).prop_map(|v| {
        let s: String = v.concat();
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => s,
        }
    })
}

#[derive(Debug, Clone)]
struct Person {
    first: String,
    last: String,
    email: Option<String>,
    phone: Option<String>,
}

/// Words before a last name (`Noël de Groot`, `Muireann Ó Dónaill`).
/// Those ending in an apostrophe are written onto the name (`O'Brien`, `D’Angelo`).
const PARTICLES: &[&str] = &["de", "Ó", "van der", "Le", "d", "O'", "D’"];

fn person() -> impl Strategy<Value = Person> {
    let nick = prop::option::of(name());
    (
        name(),
        name(),
        prop::option::of(prop::sample::select(PARTICLES)),
        prop::option::of(0u32..40),
        prop::option::of(0u32..60),
        nick,
    )
        .prop_map(|(first, last, particle, e, p, nick)| {
            let last = match particle {
                Some(w) if w.ends_with(['\'', '’']) => format!("{w}{last}"),
                Some(w) => format!("{w} {last}"),
                None => last,
            };
            // Sometimes the address starts with another name than the first name (a nickname),
            // so an email fragment can match where the name words do not.
            let start = fold(nick.as_deref().unwrap_or(&first)).replace(' ', "");
            // (Addresses stay ASCII.)
            let start: String = start.chars().filter(char::is_ascii).collect();
            let start = if start.is_empty() { "x".to_string() } else { start };
            Person {
                email: e.map(|n| {
                    format!(
                        "{start}.{}{n}@ex{}.com",
                        fold(&last).replace(' ', "").chars().filter(char::is_ascii).collect::<String>(),
                        n % 3
                    )
                }),
                phone: p.map(|n| format!("07911 {:06}", 100_000 + n * 7_919)),
                first,
                last,
            }
        })
}

fn query(people: &[Person]) -> impl Strategy<Value = String> {
    let samples: Vec<String> = people
        .iter()
        .flat_map(|p| {
            let (first, last) = (fold(&p.first), fold(&p.last));
            let mut v = vec![
                first.chars().take(2).collect::<String>(),
                format!("{} {}", &p.last, &p.first),
                // A longer word with one- and two-letter ones (checked on the records).
                format!(
                    "{} {} {}",
                    first.chars().take(4).collect::<String>(),
                    last.chars().take(1).collect::<String>(),
                    last.chars().take(2).collect::<String>()
                ),
                format!("{} {}", last.chars().take(2).collect::<String>(), first.chars().take(3).collect::<String>()),
                // Three letters of each (looked up as one pair), the same word twice, short
                // words only.
                format!("{} {}", first.chars().take(3).collect::<String>(), last.chars().take(3).collect::<String>()),
                format!("{first} {}", first.chars().take(1).collect::<String>()),
                format!("{} {}", first.chars().take(1).collect::<String>(), last.chars().take(2).collect::<String>()),
                // The last name typed without its apostrophe, or with it and a start only.
                p.last.replace(['\'', '’'], "").chars().take(5).collect(),
                format!("{} {}", p.last.chars().take(4).collect::<String>(), first.chars().take(2).collect::<String>()),
            ];
            if let Some(e) = &p.email {
                v.push(e.clone());
                v.push(e.chars().skip(2).take(5).collect());
                // Typed up to the start of the domain: the words before the last are looked
                // up, the last one is checked on the records.
                v.push(format!("{}@e", e.split('@').next().unwrap_or("")));
                v.push(format!("{}@x", e.split('@').next().unwrap_or("")));
                // Short words and pieces of adjacent words (looked up by their pairs).
                let local: Vec<&str> = e.split('@').next().unwrap_or("").split('.').collect();
                if let [a, b, ..] = local[..] {
                    v.push(format!(
                        "{}.{}",
                        a.chars().take(1).collect::<String>(),
                        b.chars().take(3).collect::<String>()
                    ));
                    v.push(format!(
                        "{}.{}",
                        a.chars().take(3).collect::<String>(),
                        b.chars().take(1).collect::<String>()
                    ));
                    v.push(format!("{a}.{}", b.chars().take(2).collect::<String>()));
                    v.push(format!("{a}.{b}@e"));
                }
            }
            if let Some(ph) = &p.phone {
                v.push(ph.chars().rev().take(4).collect::<String>().chars().rev().collect());
                v.push(ph.clone());
                v.push(ph[3..8].to_string());
                // International forms, whatever the desk's own country.
                v.push(format!("+44 {}", &ph[1..8]));
                v.push(format!("0044{}", &ph[1..]));
                // The whole international number without its +.
                v.push(format!("44{}", &ph[1..]));
                // As business cards write it: the trunk 0 in parentheses after the country code.
                v.push(format!("+44 (0){}", &ph[1..]));
            }
            v
        })
        .collect();
    prop_oneof![prop::sample::select(samples), name().prop_map(|n| n.to_lowercase()), "[0-9]{3,6}", "[a-z@.]{1,6}"]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn search_equals_the_brute_force_matcher(
        (people, queries) in prop::collection::vec(person(), 1..25)
            .prop_flat_map(|people| { let q = prop::collection::vec(query(&people), 1..6); (Just(people), q) }),
        archive_every in 2usize..9,
        limit in 1usize..8,
        // The desk's country decides how a number without `+` is read: trunk prefix 0 (GB),
        // 1 (US, where a 0 starts a visitor's local number), 06 (Hungary).
        region in prop::sample::select(vec!["GB", "US", "HU"]),
    ) {
        let d = common::desk_in(region);
        let mut stored = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let input = CustomerInput {
                first_name: p.first.clone(), last_name: p.last.clone(),
                email: p.email.clone(), phone: p.phone.clone(),
                email_shared: true, phone_shared: true,
                // The customers' numbers are British wherever the desk is.
                text: TextFields { country: Some("GB".into()), ..Default::default() },
                ..Default::default()
            };
            let c = d.store.create_customer(&common::me(), &input).expect("create");
            // Renames and archives exercise the index maintenance.
            let c = if i % 3 == 0 {
                let mut edit = CustomerInput::from_customer(&c);
                edit.last_name = format!("{}ka", edit.last_name);
                d.store.update_customer(&common::me(), c.id, &edit).expect("rename")
            } else { c };
            if i % archive_every == 0 {
                d.store.archive_customer(&common::me(), c.id).expect("archive");
            } else {
                stored.push(c);
            }
        }
        for q in queries {
            let parsed = parse(&q, region);
            if parsed == ParsedQuery::Empty {
                continue; // an empty query is the directory listing, not a search
            }
            let mut expected: Vec<(Tier, String, i64, String)> = stored.iter().enumerate().filter_map(|(i, c)| {
                let f = MatchFields { code: &c.code, first_name: &c.first_name, last_name: &c.last_name, email: c.email.as_deref(), phone_e164: c.phone_e164.as_deref() };
                tier(&parsed, &f).map(|t| (t, if t == Tier::CodePrefix { c.code.clone() } else { String::new() }, i as i64, c.code.clone()))
            }).collect();
            let exact_found = expected.iter().any(|e| e.0 == Tier::Exact);
            if !fragments_apply(&parsed, exact_found) {
                expected.retain(|e| e.0 == Tier::Exact);
            }
            expected.sort();
            let want: Vec<String> = expected.iter().map(|e| e.3.clone()).collect();
            // Walk every page.
            let mut got = Vec::new();
            let mut req = SearchRequest { query: q.clone(), limit, ..Default::default() };
            let mut total = None;
            loop {
                let page = d.store.search(&req).expect("search");
                total.get_or_insert(page.total);
                got.extend(page.hits.iter().map(|h| h.code.clone()));
                match page.next { Some(n) => req.after = Some(n), None => break }
            }
            prop_assert_eq!(&got, &want, "query {:?} understood as {:?}", q, parsed);
            prop_assert_eq!(total.unwrap_or(0), want.len() as u64, "total for {:?}", q);
        }
    }

    #[test]
    fn normalisation_is_idempotent(s in "\\PC{0,30}", digits in "[0-9]{6,11}") {
        prop_assert_eq!(fold(&fold(&s)), fold(&s));
        prop_assert_eq!(email_key(&email_key(&s)), email_key(&s));
        if let Ok(p) = parse_phone("phone", &format!("07{}", &digits[..9.min(digits.len())]), "GB") {
            let again = parse_phone("phone", &p.e164, "GB").expect("an E.164 number parses again");
            prop_assert_eq!(&again.e164, &p.e164);
            prop_assert_eq!(phone_keys(&again.e164), phone_keys(&p.e164));
        }
    }
}
