//! The render stage: askama templates over the IR, one per generated file.
//!
//! Templates hold the long literal text; the small helpers here turn IR values into the
//! snippets the templates splice in (doc comments, argument types, conversions), so the
//! templates stay free of decisions.

use askama::Template;

use crate::Config;
use crate::format::{END_LAID_OUT, LAID_OUT, MARGIN};
use crate::ir::{
    Api, Field, HttpMethod, Model, ModelKind, Operation, Param, ParamLocation, PathPart, TypeRef,
    Wait,
};
use crate::problem::Problem;

/// What a rendered file holds, which decides how it is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Rust source, formatted by prettyplease.
    Rust,
    /// The crate manifest, left as rendered.
    Toml,
}

/// A file as the templates wrote it, before formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// The path inside the crate.
    pub path: String,
    /// How to format it.
    pub kind: Kind,
    /// The rendered text.
    pub text: String,
}

macro_rules! templates {
    ($($name:ident => $path:literal,)*) => {
        $(
            // Every template gets the whole context, though not every one reads all of it.
            #[allow(dead_code)]
            #[derive(Template)]
            #[template(path = $path, escape = "none")]
            struct $name<'a> {
                api: &'a Api,
                config: &'a Config,
            }
        )*
    };
}

templates! {
    Manifest => "Cargo.toml.askama",
    LibRs => "lib.rs.askama",
    ClientRs => "client.rs.askama",
    EncodingRs => "encoding.rs.askama",
    ErrorRs => "error.rs.askama",
    AuthRs => "auth.rs.askama",
    RetryRs => "retry.rs.askama",
    WaitRs => "wait.rs.askama",
    ModelsRs => "models.rs.askama",
    OperationsRs => "operations.rs.askama",
}

/// Renders every file of the crate, in a fixed order, then the configuration's extra files.
///
/// The two long files take about the same time on a large spec, so the models are rendered
/// on a thread of their own while this one renders the operations and the rest.
pub fn render(api: &Api, config: &Config) -> Result<Vec<RenderedFile>, Problem> {
    let (models, operations) = std::thread::scope(|scope| {
        let models = scope.spawn(|| ModelsRs { api, config }.render());
        let operations = OperationsRs { api, config }.render();
        let models = models
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (models, operations)
    });
    let mut files = vec![
        file("Cargo.toml", Kind::Toml, Manifest { api, config }.render())?,
        file("src/lib.rs", Kind::Rust, LibRs { api, config }.render())?,
        file("src/auth.rs", Kind::Rust, AuthRs { api, config }.render())?,
        file(
            "src/client.rs",
            Kind::Rust,
            ClientRs { api, config }.render(),
        )?,
        file(
            "src/encoding.rs",
            Kind::Rust,
            EncodingRs { api, config }.render(),
        )?,
        file("src/error.rs", Kind::Rust, ErrorRs { api, config }.render())?,
        file("src/models.rs", Kind::Rust, models)?,
        file("src/operations.rs", Kind::Rust, operations)?,
        file("src/retry.rs", Kind::Rust, RetryRs { api, config }.render())?,
    ];
    if api.has_waits() {
        files.push(file(
            "src/wait.rs",
            Kind::Rust,
            WaitRs { api, config }.render(),
        )?);
    }
    for extra in &config.extra_files {
        let kind = if extra.path.ends_with(".rs") {
            Kind::Rust
        } else {
            Kind::Toml
        };
        files.push(file(&extra.path, kind, Ok(extra.contents.clone()))?);
    }
    Ok(files)
}

fn file(path: &str, kind: Kind, text: askama::Result<String>) -> Result<RenderedFile, Problem> {
    let text = text.map_err(|error| {
        Problem::at(
            "",
            format!("internal error: rendering `{path}` failed: {error}"),
        )
    })?;
    Ok(RenderedFile {
        path: path.to_owned(),
        kind,
        text,
    })
}

