//! The business's own customer fields (Settings → Customer fields).

use frontdesk_core::custom_fields::{FieldDef, FieldInput, OptionChange};
use frontdesk_core::CoreResult;
use tauri::State;

use super::blocking;
use crate::Desk;

/// Every field, archived ones too, in form order.
#[tauri::command]
#[specta::specta]
pub async fn custom_fields(desk: State<'_, Desk>) -> CoreResult<Vec<FieldDef>> {
    blocking(&desk, move |s| s.custom_fields(true)).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_custom_field(desk: State<'_, Desk>, input: FieldInput) -> CoreResult<FieldDef> {
    blocking(&desk, move |s| s.add_custom_field(&input)).await
}

/// Saves a field's whole definition (`input` as [`FieldInput::from_def`] gives it, edited).
#[tauri::command]
#[specta::specta]
pub async fn edit_custom_field(desk: State<'_, Desk>, key: String, input: FieldInput) -> CoreResult<FieldDef> {
    blocking(&desk, move |s| s.edit_custom_field(&key, &input)).await
}

/// A change to one of a choice field's options.
#[tauri::command]
#[specta::specta]
pub async fn change_field_option(desk: State<'_, Desk>, key: String, change: OptionChange) -> CoreResult<FieldDef> {
    blocking(&desk, move |s| s.change_custom_option(&key, &change)).await
}

/// Moves a field to place `to` (0 first) on the forms; returns every field in the new order.
#[tauri::command]
#[specta::specta]
pub async fn move_custom_field(desk: State<'_, Desk>, key: String, to: u32) -> CoreResult<Vec<FieldDef>> {
    blocking(&desk, move |s| s.move_custom_field(&key, to as usize)).await
}

/// Archives a field (hidden everywhere, values kept) or restores it.
#[tauri::command]
#[specta::specta]
pub async fn archive_custom_field(desk: State<'_, Desk>, key: String, archived: bool) -> CoreResult<FieldDef> {
    blocking(&desk, move |s| s.archive_custom_field(&key, archived)).await
}

/// How many customers have a value of the field: what deleting it would take.
#[tauri::command]
#[specta::specta]
pub async fn custom_field_usage(desk: State<'_, Desk>, key: String) -> CoreResult<u64> {
    blocking(&desk, move |s| s.custom_field_value_count(&key)).await
}

/// Deletes an archived field and its values, if `confirmed` is still how many customers
/// have one.
#[tauri::command]
#[specta::specta]
pub async fn delete_custom_field(desk: State<'_, Desk>, key: String, confirmed: u64) -> CoreResult<u64> {
    blocking(&desk, move |s| s.delete_custom_field(&key, Some(confirmed))).await
}
