//! Property: after any sequence of bookings, status changes, orders, payments, refunds, point
//! redemptions and archive/restore, every customer's running stats equal a from-scratch
//! recomputation, the desk totals equal their sums, and money never goes out of bounds.

mod common;

use common::{me, Desk};
use frontdesk_core::clock::ms_to_datetime;
use frontdesk_core::history::{
    AppointmentStatus, BookingInput, CancelledBy, LineKind, OrderInput, OrderLineInput, PaymentMethod, ServiceInput,
};
use frontdesk_core::settings::{LoyaltyRule, SettingsInput};
use frontdesk_core::{AppointmentId, CoreError, OrderId};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Book {
        customer: usize,
        hours_from_now: i64,
    },
    Status {
        appointment: usize,
        to: usize,
    },
    Cancel {
        appointment: usize,
        by_customer: bool,
    },
    Order {
        customer: usize,
        price: i64,
        quantity: i64,
    },
    Pay {
        order: usize,
        percent: i64,
    },
    Refund {
        order: usize,
        percent: i64,
    },
    Redeem {
        order: usize,
        points: i64,
    },
    CancelOrder {
        order: usize,
    },
    Archive {
        customer: usize,
    },
    Restore {
        customer: usize,
    },
    Wait {
        hours: i64,
    },
    /// The desk changes its loyalty rule mid-way.
    Rule {
        per_unit: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..4, -72i64..72).prop_map(|(customer, hours_from_now)| Op::Book { customer, hours_from_now }),
        4 => (0usize..40, 0usize..6).prop_map(|(appointment, to)| Op::Status { appointment, to }),
        2 => (0usize..40, any::<bool>()).prop_map(|(appointment, by_customer)| Op::Cancel { appointment, by_customer }),
        3 => (0usize..4, 0i64..20_000, 1i64..4).prop_map(|(customer, price, quantity)| Op::Order { customer, price, quantity }),
        4 => (0usize..40, 1i64..=120).prop_map(|(order, percent)| Op::Pay { order, percent }),
        3 => (0usize..40, 1i64..=120).prop_map(|(order, percent)| Op::Refund { order, percent }),
        1 => (0usize..40, 1i64..200).prop_map(|(order, points)| Op::Redeem { order, points }),
        1 => (0usize..40).prop_map(|order| Op::CancelOrder { order }),
        1 => (0usize..4).prop_map(|customer| Op::Archive { customer }),
        1 => (0usize..4).prop_map(|customer| Op::Restore { customer }),
        2 => (1i64..48).prop_map(|hours| Op::Wait { hours }),
        1 => (0i64..20).prop_map(|per_unit| Op::Rule { per_unit }),
    ]
}

/// Errors an operation may rightly end in; a storage error or anything else fails the property.
fn expected(e: &CoreError) -> bool {
    matches!(e, CoreError::Validation { .. } | CoreError::InvalidTransition { .. } | CoreError::Conflict { .. })
}