/// Turns free text from the spec into `///` lines that rustdoc reads as the spec meant.
///
/// Brackets and angle brackets are escaped so they cannot become broken links or HTML,
/// bare URLs are wrapped in `<…>`, indentation is dropped so no line becomes a code block,
/// and fenced blocks are marked `text` so rustdoc does not compile them as tests.
pub fn doc_comment(text: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let line = line.trim();
        if let Some(info) = line.strip_prefix("```") {
            let fence = if in_fence || !info.is_empty() && info != "rust" {
                line.to_owned()
            } else {
                "```text".to_owned()
            };
            in_fence = !in_fence;
            push_doc_line(&mut out, &fence, false);
        } else {
            push_doc_line(&mut out, line, !in_fence);
        }
    }
    if in_fence {
        push_doc_line(&mut out, "```", false);
    }
    out
}

/// Pushes `line` as a `///` line, escaped for markdown when `escape` says so.
fn push_doc_line(out: &mut String, line: &str, escape: bool) {
    if line.is_empty() {
        out.push_str("///\n");
        return;
    }
    out.push_str("/// ");
    if escape {
        push_escaped(out, line);
    } else {
        out.push_str(line);
    }
    out.push('\n');
}

fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    push_escaped(&mut out, line);
    out
}

/// Pushes `line` with each bare URL wrapped in `<…>` and every character markdown would
/// read as a link, HTML or an escape given a backslash.
fn push_escaped(out: &mut String, line: &str) {
    for (index, word) in line.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if word.starts_with("https://") || word.starts_with("http://") {
            let url = word.trim_end_matches(['.', ',', ';', ':', ')']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            out.push_str(&word[url.len()..]);
        } else {
            for character in word.chars() {
                if matches!(character, '\\' | '[' | ']' | '<' | '>') {
                    out.push('\\');
                }
                out.push(character);
            }
        }
    }
}

/// A quoted Rust string literal holding `text`.
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

impl Api {
    /// Whether any model or parameter holds a date-time, so the crate needs `chrono`.
    pub fn uses_date_time(&self) -> bool {
        fn holds(ty: &TypeRef) -> bool {
            match ty {
                TypeRef::DateTime => true,
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::OneOrMany(inner) => {
                    holds(inner)
                }
                _ => false,
            }
        }
        let in_models = self.models.iter().any(|model| match &model.kind {
            ModelKind::Struct(fields) => fields.iter().any(|field| holds(&field.ty)),
            ModelKind::Alias(ty) => holds(ty),
            ModelKind::Enum(_) | ModelKind::IntEnum(_) => false,
        });
        let in_params = self
            .operations
            .iter()
            .any(|op| op.params.iter().any(|param| holds(&param.ty)));
        in_models || in_params
    }

    /// Whether any server has a token URL of its own.
    pub fn servers_have_token_urls(&self) -> bool {
        !self.servers.is_empty() && self.servers.iter().all(|server| server.token_url.is_some())
    }

    /// Whether any operation waits for a final state.
    pub fn has_waits(&self) -> bool {
        self.operations.iter().any(|op| op.wait.is_some())
    }

    /// Whether the configuration adds examples, which need an async runtime.
    pub fn has_examples(&self, config: &Config) -> bool {
        config
            .extra_files
            .iter()
            .any(|file| file.path.starts_with("examples/"))
    }

    /// Whether any field or answer holds a list the server may send as one item.
    pub fn uses_one_or_many(&self) -> bool {
        let in_models = self.models.iter().any(|model| match &model.kind {
            ModelKind::Struct(fields) => {
                fields.iter().any(|f| matches!(f.ty, TypeRef::OneOrMany(_)))
            }
            _ => false,
        });
        in_models || self.operations.iter().any(Operation::answers_one_or_many)
    }

    /// Whether the operations need the `encoding` module.
    pub fn operations_use_encoding(&self) -> bool {
        self.has_path_params() || self.operations.iter().any(Operation::answers_one_or_many)
    }

    /// Whether any operation has a path parameter to encode.
    pub fn has_path_params(&self) -> bool {
        let path = |param: &Param| param.location == ParamLocation::Path;
        self.operations.iter().any(|op| op.params.iter().any(path))
    }

