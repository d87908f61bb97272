//! Bookings and orders in the real window: booking an existing customer found by a phone
//! fragment, booking a walk-in created inline without losing the draft, selling, taking a part
//! payment, refunding part, cancelling late — and the profile showing it all with its stats.
//! Screenshots go to target/e2e-screenshots/.

use chrono::{Duration, Utc};
use frontdesk_core::customers::{Actor, Customer, CustomerInput};
use frontdesk_core::history::{
    AppointmentStatus, BookingInput, LineKind, Order, OrderInput, OrderLineInput, PaymentMethod, ServiceInput,
    StaffInput,
};
use frontdesk_core::settings::SettingsInput;
use frontdesk_core::{CustomerId, ServiceId, StaffId, Store};
use frontdesk_e2e::{keys, Window};

struct Salon {
    zoe: Customer,
    haircut: ServiceId,
    colour: ServiceId,
    mia: StaffId,
}

fn salon(store: &Store) -> Salon {
    store
        .update_settings(&SettingsInput {
            business_name: Some("Salon Aurora".into()),
            default_region: Some("GB".into()),
            late_cancel_hours: Some(24),
            ..Default::default()
        })
        .unwrap();
    frontdesk_core::seed::seed(store, 200, 7, &mut |_| {}).unwrap();
    let haircut = store
        .add_service(&ServiceInput { name: "Haircut".into(), duration_min: 45, price_minor: 3500, active: true })
        .unwrap()
        .id;
    let colour = store
        .add_service(&ServiceInput { name: "Colour".into(), duration_min: 90, price_minor: 8500, active: true })
        .unwrap()
        .id;
    let mia = store.add_staff(&StaffInput { name: "Mia".into(), active: true }).unwrap().id;
    store.add_staff(&StaffInput { name: "Alex".into(), active: true }).unwrap();
    let zoe = store
        .create_customer(
            &Actor::new("setup"),
            &CustomerInput {
                first_name: "Zoë".into(),
                last_name: "Müller".into(),
                phone: Some("07700 900123".into()),
                email: Some("zoe.muller@example.com".into()),
                ..Default::default()
            },
        )
        .unwrap();
    Salon { zoe, haircut, colour, mia }
}

async fn open(name: &str, extra: impl FnOnce(&Store, &Salon) + 'static) -> (Window, Salon) {
    let out = std::sync::Arc::new(std::sync::Mutex::new(None));
    let o = out.clone();
    let w = Window::open(name, move |s| {
        let salon = salon(s);
        extra(s, &salon);
        *o.lock().unwrap() = Some(salon);
    })
    .await;
    let salon = out.lock().unwrap().take().unwrap();
    (w, salon)
}

/// A booking `hours` from now (negative: in the past).
fn booking(customer: CustomerId, service: ServiceId, staff: Option<StaffId>, hours: i64) -> BookingInput {
    BookingInput {
        customer,
        service,
        staff,
        starts_at: Utc::now() + Duration::hours(hours),
        duration_min: None,
        price_minor: None,
        notes: None,
        branch: None,
        blocked_override: None,
    }
}

/// A visit `hours` ago, finished, with its order (the service at its price), not yet paid.
fn checked_out_visit(store: &Store, customer: CustomerId, service: ServiceId, hours: i64) -> Order {
    let actor = Actor::new("setup");
    let a = store.book_appointment(&actor, &booking(customer, service, None, -hours)).unwrap();
    store.set_appointment_status(&actor, a.id, AppointmentStatus::Finished).unwrap();
    let line = OrderLineInput {
        kind: LineKind::Service,
        service: Some(service),
        description: None,
        quantity: 1,
        unit_price_minor: None,
    };
    store
        .create_order(
            &actor,
            &OrderInput { customer, lines: vec![line], appointment: Some(a.id), notes: None, branch: None },
        )
        .unwrap()
}

