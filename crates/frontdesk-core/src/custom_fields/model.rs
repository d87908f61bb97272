//! A custom field's definition as the settings, forms and CLI see it.

use serde::{Deserialize, Serialize};

use crate::ids::BranchId;

/// What a custom field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Number,
    Date,
    YesNo,
    /// One of its options.
    Choice,
    /// Any number of its options.
    Choices,
    Email,
    Phone,
    Url,
}

impl FieldKind {
    pub const ALL: [FieldKind; 10] = [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::YesNo,
        FieldKind::Choice,
        FieldKind::Choices,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Url,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::YesNo => "yes_no",
            FieldKind::Choice => "choice",
            FieldKind::Choices => "choices",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Url => "url",
        }
    }

    pub fn parse(name: &str) -> Option<FieldKind> {
        let name = name.trim().to_lowercase().replace(['-', ' '], "_");
        FieldKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Kinds whose values are a choice among the field's options.
    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::Choices)
    }

    /// Kinds whose text may be found by the search box.
    pub fn is_text(self) -> bool {
        matches!(self, FieldKind::Text | FieldKind::LongText | FieldKind::Email | FieldKind::Phone | FieldKind::Url)
    }
}

/// Where a field appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The new-customer and edit forms.
    Form,
    QuickCreate,
    Profile,
    /// The overview beside the directory.
    Overview,
    /// A column of the directory.
    Column,
}

impl Place {
    pub const ALL: [Place; 5] = [Place::Form, Place::QuickCreate, Place::Profile, Place::Overview, Place::Column];

    pub fn as_str(self) -> &'static str {
        match self {
            Place::Form => "form",
            Place::QuickCreate => "quick_create",
            Place::Profile => "profile",
            Place::Overview => "overview",
            Place::Column => "column",
        }
    }

    pub(crate) fn bit(self) -> i64 {
        1 << (self as i64)
    }
}

/// "A number", "an email", "a yes/no": the kind as a sentence names it, capitalised.
pub(crate) fn a_kind(kind: FieldKind) -> String {
    let name = match kind {
        FieldKind::YesNo => "yes/no".to_string(),
        FieldKind::Choice => "one-choice".to_string(),
        FieldKind::Choices => "several-choices".to_string(),
        FieldKind::Url => "web address".to_string(),
        other => other.as_str().replace('_', " "),
    };
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
    format!("{article} {name}")
}

/// One option of a choice field. Its id never changes; a retired option stays on the customers
/// who have it and is no longer offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldOption {
    pub id: i64,
    pub label: String,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldDef {
    pub id: i64,
    /// Stable, unique, never reused: `custom.<key>` names the field everywhere.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub help: Option<String>,
    pub default_value: Option<serde_json::Value>,
    pub position: i64,
    pub section: Option<String>,
    pub shown_in: Vec<Place>,
    pub searchable: bool,
    /// The branches that use it; empty: every branch.
    pub branches: Vec<BranchId>,
    pub unique: bool,
    /// Number fields: digits after the point (0: whole numbers).
    pub decimals: Option<u8>,
    pub unit: Option<String>,
    /// In their order; retired ones included.
    pub options: Vec<FieldOption>,
    pub archived: bool,
}

/// A change to one of a choice field's options (named by id or label).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "data")]
pub enum OptionChange {
    Add {
        label: String,
    },
    Rename {
        option: String,
        label: String,
    },
    /// No longer offered; kept on the customers who have it.
    Retire {
        option: String,
    },
    Unretire {
        option: String,
    },
    /// To place `to` (0 first) in the field's list of options.
    Move {
        option: String,
        to: u32,
    },
}

/// What a manager sets on a field (adding one, or editing it: the whole definition is sent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct FieldInput {
    pub label: String,
    /// When adding: the kind (default text). When editing: a change of kind (see the rules).
    pub kind: Option<FieldKind>,
    /// When adding: the key (default: made from the label). Ignored when editing.
    pub key: Option<String>,
    pub required: bool,
    pub help: Option<String>,
    pub default_value: Option<serde_json::Value>,
    pub section: Option<String>,
    /// Default: the forms and the profile.
    pub shown_in: Option<Vec<Place>>,
    pub searchable: bool,
    pub branches: Vec<BranchId>,
    pub unique: bool,
    pub decimals: Option<u8>,
    pub unit: Option<String>,
    /// When adding a choice field: its options' labels, in order.
    pub options: Vec<String>,
}

impl FieldInput {
    /// `def`'s settings as an edit starts from them.
    pub fn from_def(def: &FieldDef) -> Self {
        FieldInput {
            label: def.label.clone(),
            kind: Some(def.kind),
            key: None,
            required: def.required,
            help: def.help.clone(),
            default_value: def.default_value.clone(),
            section: def.section.clone(),
            shown_in: Some(def.shown_in.clone()),
            searchable: def.searchable,
            branches: def.branches.clone(),
            unique: def.unique,
            decimals: def.decimals,
            unit: def.unit.clone(),
            options: Vec::new(),
        }
    }
}
