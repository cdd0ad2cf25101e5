//! The small owned model that templates render.
//!
//! Lowering turns the OpenAPI document into these types once; the templates see nothing
//! else. Every collection here is already in its final order, and every name is already a
//! valid, unique Rust identifier, so rendering makes no decisions of its own.

/// Everything the generated crate is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The API's title, from `info.title`.
    pub title: String,
    /// The API's version, from `info.version`.
    pub api_version: String,
    /// The API's description, from `info.description`.
    pub description: Option<String>,
    /// The servers the API is offered on, in the spec's order.
    pub servers: Vec<Server>,
    /// Every operation, ordered by path and then by method.
    pub operations: Vec<Operation>,
    /// Every named type, ordered by Rust name.
    pub models: Vec<Model>,
    /// The Rust name of the schema that every error response carries, when they share one.
    pub error_model: Option<String>,
    /// The OAuth 2.0 security scheme, when the spec declares one.
    pub oauth: Option<OAuth>,
    /// The response header that carries the server's id for a request, such as
    /// `ININ-Correlation-ID`: the first declared header whose name ends in `correlation-id`.
    pub correlation_header: Option<String>,
}

/// One entry of the spec's `servers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The enum variant that stands for this server.
    pub variant: String,
    /// The server's description, used as its name.
    pub name: String,
    /// The base URL, without a trailing slash.
    pub url: String,
    /// The OAuth token URL that goes with this server, when the spec's token URL can be
    /// carried over to it (see [`OAuth::host_rewrite`]).
    pub token_url: Option<String>,
}

/// An OAuth 2.0 security scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth {
    /// The scheme's name in `components.securitySchemes`.
    pub name: String,
    /// The token URL of the client-credentials flow, when there is one.
    pub token_url: Option<String>,
    /// How an API host becomes its token host, when the token URL's host and the first
    /// server's host differ only in their first label: `("api.", "login.")` for
    /// `api.example.com` and `login.example.com`.
    pub host_rewrite: Option<(String, String)>,
    /// The token URL's path, such as `/oauth/token`.
    pub token_path: String,
    /// Every scope any flow declares, with its description, ordered by name.
    pub scopes: Vec<(String, String)>,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// The client method's name, in snake case.
    pub method_name: String,
    /// The request builder's type name, in upper camel case.
    pub builder_name: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template, as written in the spec.
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// The one-line summary.
    pub summary: Option<String>,
    /// The longer description.
    pub description: Option<String>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// Permissions from `x-inin-requires-permissions`.
    pub permissions: Option<Permissions>,
    /// OAuth scopes any one of which grants access.
    pub scopes: Vec<String>,
    /// Parameters: required ones first, in spec order, then optional ones.
    pub params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// The type of every success response's body; `None` when they have none.
    pub success: Option<TypeRef>,
    /// Success status codes with their descriptions.
    pub success_statuses: Vec<(u16, String)>,
    /// Error status codes with their descriptions.
    pub error_statuses: Vec<(u16, String)>,
    /// How to wait on what this operation returns, from the `x-clientgen-wait` extension.
    pub wait: Option<Wait>,
}

/// Waiting for a resource to reach a final state.
#[derive(Debug, Clone, PartialEq)]
pub enum Wait {
    /// This operation reads the resource: repeat it until the state is final.
    Poll {
        /// The answer's field that holds the state.
        status_field: Field,
        /// The states after which nothing changes.
        final_states: Vec<String>,
    },
    /// This operation creates the resource: then wait on it with a polling operation.
    Submit {
        /// The client method of the polling operation.
        poll_method: String,
        /// The answer's field that holds the id the polling operation takes.
        id_field: Field,
        /// Optional parameters set on every poll, as setter name and Rust literal.
        with: Vec<(String, String)>,
    },
}

/// An HTTP method the generated client can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl HttpMethod {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// A path parameter, by its Rust name.
    Param(String),
}

