//! Branches after they are made: rename (the first one too), archive only when empty, move
//! customers in bulk by selection or by filter, each move on the timeline and in the outbox.

mod common;

use frontdesk_core::branches::{MoveReport, Movers};
use frontdesk_core::search::{SearchFilter, SearchRequest};
use frontdesk_core::CoreError;

fn code(e: CoreError) -> String {
    match e {
        CoreError::Validation { code, .. } | CoreError::Conflict { code, .. } => code,
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn the_first_branch_can_be_renamed_and_names_stay_distinct() {
    let d = common::desk();
    let main = d.store.desk().branch_id;
    let renamed = d.store.rename_branch(main, "  Leeds City  ").unwrap();
    assert_eq!(renamed.name, "Leeds City");
    assert_eq!(d.store.branches().unwrap().iter().find(|b| b.id == main).unwrap().name, "Leeds City");
    let york = d.store.add_branch("york", "York").unwrap();
    assert_eq!(code(d.store.add_branch("leeds", "LEEDS CITY").unwrap_err()), "taken");
    assert_eq!(code(d.store.rename_branch(york.id, "leeds city").unwrap_err()), "taken");
    assert_eq!(code(d.store.rename_branch(york.id, " ").unwrap_err()), "required");
    assert_eq!(code(d.store.rename_branch(frontdesk_core::ids::BranchId(999), "X").unwrap_err()), "unknown_branch");
    // A customer's branch shows the new name.
    let c = d.add("Ada", "Lovelace", None, None);
    let hit = d.store.search(&SearchRequest::new("Lovelace")).unwrap().hits.remove(0);
    assert_eq!((hit.id, hit.branch.as_str()), (c.id, "Leeds City"));
}

#[test]
fn only_an_empty_branch_that_is_not_the_desks_is_archived() {
    let d = common::desk();
    let main = d.store.desk().branch_id;
    let york = d.store.add_branch("york", "York").unwrap();
    let c = d.add("Ada", "Lovelace", None, None);
    assert_eq!(code(d.store.archive_branch(main).unwrap_err()), "desk_branch");
    d.store.move_customers(&common::me(), &Movers::Ids(vec![c.id]), york.id).unwrap();
    d.store.archive_customer(&common::me(), c.id).unwrap();
    // An archived customer still names the branch.
    let e = d.store.archive_branch(york.id).unwrap_err();
    assert!(e.to_string().contains("1 of them archived"), "{e}");
    d.store.move_customers(&common::me(), &Movers::Ids(vec![c.id]), main).unwrap();
    d.store.archive_branch(york.id).unwrap();
    assert!(d.store.branches().unwrap().iter().all(|b| b.id != york.id));
    // Archived: no longer a place to move anyone to, and its name is free again.
    assert_eq!(
        code(d.store.move_customers(&common::me(), &Movers::Ids(vec![c.id]), york.id).unwrap_err()),
        "unknown_branch"
    );
    d.store.add_branch("york-2", "York").unwrap();
}

#[test]
fn customers_move_by_selection_or_by_filter_with_history() {
    let d = common::desk();
    let main = d.store.desk().branch_id;
    let york = d.store.add_branch("york", "York").unwrap();
    let people: Vec<_> =
        (0..1_203).map(|i| d.add(&format!("P{i}"), if i % 3 == 0 { "Smith" } else { "Jones" }, None, None)).collect();
    let before = d.count("SELECT COUNT(*) FROM outbox");
    // By selection: two people, one asked for twice.
    let r = d
        .store
        .move_customers(&common::me(), &Movers::Ids(vec![people[1].id, people[2].id, people[2].id]), york.id)
        .unwrap();
    assert_eq!(r, MoveReport { moved: 2, already_there: 1 });
    let timeline = d.store.timeline(people[1].id, None, 10).unwrap();
    assert_eq!(timeline[0].kind, "updated");
    assert_eq!(timeline[0].changes[0].field, "branch_id");
    assert_eq!(timeline[0].changes[0].new, serde_json::json!(york.id));
    assert_eq!(d.count("SELECT COUNT(*) FROM outbox") - before, 2);
    // By filter: every Smith in Main (401 of them, more than a page or a batch).
    let smiths = SearchRequest {
        query: "Smith".into(),
        filter: SearchFilter { branch: Some(main), ..Default::default() },
        ..Default::default()
    };
    let r = d.store.move_customers(&common::me(), &Movers::Matching(smiths.clone()), york.id).unwrap();
    assert_eq!(r, MoveReport { moved: 401, already_there: 0 });
    let in_york = SearchRequest {
        filter: SearchFilter { branch: Some(york.id), ..Default::default() },
        limit: 1,
        ..Default::default()
    };
    assert_eq!(d.store.search(&in_york).unwrap().total, 403);
    assert_eq!(d.store.search(&smiths).unwrap().total, 0);
    // Everyone left in Main, by an empty query with the branch filter.
    let rest =
        SearchRequest { filter: SearchFilter { branch: Some(main), ..Default::default() }, ..Default::default() };
    let r = d.store.move_customers(&common::me(), &Movers::Matching(rest), york.id).unwrap();
    assert_eq!(r.moved, 1_203 - 403);
    assert_eq!(d.store.search(&in_york).unwrap().total, 1_203);
    d.store.archive_branch(main).unwrap_err(); // still the desk's branch
    assert_eq!(
        code(
            d.store
                .move_customers(&common::me(), &Movers::Ids(vec![people[0].id]), frontdesk_core::ids::BranchId(77))
                .unwrap_err()
        ),
        "unknown_branch"
    );
}

#[test]
fn an_archived_branch_comes_back_rather_than_being_made_twice() {
    let d = common::desk();
    let wakefield = d.store.add_branch("wakefield", "Wakefield").unwrap();
    d.store.archive_branch(wakefield.id).unwrap();
    assert_eq!(d.store.archived_branches().unwrap().iter().map(|b| b.id).collect::<Vec<_>>(), [wakefield.id]);
    // Adding it again by hand says where it is.
    let e = d.store.add_branch("wakefield", "Wakefield").unwrap_err();
    assert!(e.to_string().contains("archived"), "{e}");
    // A file naming it: the preview says it is archived; the import restores it.
    let path = d.dir.path().join("clients.csv");
    std::fs::write(&path, "First Name,Location\nAnn,Wakefield\n").unwrap();
    let opts = frontdesk_core::import::ImportOptions::default();
    let p = frontdesk_core::import::preview(&d.store, &path, &opts).unwrap();
    assert!(p.branches[0].archived && p.branches[0].existing.is_none(), "{:?}", p.branches);
    let r = frontdesk_core::import::import_csv(&d.store, &path, &opts, &mut |_, _| {}).unwrap();
    assert_eq!(r.new_branches, ["Wakefield (restored)"]);
    let live: Vec<_> = d.store.branches().unwrap().into_iter().map(|b| b.code).collect();
    assert_eq!(live, ["main", "wakefield"], "no wakefield-2");
    // Restored by hand: refused while a live branch has its name.
    d.store
        .move_customers(&common::me(), &Movers::Matching(SearchRequest::default()), d.store.desk().branch_id)
        .unwrap();
    d.store.archive_branch(wakefield.id).unwrap();
    let other = d.store.add_branch("wf", "Wakefield").unwrap();
    assert_eq!(code(d.store.restore_branch(wakefield.id).unwrap_err()), "taken");
    d.store.rename_branch(other.id, "Wakefield Westgate").unwrap();
    assert_eq!(d.store.restore_branch(wakefield.id).unwrap().name, "Wakefield");
    assert_eq!(code(d.store.restore_branch(wakefield.id).unwrap_err()), "not_archived");
}
