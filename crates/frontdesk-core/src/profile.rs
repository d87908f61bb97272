//! What a customer's profile screen reads: the customer, their timeline and status history,
//! their appointments, orders and stats, and the address as their country writes it. Above
//! customers and history, which know nothing of it.

use serde::Serialize;

use crate::customers::{Customer, TimelineEvent};
use crate::error::CoreResult;
use crate::store::Store;

/// A customer with everything the profile shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerDetail {
    pub customer: Customer,
    /// Block / unblock events, newest first.
    pub status_history: Vec<TimelineEvent>,
    /// The newest timeline events (see [`Store::timeline`] for paging).
    pub timeline: Vec<TimelineEvent>,
    /// Appointments, orders, loyalty and the running stats.
    pub history: crate::history::CustomerHistory,
    /// The address as its country writes it (empty: no address).
    pub address: Vec<crate::locale::address::AddressLine>,
    /// Keys of the required custom fields the customer has no value in (fields made required
    /// after the record was saved): the profile marks them.
    pub missing: Vec<String>,
}

impl Store {
    pub fn customer_detail(&self, id_or_code: &str, timeline_limit: usize) -> CoreResult<CustomerDetail> {
        self.read(|r| {
            let (seq, customer) = crate::customers::find(r.conn, id_or_code)?;
            let c = &customer;
            let parts = crate::locale::address::Parts {
                line1: c.text.address_line1.as_deref().unwrap_or(""),
                line2: c.text.address_line2.as_deref().unwrap_or(""),
                city: c.text.city.as_deref().unwrap_or(""),
                state: c.text.state.as_deref().unwrap_or(""),
                postcode: c.text.postal_code.as_deref().unwrap_or(""),
                country: c.text.country.as_deref().unwrap_or(""),
            };
            let mut address = crate::locale::address::layout(&parts, &r.desk.locale.country);
            // On the profile the country is shown even when it is the desk's (a letter leaves it out).
            if !parts.country.is_empty()
                && !address.iter().any(|l| matches!(l, crate::locale::address::AddressLine::Country(_)))
            {
                address.push(crate::locale::address::AddressLine::Country(parts.country.to_uppercase()));
            }
            Ok(CustomerDetail {
                missing: crate::customers::missing_custom(r.conn, customer.branch_id, &customer.custom)?,
                address,
                customer,
                status_history: crate::customers::status_history(r.conn, seq)?,
                timeline: crate::customers::timeline_page(r.conn, seq, None, timeline_limit)?,
                history: crate::history::of_customer(r.conn, seq, &r.desk.currency, r.now_ms)?,
            })
        })
    }
}
