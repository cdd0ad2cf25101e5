//! The `x-clientgen-wait` extension: how to wait for what an operation returns.
//!
//! On the operation that reads a resource:
//!
//! ```yaml
//! x-clientgen-wait: { status: status, final: [Complete, Failed] }
//! ```
//!
//! On the operation that creates it, naming the reading operation and the answer's id field,
//! with optional parameters set on every poll:
//!
//! ```yaml
//! x-clientgen-wait: { poll: getJob, id: id, with: { details: true } }
//! ```

use serde_json::Value;

use super::Lowerer;
use crate::ir::{Field, ModelKind, Operation, Param, TypeRef, Wait};

impl Lowerer<'_> {
    /// Validates every `x-clientgen-wait` and puts it on its operation: the polling ones
    /// first, since a submitting one names one of them.
    pub(super) fn attach_waits(&mut self, operations: &mut [Operation]) {
        let waits = std::mem::take(&mut self.waits);
        let (polls, submits): (Vec<_>, Vec<_>) = waits
            .into_iter()
            .partition(|(_, _, value)| value.get("poll").is_none());
        for (id, at, value) in polls.into_iter().chain(submits) {
            let Some(index) = operations.iter().position(|op| op.id == id) else {
                continue;
            };
            let wait = if value.get("poll").is_some() {
                self.submit_wait(&operations[index], operations, &at, &value)
            } else {
                self.poll_wait(&operations[index], &at, &value)
            };
            operations[index].wait = wait;
        }
    }

    fn poll_wait(&mut self, operation: &Operation, at: &str, value: &Value) -> Option<Wait> {
        let status = value.get("status").and_then(Value::as_str);
        let final_states: Option<Vec<String>> = value
            .get("final")
            .and_then(Value::as_array)
            .and_then(|list| list.iter().map(|v| v.as_str().map(str::to_owned)).collect());
        let (Some(status), Some(final_states)) = (status, final_states) else {
            self.problem(
                at,
                "expected `status:` (a field of the answer) and `final:` (a list of states), \
                 or `poll:` (an operationId) and `id:` (a field of the answer)",
            );
            return None;
        };
        let status_field = self.answer_field(operation, status, at)?;
        let known: Option<Vec<String>> = match &status_field.ty {
            TypeRef::Named(name) => match self.models.get(name).map(|model| &model.kind) {
                Some(ModelKind::Enum(states)) => {
                    Some(states.variants.iter().map(|v| v.value.clone()).collect())
                }
                _ => None,
            },
            _ => None,
        };
        for state in known
            .iter()
            .flat_map(|known| final_states.iter().filter(|s| !known.contains(s)))
        {
            let message = format!("`{state}` is not a value of `{status}`");
            self.problem(format!("{at}/final"), message);
        }
        Some(Wait::Poll {
            status_field,
            final_states,
        })
    }

    fn submit_wait(
        &mut self,
        operation: &Operation,
        operations: &[Operation],
        at: &str,
        value: &Value,
    ) -> Option<Wait> {
        let poll_id = value
            .get("poll")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(poll) = operations
            .iter()
            .find(|op| op.id == poll_id && matches!(op.wait, Some(Wait::Poll { .. })))
        else {
            let message = format!(
                "`poll: {poll_id}` must name an operation that has \
                 `x-clientgen-wait: {{status, final}}`"
            );
            self.problem(format!("{at}/poll"), message);
            return None;
        };
        if poll.params.iter().filter(|param| param.required).count() != 1 {
            let message = format!("`{poll_id}` must take exactly one required parameter, the id");
            self.problem(format!("{at}/poll"), message);
            return None;
        }
        let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
        let id_field = self.answer_field(operation, id, at)?;
        if id_field.ty != TypeRef::String {
            self.problem(format!("{at}/id"), format!("`{id}` must be a string field"));
            return None;
        }
        let with = self.poll_settings(poll, at, value.get("with"))?;
        Some(Wait::Submit {
            poll_method: poll.method_name.clone(),
            id_field,
            with,
        })
    }

    /// The field named `wire_name` of the operation's answer.
    fn answer_field(&mut self, operation: &Operation, wire_name: &str, at: &str) -> Option<Field> {
        let fields = match &operation.success {
            Some(TypeRef::Named(name)) => match self.models.get(name).map(|m| &m.kind) {
                Some(ModelKind::Struct(fields)) => Some(fields),
                _ => None,
            },
            _ => None,
        };
        let field = fields
            .and_then(|fields| fields.iter().find(|f| f.wire_name == wire_name))
            .cloned();
        if field.is_none() {
            let message = format!("the operation's answer has no field `{wire_name}`");
            self.problem(at, message);
        }
        field
    }

    /// The poll's optional parameters from `with:`, as setter names and Rust literals.
    fn poll_settings(
        &mut self,
        poll: &Operation,
        at: &str,
        with: Option<&Value>,
    ) -> Option<Vec<(String, String)>> {
        let Some(with) = with else {
            return Some(Vec::new());
        };
        let Some(with) = with.as_object() else {
            self.problem(
                format!("{at}/with"),
                "expected a map of parameter names to values",
            );
            return None;
        };
        let mut settings = Vec::new();
        for (name, value) in with {
            let param = poll
                .params
                .iter()
                .find(|p| !p.required && &p.wire_name == name);
            match param.and_then(|param| literal(param, value)) {
                Some(literal) => settings.push(literal),
                None => {
                    let message = format!(
                        "`{name}` is not an optional parameter of `{}` that takes {value}",
                        poll.id
                    );
                    self.problem(format!("{at}/with"), message);
                }
            }
        }
        Some(settings)
    }
}

/// The setter and the Rust literal that give `param` the JSON `value`.
fn literal(param: &Param, value: &Value) -> Option<(String, String)> {
    let literal = match (&param.ty, value) {
        (TypeRef::Bool, Value::Bool(flag)) => flag.to_string(),
        (TypeRef::I32 | TypeRef::I64, Value::Number(number)) if number.is_i64() => {
            number.to_string()
        }
        (TypeRef::String, Value::String(text)) => format!("{text:?}"),
        (TypeRef::Named(name), Value::String(text)) => format!("models::{name}::from({text:?})"),
        _ => return None,
    };
    Some((param.rust_name.clone(), literal))
}