    /// Whether any operation's parameters, body or answer is a generated model.
    pub fn operations_name_models(&self) -> bool {
        fn names(ty: &TypeRef) -> bool {
            match ty {
                TypeRef::Named(_) => true,
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::OneOrMany(inner) => {
                    names(inner)
                }
                _ => false,
            }
        }
        self.operations.iter().any(|op| {
            op.params.iter().any(|param| names(&param.ty))
                || op.body.as_ref().is_some_and(|body| names(&body.ty))
                || op.success.as_ref().is_some_and(names)
        })
    }

    /// The Rust type of an error answer's body.
    pub fn error_body_type(&self) -> String {
        match &self.error_model {
            Some(name) => format!("crate::models::{name}"),
            None => "serde_json::Value".to_owned(),
        }
    }
}

impl Config {
    /// The crate's name as Rust code spells it.
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// The `ClientBuilder` method that picks a server, in snake case.
    pub fn server_method(&self) -> String {
        crate::names::value_name(&self.server_enum)
    }
}

impl Model {
    /// The model's doc comment.
    pub fn doc(&self) -> String {
        let text = self.description.as_deref().unwrap_or("");
        if text.trim().is_empty() {
            return format!("/// The `{}` schema.\n", self.name);
        }
        doc_comment(text)
    }

    /// How many fields `new` takes.
    pub fn required_count(&self) -> usize {
        match &self.kind {
            ModelKind::Struct(fields) => fields.iter().filter(|field| field.required).count(),
            _ => 0,
        }
    }

    /// The struct's `new`, with its doc comment: a laid-out region when prettyplease's
    /// layout of its body can be told in advance.
    pub fn new_fn(&self) -> String {
        let ModelKind::Struct(fields) = &self.kind else {
            return String::new();
        };
        let mut head =
            String::from("    /// A value with the required fields set and the others unset.\n");
        if self.required_count() > 7 {
            head.push_str("    #[allow(clippy::too_many_arguments)]\n");
        }
        let params: Vec<String> = fields
            .iter()
            .filter(|field| field.required)
            .map(|field| format!("{}: impl Into<{}>", field.rust_name, field.ty.rust()))
            .collect();
        let inits: Vec<String> = fields
            .iter()
            .map(|field| format!("{}: {}", field.rust_name, field.init()))
            .collect();
        function(
            &head,
            &signature("pub fn new", &params, " -> Self {"),
            "Self",
            &inits,
        )
    }

    /// Whether every field is optional, so the struct can derive `Default`.
    pub fn all_optional(&self) -> bool {
        match &self.kind {
            ModelKind::Struct(fields) => fields.iter().all(|field| !field.required),
            _ => false,
        }
    }
}

impl Field {
    /// The field's doc comment, with the server's default and a note when only the server
    /// sets it.
    pub fn doc(&self) -> String {
        let mut text = self.description.clone().unwrap_or_default();
        let mut note = |line: String| {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&line);
        };
        if let Some(default) = &self.default {
            note(format!("The server's default is `{default}`."));
        }
        if self.read_only {
            note("Set by the server; ignored in requests.".to_owned());
        }
        if text.trim().is_empty() {
            return format!("/// The `{}` field.\n", self.wire_name);
        }
        doc_comment(&text)
    }

    /// The serde attribute's arguments.
    pub fn serde_args(&self) -> String {
        let mut args = format!("rename = {}", string_literal(&self.wire_name));
        if !self.required {
            args.push_str(", default, skip_serializing_if = \"Option::is_none\"");
        }
        if matches!(self.ty, TypeRef::OneOrMany(_)) {
            let function = if self.required {
                "one_or_many"
            } else {
                "option_one_or_many"
            };
            args.push_str(&format!(
                ", deserialize_with = \"crate::encoding::{function}\""
            ));
        }
        args
    }

    /// The field's value in `new`: its argument, or unset.
    pub fn init(&self) -> String {
        if self.required {
            self.store(&format!("{}.into()", self.rust_name))
        } else {
            "None".to_owned()
        }
    }

    /// The expression that stores `value` (already converted by `Into`) in the field.
    pub fn store(&self, value: &str) -> String {
        let inner = if self.boxed {
            format!("Box::new({value})")
        } else {
            value.to_owned()
        };
        if self.required {
            inner
        } else {
            format!("Some({inner})")
        }
    }
}

