//! An address in the order its country writes it: postcode after the town in GB, before it in
//! DE and FR, "City, ST 12345" in the US.

/// The parts of an address (any may be empty).
#[derive(Debug, Clone, Default)]
pub struct Parts<'a> {
    pub line1: &'a str,
    pub line2: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub postcode: &'a str,
    /// ISO code of the address's country, when it has one.
    pub country: &'a str,
}

/// One line of an address as it is printed: text, or the country (named in the reader's
/// language by whoever shows it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "data")]
pub enum AddressLine {
    Text(String),
    /// ISO code of the country.
    Country(String),
}

/// The lines of the address in the order of its country (or the desk's, when it names none);
/// the country's name is a last line only when it is not the desk's.
pub fn lines(p: &Parts<'_>, desk_country: &str, country_name: &dyn Fn(&str) -> String) -> Vec<String> {
    layout(p, desk_country)
        .into_iter()
        .map(|l| match l {
            AddressLine::Text(t) => t,
            AddressLine::Country(c) => country_name(&c),
        })
        .collect()
}

/// [`lines`], with the country left as its code.
pub fn layout(p: &Parts<'_>, desk_country: &str) -> Vec<AddressLine> {
    let own = p.country.is_empty() || p.country.eq_ignore_ascii_case(desk_country);
    let format = super::country(if own { desk_country } else { p.country }).address;
    let mut out: Vec<AddressLine> = Vec::new();
    let mut has_country = false;
    for line in format.split('|') {
        match line.trim() {
            "street" => out.extend(
                [p.line1, p.line2]
                    .into_iter()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| AddressLine::Text(l.into())),
            ),
            "country" => {
                has_country = true;
                if !own {
                    out.push(AddressLine::Country(p.country.to_uppercase()));
                }
            }
            line => {
                // Each word is a part (with the punctuation written after it, "city,") or a
                // separator ("-"); a part left empty takes its punctuation with it.
                let value = |name: &str| match name {
                    "city" => Some(p.city.trim()),
                    "state" => Some(p.state.trim()),
                    "postcode" => Some(p.postcode.trim()),
                    _ => None,
                };
                let template: Vec<&str> = line.split_whitespace().collect();
                let mut words: Vec<String> = Vec::new();
                for (i, word) in template.iter().enumerate() {
                    let name = word.trim_end_matches(',');
                    match value(name) {
                        None => words.push(word.to_string()),
                        Some("") => {}
                        Some(v) => {
                            // "Leeds," only when what the comma separates it from is there.
                            let next_present = template
                                .get(i + 1)
                                .is_some_and(|n| value(n.trim_end_matches(',')).is_none_or(|v| !v.is_empty()));
                            words.push(if next_present {
                                format!("{v}{}", &word[name.len()..])
                            } else {
                                v.to_string()
                            });
                        }
                    }
                }
                let is_sep = |w: &String| w.chars().all(|c| c.is_ascii_punctuation());
                while words.last().is_some_and(is_sep) {
                    words.pop();
                }
                while words.first().is_some_and(is_sep) {
                    words.remove(0);
                }
                let text = words.join(" ");
                let text = text.trim_end_matches(',');
                if !text.is_empty() {
                    out.push(AddressLine::Text(text.to_string()));
                }
            }
        }
    }
    if !own && !has_country {
        out.push(AddressLine::Country(p.country.to_uppercase()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(c: &str) -> String {
        format!("<{c}>")
    }

    #[test]
    fn each_country_has_its_order() {
        let gb = Parts { line1: "1 Bull Ring", city: "Wakefield", postcode: "WF1 1HX", ..Default::default() };
        assert_eq!(lines(&gb, "GB", &name), ["1 Bull Ring", "Wakefield", "WF1 1HX"]);
        let de =
            Parts { line1: "Hauptstraße 5", city: "Berlin", postcode: "10115", country: "DE", ..Default::default() };
        assert_eq!(lines(&de, "DE", &name), ["Hauptstraße 5", "10115 Berlin"]);
        assert_eq!(lines(&de, "GB", &name), ["Hauptstraße 5", "10115 Berlin", "<DE>"]);
        let us = Parts {
            line1: "1 Main St",
            line2: "Apt 2",
            city: "Springfield",
            state: "IL",
            postcode: "62701",
            ..Default::default()
        };
        assert_eq!(lines(&us, "US", &name), ["1 Main St", "Apt 2", "Springfield, IL 62701"]);
        let no_state = Parts { city: "Springfield", postcode: "62701", ..Default::default() };
        assert_eq!(lines(&no_state, "US", &name), ["Springfield 62701"]);
        let only_city = Parts { city: "Springfield", ..Default::default() };
        assert_eq!(lines(&only_city, "US", &name), ["Springfield"]);
    }
}
