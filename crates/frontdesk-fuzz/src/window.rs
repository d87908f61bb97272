//! The window's command calls as JSON, run the way the desktop shell runs them (`src-tauri/src/
//! commands`: parse the ids the window sends, then call the core). Arguments are named as the
//! window sends them (camelCase).

use frontdesk_core::custom_fields::{FieldInput, OptionChange};
use frontdesk_core::customers::{Actor, CustomerInput};
use frontdesk_core::history::{
    AppointmentStatus, BookingInput, CancelledBy, OrderInput, PaymentMethod, ServiceInput, StaffInput,
};
use frontdesk_core::search::SearchRequest;
use frontdesk_core::segments::SegmentInput;
use frontdesk_core::settings::SettingsInput;
use frontdesk_core::{BranchId, CoreError, CoreResult, ServiceId, StaffId, Store};
use serde::Deserialize;

/// The commands whose arguments are data (the others take only paths of this computer, or
/// nothing, and have their own tests).
#[derive(Debug, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Call {
    Search { request: SearchRequest },
    CustomerDetail { id: String },
    Timeline { id: String, before: Option<i64>, limit: u32 },
    CreateCustomer { input: CustomerInput },
    UpdateCustomer { id: String, input: CustomerInput },
    BlockCustomer { id: String, reason: String },
    UnblockCustomer { id: String, note: Option<String> },
    ArchiveCustomer { id: String },
    RestoreCustomer { id: String },
    CheckCustomer { input: CustomerInput, except: Option<String> },
    DraftCustomer { query: String },
    UpdateSettings { input: SettingsInput },
    AddBranch { code: String, name: String },
    RenameBranch { id: BranchId, name: String },
    ArchiveBranch { id: BranchId },
    RestoreBranch { id: BranchId },
    MoveCustomers { ids: Vec<String>, matching: Option<SearchRequest>, to: BranchId },
    BookAppointment { input: BookingInput },
    SetAppointmentStatus { id: String, status: AppointmentStatus },
    CancelAppointment { id: String, by: CancelledBy, reason: String },
    CreateOrder { input: OrderInput },
    PayOrder { id: String, method: PaymentMethod, amount_minor: i64 },
    RefundOrder { id: String, method: PaymentMethod, amount_minor: i64, reason: String },
    RedeemPoints { id: String, points: i64 },
    CancelOrder { id: String, reason: String },
    AddService { input: ServiceInput },
    UpdateService { id: ServiceId, input: ServiceInput },
    AddStaff { input: StaffInput },
    UpdateStaff { id: StaffId, input: StaffInput },
    CustomFields {},
    AddCustomField { input: FieldInput },
    EditCustomField { key: String, input: FieldInput },
    ChangeFieldOption { key: String, change: OptionChange },
    MoveCustomField { key: String, to: u32 },
    ArchiveCustomField { key: String, archived: bool },
    CustomFieldUsage { key: String },
    DeleteCustomField { key: String, confirmed: u64 },
    Segments {},
    SaveSegment { input: SegmentInput },
    UpdateSegment { id: i64, input: SegmentInput },
    DeleteSegment { id: i64 },
    PastAppointments { id: String, before: String, limit: u32 },
    CustomerOrders { id: String, before: String, limit: u32 },
    SetBackupFolder { folder: Option<String> },
    DirectoryStats {},
    DeskInfo {},
}

/// Commands that take no data from the window, or only paths on this computer.
pub const NOT_DATA: &[&str] = &[
    "backup_status",
    "backup_now",
    "list_backups",
    "inspect_backup",
    "restore_backup",
    "export_everything",
    "preview_import",
    "import_csv",
    "load_demo",
    "export_customers",
];

fn id<T: std::str::FromStr>(what: &str, id: &str) -> CoreResult<T> {
    id.parse().map_err(|_| CoreError::validation("id", "invalid_id", format!("'{id}' is not {what} id.")))
}

