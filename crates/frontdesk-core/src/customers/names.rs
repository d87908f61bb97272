//! People's names as they are written: a whole name split into first and last.

/// Words that start a family name when written in lower case ("Mary Ann van der Berg").
pub(crate) const NAME_PARTICLES: &[&str] = &[
    "van", "von", "vom", "zu", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "des", "la", "le",
    "ter", "ten", "te", "bin", "ibn", "al", "el",
];

/// What may follow a name after a comma without being a given name ("John Smith, Jr.").
const NAME_SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "esq"];

/// Splits a whole name into (first, last): "Anna Maria Schmidt" → ("Anna Maria", "Schmidt"),
/// "Schmidt, Anna" → ("Anna", "Schmidt"), "Mary Ann van der Berg" → ("Mary Ann", "van der Berg");
/// a suffix after a comma stays with the last name ("John Smith, Jr." → ("John", "Smith Jr.")).
pub(crate) fn split_full_name(full: &str) -> (String, String) {
    let full = crate::normalize::tidy_spaces(full);
    let is_suffix = |p: &str| NAME_SUFFIXES.contains(&p.replace('.', "").to_lowercase().as_str());
    let parts: Vec<&str> = full.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    let suffixes: Vec<&str> = parts.iter().copied().filter(|p| is_suffix(p)).collect();
    let names: Vec<&str> = parts.iter().copied().filter(|p| !is_suffix(p)).collect();
    let with_suffixes = |last: String| {
        std::iter::once(last.as_str())
            .chain(suffixes.iter().copied())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let [last, first] = names[..] {
        return (first.to_string(), with_suffixes(last.to_string()));
    }
    let whole = names.join(" ");
    let words: Vec<&str> = whole.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return (whole, with_suffixes(String::new()));
    }
    let mut start = words.len() - 1;
    while start > 1 && NAME_PARTICLES.contains(&words[start - 1]) {
        start -= 1;
    }
    (words[..start].join(" "), with_suffixes(words[start..].join(" ")))
}

#[cfg(test)]
mod tests {
    use super::split_full_name;

    #[test]
    fn whole_names_split_into_first_and_last() {
        let split = |s| {
            let (f, l) = split_full_name(s);
            (f, l)
        };
        assert_eq!(split("Anna Maria Schmidt"), ("Anna Maria".into(), "Schmidt".into()));
        assert_eq!(split("Smith, Anna"), ("Anna".into(), "Smith".into()));
        assert_eq!(split("  de la Cruz ,  María José "), ("María José".into(), "de la Cruz".into()));
        assert_eq!(split("Mary Ann van der Berg"), ("Mary Ann".into(), "van der Berg".into()));
        assert_eq!(split("Ludwig van Beethoven"), ("Ludwig".into(), "van Beethoven".into()));
        // A capitalised word is a given name; a first name is always kept.
        assert_eq!(split("Van Morrison"), ("Van".into(), "Morrison".into()));
        assert_eq!(split("de Vries"), ("de".into(), "Vries".into()));
        assert_eq!(split("Cher"), ("Cher".into(), "".into()));
        assert_eq!(split("Smith,"), ("Smith".into(), "".into()));
        assert_eq!(split("John Smith, Jr."), ("John".into(), "Smith Jr.".into()));
        assert_eq!(split("Smith, Anna, MD"), ("Anna".into(), "Smith MD".into()));
        assert_eq!(split("José García y López"), ("José García y".into(), "López".into()));
    }
}
