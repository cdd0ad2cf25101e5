//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask codegen`: regenerates `generated-client/` from `spec/openapi.yaml`;
//! - `cargo xtask codegen --check`: fails when the committed crate is not what the
//!   generator makes.

use std::process::ExitCode;

use xtask::{Mode, Target};

const USAGE: &str = "usage: cargo xtask codegen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => Mode::Write,
        ["codegen", "--check"] => Mode::Check,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let target = Target::jobs_client(&xtask::workspace_root());
    match xtask::codegen(&target, mode) {
        Ok(changes) => {
            report(&changes, mode);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
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
