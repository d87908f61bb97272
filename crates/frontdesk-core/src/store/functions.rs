//! SQL functions the schema's triggers call to build search keys. Registered on every
//! connection; deterministic, so SQLite may use them in triggers and indexes.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use crate::normalize;

pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("fd_name_keys", 3, flags, |ctx| {
        let first: Option<String> = ctx.get(0)?;
        let last: Option<String> = ctx.get(1)?;
        let email: Option<String> = ctx.get(2)?;
        Ok(normalize::name_keys(first.as_deref().unwrap_or(""), last.as_deref().unwrap_or(""), email.as_deref()))
    })?;
    conn.create_scalar_function("fd_phone_keys", 1, flags, |ctx| {
        let e164: Option<String> = ctx.get(0)?;
        Ok(e164.map(|p| normalize::phone_keys(&p)))
    })?;
    conn.create_scalar_function("fd_email_key", 1, flags, |ctx| {
        let email: Option<String> = ctx.get(0)?;
        Ok(email.map(|e| normalize::email_key(&e)))
    })?;
    Ok(())
}
