//! Random and mutated specs fed to the generator: whatever comes in, it answers with files
//! or with problems, and never panics; and every crate it makes is laid out as prettyplease
//! prints it, whatever the names and types the spec brings.
//!
//! Inputs are mutations of the project's spec and the fixture specs: at the text level
//! (lines dropped, doubled or swapped, characters and YAML tokens thrown in, text cut
//! short), at the document level (values replaced by odd ones, keys renamed to awkward
//! names, parts removed or copied elsewhere), and plain random bytes. A fixed seed makes a
//! run repeatable. `FUZZ_INPUTS` sets the count (100 000 unless set) and `FUZZ_SEED` the
//! seed, for longer runs:
//!
//! ```text
//! FUZZ_INPUTS=2000000 FUZZ_SEED=7 cargo test --release -p workspace-tests fuzz -- --nocapture
//! ```
//!
//! The run's counts go to `<target>/fuzz/summary`, which `cargo xtask test` prints; an input
//! that panics is kept in `<target>/fuzz/panic-N.yaml`.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};

use openapi_clientgen::format::check_layout;
use openapi_clientgen::{Config, generate};
use serde_json::{Map, Value};

/// YAML tokens and snippets that are likely to reach unusual corners of the generator.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    "- ",
    "? ",
    "&a ",
    "*a",
    "!!binary ",
    "~",
    "null",
    "''",
    "\"\\u0000\"",
    "\t",
    "1e999",
    "-1",
    "0x1F",
    "true",
    "$ref: '#/components/schemas/Missing'",
    "$ref: '#/components/schemas/ErrorBody'",
    "type: object",
    "type: array",
    "type: integer",
    "enum: []",
    "oneOf: []",
    "allOf: []",
    "nullable: true",
    "format: date-time",
    "items: {}",
    "additionalProperties: true",
    "required: [x]",
    "in: cookie",
    "in: path",
    "{jobId}",
    "/{",
];

/// Names that do not map cleanly onto Rust.
const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "ref",
    "Client",
    "Error",
    "Result",
    "Region",
    "1st",
    "",
    "+1",
    "in-progress",
    "ÄÖÜ",
    "a/b",
    "~0",
    "x y",
    "_",
    "__",
    "r#type",
    "async",
    "fn",
];

/// A small, fast, seedable generator: SplitMix64.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The specs the mutations start from, as text and as documents.
fn seeds() -> Vec<(String, Value)> {
    let root = xtask::workspace_root();
    let mut paths = vec![root.join("spec/openapi.yaml")];
    let mut fixtures: Vec<_> = fs::read_dir(root.join("tests/fixtures"))
        .expect("the fixtures read")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    fixtures.sort();
    paths.extend(fixtures);
    paths
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a seed reads");
            let document = yaml_serde::from_str(&text).expect("a seed is YAML");
            (text, document)
        })
        .collect()
}

/// One text-level mutation of `text`.
fn mutate_text(random: &mut Random, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = random.below(lines.len());
    match random.below(6) {
        0 => {
            lines.remove(at);
        }
        1 => {
            let copy = lines[random.below(lines.len())].clone();
            lines.insert(at, copy);
        }
        2 => {
            let other = random.below(lines.len());
            lines.swap(at, other);
        }
        3 => {
            let line = &mut lines[at];
            let cut = (0..=line.len())
                .filter(|&i| line.is_char_boundary(i))
                .nth(random.below(line.len() + 1))
                .unwrap_or(0);
            let token = TOKENS[random.below(TOKENS.len())];
            line.insert_str(cut, token);
        }
        4 => {
            let indent = " ".repeat(random.below(5));
            lines[at] = format!("{indent}{}", lines[at].trim_start());
        }
        _ => lines.truncate(at),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// One document-level mutation of `node`, `depth` levels down a random way.
fn mutate_document(random: &mut Random, node: &mut Value, depth: usize) {
    if depth > 0 {
        let child = match node {
            Value::Object(map) if !map.is_empty() => {
                let index = random.below(map.len());
                map.values_mut().nth(index)
            }
            Value::Array(items) if !items.is_empty() => {
                let index = random.below(items.len());
                items.get_mut(index)
            }
            _ => None,
        };
        if let Some(child) = child {
            return mutate_document(random, child, depth - 1);
        }
    }
    match (random.below(5), node) {
        (0, Value::Object(map)) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(random.below(map.len()))
                .cloned()
                .unwrap_or_default();
            map.remove(&key);
        }
        (1, Value::Object(map)) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(random.below(map.len()))
                .cloned()
                .unwrap_or_default();
            if let Some(value) = map.remove(&key) {
                map.insert((*random.pick(NAMES)).to_owned(), value);
            }
        }
        (2, Value::Object(map)) => {
            let index = random.below(map.len().max(1));
            let copy = map.values().nth(index).cloned().unwrap_or(Value::Null);
            map.insert(format!("{}{}", random.pick(NAMES), random.below(3)), copy);
        }
        (3, Value::Array(items)) => items.clear(),
        (_, node) => *node = odd_value(random),
    }
}

