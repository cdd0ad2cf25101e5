//! What the benchmarks share: the specs they generate from.
//!
//! `generation` measures the whole generator and each of its stages on the jobs spec and on
//! synthetic specs shaped like it; `client` measures one get-job call through the generated
//! client against the same call written by hand with reqwest. `BENCHMARKS.md` at the
//! workspace's root holds the figures and how to repeat them.

/// The jobs spec, as committed.
pub const JOBS_SPEC: &str = include_str!("../spec/openapi.yaml");

/// A spec to generate from, with a name for the benchmark's report.
pub struct Spec {
    /// `jobs` for the jobs spec, `synthetic-N` for a synthetic spec of `N` operations.
    pub name: String,
    /// How many operations it has.
    pub operations: usize,
    /// The YAML text.
    pub text: String,
}

/// The jobs spec and the synthetic specs of 30, 300 and 3,000 operations.
///
/// # Panics
///
/// When the committed jobs spec cannot be turned into a synthetic one, which the xtask's
/// own tests rule out.
pub fn specs() -> Vec<Spec> {
    let mut specs = vec![Spec {
        name: "jobs".to_owned(),
        operations: 3,
        text: JOBS_SPEC.to_owned(),
    }];
    for operations in xtask::SYNTHETIC_SIZES {
        specs.push(Spec {
            name: format!("synthetic-{operations}"),
            operations,
            text: xtask::synthetic_spec(JOBS_SPEC, operations)
                .expect("the jobs spec makes synthetic specs"),
        });
    }
    specs
}

/// The configuration every benchmark generates with.
pub fn config() -> openapi_clientgen::Config {
    openapi_clientgen::Config::new("bench-client", "0.1.0")
}
