include!("src/command_names.rs");

fn main() {
    // The app's config lives at the repository root (tauri.conf.json); `capabilities/` grants
    // the window exactly the commands in `COMMANDS`.
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build configuration");
}
