//! The customer's plain text fields, described once. Each is one line of text in one column of
//! `customers`; the record, the form, validation, the INSERT and UPDATE, the timeline's change
//! lines, export columns, import targets and the window's labels all read [`TEXT_FIELDS`].
//! Adding one: a line in the `text_fields!` list below, a migration adding its column, and its
//! input in the form (see ARCHITECTURE.md). Fields with rules of their own (names, phone, email,
//! branch, tags, birthday, consent) are written out where they are used.

use serde::{Deserialize, Serialize};

use crate::error::CoreResult;
use crate::validate::{country, single_line};

/// How a text field's value is normalised and checked beyond its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextForm {
    /// As typed (trimmed, one line).
    Plain,
    /// Upper case (postcodes).
    Upper,
    /// A country: an ISO 3166 code (an import's country names are turned into codes).
    Country,
}

/// One plain text field: its key (also its column and its wire name), what people call it, and
/// its limits.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub key: &'static str,
    pub label: &'static str,
    /// Characters at most.
    pub max: usize,
    pub form: TextForm,
    pub get: fn(&TextFields) -> &Option<String>,
    pub get_mut: fn(&mut TextFields) -> &mut Option<String>,
}

impl TextField {
    /// The value a form sent, normalised (empty is `None`), or why it cannot be kept.
    pub(crate) fn check(&self, value: &Option<String>) -> CoreResult<Option<String>> {
        let Some(v) = value else { return Ok(None) };
        let v = single_line(self.key, v, self.max)?;
        if v.is_empty() {
            return Ok(None);
        }
        Ok(Some(match self.form {
            TextForm::Plain => v,
            TextForm::Upper => v.to_uppercase(),
            TextForm::Country => country(self.key, &v)?,
        }))
    }

    /// A value as an import reads it from another system's file (before [`TextField::check`]).
    pub(crate) fn imported(&self, value: String) -> String {
        match self.form {
            TextForm::Country => crate::locale::country_code(&value).unwrap_or(value),
            TextForm::Plain | TextForm::Upper => value,
        }
    }
}

macro_rules! text_fields {
    ($($key:ident: $label:literal, max $max:literal, $form:ident;)*) => {
        /// The values of the plain text fields ([`TEXT_FIELDS`]); on the wire, each is a field of
        /// the customer it belongs to.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(default)]
        pub struct TextFields {
            $(#[doc = $label] pub $key: Option<String>,)*
        }

        /// Every plain text field, in the order forms, exports and timelines list them.
        pub const TEXT_FIELDS: &[TextField] = &[$(TextField {
            key: stringify!($key),
            label: $label,
            max: $max,
            form: TextForm::$form,
            get: |t| &t.$key,
            get_mut: |t| &mut t.$key,
        },)*];
    };
}

text_fields! {
    address_line1: "Address line 1", max 200, Plain;
    address_line2: "Address line 2", max 200, Plain;
    city: "Town / city", max 100, Plain;
    state: "County / state", max 100, Plain;
    postal_code: "Postcode", max 20, Upper;
    country: "Country", max 60, Country;
}

/// The text field with this key.
pub fn text_field(key: &str) -> Option<&'static TextField> {
    TEXT_FIELDS.iter().find(|f| f.key == key)
}

impl TextFields {
    /// `(field, value)` of each field, in [`TEXT_FIELDS`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static TextField, &Option<String>)> {
        TEXT_FIELDS.iter().map(move |f| (f, (f.get)(self)))
    }
}