impl Operation {
    /// The client method's doc comment: summary, description, the HTTP request, the
    /// permissions and scopes it needs, and the answers it can get.
    pub fn doc(&self) -> String {
        let mut text = String::new();
        for part in [&self.summary, &self.description].into_iter().flatten() {
            text.push_str(part.trim());
            text.push_str("\n\n");
        }
        let mut out = doc_comment(&text);
        if !out.is_empty() {
            out.push_str("///\n");
        }
        out.push_str(&format!(
            "/// `{} {}`\n",
            self.http_method.as_str(),
            self.path
        ));
        if let Some(permissions) = &self.permissions {
            let quantifier = if permissions.all { "all" } else { "any" };
            out.push_str(&format!(
                "///\n/// Requires {quantifier} of these permissions:\n"
            ));
            for name in &permissions.names {
                out.push_str(&format!("/// - `{name}`\n"));
            }
        }
        if !self.scopes.is_empty() {
            let scopes: Vec<String> = self.scopes.iter().map(|s| format!("`{s}`")).collect();
            out.push_str(&format!("///\n/// OAuth scopes: {}.\n", scopes.join(", ")));
        }
        let arguments: Vec<&Param> = self.required_params().collect();
        if !arguments.is_empty() {
            out.push_str("///\n/// Arguments:\n");
        }
        for param in arguments {
            let text = param
                .description
                .as_deref()
                .map(one_line)
                .unwrap_or_default();
            out.push_str(&format!("/// - `{}`: {text}\n", param.rust_name));
        }
        out
    }

    /// The doc comment of `send`, listing the answers.
    pub fn send_doc(&self) -> String {
        let mut out = String::from("/// Sends the request and decodes the answer.\n///\n");
        for (status, description) in &self.success_statuses {
            out.push_str(&format!("/// - {status}: {}\n", one_line(description)));
        }
        out.push_str("///\n/// # Errors\n///\n");
        out.push_str("/// [`Error::Api`] for an error status");
        if !self.error_statuses.is_empty() {
            let codes: Vec<String> = self
                .error_statuses
                .iter()
                .map(|(s, _)| s.to_string())
                .collect();
            out.push_str(&format!(" (the spec lists {})", codes.join(", ")));
        }
        out.push_str(
            ", [`Error::Transport`] when no answer arrives, [`Error::Decode`] when the \
             answer's body is not what the spec describes, and [`Error::InvalidRequest`] \
             when a parameter cannot be sent.\n",
        );
        out
    }