#[tokio::test]
async fn books_an_existing_customer_found_by_a_phone_fragment() {
    let (w, s) = open("booking-existing", |_, _| {}).await;
    w.click("new-booking").await;
    let picker = w.testid("picker-search").await;
    picker.send_keys("900 12").await.unwrap();
    w.until("Zoë in the picker", || async {
        w.texts("[data-testid=picker-row]").await.first().filter(|r| r.contains("Zoë Müller")).cloned()
    })
    .await;
    picker.send_keys(keys::ENTER).await.unwrap();
    w.text_until("picked-name", |t| t == "Zoë Müller").await;
    w.choose("service", &s.haircut.0.to_string()).await;
    w.choose("staff", &s.mia.0.to_string()).await;
    // The service proposes its length and price.
    w.until("the service's defaults", || async {
        let v = w.js("return [document.querySelector('[name=duration_min]').value, document.querySelector('[name=price]').value]").await;
        (v == serde_json::json!(["45", "35.00"])).then_some(())
    })
    .await;
    w.fill("notes", "Wants a fringe trim").await;
    w.shot("booking-existing-customer").await;
    w.click("save").await;
    // The profile opens on the customer, with the booking upcoming.
    w.text_until("profile-name", |t| t == "Zoë Müller").await;
    let upcoming = w.texts("[data-testid=upcoming] [data-testid=appointment-row]").await;
    assert!(
        upcoming.len() == 1
            && upcoming[0].contains("Haircut")
            && upcoming[0].contains("Mia")
            && upcoming[0].contains("Pending"),
        "{upcoming:?}"
    );
    let booked = w.query_i64(
        "SELECT count(*) FROM appointments a JOIN customers c ON c.seq = a.customer_seq WHERE c.code = ?1 AND a.notes = 'Wants a fringe trim' AND a.staff_id = ?2",
        &[&s.zoe.code, &s.mia.0],
    );
    assert_eq!(booked, 1);
    assert_eq!(w.query_i64("SELECT appointment_count FROM customers WHERE code = ?1", &[&s.zoe.code]), 1);
    w.shot("profile-upcoming").await;
    w.close().await;
}

#[tokio::test]
async fn books_a_walk_in_created_inline_without_losing_the_draft() {
    let (w, s) = open("booking-walk-in", |_, _| {}).await;
    w.click("new-booking").await;
    // The booking is half made before the customer is known.
    w.choose("service", &s.colour.0.to_string()).await;
    w.choose("staff", &s.mia.0.to_string()).await;
    w.fill("notes", "Walk-in, patch test done").await;
    let picker = w.testid("picker-search").await;
    picker.send_keys("Nadia Okafor").await.unwrap();
    w.until("no match, offered as a new customer", || async {
        let t = w.js("return document.querySelector('[data-testid=customer-picker]').textContent").await;
        t.as_str().is_some_and(|t| t.contains("No customer matches")).then_some(())
    })
    .await;
    picker.send_keys(&format!("{}n{}", keys::CTRL, keys::NULL)).await.unwrap();
    w.testid("quick-create").await;
    let first = w.js("return document.querySelector('[data-testid=quick-create] [name=first_name]').value").await;
    assert_eq!(first, "Nadia", "prefilled from what was typed");
    w.fill("phone", "07700 900777").await;
    w.css("[data-testid=quick-create] [data-testid=save]").await.click().await.unwrap();
    w.text_until("picked-name", |t| t == "Nadia Okafor").await;
    // Still the same screen, with the draft as it was.
    let draft = w.js("return [document.querySelector('[name=service]').value, document.querySelector('[name=staff]').value, document.querySelector('[name=notes]').value, document.querySelector('[name=price]').value]").await;
    assert_eq!(
        draft,
        serde_json::json!([s.colour.0.to_string(), s.mia.0.to_string(), "Walk-in, patch test done", "85.00"])
    );
    // Her email is added in place, and a duplicate phone is refused in place.
    w.click("picker-edit-contact").await;
    w.fill("picker_phone", "07700 900123").await;
    w.click("picker-save-contact").await;
    let err = w.text_until("error-phone", |t| !t.is_empty()).await;
    assert!(err.contains("Zoë Müller"), "{err}");
    w.fill("picker_phone", "07700 900777").await;
    w.fill("picker_email", "nadia.okafor@example.com").await;
    w.click("picker-save-contact").await;
    w.text_until("picked-email", |t| t == "nadia.okafor@example.com").await;
    // A walk-in starts now (not at the next half hour the form proposes) ...
    w.click("booking-now").await;
    w.shot("booking-walk-in").await;
    w.click("save").await;
    w.text_until("profile-name", |t| t == "Nadia Okafor").await;
    let upcoming = w.texts("[data-testid=upcoming] [data-testid=appointment-row]").await;
    assert!(upcoming.len() == 1 && upcoming[0].contains("Colour"), "{upcoming:?}");
    // ... so it can be finished as soon as she is done.
    let finish = w.css("[data-testid=upcoming] [data-testid=appointment-finish]").await;
    assert!(finish.attr("disabled").await.unwrap().is_none(), "Finish is open for an appointment booked now");
    finish.click().await.unwrap();
    w.text_until("stat-visits", |t| t == "1").await;
    assert_eq!(w.customers_with_email("nadia.okafor@example.com"), 1);
    assert_eq!(w.query_i64("SELECT count(*) FROM appointments WHERE notes = 'Walk-in, patch test done'", &[]), 1);
    w.close().await;
}

