//! Moving in from another salon system: one fixture per system (tests/fixtures/import/), each
//! column landing where EXPECTED.md says, dates read in the order the file proves.

mod common;

use std::path::PathBuf;

use frontdesk_core::customers::{Customer, CustomerStatus};
use frontdesk_core::import::{import_csv, ImportOptions, ImportReport};
use frontdesk_core::locale::DateOrder;
use frontdesk_core::search::SearchRequest;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

/// Header → expected target, from the fixture's table in EXPECTED.md.
fn expected(system: &str) -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(fixture("EXPECTED.md")).unwrap();
    let section = doc.split(&format!("## {system}.csv")).nth(1).unwrap().split("\n## ").next().unwrap().to_string();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Header"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let target = cells[2];
            let first = target.split_whitespace().next().unwrap().to_string();
            (
                cells[1].to_string(),
                if first == "extra" && target.contains("fallback") { "phone_other".into() } else { first },
            )
        })
        .collect()
}

fn import(d: &common::Desk, system: &str) -> ImportReport {
    import_csv(&d.store, &fixture(&format!("{system}.csv")), &ImportOptions::default(), &mut |_, _| {}).unwrap()
}

fn one(d: &common::Desk, q: &str) -> Customer {
    let hits = d.store.search(&SearchRequest::new(q)).unwrap().hits;
    assert_eq!(hits.len(), 1, "{q}: {:?}", hits.iter().map(|h| &h.display_name).collect::<Vec<_>>());
    d.store.customer(&hits[0].code).unwrap()
}

#[test]
fn every_systems_export_lands_column_by_column() {
    for (system, country) in [
        ("fresha", "GB"),
        ("square", "US"),
        ("vagaro", "US"),
        ("phorest", "GB"),
        ("mindbody", "US"),
        ("timely", "GB"),
        ("booksy", "US"),
        ("generic", "GB"),
    ] {
        let d = common::desk_in(country);
        let report = import(&d, system);
        assert_eq!((report.imported, report.rejected), (report.rows, 0), "{system}: {:?}", report.first_rejections);
        assert_eq!(report.kept_without, 0, "{system}: {:?}", report.first_kept_without);
        assert!(report.ignored_columns.is_empty(), "{system}: columns not recognised: {:?}", report.ignored_columns);
        for (header, want) in expected(system) {
            let got = report.mapping.iter().find(|(h, _)| *h == header).map(|(_, t)| t.as_str());
            let ok = match want.as_str() {
                "ignore" => got.is_none() && report.computed_columns.contains(&header),
                "status" => matches!(got, Some("status" | "blocked")),
                "full_name" => got == Some("full_name"),
                w => got == Some(w),
            };
            assert!(ok, "{system}: {header} should go to {want}, went to {got:?}");
        }
        // Every date column proves its order (EXPECTED.md: a day over 12 in each file).
        let want_order = if country == "US" { DateOrder::Mdy } else { DateOrder::Dmy };
        for c in &report.date_columns {
            assert_eq!(c.order, want_order, "{system}: {c:?}");
        }
    }
}

#[test]
fn a_fresha_file_keeps_notes_blocked_clients_and_client_since() {
    let d = common::desk_in("GB");
    import(&d, "fresha");
    let oliver = one(&d, "oliver bennett");
    assert_eq!(oliver.status, CustomerStatus::Blocked);
    assert_eq!(oliver.blocked_reason.as_deref(), Some("Too many late cancellations"));
    let remarks = oliver.remarks.clone().unwrap();
    assert!(remarks.starts_with("Owes £25 late-cancellation fee"), "{remarks}");
    assert!(remarks.contains("Gender: Male") && remarks.contains("Referral Source: Walk-In"), "{remarks}");
    assert!(remarks.contains("Telephone: 44 20 7946 0321"), "the landline beside a mobile is kept: {remarks}");
    assert_eq!(oliver.birthday, chrono::NaiveDate::from_ymd_opt(1985, 11, 2));
    let since = oliver.created_at.with_timezone(&chrono::Local).naive_local();
    assert_eq!(since, chrono::NaiveDate::from_ymd_opt(2021, 8, 9).unwrap().and_hms_opt(16, 40, 0).unwrap());
    assert_eq!(oliver.phone_e164.as_deref(), Some("+447700900456"), "a country code without + is read as one");
    let amelia = one(&d, "amelia hart");
    assert_eq!(amelia.status, CustomerStatus::Active);
    assert_eq!(amelia.birthday, chrono::NaiveDate::from_ymd_opt(1991, 4, 23));
    // Her consent is the file's, not the receptionist's who imported it.
    let consent = amelia.marketing_consent.unwrap();
    assert_eq!((consent.granted, consent.by.as_str()), (true, "the file fresha.csv"));
}

