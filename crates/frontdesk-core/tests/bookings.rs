//! Appointments, orders, refunds and loyalty through the real write path on a real SQLite file.
//! (One file, longer than most: the tests share its helpers — a desk with a service, a booking,
//! an order — and follow one customer's history from booking to refund.)

mod common;

use chrono::{DateTime, Utc};
use common::{desk, me, Desk};
use frontdesk_core::clock::ms_to_datetime;
use frontdesk_core::customers::Customer;
use frontdesk_core::history::{
    AppointmentStatus, BookingInput, CancelledBy, LineKind, OrderInput, OrderLineInput, OrderStatus, PaymentMethod,
    ServiceInput, StaffInput,
};
use frontdesk_core::settings::{LoyaltyRule, SettingsInput};
use frontdesk_core::{AppointmentId, CoreError, OrderId, ServiceId};

const HOUR: i64 = 3_600_000;

fn now(d: &Desk) -> DateTime<Utc> {
    use frontdesk_core::clock::Clock;
    ms_to_datetime(d.clock.now_ms())
}

fn haircut(d: &Desk) -> ServiceId {
    d.store
        .add_service(&ServiceInput { name: "Haircut".into(), duration_min: 45, price_minor: 3000, active: true })
        .unwrap()
        .id
}

fn booking(c: &Customer, service: ServiceId, starts_at: DateTime<Utc>) -> BookingInput {
    BookingInput {
        customer: c.id,
        service,
        staff: None,
        starts_at,
        duration_min: None,
        price_minor: None,
        notes: None,
        branch: None,
        blocked_override: None,
    }
}

fn book(d: &Desk, c: &Customer, service: ServiceId, offset_ms: i64) -> AppointmentId {
    let at = ms_to_datetime(now(d).timestamp_millis() + offset_ms);
    d.store.book_appointment(&me(), &booking(c, service, at)).unwrap().id
}

fn drive(d: &Desk, id: AppointmentId, to: AppointmentStatus) -> Result<(), CoreError> {
    match to {
        AppointmentStatus::Cancelled => {
            d.store.cancel_appointment(&me(), id, CancelledBy::Business, "Stylist ill").map(|_| ())
        }
        _ => d.store.set_appointment_status(&me(), id, to).map(|_| ()),
    }
}

#[test]
fn every_appointment_transition_is_allowed_or_rejected_as_the_lifecycle_says() {
    use AppointmentStatus::*;
    // The lifecycle, written out: forward along Pending → CustomerConfirmed → Confirmed →
    // Finished (skipping allowed), Cancelled / NoShow from any open status, nothing out of a
    // final status, nothing backwards, nothing to the same status.
    let allowed = [
        (Pending, CustomerConfirmed),
        (Pending, Confirmed),
        (Pending, Finished),
        (Pending, Cancelled),
        (Pending, NoShow),
        (CustomerConfirmed, Confirmed),
        (CustomerConfirmed, Finished),
        (CustomerConfirmed, Cancelled),
        (CustomerConfirmed, NoShow),
        (Confirmed, Finished),
        (Confirmed, Cancelled),
        (Confirmed, NoShow),
    ];
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    for from in AppointmentStatus::ALL {
        for to in AppointmentStatus::ALL {
            let id = book(&d, &c, svc, -HOUR);
            if from != Pending {
                drive(&d, id, from).unwrap_or_else(|e| panic!("reaching {from:?}: {e}"));
            }
            let events = d.count("SELECT count(*) FROM events");
            let result = drive(&d, id, to);
            let expected = allowed.contains(&(from, to));
            assert_eq!(result.is_ok(), expected, "{from:?} -> {to:?}: {result:?}");
            let status = d.store.appointment(id).unwrap().status;
            if expected {
                assert_eq!(status, to);
            } else {
                match result {
                    Err(CoreError::InvalidTransition { entity, from: f, to: t, .. }) => {
                        assert_eq!(
                            (entity.as_str(), f.as_str(), t.as_str()),
                            ("appointment", from.as_str(), to.as_str())
                        );
                    }
                    other => panic!("{from:?} -> {to:?}: expected InvalidTransition, got {other:?}"),
                }
                assert_eq!(status, from, "a rejected change leaves the appointment as it was");
                assert_eq!(d.count("SELECT count(*) FROM events"), events, "a rejected change writes no event");
            }
        }
    }
    let (stored, recomputed) = d.store.stats_check(&c.code).unwrap();
    assert_eq!(stored, recomputed);
    assert_eq!(stored.appointment_count, 36);
}

