//! Reading customers: by id or code, their timeline, who owns a contact point (the profile,
//! with their history, is `crate::profile`).

use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

use super::fields::{TextFields, TEXT_FIELDS};
use super::model::{display_name, Customer, CustomerInput, CustomerStatus, MarketingConsent};
use super::timeline::{self, TimelineEvent};
use crate::clock::ms_to_datetime;
use crate::error::{CoreError, CoreResult, CustomerRef};
use crate::ids::{BranchId, CustomerId};
use crate::normalize;
use crate::store::{Reader, Store};

/// The columns a customer read selects before the text fields (which follow in
/// [`TEXT_FIELDS`] order); [`customer_from_row`] finds each by its name here.
const FIXED: [&str; 22] = [
    "c.seq",
    "c.id",
    "c.code",
    "c.first_name",
    "c.last_name",
    "c.phone_raw",
    "c.phone_e164",
    "c.shared_contacts",
    "c.email",
    "c.branch_id",
    "b.name",
    "c.status",
    "c.blocked_reason",
    "c.remarks",
    "c.tags",
    "c.birthday",
    "c.marketing_consent",
    "c.marketing_consent_at",
    "c.marketing_consent_by",
    "c.archived_at",
    "c.created_at",
    "c.updated_at",
];

/// Where `column` is in [`FIXED`] (at compile time: a name not there does not build).
const fn at(column: &str) -> usize {
    let mut i = 0;
    while i < FIXED.len() {
        let (a, b) = (FIXED[i].as_bytes(), column.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a column of FIXED")
}

/// Every column a customer read selects: [`FIXED`], then the text fields.
pub(crate) fn columns() -> &'static str {
    static COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        FIXED
            .iter()
            .map(|c| c.to_string())
            .chain(TEXT_FIELDS.iter().map(|f| format!("c.{}", f.key)))
            .collect::<Vec<_>>()
            .join(", ")
    });
    &COLUMNS
}

pub(crate) const FROM: &str = "customers c JOIN branches b ON b.id = c.branch_id";

pub(crate) const PHONE_SHARED: i64 = 1;
pub(crate) const EMAIL_SHARED: i64 = 2;

/// Maps a row selected with [`columns`] to (seq, customer).
pub(crate) fn customer_from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Customer)> {
    let id: Vec<u8> = r.get(const { at("c.id") })?;
    let first: String = r.get(const { at("c.first_name") })?;
    let last: String = r.get(const { at("c.last_name") })?;
    let shared: i64 = r.get(const { at("c.shared_contacts") })?;
    let tags: Option<String> = r.get(const { at("c.tags") })?;
    let birthday: Option<String> = r.get(const { at("c.birthday") })?;
    let consent: Option<bool> = r.get(const { at("c.marketing_consent") })?;
    let consent_at: Option<i64> = r.get(const { at("c.marketing_consent_at") })?;
    let consent_by: Option<String> = r.get(const { at("c.marketing_consent_by") })?;
    let archived: Option<i64> = r.get(const { at("c.archived_at") })?;
    let mut text = TextFields::default();
    for (i, f) in TEXT_FIELDS.iter().enumerate() {
        *(f.get_mut)(&mut text) = r.get(FIXED.len() + i)?;
    }
    Ok((
        r.get(const { at("c.seq") })?,
        Customer {
            id: CustomerId(Uuid::from_slice(&id).unwrap_or_default()),
            code: r.get(const { at("c.code") })?,
            display_name: display_name(&first, &last),
            first_name: first,
            last_name: last,
            phone_raw: r.get(const { at("c.phone_raw") })?,
            phone_e164: r.get(const { at("c.phone_e164") })?,
            phone_shared: shared & PHONE_SHARED != 0,
            email_shared: shared & EMAIL_SHARED != 0,
            email: r.get(const { at("c.email") })?,
            text,
            branch_id: BranchId(r.get(const { at("c.branch_id") })?),
            branch: r.get(const { at("b.name") })?,
            status: CustomerStatus::from_db(r.get(const { at("c.status") })?),
            blocked_reason: r.get(const { at("c.blocked_reason") })?,
            remarks: r.get(const { at("c.remarks") })?,
            tags: tags.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default(),
            birthday: birthday.and_then(|b| b.parse().ok()),
            marketing_consent: consent.map(|granted| MarketingConsent {
                granted,
                at: ms_to_datetime(consent_at.unwrap_or(0)),
                by: consent_by.unwrap_or_default(),
            }),
            archived_at: archived.map(ms_to_datetime),
            created_at: ms_to_datetime(r.get(const { at("c.created_at") })?),
            updated_at: ms_to_datetime(r.get(const { at("c.updated_at") })?),
            custom: Default::default(),
        },
    ))
}

