//! Paths and operations into IR operations.

use std::collections::{BTreeSet, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    Components, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response,
    Responses, StatusCode,
};

use super::Lowerer;
use super::schema::unescape;
use crate::ir::{
    Body, HttpMethod, ModelKind, Operation, Param, ParamLocation, PathPart, Permissions, TypeRef,
};
use crate::names;
use crate::problem::{escape_token, pointer};

/// The vendor extension that lists the permissions an operation needs.
const PERMISSIONS_EXTENSION: &str = "x-inin-requires-permissions";

/// The generator's own extension that says how to wait on what an operation returns.
pub(super) const WAIT_EXTENSION: &str = "x-clientgen-wait";

/// What an operation's responses come to.
struct Outcomes {
    success: Option<TypeRef>,
    success_statuses: Vec<(u16, String)>,
    error_statuses: Vec<(u16, String)>,
}

impl<'a> Lowerer<'a> {
    /// Lowers every operation, ordered by path and then by method.
    /// Lowers the operations of `paths`, each with its JSON pointer, in their order.
    pub(super) fn lower_operations<'p>(
        &mut self,
        paths: impl Iterator<Item = (&'p String, &'p ReferenceOr<PathItem>)>,
    ) -> Vec<(String, Operation)>
    where
        'a: 'p,
    {
        let mut operations = Vec::new();
        for (path, item) in paths {
            let item_at = pointer(&["paths", path]);
            let ReferenceOr::Item(item) = item else {
                self.problem(item_at, "a `$ref` path item is not supported; write it out");
                continue;
            };
            for (method, operation) in item.iter() {
                let at = format!("{item_at}/{method}");
                if let Some(lowered) = self.lower_operation(path, method, item, operation, &at) {
                    operations.push((at, lowered));
                }
            }
        }
        operations
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &PathItem,
        operation: &openapiv3::Operation,
        at: &str,
    ) -> Option<Operation> {
        if operation.operation_id.is_none() {
            self.problem(
                at,
                "the operation has no `operationId`; add one, since the client method is \
                 named after it",
            );
        }
        // Without an id the rest is still checked, under a stand-in name, so that one run
        // reports every problem.
        let id = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        let builder_name = names::type_name(&id);
        let params = self.parameters(&builder_name, item, operation, at);
        let path_parts = self.path_parts(path, &params, at);
        let body = operation
            .request_body
            .as_ref()
            .and_then(|body| self.request_body(body, &format!("{at}/requestBody"), &builder_name));
        let outcomes = self.responses(&operation.responses, at, &builder_name);

        let permissions = self.permissions(operation, at);
        let scopes = self.scopes(operation, at);
        if let Some(wait) = operation.extensions.get(WAIT_EXTENSION) {
            let pointer = format!("{at}/{WAIT_EXTENSION}");
            self.waits.push((id.clone(), pointer, wait.clone()));
        }
        operation.operation_id.as_ref()?;
        Some(Operation {
            method_name: names::value_name(&id),
            id,
            builder_name,
            http_method: http_method(method),
            path: path.to_owned(),
            path_parts,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            permissions,
            scopes,
            params,
            body,
            success: outcomes.success,
            success_statuses: outcomes.success_statuses,
            error_statuses: outcomes.error_statuses,
            wait: None,
        })
    }

    /// The path item's parameters and the operation's own, which replace those of the same
    /// name and place; required ones first.
    fn parameters(
        &mut self,
        builder: &str,
        item: &PathItem,
        operation: &openapiv3::Operation,
        at: &str,
    ) -> Vec<Param> {
        let item_at = at.rsplit_once('/').map_or("", |(parent, _)| parent);
        let declared = item
            .parameters
            .iter()
            .enumerate()
            .map(|(index, p)| (format!("{item_at}/parameters/{index}"), p))
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(index, p)| (format!("{at}/parameters/{index}"), p)),
            );
        let mut params: Vec<Param> = Vec::new();
        for (param_at, parameter) in declared {
            let Some((parameter, param_at)) = self.resolve_parameter(parameter, param_at) else {
                continue;
            };
            let Some(param) = self.lower_parameter(parameter, &param_at, builder) else {
                continue;
            };
            params.retain(|p| !(p.wire_name == param.wire_name && p.location == param.location));
            params.push(param);
        }
        let mut taken = HashSet::new();
        for param in &mut params {
            param.rust_name = names::unique(param.rust_name.clone(), &mut taken);
        }
        params.sort_by_key(|param| !param.required);
        params
    }

    fn resolve_parameter<'p>(
        &mut self,
        parameter: &'p ReferenceOr<Parameter>,
        at: String,
    ) -> Option<(&'p Parameter, String)>
    where
        'a: 'p,
    {
        let components = self.document.components.as_ref();
        let section = ("parameters", "parameter");
        let found = resolve_in(components, parameter, &at, section, |c| &c.parameters);
        found
            .map_err(|message| self.problem(format!("{at}/$ref"), message))
            .ok()
    }

    fn lower_parameter(&mut self, parameter: &Parameter, at: &str, builder: &str) -> Option<Param> {
        let location = match parameter {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                self.problem(
                    format!("{at}/in"),
                    "cookie parameters are not supported; send the value as a header or \
                     query parameter",
                );
                return None;
            }
        };
        let data = parameter.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            self.problem(
                format!("{at}/content"),
                "a parameter described by `content` is not supported; describe it with \
                 `schema`",
            );
            return None;
        };
        if location == ParamLocation::Path && !data.required {
            self.problem(
                format!("{at}/required"),
                "a path parameter must be `required: true`",
            );
        }
        let context = format!("{builder}{}", names::type_name(&data.name));
        let ty = self.type_of(schema, &format!("{at}/schema"), &context);
        self.check_parameter_type(&ty, location, at);
        let default = schema
            .as_item()
            .and_then(|schema| schema.schema_data.default.as_ref())
            .map(serde_json::Value::to_string);
        Some(Param {
            wire_name: data.name.clone(),
            rust_name: names::value_name(&data.name),
            location,
            ty,
            required: data.required,
            description: data.description.clone(),
            default,
        })
    }

    /// Parameters travel as text: scalars and string enums anywhere, and lists of them in
    /// the query.
    fn check_parameter_type(&mut self, ty: &TypeRef, location: ParamLocation, at: &str) {
        let scalar = |ty: &TypeRef| match ty {
            TypeRef::Named(name) => self.model(name).is_some_and(|model| {
                matches!(model.kind, ModelKind::Enum(_) | ModelKind::IntEnum(_))
            }),
            TypeRef::Json | TypeRef::Array(_) | TypeRef::Map(_) => false,
            _ => true,
        };
        let fits = match (ty, location) {
            (TypeRef::Array(item), ParamLocation::Query) => scalar(item),
            _ => scalar(ty),
        };
        if !fits {
            self.problem(
                format!("{at}/schema"),
                "this parameter's type is not supported: a parameter must be a scalar or a \
                 string enum, or in the query a list of them",
            );
        }
    }

    fn path_parts(&mut self, path: &str, params: &[Param], at: &str) -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|close| open + close) else {
                self.problem(pointer(&["paths", path]), "the path has a `{` with no `}`");
                return parts;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params
                .iter()
                .find(|p| p.location == ParamLocation::Path && p.wire_name == name)
            {
                Some(param) => parts.push(PathPart::Param(param.rust_name.clone())),
                None => {
                    let message = format!(
                        "the path has `{{{name}}}`, but the operation declares no path \
                         parameter `{name}`"
                    );
                    self.problem(at, message);
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        for param in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !path.contains(&format!("{{{}}}", param.wire_name)) {
                let message = format!(
                    "path parameter `{}` does not appear in the path `{path}`",
                    param.wire_name
                );
                self.problem(at, message);
            }
        }
        parts
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        at: &str,
        builder: &str,
    ) -> Option<Body> {
        let components = self.document.components.as_ref();
        let section = ("requestBodies", "request body");
        let (body, at) = match resolve_in(components, body, at, section, |c| &c.request_bodies) {
            Ok(found) => found,
            Err(message) => {
                self.problem(format!("{at}/$ref"), message);
                return None;
            }
        };
        let Some((media_type, media)) = body.content.iter().find(|(name, _)| is_json(name)) else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            let message = format!(
                "request bodies of type `{}` are not supported; only JSON \
                 (`application/json`) is",
                found.join("`, `")
            );
            self.problem(format!("{at}/content"), message);
            return None;
        };
        let schema_at = format!("{at}/content/{}/schema", escape_token(media_type));
        let ty = match &media.schema {
            Some(schema) => self.type_of(schema, &schema_at, &format!("{builder}Body")),
            None => TypeRef::Json,
        };
        Some(Body {
            ty,
            required: body.required,
            description: body.description.clone(),
        })
    }

    fn responses(&mut self, responses: &Responses, at: &str, builder: &str) -> Outcomes {
        let mut outcomes = Outcomes {
            success: None,
            success_statuses: Vec::new(),
            error_statuses: Vec::new(),
        };
        let mut success_types: BTreeSet<Option<TypeRef>> = BTreeSet::new();
        for (code, response) in &responses.responses {
            let status = match code {
                StatusCode::Code(code) => *code,
                StatusCode::Range(range) => range * 100,
            };
            let response_at = format!("{at}/responses/{code}");
            let Some(response) = self.resolve_response(response, &response_at) else {
                continue;
            };
            let ty = self.response_type(response, &response_at, &format!("{builder}Response"));
            if (200..300).contains(&status) {
                success_types.insert(ty);
                outcomes
                    .success_statuses
                    .push((status, response.description.clone()));
            } else {
                self.error_types.extend(ty);
                outcomes
                    .error_statuses
                    .push((status, response.description.clone()));
            }
        }
        if let Some(default) = &responses.default {
            let default_at = format!("{at}/responses/default");
            if let Some(response) = self.resolve_response(default, &default_at) {
                let ty = self.response_type(response, &default_at, &format!("{builder}Error"));
                self.error_types.extend(ty);
            }
        }
        if success_types.len() > 1 {
            let found: Vec<String> = success_types
                .iter()
                .map(|ty| {
                    ty.as_ref()
                        .map_or_else(|| "no body".to_owned(), TypeRef::rust)
                })
                .collect();
            let message = format!(
                "the success responses differ in body ({}); the client returns one type per \
                 operation, so give every 2XX response the same schema",
                found.join(", ")
            );
            self.problem(format!("{at}/responses"), message);
        }
        outcomes.success = success_types.into_iter().next().flatten();
        outcomes.success_statuses.sort();
        outcomes.error_statuses.sort();
        outcomes
    }

    fn resolve_response<'r>(
        &mut self,
        response: &'r ReferenceOr<Response>,
        at: &str,
    ) -> Option<&'r Response>
    where
        'a: 'r,
    {
        let components = self.document.components.as_ref();
        let section = ("responses", "response");
        match resolve_in(components, response, at, section, |c| &c.responses) {
            Ok((response, _)) => Some(response),
            Err(message) => {
                self.problem(format!("{at}/$ref"), message);
                None
            }
        }
    }

    /// The JSON body's type, or `None` for a response without a JSON body.
    fn response_type(&mut self, response: &Response, at: &str, context: &str) -> Option<TypeRef> {
        self.response_headers
            .extend(response.headers.keys().cloned());
        let (media_type, media) = response.content.iter().find(|(name, _)| is_json(name))?;
        let schema_at = format!("{at}/content/{}/schema", escape_token(media_type));
        Some(match &media.schema {
            Some(schema) => self.type_of(schema, &schema_at, context),
            None => TypeRef::Json,
        })
    }

    fn permissions(&mut self, operation: &openapiv3::Operation, at: &str) -> Option<Permissions> {
        let value = operation.extensions.get(PERMISSIONS_EXTENSION)?;
        let all = match value.get("type").and_then(serde_json::Value::as_str) {
            Some("ALL") => Some(true),
            Some("ANY") => Some(false),
            _ => None,
        };
        let names: Option<Vec<String>> = value
            .get("permissions")
            .and_then(serde_json::Value::as_array)
            .and_then(|list| list.iter().map(|v| v.as_str().map(str::to_owned)).collect());
        match (all, names) {
            (Some(all), Some(names)) => Some(Permissions { all, names }),
            _ => {
                self.problem(
                    format!("{at}/{PERMISSIONS_EXTENSION}"),
                    "expected `type: ALL` or `type: ANY` and `permissions:` with a list of \
                     names",
                );
                None
            }
        }
    }

    /// The OAuth scopes of the operation's security requirements, or the document's.
    fn scopes(&mut self, operation: &openapiv3::Operation, at: &str) -> Vec<String> {
        let requirements = operation
            .security
            .as_ref()
            .or(self.document.security.as_ref());
        let schemes = self
            .document
            .components
            .as_ref()
            .map(|c| &c.security_schemes);
        let mut scopes: Vec<String> = Vec::new();
        for (index, requirement) in requirements.into_iter().flatten().enumerate() {
            for (scheme, needed) in requirement {
                if !schemes.is_some_and(|schemes| schemes.contains_key(scheme)) {
                    let message = format!(
                        "the security requirement names `{scheme}`, which \
                         `components.securitySchemes` does not define"
                    );
                    self.problem(format!("{at}/security/{index}"), message);
                }
                for scope in needed {
                    if !scopes.contains(scope) {
                        scopes.push(scope.clone());
                    }
                }
            }
        }
        scopes.sort();
        scopes
    }
}

