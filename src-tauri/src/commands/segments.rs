//! Saved segments, and exporting what the directory's filter shows.

use frontdesk_core::search::SearchFilter;
use frontdesk_core::segments::{Segment, SegmentCount, SegmentInput};
use frontdesk_core::CoreResult;
use serde::Serialize;
use tauri::State;

use super::backup::path_from_window;
use super::blocking;
use crate::Desk;

/// Every segment with its live count.
#[tauri::command]
#[specta::specta]
pub async fn segments(desk: State<'_, Desk>) -> CoreResult<Vec<SegmentCount>> {
    blocking(&desk, move |s| s.segments()).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_segment(desk: State<'_, Desk>, input: SegmentInput) -> CoreResult<Segment> {
    blocking(&desk, move |s| s.save_segment(&input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_segment(desk: State<'_, Desk>, id: i64, input: SegmentInput) -> CoreResult<Segment> {
    blocking(&desk, move |s| s.update_segment(&id.to_string(), &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_segment(desk: State<'_, Desk>, id: i64) -> CoreResult<Segment> {
    blocking(&desk, move |s| s.delete_segment(&id.to_string())).await
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CustomersFile {
    pub path: String,
    pub customers: u64,
}

/// Writes the customers `filter` lists (a segment, or the directory's conditions) as CSV to
/// a new file `<name>-<date>.csv` in the folder `parent`.
#[tauri::command]
#[specta::specta]
pub async fn export_customers(
    desk: State<'_, Desk>,
    parent: String,
    name: String,
    filter: SearchFilter,
) -> CoreResult<CustomersFile> {
    let parent = path_from_window("parent", &parent, "the folder to export into")?;
    blocking(&desk, move |s| {
        let path = frontdesk_core::export::new_file_in(&parent, &name, "csv", s.sources().clock.now_ms())?;
        let customers =
            frontdesk_core::export::export_matching_to_file(s, &filter, frontdesk_core::export::Format::Csv, &path)?;
        Ok(CustomersFile { path: path.display().to_string(), customers })
    })
    .await
}
