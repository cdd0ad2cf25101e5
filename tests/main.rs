//! The tests that need the whole workspace, as one test binary with a module per suite.

mod auth;
mod client;
mod codegen;
mod diagnostics;
mod examples;
mod fixture_crates;
mod fuzz;
mod golden;
mod prism;
mod resilience;
mod support;
mod waiting;
