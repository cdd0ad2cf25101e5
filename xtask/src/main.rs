//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask codegen`: regenerates `generated-client/` from `spec/openapi.yaml`;
//! - `cargo xtask codegen --check`: fails when the committed crate is not what the
//!   generator makes;
//! - `cargo xtask test`: installs the pinned npm tools when missing, lints the spec, runs
//!   every test, and prints the counts of the Prism suite.

use std::process::ExitCode;

use xtask::{Mode, Target};

const USAGE: &str = "usage: cargo xtask codegen [--check] | cargo xtask test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => codegen(&Target::jobs_client(&root), Mode::Write),
        ["codegen", "--check"] => codegen(&Target::jobs_client(&root), Mode::Check),
        ["test"] => test(&root),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn codegen(target: &Target, mode: Mode) -> ExitCode {
    match xtask::codegen(target, mode) {
        Ok(changes) => {
            report(&changes, mode);
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

fn report(changes: &xtask::Changes, mode: Mode) {
    if mode == Mode::Check {
        println!("generated-client/ is up to date");
        return;
    }
    for path in &changes.written {
        println!("wrote generated-client/{path}");
    }
    for path in &changes.removed {
        println!("removed generated-client/{path}");
    }
    if changes.is_empty() {
        println!("generated-client/ was already up to date");
    }
}

fn test(root: &std::path::Path) -> ExitCode {
    match xtask::run_tests(root) {
        Ok((counts, totals)) => {
            println!("prism: {counts}");
            println!("tests: {totals}");
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