pub(crate) fn by_seq(conn: &Connection, seq: i64) -> CoreResult<Customer> {
    let sql = format!("SELECT {} FROM {FROM} WHERE c.seq = ?1", columns());
    let (_, c) = conn
        .prepare_cached(&sql)?
        .query_row([seq], customer_from_row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("customer", seq))?;
    with_custom(conn, seq, c)
}

/// The customer with their custom values (a row holds only the standard fields).
fn with_custom(conn: &Connection, seq: i64, mut c: Customer) -> CoreResult<Customer> {
    c.custom = crate::custom_fields::values_of(conn, seq)?;
    Ok(c)
}

/// Who customer `seq` is, for an error naming them.
pub(crate) fn reference(conn: &Connection, seq: i64) -> CoreResult<CustomerRef> {
    let c = by_seq(conn, seq)?;
    Ok(CustomerRef { id: c.id, code: c.code, display_name: c.display_name })
}

/// Finds a customer by id (UUID) or by code (`QKM-1042`, case-insensitive, dash optional).
pub(crate) fn find(conn: &Connection, id_or_code: &str) -> CoreResult<(i64, Customer)> {
    let text = id_or_code.trim();
    let found = if let Ok(id) = text.parse::<CustomerId>() {
        let sql = format!("SELECT {} FROM {FROM} WHERE c.id = ?1", columns());
        conn.prepare_cached(&sql)?.query_row([id.0.as_bytes().to_vec()], customer_from_row).optional()?
    } else if let Some(code) = normalize::code_query(text) {
        let sql = format!("SELECT {} FROM {FROM} WHERE c.code = ?1", columns());
        conn.prepare_cached(&sql)?.query_row([code], customer_from_row).optional()?
    } else {
        None
    };
    let (seq, c) = found.ok_or_else(|| CoreError::not_found("customer", text))?;
    Ok((seq, with_custom(conn, seq, c)?))
}

/// The live (not archived) customer, other than `except_seq`, whose contact point this is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContactOwner {
    pub field: String,
    pub existing: CustomerRef,
    /// The owner marked this contact point as shared (family phone/email).
    pub shared: bool,
}

pub(crate) fn live_owner_by_email(
    conn: &Connection,
    email: &str,
    except_seq: Option<i64>,
) -> CoreResult<Option<(CustomerRef, bool)>> {
    owner(
        conn,
        "SELECT id, code, first_name, last_name, shared_contacts FROM customers \
         WHERE lower(email) = ?1 AND email IS NOT NULL AND archived_at IS NULL AND seq IS NOT ?2 ORDER BY seq LIMIT 1",
        &normalize::email_key(email),
        except_seq,
        EMAIL_SHARED,
    )
}

pub(crate) fn live_owner_by_phone(
    conn: &Connection,
    e164: &str,
    except_seq: Option<i64>,
) -> CoreResult<Option<(CustomerRef, bool)>> {
    owner(
        conn,
        "SELECT id, code, first_name, last_name, shared_contacts FROM customers \
         WHERE phone_e164 = ?1 AND phone_e164 IS NOT NULL AND archived_at IS NULL AND seq IS NOT ?2 ORDER BY seq LIMIT 1",
        e164,
        except_seq,
        PHONE_SHARED,
    )
}