/// `item` itself with `at`, or the entry of `components.<section>` its `$ref` names with that
/// entry's pointer; else a message naming what the reference should be.
fn resolve_in<'d, T>(
    components: Option<&'d Components>,
    item: &'d ReferenceOr<T>,
    at: &str,
    (section, noun): (&str, &str),
    entries: impl FnOnce(&'d Components) -> &'d IndexMap<String, ReferenceOr<T>>,
) -> Result<(&'d T, String), String> {
    let reference = match item {
        ReferenceOr::Item(item) => return Ok((item, at.to_owned())),
        ReferenceOr::Reference { reference } => reference,
    };
    let prefix = format!("#/components/{section}/");
    let name = reference.strip_prefix(&prefix).map(unescape);
    let found = name
        .as_ref()
        .and_then(|name| entries(components?).get(name)?.as_item());
    match (found, name) {
        (Some(found), Some(name)) => Ok((found, pointer(&["components", section, &name]))),
        _ => Err(format!(
            "`$ref: {reference}` points to no {noun}: it must name an entry of `{prefix}` \
             that is written out"
        )),
    }
}

fn http_method(method: &str) -> HttpMethod {
    match method {
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => HttpMethod::Get,
    }
}

/// Whether a media type is JSON: `application/json` or a `+json` suffix, parameters aside.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}
