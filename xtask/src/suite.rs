//! `cargo xtask test`: every check that needs more than cargo, then every test.
//!
//! The spec-validation suite runs Stoplight Prism and the spec is linted by Redocly; both
//! are npm packages pinned in `tests/prism/package-lock.json`. This command installs them
//! when they are missing, lints the spec, runs `cargo test`, and prints what the Prism suite
//! counted, which the suite leaves in the target folder because cargo captures its output.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The command that runs every test, as users type it.
pub const TEST_COMMAND: &str = "cargo xtask test";

/// The folder of the npm packages the tests run, relative to the workspace.
pub const NODE_TOOLS: &str = "tests/prism";

/// Where a tool's executable is once `npm ci` has installed it.
pub fn node_tool(root: &Path, name: &str) -> PathBuf {
    root.join(NODE_TOOLS).join("node_modules/.bin").join(name)
}

/// What a whole test run counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Tests that passed, over every test binary and doctest run.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

impl Totals {
    /// Adds the counts of one libtest summary line, such as
    /// `test result: ok. 14 passed; 0 failed; 0 ignored; ...`.
    fn add_line(&mut self, line: &str) {
        let Some(summary) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in summary.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(what), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match what {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                _ => {}
            }
        }
    }
}

/// Installs the npm tools when missing, lints the spec, runs every test, and returns the
/// Prism suite's counts, the fuzz run's summary, and the totals of the whole run.
///
/// # Errors
///
/// A message for the user: which step failed and, where it helps, what to do about it.
pub fn run_tests(root: &Path) -> Result<(PrismCounts, String, Totals), String> {
    install_node_tools(root)?;
    lint_spec(root)?;

    let reports = report_dir(root);
    match fs::remove_dir_all(&reports) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            return Err(format!("cannot clear {}: {error}", reports.display()));
        }
        _ => {}
    }
    let fuzz_summary = target_dir(root).join("fuzz/summary");
    match fs::remove_file(&fuzz_summary) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            return Err(format!("cannot clear {}: {error}", fuzz_summary.display()));
        }
        _ => {}
    }
    let totals = cargo_test(root)?;
    let fuzz = fs::read_to_string(&fuzz_summary).map_err(|error| {
        format!(
            "the fuzz run left no summary in {}: {error}",
            fuzz_summary.display()
        )
    })?;

    let counts = PrismCounts::read_all(&reports)
        .map_err(|error| format!("cannot read {}: {error}", reports.display()))?
        .ok_or_else(|| {
            format!(
                "the Prism suite left no counts in {}: did its tests run?",
                reports.display()
            )
        })?;
    Ok((counts, fuzz, totals))
}

/// Runs `cargo test --workspace --locked`, passing its output through while adding up the
/// summary line of each test binary.
fn cargo_test(root: &Path) -> Result<Totals, String> {
    const WHAT: &str = "`cargo test --workspace --locked`";
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut child = Command::new(cargo)
        .args(["test", "--workspace", "--locked"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run {WHAT}: {error}"))?;
    let mut totals = Totals::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line =
                line.map_err(|error| format!("cannot read the output of {WHAT}: {error}"))?;
            println!("{line}");
            totals.add_line(&line);
        }
    }
    let status = child
        .wait()
        .map_err(|error| format!("cannot run {WHAT}: {error}"))?;
    if !status.success() {
        return Err(format!("{WHAT} failed ({status}): {totals}"));
    }
    Ok(totals)
}

fn install_node_tools(root: &Path) -> Result<(), String> {
    if ["prism", "redocly"]
        .iter()
        .all(|name| node_tool(root, name).is_file())
    {
        return Ok(());
    }
    println!("==> installing the pinned npm tools: npm ci --prefix {NODE_TOOLS}");
    let status = Command::new("npm")
        .args(["ci", "--prefix", NODE_TOOLS, "--no-audit", "--no-fund"])
        .current_dir(root)
        .status();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "`npm ci --prefix {NODE_TOOLS}` failed ({status}); its output above says why"
        )),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(format!(
            "npm was not found: install Node.js and npm, then run `{TEST_COMMAND}` again; \
             the spec-validation suite needs Prism from {NODE_TOOLS}/package-lock.json"
        )),
        Err(error) => Err(format!("cannot run npm: {error}")),
    }
}

fn lint_spec(root: &Path) -> Result<(), String> {
    println!("==> linting spec/openapi.yaml with Redocly");
    run(
        Command::new(node_tool(root, "redocly"))
            .args(["lint", "spec/openapi.yaml"])
            // Redocly reports usage over the network unless told not to.
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
            .current_dir(root),
        "`redocly lint spec/openapi.yaml`",
    )
}

