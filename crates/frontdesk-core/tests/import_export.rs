//! Import and export through real files: column mapping, rejected rows and their errors file,
//! values kept without, round trips. (One file, longer than most: the tests share the files
//! they write and read back.)

mod common;

use std::fs;

use common::desk;
use frontdesk_core::export::{export, Format};
use frontdesk_core::import::{errors_path, import_csv, ImportOptions};
use frontdesk_core::CoreError;

fn import(
    d: &common::Desk,
    name: &str,
    text: &[u8],
    opts: &ImportOptions,
) -> Result<frontdesk_core::import::ImportReport, CoreError> {
    let path = d.dir.path().join(name);
    fs::write(&path, text).unwrap();
    import_csv(&d.store, &path, opts, &mut |_, _| {})
}

#[test]
fn a_salon_export_with_aliases_and_bad_rows() {
    let d = desk();
    let csv = "\u{feff}First Name,Last Name,Email Address,Mobile Number,Postcode,Zip,Location,Loyalty Points\n\
        Zoë,Müller,zoe@example.com,07911 123456,SW1A 1AA,,Main,10\n\
        ,,nobody@example.com,,,,,0\n\
        Bob,Ray,not-an-email,,,,,0\n\
        Ann,Lee,ZOE@example.com,,,,,0\n\
        Tim,Fox,tim@example.com,0791,,,North,0\n\
        Ana,Gil,ana@example.com,+34 612 345 678,,,North,3\n";
    let report = import(&d, "clients.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    // A bad email or phone costs only that value; no name costs the row. Ann has Zoë's email
    // (an earlier row of the file): both are in, the email marked shared on each.
    assert_eq!((report.rows, report.imported, report.rejected, report.kept_without), (6, 5, 1, 2));
    assert_eq!(
        (report.shared_in_file, report.first_shared_in_file[0].other_line, report.first_shared_in_file[0].line),
        (1, 2, 5)
    );
    assert!(report.ignored_columns.contains(&"Loyalty Points".to_string()));
    assert!(
        report.mapping.contains(&("Zip".to_string(), "extra".to_string())),
        "the first postcode column wins; the other is kept in remarks"
    );
    let errors = fs::read_to_string(errors_path(&d.dir.path().join("clients.csv"))).unwrap();
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 4, "{errors}");
    assert!(lines[0].starts_with("error_line,error_field,error_code,error_reason,error_value,error_outcome,First Name"));
    assert!(lines[1].starts_with("3,first_name,required,"), "{}", lines[1]);
    assert!(
        lines[2].starts_with("4,email,invalid_email,") && lines[2].contains(",not-an-email,imported as "),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("6,phone,invalid_phone,") && lines[3].contains(",0791,imported as "), "{}", lines[3]);
    assert_eq!(d.find("bob ray"), vec!["Bob Ray"], "kept without the bad email");
    assert_eq!(d.find("zoe mul"), vec!["Zoë Müller"]);
    // The desk had only its main branch: "North" was created for the rows (the rejected ones'
    // branches are not).
    assert_eq!(report.new_branches, vec!["North".to_string()]);
    let ana = d.store.search(&frontdesk_core::search::SearchRequest::new("ana gil")).unwrap().hits[0].clone();
    assert_eq!(ana.branch, "North", "an unknown branch is created");
    let detail = d.store.customer_detail(&ana.code, 5).unwrap();
    assert_eq!(detail.timeline[0].kind, "imported");
    assert_eq!(detail.timeline[0].import_file.as_deref(), Some("clients.csv"));
    // The import is one outbox record naming the range of customers it created, and no
    // per-customer events (a large import does not multiply the database) but Zoë's: her email
    // became shared when Ann's row came.
    assert_eq!(d.count("SELECT count(*) FROM events"), 1);
    assert_eq!(d.count("SELECT count(*) FROM events WHERE kind = 'updated' AND data LIKE '%line 5%'"), 1);
    assert_eq!(d.count("SELECT count(*) FROM outbox WHERE entity = 'import'"), 1);
    assert_eq!(d.count("SELECT count(*) FROM outbox WHERE entity = 'customer' AND field = 'email_shared'"), 1);
    let range: String = d
        .store
        .read(|r| Ok(r.conn().query_row("SELECT value FROM outbox WHERE entity = 'import'", [], |x| x.get(0))?))
        .unwrap();
    let range: serde_json::Value = serde_json::from_str(&range).unwrap();
    assert_eq!(range["to"].as_i64().unwrap() - range["from"].as_i64().unwrap(), 4);

    // Fix the rows in the errors file and import it again: only the rejected ones come in; the
    // ones already in are not made twice.
    let fixed = errors
        .replace(",,nobody@example.com,", ",Nora,nobody@example.com,")
        .replace("Bob,Ray,not-an-email", "Bob,Ray,bob@example.com")
        .replace("Tim,Fox,tim@example.com,0791,", "Tim,Fox,tim@example.com,07911 654321,");
    let again = import(&d, "clients.errors.csv", fixed.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!((again.rows, again.imported, again.rejected), (3, 1, 2), "{again:?}");
    assert!(again.first_rejections.iter().all(|r| r.code == "already_imported"), "{:?}", again.first_rejections);
    assert_eq!(d.find("bob ray"), vec!["Bob Ray"]);
    for c in ["Error Line", "error_line", "error_field", "error_code", "error_reason", "error_value", "error_outcome"] {
        assert!(!again.mapping.iter().any(|(h, _)| h == c), "{c} must not be imported: {:?}", again.mapping);
    }
    assert_eq!(d.find("nora"), vec!["Nora"]);
    assert_eq!(d.find("ann lee"), vec!["Ann Lee"]);
}

#[test]
fn semicolons_region_and_explicit_mapping() {
    let d = desk();
    let csv = "Client;Telefon;E-Mail\nHans Peter Groß;0171 1234567;hans@example.de\n";
    let opts = ImportOptions {
        region: Some("DE".into()),
        mappings: vec![("Telefon".into(), "phone".into())],
        actor: None,
        date_order: None,
        ..Default::default()
    };
    let report = import(&d, "kunden.csv", csv.as_bytes(), &opts).unwrap();
    assert_eq!(report.imported, 1, "{report:?}");
    let c = d.store.search(&frontdesk_core::search::SearchRequest::new("hans gro")).unwrap().hits[0].clone();
    assert_eq!(c.first_name, "Hans Peter");
    assert_eq!(c.last_name, "Groß");
    assert_eq!(c.phone_e164.as_deref(), Some("+491711234567"));
}

#[test]
fn windows_line_endings_and_a_blank_first_line_keep_line_numbers_right() {
    let d = desk();
    let crlf = "First Name,Email\r\nAnn,ann@example.com\r\nBob,bad\r\n\"Cy\r\nDe\",cy@example.com\r\nDan,bad2\r\n";
    let report = import(&d, "crlf.csv", crlf.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!((report.imported, report.kept_without), (4, 2), "{report:?}");
    let lines: Vec<u64> = report.first_kept_without.iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        vec![3, 6],
        "the rows on lines 3 and 6 (after a quoted line break) were kept without their email"
    );
    let errors = fs::read_to_string(errors_path(&d.dir.path().join("crlf.csv"))).unwrap();
    let firsts: Vec<&str> = errors.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(firsts, vec!["3", "6"], "{errors}");
    assert!(errors.contains(",Bob,bad") && errors.contains(",Dan,bad2"), "{errors}");
    let ragged = b"First Name,Email\r\nAnn,ann@example.org\r\nBob,bob@example.org,x\r\n";
    match import(&d, "ragged.csv", ragged, &ImportOptions::default()) {
        Err(CoreError::File { line: Some(3), code, .. }) => assert_eq!(code, "ragged_row"),
        other => panic!("{other:?}"),
    }
    // Old Mac line ends (CR only), blank lines between rows, mixed endings: the right lines,
    // and only the rejected rows in the errors file.
    for (name, text) in [
        ("mac.csv", "First Name,Email\rAnn,ann@example.net\rBob,bad\r\"Cy\rDe\",cy@example.net\rDan,bad2\r"),
        ("gaps.csv", "First Name,Email\n\nAnn,ann@example.info\nBob,bad\n\r\n\"Cy\nDe\",cy@example.info\nDan,bad2\n"),
        ("mixed.csv", "First Name,Email\nAnn,ann@example.biz\r\nBob,bad\n\"Cy\r\nDe\",cy@example.biz\rDan,bad2\n"),
    ] {
        let report = import(&d, name, text.as_bytes(), &ImportOptions::default()).unwrap();
        let want: Vec<u64> = if name == "gaps.csv" { vec![4, 8] } else { vec![3, 6] };
        assert_eq!(report.first_kept_without.iter().map(|r| r.line).collect::<Vec<_>>(), want, "{name}");
        let errors = fs::read_to_string(errors_path(&d.dir.path().join(name))).unwrap();
        let rows: Vec<&str> = errors.lines().skip(1).collect();
        assert_eq!(rows.len(), 2, "{name}: {errors}");
        assert!(
            rows[0].starts_with(&format!("{},email,invalid_email,", want[0])) && rows[0].ends_with(",Bob,bad"),
            "{name}: {errors}"
        );
        assert!(
            rows[1].starts_with(&format!("{},email,invalid_email,", want[1])) && rows[1].ends_with(",Dan,bad2"),
            "{name}: {errors}"
        );
    }
    let blank_first = b"\nFirst Name;Email\nEve;bad\n";
    let report = import(&d, "blank.csv", blank_first, &ImportOptions::default()).unwrap();
    assert_eq!(
        report.mapping,
        vec![("First Name".to_string(), "first_name".to_string()), ("Email".into(), "email".into())]
    );
    assert_eq!(report.first_kept_without[0].line, 3);
}

#[test]
fn a_row_with_several_problems_lists_them_all_and_its_fixed_errors_file_imports() {
    let d = desk();
    let csv = "First Name,Last Name,Email,Country\nAnn,Lee,ann@mailinator.com,Atlantis\nBob,Ray,bob@example.com,GB\n,,cy@mailinator.com,Atlantis\n";
    let report = import(&d, "two.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    // Ann is kept without her throwaway email and unknown country, each reported with its value.
    assert_eq!((report.imported, report.rejected, report.kept_without), (2, 1, 1));
    let kept: Vec<(&str, &str)> =
        report.first_kept_without.iter().map(|k| (k.field.as_str(), k.value.as_str())).collect();
    assert_eq!(kept, vec![("country", "Atlantis"), ("email", "ann@mailinator.com")], "{:?}", report.first_kept_without);
    assert!(
        report.first_kept_without[1].reason.contains("mailinator.com is a throwaway"),
        "{:?}",
        report.first_kept_without
    );
    assert_eq!(d.find("ann lee"), vec!["Ann Lee"]);
    // A row with no name is refused, and says its other problems too.
    let r = &report.first_rejections[0];
    assert_eq!((r.line, r.field.as_str()), (4, "first_name"), "{r:?}");
    assert!(
        r.reason.contains("Also country:") && r.reason.contains("email: mailinator.com is a throwaway"),
        "{}",
        r.reason
    );
    let errors_file = errors_path(&d.dir.path().join("two.csv"));
    let errors = fs::read_to_string(&errors_file).unwrap();
    assert_eq!(errors.lines().count(), 4, "a line per value left out and per row refused: {errors}");
    // The errors file, fixed, imports as it is: the refused row comes in, the kept one is not
    // made twice; its own columns are not reported as unknown.
    let fixed = errors.replace(",,cy@mailinator.com", ",Cy,cy@example.com");
    let report = import(&d, "two.errors.fixed.csv", fixed.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!((report.imported, report.rejected), (1, 2), "{:?}", report.first_rejections);
    assert!(report.ignored_columns.is_empty(), "{:?}", report.ignored_columns);
    assert_eq!(d.find("ann lee"), vec!["Ann Lee"]);
    let again = fs::read_to_string(errors_path(&d.dir.path().join("two.errors.fixed.csv"))).unwrap();
    assert_eq!(
        again.lines().next().unwrap(),
        "error_line,error_field,error_code,error_reason,error_value,error_outcome,First Name,Last Name,Email,Country",
        "{again}"
    );
    assert!(again.lines().nth(1).unwrap().contains(",already_imported,"), "{again}");
    let many = import(&d, "many.csv", b"First Name,Email,Email Shared,Marketing Consent,Created,Country\nQa,qa@mailinator.com,maybe,perhaps,yesterday,Atlantis\n", &ImportOptions::default()).unwrap();
    assert_eq!((many.imported, many.kept_without), (1, 1));
    let fields: Vec<&str> = many.first_kept_without.iter().map(|k| k.field.as_str()).collect();
    assert_eq!(fields, vec!["country", "created_at", "email", "email_shared", "marketing_consent"]);
    let future =
        import(&d, "future.csv", b"First Name,Created\nGus,2999-01-01\nHal,2025-12-31\n", &ImportOptions::default())
            .unwrap();
    assert_eq!((future.imported, future.kept_without), (2, 1));
    assert_eq!(
        (future.first_kept_without[0].field.as_str(), future.first_kept_without[0].code.as_str()),
        ("created_at", "in_the_future")
    );
    let unnamed =
        import(&d, "unnamed.csv", b"First Name,,Email\nCy,x,cy@example.com\n", &ImportOptions::default()).unwrap();
    assert_eq!(unnamed.ignored_columns, vec!["(column 2 has no name)".to_string()]);
}

#[test]
fn an_edited_export_and_other_systems_ids() {
    let d = desk();
    d.add("Ann", "Lee", None, Some("+44 7700 900204"));
    d.add("Bob", "Ray", None, Some("+44 7700 900205"));
    let mut out = Vec::new();
    export(&d.store, Format::Csv, &mut out).unwrap();
    // The typed phone edited in a spreadsheet, its E.164 column left as it was: the edit counts.
    let edited = String::from_utf8(out).unwrap().replace("+44 7700 900204", "+44 7700 900999");
    let e = desk();
    let report = import(&e, "edited.csv", edited.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(report.imported, 2, "{:?}", report.first_rejections);
    assert_eq!(e.find("900999"), vec!["Ann Lee"]);
    assert_eq!(e.find("900205"), vec!["Bob Ray"]);
    // Only an E.164 column: it is the phone (and a bad one is said so).
    let f = desk();
    let report =
        import(&f, "e164.csv", b"First Name,Phone E164\nCy,+447700900301\nDi,garbage\n", &ImportOptions::default())
            .unwrap();
    assert_eq!((report.imported, report.kept_without), (2, 1));
    assert_eq!(
        (report.first_kept_without[0].field.as_str(), report.first_kept_without[0].value.as_str()),
        ("phone", "garbage")
    );
    assert_eq!(f.find("900301"), vec!["Cy"]);
    // Another system's client numbers under "Client ID" / "Customer Number" are kept as lines in
    // remarks, not failing every row; our own ids and codes (an export) are kept as ids.
    let g = desk();
    let report = import(
        &g,
        "other.csv",
        b"Client ID,Customer Number,First Name\n123,A-77,Eve\n124,,Fay\n",
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!((report.imported, report.rejected), (2, 0), "{:?}", report.first_rejections);
    assert!(report.ignored_columns.is_empty(), "{:?}", report.ignored_columns);
    let eve = g
        .store
        .customer(&g.store.search(&frontdesk_core::search::SearchRequest::new("eve")).unwrap().hits[0].code)
        .unwrap();
    assert_eq!(
        eve.remarks.as_deref(),
        Some("Client ID: 123\nCustomer Number: A-77"),
        "another system's numbers are kept in remarks"
    );
}

#[test]
fn an_explicit_mapping_wins_over_a_recognised_header() {
    let d = desk();
    let csv = "Name,Phone,Mobile\nAnna Smith,020 7946 0000,07700 900999\n";
    let opts = ImportOptions {
        region: Some("GB".into()),
        mappings: vec![("Mobile".into(), "phone".into())],
        actor: None,
        date_order: None,
        ..Default::default()
    };
    let report = import(&d, "pm.csv", csv.as_bytes(), &opts).unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(report.region, "GB");
    assert!(report.mapping.contains(&("Mobile".to_string(), "phone".to_string())), "{:?}", report.mapping);
    assert!(
        report.mapping.contains(&("Phone".to_string(), "extra".to_string())),
        "the other phone is kept in remarks: {:?}",
        report.mapping
    );
    // A column the user said to ignore is not listed as one to map.
    let ignoring = ImportOptions {
        mappings: vec![("Mobile".into(), "phone".into()), ("phone".into(), "ignore".into())],
        ..opts.clone()
    };
    let report =
        import(&d, "pm3.csv", "Name,Phone,Mobile\nCy Po,020 7946 0001,07700 900998\n".as_bytes(), &ignoring).unwrap();
    assert_eq!(report.imported, 1);
    assert!(report.ignored_columns.is_empty(), "{:?}", report.ignored_columns);
    // Two maps for one column or one field: which one was meant is not guessed.
    for maps in [[("Mobile", "phone"), ("Phone", "phone")], [("Mobile", "phone"), ("mobile", "email")]] {
        let opts = ImportOptions {
            mappings: maps.iter().map(|(h, f)| (h.to_string(), f.to_string())).collect(),
            ..opts.clone()
        };
        match import(&d, "pm2.csv", csv.as_bytes(), &opts) {
            Err(CoreError::Validation { field, code, message }) => {
                assert_eq!(field, "map");
                assert!(code == "field_twice" || code == "mapped_twice", "{code}");
                assert!(message.contains("keep one"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    let c = d.store.search(&frontdesk_core::search::SearchRequest::new("anna smith")).unwrap().hits[0].clone();
    assert_eq!(c.phone_e164.as_deref(), Some("+447700900999"));
}

#[test]
fn business_card_phones_and_whole_names() {
    let d = desk();
    let csv = "Name,Phone\nA One,+44 (0)7700 900127\n\"Smith, Anna\",+49 (0)30 12345678\nMary Ann van der Berg,0044 (0)20 7946 0001\nLuca Rossi,+39 (0)2 1234 5678\n";
    let report = import(&d, "cards.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!((report.imported, report.rejected), (4, 0), "{:?}", report.first_rejections);
    // In Italy the 0 is part of the number.
    assert_eq!(
        d.store.search(&frontdesk_core::search::SearchRequest::new("luca rossi")).unwrap().hits[0]
            .phone_e164
            .as_deref(),
        Some("+390212345678")
    );
    assert_eq!(d.find("+39 (0)2 1234 5678"), vec!["Luca Rossi"]);
    assert_eq!(d.find("+39 02 1234"), vec!["Luca Rossi"]);
    let hit = |q: &str| d.store.search(&frontdesk_core::search::SearchRequest::new(q)).unwrap().hits;
    assert_eq!(hit("a one")[0].phone_e164.as_deref(), Some("+447700900127"));
    // The number as written on the card, and the whole number without its +, find it.
    for q in ["+44 (0)7700 900127", "+44 (0) 7700 900127", "447700900127", "0044 7700 900127"] {
        let hits = hit(q);
        assert_eq!(hits.len(), 1, "{q}");
        assert_eq!(hits[0].first_name, "A", "{q}");
    }
    let anna = hit("anna smith");
    assert_eq!((anna[0].first_name.as_str(), anna[0].last_name.as_str()), ("Anna", "Smith"));
    let mary = hit("van der berg");
    assert_eq!((mary[0].first_name.as_str(), mary[0].last_name.as_str()), ("Mary Ann", "van der Berg"));
    assert_eq!(mary[0].phone_e164.as_deref(), Some("+442079460001"));
}

#[test]
fn a_malformed_file_is_refused_whole() {
    let d = desk();
    let ragged = b"First Name,Last Name,Email\nAnn,Lee,ann@example.com\nBob,Ray\n";
    match import(&d, "ragged.csv", ragged, &ImportOptions::default()) {
        Err(CoreError::File { line: Some(3), code, .. }) => assert_eq!(code, "ragged_row"),
        other => panic!("{other:?}"),
    }
    let latin1 = b"First Name,Last Name\nJos\xe9,Ram\xedrez\n";
    match import(&d, "latin1.csv", latin1, &ImportOptions::default()) {
        Err(CoreError::File { code, .. }) => assert_eq!(code, "not_utf8"),
        other => panic!("{other:?}"),
    }
    let no_names = b"Email,Phone\nann@example.com,07911123456\n";
    assert!(matches!(import(&d, "nonames.csv", no_names, &ImportOptions::default()), Err(CoreError::File { .. })));
    assert!(import(&d, "missing.csv", b"x", &ImportOptions::default()).is_err());
    assert_eq!(d.count("SELECT count(*) FROM customers"), 0);
}

#[test]
fn export_reimports_into_an_empty_database_unchanged() {
    let d = desk();
    frontdesk_core::seed::seed(&d.store, 300, 9, &mut |_| {}).unwrap();
    let blocked = d.count("SELECT count(*) FROM customers WHERE status = 1");
    assert!(blocked > 0);
    let mut first = Vec::new();
    let n = export(&d.store, Format::Csv, &mut first).unwrap();
    assert_eq!(n, 300);
    let e = desk();
    let report = import(&e, "export.csv", &first, &ImportOptions::default()).unwrap();
    assert_eq!((report.imported, report.rejected), (300, 0), "{report:?}");
    let mut second = Vec::new();
    export(&e.store, Format::Csv, &mut second).unwrap();
    assert_eq!(String::from_utf8(first).unwrap(), String::from_utf8(second).unwrap());
}

#[test]
fn seeding_is_deterministic() {
    let (a, b) = (desk(), desk());
    frontdesk_core::seed::seed(&a.store, 200, 5, &mut |_| {}).unwrap();
    frontdesk_core::seed::seed(&b.store, 200, 5, &mut |_| {}).unwrap();
    let dump = |d: &common::Desk| {
        let mut out = Vec::new();
        export(&d.store, Format::Csv, &mut out).unwrap();
        // Codes carry each desk's own prefix; everything else is the same.
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split(',').collect();
                f.remove(1);
                f.join(",")
            })
            .collect::<Vec<_>>()
    };
    let (da, db) = (dump(&a), dump(&b));
    assert_eq!(da.len(), 201);
    assert_eq!(da, db);
    let with_diacritics = da.iter().filter(|l| !l.is_ascii()).count();
    assert!(with_diacritics > 20, "names from several locales: {with_diacritics}");
}

#[test]
fn a_local_number_reimports_into_a_desk_of_another_region() {
    let d = desk();
    d.add("Ann", "Lee", None, Some("07911 123456"));
    let mut out = Vec::new();
    export(&d.store, Format::Csv, &mut out).unwrap();
    let e = desk();
    e.store
        .update_settings(&frontdesk_core::settings::SettingsInput {
            default_region: Some("US".into()),
            ..Default::default()
        })
        .unwrap();
    let report = import(&e, "export.csv", &out, &ImportOptions::default()).unwrap();
    assert_eq!(report.imported, 1, "{report:?}");
    let c = e.store.search(&frontdesk_core::search::SearchRequest::new("ann lee")).unwrap().hits[0].clone();
    assert_eq!(c.phone_e164.as_deref(), Some("+447911123456"));
    assert_eq!(c.phone_raw.as_deref(), Some("07911 123456"));
}

/// Bulk writes (seed, import) index a whole batch at once: every record must still be found
/// through each search table, and the tables must pass FTS5's own integrity check.
#[test]
fn every_bulk_written_customer_is_found_by_name_phone_and_email() {
    use frontdesk_core::search::SearchRequest;
    let d = desk();
    let report = frontdesk_core::seed::seed(&d.store, 400, 11, &mut |_| {}).unwrap();
    assert_eq!(report.created, 400);
    // The desk's running count (directory quick stats) grew by the batch.
    assert_eq!(d.count("SELECT live_customers FROM desk_totals"), 400);
    type Person = (String, String, String, Option<String>, Option<String>);
    let people: Vec<Person> = d
        .store
        .read(|r| {
            let mut st = r
                .conn()
                .prepare("SELECT code, first_name, last_name, email, phone_e164 FROM customers ORDER BY seq")?;
            let rows = st.query_map([], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(people.len(), 400);
    let finds = |q: &str, code: &str| {
        let page = d.store.search(&SearchRequest { limit: 500, ..SearchRequest::new(q) }).unwrap();
        page.hits.iter().any(|h| h.code == code)
    };
    for (code, first, last, email, phone) in &people {
        assert!(finds(&format!("{first} {last}"), code), "{code} by name {first} {last}");
        if let Some(e) = email {
            assert!(finds(e, code), "{code} by email {e}");
        }
        if let Some(p) = phone {
            // Five digits from the number's end that do not start with 0 (a leading 0 reads as a
            // trunk or international prefix).
            let digits = &p[p.len() - 8..];
            let at = (0..=3).find(|&i| !digits[i..].starts_with('0')).unwrap_or(0);
            let fragment = &digits[at..at + 5];
            assert!(finds(fragment, code), "{code} by phone fragment {fragment}");
        }
    }
    for table in [
        "customer_name_fts",
        "customer_phone_fts",
        "customer_phone4_fts",
        "customer_email_fts",
        "customer_email_pairs_fts",
    ] {
        d.store
            .with_writer_connection(|c| {
                Ok(c.execute_batch(&format!("INSERT INTO {table}({table}) VALUES ('integrity-check')"))?)
            })
            .unwrap();
    }
}

/// The sort and filter indexes of `customers` a bulk write into an empty desk leaves for later.
const SORT_INDEXES: [&str; 3] = ["customers_name_sort", "customers_created", "customers_total_spent"];

fn indexes(db: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' ORDER BY name")
        .unwrap();
    let names = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    names
}

/// An import into an empty desk writes its rows without the sort indexes and builds them once
/// at the end (seen from another connection while the import reports progress); into a desk
/// with customers it keeps them. Afterwards the desk has every index, sorted lists use them,
/// and nothing is left waiting.
#[test]
fn an_import_into_an_empty_desk_builds_its_sort_indexes_after_the_rows() {
    let d = desk();
    let db = d.dir.path().join("desk.db");
    let all = indexes(&db);
    assert!(SORT_INDEXES.iter().all(|i| all.contains(&i.to_string())));
    let csv = |from: usize| {
        let mut text = String::from("First Name,Last Name,Email Address\n");
        for i in from..from + 40 {
            text.push_str(&format!("Ann{i},Lee{i},ann{i}@example.com\n"));
        }
        text
    };
    for (name, from, deferred) in [("first.csv", 0, true), ("second.csv", 100, false)] {
        let path = d.dir.path().join(name);
        fs::write(&path, csv(from)).unwrap();
        let mut seen: Vec<Vec<String>> = Vec::new();
        let report = import_csv(&d.store, &path, &ImportOptions::default(), &mut |_, _| {
            // Another desk window (or command) cannot open the desk to write meanwhile; one
            // that only reads and tidies leaves the running import its indexes.
            let other = frontdesk_core::store::Store::open(&db, frontdesk_core::store::Sources::default());
            assert!(
                matches!(other, Err(frontdesk_core::CoreError::Conflict { ref code, .. }) if code == "desk_in_use")
            );
            let other =
                frontdesk_core::store::Store::open_read_only(&db, frontdesk_core::store::Sources::default()).unwrap();
            while other.tidy_step().unwrap() {}
            seen.push(indexes(&db));
        })
        .unwrap();
        assert_eq!(report.imported, 40);
        assert!(!seen.is_empty());
        for during in &seen {
            for i in SORT_INDEXES {
                assert_eq!(!during.contains(&i.to_string()), deferred, "{name}: {i} during the import");
            }
            assert!(during.contains(&"customers_email".to_string()), "the lookups stay");
            assert!(during.contains(&"customers_never_spent".to_string()), "named by queries: stays");
        }
        assert_eq!(indexes(&db), all, "{name}: every index is back");
    }
    assert_eq!(d.count("SELECT count(*) FROM settings WHERE key = 'deferred_indexes'"), 0);
    let plan: String = d
        .store
        .read(|r| Ok(r.conn().query_row("EXPLAIN QUERY PLAN SELECT seq FROM customers ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE LIMIT 5", [], |x| x.get(3))?))
        .unwrap();
    assert!(plan.contains("customers_name_sort"), "{plan}");
}

/// Takes the sort indexes of the desk at `db` away as an import does (definitions kept in the
/// settings), as if its process had stopped before bringing them back.
fn take_indexes_away(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let sql: Vec<String> = SORT_INDEXES
        .iter()
        .map(|i| c.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [i], |r| r.get(0)).unwrap())
        .collect();
    for i in SORT_INDEXES {
        c.execute_batch(&format!("DROP INDEX {i}")).unwrap();
    }
    c.execute(
        "INSERT INTO settings(key, value) VALUES ('deferred_indexes', ?1)",
        [serde_json::to_string(&sql).unwrap()],
    )
    .unwrap();
}

/// A desk whose import stopped before the sort indexes were built (the process killed) builds
/// them when it is next opened; while the importing process still holds the desk's import
/// lock, opening leaves them to it.
#[test]
fn a_desk_whose_import_stopped_gets_its_sort_indexes_back() {
    use frontdesk_core::store::{Sources, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    drop(Store::open(&db, Sources::default()).unwrap());
    let all = indexes(&db);
    take_indexes_away(&db);
    assert_ne!(indexes(&db), all);
    {
        // The importing process, alive: its lock on the file beside the database.
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.path().join("desk.db.import-lock"))
            .unwrap();
        lock.lock().unwrap();
        let store = Store::open(&db, Sources::default()).unwrap();
        while store.tidy_step().unwrap() {}
        assert_ne!(indexes(&db), all, "left to the running import");
    }
    let store = Store::open(&db, Sources::default()).unwrap();
    assert_eq!(indexes(&db), all);
    let waiting: i64 = store
        .read(|r| {
            Ok(r.conn().query_row("SELECT count(*) FROM settings WHERE key = 'deferred_indexes'", [], |x| x.get(0))?)
        })
        .unwrap();
    assert_eq!(waiting, 0);
}

/// The desktop app, open while an import in another process stopped half way, builds the sort
/// indexes in its idle tidying.
#[test]
fn an_open_desk_builds_the_indexes_a_stopped_import_left_away() {
    let d = desk();
    let db = d.dir.path().join("desk.db");
    let all = indexes(&db);
    take_indexes_away(&db);
    assert_ne!(indexes(&db), all);
    while d.store.tidy_step().unwrap() {}
    assert_eq!(indexes(&db), all);
    assert_eq!(d.count("SELECT count(*) FROM settings WHERE key = 'deferred_indexes'"), 0);
}
