//! The customer write path. Every change writes, in one transaction: the row, a timeline
//! event (who, when, field: old → new) and field-level outbox records stamped with the HLC and
//! this device. Uniqueness of email and phone among live customers is checked here, inside the
//! same transaction, so two desks' writes cannot slip past each other on one database.

use rusqlite::{params, OptionalExtension, ToSql};
use serde_json::{json, Value};

use super::custom::{self, CustomEdit, Saving};
use super::fields::TEXT_FIELDS;
use super::model::{Actor, Customer, CustomerInput, CustomerStatus};
use super::read::{self, EMAIL_SHARED, PHONE_SHARED};
use super::timeline::{encode, FieldChange};
use super::valid::{validate_customer, ValidCustomer};
use crate::change::EntityKind;
use crate::clock::ms_to_datetime;
use crate::custom_fields::Reading;
use crate::error::{CoreError, CoreResult};
use crate::ids::{BranchId, CustomerId};
use crate::normalize;
use crate::settings::branch_exists;
use crate::store::search_index::{self as index, IndexKeys};
use crate::store::{Store, Writer};
use crate::validate;

/// How a record enters the database other than by the form (import, sync, seeding).
#[derive(Debug, Clone, Default)]
pub struct InsertOptions {
    pub id: Option<CustomerId>,
    pub code: Option<String>,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub blocked_reason: Option<String>,
    pub import_id: Option<i64>,
    /// When and by whom marketing consent was recorded (kept on import).
    pub consent_at: Option<i64>,
    pub consent_by: Option<String>,
    /// The record's search keys when already computed (an import computes them on its
    /// validation thread, off the writer's).
    pub(crate) keys: Option<IndexKeys>,
}

/// A record written by [`Writer::insert_customer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub seq: i64,
    pub id: CustomerId,
    pub code: String,
}

fn first_error(errors: Vec<CoreError>) -> CoreError {
    errors
        .into_iter()
        .next()
        .unwrap_or_else(|| CoreError::validation("customer", "invalid", "The customer is not valid."))
}

fn duplicate(field: &str, c: Customer) -> CoreError {
    CoreError::Duplicate {
        field: field.into(),
        existing: crate::error::CustomerRef { id: c.id, code: c.code, display_name: c.display_name },
    }
}

fn keys_of(c: &Customer) -> IndexKeys {
    IndexKeys::of(&c.first_name, &c.last_name, c.email.as_deref(), c.phone_e164.as_deref())
}

fn shared_bits(v: &ValidCustomer) -> i64 {
    (if v.phone_shared { PHONE_SHARED } else { 0 }) | (if v.email_shared { EMAIL_SHARED } else { 0 })
}

/// The form with a birthday typed in the desk's order (`14/03/1988` or `14/3/88` on a UK desk)
/// as `YYYY-MM-DD`; one that is not a date is left out and said why, in the desk's order.
fn birthday_as_typed(
    input: &CustomerInput,
    locale: &crate::locale::Locale,
    today: chrono::NaiveDate,
) -> (CustomerInput, Option<CoreError>) {
    let Some(text) = input.birthday.as_deref().map(str::trim).filter(|b| !b.is_empty()) else {
        return (input.clone(), None);
    };
    match crate::locale::dates::parse(text, locale.date_order, today) {
        Ok(crate::locale::dates::Written::Date(d)) => {
            (CustomerInput { birthday: Some(d.format("%Y-%m-%d").to_string()), ..input.clone() }, None)
        }
        Ok(_) => (
            CustomerInput { birthday: None, ..input.clone() },
            Some(CoreError::validation(
                "birthday",
                "invalid_date",
                format!(
                    "\"{text}\" has a time; a birthday is a date, e.g. {}.",
                    locale.format_date(chrono::NaiveDate::from_ymd_opt(1990, 4, 23).unwrap_or(today))
                ),
            )),
        ),
        Err(why) => (
            CustomerInput { birthday: None, ..input.clone() },
            Some(CoreError::validation("birthday", "invalid_date", why)),
        ),
    }
}

