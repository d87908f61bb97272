//! Human-readable output.

use frontdesk_core::custom_fields::FieldDef;
use frontdesk_core::customers::{CustomerStatus, TimelineEvent};
use frontdesk_core::history::CustomerHistory;
use frontdesk_core::money::format_minor;
use frontdesk_core::profile::CustomerDetail;
use frontdesk_core::search::SearchPage;
use frontdesk_core::settings::DeskSettings;
use frontdesk_core::validate::display_phone;

pub fn print_hits(page: &SearchPage, took_us: u128, region: &str) {
    let more = if page.total_exact { "" } else { "+" };
    outln!("{}{} found in {:.2} ms", page.total, more, took_us as f64 / 1000.0);
    for h in &page.hits {
        let status = if h.archived {
            " [archived]"
        } else if h.status == CustomerStatus::Blocked {
            " [blocked]"
        } else {
            ""
        };
        outln!(
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
        outln!("… more: raise --limit (up to 500) or refine the query");
    }
}

/// A timeline entry; a custom field's change is named by its label.
fn event_line(e: &TimelineEvent, fields: &[FieldDef]) -> String {
    let mut s = format!("{}  {:<10} by {}", e.at.format("%Y-%m-%d %H:%M"), e.kind, e.actor);
    if let Some(f) = &e.import_file {
        s.push_str(&format!(" from {f}"));
    }
    if let Some(n) = &e.note {
        s.push_str(&format!(" — {n}"));
    }
    for c in &e.changes {
        let custom = c.field.strip_prefix(frontdesk_core::custom_fields::PREFIX);
        let label =
            custom.and_then(|k| fields.iter().find(|f| f.key == k)).map_or(c.field.as_str(), |f| f.label.as_str());
        let shown = |v: &serde_json::Value| match custom {
            Some(_) if v.is_null() => "—".to_string(),
            Some(_) => frontdesk_core::custom_fields::as_text(v),
            None => v.to_string(),
        };
        s.push_str(&format!("\n                    {label}: {} → {}", shown(&c.old), shown(&c.new)));
    }
    s
}

pub fn print_detail(d: &CustomerDetail, fields: &[FieldDef], region: &str) {
    let c = &d.customer;
    outln!("{} ({})", c.display_name, c.code);
    outln!("  id        {}", c.id);
    let status = match (&c.archived_at, c.status) {
        (Some(at), _) => format!("archived {}", at.format("%Y-%m-%d")),
        (None, CustomerStatus::Blocked) => format!("BLOCKED: {}", c.blocked_reason.as_deref().unwrap_or("")),
        (None, CustomerStatus::Active) => "active".into(),
    };
    outln!("  status    {status}");
    if let Some(p) = &c.phone_e164 {
        outln!("  phone     {}{}", display_phone(p, region), if c.phone_shared { " (shared)" } else { "" });
    }
    if let Some(e) = &c.email {
        outln!("  email     {e}{}", if c.email_shared { " (shared)" } else { "" });
    }
    let address: Vec<&str> = [
        &c.text.address_line1,
        &c.text.address_line2,
        &c.text.city,
        &c.text.state,
        &c.text.postal_code,
        &c.text.country,
    ]
    .iter()
    .filter_map(|x| x.as_deref())
    .collect();
    if !address.is_empty() {
        outln!("  address   {}", address.join(", "));
    }
    outln!("  branch    {}", c.branch);
    if !c.tags.is_empty() {
        outln!("  notes     {}", c.tags.join(" · "));
    }
    if let Some(r) = &c.remarks {
        outln!("  remarks   {r}");
    }
    if let Some(b) = c.birthday {
        outln!("  birthday  {b}");
    }
    if let Some(m) = &c.marketing_consent {
        outln!("  marketing {} ({} by {})", if m.granted { "yes" } else { "no" }, m.at.format("%Y-%m-%d"), m.by);
    }
    for f in fields {
        match c.custom.get(&f.key) {
            Some(v) => {
                let shown = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
                    serde_json::Value::Array(items) => {
                        items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
                    }
                    other => other.to_string(),
                };
                let unit = f.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                outln!("  {}: {shown}{unit}", f.label);
            }
            None if d.missing.contains(&f.key) => outln!("  {}: MISSING (required)", f.label),
            None => {}
        }
    }
    outln!("  created   {}   updated {}", c.created_at.format("%Y-%m-%d %H:%M"), c.updated_at.format("%Y-%m-%d %H:%M"));
    if !d.status_history.is_empty() {
        outln!("Status history:");
        for e in &d.status_history {
            outln!("  {}", event_line(e, fields));
        }
    }
    print_history(&d.history);
    outln!("Timeline:");
    for e in &d.timeline {
        outln!("  {}", event_line(e, fields));
    }
}

