//! The arrows between the top-level modules of each crate (the core, the CLI, the app's shell)
//! go one way: a lower layer never uses a higher one, so no two modules reach each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The top-level modules each source file of `src/` names through `crate::` (tests aside).
fn graph(src: &Path) -> Graph {
    let mut g = Graph::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
            let from = first.trim_end_matches(".rs").to_string();
            if from == "lib" || from == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Comments (doc comments name other modules in links) and tests aside.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for to in named(&code) {
                if to != from {
                    g.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    g
}

/// The modules after `crate::`, in paths and in `use crate::{a, b::c}` lists.
fn named(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            // Names at the list's own depth.
            let mut depth = 0;
            let mut at_start = true;
            for (j, c) in list.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_start = true,
                    c if c.is_whitespace() => {}
                    _ if at_start && depth == 0 => {
                        out.insert(ident(&list[j..]));
                        at_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out.retain(|n| !n.is_empty() && n.chars().next().is_some_and(|c| c.is_lowercase()));
    out
}

/// Edges that lie on a cycle: `a -> b` where `b` reaches `a` again.
fn cyclic_edges(g: &Graph) -> BTreeSet<(String, String)> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                todo.extend(g.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    g.iter().flat_map(|(a, bs)| bs.iter().map(move |b| (a.clone(), b.clone()))).filter(|(a, b)| reaches(b, a)).collect()
}

#[test]
fn no_cycle_between_the_modules_of_a_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in ["src", "../frontdesk-cli/src", "../frontdesk-bench/src", "../../src-tauri/src"] {
        let dir = root.join(src);
        assert!(dir.is_dir(), "{} is missing: the check would pass without reading it", dir.display());
        let cycles: Vec<String> = cyclic_edges(&graph(&dir)).into_iter().map(|(a, b)| format!("{a} -> {b}")).collect();
        assert!(
            cycles.is_empty(),
            "arrows on a cycle between the modules of {src} (a lower layer must not use a higher one; see ARCHITECTURE.md): {cycles:?}"
        );
    }
}

#[test]
fn the_reader_finds_every_form_of_a_path() {
    let n = named("use crate::a::X;\nuse crate::{b::{C, D}, c, d::e::F};\nlet x = crate::e::f(crate::g::H);\n");
    assert_eq!(n.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "d", "e", "g"]);
    let mut g = Graph::new();
    for (a, b) in [("x", "y"), ("y", "z"), ("z", "x"), ("z", "w")] {
        g.entry(a.into()).or_default().insert(b.into());
    }
    let cyc: Vec<_> = cyclic_edges(&g).into_iter().map(|(a, b)| format!("{a}{b}")).collect();
    assert_eq!(cyc, ["xy", "yz", "zx"]);
}

#[test]
fn the_shared_domain_needs_no_desk_store() {
    // What a sync server links: no SQLite store (rusqlite only as an option), no search, phone
    // metadata, CSV or seeding, and never the desk's core.
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontdesk-domain/Cargo.toml"))
            .expect("the domain crate's manifest");
    let deps: Vec<&str> = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains('='))
        .collect();
    assert!(!deps.is_empty(), "no dependencies read from the manifest");
    for dep in &deps {
        let name = dep.split(['=', '.']).next().unwrap_or("").trim();
        assert!(
            !["frontdesk-core", "phonenumber", "regex-cache", "csv", "rand", "unicode-normalization"].contains(&name),
            "the domain crate must not depend on {name}"
        );
        if name == "rusqlite" {
            assert!(dep.contains("optional = true"), "rusqlite must stay optional in the domain crate: {dep}");
        }
    }
}