/// Runs `command` with this process's output, and fails naming `what` unless it succeeds.
fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|error| format!("cannot run {what}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// The target folder: `CARGO_TARGET_DIR` (relative to the workspace when relative), else
/// the workspace's `target/`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// Where the Prism suite leaves its counts and Prism's logs.
pub fn report_dir(root: &Path) -> PathBuf {
    target_dir(root).join("prism")
}

/// What the Prism suite counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PrismCounts {
    /// Requests Prism validated against the spec.
    pub requests_validated: usize,
    /// Requests Prism found breaking the spec.
    pub violations: usize,
    /// Random answers of Prism's dynamic mode that the client decoded.
    pub random_responses_decoded: usize,
    /// Documented error statuses, per operation, that the client turned into its typed error.
    pub error_statuses_mapped: usize,
}

/// The file extension of one part of the counts.
const COUNTS: &str = "counts";

impl PrismCounts {
    /// Writes these counts as the part `name` of the suite's report in `dir`.
    ///
    /// # Errors
    ///
    /// When the folder or the file cannot be written.
    pub fn write(&self, dir: &Path, name: &str) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        fs::write(dir.join(format!("{name}.{COUNTS}")), self.to_text())
    }

    fn to_text(self) -> String {
        format!(
            "requests_validated={}\nviolations={}\nrandom_responses_decoded={}\n\
             error_statuses_mapped={}\n",
            self.requests_validated,
            self.violations,
            self.random_responses_decoded,
            self.error_statuses_mapped
        )
    }

    /// The sum of every part in `dir`; `None` when there is none.
    ///
    /// # Errors
    ///
    /// When the folder cannot be read, or a part is not what [`write`](Self::write) writes.
    pub fn read_all(dir: &Path) -> io::Result<Option<Self>> {
        let mut total: Option<Self> = None;
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error),
        };
        for entry in entries {
            let path = entry?.path();
            if path
                .extension()
                .is_some_and(|extension| extension == COUNTS)
            {
                let part = Self::parse(&fs::read_to_string(&path)?).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{} is not a counts file", path.display()),
                    )
                })?;
                total = Some(total.unwrap_or_default().plus(part));
            }
        }
        Ok(total)
    }

    fn parse(text: &str) -> Option<Self> {
        let mut counts = Self::default();
        for line in text.lines() {
            let (key, value) = line.split_once('=')?;
            let value = value.trim().parse().ok()?;
            match key.trim() {
                "requests_validated" => counts.requests_validated = value,
                "violations" => counts.violations = value,
                "random_responses_decoded" => counts.random_responses_decoded = value,
                "error_statuses_mapped" => counts.error_statuses_mapped = value,
                _ => return None,
            }
        }
        Some(counts)
    }

    /// Both counts added up.
    pub fn plus(self, other: Self) -> Self {
        Self {
            requests_validated: self.requests_validated + other.requests_validated,
            violations: self.violations + other.violations,
            random_responses_decoded: self.random_responses_decoded
                + other.random_responses_decoded,
            error_statuses_mapped: self.error_statuses_mapped + other.error_statuses_mapped,
        }
    }
}

impl fmt::Display for PrismCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests validated, {} violations, {} random responses decoded, \
             {} error statuses mapped",
            self.requests_validated,
            self.violations,
            self.random_responses_decoded,
            self.error_statuses_mapped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_back_as_written_and_print_as_one_line() {
        let counts = PrismCounts {
            requests_validated: 65,
            violations: 0,
            random_responses_decoded: 600,
            error_statuses_mapped: 36,
        };

        assert_eq!(PrismCounts::parse(&counts.to_text()), Some(counts));
        assert_eq!(
            counts.plus(counts).to_string(),
            "130 requests validated, 0 violations, 1200 random responses decoded, \
             72 error statuses mapped"
        );
        assert_eq!(PrismCounts::parse("requests=1\n"), None);
    }

    #[test]
    fn summary_lines_add_up() {
        let mut totals = Totals::default();
        totals.add_line("test result: ok. 14 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.06s");
        totals.add_line("test result: FAILED. 3 passed; 2 failed; 1 ignored; 0 measured");
        totals.add_line("running 3 tests");
        assert_eq!(
            totals,
            Totals {
                passed: 17,
                failed: 2
            }
        );
        assert_eq!(totals.to_string(), "17 passed, 2 failed");
    }
}
