//! Schemas into models and type references.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{
    IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use crate::ir::{Field, IntEnum, Model, ModelKind, StringEnum, TypeRef, Variant};
use crate::names;
use crate::problem::{escape_token, pointer};

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

impl Lowerer<'_> {
    /// Lowers every schema of `components.schemas` into a model of its own.
    pub(super) fn lower_component_schemas(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let at = pointer(&["components", "schemas", name]);
            let rust_name = self.component_names[name].clone();
            match schema {
                ReferenceOr::Reference { reference } => {
                    let ty = self.resolve(reference, &at);
                    self.add_model(Model {
                        name: rust_name,
                        pointer: at,
                        description: None,
                        kind: ModelKind::Alias(ty),
                    });
                }
                ReferenceOr::Item(schema) => self.lower_named(rust_name, &at, schema),
            }
        }
    }

    /// The type of a schema where it is used. An inline object or enum becomes a model
    /// named by its `title`, or else by `context`.
    pub(super) fn type_of(
        &mut self,
        schema: &ReferenceOr<Schema>,
        at: &str,
        context: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve(reference, at),
            ReferenceOr::Item(schema) => self.type_of_schema(schema, at, context),
        }
    }

    fn type_of_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        at: &str,
        context: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve(reference, at),
            ReferenceOr::Item(schema) => self.type_of_schema(schema, at, context),
        }
    }

    fn type_of_schema(&mut self, schema: &Schema, at: &str, context: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                self.inline_model(schema, at, context)
            }
            SchemaKind::Type(Type::String(string)) => match string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(integer)) if !integer.enumeration.is_empty() => {
                self.inline_model(schema, at, context)
            }
            SchemaKind::Type(Type::Integer(integer)) => match integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => {
                        self.type_of_boxed(items, &format!("{at}/items"), &format!("{context}Item"))
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Array(Box::new(item))
            }
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                self.map_of(object.additional_properties.as_ref(), at, context)
            }
            SchemaKind::Type(Type::Object(_)) => self.inline_model(schema, at, context),
            SchemaKind::AllOf { all_of } if all_of.is_empty() => {
                self.problem(
                    at,
                    "`allOf` lists no schemas; give it at least one, or remove it",
                );
                TypeRef::Json
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                self.type_of(&all_of[0], &format!("{at}/allOf/0"), context)
            }
            SchemaKind::AllOf { .. } => self.inline_model(schema, at, context),
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                self.inline_model(schema, at, context)
            }
            SchemaKind::Any(any) if *any == openapiv3::AnySchema::default() => TypeRef::Json,
            SchemaKind::Any(_) => self.unsupported(at, "this combination of schema keywords"),
            SchemaKind::OneOf { one_of } => match one_or_many(one_of) {
                Some(single) => {
                    let item =
                        self.type_of(&one_of[single], &format!("{at}/oneOf/{single}"), context);
                    TypeRef::OneOrMany(Box::new(item))
                }
                None => {
                    let message = "`oneOf` is supported only as one item or a list of that \
                                   item; describe the value with one object, array or scalar \
                                   schema (`allOf` may merge objects)";
                    self.problem(at, message);
                    TypeRef::Json
                }
            },
            SchemaKind::AnyOf { .. } => self.unsupported(at, "`anyOf`"),
            SchemaKind::Not { .. } => self.unsupported(at, "`not`"),
        }
    }

    fn unsupported(&mut self, at: &str, what: &str) -> TypeRef {
        self.problem(
            at,
            format!(
                "{what} is not supported; describe the value with one object, array or \
                 scalar schema (`allOf` may merge objects)"
            ),
        );
        TypeRef::Json
    }

    fn map_of(
        &mut self,
        additional: Option<&openapiv3::AdditionalProperties>,
        at: &str,
        context: &str,
    ) -> TypeRef {
        let value = match additional {
            Some(openapiv3::AdditionalProperties::Schema(schema)) => self.type_of(
                schema,
                &format!("{at}/additionalProperties"),
                &format!("{context}Value"),
            ),
            _ => TypeRef::Json,
        };
        TypeRef::Map(Box::new(value))
    }

    fn inline_model(&mut self, schema: &Schema, at: &str, context: &str) -> TypeRef {
        let name = match &schema.schema_data.title {
            Some(title) => names::type_name(title),
            None => context.to_owned(),
        };
        self.lower_named(name.clone(), at, schema);
        TypeRef::Named(name)
    }

    /// Lowers a schema that gets a type of its own, named `name`.
    fn lower_named(&mut self, name: String, at: &str, schema: &Schema) {
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object))
                if object.properties.is_empty() && object.additional_properties.is_some() =>
            {
                ModelKind::Alias(self.map_of(object.additional_properties.as_ref(), at, &name))
            }
            SchemaKind::Type(Type::Object(object)) => {
                ModelKind::Struct(self.fields(&name, at, &object.properties, &object.required))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                ModelKind::Struct(self.fields(&name, at, &any.properties, &any.required))
            }
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                ModelKind::Enum(string_enum(&string.enumeration))
            }
            SchemaKind::Type(Type::Integer(integer)) if !integer.enumeration.is_empty() => {
                ModelKind::IntEnum(int_enum(&integer.enumeration))
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => {
                ModelKind::Struct(self.merged_fields(&name, at, all_of))
            }
            _ => ModelKind::Alias(self.type_of_schema(schema, at, &name)),
        };
        self.add_model(Model {
            name,
            pointer: at.to_owned(),
            description: schema.schema_data.description.clone(),
            kind,
        });
    }

    pub(super) fn add_model(&mut self, model: Model) {
        if let Some(repeats) = &mut self.repeats {
            // In a pass, the merge decides; the pass keeps the first model of each name for
            // itself to see.
            if self.models.contains_key(&model.name)
                || self.base.is_some_and(|base| base.contains_key(&model.name))
            {
                repeats.push(model);
            } else {
                self.models.insert(model.name.clone(), model);
            }
            return;
        }
        if let Some(existing) = self.models.get(&model.name) {
            // The same titled schema written out in two places is one type.
            if existing.kind != model.kind {
                let message = format!(
                    "this schema's Rust name `{}` is taken by the schema at {}; give one of \
                     them a distinct `title`",
                    model.name, existing.pointer
                );
                self.problem(model.pointer, message);
            }
            return;
        }
        if super::is_reserved(&model.name, self.config) {
            let message = format!(
                "the Rust name `{}` is the generated crate's own; give this schema another \
                 `title`",
                model.name
            );
            self.problem(model.pointer, message);
            return;
        }
        self.models.insert(model.name.clone(), model);
    }

    fn fields(
        &mut self,
        model: &str,
        at: &str,
        properties: &Properties,
        required: &[String],
    ) -> Vec<Field> {
        for name in required {
            if !properties.contains_key(name) {
                let message = format!("`{name}` is listed as required but is not a property");
                self.problem(format!("{at}/required"), message);
            }
        }
        // Fields go by name, so that the order the spec lists properties in does not matter.
        let mut sorted: Vec<(&String, &ReferenceOr<Box<Schema>>)> = properties.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut taken = HashSet::new();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, property) in sorted {
            let at = format!("{at}/properties/{}", escape_token(wire_name));
            let context = format!("{model}{}", names::type_name(wire_name));
            let ty = self.type_of_boxed(property, &at, &context);
            let data = property.as_item().map(|schema| &schema.schema_data);
            let always = data.is_none_or(|data| !data.nullable && !data.write_only);
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name: names::unique(names::value_name(wire_name), &mut taken),
                ty,
                required: required.contains(wire_name) && always,
                read_only: data.is_some_and(|data| data.read_only),
                boxed: false,
                description: data.and_then(|data| data.description.clone()),
                default: data
                    .and_then(|data| data.default.as_ref())
                    .map(|v| v.to_string()),
            });
        }
        fields
    }

    /// The fields of an `allOf` whose parts are all objects, merged into one struct.
    fn merged_fields(
        &mut self,
        model: &str,
        at: &str,
        parts: &[ReferenceOr<Schema>],
    ) -> Vec<Field> {
        let mut properties = Properties::new();
        let mut required = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            let part_at = format!("{at}/allOf/{index}");
            let schema = match part {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { reference } => self.component_schema(reference),
            };
            let object = schema.and_then(|schema| match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    Some((&object.properties, &object.required))
                }
                SchemaKind::Any(any) if !any.properties.is_empty() => {
                    Some((&any.properties, &any.required))
                }
                _ => None,
            });
            match object {
                Some((props, needed)) => {
                    properties.extend(props.iter().map(|(k, v)| (k.clone(), v.clone())));
                    required.extend(needed.iter().cloned());
                }
                None => self.problem(
                    part_at,
                    "`allOf` with several parts can merge only object schemas with \
                     `properties`; this part is not one",
                ),
            }
        }
        self.fields(model, at, &properties, &required)
    }

    /// A schema of `components.schemas` by reference, without reporting a problem.
    fn component_schema(&self, reference: &str) -> Option<&Schema> {
        let name = unescape(reference.strip_prefix("#/components/schemas/")?);
        let schemas = &self.document.components.as_ref()?.schemas;
        schemas.get(&name)?.as_item()
    }

    /// The named type a `$ref` stands for.
    pub(super) fn resolve(&mut self, reference: &str, at: &str) -> TypeRef {
        let at = format!("{at}/$ref");
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            let message = format!(
                "`$ref: {reference}` is not supported: a schema reference must point into \
                 this file's `#/components/schemas/`; bundle other files into the spec first"
            );
            self.problem(at, message);
            return TypeRef::Json;
        };
        let name = unescape(name);
        match self.component_names.get(&name) {
            Some(rust_name) => TypeRef::Named(rust_name.clone()),
            None => {
                let message = format!(
                    "`$ref: {reference}` points to no schema: `components.schemas` has no \
                     `{name}`"
                );
                self.problem(at, message);
                TypeRef::Json
            }
        }
    }
}

