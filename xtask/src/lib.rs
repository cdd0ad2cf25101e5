//! The project's automation, as a library so that tests run the same code as
//! `cargo xtask`.
//!
//! [`codegen`] is the one place that touches the disk for generation: it writes only files
//! whose contents changed and removes files the generator no longer makes; in check mode it
//! writes nothing and fails, naming the command to run, when the committed crate differs.
//! [`run_tests`] is `cargo xtask test`: the npm tools, the spec's lint, every test, and the
//! counts of the Prism suite, which writes them through [`PrismCounts`].

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use openapi_clientgen::{Config, GeneratedFile};

mod comparison;
mod suite;
mod synth;

pub use comparison::{ComparisonRequest, comparison_request, run_comparison};
pub use synth::{
    OPERATIONS_PER_GROUP, SYNTHETIC_SIZES, synth_request, synthetic_spec, write_synthetic_specs,
};

pub use suite::{
    NODE_TOOLS, PrismCounts, TEST_COMMAND, Totals, node_tool, report_dir, run_tests, target_dir,
};

/// The command that regenerates the client, as users type it.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// What to generate, from where, to where.
#[derive(Debug, Clone)]
pub struct Target {
    /// The spec file.
    pub spec: PathBuf,
    /// A folder of examples added to the crate's `examples/`.
    pub examples: Option<PathBuf>,
    /// The folder of the generated crate.
    pub out: PathBuf,
    /// The generator's settings.
    pub config: Config,
}

impl Target {
    /// The project's own client: `spec/openapi.yaml`, with the examples in `spec/examples/`,
    /// into `generated-client/`.
    pub fn jobs_client(root: &Path) -> Self {
        let mut config = Config::new("genesys-iac-client", "0.1.0");
        config.server_enum = "Region".to_owned();
        config.command = CODEGEN_COMMAND.to_owned();
        config.spec_path = "spec/openapi.yaml".to_owned();
        config.env_prefix = Some("GENESYS".to_owned());
        Self {
            spec: root.join("spec/openapi.yaml"),
            examples: Some(root.join("spec/examples")),
            out: root.join("generated-client"),
            config,
        }
    }
}

impl Target {
    /// Any spec into any folder, both relative to `root` unless absolute: the crate is named
    /// `name`, or after the folder. The generated header names them as given.
    pub fn custom(root: &Path, spec: &str, out: &str, name: Option<&str>) -> Self {
        let folder = Path::new(out)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        let name = name
            .map(str::to_owned)
            .or(folder)
            .unwrap_or_else(|| "client".to_owned());
        let mut config = Config::new(name.clone(), "0.1.0");
        config.spec_path = spec.to_owned();
        config.command = format!("{CODEGEN_COMMAND} --spec {spec} --out {out} --name {name}");
        Self {
            spec: root.join(spec),
            examples: None,
            out: root.join(out),
            config,
        }
    }
}

/// What `cargo xtask codegen OPTIONS` asks for: the project's client by default, or
/// `--spec PATH --out DIR [--name CRATE]`, and `--check` to compare instead of writing.
/// Relative paths are taken from the workspace's root.
///
/// # Errors
///
/// A message naming the option that is missing, repeated or unknown.
pub fn codegen_request(root: &Path, options: &[&str]) -> Result<(Target, Mode), String> {
    let mut mode = Mode::Write;
    let (mut spec, mut out, mut name) = (None, None, None);
    let mut rest = options.iter();
    while let Some(&option) = rest.next() {
        let slot = match option {
            "--check" => {
                mode = Mode::Check;
                continue;
            }
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--name" => &mut name,
            other => return Err(format!("unknown option `{other}`")),
        };
        let value = rest
            .next()
            .ok_or_else(|| format!("`{option}` needs a value"))?;
        if slot.replace(*value).is_some() {
            return Err(format!("`{option}` is given twice"));
        }
    }
    let target = match (spec, out) {
        (None, None) if name.is_none() => Target::jobs_client(root),
        (Some(spec), Some(out)) => Target::custom(root, spec, out, name),
        (None, _) => return Err("`--spec PATH` is missing".to_owned()),
        (_, None) => return Err("`--out DIR` is missing".to_owned()),
    };
    Ok((target, mode))
}