/// Runs one call; what the window would get back is dropped.
pub fn run(s: &Store, call: Call) -> CoreResult<()> {
    let actor = Actor::new("fuzz");
    match call {
        Call::Search { request } => s.search(&request).map(drop),
        Call::CustomerDetail { id } => s.customer_detail(&id, 20).map(drop),
        Call::Timeline { id: c, before, limit } => {
            s.timeline(id("a customer", &c)?, before, limit.clamp(1, 500) as usize).map(drop)
        }
        Call::CreateCustomer { input } => s.create_customer(&actor, &input).map(drop),
        Call::UpdateCustomer { id: c, input } => s.update_customer(&actor, id("a customer", &c)?, &input).map(drop),
        Call::BlockCustomer { id: c, reason } => s.block_customer(&actor, id("a customer", &c)?, &reason).map(drop),
        Call::UnblockCustomer { id: c, note } => {
            s.unblock_customer(&actor, id("a customer", &c)?, note.as_deref()).map(drop)
        }
        Call::ArchiveCustomer { id: c } => s.archive_customer(&actor, id("a customer", &c)?).map(drop),
        Call::RestoreCustomer { id: c } => s.restore_customer(&actor, id("a customer", &c)?).map(drop),
        Call::CheckCustomer { input, except } => {
            let except = except.map(|e| id("a customer", &e)).transpose()?;
            s.check_customer(&input, except).map(drop)
        }
        Call::DraftCustomer { query } => {
            frontdesk_core::customers::draft_from_query(&query);
            Ok(())
        }
        // Region, currency, branch … on a desk other calls share: valid changes are kept.
        Call::UpdateSettings { input } => s.update_settings(&input).map(drop),
        Call::AddBranch { code, name } => s.add_branch(&code, &name).map(drop),
        Call::RenameBranch { id: b, name } => s.rename_branch(b, &name).map(drop),
        Call::ArchiveBranch { id: b } => s.archive_branch(b),
        Call::RestoreBranch { id: b } => s.restore_branch(b).map(drop),
        Call::MoveCustomers { ids, matching, to } => {
            let movers = match matching {
                Some(req) => frontdesk_core::branches::Movers::Matching(req),
                None => frontdesk_core::branches::Movers::Ids(
                    ids.iter().map(|i| id("a customer", i)).collect::<CoreResult<_>>()?,
                ),
            };
            s.move_customers(&actor, &movers, to).map(drop)
        }
        Call::BookAppointment { input } => s.book_appointment(&actor, &input).map(drop),
        Call::SetAppointmentStatus { id: a, status } => {
            s.set_appointment_status(&actor, id("an appointment", &a)?, status).map(drop)
        }
        Call::CancelAppointment { id: a, by, reason } => {
            s.cancel_appointment(&actor, id("an appointment", &a)?, by, &reason).map(drop)
        }
        Call::CreateOrder { input } => s.create_order(&actor, &input).map(drop),
        Call::PayOrder { id: o, method, amount_minor } => {
            s.pay_order(&actor, id("an order", &o)?, method, amount_minor).map(drop)
        }
        Call::RefundOrder { id: o, method, amount_minor, reason } => {
            s.refund_order(&actor, id("an order", &o)?, method, amount_minor, &reason).map(drop)
        }
        Call::RedeemPoints { id: o, points } => s.redeem_points(&actor, id("an order", &o)?, points).map(drop),
        Call::CancelOrder { id: o, reason } => s.cancel_order(&actor, id("an order", &o)?, &reason).map(drop),
        Call::AddService { input } => s.add_service(&input).map(drop),
        Call::UpdateService { id, input } => s.update_service(id, &input).map(drop),
        Call::AddStaff { input } => s.add_staff(&input).map(drop),
        Call::UpdateStaff { id, input } => s.update_staff(id, &input).map(drop),
        Call::CustomFields {} => s.custom_fields(true).map(drop),
        Call::AddCustomField { input } => s.add_custom_field(&input).map(drop),
        Call::EditCustomField { key, input } => s.edit_custom_field(&key, &input).map(drop),
        Call::ChangeFieldOption { key, change } => s.change_custom_option(&key, &change).map(drop),
        Call::MoveCustomField { key, to } => s.move_custom_field(&key, to as usize).map(drop),
        Call::ArchiveCustomField { key, archived } => s.archive_custom_field(&key, archived).map(drop),
        Call::CustomFieldUsage { key } => s.custom_field_value_count(&key).map(drop),
        Call::DeleteCustomField { key, confirmed } => s.delete_custom_field(&key, Some(confirmed)).map(drop),
        Call::Segments {} => s.segments().map(drop),
        Call::SaveSegment { input } => s.save_segment(&input).map(drop),
        Call::UpdateSegment { id, input } => s.update_segment(&id.to_string(), &input).map(drop),
        Call::DeleteSegment { id } => s.delete_segment(&id.to_string()).map(drop),
        Call::PastAppointments { id: c, before, limit } => {
            s.past_appointments(id("a customer", &c)?, id("an appointment", &before)?, limit as usize).map(drop)
        }
        Call::CustomerOrders { id: c, before, limit } => {
            s.customer_orders(id("a customer", &c)?, id("an order", &before)?, limit as usize).map(drop)
        }
        Call::SetBackupFolder { folder } => s.set_backup_folder(folder.as_deref()).map(drop),
        Call::DirectoryStats {} => s.directory_stats().map(drop),
        Call::DeskInfo {} => s
            .branches()
            .and_then(|_| s.services())
            .and_then(|_| s.staff())
            .and_then(|_| s.custom_fields(true))
            .map(drop),
    }
}