#[test]
fn cancelling_through_the_status_call_asks_for_a_reason() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let id = book(&d, &c, svc, HOUR);
    let err = d.store.set_appointment_status(&me(), id, AppointmentStatus::Cancelled).unwrap_err();
    assert!(matches!(err, CoreError::Validation { ref field, .. } if field == "cancel_reason"), "{err:?}");
    let err = d.store.cancel_appointment(&me(), id, CancelledBy::Customer, "   ").unwrap_err();
    assert!(
        matches!(err, CoreError::Validation { ref field, ref code, .. } if field == "cancel_reason" && code == "required"),
        "{err:?}"
    );
}

#[test]
fn an_appointment_is_finished_or_missed_only_once_it_has_started() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let id = book(&d, &c, svc, 2 * HOUR);
    for to in [AppointmentStatus::Finished, AppointmentStatus::NoShow] {
        let err = d.store.set_appointment_status(&me(), id, to).unwrap_err();
        assert!(matches!(err, CoreError::Conflict { ref code, .. } if code == "not_started"), "{err:?}");
    }
    d.clock.advance(2 * HOUR);
    d.store.set_appointment_status(&me(), id, AppointmentStatus::Finished).unwrap();
    let s = d.store.customer_detail(&c.code, 5).unwrap().history.stats;
    assert_eq!((s.visits, s.last_visit_at.map(|t| t.timestamp_millis())), (1, Some(now(&d).timestamp_millis())));
}

#[test]
fn a_late_cancellation_is_the_customers_within_the_window() {
    let d = desk();
    d.store.update_settings(&SettingsInput { late_cancel_hours: Some(24), ..Default::default() }).unwrap();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let late = book(&d, &c, svc, 2 * HOUR);
    let early = book(&d, &c, svc, 48 * HOUR);
    let by_us = book(&d, &c, svc, HOUR);
    let a = d.store.cancel_appointment(&me(), late, CancelledBy::Customer, "Car broke down").unwrap();
    assert!(a.late_cancel);
    assert_eq!(a.cancelled_by, Some(CancelledBy::Customer));
    assert_eq!(a.cancel_reason.as_deref(), Some("Car broke down"));
    assert!(!d.store.cancel_appointment(&me(), early, CancelledBy::Customer, "Holiday").unwrap().late_cancel);
    assert!(!d.store.cancel_appointment(&me(), by_us, CancelledBy::Business, "Stylist ill").unwrap().late_cancel);
    let s = d.store.customer_detail(&c.code, 5).unwrap().history.stats;
    // The business's cancellation does not count against the customer.
    assert_eq!((s.cancellations, s.late_cancellations, s.appointment_count, s.next_appointment_at), (2, 1, 3, None));
    assert!(d.store.audit_stats(None).unwrap().is_empty());

    // The window is a setting.
    d.store.update_settings(&SettingsInput { late_cancel_hours: Some(72), ..Default::default() }).unwrap();
    let now_late = book(&d, &c, svc, 48 * HOUR);
    assert!(d.store.cancel_appointment(&me(), now_late, CancelledBy::Customer, "Holiday").unwrap().late_cancel);
    let err =
        d.store.update_settings(&SettingsInput { late_cancel_hours: Some(-1), ..Default::default() }).unwrap_err();
    assert!(matches!(err, CoreError::Validation { ref field, .. } if field == "late_cancel_hours"));
}

