//! The fuzz targets over the committed corpus (`fuzz/corpus/<target>/`), then over a few
//! thousand random changes of it: a short version of the long `cargo fuzz` runs recorded in
//! docs/reliability.md, in the test command.

use std::path::PathBuf;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// A fuzz target: its name and what runs one input.
type Target = (&'static str, fn(&[u8]));

const TARGETS: &[Target] = &[
    ("csv_import", frontdesk_fuzz::csv_import),
    ("search_query", frontdesk_fuzz::search_query),
    ("contacts", frontdesk_fuzz::contacts),
    ("desk_command", frontdesk_fuzz::desk_command),
];

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// What libFuzzer does most: flip, insert, delete and copy bytes, splice two inputs.
fn mutate(rng: &mut SmallRng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = if v.is_empty() { 0 } else { rng.random_range(0..v.len()) };
        match rng.random_range(0..6) {
            0 if !v.is_empty() => v[at] ^= 1 << rng.random_range(0..8),
            1 => v.insert(at, rng.random()),
            2 if !v.is_empty() => {
                v.remove(at);
            }
            3 => {
                const SPECIAL: &[u8] = b"\",;\n\r\0\xff\xc3{}[]:'+@ ";
                v.insert(at, SPECIAL[rng.random_range(0..SPECIAL.len())])
            }
            4 if !other.is_empty() => {
                let from = rng.random_range(0..other.len());
                let n = rng.random_range(0..=(other.len() - from).min(16));
                v.splice(at..at, other[from..from + n].iter().copied());
            }
            _ => v.truncate(at),
        }
    }
    v
}

#[test]
fn targets_over_the_corpus_and_random_changes_of_it() {
    let runs: usize = std::env::var("FRONTDESK_FUZZ_SMOKE_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500);
    for (name, target) in TARGETS {
        let inputs = corpus(name);
        assert!(inputs.len() >= 5, "{name}: a corpus of at least five seeds");
        for input in &inputs {
            target(input);
        }
        let mut rng = SmallRng::seed_from_u64(0x5eed);
        for _ in 0..runs {
            let a = &inputs[rng.random_range(0..inputs.len())];
            let b = &inputs[rng.random_range(0..inputs.len())];
            target(&mutate(&mut rng, a, b));
        }
    }
}

// The window's commands, as the desktop shell lists them.
include!("../../../src-tauri/src/command_names.rs");

/// The commands' hand-written seeds (`*.json`; the rest of the corpus is what fuzzing kept) are
/// calls the window could make, so fuzzing starts deep inside them.
#[test]
fn command_seeds_are_calls() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/desk_command");
    let seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(seeds.len() >= 29, "a seed per command that takes data");
    for seed in seeds {
        let text = String::from_utf8_lossy(&seed);
        if let Err(e) = serde_json::from_slice::<frontdesk_fuzz::window::Call>(&seed) {
            panic!("{text}: {e}");
        }
    }
}

/// Every command the window may call is fuzzed, or listed as taking no data from it.
#[test]
fn every_window_command_with_data_is_fuzzed() {
    for name in COMMANDS {
        if frontdesk_fuzz::window::NOT_DATA.contains(name) {
            continue;
        }
        let probe = format!("{{\"cmd\": \"{name}\"}}");
        if let Err(e) = serde_json::from_str::<frontdesk_fuzz::window::Call>(&probe) {
            assert!(!e.to_string().contains("unknown variant"), "{name} is not fuzzed: {e}");
        }
    }
}
