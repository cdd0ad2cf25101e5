//! Boxes the fields that would otherwise give a type infinite size.
//!
//! A struct that holds itself, directly or through other structs, needs a `Box` somewhere on
//! the cycle. A `Vec` or a map already puts its items on the heap, so only plain named fields
//! count. Every such field whose type lies on a cycle with its own struct is boxed: the
//! strongly connected components of the "holds a" graph give those cycles.

use std::collections::BTreeMap;

use crate::ir::{Model, ModelKind, TypeRef};

/// Marks as boxed every field whose type can hold the struct the field is in.
pub fn box_recursive_fields(models: &mut [Model]) {
    let index: BTreeMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(position, model)| (model.name.clone(), position))
        .collect();
    let edges: Vec<Vec<usize>> = models
        .iter()
        .map(|model| {
            held_types(model)
                .filter_map(|name| index.get(name).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);

    for (position, model) in models.iter_mut().enumerate() {
        let ModelKind::Struct(fields) = &mut model.kind else {
            continue;
        };
        for field in fields {
            if let TypeRef::Named(name) = &field.ty {
                field.boxed = index
                    .get(name)
                    .is_some_and(|&target| component[target] == component[position]);
            }
        }
    }
}

/// The names of the types a model holds in place, not behind a `Vec` or a map.
fn held_types(model: &Model) -> Box<dyn Iterator<Item = &str> + '_> {
    match &model.kind {
        ModelKind::Struct(fields) => Box::new(fields.iter().filter_map(|field| named(&field.ty))),
        ModelKind::Alias(ty) => Box::new(named(ty).into_iter()),
        ModelKind::Enum(_) | ModelKind::IntEnum(_) => Box::new(std::iter::empty()),
    }
}

fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Tarjan's algorithm, without recursion so that deep chains of types cannot overflow the
/// stack. Returns, for each node, the number of its component.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut order = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNSEEN; count];
    let mut stack = Vec::new();
    let mut next_order = 0;
    let mut next_component = 0;

    for root in 0..count {
        if order[root] != UNSEEN {
            continue;
        }
        // Each frame is a node and how many of its edges have been followed.
        let mut frames = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;

        while let Some(&mut (node, ref mut followed)) = frames.last_mut() {
            if let Some(&target) = edges[node].get(*followed) {
                *followed += 1;
                if order[target] == UNSEEN {
                    order[target] = next_order;
                    low[target] = next_order;
                    next_order += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    frames.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn cycles_share_a_component_and_chains_do_not() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 only leads into it; 4 holds itself.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let component = strongly_connected(&edges);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
        assert_ne!(component[4], component[3]);
    }
}