fn run(d: &Desk, ops: &[Op]) -> Result<(), TestCaseError> {
    let svc = d
        .store
        .add_service(&ServiceInput { name: "Cut".into(), duration_min: 30, price_minor: 2500, active: true })
        .unwrap()
        .id;
    let people: Vec<_> = (0..4).map(|i| d.add(&format!("P{i}"), "Test", None, None)).collect();
    let mut appointments: Vec<AppointmentId> = Vec::new();
    let mut orders: Vec<OrderId> = Vec::new();
    let now = |d: &Desk| {
        use frontdesk_core::clock::Clock;
        d.clock.now_ms()
    };
    for op in ops {
        let result: Result<(), CoreError> = match op {
            Op::Book { customer, hours_from_now } => d
                .store
                .book_appointment(
                    &me(),
                    &BookingInput {
                        customer: people[*customer].id,
                        service: svc,
                        staff: None,
                        starts_at: ms_to_datetime(now(d) + hours_from_now * 3_600_000),
                        duration_min: None,
                        price_minor: None,
                        notes: None,
                        branch: None,
                        blocked_override: None,
                    },
                )
                .map(|a| appointments.push(a.id)),
            Op::Status { appointment, to } => match appointments.get(*appointment) {
                Some(id) => d.store.set_appointment_status(&me(), *id, AppointmentStatus::ALL[*to]).map(|_| ()),
                None => Ok(()),
            },
            Op::Cancel { appointment, by_customer } => match appointments.get(*appointment) {
                Some(id) => {
                    let by = if *by_customer { CancelledBy::Customer } else { CancelledBy::Business };
                    d.store.cancel_appointment(&me(), *id, by, "Because").map(|_| ())
                }
                None => Ok(()),
            },
            Op::Order { customer, price, quantity } => d
                .store
                .create_order(
                    &me(),
                    &OrderInput {
                        customer: people[*customer].id,
                        lines: vec![OrderLineInput {
                            kind: LineKind::Product,
                            service: None,
                            description: Some("Thing".into()),
                            quantity: *quantity,
                            unit_price_minor: Some(*price),
                        }],
                        appointment: None,
                        notes: None,
                        branch: None,
                    },
                )
                .map(|o| orders.push(o.id)),
            Op::Pay { order, percent } => match orders.get(*order) {
                Some(id) => {
                    let o = d.store.order(*id).unwrap();
                    d.store
                        .pay_order(&me(), *id, PaymentMethod::Card, (o.total_minor * percent / 100).max(1))
                        .map(|_| ())
                }
                None => Ok(()),
            },
            Op::Refund { order, percent } => match orders.get(*order) {
                Some(id) => {
                    let o = d.store.order(*id).unwrap();
                    d.store
                        .refund_order(&me(), *id, PaymentMethod::Card, (o.paid_minor * percent / 100).max(1), "Because")
                        .map(|_| ())
                }
                None => Ok(()),
            },
            Op::Redeem { order, points } => match orders.get(*order) {
                Some(id) => d.store.redeem_points(&me(), *id, *points).map(|_| ()),
                None => Ok(()),
            },
            Op::CancelOrder { order } => match orders.get(*order) {
                Some(id) => d.store.cancel_order(&me(), *id, "Because").map(|_| ()),
                None => Ok(()),
            },
            Op::Archive { customer } => d.store.archive_customer(&me(), people[*customer].id).map(|_| ()),
            Op::Restore { customer } => d.store.restore_customer(&me(), people[*customer].id).map(|_| ()),
            Op::Rule { per_unit } => d
                .store
                .update_settings(&SettingsInput {
                    loyalty: Some(LoyaltyRule {
                        points_per_visit: 25,
                        points_per_unit: *per_unit,
                        point_value_minor: 5,
                    }),
                    ..Default::default()
                })
                .map(|_| ()),
            Op::Wait { hours } => {
                d.clock.advance(hours * 3_600_000);
                Ok(())
            }
        };
        if let Err(e) = result {
            prop_assert!(expected(&e), "{op:?} failed unexpectedly: {e:?}");
        }
        for id in &orders {
            let o = d.store.order(*id).unwrap();
            // Money kept never exceeds the order's total; what was paid in all may (a part payment
            // refunded, then the order paid in full).
            prop_assert!(
                0 <= o.refunded_minor
                    && o.refunded_minor <= o.paid_minor
                    && o.paid_minor - o.refunded_minor <= o.total_minor,
                "{o:?}"
            );
            prop_assert!(o.total_minor >= 0 && o.total_minor == o.subtotal_minor - o.discount_minor, "{o:?}");
            if o.status == frontdesk_core::history::OrderStatus::Open {
                prop_assert!(
                    o.paid_minor - o.refunded_minor < o.total_minor || o.total_minor == 0,
                    "an open order is not fully paid: {o:?}"
                );
            }
        }
        // A refund only ever takes points back; a payment only ever earns them.
        let wrong_way = d.count("SELECT count(*) FROM loyalty WHERE (kind = 'refund' AND points > 0) OR (kind IN ('order', 'visit', 'return') AND points < 0) OR (kind = 'redeem' AND points > 0)");
        prop_assert_eq!(wrong_way, 0);
    }
    for p in &people {
        let (stored, recomputed) = d.store.stats_check(&p.code).unwrap();
        prop_assert_eq!(&stored, &recomputed, "{} after {:?}", p.code, ops);
        prop_assert!(
            stored.loyalty_points >= 0 || stored.refunds > 0,
            "points only go negative after a refund took back spent points"
        );
    }
    let mismatches = d.store.audit_stats(None).unwrap();
    prop_assert!(mismatches.is_empty(), "{mismatches:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn running_stats_equal_a_recomputation_after_any_operations(ops in prop::collection::vec(op(), 1..60)) {
        let d = common::desk();
        d.store
            .update_settings(&SettingsInput { loyalty: Some(LoyaltyRule { points_per_visit: 25, points_per_unit: 2, point_value_minor: 5 }), ..Default::default() })
            .unwrap();
        run(&d, &ops)?;
    }
}

