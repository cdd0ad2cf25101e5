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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapiv3::OpenAPI;

use crate::Config;
use crate::ir::{Api, Model, Operation, TypeRef};
use crate::names;
use crate::parallel::in_parallel;
use crate::problem::{Problem, Problems};

/// Lowers a loaded document, or returns every problem found in it.
pub fn lower(document: &OpenAPI, config: &Config) -> Result<Api, Problems> {
    lower_in_passes(document, config, PATHS_PER_PASS)
}

/// [`lower`], with the paths lowered in passes of `paths_per_pass`.
fn lower_in_passes(
    document: &OpenAPI,
    config: &Config,
    paths_per_pass: usize,
) -> Result<Api, Problems> {
    let mut lowerer = Lowerer::new(document, config);

    lowerer.name_component_schemas();
    lowerer.lower_component_schemas();
    let mut operations = lower_paths(&mut lowerer, paths_per_pass);
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

/// How many entries of `paths` one pass lowers. The paths are cut into passes of this many
/// whatever the machine, so that the output does not depend on the number of threads.
const PATHS_PER_PASS: usize = 128;

/// Lowers the operations of every path, in passes of `paths_per_pass` paths run side by
/// side, then merges the passes in the paths' order, as one pass over all of them would.
///
/// A pass sees the models of `components.schemas` and those it makes itself; the models it
/// makes, each one it meets again included, are added to `lowerer`'s afterwards, pass by
/// pass, so that a name two passes give different types to is a problem found as one pass
/// would find it. Two operations whose ids give one method name are found in the merge too.
fn lower_paths(lowerer: &mut Lowerer<'_>, paths_per_pass: usize) -> Vec<Operation> {
    let entries: Vec<_> = lowerer.document.paths.iter().collect();
    let passes: Vec<_> = entries.chunks(paths_per_pass.max(1)).collect();
    let lower_pass = |paths: &&[_]| {
        let mut pass = lowerer.pass();
        let operations = pass.lower_operations(paths.iter().copied());
        pass.finish(operations)
    };
    let done: Vec<Pass> = if passes.len() > 1 {
        in_parallel(&passes, lower_pass)
    } else {
        passes.iter().map(lower_pass).collect()
    };

    let mut operations: Vec<Operation> = Vec::new();
    for pass in done {
        lowerer.problems.extend(pass.problems);
        lowerer.error_types.extend(pass.error_types);
        lowerer.response_headers.extend(pass.response_headers);
        lowerer.waits.extend(pass.waits);
        for model in pass.models.into_values().chain(pass.repeats) {
            lowerer.add_model(model);
        }
        for (at, lowered) in pass.operations {
            if let Some(twin) = operations
                .iter()
                .find(|o| o.method_name == lowered.method_name)
            {
                let message = format!(
                    "operationId `{}` gives the method name `{}`, which `{}` ({} {}) \
                     already has; operation ids must differ in more than case",
                    lowered.id,
                    lowered.method_name,
                    twin.id,
                    twin.http_method.as_str(),
                    twin.path
                );
                lowerer.problem(format!("{at}/operationId"), message);
                continue;
            }
            operations.push(lowered);
        }
    }
    operations.sort_by(|a, b| (&a.path, a.http_method).cmp(&(&b.path, b.http_method)));
    operations
}

/// What one pass over some of the paths found, to be merged into the whole.
struct Pass {
    /// Each operation lowered, with its JSON pointer, in the paths' order.
    operations: Vec<(String, Operation)>,
    /// The first model made under each name.
    models: BTreeMap<String, Model>,
    /// Each model made again under a name already taken, in order.
    repeats: Vec<Model>,
    problems: Vec<Problem>,
    error_types: BTreeSet<TypeRef>,
    response_headers: BTreeSet<String>,
    waits: Vec<(String, String, serde_json::Value)>,
}

/// The state of one lowering pass.
struct Lowerer<'a> {
    document: &'a OpenAPI,
    config: &'a Config,
    /// Rust names of `components.schemas`, by schema name.
    component_names: Cow<'a, BTreeMap<String, String>>,
    /// In a pass over some of the paths, the models made before the passes began.
    base: Option<&'a BTreeMap<String, Model>>,
    /// In a pass over some of the paths, each model made again under a name already taken,
    /// which the merge adds in order, for it to find the clashes.
    repeats: Option<Vec<Model>>,
    /// Every model made so far, by Rust name; in a pass, the first made under each name.
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
            component_names: Cow::Owned(BTreeMap::new()),
            base: None,
            repeats: None,
            models: BTreeMap::new(),
            error_types: BTreeSet::new(),
            response_headers: BTreeSet::new(),
            waits: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// A lowerer for a pass over some of the paths, which sees this one's names and models.
    fn pass(&self) -> Lowerer<'_> {
        Lowerer {
            document: self.document,
            config: self.config,
            component_names: Cow::Borrowed(&*self.component_names),
            base: Some(&self.models),
            repeats: Some(Vec::new()),
            models: BTreeMap::new(),
            error_types: BTreeSet::new(),
            response_headers: BTreeSet::new(),
            waits: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// What this pass found, with the operations it lowered.
    fn finish(self, operations: Vec<(String, Operation)>) -> Pass {
        Pass {
            operations,
            models: self.models,
            repeats: self.repeats.unwrap_or_default(),
            problems: self.problems,
            error_types: self.error_types,
            response_headers: self.response_headers,
            waits: self.waits,
        }
    }

    /// The model named `name`, made in this pass or before it.
    fn model(&self, name: &str) -> Option<&Model> {
        self.models
            .get(name)
            .or_else(|| self.base.and_then(|base| base.get(name)))
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
            self.component_names
                .to_mut()
                .insert(name.clone(), rust_name);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec of many paths with an inline model of one title in each; with `clashes`, some
    /// of those models differ in type and two operation ids give one method name.
    fn spec(clashes: bool) -> String {
        let mut spec = String::from(
            "openapi: 3.0.3\ninfo: { title: T, version: '1' }\ncomponents:\n  schemas:\n    \
             Shared: { type: object, properties: { a: { type: string } } }\npaths:\n",
        );
        for index in 0..40 {
            let kind = if clashes && index % 7 == 3 {
                "integer"
            } else {
                "string"
            };
            let id = if clashes && index == 31 { 5 } else { index };
            spec.push_str(&format!(
                "  /things{index}:\n    get:\n      operationId: getThing{id}\n      \
                 parameters:\n        - {{ name: sort, in: query, schema: {{ type: string, enum: \
                 [a, b] }} }}\n      responses:\n        '200':\n          description: ok\n          \
                 content:\n            application/json:\n              schema:\n                \
                 title: Thing\n                type: object\n                properties: {{ x: {{ \
                 type: {kind} }}, s: {{ $ref: '#/components/schemas/Shared' }} }}\n"
            ));
        }
        spec
    }

    #[test]
    fn passes_of_any_size_lower_as_one_pass_does() {
        let config = Config::new("things", "0.1.0");
        let document = crate::load::load(&spec(true)).expect("the spec loads");
        let whole = lower_in_passes(&document, &config, usize::MAX);
        let Err(Problems(problems)) = &whole else {
            panic!("the clashes are problems");
        };
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("is taken by the schema at"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("gives the method name"))
        );

        for size in [1, 2, 3, 7, 128] {
            assert_eq!(
                lower_in_passes(&document, &config, size),
                whole,
                "{size} a pass"
            );
        }

        let document = crate::load::load(&spec(false)).expect("the spec loads");
        let whole = lower_in_passes(&document, &config, usize::MAX).expect("no clash is left");
        assert_eq!(whole.operations.len(), 40);
        for size in [1, 3, 128] {
            assert_eq!(
                lower_in_passes(&document, &config, size).as_ref(),
                Ok(&whole)
            );
        }
    }
}
