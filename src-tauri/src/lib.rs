//! The desktop shell: opens the desk's database in the OS app-data folder and exposes
//! `frontdesk-core` to the window as a thin list of typed commands (see [`commands`]).
//! No business logic lives here.

pub mod commands;
mod desk;

use std::sync::Arc;

use frontdesk_core::Store;

pub use desk::{database_path, Desk};

/// Every command the window may call, with their TypeScript bindings (`ui/src/bindings.ts`).
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::*;
    // Ids and timestamps that cross the bridge fit in 53 bits (seq, ms, branch ids).
    tauri_specta::Builder::<tauri::Wry>::new()
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
        .constant(
            "FIELD_LABELS",
            frontdesk_core::customers::labels::field_labels().collect::<std::collections::BTreeMap<_, _>>(),
        )
        // The plain text fields, in form order: the form's blank values come from them.
        .constant(
            "TEXT_FIELDS",
            frontdesk_core::customers::TEXT_FIELDS
                .iter()
                .map(|f| serde_json::json!({"key": f.key, "label": f.label, "max": f.max}))
                .collect::<Vec<_>>(),
        )
        // Error codes the window acts on.
        .constant(
            "ERROR_CODES",
            frontdesk_core::error::codes::ALL.iter().copied().collect::<std::collections::BTreeMap<_, _>>(),
        )
        // What the directory's filter builder offers: the standard fields and stats a condition
        // may name, and the operators of each kind of value.
        .constant(
            "CONDITION_FIELDS",
            frontdesk_core::search::CONDITION_FIELDS
                .iter()
                .map(|(key, label, is)| serde_json::json!({"key": key, "label": label, "is": is}))
                .collect::<Vec<_>>(),
        )
        .constant(
            "CONDITION_OPERATORS",
            frontdesk_core::search::ValueIs::ALL
                .into_iter()
                .map(|is| {
                    (
                        serde_json::to_value(is).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                        frontdesk_core::search::operators(is).to_vec(),
                    )
                })
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        // What a condition on a custom field of each kind reads its value as.
        .constant(
            "CONDITION_KIND_IS",
            frontdesk_core::custom_fields::FieldKind::ALL
                .into_iter()
                .map(|k| (k.as_str(), frontdesk_core::search::custom_is(k)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        // The sorts that run newest / highest first unless asked otherwise.
        .constant(
            "DESCENDING_BY_DEFAULT",
            frontdesk_core::search::SortBy::ALL.into_iter().filter(|s| s.descending_by_default()).collect::<Vec<_>>(),
        )
        .commands(tauri_specta::collect_commands![
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
            draft_customer,
            desk_info,
            update_settings,
            add_branch,
            rename_branch,
            archive_branch,
            restore_branch,
            move_customers,
            preview_import,
            import_csv,
            load_demo,
            book_appointment,
            set_appointment_status,
            cancel_appointment,
            create_order,
            pay_order,
            refund_order,
            redeem_points,
            cancel_order,
            directory_stats,
            add_service,
            update_service,
            add_staff,
            update_staff,
            custom_fields,
            add_custom_field,
            edit_custom_field,
            change_field_option,
            move_custom_field,
            archive_custom_field,
            custom_field_usage,
            delete_custom_field,
            segments,
            save_segment,
            update_segment,
            delete_segment,
            export_customers,
            past_appointments,
            customer_orders,
            backup_status,
            backup_now,
            list_backups,
            set_backup_folder,
            inspect_backup,
            restore_backup,
            export_everything,
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

/// Opens the desk's database; when that fails, says why in a message box (there is no
/// window yet to say it in) and exits.
fn open_desk() -> Desk {
    // Tauri's app-data folder is the OS data folder + the app identifier, as here.
    let dir = dirs::data_dir().map(|d| d.join(frontdesk_core::APP_IDENTIFIER));
    let opened = database_path(dir).and_then(|path| match open_waiting(&path) {
        Ok(store) => Ok(Desk { store: Arc::new(store), path }),
        Err(e) => Err(format!("Frontdesk cannot open its customer database {}:\n\n{e}", path.display())),
    });
    opened.unwrap_or_else(|message| {
        eprintln!("{message}");
        let _ = rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("Frontdesk cannot start")
            .set_description(&message)
            .show();
        std::process::exit(1);
    })
}

/// Opens the desk for this window alone (see `frontdesk_core::store::desk_lock`). A command
/// that has it open (a search, an export) is waited for a little before giving up.
fn open_waiting(path: &std::path::Path) -> Result<Store, frontdesk_core::CoreError> {
    let holder = frontdesk_core::store::desk_lock::holder_description("the Frontdesk app");
    let started = std::time::Instant::now();
    loop {
        match Store::open_as(path, Default::default(), &holder) {
            Err(frontdesk_core::CoreError::Conflict { code, .. })
                if code == frontdesk_core::error::codes::DESK_IN_USE
                    && started.elapsed() < std::time::Duration::from_secs(15) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(200))
            }
            other => return other,
        }
    }
}

/// Tidies the desk a small step (a few ms) at a time, every two seconds while there is work:
/// merging the search indexes' segments and writing the log back into the database, so that no
/// customer save pays for either (see `Store::tidy_step`).
fn tidy_in_background(store: Arc<Store>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(2));
        while let Ok(true) = store.tidy_step() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
}

/// Backs the desk up once a day while it runs (when something was written since the last
/// backup), checking every ten minutes — the first time ten minutes after the start, not while
/// the desk is being opened for the morning. A failure is remembered by the core and shown in
/// the window; it is tried again at the next check.
fn back_up_daily(store: Arc<Store>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(10 * 60));
        if let Ok(true) = store.backup_due() {
            if let Err(e) = store.backup_now(None) {
                eprintln!("the daily backup failed: {e}");
            }
        }
    });
}

/// On quit, a last backup of what was written since the last one.
fn back_up_on_quit(store: &Store) {
    if store.backup_status().is_ok_and(|s| s.changed_since) {
        if let Err(e) = store.backup_now(None) {
            eprintln!("the backup on quit failed: {e}");
        }
    }
}

/// The OS shutting down or logging out asks programs to end with SIGTERM (a terminal's Ctrl+C
/// with SIGINT): the app then quits as its close button does, with its backup on quit.
fn quit_on_termination(app: &tauri::AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            app.exit(0);
        });
    }
}

pub fn run() {
    let desk = open_desk();
    let store = Arc::clone(&desk.store);
    tidy_in_background(Arc::clone(&store));
    back_up_daily(Arc::clone(&store));
    let builder = specta_builder();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(desk)
        .invoke_handler(builder.invoke_handler())
        .setup(|app| {
            quit_on_termination(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while starting the Frontdesk window")
        .run(move |_, event| {
            if let tauri::RunEvent::Exit = event {
                back_up_on_quit(&store);
            }
        });
}
