//! Several processes (the desktop app, the CLI, a second window) open one desk database.

#[path = "common/older_schema.rs"]
mod older_schema;

use std::sync::Arc;

use frontdesk_core::store::{Sources, Store};

/// Opening a desk that is already set up only reads; the first opening of a new one takes the
/// write lock before it reads. Either way no opening fails with "database is locked" because
/// another opened it at the same moment: one at a time gets it, the others hear it is in use.
#[test]
fn opening_one_database_from_several_places_at_once_never_fails() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..15 {
        let path = Arc::new(dir.path().join(format!("desk-{}.db", round % 3)));
        if round % 3 == 0 {
            // A database that exists with its schema but no desk set up yet.
            drop(Store::open(path.as_ref(), Sources::default()).unwrap());
            let c = rusqlite::Connection::open(path.as_ref()).unwrap();
            c.execute_batch("DELETE FROM settings; DELETE FROM code_prefixes; DELETE FROM devices;").unwrap();
        }
        let opened: Vec<_> = (0..4)
            .map(|_| {
                let path = Arc::clone(&path);
                // One at a time has the desk open to write: the others are told it is in use
                // (never "database is locked") and try again, as the app does.
                std::thread::spawn(move || loop {
                    match Store::open(path.as_ref(), Sources::default()) {
                        Err(frontdesk_core::CoreError::Conflict { code, .. }) if code == "desk_in_use" => {
                            std::thread::sleep(std::time::Duration::from_millis(5))
                        }
                        other => break other.map(|s| s.desk().code_prefix),
                    }
                })
            })
            .collect();
        let prefixes: Vec<String> = opened.into_iter().map(|t| t.join().unwrap().expect("open")).collect();
        // One desk, set up once: everyone sees the same device prefix.
        assert!(prefixes.windows(2).all(|w| w[0] == w[1]), "{prefixes:?}");
    }
}

/// A database from a newer Frontdesk is refused with a message that says what to do, and is
/// left as it was.
#[test]
fn a_database_from_a_newer_version_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    drop(Store::open(&path, Sources::default()).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    match Store::open(&path, Sources::default()) {
        Err(frontdesk_core::CoreError::Storage { message }) => {
            assert!(message.contains("newer Frontdesk"), "{message}")
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("opened a database of a newer schema"),
    }
    let v: i64 = rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 99);
}

/// The migration that rebuilt the email search index (prefixes of one to three letters) fills
/// it from the customers already there: a desk upgraded from the previous version finds them
/// by email fragments as before.
#[test]
fn upgrading_refills_the_email_search_index() {
    use frontdesk_core::search::SearchRequest;
    let (_dir, path) = demo_desk_file();
    let emails: Vec<String> = {
        // The previous version's email index, and its schema version.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("DROP TABLE customer_email_fts;
             DROP TABLE customer_phone4_fts;
             CREATE VIRTUAL TABLE customer_email_fts USING fts5(keys, content='', prefix='1', tokenize='unicode61 remove_diacritics 0');
             DROP TABLE customer_email_pairs_fts;
             {} PRAGMA user_version = 4;", older_schema::drop_added_columns()))
        .unwrap();
        let mut st = c.prepare("SELECT email FROM customers WHERE email IS NOT NULL ORDER BY seq LIMIT 40").unwrap();
        let rows = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        rows
    };
    let store = Store::open(&path, Sources::default()).unwrap();
    let v: i64 = store.read(|r| Ok(r.conn().query_row("PRAGMA user_version", [], |x| x.get(0))?)).unwrap();
    assert!(v >= 5);
    for email in &emails {
        // The address up to the first letter of its domain: a fragment, not the whole address.
        let at = email.find('@').unwrap();
        let fragment = &email[..at + 2];
        let page = store.search(&SearchRequest { limit: 500, ..SearchRequest::new(fragment) }).unwrap();
        assert!(page.hits.iter().any(|h| h.email.as_deref() == Some(email.as_str())), "{fragment} finds {email}");
    }
}