#[test]
fn blocking_keeps_appointments_and_booking_a_blocked_customer_needs_a_reason() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let booked = book(&d, &c, svc, 24 * HOUR);
    d.store.block_customer(&me(), c.id, "Abusive to staff").unwrap();
    assert_eq!(d.store.appointment(booked).unwrap().status, AppointmentStatus::Pending);

    let at = ms_to_datetime(now(&d).timestamp_millis() + 48 * HOUR);
    let err = d.store.book_appointment(&me(), &booking(&c, svc, at)).unwrap_err();
    assert!(
        matches!(err, CoreError::Conflict { ref code, ref message } if code == "customer_blocked" && message.contains("Abusive to staff")),
        "{err:?}"
    );
    let blank = BookingInput { blocked_override: Some("  ".into()), ..booking(&c, svc, at) };
    assert!(matches!(d.store.book_appointment(&me(), &blank).unwrap_err(), CoreError::Conflict { .. }));

    let ok =
        BookingInput { blocked_override: Some("Manager approved: apology received".into()), ..booking(&c, svc, at) };
    let a = d.store.book_appointment(&me(), &ok).unwrap();
    assert_eq!(a.blocked_override.as_deref(), Some("Manager approved: apology received"));
    let ev = &d.store.customer_detail(&c.code, 1).unwrap().timeline[0];
    assert_eq!(ev.kind, "appointment_booked");
    assert!(ev
        .changes
        .iter()
        .any(|ch| ch.field == "blocked_override" && ch.new == "Manager approved: apology received"));
    assert_eq!(ev.subject.as_ref().map(|s| (s.kind.as_str(), s.id.clone())), Some(("appointment", a.id.to_string())));
}

#[test]
fn bookings_are_checked_field_by_field() {
    let d = desk();
    let svc = haircut(&d);
    let old = d
        .store
        .add_service(&ServiceInput { name: "Perm".into(), duration_min: 90, price_minor: 6000, active: false })
        .unwrap()
        .id;
    let gone = d.store.add_staff(&StaffInput { name: "Jo".into(), active: false }).unwrap().id;
    let c = d.add("Ann", "Lee", None, None);
    let at = ms_to_datetime(now(&d).timestamp_millis() + HOUR);
    let field_of = |input: BookingInput| match d.store.book_appointment(&me(), &input).unwrap_err() {
        CoreError::Validation { field, code, .. } => format!("{field}:{code}"),
        other => format!("{other:?}"),
    };
    assert_eq!(field_of(booking(&c, ServiceId(999), at)), "service:unknown_service");
    assert_eq!(field_of(booking(&c, old, at)), "service:inactive_service");
    assert_eq!(field_of(BookingInput { staff: Some(gone), ..booking(&c, svc, at) }), "staff:inactive_staff");
    assert_eq!(field_of(BookingInput { duration_min: Some(2), ..booking(&c, svc, at) }), "duration_min:out_of_range");
    assert_eq!(field_of(BookingInput { price_minor: Some(-1), ..booking(&c, svc, at) }), "price_minor:out_of_range");
    assert_eq!(
        field_of(booking(&c, svc, ms_to_datetime(at.timestamp_millis() + 3 * 366 * 24 * HOUR))),
        "starts_at:out_of_range"
    );
    assert_eq!(field_of(BookingInput { notes: Some("x".repeat(2001)), ..booking(&c, svc, at) }), "notes:too_long");
    assert_eq!(d.count("SELECT count(*) FROM appointments"), 0, "nothing half-written");

    // Defaults come from the service; a price and length can be set per booking.
    let a = d.store.book_appointment(&me(), &booking(&c, svc, at)).unwrap();
    assert_eq!((a.duration_min, a.price_minor, a.currency.as_str(), a.service.as_str()), (45, 3000, "GBP", "Haircut"));
    let b = d
        .store
        .book_appointment(
            &me(),
            &BookingInput { duration_min: Some(60), price_minor: Some(2500), ..booking(&c, svc, at) },
        )
        .unwrap();
    assert_eq!((b.duration_min, b.price_minor), (60, 2500));

    d.store.archive_customer(&me(), c.id).unwrap();
    let err = d.store.book_appointment(&me(), &booking(&c, svc, at)).unwrap_err();
    assert!(matches!(err, CoreError::Conflict { ref code, .. } if code == "archived"), "{err:?}");
}

fn order_of(d: &Desk, c: &Customer, svc: ServiceId) -> OrderId {
    let input = OrderInput {
        customer: c.id,
        lines: vec![
            OrderLineInput {
                kind: LineKind::Service,
                service: Some(svc),
                description: None,
                quantity: 1,
                unit_price_minor: None,
            },
            OrderLineInput {
                kind: LineKind::Product,
                service: None,
                description: Some("Shampoo".into()),
                quantity: 2,
                unit_price_minor: Some(750),
            },
        ],
        appointment: None,
        notes: None,
        branch: None,
    };
    d.store.create_order(&me(), &input).unwrap().id
}

