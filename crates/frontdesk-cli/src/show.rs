//! Human-readable output.

use frontdesk_core::customers::{CustomerDetail, CustomerStatus, TimelineEvent};
use frontdesk_core::search::SearchPage;
use frontdesk_core::validate::display_phone;

pub fn print_hits(page: &SearchPage, took_us: u128, region: &str) {
    let more = if page.total_exact { "" } else { "+" };
    println!("{}{} found in {:.2} ms", page.total, more, took_us as f64 / 1000.0);
    for h in &page.hits {
        let status = if h.archived {
            " [archived]"
        } else if h.status == CustomerStatus::Blocked {
            " [blocked]"
        } else {
            ""
        };
        println!(
            "{:<10} {:<30} {:<20} {:<36} {}{}",
            h.code,
            h.display_name,
            h.phone_e164.as_deref().map(|p| display_phone(p, region)).unwrap_or_default(),
            h.email.as_deref().unwrap_or(""),
            h.branch,
            status
        );
    }
    if page.next.is_some() {
        println!("… more: raise --limit or refine the query");
    }
}

fn event_line(e: &TimelineEvent) -> String {
    let mut s = format!("{}  {:<10} by {}", e.at.format("%Y-%m-%d %H:%M"), e.kind, e.actor);
    if let Some(f) = &e.import_file {
        s.push_str(&format!(" from {f}"));
    }
    if let Some(n) = &e.note {
        s.push_str(&format!(" — {n}"));
    }
    for c in &e.changes {
        s.push_str(&format!("\n                    {}: {} → {}", c.field, c.old, c.new));
    }
    s
}

pub fn print_detail(d: &CustomerDetail, region: &str) {
    let c = &d.customer;
    println!("{} ({})", c.display_name, c.code);
    println!("  id        {}", c.id);
    let status = match (&c.archived_at, c.status) {
        (Some(at), _) => format!("archived {}", at.format("%Y-%m-%d")),
        (None, CustomerStatus::Blocked) => format!("BLOCKED: {}", c.blocked_reason.as_deref().unwrap_or("")),
        (None, CustomerStatus::Active) => "active".into(),
    };
    println!("  status    {status}");
    if let Some(p) = &c.phone_e164 {
        println!("  phone     {}{}", display_phone(p, region), if c.phone_shared { " (shared)" } else { "" });
    }
    if let Some(e) = &c.email {
        println!("  email     {e}{}", if c.email_shared { " (shared)" } else { "" });
    }
    let address: Vec<&str> = [&c.address_line1, &c.address_line2, &c.city, &c.state, &c.postal_code, &c.country]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect();
    if !address.is_empty() {
        println!("  address   {}", address.join(", "));
    }
    println!("  branch    {}", c.branch);
    if !c.tags.is_empty() {
        println!("  notes     {}", c.tags.join(" · "));
    }
    if let Some(r) = &c.remarks {
        println!("  remarks   {r}");
    }
    if let Some(b) = c.birthday {
        println!("  birthday  {b}");
    }
    if let Some(m) = &c.marketing_consent {
        println!("  marketing {} ({} by {})", if m.granted { "yes" } else { "no" }, m.at.format("%Y-%m-%d"), m.by);
    }
    println!("  created   {}   updated {}", c.created_at.format("%Y-%m-%d %H:%M"), c.updated_at.format("%Y-%m-%d %H:%M"));
    if !d.status_history.is_empty() {
        println!("Status history:");
        for e in &d.status_history {
            println!("  {}", event_line(e));
        }
    }
    println!("Timeline:");
    for e in &d.timeline {
        println!("  {}", event_line(e));
    }
}