/// The migration that rebuilt every search table (phone pieces, no per-row sizes) fills them
/// from the customers already there: after upgrading, every customer is found by name, by a
/// three-, four- and six-digit phone fragment and by an email fragment, and by nothing else.
#[test]
fn upgrading_refills_every_search_index() {
    use frontdesk_core::search::SearchRequest;
    let (_dir, path) = demo_desk_file();
    let customers: Vec<(String, String, String, String)> = {
        // The previous version's search tables (empty: the upgrade must not rely on them).
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("DROP TABLE customer_name_fts; DROP TABLE customer_phone_fts; DROP TABLE customer_phone4_fts; DROP TABLE customer_email_fts;
             CREATE VIRTUAL TABLE customer_name_fts USING fts5(keys, content='', detail=none, prefix='1 2 3 4 5 6 7 8', tokenize='unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE customer_phone_fts USING fts5(keys, content='', tokenize='trigram');
             CREATE VIRTUAL TABLE customer_email_fts USING fts5(keys, content='', prefix='1 2 3', tokenize='unicode61 remove_diacritics 0');
             DROP TABLE customer_email_pairs_fts;
             {} PRAGMA user_version = 6;", older_schema::drop_added_columns()))
        .unwrap();
        let mut st = c
            .prepare("SELECT code, last_name, phone_e164, email FROM customers WHERE email IS NOT NULL AND phone_e164 IS NOT NULL AND last_name <> '' ORDER BY seq LIMIT 40")
            .unwrap();
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows
    };
    assert_eq!(customers.len(), 40);
    let store = Store::open(&path, Sources::default()).unwrap();
    let v: i64 = store.read(|r| Ok(r.conn().query_row("PRAGMA user_version", [], |x| x.get(0))?)).unwrap();
    assert!(v >= 7);
    let finds = |query: &str, code: &str| {
        let page = store.search(&SearchRequest { limit: 500, ..SearchRequest::new(query) }).unwrap();
        assert!(page.hits.iter().any(|h| h.code == code), "{query} finds {code}");
        page.total
    };
    for (code, last, phone, email) in &customers {
        finds(last, code);
        // Digits near the number's end, as a receptionist reads them off a card (not starting
        // with 0, which could be read as a trunk or international prefix).
        for n in [3, 4, 6] {
            let fragment = (1..=phone.len() - n).rev().map(|i| &phone[i..i + n]).find(|f| !f.starts_with('0')).unwrap();
            finds(fragment, code);
        }
        finds(&email[..email.find('@').unwrap() + 2], code);
    }
    assert_eq!(store.search(&SearchRequest::new("zzqxv")).unwrap().total, 0);
}

/// Upgrading a desk indexed before word pairs existed refills the name table with them and
/// fills the new email pairs table: every customer is then found by a longer word beside one-
/// and two-letter ones, by three letters of each name, and by an email fragment of a short
/// word and the start of the next (what the pairs answer); a made-up pair finds no one.
#[test]
fn upgrading_adds_word_pairs_to_the_search_index() {
    use frontdesk_core::normalize::{fold, name_keys};
    use frontdesk_core::search::SearchRequest;
    let (_dir, path) = demo_desk_file();
    let customers: Vec<(String, String, String, Option<String>)> = {
        // The name table as the previous version wrote it: words only; no email pairs.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("DROP TABLE customer_name_fts;
             CREATE VIRTUAL TABLE customer_name_fts USING fts5(keys, content='', columnsize=0, detail=none, prefix='1 2 3 4 5 6 7 8 9 10 11', tokenize='unicode61 remove_diacritics 2');
             DROP TABLE customer_email_pairs_fts;
             {} PRAGMA user_version = 8;", older_schema::drop_added_columns()))
        .unwrap();
        let mut st = c
            .prepare(
                "SELECT seq, code, first_name, last_name, email FROM customers WHERE archived_at IS NULL ORDER BY seq",
            )
            .unwrap();
        let rows: Vec<(i64, String, String, String, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (seq, _, first, last, email) in &rows {
            c.execute(
                "INSERT INTO customer_name_fts(rowid, keys) VALUES (?1, ?2)",
                rusqlite::params![seq, name_keys(first, last, email.as_deref())],
            )
            .unwrap();
        }
        rows.into_iter()
            .filter(|r| fold(&r.2).chars().count() >= 4 && fold(&r.3).chars().count() >= 3)
            .take(40)
            .map(|(_, code, first, last, email)| (code, fold(&first), fold(&last), email))
            .collect()
    };
    assert_eq!(customers.len(), 40);
    let store = Store::open(&path, Sources::default()).unwrap();
    let v: i64 = store.read(|r| Ok(r.conn().query_row("PRAGMA user_version", [], |x| x.get(0))?)).unwrap();
    assert!(v >= 9);
    let finds = |query: &str, code: &str| {
        let page = store.search(&SearchRequest { limit: 500, ..SearchRequest::new(query) }).unwrap();
        assert!(page.hits.iter().any(|h| h.code == code), "{query} finds {code}");
    };
    let start = |w: &str, n: usize| w.chars().take(n).collect::<String>();
    let mut emails = 0;
    for (code, first, last, email) in &customers {
        finds(&format!("{first} {} {}", start(last, 1), start(last, 2)), code);
        finds(&format!("{} {}", start(first, 3), start(last, 3)), code);
        // `j.hal`: a one-letter word of the address, then the start of the next.
        let words = email.as_deref().map(frontdesk_core::normalize::email_words).unwrap_or_default();
        let words: Vec<&str> = words.split(' ').collect();
        if let Some(w) = words.windows(2).find(|w| w[0].chars().count() == 1 && w[1].chars().count() >= 3) {
            finds(&format!("{}.{}", w[0], start(w[1], 3)), code);
            emails += 1;
        }
    }
    assert!(emails >= 5, "{emails} addresses with a one-letter word");
    assert_eq!(store.search(&SearchRequest::new("zzq xv")).unwrap().total, 0);
    assert_eq!(store.search(&SearchRequest::new("q.zzx")).unwrap().total, 0);
}

#[test]
fn upgrading_indexes_names_with_an_apostrophe_written_together() {
    use frontdesk_core::normalize::{fold, name_keys, name_pairs};
    use frontdesk_core::search::SearchRequest;
    let (_dir, path) = demo_desk_file();
    {
        let store = Store::open(&path, Sources::default()).unwrap();
        let mut input = frontdesk_core::customers::CustomerInput {
            first_name: "Aoife".into(),
            last_name: "O'Sullivan".into(),
            ..Default::default()
        };
        input.email = Some("aoife.os@example.ie".into());
        store.create_customer(&frontdesk_core::customers::Actor::new("test"), &input).unwrap();
    }
    let apostrophes: i64 = {
        // The name table as the previous version wrote it: no names written together.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!(
            "INSERT INTO customer_name_fts(customer_name_fts) VALUES ('delete-all'); {} PRAGMA user_version = 9;",
            older_schema::drop_added_columns()
        ))
        .unwrap();
        let mut st =
            c.prepare("SELECT seq, first_name, last_name, email FROM customers WHERE archived_at IS NULL").unwrap();
        let rows: Vec<(i64, String, String, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for (seq, first, last, email) in &rows {
            let words: Vec<String> = name_keys(first, last, email.as_deref())
                .split(' ')
                .filter(|w| {
                    !w.is_empty() && !fold(&last.replace('\'', "")).split(' ').any(|j| j == *w && last.contains('\''))
                })
                .map(String::from)
                .collect();
            let keys = format!("{} {}", words.join(" "), name_pairs(&words.join(" ")));
            c.execute("INSERT INTO customer_name_fts(rowid, keys) VALUES (?1, ?2)", rusqlite::params![seq, keys])
                .unwrap();
        }
        rows.iter().filter(|r| r.2.contains('\'')).count() as i64
    };
    let store = Store::open(&path, Sources::default()).unwrap();
    assert!(apostrophes >= 2, "{apostrophes} names with an apostrophe");
    let page = store.search(&SearchRequest { limit: 500, ..SearchRequest::new("osullivan") }).unwrap();
    assert!(page.hits.iter().any(|h| h.display_name == "Aoife O'Sullivan"), "{:?}", page.hits);
    // Every customer with an apostrophe in the last name is found by it written together.
    let with: Vec<(String, String)> = store
        .read(|r| {
            let mut st = r
                .conn()
                .prepare("SELECT code, last_name FROM customers WHERE last_name LIKE '%''%' AND archived_at IS NULL")?;
            let rows = st.query_map([], |x| Ok((x.get(0)?, x.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(with.len() as i64, apostrophes);
    for (code, last) in with {
        let q = last.replace('\'', "");
        let page = store.search(&SearchRequest { limit: 500, ..SearchRequest::new(&q) }).unwrap();
        assert!(page.hits.iter().any(|h| h.code == code), "{q} finds {code}");
    }
    assert_eq!(store.search(&SearchRequest::new("aoife o sul")).unwrap().hits.len(), 1);
}

#[test]
fn another_applications_database_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photos.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)")
        .unwrap();
    match Store::open(&path, Sources::default()) {
        Err(frontdesk_core::CoreError::Storage { message }) => {
            assert!(message.contains("not a Frontdesk database") && message.contains("photos"), "{message}")
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("opened another application's database"),
    }
    let c = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1, "nothing was added");
}

#[test]
fn a_closed_desk_is_whole_in_its_database_file() {
    let (dir, path) = demo_desk_file();
    // Closed: the write-ahead log was written back and removed, so a copy of the file alone
    // (a backup, a USB stick) holds every customer.
    assert!(!dir.path().join("desk.db-wal").exists());
    let copy = dir.path().join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    let n: i64 = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 300);
}

/// A database file with 300 demo customers (closed again), in a temp folder kept while the
/// returned guard lives.
fn demo_desk_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let store = Store::open(&path, Sources::default()).unwrap();
    frontdesk_core::seed::seed(&store, 300, 4, &mut |_| {}).unwrap();
    (dir, path)
}

/// A desk in a folder whose name has characters with a meaning in URIs (and non-ASCII ones)
/// opens read-only beside its writer, which keeps it to itself.
#[test]
fn a_desk_at_an_unusual_path_is_read_beside_its_writer() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Zoë's #1 ?50% salon");
    let path = folder.join("desk.db");
    let store = Store::open(&path, Sources::default()).unwrap();
    let input = frontdesk_core::customers::CustomerInput {
        first_name: "Aoife".into(),
        last_name: "Byrne".into(),
        ..Default::default()
    };
    let created = store.create_customer(&frontdesk_core::customers::Actor::new("test"), &input).unwrap();
    match Store::open(&path, Sources::default()) {
        Err(frontdesk_core::CoreError::Conflict { code, message }) => {
            assert_eq!(code, "desk_in_use");
            assert!(message.contains(&std::process::id().to_string()), "{message}");
        }
        other => panic!("a second writer: {:?}", other.map(|_| ())),
    }
    let reader = Store::open_read_only(&path, Sources::default()).unwrap();
    assert!(!reader.is_writable());
    assert_eq!(reader.customer(&created.code).unwrap().first_name, "Aoife");
    let refused = reader.create_customer(&frontdesk_core::customers::Actor::new("test"), &input);
    assert!(matches!(refused, Err(frontdesk_core::CoreError::Conflict { ref code, .. }) if code == "desk_in_use"));
    drop(reader);
    drop(store);
    // Free again once the writer closed.
    drop(Store::open(&path, Sources::default()).unwrap());
}

/// A desk from before orders kept their points rate, refunds their method and cancellations
/// counted only the customer's: it opens with the two columns added and every customer's
/// cancellations recounted, so the running stats agree with a recomputation.
#[test]
fn upgrading_counts_only_the_customers_own_cancellations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    {
        let store = Store::open(&path, Sources::default()).unwrap();
        frontdesk_core::seed::seed_demo(&store, 300, 7, 6.0, &mut |_, _| {}).unwrap();
    }
    let by_us: i64 = {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("{}
             UPDATE customers SET cancellations = (SELECT count(*) FROM appointments a WHERE a.customer_seq = customers.seq AND a.status = 4);
             PRAGMA user_version = 10;", older_schema::drop_added_columns()))
        .unwrap();
        c.query_row("SELECT count(*) FROM appointments WHERE status = 4 AND cancelled_by = 'business'", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert!(by_us > 0, "the demo history has cancellations by the business");
    let store = Store::open(&path, Sources::default()).unwrap();
    assert!(store.audit_stats(None).unwrap().is_empty());
    let counted: i64 =
        store.read(|r| Ok(r.conn().query_row("SELECT sum(cancellations) FROM customers", [], |x| x.get(0))?)).unwrap();
    let own: i64 = store
        .read(|r| {
            Ok(r.conn().query_row(
                "SELECT count(*) FROM appointments WHERE status = 4 AND cancelled_by = 'customer'",
                [],
                |x| x.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(counted, own);
    store
        .read(|r| {
            Ok(r.conn().query_row(
                "SELECT (SELECT count(points_rate) FROM orders) + (SELECT count(method) FROM refunds)",
                [],
                |x| x.get::<_, i64>(0),
            )?)
        })
        .unwrap();
}