fn code_of(e: CoreError) -> String {
    match e {
        CoreError::Validation { field, code, .. } => format!("{field}:{code}"),
        CoreError::InvalidTransition { from, to, .. } => format!("transition:{from}->{to}"),
        CoreError::Conflict { code, .. } => format!("conflict:{code}"),
        other => format!("{other:?}"),
    }
}

#[test]
fn payments_never_exceed_the_due_and_refunds_never_exceed_what_was_paid() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let id = order_of(&d, &c, svc);
    let o = d.store.order(id).unwrap();
    assert_eq!((o.subtotal_minor, o.total_minor, o.due_minor, o.status), (4500, 4500, 4500, OrderStatus::Open));
    assert_eq!(o.lines.iter().map(|l| l.amount_minor).collect::<Vec<_>>(), vec![3000, 1500]);

    assert_eq!(
        code_of(d.store.pay_order(&me(), id, PaymentMethod::Card, 4501).unwrap_err()),
        "amount_minor:more_than_due"
    );
    assert_eq!(code_of(d.store.pay_order(&me(), id, PaymentMethod::Card, 0).unwrap_err()), "amount_minor:out_of_range");
    let o = d.store.pay_order(&me(), id, PaymentMethod::Card, 2000).unwrap();
    assert_eq!((o.status, o.paid_minor, o.due_minor), (OrderStatus::Open, 2000, 2500));
    let o = d.store.pay_order(&me(), id, PaymentMethod::Cash, 2500).unwrap();
    assert_eq!((o.status, o.paid_minor, o.due_minor, o.payments.len()), (OrderStatus::Paid, 4500, 0, 2));
    assert_eq!(code_of(d.store.pay_order(&me(), id, PaymentMethod::Cash, 1).unwrap_err()), "transition:paid->paid");

    assert_eq!(code_of(d.store.refund_order(&me(), id, PaymentMethod::Card, 1000, "").unwrap_err()), "reason:required");
    assert_eq!(
        code_of(d.store.refund_order(&me(), id, PaymentMethod::Card, 4501, "Too much").unwrap_err()),
        "amount_minor:more_than_paid"
    );
    assert_eq!(
        code_of(d.store.refund_order(&me(), id, PaymentMethod::Card, -5, "Negative").unwrap_err()),
        "amount_minor:out_of_range"
    );
    let o = d.store.refund_order(&me(), id, PaymentMethod::Card, 1000, "Shampoo returned").unwrap();
    assert_eq!((o.status, o.refunded_minor, o.refundable_minor), (OrderStatus::Paid, 1000, 3500));
    let s = d.store.customer_detail(&c.code, 1).unwrap().history.stats;
    assert_eq!(
        (s.paid_minor, s.refunded_minor, s.total_spent_minor, s.refunds, s.orders_paid, s.average_ticket_minor),
        (4500, 1000, 3500, 1, 1, Some(3500))
    );
    // Points: 1 a whole pound kept: 45 when paid, 35 after the partial refund.
    assert_eq!(s.loyalty_points, 35);

    let o = d.store.refund_order(&me(), id, PaymentMethod::Card, 3500, "Unhappy with the cut").unwrap();
    assert_eq!((o.status, o.refunded_minor, o.refundable_minor, o.refunds.len()), (OrderStatus::Refunded, 4500, 0, 2));
    assert_eq!(
        code_of(d.store.refund_order(&me(), id, PaymentMethod::Card, 1, "Again").unwrap_err()),
        "transition:refunded->refunded"
    );
    let s = d.store.customer_detail(&c.code, 1).unwrap().history.stats;
    assert_eq!((s.total_spent_minor, s.loyalty_points, s.orders_paid), (0, 0, 1));
    let (stored, recomputed) = d.store.stats_check(&c.code).unwrap();
    assert_eq!(stored, recomputed);
}

