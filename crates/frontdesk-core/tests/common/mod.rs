#![allow(dead_code)]
use std::sync::Arc;

use frontdesk_core::clock::{ManualClock, SequentialIds};
use frontdesk_core::customers::{Actor, Customer, CustomerInput};
use frontdesk_core::store::Sources;
use frontdesk_core::Store;
use tempfile::TempDir;

pub struct Desk {
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub dir: TempDir,
}

/// A desk on a real SQLite file in a temp folder, with a clock that moves only when told.
pub fn desk() -> Desk {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(1_767_225_600_000)); // 2026-01-01T00:00:00Z
    let sources = Sources { clock: clock.clone(), ids: Arc::new(SequentialIds::default()) };
    let store = Store::open(dir.path().join("desk.db"), sources).expect("open store");
    store
        .update_settings(&frontdesk_core::settings::SettingsInput {
            default_region: Some("GB".into()),
            ..Default::default()
        })
        .expect("settings");
    Desk { store, clock, dir }
}

/// A desk (as [`desk`]) whose default region is `region`.
pub fn desk_in(region: &str) -> Desk {
    let d = desk();
    d.store
        .update_settings(&frontdesk_core::settings::SettingsInput {
            default_region: Some(region.into()),
            ..Default::default()
        })
        .expect("settings");
    d
}

pub fn me() -> Actor {
    Actor::new("Reception")
}

pub fn input(first: &str, last: &str, email: Option<&str>, phone: Option<&str>) -> CustomerInput {
    CustomerInput {
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(String::from),
        phone: phone.map(String::from),
        ..Default::default()
    }
}

impl Desk {
    pub fn add(&self, first: &str, last: &str, email: Option<&str>, phone: Option<&str>) -> Customer {
        self.clock.advance(1000);
        self.store.create_customer(&me(), &input(first, last, email, phone)).expect("create customer")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.store.read(|r| Ok(r.conn().query_row(sql, [], |x| x.get(0))?)).expect("count")
    }

    pub fn find(&self, q: &str) -> Vec<String> {
        let page = self.store.search(&frontdesk_core::search::SearchRequest::new(q)).expect("search");
        page.hits.into_iter().map(|h| h.display_name).collect()
    }
}
