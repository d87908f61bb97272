//! Desk schema migrations: the timestamped files in `migrations/`, applied in order
//! (append-only; a landed migration is never edited).

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::CoreResult;

pub(super) fn migrate(conn: &mut Connection) -> CoreResult<()> {
    let migrations = Migrations::new(vec![
        M::up(include_str!("../../../../migrations/20261122190000_customers.sql")),
        M::up(include_str!("../../../../migrations/20261123000000_history.sql")),
        M::up(include_str!("../../../../migrations/20261123010000_activity_counts.sql")),
        M::up(include_str!("../../../../migrations/20261123020000_never_visited_sorts.sql")),
    ]);
    migrations.to_latest(conn)?;
    Ok(())
}