#[tokio::test]
async fn sells_takes_part_payments_refunds_part_and_cancels_late_then_the_profile_adds_up() {
    let (w, s) = open("order-refund-cancel", |store, salon| {
        let actor = Actor::new("setup");
        store.book_appointment(&actor, &booking(salon.zoe.id, salon.haircut, Some(salon.mia), -1)).unwrap();
        store.book_appointment(&actor, &booking(salon.zoe.id, salon.haircut, Some(salon.mia), 3)).unwrap();
    })
    .await;
    w.search("zoe mul").await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.text_until("profile-name", |t| t == "Zoë Müller").await;
    w.text_until("stat-visits", |t| t == "0").await;

    // The appointment that started an hour ago is finished: a visit.
    w.css("[data-testid=upcoming] [data-testid=appointment-row]:first-child [data-testid=appointment-finish]")
        .await
        .click()
        .await
        .unwrap();
    w.text_until("stat-visits", |t| t == "1").await;

    // Checkout: the visit's service is on the order already; a product is added; paid in two parts.
    w.click("appointment-checkout").await;
    w.text_until("picked-name", |t| t == "Zoë Müller").await;
    w.until("the visit's service on the order", || async {
        let lines = w.texts("[data-testid=order-line]").await;
        (lines.len() == 1 && lines[0].contains("Haircut")).then_some(())
    })
    .await;
    w.click("add-product").await;
    w.fill("lines.1.description", "Shampoo").await;
    w.fill("lines.1.unit_price", "12.50").await;
    w.text_until("order-draft-total", |t| t.contains("47.50")).await;
    w.click("create-order").await;
    w.text_until("order-summary-due", |t| t.contains("47.50")).await;
    w.fill("amount", "20").await;
    w.click("pay").await;
    w.text_until("order-summary-due", |t| t.contains("27.50")).await;
    // More than is due is refused, in place.
    w.fill("amount", "30").await;
    w.click("pay").await;
    w.text_until("error-amount_minor", |t| t.contains("27.50")).await;
    w.fill("amount", "27.50").await;
    w.click("pay").await;
    w.text_until("order-summary-status", |t| t == "paid").await;
    w.shot("order-paid").await;
    w.click("open-profile").await;
    w.text_until("profile-name", |t| t == "Zoë Müller").await;

    // Part of it refunded from the profile.
    w.click("order-refund").await;
    w.fill("amount", "12.50").await;
    w.fill("reason", "Shampoo returned unopened").await;
    // The money goes back in cash.
    w.css("[data-testid=action-dialog] [name=method]").await.select_by_value("cash").await.unwrap();
    w.css("[data-testid=action-dialog] [data-testid=save]").await.click().await.unwrap();
    w.text_until("order-refunded", |t| t.contains("12.50")).await;
    assert_eq!(w.query_i64("SELECT count(*) FROM refunds WHERE method = 'cash' AND amount_minor = 1250", &[]), 1);
    w.text_until("stat-spent", |t| t.contains("35.00")).await;

    // The customer cancels the one in three hours: inside the 24-hour window, a late cancellation.
    w.css("[data-testid=upcoming] [data-testid=appointment-cancel]").await.click().await.unwrap();
    w.fill("cancel_reason", "Car broke down").await;
    w.css("[data-testid=action-dialog] [data-testid=save]").await.click().await.unwrap();
    w.text_until("stat-cancellations", |t| t == "1").await;
    w.text_until("stat-late-cancellations", |t| t == "1 late").await;
    let past = w.texts("[data-testid=past] [data-testid=appointment-row]").await;
    assert!(
        past.iter().any(|r| r.contains("Cancelled") && r.contains("late") && r.contains("Car broke down")),
        "{past:?}"
    );
    assert!(past.iter().any(|r| r.contains("Finished")), "{past:?}");
    // Loyalty: 10 for the visit; the order's points are its rate on what it kept: 35 for the
    // 47.50 paid less the 12.50 refunded (not 34, the share of the 47 first earned).
    w.text_until("stat-loyalty", |t| t == "45").await;
    let timeline = w.texts("[data-testid=timeline] li").await.join("\n");
    for kind in ["Appointment cancelled", "Refund", "Payment", "Order", "Visit finished", "Appointment booked"] {
        assert!(timeline.contains(kind), "{kind} missing from the timeline:\n{timeline}");
    }
    w.shot("profile-history").await;
    // The order settles the appointment it was made from.
    assert_eq!(w.query_i64("SELECT count(*) FROM orders WHERE appointment_seq IS NOT NULL", &[]), 1);
    // What the window showed is what the database holds, and the running stats equal a
    // recomputation from the records.
    // Beside the running app the desk opens only to read.
    let store = Store::open_read_only(w.db_path(), Default::default()).unwrap();
    let (stored, recomputed) = store.stats_check(&s.zoe.code).unwrap();
    assert_eq!(stored, recomputed);
    assert_eq!(
        (
            stored.visits,
            stored.total_spent_minor,
            stored.refunded_minor,
            stored.cancellations,
            stored.late_cancellations,
            stored.loyalty_points
        ),
        (1, 3500, 1250, 1, 1, 45)
    );
    drop(store);

    // Points pay part of the next sale (45 points at 1p each).
    w.click("sell").await;
    w.text_until("picked-name", |t| t == "Zoë Müller").await;
    w.click("add-product").await;
    w.fill("lines.0.description", "Comb").await;
    w.fill("lines.0.unit_price", "£1").await;
    w.click("create-order").await;
    w.text_until("order-summary-due", |t| t.contains("1.00")).await;
    w.click("redeem").await;
    w.fill("points", "46").await;
    w.css("[data-testid=action-dialog] [data-testid=save]").await.click().await.unwrap();
    w.text_until("error-points", |t| t.contains("45 points")).await;
    w.fill("points", "45").await;
    w.css("[data-testid=action-dialog] [data-testid=save]").await.click().await.unwrap();
    w.text_until("order-summary-due", |t| t.contains("0.55")).await;
    assert_eq!(w.query_i64("SELECT loyalty_points FROM customers WHERE code = ?1", &[&s.zoe.code]), 0);
    w.close().await;
}