    /// The `reqwest::Method` constant.
    pub fn method_constant(&self) -> &'static str {
        match self.http_method {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Whether the answer is a list the server may send as one item.
    pub fn answers_one_or_many(&self) -> bool {
        matches!(self.success, Some(TypeRef::OneOrMany(_)))
    }

    /// The expression that sends `request` and decodes the answer.
    pub fn send_call(&self) -> String {
        match &self.success {
            None => "self.client.send_without_body(request).await".to_owned(),
            Some(TypeRef::OneOrMany(item)) => format!(
                "self.client.send::<encoding::OneOrMany<{}>>(request).await.map(|list| list.0)",
                item.rust_with("models::")
            ),
            Some(_) => "self.client.send(request).await".to_owned(),
        }
    }

    /// The methods that wait on what this operation returns, from its `x-clientgen-wait`.
    pub fn wait_code(&self, api: &Api) -> String {
        match &self.wait {
            None => String::new(),
            Some(Wait::Poll {
                status_field,
                final_states,
            }) => poll_code(&self.output_type(), status_field, final_states),
            Some(Wait::Submit {
                poll_method,
                id_field,
                with,
            }) => {
                let poll = api
                    .operations
                    .iter()
                    .find(|op| &op.method_name == poll_method);
                let output = poll.map_or_else(|| self.output_type(), Operation::output_type);
                submit_code(&output, poll_method, id_field, with)
            }
        }
    }

    /// The client method that starts the request, with its doc comment: a laid-out region
    /// when prettyplease's layout of its body can be told in advance.
    pub fn client_method(&self) -> String {
        let mut head = self.doc();
        if self.deprecated {
            head.push_str("    #[deprecated = \"the spec marks this operation deprecated\"]\n");
        }
        let mut params = vec!["&self".to_owned()];
        let mut inits = vec!["client: self".to_owned()];
        params.extend(
            self.required_params()
                .map(|param| format!("{}: {}", param.rust_name, param.arg_type())),
        );
        inits.extend(self.params.iter().map(Param::init));
        if let Some(body) = &self.body {
            if body.required {
                params.push(format!("body: {}", body.ty.rust_with("models::")));
                inits.push("body".to_owned());
            } else {
                inits.push("body: None".to_owned());
            }
        }
        let name = format!("pub fn {}", self.method_name);
        let tail = format!(" -> {}<'_> {{", self.builder_name);
        function(
            &head,
            &signature(&name, &params, &tail),
            &self.builder_name,
            &inits,
        )
    }

    /// Whether `send` adds anything to the request after making it.
    pub fn builds_request(&self) -> bool {
        self.body.is_some()
            || self
                .params
                .iter()
                .any(|p| p.location != ParamLocation::Path)
    }

    /// The required parameters, which are arguments of the client method.
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| param.required)
    }

    /// The optional parameters, which are setters of the builder.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| !param.required)
    }

    /// The type `send` returns on success.
    pub fn output_type(&self) -> String {
        self.success
            .as_ref()
            .map_or_else(|| "()".to_owned(), |ty| ty.rust_with("models::"))
    }

    /// Statements that build the encoded path in `path`, laid out as the body of `send`.
    pub fn path_code(&self) -> String {
        let mut code = format!("{LAID_OUT}\n{BODY}let mut path = String::new();\n");
        for part in &self.path_parts {
            match part {
                PathPart::Literal(text) if text.chars().count() == 1 => {
                    let single: String = text.chars().flat_map(char::escape_default).collect();
                    code.push_str(&format!("{BODY}path.push('{single}');\n"));
                }
                PathPart::Literal(text) => {
                    code.push_str(&format!("{BODY}path.push_str({});\n", string_literal(text)));
                }
                PathPart::Param(rust_name) => {
                    let param = self.params.iter().find(|p| &p.rust_name == rust_name);
                    let (wire, text) = param.map_or_else(
                        || (rust_name.clone(), "\"\"".to_owned()),
                        |param| (param.wire_name.clone(), param.segment_text()),
                    );
                    code.push_str(&format!(
                        "{BODY}path.push_str(&encoding::path_segment({}, {text})?);\n",
                        string_literal(&wire)
                    ));
                }
            }
        }
        code.push_str(END_LAID_OUT);
        code
    }

    /// Statements that add the query and header parameters to `request`, laid out as the
    /// body of `send`, one region each.
    pub fn params_code(&self) -> String {
        let mut code = String::new();
        for param in &self.params {
            let (method, check) = match param.location {
                ParamLocation::Path => continue,
                ParamLocation::Query => ("query", ""),
                ParamLocation::Header => ("header", "?"),
            };
            let wire = string_literal(&param.wire_name);
            let field = format!("self.{}", param.rust_name);
            code.push_str(LAID_OUT);
            code.push('\n');
            let indent = if param.required {
                code.push_str(&format!("{BODY}let value = &{field};\n"));
                BODY.to_owned()
            } else {
                code.push_str(&format!("{BODY}if let Some(value) = &{field} {{\n"));
                format!("{BODY}    ")
            };
            match &param.ty {
                TypeRef::Array(item) => {
                    let text = text_of(item, "item");
                    code.push_str(&format!(
                        "{indent}for item in value {{\n{indent}    request.{method}({wire}, \
                         {text}){check};\n{indent}}}\n"
                    ));
                }
                ty => {
                    let text = text_of(ty, "value");
                    code.push_str(&format!(
                        "{indent}request.{method}({wire}, {text}){check};\n"
                    ));
                }
            }
            if !param.required {
                code.push_str(&format!("{BODY}}}\n"));
            }
            code.push_str(END_LAID_OUT);
            code.push('\n');
        }
        code
    }
}