/// A value of a kind a spec may not expect there.
fn odd_value(random: &mut Random) -> Value {
    match random.below(8) {
        0 => Value::Null,
        1 => Value::Bool(random.below(2) == 0),
        2 => Value::from(random.next() as i64),
        3 => Value::from(-1.5e300),
        4 => Value::String((*random.pick(NAMES)).to_owned()),
        5 => Value::Array(vec![Value::String((*random.pick(NAMES)).to_owned())]),
        6 => Value::Object(Map::new()),
        _ => {
            serde_json::json!({ "type": "object", "properties": { *random.pick(NAMES): { "type": "string" } } })
        }
    }
}

/// Random bytes, as text.
fn noise(random: &mut Random) -> String {
    let bytes: Vec<u8> = (0..random.below(200))
        .map(|_| random.next() as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What one run saw.
#[derive(Default)]
struct Counts {
    inputs: u64,
    generated: u64,
    refused: u64,
    panics: u64,
    misprinted: u64,
}

#[test]
fn no_spec_makes_the_generator_panic() {
    let inputs: u64 = std::env::var("FUZZ_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let seeds = seeds();
    let config = Config::new("fuzzed", "0.1.0");
    let report = xtask::target_dir(&xtask::workspace_root()).join("fuzz");
    fs::create_dir_all(&report).expect("the report folder is made");
    let mut random = Random(seed);
    let mut counts = Counts::default();

    for _ in 0..inputs {
        let (text, document) = random.pick(&seeds);
        let input = match random.below(10) {
            0..=4 => mutate_text(&mut random, text),
            5..=8 => {
                let mut document = document.clone();
                for _ in 0..=random.below(3) {
                    let depth = random.below(8);
                    mutate_document(&mut random, &mut document, depth);
                }
                serde_json::to_string(&document).expect("a document prints")
            }
            _ => noise(&mut random),
        };
        counts.inputs += 1;
        match catch_unwind(AssertUnwindSafe(|| generate(&input, &config))) {
            Ok(Ok(files)) => {
                counts.generated += 1;
                if let Err(difference) = check_layout(&files) {
                    counts.misprinted += 1;
                    let kept = report.join(format!("misprinted-{}.yaml", counts.misprinted));
                    fs::write(kept, &input).expect("the input is kept");
                    eprintln!("{difference}");
                }
            }
            Ok(Err(problems)) => {
                assert!(
                    !problems.0.is_empty(),
                    "a refusal names at least one problem"
                );
                counts.refused += 1;
            }
            Err(_) => {
                counts.panics += 1;
                let kept = report.join(format!("panic-{}.yaml", counts.panics));
                fs::write(kept, &input).expect("the input is kept");
            }
        }
    }

    let summary = format!(
        "{} inputs, {} crates generated, {} refused with problems, {} panics, {} crates not \
         as prettyplease prints them (seed {seed})",
        counts.inputs, counts.generated, counts.refused, counts.panics, counts.misprinted
    );
    fs::write(report.join("summary"), &summary).expect("the summary writes");
    println!("fuzz: {summary}");
    assert_eq!(
        counts.panics,
        0,
        "{summary}; the inputs are in {}",
        report.display()
    );
    assert_eq!(
        counts.misprinted,
        0,
        "{summary}; the inputs are in {}",
        report.display()
    );
    assert!(
        counts.generated > 0 && counts.refused > 0,
        "the mutations reach both outcomes: {summary}"
    );
}