/// The bit of `shared_contacts` that marks the `email` or `phone` as shared.
pub(crate) fn shared_bit(field: &str) -> i64 {
    if field == "email" {
        EMAIL_SHARED
    } else {
        PHONE_SHARED
    }
}

impl Writer<'_> {
    fn today(&self) -> chrono::NaiveDate {
        ms_to_datetime(self.now_ms).date_naive()
    }

    /// Validates a form against this desk's region and branch.
    pub fn validate(&self, input: &CustomerInput) -> CoreResult<ValidCustomer> {
        let (input, bad_birthday) = birthday_as_typed(input, &self.desk.locale, self.today());
        if let Some(e) = bad_birthday {
            return Err(e);
        }
        let v = validate_customer(&input, &self.desk.default_region, self.desk.branch_id, self.today())
            .map_err(first_error)?;
        branch_exists(&self.tx, v.branch_id)?;
        Ok(v)
    }

    /// Validates an edit of `old`. A phone left as it was is not read again: the desk's default
    /// region may have changed since, and the stored number stays what it was.
    fn validate_keeping_phone(&self, input: &CustomerInput, old: &Customer) -> CoreResult<ValidCustomer> {
        let unchanged = old.phone_raw.is_some() && input.phone.as_deref().map(str::trim) == old.phone_raw.as_deref();
        if !unchanged {
            return self.validate(input);
        }
        let mut v = self.validate(&CustomerInput { phone: None, ..input.clone() })?;
        v.phone_raw = old.phone_raw.clone();
        v.phone_e164 = old.phone_e164.clone();
        v.phone_shared = input.phone_shared && v.phone_e164.is_some();
        Ok(v)
    }

    /// Email and phone must not belong to another live customer unless marked shared.
    pub(crate) fn check_unique(&self, v: &ValidCustomer, except_seq: Option<i64>) -> CoreResult<()> {
        if let (Some(email), false) = (&v.email, v.email_shared) {
            if let Some((existing, _)) = read::live_owner_by_email(&self.tx, email, except_seq)? {
                return Err(CoreError::Duplicate { field: "email".into(), existing });
            }
        }
        if let (Some(e164), false) = (&v.phone_e164, v.phone_shared) {
            if let Some((existing, _)) = read::live_owner_by_phone(&self.tx, e164, except_seq)? {
                return Err(CoreError::Duplicate { field: "phone".into(), existing });
            }
        }
        Ok(())
    }

    /// The form's custom values checked for a customer like `v` (`seq`: the one being edited).
    fn custom_edits(&self, input: &CustomerInput, v: &ValidCustomer, seq: Option<i64>) -> CoreResult<Vec<CustomEdit>> {
        let region = v.text.country.clone().unwrap_or_else(|| self.desk.default_region.clone());
        let reading = Reading { region: &region, date_order: self.desk.locale.date_order, today: self.today() };
        let defs = crate::custom_fields::all_defs(&self.tx)?;
        custom::check(&self.tx, &defs, input, v.branch_id, seq, &reading, Saving::Form)?.map_err(first_error)
    }

    /// Creates a customer from the form.
    pub fn create_customer(&mut self, actor: &Actor, input: &CustomerInput) -> CoreResult<Imported> {
        let v = self.validate(input)?;
        self.check_unique(&v, None)?;
        let edits = self.custom_edits(input, &v, None)?;
        let created = self.insert_customer(actor, &v, &InsertOptions::default())?;
        for c in custom::write(&self.tx, created.seq, &edits)? {
            self.outbox(created.seq, &c.field, Some(&c.new))?;
        }
        Ok(created)
    }

    fn next_code(&mut self) -> CoreResult<String> {
        let mut n = match self.next_code {
            Some(n) => n,
            None => crate::settings::get(&self.tx, "code_counter")?.and_then(|v| v.parse().ok()).unwrap_or(0) + 1,
        };
        loop {
            let code = format!("{}-{n}", self.desk.code_prefix);
            n += 1;
            let taken: bool = self
                .tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM customers WHERE code = ?1)")?
                .query_row([&code], |r| r.get(0))?;
            if !taken {
                self.next_code = Some(n);
                return Ok(code);
            }
        }
    }

    fn adopt_code(&mut self, code: &str) -> CoreResult<String> {
        let canonical = normalize::code_query(code).ok_or_else(|| {
            CoreError::validation(
                "code",
                "invalid_code",
                format!("\"{code}\" is not a customer code (three letters, a dash, digits: QKM-1042)."),
            )
        })?;
        let existing = self
            .tx
            .prepare_cached("SELECT seq FROM customers WHERE code = ?1")?
            .query_row([&canonical], |r| r.get::<_, i64>(0))
            .optional()?;
        if let Some(seq) = existing {
            return Err(duplicate("code", read::by_seq(&self.tx, seq)?));
        }
        let prefix = &canonical[..3];
        if prefix != self.desk.code_prefix {
            self.tx.prepare_cached("INSERT OR IGNORE INTO code_prefixes(prefix) VALUES (?1)")?.execute([prefix])?;
        }
        Ok(canonical)
    }

    /// Inserts an already validated (and uniqueness-checked) customer.
    pub fn insert_customer(&mut self, actor: &Actor, v: &ValidCustomer, opts: &InsertOptions) -> CoreResult<Imported> {
        // The id is checked before the code is adopted: a rejected row writes nothing.
        let id = match opts.id {
            Some(id) => {
                let taken: bool = self
                    .tx
                    .prepare_cached("SELECT EXISTS(SELECT 1 FROM customers WHERE id = ?1)")?
                    .query_row([id.0.as_bytes().to_vec()], |r| r.get(0))?;
                if taken {
                    return Err(duplicate("id", read::find(&self.tx, &id.to_string())?.1));
                }
                id
            }
            None => CustomerId(self.sources.ids.new_uuid(self.now_ms)),
        };
        let code = match &opts.code {
            Some(c) => self.adopt_code(c)?,
            None => self.next_code()?,
        };
        let status = if opts.blocked_reason.is_some() { CustomerStatus::Blocked } else { CustomerStatus::Active };
        let created = opts.created_at.unwrap_or(self.now_ms);
        let updated = opts.updated_at.unwrap_or(created);
        let tags = if v.tags.is_empty() { None } else { Some(serde_json::to_string(&v.tags).unwrap_or_default()) };
        let consent_at = v.marketing_consent.map(|_| opts.consent_at.unwrap_or(self.now_ms));
        let consent_by = v.marketing_consent.map(|_| opts.consent_by.as_deref().unwrap_or(actor.0.as_str()));
        let id_bytes = id.0.as_bytes().to_vec();
        let (shared, branch, status, birthday) =
            (shared_bits(v), v.branch_id.0, status.to_db(), v.birthday.map(|b| b.to_string()));
        let fixed: [&dyn ToSql; 20] = [
            &id_bytes,
            &code,
            &v.first_name,
            &v.last_name,
            &v.phone_raw,
            &v.phone_e164,
            &v.email,
            &shared,
            &branch,
            &status,
            &opts.blocked_reason,
            &v.remarks,
            &tags,
            &birthday,
            &v.marketing_consent,
            &consent_at,
            &consent_by,
            &created,
            &updated,
            &opts.import_id,
        ];
        let text = v.text.iter().map(|(_, value)| value as &dyn ToSql);
        bind_and_run(&mut self.tx.prepare_cached(insert_sql())?, fixed.into_iter().chain(text))?;
        let seq = self.tx.last_insert_rowid();
        let keys = opts.keys.clone().unwrap_or_else(|| v.index_keys());
        match &mut self.deferred_index {
            // A new customer has spent nothing: the batch adds its count to the totals at the end.
            Some(rows) => rows.push((seq, keys)),
            None => {
                self.count_live(seq, 1)?;
                index::add(&self.tx, seq, &keys)?
            }
        }
        // An imported record's timeline entry and outbox record are the import's (see bulk.rs).
        if opts.import_id.is_none() {
            self.event(seq, actor, "created", None)?;
            self.outbox(seq, "*", None)?;
        }
        Ok(Imported { seq, id, code })
    }

    /// A timeline event on the customer, who was thereby updated now (an edit, a booking, a sale).
    pub(crate) fn customer_event(&self, seq: i64, actor: &Actor, kind: &str, data: Option<String>) -> CoreResult<()> {
        self.tx
            .prepare_cached("UPDATE customers SET updated_at = ?2 WHERE seq = ?1")?
            .execute(params![seq, self.now_ms])?;
        self.event(seq, actor, kind, data)
    }

    pub(crate) fn event(&self, seq: i64, actor: &Actor, kind: &str, data: Option<String>) -> CoreResult<()> {
        self.tx
            .prepare_cached("INSERT INTO events(customer_seq, at, actor, kind, data) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![seq, self.now_ms, actor.0, kind, data])?;
        Ok(())
    }

    pub(crate) fn outbox(&self, seq: i64, field: &str, value: Option<&Value>) -> CoreResult<()> {
        self.outbox_for(EntityKind::Customer, seq, field, value)
    }

    fn load(&self, id: CustomerId) -> CoreResult<(i64, Customer)> {
        read::find(&self.tx, &id.to_string())
    }

    fn touch(
        &self,
        seq: i64,
        actor: &Actor,
        kind: &str,
        changes: &[FieldChange],
        note: Option<&str>,
    ) -> CoreResult<()> {
        self.customer_event(seq, actor, kind, encode(changes, note))?;
        for c in changes {
            self.outbox(seq, &c.field, Some(&c.new))?;
        }
        Ok(())
    }

    /// Saves the edit form. Returns the changes made (empty: nothing changed, nothing written).
    pub fn update_customer(
        &mut self,
        actor: &Actor,
        id: CustomerId,
        input: &CustomerInput,
    ) -> CoreResult<Vec<FieldChange>> {
        let (seq, old) = self.load(id)?;
        if old.archived_at.is_some() {
            return Err(CoreError::conflict(
                "archived",
                format!("{} is archived; restore the record before editing it.", old.display_name),
            ));
        }
        let v = self.validate_keeping_phone(input, &old)?;
        // Only a contact point that changed (or stopped being marked shared) is checked: an
        // unchanged duplicate (e.g. created before on another desk) must not make the rest of
        // the record uneditable.
        let check = ValidCustomer {
            email: v.email.clone().filter(|e| {
                old.email.as_deref().map(normalize::email_key) != Some(normalize::email_key(e))
                    || (old.email_shared && !v.email_shared)
            }),
            phone_e164: v
                .phone_e164
                .clone()
                .filter(|p| old.phone_e164.as_deref() != Some(p) || (old.phone_shared && !v.phone_shared)),
            ..v.clone()
        };
        self.check_unique(&check, Some(seq))?;
        let edits = self.custom_edits(input, &v, Some(seq))?;
        let mut changes = Vec::new();
        let mut diff = |field: &str, old: Value, new: Value| {
            if old != new {
                changes.push(FieldChange { field: field.into(), old, new });
            }
        };
        diff("first_name", json!(old.first_name), json!(v.first_name));
        diff("last_name", json!(old.last_name), json!(v.last_name));
        diff("phone_raw", json!(old.phone_raw), json!(v.phone_raw));
        diff("phone_e164", json!(old.phone_e164), json!(v.phone_e164));
        diff("phone_shared", json!(old.phone_shared), json!(v.phone_shared));
        diff("email", json!(old.email), json!(v.email));
        diff("email_shared", json!(old.email_shared), json!(v.email_shared));
        for (f, value) in v.text.iter() {
            diff(f.key, json!((f.get)(&old.text)), json!(value));
        }
        diff("branch_id", json!(old.branch_id), json!(v.branch_id));
        diff("remarks", json!(old.remarks), json!(v.remarks));
        diff("tags", json!(old.tags), json!(v.tags));
        diff("birthday", json!(old.birthday), json!(v.birthday));
        let consent_changed = match (v.marketing_consent, &old.marketing_consent) {
            (Some(new), Some(o)) => new != o.granted,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if consent_changed {
            diff(
                "marketing_consent",
                json!(old.marketing_consent.as_ref().map(|c| c.granted)),
                json!(v.marketing_consent),
            );
        }
        if changes.is_empty() && edits.is_empty() {
            return Ok(changes);
        }
        if !changes.is_empty() {
            self.update_row(seq, actor, &old, &v, consent_changed)?;
        }
        changes.extend(custom::write(&self.tx, seq, &edits)?);
        self.touch(seq, actor, "updated", &changes, None)?;
        Ok(changes)
    }

    /// Writes the form's standard fields to the customer's row and search keys.
    fn update_row(
        &mut self,
        seq: i64,
        actor: &Actor,
        old: &Customer,
        v: &ValidCustomer,
        consent_changed: bool,
    ) -> CoreResult<()> {
        let tags = if v.tags.is_empty() { None } else { Some(serde_json::to_string(&v.tags).unwrap_or_default()) };
        let (shared, branch, birthday) = (shared_bits(v), v.branch_id.0, v.birthday.map(|b| b.to_string()));
        let fixed: [&dyn ToSql; 11] = [
            &seq,
            &v.first_name,
            &v.last_name,
            &v.phone_raw,
            &v.phone_e164,
            &v.email,
            &shared,
            &branch,
            &v.remarks,
            &tags,
            &birthday,
        ];
        let text = v.text.iter().map(|(_, value)| value as &dyn ToSql);
        bind_and_run(&mut self.tx.prepare_cached(update_sql())?, fixed.into_iter().chain(text))?;
        index::replace(&self.tx, seq, &keys_of(old), &v.index_keys())?;
        if consent_changed {
            self.tx
                .prepare_cached("UPDATE customers SET marketing_consent = ?2, marketing_consent_at = ?3, marketing_consent_by = ?4 WHERE seq = ?1")?
                .execute(params![seq, v.marketing_consent, self.now_ms, actor.0])?;
        }
        Ok(())
    }

    /// The customer (seq) a live contact belongs to and the import that wrote them, if any.
    pub(crate) fn contact_owner(&self, id: CustomerId) -> CoreResult<(i64, Option<i64>, i64)> {
        Ok(self
            .tx
            .prepare_cached("SELECT seq, import_id, shared_contacts FROM customers WHERE id = ?1")?
            .query_row([id.0.as_bytes().to_vec()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
    }

    /// Marks a customer's email or phone as shared with family, saying with whom.
    pub(crate) fn mark_contact_shared(&mut self, seq: i64, actor: &Actor, field: &str, note: &str) -> CoreResult<()> {
        let (bit, name) = (shared_bit(field), if field == "email" { "email_shared" } else { "phone_shared" });
        self.tx
            .prepare_cached("UPDATE customers SET shared_contacts = shared_contacts | ?2 WHERE seq = ?1")?
            .execute(params![seq, bit])?;
        let changes = [FieldChange { field: name.into(), old: json!(false), new: json!(true) }];
        self.touch(seq, actor, "updated", &changes, Some(note))
    }

    /// Puts a customer in branch `to`; `false` when they are there already.
    pub fn move_to_branch(&mut self, actor: &Actor, id: CustomerId, to: BranchId) -> CoreResult<bool> {
        let (seq, old) = self.load(id)?;
        if old.branch_id == to {
            return Ok(false);
        }
        self.tx.prepare_cached("UPDATE customers SET branch_id = ?2 WHERE seq = ?1")?.execute(params![seq, to.0])?;
        let changes = [FieldChange { field: "branch_id".into(), old: json!(old.branch_id), new: json!(to) }];
        self.touch(seq, actor, "updated", &changes, None)?;
        Ok(true)
    }

    /// Blocks a customer; the reason is required and kept in the status history.
    pub fn block_customer(&mut self, actor: &Actor, id: CustomerId, reason: &str) -> CoreResult<()> {
        let reason = validate::single_line("blocked_reason", reason, 500)?;
        if reason.is_empty() {
            return Err(CoreError::validation(
                "blocked_reason",
                "required",
                "Say why the customer is blocked; the team will see it on the profile.",
            ));
        }
        let (seq, old) = self.load(id)?;
        if old.status == CustomerStatus::Blocked {
            return Err(CoreError::conflict("already_blocked", format!("{} is already blocked.", old.display_name)));
        }
        self.tx
            .prepare_cached("UPDATE customers SET status = 1, blocked_reason = ?2 WHERE seq = ?1")?
            .execute(params![seq, reason])?;
        let changes = [
            FieldChange { field: "status".into(), old: json!("active"), new: json!("blocked") },
            FieldChange { field: "blocked_reason".into(), old: json!(old.blocked_reason), new: json!(reason) },
        ];
        self.touch(seq, actor, "blocked", &changes, Some(&reason))
    }

    /// Unblocks a customer, with an optional note.
    pub fn unblock_customer(&mut self, actor: &Actor, id: CustomerId, note: Option<&str>) -> CoreResult<()> {
        let note = note.map(|n| validate::single_line("note", n, 500)).transpose()?.filter(|n| !n.is_empty());
        let (seq, old) = self.load(id)?;
        if old.status != CustomerStatus::Blocked {
            return Err(CoreError::conflict("not_blocked", format!("{} is not blocked.", old.display_name)));
        }
        self.tx
            .prepare_cached("UPDATE customers SET status = 0, blocked_reason = NULL WHERE seq = ?1")?
            .execute([seq])?;
        let changes = [
            FieldChange { field: "status".into(), old: json!("blocked"), new: json!("active") },
            FieldChange { field: "blocked_reason".into(), old: json!(old.blocked_reason), new: Value::Null },
        ];
        self.touch(seq, actor, "unblocked", &changes, note.as_deref())
    }

    /// Archives (soft-deletes) a customer: history kept, contact points free for a new record.
    pub fn archive_customer(&mut self, actor: &Actor, id: CustomerId) -> CoreResult<()> {
        let (seq, old) = self.load(id)?;
        if old.archived_at.is_some() {
            return Err(CoreError::conflict("already_archived", format!("{} is already archived.", old.display_name)));
        }
        self.tx
            .prepare_cached("UPDATE customers SET archived_at = ?2 WHERE seq = ?1")?
            .execute(params![seq, self.now_ms])?;
        self.count_live(seq, -1)?;
        index::remove(&self.tx, seq, &keys_of(&old))?;
        let changes = [FieldChange { field: "archived_at".into(), old: Value::Null, new: json!(self.now_ms) }];
        self.touch(seq, actor, "archived", &changes, None)
    }

    /// Brings an archived customer back, unless their email/phone now belongs to someone else.
    pub fn restore_customer(&mut self, actor: &Actor, id: CustomerId) -> CoreResult<()> {
        let (seq, old) = self.load(id)?;
        let Some(archived_at) = old.archived_at else {
            return Err(CoreError::conflict("not_archived", format!("{} is not archived.", old.display_name)));
        };
        let v = self.validate_keeping_phone(&CustomerInput::from_customer(&old), &old)?;
        self.check_unique(&v, Some(seq))?;
        if let Some(clash) = custom::clash(&self.tx, seq)? {
            return Err(clash);
        }
        self.tx.prepare_cached("UPDATE customers SET archived_at = NULL WHERE seq = ?1")?.execute([seq])?;
        self.count_live(seq, 1)?;
        index::add(&self.tx, seq, &keys_of(&old))?;
        let changes =
            [FieldChange { field: "archived_at".into(), old: json!(archived_at.timestamp_millis()), new: Value::Null }];
        self.touch(seq, actor, "restored", &changes, None)
    }
}

impl Store {
    pub fn create_customer(&self, actor: &Actor, input: &CustomerInput) -> CoreResult<Customer> {
        let seq = self.write(|w| w.create_customer(actor, input))?.seq;
        self.read(|r| read::by_seq(r.conn(), seq))
    }

    pub fn update_customer(&self, actor: &Actor, id: CustomerId, input: &CustomerInput) -> CoreResult<Customer> {
        self.write(|w| w.update_customer(actor, id, input))?;
        self.customer(&id.to_string())
    }

    pub fn block_customer(&self, actor: &Actor, id: CustomerId, reason: &str) -> CoreResult<Customer> {
        self.write(|w| w.block_customer(actor, id, reason))?;
        self.customer(&id.to_string())
    }

    pub fn unblock_customer(&self, actor: &Actor, id: CustomerId, note: Option<&str>) -> CoreResult<Customer> {
        self.write(|w| w.unblock_customer(actor, id, note))?;
        self.customer(&id.to_string())
    }

    pub fn archive_customer(&self, actor: &Actor, id: CustomerId) -> CoreResult<Customer> {
        self.write(|w| w.archive_customer(actor, id))?;
        self.customer(&id.to_string())
    }

    pub fn restore_customer(&self, actor: &Actor, id: CustomerId) -> CoreResult<Customer> {
        self.write(|w| w.restore_customer(actor, id))?;
        self.customer(&id.to_string())
    }

    /// Every field problem of a form at once (the save itself reports the first).
    pub fn validate_customer(&self, input: &CustomerInput) -> Vec<CoreError> {
        let desk = self.desk();
        let today = ms_to_datetime(self.sources().clock.now_ms()).date_naive();
        let (input, bad_birthday) = birthday_as_typed(input, &desk.locale, today);
        let mut errors =
            validate_customer(&input, &desk.default_region, desk.branch_id, today).err().unwrap_or_default();
        errors.extend(bad_birthday);
        errors
    }
}

/// Binds `values` to `?1`, `?2`… in order and runs the statement. No list is built per row: a
/// `Vec` per insert made imports measurably slower (docs/benchmarks.md).
fn bind_and_run<'v>(
    st: &mut rusqlite::CachedStatement<'_>,
    values: impl Iterator<Item = &'v dyn ToSql>,
) -> CoreResult<()> {
    let mut n = 0;
    for (i, value) in values.enumerate() {
        st.raw_bind_parameter(i + 1, value)?;
        n = i + 1;
    }
    if n != st.parameter_count() {
        return Err(CoreError::Storage {
            message: format!("{n} values for the {} columns of a customer write", st.parameter_count()),
        });
    }
    st.raw_execute()?;
    Ok(())
}

/// `INSERT INTO customers`: the columns [`Writer::insert_customer`] binds, in its order, then the
/// text fields.
fn insert_sql() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let columns: Vec<&str> = [
            "id",
            "code",
            "first_name",
            "last_name",
            "phone_raw",
            "phone_e164",
            "email",
            "shared_contacts",
            "branch_id",
            "status",
            "blocked_reason",
            "remarks",
            "tags",
            "birthday",
            "marketing_consent",
            "marketing_consent_at",
            "marketing_consent_by",
            "created_at",
            "updated_at",
            "import_id",
        ]
        .into_iter()
        .chain(TEXT_FIELDS.iter().map(|f| f.key))
        .collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO customers({}) VALUES ({})", columns.join(", "), marks.join(", "))
    });
    &SQL
}

/// `UPDATE customers` of a form's fields: the row's seq (`?1`), the columns the update binds in
/// its order, then the text fields.
fn update_sql() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let columns: Vec<&str> = [
            "first_name",
            "last_name",
            "phone_raw",
            "phone_e164",
            "email",
            "shared_contacts",
            "branch_id",
            "remarks",
            "tags",
            "birthday",
        ]
        .into_iter()
        .chain(TEXT_FIELDS.iter().map(|f| f.key))
        .collect();
        let sets: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect();
        format!("UPDATE customers SET {} WHERE seq = ?1", sets.join(", "))
    });
    &SQL
}