/// The indentation of a statement in the body of a method.
const BODY: &str = "        ";

/// A method's signature as prettyplease prints it: on one line when that fits the margin,
/// else one parameter a line. A parameter too long for a line of its own is broken further
/// by prettyplease, and the line check of the format stage sends the method to it.
fn signature(head: &str, params: &[String], tail: &str) -> String {
    let line = format!("    {head}({}){tail}", params.join(", "));
    if line.len() <= MARGIN {
        return line;
    }
    let mut text = format!("    {head}(\n");
    for param in params {
        text.push_str(&format!("        {param},\n"));
    }
    text.push_str(&format!("    ){tail}"));
    text
}

/// How wide a struct expression must be on one line to be written broken, one field a line,
/// as a laid-out region. prettyplease breaks one that is wider than 34 columns; those near
/// that width are left for it to lay out.
const CLEARLY_BROKEN: usize = 40;

/// A method whose body is the struct expression `path { fields }`, after `head` (its doc
/// comment and attributes) and `signature`: a laid-out region when the expression is wider
/// than [`CLEARLY_BROKEN`], else written on one line for prettyplease to lay out.
fn function(head: &str, signature: &str, path: &str, fields: &[String]) -> String {
    let one_line = format!("{path} {{ {} }}", fields.join(", "));
    if one_line.len() <= CLEARLY_BROKEN {
        return format!("{head}{signature}\n        {one_line}\n    }}");
    }
    let mut text = format!("{LAID_OUT}\n{head}{signature}\n        {path} {{\n");
    for field in fields {
        text.push_str(&format!("            {field},\n"));
    }
    text.push_str(&format!("        }}\n    }}\n{END_LAID_OUT}"));
    text
}

impl Param {
    /// The doc comment of the parameter's argument or setter.
    pub fn doc(&self) -> String {
        let mut text = self.description.clone().unwrap_or_default();
        if let Some(default) = &self.default {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("The server uses `{default}` when it is not set."));
        }
        if text.trim().is_empty() {
            return format!("/// Sets the `{}` parameter.\n", self.wire_name);
        }
        doc_comment(&text)
    }

    /// The type a caller passes: anything that becomes a `String`, or the type itself.
    pub fn arg_type(&self) -> String {
        match &self.ty {
            TypeRef::String => "impl Into<String>".to_owned(),
            ty => ty.rust_with("models::"),
        }
    }

    /// The type the builder stores.
    pub fn stored_type(&self) -> String {
        let ty = self.ty.rust_with("models::");
        if self.required {
            ty
        } else {
            format!("Option<{ty}>")
        }
    }

    /// The field's initialiser in the client method: the argument, or unset.
    pub fn init(&self) -> String {
        match (&self.ty, self.required) {
            (_, false) => format!("{}: None", self.rust_name),
            (TypeRef::String, true) => format!("{0}: {0}.into()", self.rust_name),
            (_, true) => self.rust_name.clone(),
        }
    }

    /// The argument converted to the stored type.
    pub fn stored_value(&self) -> String {
        match &self.ty {
            TypeRef::String => format!("{}.into()", self.rust_name),
            _ => self.rust_name.clone(),
        }
    }

    /// An expression giving the parameter's text as a `&str`, for a path segment.
    pub fn segment_text(&self) -> String {
        let place = format!("self.{}", self.rust_name);
        match &self.ty {
            TypeRef::String => format!("&{place}"),
            ty => format!("&{}", text_of(ty, &place)),
        }
    }
}

