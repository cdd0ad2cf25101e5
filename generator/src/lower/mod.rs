//! The validate-and-lower stage: the OpenAPI document into the IR.
//!
//! Lowering and validation are one pass, so that every problem is found where the data that
//! shows it is at hand. A problem never stops the pass: it is recorded with its JSON pointer
//! and lowering goes on with a stand-in, so one run reports everything wrong with a spec.

mod operation;
mod recursion;
mod schema;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::Config;
use crate::ir::{Api, Model, OAuth, Server, TypeRef};
use crate::names;
use crate::problem::{Problem, Problems, pointer};

/// Lowers a loaded document, or returns every problem found in it.
pub fn lower(document: &OpenAPI, config: &Config) -> Result<Api, Problems> {
    let mut lowerer = Lowerer::new(document, config);

    lowerer.name_component_schemas();
    lowerer.lower_component_schemas();
    let operations = lowerer.lower_operations();
    let servers = lowerer.lower_servers();
    let error_model = lowerer.shared_error_model();
    let oauth = lowerer.oauth();

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

    fn lower_servers(&mut self) -> Vec<Server> {
        let mut taken = Vec::new();
        let mut servers = Vec::new();
        for (index, server) in self.document.servers.iter().enumerate() {
            if server
                .variables
                .as_ref()
                .is_some_and(|vars| !vars.is_empty())
            {
                self.problem(
                    pointer(&["servers", &index.to_string(), "variables"]),
                    "server variables are not supported; list each server's URL on its own",
                );
                continue;
            }
            let name = server
                .description
                .clone()
                .unwrap_or_else(|| server.url.clone());
            servers.push(Server {
                variant: names::unique(names::type_name(&name), &mut taken),
                name,
                url: server.url.trim_end_matches('/').to_owned(),
            });
        }
        servers
    }

    /// The model every error response carries, when there is exactly one.
    fn shared_error_model(&self) -> Option<String> {
        match self.error_types.iter().collect::<Vec<_>>().as_slice() {
            [TypeRef::Named(name)] => Some(name.clone()),
            _ => None,
        }
    }

    /// The first OAuth 2.0 scheme in `components.securitySchemes`.
    fn oauth(&self) -> Option<OAuth> {
        let schemes = &self.document.components.as_ref()?.security_schemes;
        schemes.iter().find_map(|(name, scheme)| {
            let ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. }) = scheme else {
                return None;
            };
            let mut scopes = BTreeMap::new();
            let all_scopes = [
                flows.implicit.as_ref().map(|flow| &flow.scopes),
                flows.password.as_ref().map(|flow| &flow.scopes),
                flows.client_credentials.as_ref().map(|flow| &flow.scopes),
                flows.authorization_code.as_ref().map(|flow| &flow.scopes),
            ];
            for (scope, text) in all_scopes.into_iter().flatten().flatten() {
                scopes.entry(scope.clone()).or_insert_with(|| text.clone());
            }
            Some(OAuth {
                name: name.clone(),
                token_url: flows
                    .client_credentials
                    .as_ref()
                    .map(|f| f.token_url.clone()),
                scopes: scopes.into_iter().collect(),
            })
        })
    }
}

/// Names the generated crate uses for its own types, which a schema may not take.
fn reserved_names(config: &Config) -> Vec<String> {
    let own = [
        "Client",
        "ClientBuilder",
        "Error",
        "ApiError",
        "Result",
        "Method",
    ];
    let mut taken: Vec<String> = own.iter().map(|name| (*name).to_owned()).collect();
    taken.push(config.server_enum.clone());
    taken
}
