//! `cargo xtask compare`: this generator, progenitor and ploidy on the same synthetic specs,
//! in one run, and the time `cargo check` takes on this generator's and progenitor's crates.
//!
//! Each round runs every tool once per spec, starting with a different tool each round, so
//! that the machine's drift over a run falls on all of them alike. Every run is a process of
//! its own under GNU time, which reports its wall time and peak resident memory. The figures
//! are medians over the rounds; ratios are against this generator in the same run.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// GNU time, which measures each run.
const TIME: &str = "/usr/bin/time";

/// What `cargo xtask compare` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparisonRequest {
    /// The sizes of the synthetic specs, in operations.
    pub sizes: Vec<usize>,
    /// How many times each tool runs on each spec.
    pub rounds: usize,
    /// The size whose generated crates are checked by cargo, if any.
    pub check_size: Option<usize>,
}

/// Reads `[--operations N]... [--rounds R] [--check-operations N | --no-check]`.
///
/// # Errors
///
/// A message naming the option that is unknown, lacks its value or is not a positive number.
pub fn comparison_request(options: &[&str]) -> Result<ComparisonRequest, String> {
    let mut request = ComparisonRequest {
        sizes: Vec::new(),
        rounds: 5,
        check_size: Some(300),
    };
    let mut rest = options.iter();
    while let Some(&option) = rest.next() {
        if option == "--no-check" {
            request.check_size = None;
            continue;
        }
        let value = rest
            .next()
            .ok_or_else(|| format!("`{option}` needs a value"))?;
        let number = match value.parse::<usize>() {
            Ok(number) if number > 0 => number,
            _ => return Err(format!("`{option} {value}` is not a positive number")),
        };
        match option {
            "--operations" => request.sizes.push(number),
            "--rounds" => request.rounds = number,
            "--check-operations" => request.check_size = Some(number),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if request.sizes.is_empty() {
        request.sizes = crate::SYNTHETIC_SIZES.to_vec();
    }
    Ok(request)
}

/// A generator under comparison.
struct Tool {
    name: &'static str,
    program: PathBuf,
    /// The arguments that generate a crate named `name` from `spec` into `out`.
    args: fn(spec: &Path, out: &Path, name: &str) -> Vec<OsString>,
    /// How to install it, for the message when it is missing.
    install: &'static str,
}

/// The generators, this one first: the ratios are taken against the first, and the first two
/// are the ones whose crates `cargo check` compares.
fn tools() -> Result<Vec<Tool>, String> {
    let ours = std::env::current_exe()
        .map_err(|error| format!("cannot find this xtask's executable: {error}"))?;
    Ok(vec![
        Tool {
            name: "openapi-clientgen",
            program: ours,
            args: |spec, out, name| {
                let mut args = words(&["codegen", "--spec"]);
                args.extend([spec.into(), "--out".into(), out.into(), "--name".into()]);
                args.push(name.into());
                args
            },
            install: "it is this xtask",
        },
        Tool {
            name: "progenitor",
            program: PathBuf::from("cargo-progenitor"),
            args: |spec, out, name| {
                let mut args = words(&["progenitor", "-i"]);
                args.extend([spec.into(), "-o".into(), out.into(), "-n".into()]);
                args.extend([name.into(), "-v".into(), "0.1.0".into()]);
                args
            },
            install: "cargo install --locked cargo-progenitor",
        },
        Tool {
            name: "ploidy",
            program: PathBuf::from("ploidy"),
            args: |spec, out, name| {
                let mut args = words(&["generate", "rust"]);
                args.extend([spec.into(), "--output".into(), out.into(), "--name".into()]);
                args.push(name.into());
                args
            },
            install: "cargo install --locked ploidy",
        },
    ])
}

fn words(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

/// One run of one tool: wall seconds and peak resident memory in KiB, or why it failed.
type Run = Result<(f64, u64), String>;

/// Runs the comparison, prints the generation figures, and returns the rest of the report.
///
/// # Errors
///
/// A message when a tool is missing (with how to install it), a spec cannot be written, or
/// a cargo check fails.
pub fn run_comparison(root: &Path, request: &ComparisonRequest) -> Result<String, String> {
    let tools = tools()?;
    find(Path::new(TIME), "apt-get install time")?;
    for tool in &tools[1..] {
        find(&tool.program, tool.install)?;
    }
    let work = crate::target_dir(root).join("compare");
    let specs = crate::write_synthetic_specs(root, &request.sizes, &work)?;

    let mut report = String::from("generation (median over rounds; ratio to openapi-clientgen)\n");
    for (size, spec) in request.sizes.iter().zip(&specs) {
        let mut runs: Vec<Vec<Run>> = vec![Vec::new(); tools.len()];
        for round in 0..request.rounds {
            for offset in 0..tools.len() {
                let index = (round + offset) % tools.len();
                let out = work.join(format!("out-{}-{size}", tools[index].name));
                runs[index].push(measure(&tools[index], spec, &out, "synthetic-client"));
            }
        }
        summarize(&mut report, *size, &tools, &runs);
    }
    // The generation figures are shown at once: the check below takes minutes and can fail.
    print!("{report}");
    report.clear();
    if let Some(size) = request.check_size {
        check_builds(root, &work, &tools, size, request.rounds, &mut report)?;
    }
    Ok(report)
}

/// Fails, saying how to install it, when `program` cannot be started.
fn find(program: &Path, install: &str) -> Result<(), String> {
    match Command::new(program).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(error) => Err(format!(
            "`{}` cannot be run ({error}); install it with `{install}`",
            program.display()
        )),
    }
}

/// Runs `tool` on `spec` into a fresh `out` under GNU time, making a crate named `name`.
fn measure(tool: &Tool, spec: &Path, out: &Path, name: &str) -> Run {
    let _ = fs::remove_dir_all(out);
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent).map_err(|error| format!("cannot create {parent:?}: {error}"))?;
    }
    let stats = out.with_extension("time");
    let output = Command::new(TIME)
        .args(["--format", "%e %M", "--output"])
        .arg(&stats)
        .arg(&tool.program)
        .args((tool.args)(spec, out, name))
        .output()
        .map_err(|error| format!("cannot run {}: {error}", tool.name))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .take(2)
            .collect();
        return Err(format!("{} ({})", first.join(" "), output.status));
    }
    let stats = fs::read_to_string(&stats).map_err(|error| format!("no figures: {error}"))?;
    let mut fields = stats.split_whitespace();
    match (fields.next().map(str::parse), fields.next().map(str::parse)) {
        (Some(Ok(seconds)), Some(Ok(kib))) => Ok((seconds, kib)),
        _ => Err(format!("GNU time wrote `{}`", stats.trim())),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn summarize(report: &mut String, size: usize, tools: &[Tool], runs: &[Vec<Run>]) {
    let figures: Vec<Result<(f64, f64), String>> = runs
        .iter()
        .map(|runs| {
            let ok: Vec<(f64, u64)> = runs.iter().filter_map(|run| run.clone().ok()).collect();
            if ok.len() < runs.len() {
                let error = runs.iter().find_map(|run| run.clone().err());
                return Err(error.unwrap_or_default());
            }
            let seconds = median(ok.iter().map(|run| run.0).collect());
            let mib = median(ok.iter().map(|run| run.1 as f64 / 1024.0).collect());
            Ok((seconds, mib))
        })
        .collect();
    let ours = figures[0].clone().ok();
    for (tool, figure) in tools.iter().zip(&figures) {
        let _ = match (figure, ours) {
            (Ok((seconds, mib)), Some((our_seconds, our_mib))) => writeln!(
                report,
                "  {size:>5} operations  {:<18} {seconds:>7.2} s {:>6.1}x  {mib:>7.1} MiB {:>6.1}x",
                tool.name,
                seconds / our_seconds.max(0.005),
                mib / our_mib,
            ),
            (Ok((seconds, mib)), None) => writeln!(
                report,
                "  {size:>5} operations  {:<18} {seconds:>7.2} s  {mib:>7.1} MiB",
                tool.name
            ),
            (Err(error), _) => writeln!(
                report,
                "  {size:>5} operations  {:<18} failed: {error}",
                tool.name
            ),
        };
    }
}

/// Generates the crate of the first two tools for `size` operations into one workspace,
/// builds their dependencies once, then times `cargo check` of each crate alone, alternating.
fn check_builds(
    root: &Path,
    work: &Path,
    tools: &[Tool],
    size: usize,
    rounds: usize,
    report: &mut String,
) -> Result<(), String> {
    let workspace = work.join(format!("check-{size}"));
    let _ = fs::remove_dir_all(&workspace);
    let spec = crate::write_synthetic_specs(root, &[size], work)?.remove(0);
    let checked = &tools[..2];
    for tool in checked {
        let out = workspace.join(tool.name);
        measure(tool, &spec, &out, &package(tool))
            .map_err(|error| format!("{} failed: {error}", tool.name))?;
    }
    let members: Vec<String> = checked
        .iter()
        .map(|tool| format!("{:?}", tool.name))
        .collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(workspace.join("Cargo.toml"), manifest)
        .map_err(|error| format!("cannot write {}: {error}", workspace.display()))?;
    cargo_check(&workspace, None)?;

    let mut seconds = vec![Vec::new(); checked.len()];
    for round in 0..rounds {
        for offset in 0..checked.len() {
            let index = (round + offset) % checked.len();
            let lib = workspace.join(checked[index].name).join("src/lib.rs");
            touch(&lib)?;
            seconds[index].push(cargo_check(&workspace, Some(&package(&checked[index])))?);
        }
    }
    let ours = median(seconds[0].clone());
    let _ = writeln!(
        report,
        "cargo check of the {size}-operation crate, dependencies built (median)"
    );
    for (tool, seconds) in checked.iter().zip(seconds) {
        let seconds = median(seconds);
        let _ = writeln!(
            report,
            "  {:<18} {seconds:>7.2} s {:>6.2}x",
            tool.name,
            seconds / ours
        );
    }
    Ok(())
}

/// The package name of a tool's crate in the checked workspace.
fn package(tool: &Tool) -> String {
    format!("check-{}", tool.name)
}

/// Gives `path` a new modification time by writing it again, so cargo checks it anew.
fn touch(path: &Path) -> Result<(), String> {
    let contents =
        fs::read(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    fs::write(path, contents).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// `cargo check` in `workspace`, of one package or of all, and how long it took.
fn cargo_check(workspace: &Path, package: Option<&str>) -> Result<f64, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .arg("check")
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"));
    match package {
        Some(package) => command.args(["--package", package]),
        None => command.arg("--workspace"),
    };
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|error| format!("cannot run cargo check: {error}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "cargo check failed in {}:\n{}",
            workspace.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_set_the_sizes_the_rounds_and_the_checked_size() {
        let default = comparison_request(&[]).expect("no option is fine");
        assert_eq!(default.sizes, crate::SYNTHETIC_SIZES.to_vec());
        assert_eq!((default.rounds, default.check_size), (5, Some(300)));

        let options = ["--operations", "90", "--rounds", "2", "--no-check"];
        let request = comparison_request(&options).expect("the options are valid");
        assert_eq!(
            request,
            ComparisonRequest {
                sizes: vec![90],
                rounds: 2,
                check_size: None
            }
        );

        assert_eq!(
            comparison_request(&["--rounds", "0"]),
            Err("`--rounds 0` is not a positive number".to_owned())
        );
        assert_eq!(
            comparison_request(&["--operations"]),
            Err("`--operations` needs a value".to_owned())
        );
    }

    #[test]
    fn the_median_is_the_middle_figure() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0]), 4.0);
    }
}
