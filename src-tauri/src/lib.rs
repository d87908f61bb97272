//! The desktop shell: opens the desk's database in the OS app-data folder and exposes
//! `frontdesk-core` to the window as a thin list of typed commands (see [`commands`]).
//! No business logic lives here.

pub mod commands;
mod desk;

use std::sync::Arc;

use frontdesk_core::Store;
use tauri::Manager;

pub use desk::{database_path, Desk};

/// Every command the window may call, with their TypeScript bindings (`ui/src/bindings.ts`).
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::*;
    // Ids and timestamps that cross the bridge fit in 53 bits (seq, ms, branch ids).
    tauri_specta::Builder::<tauri::Wry>::new().dangerously_cast_bigints_to_number().disable_serde_phases().commands(tauri_specta::collect_commands![
        search,
        customer_detail,
        timeline,
        create_customer,
        update_customer,
        block_customer,
        unblock_customer,
        archive_customer,
        restore_customer,
        check_customer,
        desk_info,
        update_settings,
        add_branch,
        import_csv,
        load_demo,
    ])
}

/// Writes the TypeScript the UI imports (the commands and every type they take or return).
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let ts = specta_typescript::Typescript::default().header(
        "// Generated from src-tauri's commands. Do not edit: after changing a command run\n\
         // `UPDATE_BINDINGS=1 cargo test -p frontdesk-app --test bindings`.\n/* eslint-disable */",
    );
    specta_builder().export(ts, path).map_err(|e| e.to_string())
}

pub fn run() {
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            let path = database_path(app.path().app_data_dir().ok())?;
            let store = Store::open(&path, Default::default()).map_err(|e| format!("Cannot open the customer database {}: {e}", path.display()))?;
            app.manage(Desk { store: Arc::new(store), path });
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running the Frontdesk window");
}
