//! Every fixture spec's crate, generated as a user would generate it, passes clippy and
//! rustdoc with warnings denied.
//!
//! The crates are built in a workspace of their own under the target folder, with their own
//! target folder (so this never waits on the build lock of the run that started it), and the
//! project's `Cargo.lock`, so they use the dependencies the project was tested with.

use std::fs;
use std::path::Path;
use std::process::Command;

use xtask::{Mode, Target};

/// The fixture specs, by name.
fn fixtures(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("tests/fixtures"))
        .expect("the fixtures folder reads")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".yaml").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// Runs cargo with `args` in `workspace`, and fails the test with its output if it fails.
fn cargo(workspace: &Path, args: &[&str], rustdoc_flags: Option<&str>) {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"));
    if let Some(flags) = rustdoc_flags {
        command.env("RUSTDOCFLAGS", flags);
    }
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed for the fixture crates:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_fixture_crate_passes_clippy_and_rustdoc_with_warnings_denied() {
    let root = xtask::workspace_root();
    let workspace = xtask::target_dir(&root).join("fixture-crates");
    let names = fixtures(&root);
    assert!(
        names.len() >= 3,
        "expected the fixture specs in tests/fixtures, found {names:?}"
    );
    for name in &names {
        let out = workspace.join(name);
        let target = Target::custom(
            &root,
            &format!("tests/fixtures/{name}.yaml"),
            &out.to_string_lossy(),
            Some(&format!("{name}-client")),
        );
        xtask::codegen(&target, Mode::Write).unwrap_or_else(|message| panic!("{message}"));
    }
    let members: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(workspace.join("Cargo.toml"), manifest).expect("the manifest writes");
    fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("the lock copies");

    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--offline",
        "--",
        "-D",
        "warnings",
    ];
    cargo(&workspace, &clippy, None);
    cargo(
        &workspace,
        &["doc", "--workspace", "--no-deps", "--offline"],
        Some("-D warnings"),
    );
}