/// Whether to write the crate or only compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what changed and remove what is no longer generated.
    Write,
    /// Write nothing; fail when anything would change.
    Check,
}

/// What a run changed, or in check mode would change, as paths inside the crate.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files written because they were missing or different.
    pub written: Vec<String>,
    /// Files removed because the generator no longer makes them.
    pub removed: Vec<String>,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Generates `target` and writes it, or in check mode compares it with what is on disk.
///
/// # Errors
///
/// A message for the user: the spec's problems, a file that cannot be read or written, or in
/// check mode the files that differ and the command that fixes them.
pub fn codegen(target: &Target, mode: Mode) -> Result<Changes, String> {
    let spec = fs::read_to_string(&target.spec)
        .map_err(|error| format!("cannot read {}: {error}", target.spec.display()))?;
    let mut config = target.config.clone();
    if let Some(folder) = &target.examples {
        config.extra_files = read_examples(folder)
            .map_err(|error| format!("cannot read {}: {error}", folder.display()))?;
    }
    let files = openapi_clientgen::generate(&spec, &config)
        .map_err(|problems| format!("{}: {problems}", target.spec.display()))?;
    let changes = compare(&target.out, &files)
        .map_err(|error| format!("cannot read {}: {error}", target.out.display()))?;

    match mode {
        Mode::Check if changes.is_empty() => Ok(changes),
        Mode::Check => Err(drift_message(target, &changes)),
        Mode::Write => {
            apply(&target.out, &files, &changes)
                .map_err(|error| format!("cannot write {}: {error}", target.out.display()))?;
            Ok(changes)
        }
    }
}

/// The `.rs` files of `folder`, as `examples/NAME.rs`, sorted by name.
fn read_examples(folder: &Path) -> io::Result<Vec<GeneratedFile>> {
    let mut examples = Vec::new();
    for entry in fs::read_dir(folder)? {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "rs") {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            examples.push(GeneratedFile {
                path: format!("examples/{name}"),
                contents: fs::read_to_string(&path)?,
            });
        }
    }
    examples.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(examples)
}

fn drift_message(target: &Target, changes: &Changes) -> String {
    let mut message = format!(
        "{} is not what the generator makes from {}:",
        target.out.display(),
        target.spec.display()
    );
    for path in &changes.written {
        message.push_str(&format!("\n  differs: {path}"));
    }
    for path in &changes.removed {
        message.push_str(&format!("\n  not generated: {path}"));
    }
    message.push_str(&format!(
        "\nRun `{}` and commit the result; never edit the generated crate by hand.",
        target.config.command
    ));
    message
}

/// Which generated files differ from the disk, and which files on disk are not generated.
fn compare(out: &Path, files: &[GeneratedFile]) -> io::Result<Changes> {
    let mut changes = Changes::default();
    for file in files {
        let on_disk = match fs::read(out.join(&file.path)) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => return Err(error),
        };
        if on_disk.as_deref() != Some(file.contents.as_bytes()) {
            changes.written.push(file.path.clone());
        }
    }
    let generated: BTreeSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    for path in files_under(out)? {
        if !generated.contains(path.as_str()) {
            changes.removed.push(path);
        }
    }
    Ok(changes)
}

fn apply(out: &Path, files: &[GeneratedFile], changes: &Changes) -> io::Result<()> {
    for file in files
        .iter()
        .filter(|file| changes.written.contains(&file.path))
    {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        // A rename is atomic, so an interrupted run never leaves half a file.
        let partial = path.with_extension("partial");
        fs::write(&partial, &file.contents)?;
        fs::rename(&partial, &path)?;
    }
    for path in &changes.removed {
        fs::remove_file(out.join(path))?;
    }
    Ok(())
}

/// Every file below `root`, as `/`-separated relative paths, sorted; hidden entries and a
/// `target` folder are not the crate's.
fn files_under(root: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || (folder == root && name == "target") {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                let parts: Vec<String> = relative
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.push(parts.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}
