//! The validate-and-lower stage: the OpenAPI document into the IR.
//!
//! Lowering and validation are one pass, so that every problem is found where the data that
//! shows it is at hand. A problem never stops the pass: it is recorded with its JSON pointer
//! and lowering goes on with a stand-in, so one run reports everything wrong with a spec.

mod operation;
mod recursion;
mod schema;
mod servers;
mod wait;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapiv3::OpenAPI;

use crate::Config;
use crate::ir::{Api, Model, TypeRef};
use crate::names;
use crate::problem::{Problem, Problems};

/// Lowers a loaded document, or returns every problem found in it.
pub fn lower(document: &OpenAPI, config: &Config) -> Result<Api, Problems> {
    let mut lowerer = Lowerer::new(document, config);

    lowerer.name_component_schemas();
    lowerer.lower_component_schemas();
    let mut operations = lowerer.lower_operations();
    lowerer.attach_waits(&mut operations);
    let mut oauth = lowerer.oauth();
    let servers = lowerer.lower_servers(oauth.as_mut());
    let error_model = lowerer.shared_error_model();
    let correlation_header = lowerer.correlation_header();

    if !lowerer.problems.is_empty() {
        lowerer.problems.sort();
        return Err(Problems(lowerer.problems));
    }
    let mut models: Vec<Model> = lowerer.models.into_values().collect();
    recursion::box_recursive_fields(&mut models);

    Ok(Api {
        title: document.info.title.clone(),
        api_version: document.info.version.clone(),
        description: document.info.description.clone(),
        servers,
        operations,
        models,
        error_model,
        oauth,
        correlation_header,
    })
}

/// The state of one lowering pass.
struct Lowerer<'a> {
    document: &'a OpenAPI,
    config: &'a Config,
    /// Rust names of `components.schemas`, by schema name.
    component_names: BTreeMap<String, String>,
    /// Every model made so far, by Rust name.
    models: BTreeMap<String, Model>,
    /// The body types of every error response.
    error_types: BTreeSet<TypeRef>,
    /// The names of every response header any response declares.
    response_headers: BTreeSet<String>,
    /// Each `x-clientgen-wait` found: operation id, JSON pointer, value.
    waits: Vec<(String, String, serde_json::Value)>,
    problems: Vec<Problem>,
}

impl<'a> Lowerer<'a> {
    fn new(document: &'a OpenAPI, config: &'a Config) -> Self {
        Self {
            document,
            config,
            component_names: BTreeMap::new(),
            models: BTreeMap::new(),
            error_types: BTreeSet::new(),
            response_headers: BTreeSet::new(),
            waits: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::at(at, message));
    }

    /// Names every component schema before any is lowered, so references can be resolved
    /// in any order, recursive ones included.
    fn name_component_schemas(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        let mut taken = reserved_names(self.config);
        let mut schema_names: Vec<&String> = components.schemas.keys().collect();
        schema_names.sort();
        for name in schema_names {
            let rust_name = names::type_name(name);
            let rust_name = if taken.contains(&rust_name) {
                names::unique(format!("{rust_name}Model"), &mut taken)
            } else {
                names::unique(rust_name, &mut taken)
            };
            self.component_names.insert(name.clone(), rust_name);
        }
    }

    /// The model every error response carries, when there is exactly one.
    fn shared_error_model(&self) -> Option<String> {
        match self.error_types.iter().collect::<Vec<_>>().as_slice() {
            [TypeRef::Named(name)] => Some(name.clone()),
            _ => None,
        }
    }

    /// The declared response header that carries the server's id for a request.
    fn correlation_header(&self) -> Option<String> {
        self.response_headers
            .iter()
            .find(|name| name.to_ascii_lowercase().ends_with("correlation-id"))
            .cloned()
    }
}

/// The generated crate's own type names, besides the servers' enum; a schema may take none.
const OWN_NAMES: [&str; 6] = [
    "Client",
    "ClientBuilder",
    "Error",
    "ApiError",
    "Result",
    "Method",
];

/// Whether `name` is one the generated crate uses for its own types.
fn is_reserved(name: &str, config: &Config) -> bool {
    OWN_NAMES.contains(&name) || name == config.server_enum
}

/// Names the generated crate uses for its own types, which a schema may not take.
fn reserved_names(config: &Config) -> HashSet<String> {
    let mut taken: HashSet<String> = OWN_NAMES.iter().map(|name| (*name).to_owned()).collect();
    taken.insert(config.server_enum.clone());
    taken
}