#[tokio::test]
async fn the_directory_ranks_and_filters_by_activity_and_settings_edit_the_catalogue() {
    let (w, s) = open("activity-and-catalogue", |store, salon| {
        // Zoë visited an hour ago and spent 85.00; Nadia has one coming up.
        let actor = Actor::new("setup");
        let o = checked_out_visit(store, salon.zoe.id, salon.colour, 1);
        store.pay_order(&actor, o.id, PaymentMethod::Card, 8500).unwrap();
        let nadia = store
            .create_customer(
                &actor,
                &CustomerInput { first_name: "Nadia".into(), last_name: "Okafor".into(), ..Default::default() },
            )
            .unwrap();
        store.book_appointment(&actor, &booking(nadia.id, salon.colour, None, 48)).unwrap();
    })
    .await;
    // Quick stats: the most valuable customer, from the running totals.
    w.text_until("directory-stat-most-valuable-name", |t| t == "Zoë Müller").await;
    // Sorted by total spent, the biggest spender is on top.
    w.choose("sort", "total_spent").await;
    w.rows_until("Zoë first by total spent", |r| {
        r.first().is_some_and(|r| r.contains("Zoë Müller") && r.contains("85.00"))
    })
    .await;
    // Activity: visited lately → only Zoë; upcoming → only Nadia.
    w.choose("filter_activity", "visited_within:30").await;
    w.rows_until("only Zoë visited lately", |r| r.len() == 1 && r[0].contains("Zoë Müller")).await;
    w.choose("filter_activity", "upcoming").await;
    w.rows_until("only Nadia has one coming up", |r| r.len() == 1 && r[0].contains("Nadia Okafor")).await;
    w.shot("directory-activity").await;

    // Settings: a new service, then it can be booked.
    w.click("settings").await;
    w.fill("service_name", "Beard trim").await;
    w.fill("service_duration", "20").await;
    w.fill("service_price", "15").await;
    w.click("add-service").await;
    let id = w
        .until("the new service listed", || async {
            let v = w.js("return document.querySelector('[data-testid=service-row][data-name=\"Beard trim\"]')?.dataset.id ?? null").await;
            v.as_str().map(String::from)
        })
        .await;
    // A duplicate name is refused next to the field.
    w.fill("service_name", "beard TRIM").await;
    w.fill("service_duration", "20").await;
    w.fill("service_price", "15").await;
    w.click("add-service").await;
    w.until("the duplicate refused", || async {
        let t = w.js("return document.querySelector('[data-testid=services]').textContent").await;
        t.as_str().is_some_and(|t| t.contains("already a service")).then_some(())
    })
    .await;
    w.click("new-booking").await;
    w.choose("service", &id).await;
    w.until("the new service's defaults", || async {
        let v = w.js("return [document.querySelector('[name=duration_min]').value, document.querySelector('[name=price]').value]").await;
        (v == serde_json::json!(["20", "15.00"])).then_some(())
    })
    .await;
    assert_eq!(
        w.query_i64(
            "SELECT count(*) FROM services WHERE name = 'Beard trim' AND duration_min = 20 AND price_minor = 1500",
            &[]
        ),
        1
    );
    let _ = s.haircut;
    w.close().await;
}

