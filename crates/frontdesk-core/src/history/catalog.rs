//! The services catalogue and the staff list, edited in the settings.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::ids::{ServiceId, StaffId};
use crate::money;
use crate::store::{Store, Writer};
use crate::validate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub duration_min: i64,
    pub price_minor: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServiceInput {
    pub name: String,
    pub duration_min: i64,
    pub price_minor: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffMember {
    pub id: StaffId,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffInput {
    pub name: String,
    pub active: bool,
}

/// Appointment lengths a service or booking may have, in minutes.
pub const DURATION_MIN: i64 = 5;
pub const DURATION_MAX: i64 = 12 * 60;

pub(crate) fn duration(field: &str, minutes: i64) -> CoreResult<i64> {
    if (DURATION_MIN..=DURATION_MAX).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(CoreError::validation(
            field,
            "out_of_range",
            format!("A duration is from {DURATION_MIN} minutes to {} hours.", DURATION_MAX / 60),
        ))
    }
}

fn name(field: &str, text: &str, what: &str) -> CoreResult<String> {
    let name = validate::single_line(field, text, 100)?;
    if name.is_empty() {
        return Err(CoreError::validation(field, "required", format!("Give the {what} a name.")));
    }
    Ok(name)
}

fn service_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Service> {
    Ok(Service {
        id: ServiceId(r.get(0)?),
        name: r.get(1)?,
        duration_min: r.get(2)?,
        price_minor: r.get(3)?,
        active: r.get(4)?,
    })
}

pub(crate) fn service(conn: &Connection, id: ServiceId) -> CoreResult<Service> {
    conn.prepare_cached("SELECT id, name, duration_min, price_minor, active FROM services WHERE id = ?1")?
        .query_row([id.0], service_from_row)
        .optional()?
        .ok_or_else(|| {
            CoreError::validation(
                "service",
                "unknown_service",
                format!("There is no service with id {id}; pick one from the list."),
            )
        })
}

pub(crate) fn staff_member(conn: &Connection, id: StaffId) -> CoreResult<StaffMember> {
    conn.prepare_cached("SELECT id, name, active FROM staff WHERE id = ?1")?
        .query_row([id.0], |r| Ok(StaffMember { id: StaffId(r.get(0)?), name: r.get(1)?, active: r.get(2)? }))
        .optional()?
        .ok_or_else(|| {
            CoreError::validation(
                "staff",
                "unknown_staff",
                format!("There is no staff member with id {id}; pick one from the list."),
            )
        })
}

fn name_taken(conn: &Connection, table: &str, name: &str, except: Option<i64>) -> CoreResult<bool> {
    let sql = format!("SELECT EXISTS(SELECT 1 FROM {table} WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)");
    Ok(conn.prepare_cached(&sql)?.query_row(params![name, except], |r| r.get(0))?)
}

impl Writer<'_> {
    fn valid_service(&self, input: &ServiceInput, except: Option<ServiceId>) -> CoreResult<(String, i64, i64)> {
        let name = name("name", &input.name, "service")?;
        if name_taken(self.conn(), "services", &name, except.map(|e| e.0))? {
            return Err(CoreError::validation(
                "name",
                "taken",
                format!("There is already a service called \"{name}\"."),
            ));
        }
        Ok((name, duration("duration_min", input.duration_min)?, money::amount("price_minor", input.price_minor, 0)?))
    }

    pub fn add_service(&mut self, input: &ServiceInput) -> CoreResult<Service> {
        let (name, duration, price) = self.valid_service(input, None)?;
        let uuid = self.sources.ids.new_uuid(self.now_ms);
        self.conn().execute(
            "INSERT INTO services(uuid, name, duration_min, price_minor, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![uuid.as_bytes().to_vec(), name, duration, price, input.active, self.now_ms],
        )?;
        let id = self.conn().last_insert_rowid();
        self.outbox_for(crate::change::EntityKind::Service, id, "*", None)?;
        service(self.conn(), ServiceId(id))
    }

    pub fn update_service(&mut self, id: ServiceId, input: &ServiceInput) -> CoreResult<Service> {
        service(self.conn(), id)?;
        let (name, duration, price) = self.valid_service(input, Some(id))?;
        self.conn().execute(
            "UPDATE services SET name = ?2, duration_min = ?3, price_minor = ?4, active = ?5 WHERE id = ?1",
            params![id.0, name, duration, price, input.active],
        )?;
        self.outbox_for(crate::change::EntityKind::Service, id.0, "*", None)?;
        service(self.conn(), id)
    }

    pub fn add_staff(&mut self, input: &StaffInput) -> CoreResult<StaffMember> {
        let name = name("name", &input.name, "staff member")?;
        if name_taken(self.conn(), "staff", &name, None)? {
            return Err(CoreError::validation(
                "name",
                "taken",
                format!("There is already a staff member called \"{name}\"."),
            ));
        }
        let uuid = self.sources.ids.new_uuid(self.now_ms);
        self.conn().execute(
            "INSERT INTO staff(uuid, name, active, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![uuid.as_bytes().to_vec(), name, input.active, self.now_ms],
        )?;
        let id = self.conn().last_insert_rowid();
        self.outbox_for(crate::change::EntityKind::Staff, id, "*", None)?;
        staff_member(self.conn(), StaffId(id))
    }

    pub fn update_staff(&mut self, id: StaffId, input: &StaffInput) -> CoreResult<StaffMember> {
        staff_member(self.conn(), id)?;
        let name = name("name", &input.name, "staff member")?;
        if name_taken(self.conn(), "staff", &name, Some(id.0))? {
            return Err(CoreError::validation(
                "name",
                "taken",
                format!("There is already a staff member called \"{name}\"."),
            ));
        }
        self.conn()
            .execute("UPDATE staff SET name = ?2, active = ?3 WHERE id = ?1", params![id.0, name, input.active])?;
        self.outbox_for(crate::change::EntityKind::Staff, id.0, "*", None)?;
        staff_member(self.conn(), id)
    }
}

impl Store {
    pub fn add_service(&self, input: &ServiceInput) -> CoreResult<Service> {
        self.write(|w| w.add_service(input))
    }
    pub fn update_service(&self, id: ServiceId, input: &ServiceInput) -> CoreResult<Service> {
        self.write(|w| w.update_service(id, input))
    }
    pub fn add_staff(&self, input: &StaffInput) -> CoreResult<StaffMember> {
        self.write(|w| w.add_staff(input))
    }
    pub fn update_staff(&self, id: StaffId, input: &StaffInput) -> CoreResult<StaffMember> {
        self.write(|w| w.update_staff(id, input))
    }

    /// Every service, active first, by name.
    pub fn services(&self) -> CoreResult<Vec<Service>> {
        self.read(|r| {
            let mut st = r.conn().prepare_cached("SELECT id, name, duration_min, price_minor, active FROM services ORDER BY active DESC, name COLLATE NOCASE")?;
            let rows = st.query_map([], service_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Every staff member, active first, by name.
    pub fn staff(&self) -> CoreResult<Vec<StaffMember>> {
        self.read(|r| {
            let mut st = r
                .conn()
                .prepare_cached("SELECT id, name, active FROM staff ORDER BY active DESC, name COLLATE NOCASE")?;
            let rows =
                st.query_map([], |r| Ok(StaffMember { id: StaffId(r.get(0)?), name: r.get(1)?, active: r.get(2)? }))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
