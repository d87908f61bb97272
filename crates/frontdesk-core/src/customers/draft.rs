//! What was typed in a search box, as the start of a new customer: the quick-create form opens
//! with it filled in.

use super::CustomerInput;

/// An email (a word with `@`), a phone (the words made of digits and `+ ( ) . - /`, together)
/// and a name (the other words, split as an import splits a whole name, each word capitalised
/// but `van`, `de`…): `Bella 07700 900126` → first name Bella, phone 07700 900126.
pub fn draft_from_query(q: &str) -> CustomerInput {
    let mut draft = CustomerInput::default();
    let (mut phone, mut name): (Vec<&str>, Vec<String>) = (Vec::new(), Vec::new());
    for w in q.split_whitespace() {
        if w.contains('@') && draft.email.is_none() {
            draft.email = Some(w.to_string());
        } else if w.chars().all(|c| c.is_ascii_digit() || "+().-/".contains(c)) && w.chars().any(|c| c.is_ascii_digit())
        {
            phone.push(w);
        } else if super::names::NAME_PARTICLES.contains(&w) {
            name.push(w.to_string());
        } else {
            let mut chars = w.chars();
            name.push(chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default());
        }
    }
    if !phone.is_empty() {
        draft.phone = Some(phone.join(" "));
    }
    (draft.first_name, draft.last_name) = super::names::split_full_name(&name.join(" "));
    draft
}

#[cfg(test)]
mod tests {
    use super::draft_from_query;

    #[test]
    fn a_query_becomes_a_name_a_phone_and_an_email() {
        type Case<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
        let table: &[Case] = &[
            ("Bella 07700900126", "Bella", "", Some("07700900126"), None),
            ("Bella 07700 900126", "Bella", "", Some("07700 900126"), None),
            ("bella hart 07700 900126", "Bella", "Hart", Some("07700 900126"), None),
            ("anna maria schmidt", "Anna Maria", "Schmidt", None, None),
            ("07700 900126", "", "", Some("07700 900126"), None),
            ("+44 (0)113 496-0000", "", "", Some("+44 (0)113 496-0000"), None),
            ("bella@example.com", "", "", None, Some("bella@example.com")),
            (
                "Bella Hart bella@example.com 0113 496 0000",
                "Bella",
                "Hart",
                Some("0113 496 0000"),
                Some("bella@example.com"),
            ),
            ("mary ann van der berg", "Mary Ann", "van der Berg", None, None),
            ("zoë müller", "Zoë", "Müller", None, None),
            ("R2D2", "R2D2", "", None, None),
            ("  ", "", "", None, None),
        ];
        for (q, first, last, phone, email) in table {
            let d = draft_from_query(q);
            assert_eq!(
                (d.first_name.as_str(), d.last_name.as_str(), d.phone.as_deref(), d.email.as_deref()),
                (*first, *last, *phone, *email),
                "{q}"
            );
        }
    }
}