#[test]
fn us_exports_read_month_first_and_their_own_marks() {
    let d = common::desk_in("US");
    import(&d, "square");
    let tyrone = one(&d, "tyrone jackson");
    assert_eq!(tyrone.status, CustomerStatus::Blocked, "blocked from online booking");
    assert_eq!(
        tyrone.phone_e164.as_deref(),
        Some("+13125550178"),
        "the spreadsheet's apostrophe is not part of the number"
    );
    assert_eq!(tyrone.birthday, chrono::NaiveDate::from_ymd_opt(1983, 11, 28));
    let v = common::desk_in("US");
    import(&v, "vagaro");
    let marcus = one(&v, "marcus reed");
    assert_eq!(marcus.status, CustomerStatus::Blocked, "online booking: Don't Allow");
    assert_eq!(marcus.text.address_line1, None, "--- is an empty cell");
    assert_eq!(marcus.birthday, chrono::NaiveDate::from_ymd_opt(1987, 12, 3));
}

#[test]
fn the_preview_shows_targets_first_rows_dates_and_branches_and_the_import_follows_it() {
    use frontdesk_core::import::preview;
    let d = common::desk_in("GB");
    let main = d.store.desk().branch_id;
    d.store.rename_branch(main, "Belfast City").unwrap();
    let file = fixture("phorest.csv");
    let p = preview(&d.store, &file, &ImportOptions::default()).unwrap();
    assert_eq!(p.rows, 5);
    assert_eq!(p.problem, None);
    let col =
        |p: &frontdesk_core::import::ImportPreview, h: &str| p.columns.iter().find(|c| c.header == h).unwrap().clone();
    let dob = col(&p, "Date of Birth");
    assert_eq!((dob.target.as_str(), dob.samples[0].as_str(), dob.samples.len()), ("birthday", "19/03/1990", 5));
    assert_eq!(col(&p, "Gender").target, "extra");
    assert_eq!(col(&p, "Client ID").target, "extra"); // another system's ids
    assert!(p.date_columns.iter().any(|c| c.column == "Date of Birth" && c.order == DateOrder::Dmy));
    let branches: Vec<_> = p.branches.iter().map(|b| (b.name.as_str(), b.rows, b.existing.as_deref())).collect();
    assert_eq!(branches, [("Belfast City", 3, Some("main")), ("Lisburn Road", 2, None)]);
    assert!(p.targets.iter().any(|(t, label)| t == "extra" && label.contains("remarks")));
    // Changing a target: the preview says it was chosen; taking the name away is a problem.
    let opts = ImportOptions { mappings: vec![("Gender".into(), "ignore".into())], ..Default::default() };
    let q = preview(&d.store, &file, &opts).unwrap();
    assert_eq!((col(&q, "Gender").target.as_str(), col(&q, "Gender").why.as_str()), ("ignore", "chosen"));
    let no_name = ImportOptions {
        mappings: vec![("First Name".into(), "ignore".into()), ("Last Name".into(), "ignore".into())],
        ..Default::default()
    };
    assert!(preview(&d.store, &file, &no_name).unwrap().problem.unwrap().contains("name"));
    // A branch the file names goes where the user said; an unknown target branch is refused.
    let bad = ImportOptions { branch_map: vec![("Lisburn Road".into(), "Nowhere".into())], ..Default::default() };
    assert!(
        matches!(preview(&d.store, &file, &bad), Err(frontdesk_core::CoreError::Validation { code, .. }) if code == "unknown_branch")
    );
    let opts = ImportOptions { branch_map: vec![("lisburn road".into(), "Belfast City".into())], ..opts };
    let report = import_csv(&d.store, &file, &opts, &mut |_, _| {}).unwrap();
    assert_eq!((report.imported, report.new_branches.len()), (5, 0));
    assert_eq!(d.store.branches().unwrap().len(), 1);
    assert!(!one(&d, "Siobhan").remarks.unwrap_or_default().contains("Gender"));
}

#[test]
fn rows_without_a_branch_go_to_the_one_chosen() {
    let d = common::desk_in("GB");
    let york = d.store.add_branch("york", "York").unwrap();
    let opts = ImportOptions { branch: Some("York".into()), ..Default::default() };
    let report = import_csv(&d.store, &fixture("fresha.csv"), &opts, &mut |_, _| {}).unwrap();
    assert_eq!(report.rejected, 0);
    let in_york = SearchRequest {
        filter: frontdesk_core::search::SearchFilter { branch: Some(york.id), ..Default::default() },
        ..Default::default()
    };
    assert_eq!(d.store.search(&in_york).unwrap().total, report.imported);
}

/// Writes `text` to a file in the desk's folder and imports it.
fn import_text(d: &common::Desk, name: &str, text: &str) -> ImportReport {
    let path = d.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    import_csv(&d.store, &path, &ImportOptions::default(), &mut |_, _| {}).unwrap()
}

