//! The tests that need the whole workspace, as one test binary with a module per suite.

mod client;
mod codegen;
mod diagnostics;
mod golden;
mod prism;