#[test]
fn orders_are_checked_line_by_line() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let line = |kind, service, description: Option<&str>, quantity, price| OrderLineInput {
        kind,
        service,
        description: description.map(String::from),
        quantity,
        unit_price_minor: price,
    };
    let try_lines = |lines: Vec<OrderLineInput>| {
        code_of(
            d.store
                .create_order(
                    &me(),
                    &OrderInput { customer: c.id, lines, appointment: None, notes: None, branch: None },
                )
                .unwrap_err(),
        )
    };
    assert_eq!(try_lines(vec![]), "lines:required");
    assert_eq!(try_lines(vec![line(LineKind::Service, None, None, 1, None)]), "lines.0.service:required");
    assert_eq!(
        try_lines(vec![line(LineKind::Service, Some(ServiceId(77)), None, 1, None)]),
        "lines.0.service:unknown_service"
    );
    assert_eq!(
        try_lines(vec![
            line(LineKind::Service, Some(svc), None, 1, None),
            line(LineKind::Product, None, None, 1, Some(100))
        ]),
        "lines.1.description:required"
    );
    assert_eq!(
        try_lines(vec![line(LineKind::Product, None, Some("Gel"), 1, None)]),
        "lines.0.unit_price_minor:required"
    );
    assert_eq!(
        try_lines(vec![line(LineKind::Product, None, Some("Gel"), 0, Some(100))]),
        "lines.0.quantity:out_of_range"
    );
    assert_eq!(
        try_lines(vec![line(LineKind::Product, None, Some("Gel"), 1, Some(-100))]),
        "lines.0.unit_price_minor:out_of_range"
    );
    assert_eq!(
        try_lines(vec![line(LineKind::Product, None, Some("Gold"), 999, Some(999_999_999))]),
        "lines:out_of_range"
    );
    assert_eq!(d.count("SELECT count(*) FROM orders"), 0);
    assert_eq!(d.count("SELECT count(*) FROM order_lines"), 0);
}

#[test]
fn points_are_earned_by_visits_spent_as_a_discount_and_given_back_on_cancel() {
    let d = desk();
    d.store
        .update_settings(&SettingsInput {
            loyalty: Some(LoyaltyRule { points_per_visit: 10, points_per_unit: 1, point_value_minor: 10 }),
            ..Default::default()
        })
        .unwrap();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let visit = book(&d, &c, svc, -HOUR);
    d.store.set_appointment_status(&me(), visit, AppointmentStatus::Finished).unwrap();
    assert_eq!(d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points, 10);

    let id = order_of(&d, &c, svc);
    assert_eq!(code_of(d.store.redeem_points(&me(), id, 11).unwrap_err()), "points:more_than_balance");
    assert_eq!(code_of(d.store.redeem_points(&me(), id, 0).unwrap_err()), "points:out_of_range");
    let o = d.store.redeem_points(&me(), id, 10).unwrap();
    assert_eq!((o.total_minor, o.discount_minor, o.points_redeemed, o.due_minor), (4400, 100, 10, 4400));
    assert_eq!(d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points, 0);
    let o = d.store.cancel_order(&me(), id, "Changed her mind").unwrap();
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert_eq!(d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points, 10, "points given back");

    // Points can settle a whole order, which then counts as paid.
    let small = d
        .store
        .create_order(
            &me(),
            &OrderInput {
                customer: c.id,
                lines: vec![OrderLineInput {
                    kind: LineKind::Product,
                    service: None,
                    description: Some("Comb".into()),
                    quantity: 1,
                    unit_price_minor: Some(100),
                }],
                appointment: None,
                notes: None,
                branch: None,
            },
        )
        .unwrap();
    let o = d.store.redeem_points(&me(), small.id, 10).unwrap();
    assert_eq!((o.status, o.total_minor), (OrderStatus::Paid, 0));
    let (stored, recomputed) = d.store.stats_check(&c.code).unwrap();
    assert_eq!(stored, recomputed);
    assert_eq!((stored.orders_paid, stored.loyalty_points), (1, 0));
}

#[test]
fn an_order_with_money_on_it_is_refunded_not_cancelled() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let id = order_of(&d, &c, svc);
    d.store.pay_order(&me(), id, PaymentMethod::Cash, 1000).unwrap();
    assert_eq!(code_of(d.store.cancel_order(&me(), id, "No show").unwrap_err()), "conflict:payments_left");
    d.store.refund_order(&me(), id, PaymentMethod::Card, 1000, "Deposit returned").unwrap();
    assert_eq!(d.store.cancel_order(&me(), id, "No show").unwrap().status, OrderStatus::Cancelled);
    assert_eq!(code_of(d.store.cancel_order(&me(), id, "Again").unwrap_err()), "transition:cancelled->cancelled");
    let paid = order_of(&d, &c, svc);
    d.store.pay_order(&me(), paid, PaymentMethod::Card, 4500).unwrap();
    assert_eq!(code_of(d.store.cancel_order(&me(), paid, "Oops").unwrap_err()), "transition:paid->cancelled");
    let s = d.store.stats_check(&c.code).unwrap();
    assert_eq!(s.0, s.1);
    assert_eq!((s.0.paid_minor, s.0.refunded_minor, s.0.orders_paid), (5500, 1000, 1));
}