/// The permissions an operation requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Permissions {
    /// Whether all of them are needed, or any one.
    pub all: bool,
    /// The permission names.
    pub names: Vec<String>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A segment of the path.
    Path,
    /// A pair of the query string.
    Query,
    /// A request header.
    Header,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust name, in snake case.
    pub rust_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
    /// The server's default, as JSON text, for the documentation.
    pub default: Option<String>,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Its type.
    pub ty: TypeRef,
    /// Whether the operation needs it; a required body is an argument of the client method.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
}

/// A type as a field, parameter or body uses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `bool`
    Bool,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `String`
    String,
    /// A date-time with its offset, normalised to UTC.
    DateTime,
    /// Any JSON value.
    Json,
    /// A generated model, by its Rust name.
    Named(String),
    /// A list.
    Array(Box<TypeRef>),
    /// A map from strings.
    Map(Box<TypeRef>),
    /// A list that the server may also send as a single item.
    OneOrMany(Box<TypeRef>),
}

impl TypeRef {
    /// The Rust type, as source text.
    pub fn rust(&self) -> String {
        match self {
            Self::Bool => "bool".into(),
            Self::I32 => "i32".into(),
            Self::I64 => "i64".into(),
            Self::F32 => "f32".into(),
            Self::F64 => "f64".into(),
            Self::String => "String".into(),
            Self::DateTime => "chrono::DateTime<chrono::Utc>".into(),
            Self::Json => "serde_json::Value".into(),
            Self::Named(name) => name.clone(),
            Self::Array(item) | Self::OneOrMany(item) => format!("Vec<{}>", item.rust()),
            Self::Map(value) => format!("std::collections::BTreeMap<String, {}>", value.rust()),
        }
    }

    /// Whether a value of this type is `Copy`, so that builders take it by value.
    pub fn is_copy(&self) -> bool {
        matches!(
            self,
            Self::Bool | Self::I32 | Self::I64 | Self::F32 | Self::F64
        )
    }

    /// Whether this type is a generated string enum.
    pub fn is_named(&self) -> bool {
        matches!(self, Self::Named(_))
    }
}

/// A named type of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The Rust type name.
    pub name: String,
    /// Where the schema is in the spec, as a JSON pointer.
    pub pointer: String,
    /// Its description.
    pub description: Option<String>,
    /// What kind of type it is.
    pub kind: ModelKind,
}

/// The shape of a model.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    /// A struct with named fields.
    Struct(Vec<Field>),
    /// A string enum that keeps values it does not know.
    Enum(StringEnum),
    /// An integer enum that keeps values it does not know.
    IntEnum(IntEnum),
    /// Another name for a type.
    Alias(TypeRef),
}

/// A field of a struct model.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust name, in snake case.
    pub rust_name: String,
    /// Its type, without the `Option` an optional field adds.
    pub ty: TypeRef,
    /// Whether the value is always there: listed in `required`, not `nullable`, and not
    /// `writeOnly` (which answers leave out).
    pub required: bool,
    /// Whether the schema marks it `readOnly`.
    pub read_only: bool,
    /// Whether it must be boxed because the type contains itself.
    pub boxed: bool,
    /// Its description.
    pub description: Option<String>,
    /// The server's default, as JSON text, for the documentation.
    pub default: Option<String>,
}

impl Field {
    /// The field's full Rust type, with the `Box` and `Option` it needs.
    pub fn rust_type(&self) -> String {
        let inner = if self.boxed {
            format!("Box<{}>", self.ty.rust())
        } else {
            self.ty.rust()
        };
        if self.required {
            inner
        } else {
            format!("Option<{inner}>")
        }
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    /// The known values, in the spec's order.
    pub variants: Vec<Variant>,
    /// The name of the variant that keeps a value not listed.
    pub other_variant: String,
}

/// An integer enum.
#[derive(Debug, Clone, PartialEq)]
pub struct IntEnum {
    /// The known values, in the spec's order, with their variant names.
    pub variants: Vec<(String, i64)>,
    /// The name of the variant that keeps a value not listed.
    pub other_variant: String,
}

/// A known value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub value: String,
}
