// The commands the window may call. Included by build.rs (which makes an `allow-<name>`
// permission for each) and by the tests (which check the capability and the bindings agree).
pub const COMMANDS: &[&str] = &[
    "search",
    "customer_detail",
    "timeline",
    "create_customer",
    "update_customer",
    "block_customer",
    "unblock_customer",
    "archive_customer",
    "restore_customer",
    "check_customer",
    "desk_info",
    "update_settings",
    "add_branch",
    "import_csv",
    "load_demo",
];