/// Which of two `oneOf` alternatives is the single item, when the other is a list of it.
fn one_or_many(alternatives: &[ReferenceOr<Schema>]) -> Option<usize> {
    let [first, second] = alternatives else {
        return None;
    };
    let items_of = |schema: &ReferenceOr<Schema>| match schema {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Array(array)),
            ..
        }) => array.items.clone().map(ReferenceOr::unbox),
        _ => None,
    };
    if items_of(second).as_ref() == Some(first) {
        Some(0)
    } else if items_of(first).as_ref() == Some(second) {
        Some(1)
    } else {
        None
    }
}

/// A string enum's variants; a `null` among the values is left to `Option`.
fn string_enum(values: &[Option<String>]) -> StringEnum {
    let mut taken = HashSet::new();
    let mut variants: Vec<Variant> = Vec::with_capacity(values.len());
    for value in values.iter().flatten() {
        if variants.iter().any(|known| &known.value == value) {
            continue;
        }
        variants.push(Variant {
            name: names::unique(names::type_name(value), &mut taken),
            value: value.clone(),
        });
    }
    StringEnum {
        variants,
        other_variant: names::unique("Unknown".to_owned(), &mut taken),
    }
}

/// An integer enum's variants, named `V1`, `V2`, … and `VMinus1` for negative values; a
/// `null` among the values is left to `Option`.
fn int_enum(values: &[Option<i64>]) -> IntEnum {
    let mut taken = HashSet::new();
    let mut variants: Vec<(String, i64)> = Vec::with_capacity(values.len());
    for &value in values.iter().flatten() {
        if variants.iter().any(|(_, known)| *known == value) {
            continue;
        }
        let name = if value < 0 {
            format!("VMinus{}", value.unsigned_abs())
        } else {
            format!("V{value}")
        };
        variants.push((names::unique(name, &mut taken), value));
    }
    IntEnum {
        variants,
        other_variant: names::unique("Unknown".to_owned(), &mut taken),
    }
}

/// Undoes the escaping of one JSON pointer token.
pub(super) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
