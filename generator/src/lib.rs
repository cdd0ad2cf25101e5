//! Turns an OpenAPI 3.0 description into the source of a typed, async Rust client crate.
//!
//! Generation is a pure function of the spec's text and a small [`Config`]: it reads no
//! file, touches no network, and gives byte-identical output for identical input. The
//! caller decides where the [`GeneratedFile`]s go; the project's `xtask` writes them.
//!
//! The stages, each a module:
//!
//! 1. [`load`]: the YAML text into `openapiv3`'s document model;
//! 2. [`lower`]: validation and lowering into the small owned IR of [`ir`], gathering every
//!    problem with its JSON pointer;
//! 3. [`render`]: askama templates over the IR, one per generated file;
//! 4. [`format`](mod@format): each Rust file parsed by syn, printed by prettyplease, and given its
//!    "generated" header.
//!
//! ```
//! let spec = r#"
//! openapi: 3.0.3
//! info: { title: Pets, version: "1" }
//! paths:
//!   /pets/{petId}:
//!     get:
//!       operationId: getPet
//!       parameters:
//!         - { name: petId, in: path, required: true, schema: { type: string } }
//!       responses:
//!         "200":
//!           description: The pet.
//!           content:
//!             application/json:
//!               schema: { type: object, properties: { name: { type: string } } }
//! "#;
//! let files = openapi_clientgen::generate(spec, &openapi_clientgen::Config::new("pets", "0.1.0"))
//!     .expect("the spec is valid");
//! assert!(files.iter().any(|file| file.path == "src/models.rs"));
//! ```

pub mod format;
pub mod ir;
#[doc = include_str!("../SUPPORT.md")]
pub mod support {}
pub mod load;
pub mod lower;
mod names;
mod parallel;
pub mod problem;
pub mod render;
mod unique;

pub use problem::{Problem, Problems};

/// What the generator needs besides the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The generated crate's package name, such as `genesys-iac-client`.
    pub crate_name: String,
    /// The generated crate's version.
    pub crate_version: String,
    /// The name of the enum listing the spec's servers, such as `Region`.
    pub server_enum: String,
    /// The command that regenerates the crate, named in every file's header.
    pub command: String,
    /// The spec's path as the header names it.
    pub spec_path: String,
    /// The prefix of the environment variables `ClientBuilder::from_env` reads, such as
    /// `GENESYS` for `GENESYS_CLIENT_ID`; `None` leaves `from_env` out.
    pub env_prefix: Option<String>,
    /// Files added to the crate as they are, such as examples, with the same header as the
    /// generated ones; Rust files are formatted too.
    pub extra_files: Vec<GeneratedFile>,
}

impl Config {
    /// A configuration with the defaults: servers in an enum named `Server`, regenerated
    /// by `cargo xtask codegen` from `spec/openapi.yaml`.
    pub fn new(crate_name: impl Into<String>, crate_version: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: crate_version.into(),
            server_enum: "Server".to_owned(),
            command: "cargo xtask codegen".to_owned(),
            spec_path: "spec/openapi.yaml".to_owned(),
            env_prefix: None,
            extra_files: Vec::new(),
        }
    }
}

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path inside the crate, with `/` separators, such as `src/lib.rs`.
    pub path: String,
    /// The whole contents.
    pub contents: String,
}

/// Generates the client crate for `spec`, or returns every problem found in it.
pub fn generate(spec: &str, config: &Config) -> Result<Vec<GeneratedFile>, Problems> {
    let document = load::load(spec)?;

    // On a large spec the document model, then the IR, are the largest structures held, and
    // freeing them takes a while: each is dropped on a thread of its own as soon as the next
    // stage no longer needs it, beside the work that follows.
    std::thread::scope(|scope| {
        let api = lower::lower(&document, config);
        scope.spawn(move || drop(document));
        let api = api?;

        let rendered = render::render(&api, config)?;
        scope.spawn(move || drop(api));

        format::format(rendered, config).map_err(Problems::from)
    })
}
