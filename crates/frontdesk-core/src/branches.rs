//! Branches after they are made: renaming, archiving an empty one, and moving customers
//! between them (a selection, or everyone a directory filter matches).

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::customers::Actor;
use crate::error::{CoreError, CoreResult};
use crate::ids::{BranchId, CustomerId};
use crate::search::SearchRequest;
use crate::settings::Branch;
use crate::store::Store;

/// Which customers a move takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "data")]
pub enum Movers {
    /// These customers (a directory selection).
    Ids(Vec<CustomerId>),
    /// Everyone the search matches (its query and filter; sort, limit and cursor are not used).
    Matching(SearchRequest),
}

/// What a move did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MoveReport {
    pub moved: u64,
    /// Customers who were in that branch already.
    pub already_there: u64,
}

/// Customers written per transaction in a move.
const MOVE_BATCH: usize = 1_000;

impl Store {
    /// Gives a branch a new name (its code, the stable handle, stays).
    pub fn rename_branch(&self, id: BranchId, name: &str) -> CoreResult<Branch> {
        let name = crate::validate::single_line("name", name, 100)?;
        if name.is_empty() {
            return Err(CoreError::validation("name", "required", "A branch needs a name."));
        }
        let branch = self.write(|w| {
            let code: String = w
                .conn()
                .query_row("SELECT code FROM branches WHERE id = ?1 AND archived = 0", [id.0], |r| r.get(0))
                .optional()?
                .ok_or_else(|| {
                    CoreError::validation("branch_id", "unknown_branch", format!("There is no branch with id {id}."))
                })?;
            let taken: Option<String> = w
                .conn()
                .query_row(
                    "SELECT name FROM branches WHERE archived = 0 AND id <> ?1 AND lower(name) = lower(?2)",
                    params![id.0, name],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = taken {
                return Err(CoreError::validation(
                    "name",
                    "taken",
                    format!("Another branch is already called \"{other}\"; choose a different name."),
                ));
            }
            w.conn().execute("UPDATE branches SET name = ?2 WHERE id = ?1", params![id.0, name])?;
            Ok(Branch { id, code, name: name.clone() })
        })?;
        Ok(branch)
    }

    /// Archives a branch no customer belongs to (archived customers count: their records
    /// still name it). The desk's own branch and the last branch cannot be archived.
    pub fn archive_branch(&self, id: BranchId) -> CoreResult<()> {
        let desk = self.desk();
        self.write(|w| {
            let name: String = w
                .conn()
                .query_row("SELECT name FROM branches WHERE id = ?1 AND archived = 0", [id.0], |r| r.get(0))
                .optional()?
                .ok_or_else(|| CoreError::validation("branch_id", "unknown_branch", format!("There is no branch with id {id}.")))?;
            if id == desk.branch_id {
                return Err(CoreError::conflict(
                    "desk_branch",
                    format!("This desk works in {name}; choose another branch for this desk in Settings before archiving it."),
                ));
            }
            let (live, archived): (i64, i64) = w.conn().query_row(
                "SELECT COUNT(*) FILTER (WHERE archived_at IS NULL), COUNT(*) FILTER (WHERE archived_at IS NOT NULL) FROM customers WHERE branch_id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if live + archived > 0 {
                let of = if archived > 0 { format!(" ({archived} of them archived)") } else { String::new() };
                return Err(CoreError::conflict(
                    "branch_has_customers",
                    format!("{name} has {} customers{of}; move them to another branch first.", live + archived),
                ));
            }
            w.conn().execute("UPDATE branches SET archived = 1 WHERE id = ?1", [id.0])?;
            Ok(())
        })
    }

    /// Branches archived so far, by name.
    pub fn archived_branches(&self) -> CoreResult<Vec<Branch>> {
        self.read(|r| {
            let mut st =
                r.conn().prepare_cached("SELECT id, code, name FROM branches WHERE archived = 1 ORDER BY name")?;
            let rows =
                st.query_map([], |row| Ok(Branch { id: BranchId(row.get(0)?), code: row.get(1)?, name: row.get(2)? }))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Brings an archived branch back (unless a live branch has taken its name meanwhile).
    pub fn restore_branch(&self, id: BranchId) -> CoreResult<Branch> {
        self.write(|w| {
            let (code, name): (String, String) = w
                .conn()
                .query_row("SELECT code, name FROM branches WHERE id = ?1 AND archived = 1", [id.0], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?
                .ok_or_else(|| {
                    CoreError::validation(
                        "branch_id",
                        "not_archived",
                        format!("There is no archived branch with id {id}."),
                    )
                })?;
            let taken: bool = w.conn().query_row(
                "SELECT EXISTS(SELECT 1 FROM branches WHERE archived = 0 AND lower(name) = lower(?1))",
                [&name],
                |r| r.get(0),
            )?;
            if taken {
                return Err(CoreError::validation(
                    "name",
                    "taken",
                    format!("Another branch is called \"{name}\" now; rename it before restoring this one."),
                ));
            }
            w.conn().execute("UPDATE branches SET archived = 0 WHERE id = ?1", [id.0])?;
            Ok(Branch { id, code, name })
        })
    }

    /// Moves customers to branch `to`, each with a timeline entry and outbox record like any
    /// edit. Written in batches: a failure leaves the batches before it moved, the rest not.
    pub fn move_customers(&self, actor: &Actor, movers: &Movers, to: BranchId) -> CoreResult<MoveReport> {
        self.read(|r| {
            crate::settings::branch_exists(r.conn(), to)
                .map_err(|_| CoreError::validation("to", "unknown_branch", format!("There is no branch with id {to}.")))
        })?;
        let ids = match movers {
            Movers::Ids(ids) => ids.clone(),
            Movers::Matching(req) => self.all_matching(req)?,
        };
        let mut report = MoveReport { moved: 0, already_there: 0 };
        for batch in ids.chunks(MOVE_BATCH) {
            let (moved, there) = self.write(|w| {
                let (mut moved, mut there) = (0, 0);
                for id in batch {
                    if w.move_to_branch(actor, *id, to)? {
                        moved += 1;
                    } else {
                        there += 1;
                    }
                }
                Ok((moved, there))
            })?;
            report.moved += moved;
            report.already_there += there;
        }
        Ok(report)
    }

    /// Every customer a search matches, page by page.
    fn all_matching(&self, req: &SearchRequest) -> CoreResult<Vec<CustomerId>> {
        let mut req = SearchRequest { limit: 500, after: None, ..req.clone() };
        let mut ids = Vec::new();
        loop {
            let page = self.search(&req)?;
            ids.extend(page.hits.iter().map(|h| h.id));
            match page.next {
                Some(next) => req.after = Some(next),
                None => return Ok(ids),
            }
        }
    }
}