fn poll_code(output: &str, status: &Field, final_states: &[String]) -> String {
    let field = &status.rust_name;
    let pattern: Vec<String> = final_states.iter().map(|s| string_literal(s)).collect();
    let pattern = pattern.join(" | ");
    let judge = match (&status.ty, status.required) {
        (_, true) => format!(
            "let state = answer.{field}.as_str();\n(matches!(state, {pattern}), state.to_owned())"
        ),
        (TypeRef::String, false) => format!(
            "let state = answer.{field}.as_deref();\n\
             (matches!(state, Some({pattern})), state.unwrap_or(\"unknown\").to_owned())"
        ),
        (_, false) => format!(
            "let state = answer.{field}.as_ref().map(|state| state.as_str());\n\
             (matches!(state, Some({pattern})), state.unwrap_or(\"unknown\").to_owned())"
        ),
    };
    let listed: Vec<String> = final_states.iter().map(|s| format!("`{s}`")).collect();
    format!(
        "/// Sends this request again, with growing pauses, until the answer's `{wire}` is \
         final ({listed}), and returns that answer.\n\
         ///\n/// # Errors\n///\n\
         /// [`Error::WaitTimeout`] when no final state comes within `options.timeout`, and any \
         error of [`send`](Self::send).\n\
         pub async fn wait(self, options: WaitOptions) -> Result<{output}, Error> {{\n\
             crate::wait::until_final(&options, || self.clone().send(), |answer| {{\n\
                 {judge}\n\
             }}).await\n\
         }}\n",
        wire = status.wire_name,
        listed = listed.join(", "),
    )
}

fn submit_code(output: &str, poll_method: &str, id: &Field, with: &[(String, String)]) -> String {
    let field = &id.rust_name;
    let take_id = if id.required {
        format!("let id = created.{field};\n")
    } else {
        format!(
            "let Some(id) = created.{field} else {{\n\
                 return Err(Error::Protocol(\"the answer has no `{wire}` to wait on\".to_owned()));\n\
             }};\n",
            wire = id.wire_name
        )
    };
    let setters: String = with
        .iter()
        .map(|(name, value)| format!(".{name}({value})"))
        .collect();
    format!(
        "/// Sends this request, then waits with [`Client::{poll_method}`] until what it made \
         is final, and returns that.\n\
         ///\n/// # Errors\n///\n\
         /// Any error of [`send`](Self::send), [`Error::Protocol`] when the answer has no \
         `{wire}`, and [`Error::WaitTimeout`] when no final state comes within \
         `options.timeout`.\n\
         pub async fn send_and_wait(self, options: WaitOptions) -> Result<{output}, Error> {{\n\
             let client = self.client;\n\
             let created = self.send().await?;\n\
             {take_id}\
             client.{poll_method}(id){setters}.wait(options).await\n\
         }}\n",
        wire = id.wire_name,
    )
}

/// An expression turning `place` (a value of `ty`, or a reference to one) into its text on
/// the wire, as a `String`.
fn text_of(ty: &TypeRef, place: &str) -> String {
    match ty {
        TypeRef::String => format!("{place}.clone()"),
        TypeRef::DateTime => {
            format!("{place}.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)")
        }
        _ => format!("{place}.to_string()"),
    }
}

fn one_line(text: &str) -> String {
    escape_markdown(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

impl TypeRef {
    /// The Rust type, with generated models named through `models` (such as `models::`).
    pub fn rust_with(&self, models: &str) -> String {
        match self {
            Self::Named(name) => format!("{models}{name}"),
            Self::Array(item) | Self::OneOrMany(item) => {
                format!("Vec<{}>", item.rust_with(models))
            }
            Self::Map(value) => {
                format!(
                    "std::collections::BTreeMap<String, {}>",
                    value.rust_with(models)
                )
            }
            other => other.rust(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::doc_comment;

    #[test]
    fn doc_comments_are_safe_for_rustdoc() {
        let text = "See https://example.com/x. Use [x] and <T>.\n    indented\n```\nlet a;\n```";
        let expected = "/// See <https://example.com/x>. Use \\[x\\] and \\<T\\>.\n\
                        /// indented\n/// ```text\n/// let a;\n/// ```\n";
        assert_eq!(doc_comment(text), expected);
    }

    #[test]
    fn an_unclosed_fence_is_closed() {
        assert_eq!(doc_comment("```\nx"), "/// ```text\n/// x\n/// ```\n");
    }
}
