//! `frontdesk fields`: the business's own customer fields.

use std::path::Path;

use frontdesk_core::custom_fields::{FieldDef, FieldInput, OptionChange};
use frontdesk_core::{CoreError, Store};
use serde_json::Value;

use crate::cli::{FieldSettings, FieldsCommand, OptionCommand};
use crate::desk::{open, open_existing};

pub(crate) fn run(what: FieldsCommand, db: &Path) -> Result<(), CoreError> {
    match what {
        FieldsCommand::List { archived, json } => {
            let store = open_existing(db)?;
            let fields = store.custom_fields(archived)?;
            if json {
                for f in &fields {
                    outln!("{}", serde_json::to_string(f).unwrap_or_default());
                }
            } else if fields.is_empty() {
                outln!("No customer fields yet: `frontdesk fields add LABEL --kind KIND` adds one.");
            } else {
                for f in &fields {
                    print_field(f);
                }
            }
            Ok(())
        }
        FieldsCommand::Add { label, kind, key, options, settings, json } => {
            let store = open(db)?;
            let mut input = FieldInput { label, kind: Some(kind), key, options, ..Default::default() };
            apply(&store, &mut input, settings)?;
            done(&store.add_custom_field(&input)?, json)
        }
        FieldsCommand::Edit { field, label, kind, settings, json } => {
            let store = open(db)?;
            let def = store.custom_field(&field)?;
            let mut input = FieldInput::from_def(&def);
            if let Some(label) = label {
                input.label = label;
            }
            let kind = kind.unwrap_or(def.kind);
            input.kind = Some(kind);
            apply(&store, &mut input, settings)?;
            done(&store.edit_custom_field(&def.key, &input)?, json)
        }
        FieldsCommand::Option { field, what } => {
            let store = open(db)?;
            let change = match what {
                OptionCommand::Add { label } => OptionChange::Add { label },
                OptionCommand::Rename { option, label } => OptionChange::Rename { option, label },
                OptionCommand::Retire { option } => OptionChange::Retire { option },
                OptionCommand::Unretire { option } => OptionChange::Unretire { option },
                OptionCommand::Move { option, to } => OptionChange::Move { option, to: to.saturating_sub(1) },
            };
            let def = store.change_custom_option(&field, &change)?;
            done(&def, false)
        }
        FieldsCommand::Move { field, to } => {
            let fields = open(db)?.move_custom_field(&field, to.saturating_sub(1))?;
            for (i, f) in fields.iter().filter(|f| !f.archived).enumerate() {
                outln!("{}. {} (custom.{})", i + 1, f.label, f.key);
            }
            Ok(())
        }
        FieldsCommand::Archive { field } => done(&open(db)?.archive_custom_field(&field, true)?, false),
        FieldsCommand::Restore { field } => done(&open(db)?.archive_custom_field(&field, false)?, false),
        FieldsCommand::Delete { field, yes } => {
            let store = open(db)?;
            let def = store.custom_field(&field)?;
            if !def.archived {
                return Err(CoreError::conflict(
                    "field_not_archived",
                    format!(
                        "Only an archived field can be deleted: `frontdesk fields archive {}` first (its values are kept until you delete it).",
                        def.key
                    ),
                ));
            }
            if !yes {
                let n = store.custom_field_value_count(&def.key)?;
                outln!(
                    "Deleting \"{}\" removes its values from {n} customer{} for good. Run again with --yes to do it.",
                    def.label,
                    if n == 1 { "" } else { "s" }
                );
                return Ok(());
            }
            let n = store.delete_custom_field(&def.key, None)?;
            outln!("Deleted \"{}\" and its values on {n} customer{}.", def.label, if n == 1 { "" } else { "s" });
            Ok(())
        }
    }
}

/// The flags given, over `input`.
fn apply(store: &Store, input: &mut FieldInput, s: FieldSettings) -> Result<(), CoreError> {
    let text = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    if let Some(r) = s.required {
        input.required = r;
    }
    if let Some(h) = s.help_text {
        input.help = text(h);
    }
    if let Some(d) = s.default {
        input.default_value = text(d).map(Value::String);
    }
    if let Some(sec) = s.section {
        input.section = text(sec);
    }
    if let Some(places) = s.show {
        input.shown_in = Some(places.0);
    }
    if let Some(b) = s.searchable {
        input.searchable = b;
    }
    if let Some(u) = s.unique {
        input.unique = u;
    }
    if s.decimals.is_some() {
        input.decimals = s.decimals;
    }
    if let Some(u) = s.unit {
        input.unit = text(u);
    }
    if !s.branches.is_empty() {
        input.branches = if s.branches.iter().any(|b| b.trim().eq_ignore_ascii_case("all")) {
            Vec::new()
        } else {
            s.branches.iter().map(|b| store.find_branch("branch", b)).collect::<Result<_, _>>()?
        };
    }
    Ok(())
}

fn done(def: &FieldDef, json: bool) -> Result<(), CoreError> {
    if json {
        outln!("{}", serde_json::to_string(def).unwrap_or_default());
    } else {
        print_field(def);
    }
    Ok(())
}

fn print_field(f: &FieldDef) {
    let mut flags = Vec::new();
    if f.required {
        flags.push("required".to_string());
    }
    if f.unique {
        flags.push("unique".into());
    }
    if f.searchable {
        flags.push("searchable".into());
    }
    if f.archived {
        flags.push("ARCHIVED".into());
    }
    if let Some(d) = &f.default_value {
        flags.push(format!("default {d}"));
    }
    let places: Vec<&str> = f.shown_in.iter().map(|p| p.as_str()).collect();
    outln!(
        "{:<24} {:<24} {:<10} {}{}",
        f.key,
        f.label,
        f.kind.as_str(),
        places.join(","),
        if flags.is_empty() { String::new() } else { format!("  ({})", flags.join(", ")) }
    );
    if !f.options.is_empty() {
        let options: Vec<String> = f
            .options
            .iter()
            .map(|o| if o.retired { format!("{} [retired]", o.label) } else { o.label.clone() })
            .collect();
        outln!("{:<24} options: {}", "", options.join(" · "));
    }
}