fn owner(
    conn: &Connection,
    sql: &str,
    key: &str,
    except: Option<i64>,
    bit: i64,
) -> CoreResult<Option<(CustomerRef, bool)>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row(rusqlite::params![key, except], |r| {
            let id: Vec<u8> = r.get(0)?;
            let first: String = r.get(2)?;
            let last: String = r.get(3)?;
            let shared: i64 = r.get(4)?;
            Ok((
                CustomerRef {
                    id: CustomerId(Uuid::from_slice(&id).unwrap_or_default()),
                    code: r.get(1)?,
                    display_name: display_name(&first, &last),
                },
                shared & bit != 0,
            ))
        })
        .optional()?)
}

/// What saving a form now would run into: every field problem, and who already has its email or
/// phone (the "already belongs to" warning shown while the form is typed).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerCheck {
    pub errors: Vec<CoreError>,
    pub owners: Vec<ContactOwner>,
}

impl Reader<'_> {
    pub fn customer(&self, id_or_code: &str) -> CoreResult<Customer> {
        find(self.conn, id_or_code).map(|(_, c)| c)
    }

    /// Who already has this email / phone (as typed; the phone is read in `region` or the
    /// desk's default region). For duplicate warnings while a form is being typed.
    pub fn contact_owners(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
        region: Option<&str>,
        except: Option<CustomerId>,
    ) -> CoreResult<Vec<ContactOwner>> {
        let except_seq = match except {
            Some(id) => Some(find(self.conn, &id.to_string())?.0),
            None => None,
        };
        let mut out = Vec::new();
        if let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) {
            if let Some((existing, shared)) = live_owner_by_email(self.conn, email, except_seq)? {
                out.push(ContactOwner { field: "email".into(), existing, shared });
            }
        }
        if let Some(phone) = phone.map(str::trim).filter(|p| !p.is_empty()) {
            let region = region.unwrap_or(&self.desk.default_region);
            if let Ok(p) = crate::validate::parse_phone("phone", phone, region) {
                if let Some((existing, shared)) = live_owner_by_phone(self.conn, &p.e164, except_seq)? {
                    out.push(ContactOwner { field: "phone".into(), existing, shared });
                }
            }
        }
        Ok(out)
    }
}

impl Store {
    pub fn customer(&self, id_or_code: &str) -> CoreResult<Customer> {
        self.read(|r| r.customer(id_or_code))
    }

    /// The customer's timeline, newest first; `before` is the `seq` of the last event seen.
    pub fn timeline(&self, id: CustomerId, before: Option<i64>, limit: usize) -> CoreResult<Vec<TimelineEvent>> {
        self.read(|r| {
            let (seq, _) = find(r.conn, &id.to_string())?;
            timeline::page(r.conn, seq, before, limit)
        })
    }

    pub fn contact_owners(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
        region: Option<&str>,
        except: Option<CustomerId>,
    ) -> CoreResult<Vec<ContactOwner>> {
        self.read(|r| r.contact_owners(email, phone, region, except))
    }

    /// Checks a form as it is typed; `except` is the customer being edited. The phone is read
    /// in the form's country when it names a valid one, else in the desk's region — as saving
    /// would read it.
    pub fn check_customer(&self, input: &CustomerInput, except: Option<CustomerId>) -> CoreResult<CustomerCheck> {
        let mut errors = self.validate_customer(input);
        let region = input.text.country.as_deref().and_then(|c| crate::validate::country("country", c).ok());
        errors.extend(self.read(|r| {
            let seq = except.map(|id| find(r.conn, &id.to_string())).transpose()?.map(|(seq, _)| seq);
            let branch = input.branch_id.unwrap_or(r.desk.branch_id);
            let region = region.clone().unwrap_or_else(|| r.desk.default_region.clone());
            let reading = crate::custom_fields::Reading {
                region: &region,
                date_order: r.desk.locale.date_order,
                today: ms_to_datetime(r.now_ms).date_naive(),
            };
            let defs = crate::custom_fields::all_defs(r.conn)?;
            let saving = super::custom::Saving::Form;
            Ok(super::custom::check(r.conn, &defs, input, branch, seq, &reading, saving)?.err().unwrap_or_default())
        })?);
        let owners = self.contact_owners(input.email.as_deref(), input.phone.as_deref(), region.as_deref(), except)?;
        Ok(CustomerCheck { errors, owners })
    }
}