/// `show --json`: the detail with `stats`, `appointments` (upcoming, then past) and `orders` at
/// the top level.
pub fn detail_json(d: &CustomerDetail) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    let h = &d.history;
    v["stats"] = serde_json::to_value(&h.stats).unwrap_or_default();
    v["appointments"] =
        serde_json::to_value(h.upcoming.iter().chain(h.past.iter()).collect::<Vec<_>>()).unwrap_or_default();
    v["orders"] = serde_json::to_value(&h.orders).unwrap_or_default();
    v["loyalty"] = serde_json::to_value(&h.loyalty).unwrap_or_default();
    v["currency"] = h.currency.clone().into();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("history");
    }
    v
}

fn money(minor: i64, currency: &str) -> String {
    format_minor(minor, currency)
}

fn print_history(h: &CustomerHistory) {
    let s = &h.stats;
    let c = &h.currency;
    outln!("Stats:");
    outln!(
        "  visits {}   appointments {}   cancellations {} ({} late)   no-shows {}",
        s.visits,
        s.appointment_count,
        s.cancellations,
        s.late_cancellations,
        s.no_shows
    );
    outln!(
        "  spent {}   refunded {} ({} refunds)   average ticket {}   loyalty {} points",
        money(s.total_spent_minor, c),
        money(s.refunded_minor, c),
        s.refunds,
        s.average_ticket_minor.map(|a| money(a, c)).unwrap_or_else(|| "-".into()),
        s.loyalty_points
    );
    outln!(
        "  last visit {}   next appointment {}",
        s.last_visit_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "never".into()),
        s.next_appointment_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "none".into())
    );
    for (title, list) in [("Upcoming:", &h.upcoming), ("Past appointments:", &h.past)] {
        if !list.is_empty() {
            outln!("{title}");
        }
        for a in list {
            outln!(
                "  {}  {:<18} {:<10} {:>12}  {}{}",
                a.starts_at.format("%Y-%m-%d %H:%M"),
                a.service,
                a.staff.as_deref().unwrap_or(""),
                money(a.price_minor, &a.currency),
                a.status.as_str(),
                if a.late_cancel { " (late)" } else { "" }
            );
        }
    }
    if !h.orders.is_empty() {
        outln!("Orders:");
    }
    for o in &h.orders {
        let items: Vec<String> =
            o.lines
                .iter()
                .map(|l| {
                    if l.quantity == 1 {
                        l.description.clone()
                    } else {
                        format!("{} × {}", l.quantity, l.description)
                    }
                })
                .collect();
        outln!(
            "  {}  {:<8} total {:>12}  paid {:>12}  refunded {:>12}  {}",
            o.created_at.format("%Y-%m-%d"),
            o.status.as_str(),
            money(o.total_minor, &o.currency),
            money(o.paid_minor, &o.currency),
            money(o.refunded_minor, &o.currency),
            items.join(", ")
        );
    }
}

pub fn print_list(page: &SearchPage, took_us: u64, desk: &DeskSettings) {
    let more = if page.total_exact { "" } else { "+" };
    outln!("{}{} customers, first page in {:.2} ms", page.total, more, took_us as f64 / 1000.0);
    for h in &page.hits {
        outln!(
            "{:<10} {:<30} visits {:>3}  appts {:>3}  spent {:>14}  last visit {}",
            h.code,
            h.display_name,
            h.visits,
            h.appointment_count,
            money(h.total_spent_minor, &desk.currency),
            h.last_visit_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "never".into())
        );
    }
}