#[test]
fn the_timeline_merges_profile_edits_appointments_and_orders_newest_first_and_pages() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    d.clock.advance(1000);
    d.store.block_customer(&me(), c.id, "Late payer").unwrap();
    d.clock.advance(1000);
    d.store.unblock_customer(&me(), c.id, Some("Paid up")).unwrap();
    d.clock.advance(1000);
    let a = book(&d, &c, svc, -HOUR);
    d.clock.advance(1000);
    d.store.set_appointment_status(&me(), a, AppointmentStatus::Confirmed).unwrap();
    d.clock.advance(1000);
    d.store.set_appointment_status(&me(), a, AppointmentStatus::Finished).unwrap();
    d.clock.advance(1000);
    let o = order_of(&d, &c, svc);
    d.clock.advance(1000);
    d.store.pay_order(&me(), o, PaymentMethod::Card, 4500).unwrap();
    d.clock.advance(1000);
    d.store.refund_order(&me(), o, PaymentMethod::Card, 500, "Product faulty").unwrap();
    let expected = [
        "refund",
        "payment",
        "order_created",
        "appointment_finished",
        "appointment_confirmed",
        "appointment_booked",
        "unblocked",
        "blocked",
        "created",
    ];
    let all = d.store.timeline(c.id, None, 100).unwrap();
    assert_eq!(all.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), expected);
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    // Pages of 4 read the same feed without gaps or repeats.
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = d.store.timeline(c.id, before, 4).unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|e| e.seq);
        paged.extend(page.into_iter().map(|e| e.kind));
    }
    assert_eq!(paged, expected);
    let refund = &all[0];
    assert_eq!(refund.note.as_deref(), Some("Product faulty"));
    assert_eq!(refund.subject.as_ref().map(|s| s.kind.as_str()), Some("order"));
    assert!(refund.changes.iter().any(|ch| ch.field == "refunded_minor" && ch.old == 0 && ch.new == 500));
    // Loyalty moves are on the events that caused them: 10 for the visit, 45 for the payment,
    // 5 taken back by the refund of 5.00.
    let points = |e: &frontdesk_core::customers::TimelineEvent| {
        e.changes
            .iter()
            .find(|c| c.field == "loyalty_points")
            .map(|c| (c.old.as_i64().unwrap(), c.new.as_i64().unwrap()))
    };
    assert_eq!(points(&all[0]), Some((55, 50)));
    assert_eq!(points(&all[1]), Some((10, 55)));
    assert_eq!(points(&all[3]), Some((0, 10)));
    assert_eq!(points(&all[2]), None);
    // Every write left outbox records too.
    assert!(d.count("SELECT count(*) FROM outbox WHERE entity = 'appointment'") >= 3);
    assert!(d.count("SELECT count(*) FROM outbox WHERE entity = 'order'") >= 3);
}

#[test]
fn the_profile_reads_history_and_stats_in_one_call() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let past = book(&d, &c, svc, -2 * HOUR);
    d.store.set_appointment_status(&me(), past, AppointmentStatus::Finished).unwrap();
    let missed = book(&d, &c, svc, -HOUR);
    d.store.set_appointment_status(&me(), missed, AppointmentStatus::NoShow).unwrap();
    let soon = book(&d, &c, svc, 24 * HOUR);
    let later = book(&d, &c, svc, 48 * HOUR);
    let o = order_of(&d, &c, svc);
    d.store.pay_order(&me(), o, PaymentMethod::Card, 4500).unwrap();
    let h = d.store.customer_detail(&c.code, 10).unwrap().history;
    assert_eq!(h.upcoming.iter().map(|a| a.id).collect::<Vec<_>>(), vec![soon, later]);
    assert_eq!(h.past.iter().map(|a| a.id).collect::<Vec<_>>(), vec![missed, past]);
    assert_eq!(h.orders.len(), 1);
    assert_eq!(h.orders[0].payments.len(), 1);
    assert_eq!(h.stats.next_appointment_at, Some(ms_to_datetime(now(&d).timestamp_millis() + 24 * HOUR)));
    assert_eq!(
        (h.stats.visits, h.stats.no_shows, h.stats.appointment_count, h.stats.total_spent_minor),
        (1, 1, 4, 4500)
    );
    assert_eq!(h.stats.loyalty_points, 10 + 45);
    assert_eq!(h.currency, "GBP");
}