#[tokio::test]
async fn the_profile_shows_older_appointments_and_orders_on_demand() {
    let (w, s) = open("history-paging", |store, salon| {
        for i in 0..56 {
            checked_out_visit(store, salon.zoe.id, salon.haircut, 2 + i);
        }
    })
    .await;
    w.search(&s.zoe.code).await;
    w.testid("search").await.send_keys(keys::ENTER).await.unwrap();
    w.text_until("profile-name", |t| t == "Zoë Müller").await;
    w.text_until("stat-visits", |t| t == "56").await;
    const PAST: &str = "[data-testid=past] [data-testid=appointment-row]";
    const ORDERS: &str = "[data-testid=orders] [data-testid=order-row]";
    assert_eq!(w.texts(PAST).await.len(), 50);
    assert_eq!(w.texts(ORDERS).await.len(), 50);
    w.click("more-past").await;
    w.until("56 past appointments", || async { (w.texts(PAST).await.len() == 56).then_some(()) }).await;
    w.click("more-orders").await;
    w.until("56 orders", || async { (w.texts(ORDERS).await.len() == 56).then_some(()) }).await;
    // All read: no more "Show older".
    assert!(!w.has("[data-testid=more-past]").await && !w.has("[data-testid=more-orders]").await);
    w.close().await;
}
