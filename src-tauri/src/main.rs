// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // WebKitGTK's accelerated compositing costs a reception PC without a good GPU (and a
    // virtual display) a frame per keystroke and ~150 MB; this UI is flat 2D. Set the variable
    // to 0 to turn compositing back on.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    frontdesk_app::run();
}