#[test]
fn money_refunded_from_a_part_payment_is_due_again() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let id = order_of(&d, &c, svc); // 45.00
    d.store.pay_order(&me(), id, PaymentMethod::Card, 3000).unwrap();
    let o = d.store.refund_order(&me(), id, PaymentMethod::Card, 3000, "Wrong card").unwrap();
    assert_eq!((o.status, o.due_minor), (OrderStatus::Open, 4500));
    let o = d.store.pay_order(&me(), id, PaymentMethod::Cash, 1500).unwrap();
    assert_eq!((o.status, o.due_minor), (OrderStatus::Open, 3000), "not paid: only 15.00 is kept");
    let o = d.store.pay_order(&me(), id, PaymentMethod::Cash, 3000).unwrap();
    assert_eq!((o.status, o.paid_minor - o.refunded_minor), (OrderStatus::Paid, 4500));
    let (stored, recomputed) = d.store.stats_check(&c.code).unwrap();
    assert_eq!(stored, recomputed);
    assert_eq!((stored.total_spent_minor, stored.orders_paid, stored.loyalty_points), (4500, 1, 45));
}

#[test]
fn a_refund_takes_back_its_share_of_the_points_whatever_the_rule_is_now() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let id = order_of(&d, &c, svc); // 45.00 → 45 points at 1 a pound
    d.store.pay_order(&me(), id, PaymentMethod::Card, 4500).unwrap();
    d.store
        .update_settings(&SettingsInput {
            loyalty: Some(LoyaltyRule { points_per_visit: 10, points_per_unit: 10, point_value_minor: 1 }),
            ..Default::default()
        })
        .unwrap();
    let o = d.store.refund_order(&me(), id, PaymentMethod::Card, 1500, "Shampoo back").unwrap();
    assert_eq!(o.points_earned, 30, "a third of the money back takes a third of the points");
    assert_eq!(d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points, 30);
    d.store.refund_order(&me(), id, PaymentMethod::Card, 3000, "All of it").unwrap();
    assert_eq!(d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points, 0);
}

#[test]
fn an_appointment_is_checked_out_once_and_only_if_it_happened() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let other = d.add("Bob", "Ray", None, None);
    let visit = book(&d, &c, svc, -HOUR);
    d.store.set_appointment_status(&me(), visit, AppointmentStatus::Finished).unwrap();
    let missed = book(&d, &c, svc, -HOUR);
    d.store.set_appointment_status(&me(), missed, AppointmentStatus::NoShow).unwrap();
    let checkout = |customer: &Customer, appointment| {
        d.store.create_order(
            &me(),
            &OrderInput {
                customer: customer.id,
                lines: vec![OrderLineInput {
                    kind: LineKind::Service,
                    service: Some(svc),
                    description: None,
                    quantity: 1,
                    unit_price_minor: None,
                }],
                appointment: Some(appointment),
                notes: None,
                branch: None,
            },
        )
    };
    assert_eq!(code_of(checkout(&other, visit).unwrap_err()), "appointment:other_customer");
    assert_eq!(code_of(checkout(&c, missed).unwrap_err()), "appointment:not_billable");
    let first = checkout(&c, visit).unwrap();
    assert_eq!(first.appointment, Some(visit));
    assert_eq!(code_of(checkout(&c, visit).unwrap_err()), "appointment:already_settled");
    // A cancelled order frees the appointment again.
    d.store.cancel_order(&me(), first.id, "Wrong items").unwrap();
    assert!(checkout(&c, visit).is_ok());
}

