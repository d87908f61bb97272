//! The UI's typed bindings and the window's permissions stay in step with the commands.

use std::path::Path;

include!("../src/command_names.rs");

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn committed_bindings_match_the_commands() {
    let committed = root().join("ui/src/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        frontdesk_app::export_bindings(&committed).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    frontdesk_app::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(fresh).unwrap();
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p frontdesk-app --test bindings` and commit it"
    );
}

#[test]
fn the_window_may_call_every_command_and_nothing_else() {
    let cap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("src-tauri/capabilities/main-window.json")).unwrap())
            .unwrap();
    let mut granted: Vec<String> =
        cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    granted.sort();
    let mut expected: Vec<String> = COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    expected.push("dialog:allow-open".into());
    expected.sort();
    assert_eq!(granted, expected);

    // The commands the bindings invoke are exactly the ones the window is granted.
    let bindings = std::fs::read_to_string(root().join("ui/src/bindings.ts")).unwrap();
    let mut invoked: Vec<&str> =
        bindings.split("__TAURI_INVOKE(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    invoked.sort();
    let mut commands = COMMANDS.to_vec();
    commands.sort();
    assert_eq!(invoked, commands);
}