#[test]
fn rows_of_one_file_sharing_a_contact_all_come_in_marked_shared_whatever_their_order() {
    for flipped in [false, true] {
        let d = common::desk_in("GB");
        let (olivia, evie) =
            ("Olivia,Hart,olivia@example.com,07700 900001,31/02/1990", "Evie,Hart,OLIVIA@example.com,07700 900002,");
        let (a, b) = if flipped { (evie, olivia) } else { (olivia, evie) };
        let family = "Amy,Lowe,,07700 900100,\nBen,Lowe,,+44 7700 900100,\nCat,Lowe,,07700900100,";
        let r = import_text(
            &d,
            "clients.csv",
            &format!("First Name,Last Name,Email,Mobile,Date of Birth\n{a}\n{b}\n{family}\n"),
        );
        // Nobody refused: Olivia's bad birthday is left out, her sister keeps the email too.
        assert_eq!((r.imported, r.rejected, r.kept_without), (5, 0, 1), "{:?}", r.first_rejections);
        let pairs: Vec<_> = r.first_shared_in_file.iter().map(|p| (p.field.as_str(), p.other_line, p.line)).collect();
        assert_eq!(pairs, [("email", 2, 3), ("phone", 4, 5), ("phone", 4, 6)]);
        assert_eq!(r.shared_in_file, 3);
        // Olivia's bad birthday is left out, and kept on her record as well as in the errors file.
        let olivia = one(&d, "900001");
        assert_eq!(olivia.birthday, None);
        assert!(
            olivia.remarks.as_deref().unwrap_or("").contains("left out — Birthday: 31/02/1990"),
            "{:?}",
            olivia.remarks
        );
        for q in ["900001", "900002"] {
            assert!(one(&d, q).email_shared, "{q}");
        }
        for q in ["amy lowe", "ben lowe", "cat lowe"] {
            assert!(one(&d, q).phone_shared, "{q}");
        }
        // Amy, whom two later rows share a phone with, is marked once.
        let amy = d.store.timeline(one(&d, "amy lowe").id, None, 10).unwrap();
        assert_eq!(amy.iter().filter(|e| e.kind == "updated").count(), 1, "{amy:?}");
        // The first of a pair says so on its timeline.
        let first = one(&d, if flipped { "900002" } else { "900001" });
        let events = d.store.timeline(first.id, None, 10).unwrap();
        assert!(
            events.iter().any(|e| e.kind == "updated" && e.note.as_deref().is_some_and(|n| n.contains("line 3"))),
            "{events:?}"
        );
    }
}

#[test]
fn an_errors_file_is_never_written_over() {
    let d = common::desk_in("GB");
    let text = "First Name,Last Name,Email\nAnn,Lee,ann@@example.com\n";
    let first = import_text(&d, "clients.csv", text);
    let path = std::path::PathBuf::from(first.errors_file.unwrap());
    // Someone starts fixing it; the same file is imported again by mistake.
    std::fs::write(&path, "being fixed").unwrap();
    let again = import_text(&d, "clients.csv", text);
    let second = again.errors_file.unwrap();
    assert!(second.ends_with("clients.errors-2.csv"), "{second}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "being fixed");
}

#[test]
fn rows_sharing_a_contact_a_desk_customer_holds_are_all_refused() {
    let d = common::desk_in("GB");
    d.add("Zoe", "Hart", Some("zoe@example.com"), Some("07700 900500"));
    let r = import_text(&d, "clients.csv", "First Name,Last Name,Email,Mobile\nAnn,Lee,zoe@example.com,\nBea,Lee,Zoe@Example.com,\nCid,Lee,,07700 900500\n");
    assert_eq!((r.imported, r.rejected, r.shared_in_file), (0, 3, 0));
    assert!(
        r.first_rejections.iter().all(|x| x.code == "duplicate" && x.reason.contains("Zoe Hart")),
        "{:?}",
        r.first_rejections
    );
    // Imported later, an earlier import's customer is a desk customer: refused, not shared.
    let first = import_text(&d, "a.csv", "First Name,Last Name,Email\nDee,Moss,dee@example.com\n");
    let second = import_text(&d, "b.csv", "First Name,Last Name,Email\nEd,Moss,dee@example.com\n");
    assert_eq!((first.imported, second.imported, second.rejected), (1, 0, 1));
    assert!(!one(&d, "dee moss").email_shared);
}

#[test]
fn a_profile_gives_the_address_in_its_countrys_order() {
    use frontdesk_core::customers::{CustomerInput, TextFields};
    use frontdesk_core::locale::address::AddressLine::{Country, Text};
    let d = common::desk_in("GB");
    let input = |line1: &str, city: &str, postcode: &str, country: &str| CustomerInput {
        first_name: "Ann".into(),
        last_name: city.into(),
        text: TextFields {
            address_line1: Some(line1.into()),
            city: Some(city.into()),
            postal_code: Some(postcode.into()),
            country: Some(country.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let gb = d.store.create_customer(&common::me(), &input("3 Wood Street", "Wakefield", "WF1 1HX", "GB")).unwrap();
    let de = d.store.create_customer(&common::me(), &input("Hauptstraße 1", "Berlin", "10115", "DE")).unwrap();
    let lines = |code: &str| d.store.customer_detail(code, 1).unwrap().address;
    assert_eq!(
        lines(&gb.code),
        [Text("3 Wood Street".into()), Text("Wakefield".into()), Text("WF1 1HX".into()), Country("GB".into())]
    );
    assert_eq!(lines(&de.code), [Text("Hauptstraße 1".into()), Text("10115 Berlin".into()), Country("DE".into())]);
}