#[test]
fn points_without_a_value_cannot_be_spent() {
    let d = desk();
    d.store
        .update_settings(&SettingsInput {
            loyalty: Some(LoyaltyRule { points_per_visit: 10, points_per_unit: 1, point_value_minor: 0 }),
            ..Default::default()
        })
        .unwrap();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let visit = book(&d, &c, svc, -HOUR);
    d.store.set_appointment_status(&me(), visit, AppointmentStatus::Finished).unwrap();
    let id = order_of(&d, &c, svc);
    assert_eq!(code_of(d.store.redeem_points(&me(), id, 5).unwrap_err()), "points:no_value");
    assert_eq!(d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points, 10);
}

#[test]
fn past_appointments_and_orders_page_past_the_first_fifty() {
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let other = d.add("Bob", "Ray", None, None);
    // 60 visits at 23 distinct times (ties on the start time are ordered by record), 55 orders.
    for i in 0..60 {
        let a = book(&d, &c, svc, -((i % 23) + 1) * HOUR);
        d.store.set_appointment_status(&me(), a, AppointmentStatus::Finished).unwrap();
    }
    for _ in 0..55 {
        order_of(&d, &c, svc);
    }
    let h = d.store.customer_detail(&c.code, 1).unwrap().history;
    assert_eq!((h.past.len(), h.orders.len()), (50, 50));
    let mut past = h.past.clone();
    while let Some(last) = past.last().map(|a| a.id) {
        let more = d.store.past_appointments(c.id, last, 7).unwrap();
        if more.is_empty() {
            break;
        }
        past.extend(more);
    }
    assert_eq!(past.len(), 60);
    let ids: std::collections::HashSet<_> = past.iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), 60, "no repeats");
    assert!(past.windows(2).all(|w| w[0].starts_at >= w[1].starts_at), "newest first");
    let mut orders = h.orders.clone();
    while let Some(last) = orders.last().map(|o| o.id) {
        let more = d.store.customer_orders(c.id, last, 20).unwrap();
        if more.is_empty() {
            break;
        }
        orders.extend(more);
    }
    assert_eq!(orders.len(), 55);
    assert!(orders.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    // Another customer's record is not a place to page from.
    assert_eq!(code_of(d.store.customer_orders(other.id, h.orders[0].id, 5).unwrap_err()), "before:other_customer");
}

#[test]
fn moving_the_desks_country_keeps_the_currency_once_there_are_prices() {
    let d = desk(); // GB: GBP, from the country
    assert_eq!(d.store.desk().currency, "GBP");
    d.store.update_settings(&SettingsInput { default_region: Some("IE".into()), ..Default::default() }).unwrap();
    assert_eq!(d.store.desk().currency, "EUR", "a new desk's currency follows its country");
    haircut(&d);
    d.store.update_settings(&SettingsInput { default_region: Some("GB".into()), ..Default::default() }).unwrap();
    assert_eq!(d.store.desk().currency, "EUR", "prices exist: the currency stays");
    d.store.update_settings(&SettingsInput { currency: Some("gbp".into()), ..Default::default() }).unwrap();
    assert_eq!(d.store.desk().currency, "GBP", "changed on purpose");
}

#[test]
fn outbox_changes_name_each_record_by_its_global_id() {
    use frontdesk_core::change::EntityKind;
    let d = desk();
    let svc = haircut(&d);
    let c = d.add("Ann", "Lee", None, None);
    let a = book(&d, &c, svc, HOUR);
    let changes = d.store.changes_after(0, 1000).unwrap();
    let of = |kind: EntityKind| changes.iter().filter(move |ch| ch.entity == kind);
    assert!(of(EntityKind::Customer).count() > 0 && of(EntityKind::Customer).all(|ch| ch.entity_id == Some(c.id.0)));
    assert!(of(EntityKind::Appointment).count() > 0 && of(EntityKind::Appointment).all(|ch| ch.entity_id == Some(a.0)));
    assert!(of(EntityKind::Service).count() > 0 && of(EntityKind::Service).all(|ch| ch.entity_id.is_some()));
    // In outbox order, one device, paged without a gap or a repeat.
    let seqs: Vec<u64> = changes.iter().map(|ch| ch.id.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(changes.iter().all(|ch| ch.id.device == changes[0].id.device));
    let first = d.store.changes_after(0, 2).unwrap();
    let rest = d.store.changes_after(first[1].id.seq, 1000).unwrap();
    assert_eq!(first.into_iter().chain(rest).collect::<Vec<_>>(), changes);
}