/// Pay or refund on an order, as a share of what can be paid or refunded.
#[derive(Debug, Clone)]
enum Money {
    Pay(i64),
    Refund(i64),
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Points are the rate in force when the order was paid applied to the money it keeps:
    /// the same net amount gives the same points, however payments and refunds interleave and
    /// whatever the rule becomes after (£123.50 paid, £28.50 back: 95 points, not 94).
    #[test]
    fn an_orders_points_depend_on_its_net_paid_amount_only(
        total in 1i64..50_000,
        steps in prop::collection::vec(prop_oneof![(1i64..=100).prop_map(Money::Pay), (1i64..=100).prop_map(Money::Refund)], 1..12),
        later_rule in 0i64..20,
    ) {
        let d = common::desk();
        let rule = |per_unit| SettingsInput { loyalty: Some(LoyaltyRule { points_per_visit: 0, points_per_unit: per_unit, point_value_minor: 1 }), ..Default::default() };
        d.store.update_settings(&rule(1)).unwrap();
        let c = d.add("Ann", "Lee", None, None);
        let line = OrderLineInput { kind: LineKind::Product, service: None, description: Some("Colour".into()), quantity: 1, unit_price_minor: Some(total) };
        let id = d.store.create_order(&me(), &OrderInput { customer: c.id, lines: vec![line], appointment: None, notes: None, branch: None }).unwrap().id;
        let mut earned_at: Option<i64> = None;
        for step in &steps {
            let o = d.store.order(id).unwrap();
            let r = match step {
                Money::Pay(p) => d.store.pay_order(&me(), id, PaymentMethod::Cash, ((o.total_minor - o.paid_minor + o.refunded_minor) * p / 100).max(1)).map(|_| ()),
                Money::Refund(p) => d.store.refund_order(&me(), id, PaymentMethod::Card, ((o.paid_minor - o.refunded_minor) * p / 100).max(1), "Back").map(|_| ()),
            };
            if let Err(e) = r {
                prop_assert!(expected(&e), "{e:?}");
            }
            let o = d.store.order(id).unwrap();
            if o.status != frontdesk_core::history::OrderStatus::Open && earned_at.is_none() {
                earned_at = Some(1);
                // The rule changes once the order has earned: its points keep the old rate.
                d.store.update_settings(&rule(later_rule)).unwrap();
            }
            let want = match earned_at {
                Some(rate) => (o.paid_minor - o.refunded_minor) * rate / 100,
                None => 0,
            };
            prop_assert_eq!(o.points_earned, want, "{:?} after {:?}", o, steps);
            let balance = d.store.customer_detail(&c.code, 1).unwrap().history.stats.loyalty_points;
            prop_assert_eq!(balance, want);
        }
    }
}

#[test]
fn the_points_of_a_part_refunded_order_are_those_of_its_net_amount() {
    let d = common::desk();
    d.store
        .update_settings(&SettingsInput {
            loyalty: Some(LoyaltyRule { points_per_visit: 10, points_per_unit: 1, point_value_minor: 1 }),
            ..Default::default()
        })
        .unwrap();
    let c = d.add("Ann", "Lee", None, None);
    let line = OrderLineInput {
        kind: LineKind::Product,
        service: None,
        description: Some("Colour".into()),
        quantity: 1,
        unit_price_minor: Some(12_350),
    };
    let id = d
        .store
        .create_order(
            &me(),
            &OrderInput { customer: c.id, lines: vec![line], appointment: None, notes: None, branch: None },
        )
        .unwrap()
        .id;
    assert_eq!(d.store.pay_order(&me(), id, PaymentMethod::Card, 12_350).unwrap().points_earned, 123);
    let o = d.store.refund_order(&me(), id, PaymentMethod::Cash, 2_850, "Toner not used").unwrap();
    assert_eq!(o.points_earned, 95);
    assert_eq!(o.refunds[0].method, Some(PaymentMethod::Cash));
}
