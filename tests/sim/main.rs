//! The simulator on its own: the raw pty client against `qtcp sim` in-process ([`support::pty`])
//! and as a process (the ready line, `--listen`, `--link`), and the whole client flow against
//! each model preset. One binary for the group, so `cargo test` builds and links less.

#[path = "../support/mod.rs"]
mod support;

mod boot;
mod crlf;
mod ctx;
mod ctx_data;
mod ctx_faults;
mod ctx_host;
mod faults;
mod golden;
mod knobs;
mod link_rates;
mod listen;
mod model_matrix;
mod models;
mod presets;
mod process;
mod real;
mod tooling;
mod transparent;
