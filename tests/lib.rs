//! The workspace's own tests live in `main.rs`; this library only compiles the README's
//! examples as doctests, so that they cannot drift from the generated client.
#![doc = include_str!("../README.md")]
