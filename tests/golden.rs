//! Golden files: the generator's whole output for small fixture specs, kept in
//! `tests/golden/`. A change to the output shows up as a diff in review.
//!
//! After a deliberate change, refresh them with
//! `UPDATE_GOLDEN=1 cargo test -p workspace-tests golden`.

use std::fs;
use std::path::Path;

use openapi_clientgen::format::check_layout;
use openapi_clientgen::{Config, generate};

/// Generates `fixture` and compares the output, all files in one text, with its golden.
fn check(fixture: &str) {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec_path = format!("tests/fixtures/{fixture}.yaml");
    let spec = fs::read_to_string(tests.join("fixtures").join(format!("{fixture}.yaml")))
        .expect("the fixture reads");
    let mut config = Config::new(format!("{fixture}-client"), "0.1.0");
    config.spec_path = spec_path;
    let files = generate(&spec, &config).unwrap_or_else(|problems| panic!("{problems}"));
    check_layout(&files).unwrap_or_else(|difference| panic!("{difference}"));
    let actual: String = files
        .iter()
        .map(|file| format!("==> {} <==\n{}", file.path, file.contents))
        .collect::<Vec<_>>()
        .join("\n");

    let golden = tests.join("golden").join(format!("{fixture}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &actual).expect("the golden writes");
        return;
    }
    let expected = fs::read_to_string(&golden).unwrap_or_default();
    if expected != actual {
        let line = first_difference(&expected, &actual);
        panic!(
            "the output for {fixture} differs from {} from line {line} on; if the change is \
             meant, run `UPDATE_GOLDEN=1 cargo test -p workspace-tests golden` and review \
             the diff",
            golden.display()
        );
    }
}

fn first_difference(expected: &str, actual: &str) -> usize {
    let mut lines = expected.lines().zip(actual.lines());
    lines.position(|(a, b)| a != b).map_or_else(
        || expected.lines().count().min(actual.lines().count()) + 1,
        |index| index + 1,
    )
}

#[test]
fn pets() {
    check("pets");
}

#[test]
fn names() {
    check("names");
}

#[test]
fn refs() {
    check("refs");
}
