//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask codegen`: regenerates `generated-client/` from `spec/openapi.yaml`;
//! - `cargo xtask codegen --check`: fails when the committed crate is not what the
//!   generator makes;
//! - `cargo xtask codegen --spec PATH --out DIR [--name CRATE] [--check]`: the same for any
//!   spec;
//! - `cargo xtask test`: installs the pinned npm tools when missing, lints the spec, runs
//!   every test, and prints the counts of the Prism suite and of the fuzz run;
//! - `cargo xtask synth [--operations N]... [--out DIR]`: writes synthetic specs shaped like
//!   the jobs API, of 30, 300 and 3,000 operations unless told otherwise;
//! - `cargo xtask compare [--operations N]... [--rounds R] [--check-operations N | --no-check]`:
//!   times this generator, progenitor and ploidy on those specs in one run, and `cargo check`
//!   of this generator's and progenitor's crates; see `BENCHMARKS.md`.

use std::process::ExitCode;

use xtask::{Mode, Target};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask codegen [--spec PATH --out DIR [--name CRATE]] [--check]
       cargo xtask test
       cargo xtask synth [--operations N]... [--out DIR]
       cargo xtask compare [--operations N]... [--rounds R] [--check-operations N | --no-check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen", options @ ..] => match xtask::codegen_request(&root, options) {
            Ok((target, mode)) => codegen(&target, mode),
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        ["test"] => test(&root),
        ["compare", options @ ..] => match xtask::comparison_request(options) {
            Ok(request) => match xtask::run_comparison(&root, &request) {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(message) => fail(&message),
            },
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        ["synth", options @ ..] => match xtask::synth_request(&root, options) {
            Ok((sizes, out)) => synth(&root, &sizes, &out),
            Err(message) => {
                eprintln!("error: {message}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn codegen(target: &Target, mode: Mode) -> ExitCode {
    match xtask::codegen(target, mode) {
        Ok(changes) => {
            report(target, &changes, mode);
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

fn report(target: &Target, changes: &xtask::Changes, mode: Mode) {
    let root = xtask::workspace_root();
    let out = target
        .out
        .strip_prefix(&root)
        .unwrap_or(&target.out)
        .display();
    if mode == Mode::Check {
        println!("{out}/ is up to date");
        return;
    }
    for path in &changes.written {
        println!("wrote {out}/{path}");
    }
    for path in &changes.removed {
        println!("removed {out}/{path}");
    }
    if changes.is_empty() {
        println!("{out}/ was already up to date");
    }
}

fn test(root: &std::path::Path) -> ExitCode {
    match xtask::run_tests(root) {
        Ok((counts, fuzz, totals)) => {
            println!("prism: {counts}");
            println!("fuzz: {fuzz}");
            println!("tests: {totals}");
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

fn synth(root: &std::path::Path, sizes: &[usize], out: &std::path::Path) -> ExitCode {
    match xtask::write_synthetic_specs(root, sizes, out) {
        Ok(paths) => {
            for path in paths {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
